//! Small-cell suppression for the publication version of the report (秘匿処理).
//!
//! The rule, as the bureau publishes it:
//!
//! 1. **Primary.** A count of 1 or 2 is withheld and shown as 「-」. A zero is published: it
//!    concerns nobody.
//! 2. **Totals stay right.** The totals of the table (each column's total in a table of
//!    columns, each row's in a table of rows, the grand total of a cross table) are the true
//!    figures, always published and never adjusted. In a cross table the row and column
//!    subtotals are cells like any other: small ones are withheld too.
//! 3. **Secondary.** No withheld cell may be recoverable from what is published. A column with
//!    exactly one 「-」 would give it away by subtraction from the total, so when a row or
//!    column has one withheld cell the next smallest cell of that line is withheld as well
//!    (a non-zero one when there is any: withholding a zero beside a 1 would still tell that
//!    the pair holds one person). In a cross table subtraction can also run across several
//!    rows and columns; the rule applies until no such chain is left.
//!
//! What "recoverable" means here: a reader who knows every published figure and that counts
//! are whole numbers of at least 0 can name the value of a withheld cell. Viewed as a graph
//! (rows and columns are nodes whose equations are their totals, a withheld cell is an edge
//! between its row and its column), a withheld cell is recoverable exactly when it lies on no
//! cycle of withheld cells, i.e. it is a bridge; and a line whose published total equals the
//! sum of its published cells tells that its withheld cells are all zero. The function adds
//! the smallest cell that closes a cycle through each bridge until there is none. The unit
//! tests check the result against a brute-force reader that enumerates every table agreeing
//! with the publication.
//!
//! A table so small that nothing can be added (a single row under its column total, say)
//! cannot be protected: [`Publication::fully_protected`] is then `false`, and the caller
//! should not publish that table as it is.

/// Counts under this are withheld.
pub const THRESHOLD: u64 = 3;

/// Which totals the table publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Totals {
    /// A total under each column (a list by prefecture with registrations and attendees).
    PerColumn,
    /// A total at the end of each row.
    PerRow,
    /// A cross table: row totals, column totals and the grand total.
    Both,
}

/// A table of counts, `rows × columns`, and the totals it publishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountTable {
    cells: Vec<Vec<u64>>,
    columns: usize,
    totals: Totals,
}

/// The rows of a table were not all as long as the first.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("every row of a table needs the same number of cells")]
pub struct RaggedTable;

impl CountTable {
    /// A table from its rows.
    pub fn new(cells: Vec<Vec<u64>>, totals: Totals) -> Result<Self, RaggedTable> {
        let columns = cells.first().map_or(0, Vec::len);
        if cells.iter().any(|row| row.len() != columns) {
            return Err(RaggedTable);
        }
        Ok(Self {
            cells,
            columns,
            totals,
        })
    }

    fn rows(&self) -> usize {
        self.cells.len()
    }

    fn row_total(&self, r: usize) -> u64 {
        self.cells[r].iter().sum()
    }

    fn column_total(&self, c: usize) -> u64 {
        self.cells.iter().map(|row| row[c]).sum()
    }
}

/// A figure as published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// Published as it is.
    Value(u64),
    /// Withheld: shown as 「-」.
    Withheld,
}

impl Shown {
    /// The mark of a withheld cell.
    pub const MARK: &'static str = "-";

    /// The figure, or 「-」.
    pub fn label(self) -> String {
        match self {
            Shown::Value(v) => v.to_string(),
            Shown::Withheld => Self::MARK.to_string(),
        }
    }
}

/// A figure in a workbook: a number, or the withheld mark.
impl From<Shown> for crate::xlsx::Cell {
    fn from(shown: Shown) -> Self {
        match shown {
            Shown::Value(v) => crate::xlsx::Cell::Integer(i64::try_from(v).unwrap_or(i64::MAX)),
            Shown::Withheld => crate::xlsx::Cell::Withheld,
        }
    }
}

