//! The fiscal-year report of the back office (`/staff/reports/{year}`): a year picker, the
//! downloads, and per section its tables (caption, column and row headers) with charts drawn
//! on the server, this year beside the year before.

use maud::{Markup, html};

use crate::components::{Tone, empty_state, notice, table_region};
use crate::layout::PageCtx;
use crate::staff::staff_page;

const SECTION: &str = "/staff/reports";

/// One table, its figures already formatted.
#[derive(Debug, Clone)]
pub struct TableView {
    /// Anchor id (`participants-by-prefecture`).
    pub id: String,
    /// Caption.
    pub caption: String,
    /// Header of the label column.
    pub row_header: String,
    /// Headers of the figure columns.
    pub columns: Vec<String>,
    /// (label, figures).
    pub rows: Vec<(String, Vec<String>)>,
    /// The total line.
    pub total: Option<Vec<String>>,
    /// The CSV of this table.
    pub csv_href: String,
    /// A chart of the table: this year and the year before per line.
    pub chart: Option<PairChart>,
}

/// Bars of two years per line.
#[derive(Debug, Clone)]
pub struct PairChart {
    /// Title (also the accessible name).
    pub title: String,
    /// The two series' names (this year, the year before).
    pub series: (String, String),
    /// (label, this year, the year before); `None`: withheld.
    pub rows: Vec<(String, Option<u64>, Option<u64>)>,
}

/// One section and its tables.
#[derive(Debug, Clone)]
pub struct SectionView {
    /// Anchor id.
    pub id: String,
    /// Heading.
    pub heading: String,
    /// Tables.
    pub tables: Vec<TableView>,
}

/// A year in the picker.
#[derive(Debug, Clone)]
pub struct YearOption {
    /// 2026.
    pub value: String,
    /// 「令和8年度 (FY2026)」.
    pub label: String,
    /// The one shown.
    pub selected: bool,
}

/// The whole page.
#[derive(Debug, Clone)]
pub struct ReportPage {
    /// 「令和8年度 (FY2026)」.
    pub year_label: String,
    /// 「2026年4月1日〜2027年3月31日」.
    pub span: String,
    /// The year before, as compared; `None` for the first year.
    pub previous_label: Option<String>,
    /// The picker.
    pub years: Vec<YearOption>,
    /// Showing the publication version.
    pub publication: bool,
    /// The link to the other version.
    pub toggle_href: String,
    /// (label, href) of the downloads.
    pub downloads: Vec<(String, String)>,
    /// Nothing happened in the year.
    pub empty: bool,
    /// The sections.
    pub sections: Vec<SectionView>,
}

/// Two bars per line, this year dark and the year before light, numbers as text.
pub fn pair_chart(chart: &PairChart) -> Markup {
    const ROW: u64 = 34;
    const LABEL: u64 = 170;
    const BAR: u64 = 260;
    const TOP: u64 = 26;
    let max = chart
        .rows
        .iter()
        .flat_map(|(_, a, b)| [a.unwrap_or(0), b.unwrap_or(0)])
        .max()
        .unwrap_or(0)
        .max(1);
    let height = TOP + ROW * chart.rows.len() as u64 + 4;
    let width = LABEL + BAR + 60;
    let bar = |v: Option<u64>| v.map_or(0, |v| (v * BAR / max).max(u64::from(v > 0) * 2));
    let text = |v: Option<u64>| v.map_or_else(|| "-".to_string(), |v| v.to_string());
    html! {
        figure.chart {
            figcaption { (chart.title) }
            svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label=(chart.title)
                width=(width) height=(height) viewBox={ "0 0 " (width) " " (height) } {
                title { (chart.title) }
                rect x=(LABEL) y="4" width="10" height="10" fill="#0031d8" {}
                text x=(LABEL + 14) y="13" font-size="12" { (chart.series.0) }
                rect x=(LABEL + 130) y="4" width="10" height="10" fill="#9db7f5" {}
                text x=(LABEL + 144) y="13" font-size="12" { (chart.series.1) }
                @for (i, (label, now, before)) in chart.rows.iter().enumerate() {
                    @let y = TOP + i as u64 * ROW;
                    text x=(LABEL - 8) y=(y + 18) text-anchor="end" font-size="13" { (label) }
                    rect x=(LABEL) y=(y + 2) width=(bar(*now)) height="13" fill="#0031d8" {}
                    text x=(LABEL + bar(*now) + 6) y=(y + 13) font-size="12" { (text(*now)) }
                    rect x=(LABEL) y=(y + 17) width=(bar(*before)) height="11" fill="#9db7f5" {}
                    text x=(LABEL + bar(*before) + 6) y=(y + 27) font-size="11" { (text(*before)) }
                }
            }
        }
    }
}

