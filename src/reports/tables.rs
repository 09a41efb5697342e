//! The report as tables: what the staff page, the workbook and the CSV files show, in one
//! place so that the three agree. Each table has this year's figures and the previous year's
//! beside them; the tables of people can be turned into their publication version, where
//! counts under [`suppression::THRESHOLD`] are withheld and the totals stay right.

use views::Lang;

use super::figures::{CountItem, ParticipantItem, YearFigures};
use super::service::FiscalYearReport;
use super::suppression::{self, CountTable, Shown, Totals};

/// A figure of a table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Figure {
    /// A count.
    Count(u64),
    /// A share (0.25 = 25%); `None`: nothing to divide by.
    Share(Option<f64>),
    /// An average score (1–5).
    Score(Option<f64>),
    /// Days.
    Days(Option<f64>),
    /// Withheld from publication: 「-」.
    Withheld,
}

/// One line of a summary table: its code, its label's catalog key, and how to read its figure.
type SummaryLine = (&'static str, &'static str, fn(&YearFigures) -> Figure);

impl Figure {
    /// The figure as text in `lang`: counts with separators, shares in percent.
    pub fn text(self, lang: Lang) -> String {
        match self {
            Figure::Count(n) => grouped(n),
            Figure::Share(Some(v)) => format!("{:.1}%", v * 100.0),
            Figure::Score(Some(v)) => format!("{v:.2}"),
            Figure::Days(Some(v)) => match lang {
                Lang::Ja => format!("{v:.1}日"),
                Lang::En => format!("{v:.1} days"),
            },
            Figure::Share(None) | Figure::Score(None) | Figure::Days(None) => "—".to_string(),
            Figure::Withheld => Shown::MARK.to_string(),
        }
    }

    /// The figure as a number for machines (CSV): no separators, shares as fractions.
    pub fn plain(self) -> String {
        match self {
            Figure::Count(n) => n.to_string(),
            Figure::Share(Some(v)) | Figure::Score(Some(v)) | Figure::Days(Some(v)) => {
                v.to_string()
            }
            Figure::Share(None) | Figure::Score(None) | Figure::Days(None) => String::new(),
            Figure::Withheld => Shown::MARK.to_string(),
        }
    }

    /// The count, if this is one.
    pub fn count(self) -> Option<u64> {
        match self {
            Figure::Count(n) => Some(n),
            _ => None,
        }
    }
}

/// 12,345.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// The three sections of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// Seminars.
    Seminars,
    /// Newsletter.
    Newsletter,
    /// Matching board.
    Matching,
}

impl Section {
    /// Every section, in report order.
    pub const ALL: [Section; 3] = [Section::Seminars, Section::Newsletter, Section::Matching];

    /// The heading's message key.
    pub fn key(self) -> &'static str {
        match self {
            Section::Seminars => "reports.section.seminars",
            Section::Newsletter => "reports.section.newsletter",
            Section::Matching => "reports.section.matching",
        }
    }
}

/// One line of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The code behind the label (a prefecture's JIS code, ...), for machines.
    pub code: String,
    /// The label.
    pub label: String,
    /// The figures, one per column.
    pub cells: Vec<Figure>,
}

/// One table.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportTable {
    /// Stable name, used in the CSV's URL and file name (`participants-by-prefecture`).
    pub id: &'static str,
    /// Its section.
    pub section: Section,
    /// The caption.
    pub caption: String,
    /// The header of the label column.
    pub row_header: String,
    /// The headers of the figure columns.
    pub columns: Vec<String>,
    /// The lines.
    pub rows: Vec<Row>,
    /// The total line, when the lines add up.
    pub total: Option<Vec<Figure>>,
    /// A table of people, withheld below the threshold in the publication version.
    pub people: bool,
    /// Drawn as a chart on the page too.
    pub chart: bool,
}

/// The names of every table, in report order.
pub const TABLE_IDS: &[&str] = &[
    "seminars-summary",
    "seminars-by-industry",
    "seminars-by-prefecture",
    "seminars-by-format",
    "participants-by-prefecture",
    "participants-by-industry",
    "participants-by-employee-band",
    "participants-by-mode",
    "newsletter-summary",
    "newsletter-by-topic",
    "matching-summary",
    "matching-by-family",
    "introductions-by-stage",
];

struct Builder<'a> {
    lang: Lang,
    current: &'a YearFigures,
    previous: Option<&'a YearFigures>,
}