/// The publication version of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publication {
    /// The cells, as the input's rows.
    pub cells: Vec<Vec<Shown>>,
    /// Each row's total, for [`Totals::PerRow`] and [`Totals::Both`].
    pub row_totals: Option<Vec<Shown>>,
    /// Each column's total, for [`Totals::PerColumn`] and [`Totals::Both`].
    pub column_totals: Option<Vec<Shown>>,
    /// The grand total, for [`Totals::Both`].
    pub grand_total: Option<u64>,
    /// `false` when some withheld cell could still be derived because the table had nothing
    /// left to withhold beside it.
    pub fully_protected: bool,
}

/// A cell of the table that may be withheld.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    Inner(usize, usize),
    RowTotal(usize),
    ColumnTotal(usize),
}

/// One withholdable cell as an edge between the nodes of its two lines.
#[derive(Debug, Clone, Copy)]
struct Edge {
    place: Place,
    value: u64,
    ends: (usize, usize),
}

/// A line with a published total: the cells that sum to it.
struct Line {
    members: Vec<usize>,
    total_edge: Option<usize>,
}

/// The table as a graph: its withholdable cells as edges, its lines as nodes.
struct Layout {
    edges: Vec<Edge>,
    nodes: usize,
    lines: Vec<Line>,
}

impl Layout {
    fn new(table: &CountTable) -> Self {
        let (n, m) = (table.rows(), table.columns);
        let mut edges = Vec::new();
        let mut lines = Vec::new();
        let inner_index = |r: usize, c: usize| r * m + c;
        match table.totals {
            Totals::PerColumn => {
                // Node 0: every row, merged into one node without an equation (rows publish no
                // totals, so their cells may trade values freely); node 1 + c: column c.
                for (r, row) in table.cells.iter().enumerate() {
                    for (c, &value) in row.iter().enumerate() {
                        edges.push(edge(Place::Inner(r, c), value, (0, 1 + c)));
                    }
                }
                for c in 0..m {
                    lines.push(Line {
                        members: (0..n).map(|r| inner_index(r, c)).collect(),
                        total_edge: None,
                    });
                }
                Self {
                    edges,
                    nodes: 1 + m,
                    lines,
                }
            }
            Totals::PerRow => {
                // Node r: row r; node n: every column, merged as above.
                for (r, row) in table.cells.iter().enumerate() {
                    for (c, &value) in row.iter().enumerate() {
                        edges.push(edge(Place::Inner(r, c), value, (r, n)));
                    }
                }
                for r in 0..n {
                    lines.push(Line {
                        members: (0..m).map(|c| inner_index(r, c)).collect(),
                        total_edge: None,
                    });
                }
                Self {
                    edges,
                    nodes: n + 1,
                    lines,
                }
            }
            Totals::Both => {
                // Rows 0..n, the row of column totals n; columns n+1.., the column of row
                // totals n+1+m. The grand total (between the last two) is always published.
                let (total_row, column_node) = (n, |c: usize| n + 1 + c);
                let total_column = n + 1 + m;
                for (r, row) in table.cells.iter().enumerate() {
                    for (c, &value) in row.iter().enumerate() {
                        edges.push(edge(Place::Inner(r, c), value, (r, column_node(c))));
                    }
                }
                let row_total_edge = |r: usize| n * m + r;
                for r in 0..n {
                    edges.push(edge(
                        Place::RowTotal(r),
                        table.row_total(r),
                        (r, total_column),
                    ));
                }
                let column_total_edge = |c: usize| n * m + n + c;
                for c in 0..m {
                    edges.push(edge(
                        Place::ColumnTotal(c),
                        table.column_total(c),
                        (total_row, column_node(c)),
                    ));
                }
                for r in 0..n {
                    lines.push(Line {
                        members: (0..m).map(|c| inner_index(r, c)).collect(),
                        total_edge: Some(row_total_edge(r)),
                    });
                }
                for c in 0..m {
                    lines.push(Line {
                        members: (0..n).map(|r| inner_index(r, c)).collect(),
                        total_edge: Some(column_total_edge(c)),
                    });
                }
                lines.push(Line {
                    members: (0..n).map(row_total_edge).collect(),
                    total_edge: None,
                });
                lines.push(Line {
                    members: (0..m).map(column_total_edge).collect(),
                    total_edge: None,
                });
                Self {
                    edges,
                    nodes: n + m + 2,
                    lines,
                }
            }
        }
    }

