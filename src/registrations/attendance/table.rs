//! The rows of a delimited report and the column headings in it.
//!
//! The reports are not one table with a header on the first line: Zoom may put a meeting
//! summary (its own header and one row) before the participants, Teams writes numbered
//! sections one after another. So the file is read as rows of cells (the `csv` crate, with
//! rows of any length), and the table of a tool is found by its header row anywhere in the file.

use unicode_normalization::UnicodeNormalization;

/// One row of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The line it starts on, from 1.
    pub line: u64,
    /// Its cells, trimmed.
    pub cells: Vec<String>,
}

impl Row {
    /// The cell at `index`, or "" when the row is shorter.
    pub fn cell(&self, index: Option<usize>) -> &str {
        index
            .and_then(|i| self.cells.get(i))
            .map_or("", String::as_str)
    }

    /// How many cells hold something.
    pub fn filled(&self) -> usize {
        self.cells.iter().filter(|c| !c.is_empty()).count()
    }

    /// Whether the row ends a table: an empty row (Excel writes `,,,,`), a line without a
    /// delimiter, or a numbered section title (`3. In-Meeting Activities`).
    pub fn ends_table(&self) -> bool {
        let first = self.cells.first().map_or("", String::as_str);
        let numbered = first
            .split_once(". ")
            .is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        self.filled() == 0 || self.cells.len() == 1 || (self.filled() == 1 && numbered)
    }
}

/// The rows of `text` split at `delimiter` (quoted cells as in RFC 4180). Lines the parser
/// cannot read are skipped; empty lines yield no row.
pub fn rows(text: &str, delimiter: u8) -> Vec<Row> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(at, _)| at + 1))
        .collect();
    reader
        .records()
        .filter_map(Result::ok)
        .map(|record| Row {
            line: record
                .position()
                .map_or(0, |p| line_of(text, &line_starts, p.byte())),
            cells: record.iter().map(|c| c.trim().to_string()).collect(),
        })
        .collect()
}

/// The line (from 1) of the first character at or after `byte` that is not a line break:
/// the reader reports a record as starting where the empty lines before it start.
fn line_of(text: &str, line_starts: &[usize], byte: u64) -> u64 {
    let start = usize::try_from(byte).unwrap_or(text.len()).min(text.len());
    let skipped = text.as_bytes()[start..]
        .iter()
        .take_while(|b| matches!(b, b'\r' | b'\n'))
        .count();
    let at = start + skipped;
    let line = line_starts.partition_point(|&s| s <= at);
    u64::try_from(line).unwrap_or(u64::MAX)
}

/// A heading compared loosely: compatibility forms folded (full-width brackets, ideographic
/// spaces), lower case, no whitespace, no byte-order mark. `Name (Original Name)`,
/// `name(original name)` and `名前（元の名前）`/`名前 (元の名前)` each compare equal.
pub fn heading_key(text: &str) -> String {
    text.nfkc()
        .filter(|c| !c.is_whitespace() && *c != '\u{feff}')
        .flat_map(char::to_lowercase)
        .collect()
}

/// The index of the first heading of `header` that is one of `names`.
pub fn column(header: &[String], names: &[&str]) -> Option<usize> {
    let wanted: Vec<String> = names.iter().map(|n| heading_key(n)).collect();
    header
        .iter()
        .position(|cell| wanted.contains(&heading_key(cell)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_of_any_length_with_quoted_cells_and_their_lines() {
        let text = "Topic,Start\n\"Seminar, part 1\",x\n\nName\tEmail,y,z\n";
        let rows = rows(text, b',');
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].cells, ["Seminar, part 1", "x"]);
        assert_eq!(rows[1].line, 2);
        assert_eq!(rows[2].line, 4);
        assert_eq!(rows[2].cells.len(), 3);
        assert_eq!(rows[2].cell(Some(7)), "");
        let crlf = rows_of("a,b\r\n\r\n\r\nc,d\r\n");
        assert_eq!(crlf.iter().map(|r| r.line).collect::<Vec<_>>(), [1, 4]);
    }

    fn rows_of(text: &str) -> Vec<Row> {
        rows(text, b',')
    }

    #[test]
    fn tables_end_at_empty_rows_and_section_titles_only() {
        let row = |cells: &[&str]| Row {
            line: 1,
            cells: cells.iter().map(|c| c.to_string()).collect(),
        };
        assert!(row(&["", "", ""]).ends_table());
        assert!(row(&["3. In-Meeting Activities"]).ends_table());
        assert!(row(&["3. In-Meeting Activities", "", ""]).ends_table());
        // A data row with only one cell filled is still a row of the table.
        assert!(!row(&["", "", "30"]).ends_table());
        assert!(!row(&["九州 太郎", "", ""]).ends_table());
        assert!(!row(&["1. Taro", "taro@example.jp"]).ends_table());
    }

    #[test]
    fn headings_compare_loosely() {
        assert_eq!(
            heading_key("Name (Original Name)"),
            heading_key("name(original name)")
        );
        assert_eq!(
            heading_key("名前（元の名前）"),
            heading_key("名前 (元の名前)")
        );
        assert_eq!(
            heading_key("\u{feff}In-Meeting Duration"),
            "in-meetingduration"
        );
        let header: Vec<String> = ["Name", "First join", "Email"].map(String::from).into();
        assert_eq!(column(&header, &["First Join"]), Some(1));
        assert_eq!(column(&header, &["Leave"]), None);
    }
}