impl Builder<'_> {
    fn t(&self, key: &'static str) -> String {
        self.lang.t(key).to_string()
    }

    /// 「申込（令和8年度）」 for a figure of each year.
    fn year_columns(&self, keys: &[&'static str]) -> Vec<String> {
        let mut out: Vec<String> = keys
            .iter()
            .map(|k| format!("{} ({})", self.t(k), self.current.label))
            .collect();
        if let Some(p) = self.previous {
            out.extend(keys.iter().map(|k| format!("{} ({})", self.t(k), p.label)));
        }
        out
    }

    /// A table of single figures: this year, the year before.
    fn summary(
        &self,
        id: &'static str,
        section: Section,
        caption: &'static str,
        lines: &[SummaryLine],
    ) -> ReportTable {
        let mut columns = vec![self.current.label.clone()];
        if let Some(p) = self.previous {
            columns.push(p.label.clone());
        }
        let rows = lines
            .iter()
            .map(|(code, key, get)| {
                let mut cells = vec![get(self.current)];
                if let Some(p) = self.previous {
                    cells.push(get(p));
                }
                Row {
                    code: code.to_string(),
                    label: self.t(key),
                    cells,
                }
            })
            .collect();
        ReportTable {
            id,
            section,
            caption: self.t(caption),
            row_header: self.t("reports.col.item"),
            columns,
            rows,
            total: None,
            people: false,
            chart: false,
        }
    }

    /// A breakdown: the lines of both years by code (this year's order first), `values`
    /// figures per year.
    #[allow(clippy::too_many_arguments)]
    fn breakdown<T>(
        &self,
        id: &'static str,
        section: Section,
        caption: &'static str,
        row_header: &'static str,
        column_keys: &[&'static str],
        items: fn(&YearFigures) -> &Vec<T>,
        key: fn(&T) -> (&str, &str),
        values: fn(&T) -> Vec<u64>,
        totals: bool,
    ) -> ReportTable {
        let width = column_keys.len();
        let mut codes: Vec<(String, String)> = Vec::new();
        let years: Vec<&YearFigures> = std::iter::once(self.current).chain(self.previous).collect();
        for y in &years {
            for item in items(y) {
                let (code, label) = key(item);
                if !codes.iter().any(|(c, _)| c == code) {
                    codes.push((code.to_string(), label.to_string()));
                }
            }
        }
        let rows: Vec<Row> = codes
            .into_iter()
            .map(|(code, label)| {
                let mut cells = Vec::new();
                for y in &years {
                    let found = items(y).iter().find(|i| key(i).0 == code);
                    let v = found.map_or_else(|| vec![0; width], values);
                    cells.extend(v.into_iter().map(Figure::Count));
                }
                Row { code, label, cells }
            })
            .collect();
        let total = totals.then(|| {
            (0..width * years.len())
                .map(|c| Figure::Count(rows.iter().filter_map(|r| r.cells[c].count()).sum()))
                .collect()
        });
        ReportTable {
            id,
            section,
            caption: self.t(caption),
            row_header: self.t(row_header),
            columns: self.year_columns(column_keys),
            rows,
            total,
            people: false,
            chart: false,
        }
    }

    fn participants(
        &self,
        id: &'static str,
        caption: &'static str,
        row_header: &'static str,
        items: fn(&YearFigures) -> &Vec<ParticipantItem>,
    ) -> ReportTable {
        let mut t = self.breakdown(
            id,
            Section::Seminars,
            caption,
            row_header,
            &["reports.col.registrations", "reports.col.attendees"],
            items,
            |i| (&i.code, &i.label),
            |i| vec![i.registrations, i.attendees],
            true,
        );
        t.people = true;
        t.chart = true;
        t
    }

    fn counts(
        &self,
        id: &'static str,
        section: Section,
        caption: &'static str,
        row_header: &'static str,
        items: fn(&YearFigures) -> &Vec<CountItem>,
    ) -> ReportTable {
        self.breakdown(
            id,
            section,
            caption,
            row_header,
            &["reports.col.count"],
            items,
            |i| (&i.code, &i.label),
            |i| vec![i.count],
            true,
        )
    }
}

fn count(v: u64) -> Figure {
    Figure::Count(v)
}

/// Every table of the report, in report order; `publication` withholds small counts of people.
pub fn tables(report: &FiscalYearReport, lang: Lang, publication: bool) -> Vec<ReportTable> {
    let b = Builder {
        lang,
        current: &report.current,
        previous: report.previous.as_ref(),
    };
    let mut all = vec![
        b.summary(
            "seminars-summary",
            Section::Seminars,
            "reports.table.seminars_summary",
            &[
                ("held", "reports.fig.held", |y| count(y.seminars.held)),
                ("scheduled", "reports.fig.scheduled", |y| {
                    count(y.seminars.scheduled)
                }),
                ("cancelled", "reports.fig.cancelled", |y| {
                    count(y.seminars.cancelled)
                }),
                ("registrations", "reports.fig.registrations", |y| {
                    count(y.seminars.registrations)
                }),
                ("confirmed", "reports.fig.confirmed", |y| {
                    count(y.seminars.confirmed)
                }),
                ("attendees", "reports.fig.attendees", |y| {
                    count(y.seminars.attendees)
                }),
                ("turnout", "reports.fig.turnout", |y| {
                    Figure::Share(y.seminars.turnout)
                }),
                ("waitlist_demand", "reports.fig.waitlist_demand", |y| {
                    count(y.seminars.waitlist_demand)
                }),
                (
                    "cancelled_registrations",
                    "reports.fig.cancelled_registrations",
                    |y| count(y.seminars.cancelled_registrations),
                ),
                (
                    "distinct_organizations",
                    "reports.fig.distinct_organizations",
                    |y| count(y.seminars.distinct_organizations),
                ),
                ("returning_participants", "reports.fig.returning", |y| {
                    count(y.seminars.returning_participants)
                }),
                ("first_timers", "reports.fig.first_timers", |y| {
                    count(y.seminars.first_timers)
                }),
                ("survey_sent", "reports.fig.survey_sent", |y| {
                    count(y.seminars.survey.sent)
                }),
                ("survey_answered", "reports.fig.survey_answered", |y| {
                    count(y.seminars.survey.answered)
                }),
                ("survey_response_rate", "reports.fig.response_rate", |y| {
                    Figure::Share(y.seminars.survey.response_rate)
                }),
                ("satisfaction_average", "reports.fig.satisfaction", |y| {
                    Figure::Score(y.seminars.survey.satisfaction_average)
                }),
                ("usefulness_average", "reports.fig.usefulness", |y| {
                    Figure::Score(y.seminars.survey.usefulness_average)
                }),
            ],
        ),
        b.counts(
            "seminars-by-industry",
            Section::Seminars,
            "reports.table.seminars_by_industry",
            "reports.col.industry",
            |y| &y.seminars.seminars_by_industry,
        ),
        b.counts(
            "seminars-by-prefecture",
            Section::Seminars,
            "reports.table.seminars_by_prefecture",
            "reports.col.prefecture",
            |y| &y.seminars.seminars_by_prefecture,
        ),
        b.counts(
            "seminars-by-format",
            Section::Seminars,
            "reports.table.seminars_by_format",
            "reports.col.format",
            |y| &y.seminars.seminars_by_format,
        ),
        b.participants(
            "participants-by-prefecture",
            "reports.table.participants_by_prefecture",
            "reports.col.prefecture",
            |y| &y.seminars.by_prefecture,
        ),
        b.participants(
            "participants-by-industry",
            "reports.table.participants_by_industry",
            "reports.col.industry",
            |y| &y.seminars.by_industry,
        ),
        b.participants(
            "participants-by-employee-band",
            "reports.table.participants_by_band",
            "reports.col.band",
            |y| &y.seminars.by_employee_band,
        ),
        b.participants(
            "participants-by-mode",
            "reports.table.participants_by_mode",
            "reports.col.mode",
            |y| &y.seminars.by_mode,
        ),
        b.summary(
            "newsletter-summary",
            Section::Newsletter,
            "reports.table.newsletter_summary",
            &[
                (
                    "subscribers_at_start",
                    "reports.fig.subscribers_start",
                    |y| count(y.newsletter.subscribers_at_start),
                ),
                ("subscribers_at_end", "reports.fig.subscribers_end", |y| {
                    count(y.newsletter.subscribers_at_end)
                }),
                ("new_confirmations", "reports.fig.new_confirmations", |y| {
                    count(y.newsletter.new_confirmations)
                }),
                ("unsubscribes", "reports.fig.unsubscribes", |y| {
                    count(y.newsletter.unsubscribes)
                }),
                (
                    "bounce_suppressions",
                    "reports.fig.bounce_suppressions",
                    |y| count(y.newsletter.bounce_suppressions),
                ),
                ("campaigns_sent", "reports.fig.campaigns_sent", |y| {
                    count(y.newsletter.campaigns_sent)
                }),
                (
                    "messages_delivered",
                    "reports.fig.messages_delivered",
                    |y| count(y.newsletter.messages_delivered),
                ),
            ],
        ),
        b.breakdown(
            "newsletter-by-topic",
            Section::Newsletter,
            "reports.table.newsletter_by_topic",
            "reports.col.topic",
            &["reports.col.campaigns", "reports.col.delivered"],
            |y| &y.newsletter.by_topic,
            |i| (&i.code, &i.label),
            |i| vec![i.campaigns, i.delivered],
            false,
        ),
        b.summary(
            "matching-summary",
            Section::Matching,
            "reports.table.matching_summary",
            &[
                ("needs_published", "reports.fig.needs", |y| {
                    count(y.matching.needs_published)
                }),
                ("offerings_published", "reports.fig.offerings", |y| {
                    count(y.matching.offerings_published)
                }),
                (
                    "introductions_requested",
                    "reports.fig.intro_requested",
                    |y| count(y.matching.introductions_requested),
                ),
                (
                    "introductions_accepted",
                    "reports.fig.intro_accepted",
                    |y| count(y.matching.introductions_accepted),
                ),
                (
                    "median_days_to_first_accepted",
                    "reports.fig.median_days",
                    |y| Figure::Days(y.matching.median_days_to_first_accepted),
                ),
            ],
        ),
        b.breakdown(
            "matching-by-family",
            Section::Matching,
            "reports.table.matching_by_family",
            "reports.col.family",
            &["reports.col.needs", "reports.col.offerings"],
            |y| &y.matching.by_family,
            |i| (&i.code, &i.label),
            |i| vec![i.needs, i.offerings],
            false,
        ),
        b.counts(
            "introductions-by-stage",
            Section::Matching,
            "reports.table.introductions_by_stage",
            "reports.col.stage",
            |y| &y.matching.by_stage,
        ),
    ];
    if publication {
        for t in all.iter_mut().filter(|t| t.people) {
            withhold(t);
        }
    }
    all
}

/// The publication version of a table of counts: small cells withheld, totals as they are.
/// A table too small to protect (one line) has every non-zero line withheld.
fn withhold(table: &mut ReportTable) {
    let cells: Vec<Vec<u64>> = table
        .rows
        .iter()
        .map(|r| r.cells.iter().map(|f| f.count().unwrap_or(0)).collect())
        .collect();
    let Ok(counts) = CountTable::new(cells, Totals::PerColumn) else {
        return;
    };
    let published = suppression::suppress(&counts);
    for (row, shown) in table.rows.iter_mut().zip(&published.cells) {
        for (cell, s) in row.cells.iter_mut().zip(shown) {
            *cell = match s {
                Shown::Value(v) if published.fully_protected => Figure::Count(*v),
                Shown::Value(0) => Figure::Count(0),
                Shown::Value(_) | Shown::Withheld => Figure::Withheld,
            };
        }
    }
}

/// Whether the year has nothing to show at all (no seminar, subscriber, issue or post).
pub fn is_empty(y: &YearFigures) -> bool {
    let s = &y.seminars;
    let n = &y.newsletter;
    let m = &y.matching;
    s.held + s.scheduled + s.cancelled + s.registrations == 0
        && n.subscribers_at_start + n.subscribers_at_end + n.new_confirmations + n.campaigns_sent
            == 0
        && m.needs_published + m.offerings_published + m.introductions_requested == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_as_people_expect() {
        assert_eq!(Figure::Count(12345).text(Lang::Ja), "12,345");
        assert_eq!(Figure::Count(999).text(Lang::Ja), "999");
        assert_eq!(Figure::Share(Some(0.5)).text(Lang::En), "50.0%");
        assert_eq!(Figure::Score(Some(4.5)).text(Lang::Ja), "4.50");
        assert_eq!(Figure::Days(Some(3.0)).text(Lang::Ja), "3.0日");
        assert_eq!(Figure::Share(None).text(Lang::Ja), "—");
        assert_eq!(Figure::Withheld.text(Lang::Ja), "-");
        assert_eq!(Figure::Share(Some(0.25)).plain(), "0.25");
    }
}