    /// Withheld cells a reader can still tell are zero: those of a line whose total is known
    /// and whose withheld cells must therefore sum to zero.
    fn revealed_zeros(&self, withheld: &[bool]) -> Vec<bool> {
        let mut revealed = vec![false; self.edges.len()];
        for line in &self.lines {
            let total_known = line.total_edge.is_none_or(|t| !withheld[t]);
            let hidden: Vec<usize> = line
                .members
                .iter()
                .copied()
                .filter(|&e| withheld[e])
                .collect();
            if total_known && !hidden.is_empty() && hidden.iter().all(|&e| self.edges[e].value == 0)
            {
                for e in hidden {
                    revealed[e] = true;
                }
            }
        }
        revealed
    }
}

fn edge(place: Place, value: u64, ends: (usize, usize)) -> Edge {
    Edge { place, value, ends }
}

/// Applies the rule of this module to a table.
pub fn suppress(table: &CountTable) -> Publication {
    let layout = Layout::new(table);
    let mut withheld: Vec<bool> = layout
        .edges
        .iter()
        .map(|e| (1..THRESHOLD).contains(&e.value))
        .collect();
    let fully_protected = add_complements(&layout, &mut withheld);
    publication(table, &layout, &withheld, fully_protected)
}

/// Secondary suppression: closes a cycle through every withheld cell that is a bridge.
/// Returns whether every withheld cell ended up protected.
fn add_complements(layout: &Layout, withheld: &mut [bool]) -> bool {
    loop {
        let revealed = layout.revealed_zeros(withheld);
        let hidden: Vec<bool> = withheld
            .iter()
            .zip(&revealed)
            .map(|(&w, &r)| w && !r)
            .collect();
        let exposed = bridges(layout, &hidden);
        // A revealed zero matters only through the cells it exposes, which are bridges now.
        let Some(choice) = exposed
            .iter()
            .find_map(|&bridge| best_complement(layout, withheld, &hidden, bridge))
        else {
            return exposed.iter().all(|&e| layout.edges[e].value == 0);
        };
        withheld[choice] = true;
    }
}

/// The published cell to withhold so that `bridge` lies on a cycle: one joining the two sides
/// the bridge separates, the smallest non-zero one, then the smallest zero, preferring the
/// bridge's own row or column on equal values.
fn best_complement(
    layout: &Layout,
    withheld: &[bool],
    hidden: &[bool],
    bridge: usize,
) -> Option<usize> {
    let (u, v) = layout.edges[bridge].ends;
    let side = component_without(layout, hidden, bridge, u);
    let crosses = |e: &Edge| side[e.ends.0] != side[e.ends.1];
    let touches = |e: &Edge| [e.ends.0, e.ends.1].iter().any(|&x| x == u || x == v);
    layout
        .edges
        .iter()
        .enumerate()
        .filter(|&(i, e)| !withheld[i] && crosses(e))
        .min_by_key(|&(i, e)| (e.value == 0, e.value, !touches(e), e.place, i))
        .map(|(i, _)| i)
}

/// Marks the nodes reachable from `start` over hidden cells other than `skip`.
fn component_without(layout: &Layout, hidden: &[bool], skip: usize, start: usize) -> Vec<bool> {
    let mut seen = vec![false; layout.nodes];
    let mut stack = vec![start];
    seen[start] = true;
    while let Some(node) = stack.pop() {
        for (i, e) in layout.edges.iter().enumerate() {
            if i == skip || !hidden[i] {
                continue;
            }
            let next = match e.ends {
                (a, b) if a == node => b,
                (a, b) if b == node => a,
                _ => continue,
            };
            if !seen[next] {
                seen[next] = true;
                stack.push(next);
            }
        }
    }
    seen
}