fn table(ctx: &PageCtx, t: &TableView) -> Markup {
    html! {
        div.report-table id=(t.id) {
            (table_region(&t.caption, html! {
                table.data {
                    caption { (t.caption) }
                    thead {
                        tr {
                            th scope="col" { (t.row_header) }
                            @for c in &t.columns { th scope="col" class="num" { (c) } }
                        }
                    }
                    tbody {
                        @for (label, cells) in &t.rows {
                            tr {
                                th scope="row" { (label) }
                                @for c in cells { td class="num" { (c) } }
                            }
                        }
                    }
                    @if let Some(total) = &t.total {
                        tfoot {
                            tr {
                                th scope="row" { (ctx.t("reports.total")) }
                                @for c in total { td class="num" { (c) } }
                            }
                        }
                    }
                }
            }))
            p.table-actions {
                a href=(t.csv_href) download { (ctx.t("reports.csv")) ": " (t.caption) }
            }
            @if let Some(chart) = &t.chart { (pair_chart(chart)) }
        }
    }
}

/// The report page.
pub fn show(ctx: &PageCtx, v: &ReportPage) -> Markup {
    let title = format!("{} {}", ctx.t("reports.title"), v.year_label);
    staff_page(
        ctx,
        &title,
        SECTION,
        html! {
            h1 { (title) }
            p.lead { (v.span) }
            @if let Some(prev) = &v.previous_label {
                p { (ctx.tf("reports.compared_with", &[("year", prev)])) }
            }
            form.filters method="get" action=(SECTION) {
                label for="report-year" { (ctx.t("reports.pick_year")) }
                select id="report-year" name="year" {
                    @for y in &v.years {
                        option value=(y.value) selected[y.selected] { (y.label) }
                    }
                }
                @if v.publication { input type="hidden" name="version" value="publication"; }
                button type="submit" { (ctx.t("reports.show")) }
            }
            @if v.publication {
                (notice(Tone::Info, ctx.t("reports.publication_note")))
            }
            p { a href=(v.toggle_href) {
                (if v.publication { ctx.t("reports.show_internal") } else { ctx.t("reports.show_publication") })
            } }
            nav aria-label=(ctx.t("reports.downloads")) {
                h2 { (ctx.t("reports.downloads")) }
                ul.downloads {
                    @for (label, href) in &v.downloads { li { a href=(href) download { (label) } } }
                }
            }
            @if v.empty {
                (empty_state(ctx.t("reports.empty")))
            }
            nav aria-label=(ctx.t("reports.contents")) {
                ul.toc {
                    @for s in &v.sections { li { a href={ "#" (s.id) } { (s.heading) } } }
                }
            }
            @for s in &v.sections {
                section aria-labelledby=(s.id) {
                    h2 id=(s.id) { (s.heading) }
                    @for t in &s.tables { (table(ctx, t)) }
                }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_draws_both_years_and_marks_withheld_figures() {
        let svg = pair_chart(&PairChart {
            title: "都道府県別".into(),
            series: ("令和8年度".into(), "令和7年度".into()),
            rows: vec![
                ("福岡県".into(), Some(10), Some(5)),
                ("<佐賀県>".into(), None, Some(0)),
            ],
        })
        .into_string();
        assert!(svg.contains("<title>都道府県別</title>"));
        assert!(svg.contains("width=\"260\""));
        assert!(svg.contains("width=\"130\""));
        assert!(svg.contains("&lt;佐賀県&gt;"));
        assert!(svg.contains(">-</text>"));
    }
}