/// The hidden cells that lie on no cycle of hidden cells, in table order. A cell touching the
/// free node of a one-sided table is a bridge when it is the only hidden cell of its line.
fn bridges(layout: &Layout, hidden: &[bool]) -> Vec<usize> {
    // Small tables (tens of cells): checking each edge by a search is clearer than Tarjan's
    // algorithm and fast enough.
    let mut found: Vec<usize> = (0..layout.edges.len())
        .filter(|&i| hidden[i])
        .filter(|&i| {
            let (u, v) = layout.edges[i].ends;
            !component_without(layout, hidden, i, u)[v]
        })
        .collect();
    found.sort_by_key(|&i| layout.edges[i].place);
    found
}

fn publication(
    table: &CountTable,
    layout: &Layout,
    withheld: &[bool],
    fully_protected: bool,
) -> Publication {
    let shown_at = |place: Place, value: u64| {
        let hidden = layout
            .edges
            .iter()
            .zip(withheld)
            .any(|(e, &w)| w && e.place == place);
        if hidden {
            Shown::Withheld
        } else {
            Shown::Value(value)
        }
    };
    let cells = table
        .cells
        .iter()
        .enumerate()
        .map(|(r, row)| {
            row.iter()
                .enumerate()
                .map(|(c, &v)| shown_at(Place::Inner(r, c), v))
                .collect()
        })
        .collect();
    let row_totals = matches!(table.totals, Totals::PerRow | Totals::Both).then(|| {
        (0..table.rows())
            .map(|r| shown_at(Place::RowTotal(r), table.row_total(r)))
            .collect()
    });
    let column_totals = matches!(table.totals, Totals::PerColumn | Totals::Both).then(|| {
        (0..table.columns)
            .map(|c| shown_at(Place::ColumnTotal(c), table.column_total(c)))
            .collect()
    });
    let grand_total = (table.totals == Totals::Both).then(|| table.cells.iter().flatten().sum());
    Publication {
        cells,
        row_totals,
        column_totals,
        grand_total,
        fully_protected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};
    use std::collections::BTreeSet;

    use Shown::{Value as V, Withheld as W};

    fn column_table(values: &[u64]) -> CountTable {
        CountTable::new(values.iter().map(|&v| vec![v]).collect(), Totals::PerColumn).unwrap()
    }

    fn column_of(p: &Publication) -> Vec<Shown> {
        p.cells.iter().map(|row| row[0]).collect()
    }

    /// The reader of the module doc: every table of whole numbers ≥ 0 that agrees with the
    /// publication, and for each withheld inner cell the values it takes across them.
    fn feasible_values(
        table: &CountTable,
        p: &Publication,
    ) -> Vec<((usize, usize), BTreeSet<u64>)> {
        let (n, m) = (table.rows(), table.columns);
        let known = |s: Shown| match s {
            V(v) => Some(v),
            W => None,
        };
        let row_known: Vec<Option<u64>> = match &p.row_totals {
            Some(t) => t.iter().map(|&s| known(s)).collect(),
            None => vec![None; n],
        };
        let column_known: Vec<Option<u64>> = match &p.column_totals {
            Some(t) => t.iter().map(|&s| known(s)).collect(),
            None => vec![None; m],
        };
        let ceiling = p
            .grand_total
            .unwrap_or_else(|| table.cells.iter().flatten().sum());
        let hidden: Vec<(usize, usize)> = (0..n)
            .flat_map(|r| (0..m).map(move |c| (r, c)))
            .filter(|&(r, c)| p.cells[r][c] == W)
            .collect();
        let mut grid: Vec<Vec<u64>> = p
            .cells
            .iter()
            .map(|row| row.iter().map(|&s| known(s).unwrap_or(0)).collect())
            .collect();
        let mut seen = vec![BTreeSet::new(); hidden.len()];
        let mut consistent = |grid: &Vec<Vec<u64>>| {
            let row_ok =
                (0..n).all(|r| row_known[r].is_none_or(|t| grid[r].iter().sum::<u64>() == t));
            let col_ok = (0..m).all(|c| {
                column_known[c].is_none_or(|t| grid.iter().map(|row| row[c]).sum::<u64>() == t)
            });
            let grand_ok = p
                .grand_total
                .is_none_or(|g| grid.iter().flatten().sum::<u64>() == g);
            row_ok && col_ok && grand_ok
        };
        fn search(
            k: usize,
            hidden: &[(usize, usize)],
            grid: &mut Vec<Vec<u64>>,
            ceiling: u64,
            consistent: &mut dyn FnMut(&Vec<Vec<u64>>) -> bool,
            seen: &mut [BTreeSet<u64>],
        ) {
            if k == hidden.len() {
                if consistent(grid) {
                    for (i, &(r, c)) in hidden.iter().enumerate() {
                        seen[i].insert(grid[r][c]);
                    }
                }
                return;
            }
            let (r, c) = hidden[k];
            let used: u64 = grid.iter().flatten().sum();
            for v in 0..=ceiling.saturating_sub(used) {
                grid[r][c] = v;
                search(k + 1, hidden, grid, ceiling, consistent, seen);
            }
            grid[r][c] = 0;
        }
        search(0, &hidden, &mut grid, ceiling, &mut consistent, &mut seen);
        hidden.into_iter().zip(seen).collect()
    }

    /// Every withheld cell can take at least two values, the true one among them.
    fn assert_unrecoverable(table: &CountTable, p: &Publication) {
        for ((r, c), values) in feasible_values(table, p) {
            assert!(
                values.contains(&table.cells[r][c]),
                "the reader's model must admit the truth at ({r},{c})"
            );
            assert!(
                values.len() >= 2,
                "cell ({r},{c}) = {} is recoverable from {p:?}",
                table.cells[r][c]
            );
        }
    }

    #[test]
    fn ones_and_twos_are_withheld_zero_and_totals_are_published() {
        let table = column_table(&[10, 1, 0, 2, 7]);
        let p = suppress(&table);
        assert_eq!(column_of(&p), vec![V(10), W, V(0), W, V(7)]);
        assert_eq!(p.column_totals, Some(vec![V(20)]));
        assert_eq!(p.row_totals, None);
        assert!(p.fully_protected);
        assert_unrecoverable(&table, &p);
        assert_eq!(W.label(), "-");
        assert_eq!(V(12).label(), "12");
    }

    #[test]
    fn a_lone_withheld_cell_takes_the_next_smallest_non_zero_cell_with_it() {
        let table = column_table(&[10, 2, 0, 5, 7]);
        let p = suppress(&table);
        // Without the second 「-」, 24 − 10 − 0 − 5 − 7 would give the 2 away; the zero is
        // not taken, since withholding it would leave the pair's sum at 2.
        assert_eq!(column_of(&p), vec![V(10), W, V(0), W, V(7)]);
        assert_eq!(p.column_totals, Some(vec![V(24)]));
        assert_unrecoverable(&table, &p);
    }

    #[test]
    fn without_the_secondary_cell_the_reader_would_recover_the_small_one() {
        // The control for the brute-force reader: primary suppression alone is caught.
        let table = column_table(&[10, 2, 5, 7]);
        let primary_only = Publication {
            cells: vec![vec![V(10)], vec![W], vec![V(5)], vec![V(7)]],
            row_totals: None,
            column_totals: Some(vec![V(24)]),
            grand_total: None,
            fully_protected: true,
        };
        let values = feasible_values(&table, &primary_only);
        assert_eq!(values, vec![((1, 0), BTreeSet::from([2]))]);
    }

    #[test]
    fn a_zero_is_taken_only_when_nothing_else_is_left() {
        let table = column_table(&[2, 0, 0]);
        let p = suppress(&table);
        assert_eq!(column_of(&p), vec![W, W, V(0)]);
        assert!(p.fully_protected);
        assert_unrecoverable(&table, &p);
    }

    #[test]
    fn a_table_with_nothing_to_add_says_it_is_not_protected() {
        let table = column_table(&[2]);
        let p = suppress(&table);
        assert_eq!(column_of(&p), vec![W]);
        assert_eq!(p.column_totals, Some(vec![V(2)]));
        assert!(!p.fully_protected);
    }

    #[test]
    fn columns_are_protected_each_on_its_own() {
        // By prefecture: registrations, attendees.
        let table = CountTable::new(
            vec![vec![12, 9], vec![2, 1], vec![6, 6], vec![4, 4]],
            Totals::PerColumn,
        )
        .unwrap();
        let p = suppress(&table);
        assert_eq!(
            p.cells,
            vec![vec![V(12), V(9)], vec![W, W], vec![V(6), V(6)], vec![W, W],]
        );
        assert_eq!(p.column_totals, Some(vec![V(24), V(20)]));
        assert_unrecoverable(&table, &p);
    }

    #[test]
    fn rows_work_like_columns() {
        let table = CountTable::new(vec![vec![8, 1, 4], vec![3, 3, 3]], Totals::PerRow).unwrap();
        let p = suppress(&table);
        assert_eq!(p.cells, vec![vec![V(8), W, W], vec![V(3), V(3), V(3)]]);
        assert_eq!(p.row_totals, Some(vec![V(13), V(9)]));
        assert_unrecoverable(&table, &p);
    }

    #[test]
    fn a_cross_table_closes_chains_across_rows_and_columns() {
        // Prefecture × mode (onsite, online), with subtotals and the grand total.
        let table =
            CountTable::new(vec![vec![9, 4], vec![1, 6], vec![5, 8]], Totals::Both).unwrap();
        let p = suppress(&table);
        assert_eq!(p.grand_total, Some(33));
        let withheld = p.cells.iter().flatten().filter(|&&s| s == W).count();
        assert!(withheld >= 4, "a lone 1 needs a rectangle: {p:?}");
        assert_eq!(p.cells[1][0], W);
        assert!(p.fully_protected);
        assert_unrecoverable(&table, &p);
    }

    #[test]
    fn small_subtotals_of_a_cross_table_are_withheld_too() {
        let table =
            CountTable::new(vec![vec![1, 1], vec![7, 5], vec![6, 4]], Totals::Both).unwrap();
        let p = suppress(&table);
        let row_totals = p.row_totals.clone().unwrap();
        assert_eq!(row_totals[0], W, "a row total of 2 is a small cell");
        assert_eq!(p.grand_total, Some(24));
        assert!(p.fully_protected);
        assert_unrecoverable(&table, &p);
    }

    #[test]
    fn ragged_tables_are_refused() {
        assert_eq!(
            CountTable::new(vec![vec![1, 2], vec![3]], Totals::PerColumn),
            Err(RaggedTable)
        );
    }

    #[test]
    fn random_tables_never_give_a_withheld_cell_away() {
        let mut rng = StdRng::seed_from_u64(14);
        for round in 0..300 {
            let totals = [Totals::PerColumn, Totals::PerRow, Totals::Both][round % 3];
            let (n, m) = (rng.random_range(1..=3), rng.random_range(1..=3));
            let cells: Vec<Vec<u64>> = (0..n)
                .map(|_| (0..m).map(|_| rng.random_range(0..=5)).collect())
                .collect();
            let table = CountTable::new(cells, totals).unwrap();
            let p = suppress(&table);
            for (r, row) in table.cells.iter().enumerate() {
                for (c, &v) in row.iter().enumerate() {
                    if (1..THRESHOLD).contains(&v) {
                        assert_eq!(p.cells[r][c], W, "{table:?}");
                    }
                }
            }
            if p.column_totals.is_some() && totals == Totals::PerColumn {
                let sums: Vec<Shown> = (0..m).map(|c| V(table.column_total(c))).collect();
                assert_eq!(p.column_totals, Some(sums), "totals stay right");
            }
            if p.fully_protected {
                assert_unrecoverable(&table, &p);
            } else {
                // Only a table with a single line to hide in can run out of cells to add.
                let single_line = match totals {
                    Totals::PerColumn => n == 1,
                    Totals::PerRow => m == 1,
                    Totals::Both => n == 1 || m == 1,
                };
                assert!(single_line, "{table:?} → {p:?}");
            }
        }
    }
}
