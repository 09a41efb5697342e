//! The staff pages and downloads of the report: `/staff/reports/{year}`, its workbook and
//! one CSV per table, and the JSON of `GET /api/v1/reports/fiscal-years/{year}`. Thin: each
//! reads the year, asks [`service::report_for`] (which writes the audit entry) and renders.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use views::Lang;
use views::reports::{PairChart, ReportPage, SectionView, TableView, YearOption};

use super::fiscal_year::FiscalYear;
use super::service::{self, Delivery, FiscalYearReport};
use super::tables::{self, Figure, ReportTable, Section};
use crate::accounts::{ApiStaff, StaffUser};
use crate::error::{AppError, Message};
use crate::web::AppState;
use crate::web::ctx::{Page, html};
use crate::web::input::Query;
use crate::web::see_other;
use crate::xlsx;

/// The query of the report's pages and downloads.
#[derive(Debug, Default, Deserialize)]
pub struct VersionQuery {
    /// `publication`: small cells withheld.
    #[serde(default)]
    pub version: String,
    /// The picker's choice (`/staff/reports?year=2026`).
    #[serde(default)]
    pub year: String,
}

impl VersionQuery {
    fn publication(&self) -> bool {
        self.version == "publication"
    }
}

fn parse_year(raw: &str) -> Result<FiscalYear, AppError> {
    raw.parse()
        .map_err(|_| AppError::BadRequest(Message::new("reports.bad_year")))
}

fn year_label(fy: FiscalYear, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("{} ({})", fy.label_ja(), fy.label_en()),
        Lang::En => format!("{} ({})", fy.label_en(), fy.label_ja()),
    }
}

fn version_suffix(publication: bool) -> &'static str {
    if publication {
        "?version=publication"
    } else {
        ""
    }
}

/// `GET /staff/reports`: the year of the picker, or the current fiscal year.
pub async fn index(_user: StaffUser, query: Query<VersionQuery>) -> Result<HttpResponse, AppError> {
    let fy = if query.year.is_empty() {
        FiscalYear::current()
    } else {
        parse_year(&query.year)?
    };
    Ok(see_other(format!(
        "/staff/reports/{fy}{}",
        version_suffix(query.publication())
    )))
}

async fn load(
    state: &AppState,
    user: &StaffUser,
    fy: FiscalYear,
    lang: Lang,
    delivery: Delivery,
    detail: Option<String>,
) -> Result<FiscalYearReport, AppError> {
    let actor = user.0.clone();
    state
        .db
        .run(move |c| service::report_for(c, &actor, fy, lang, delivery, detail.as_deref()))
        .await
}

fn table_view(t: &ReportTable, fy: FiscalYear, lang: Lang, publication: bool) -> TableView {
    let text = |cells: &[Figure]| cells.iter().map(|f| f.text(lang)).collect::<Vec<_>>();
    let chart = t.chart.then(|| {
        // First figure of each year: registrations (this year, the year before).
        let half = t.columns.len() / 2;
        PairChart {
            title: t.caption.clone(),
            series: (
                t.columns.first().cloned().unwrap_or_default(),
                t.columns.get(half).cloned().unwrap_or_default(),
            ),
            rows: t
                .rows
                .iter()
                .map(|r| {
                    let at = |i: usize| r.cells.get(i).and_then(|f| f.count());
                    (
                        r.label.clone(),
                        at(0),
                        if half > 0 { at(half) } else { None },
                    )
                })
                .collect(),
        }
    });
    TableView {
        id: t.id.to_string(),
        caption: t.caption.clone(),
        row_header: t.row_header.clone(),
        columns: t.columns.clone(),
        rows: t
            .rows
            .iter()
            .map(|r| (r.label.clone(), text(&r.cells)))
            .collect(),
        total: t.total.as_deref().map(text),
        csv_href: format!(
            "/staff/reports/{fy}/{}.csv{}",
            t.id,
            version_suffix(publication)
        ),
        chart,
    }
}

fn section_id(s: Section) -> &'static str {
    match s {
        Section::Seminars => "seminars",
        Section::Newsletter => "newsletter",
        Section::Matching => "matching",
    }
}

/// `GET /staff/reports/{year}`: the report with the year before beside it.
pub async fn show(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: Query<VersionQuery>,
) -> Result<HttpResponse, AppError> {
    let fy = parse_year(&path)?;
    let lang = page.lang;
    let publication = query.publication();
    let report = load(&state, &user, fy, lang, Delivery::Page, None).await?;
    let all = tables::tables(&report, lang, publication);
    let sections = Section::ALL
        .iter()
        .map(|s| SectionView {
            id: section_id(*s).to_string(),
            heading: lang.t(s.key()).to_string(),
            tables: all
                .iter()
                .filter(|t| t.section == *s)
                .map(|t| table_view(t, fy, lang, publication))
                .collect(),
        })
        .collect();
    let current = FiscalYear::current();
    let last = current.year().max(fy.year());
    let years = (FiscalYear::FIRST.max(last - 10)..=last)
        .rev()
        .filter_map(|y| FiscalYear::new(y).ok())
        .map(|y| YearOption {
            value: y.to_string(),
            label: year_label(y, lang),
            selected: y == fy,
        })
        .collect();
    let view = ReportPage {
        year_label: year_label(fy, lang),
        span: fy.span_label(lang),
        previous_label: fy.previous().map(|p| year_label(p, lang)),
        years,
        publication,
        toggle_href: format!("/staff/reports/{fy}{}", version_suffix(!publication)),
        downloads: vec![
            (
                lang.t("reports.download_xlsx").to_string(),
                format!("/staff/reports/{fy}.xlsx"),
            ),
            (
                lang.t("reports.download_xlsx_publication").to_string(),
                format!("/staff/reports/{fy}.xlsx?version=publication"),
            ),
        ],
        empty: tables::is_empty(&report.current),
        sections,
    };
    Ok(html(views::reports::show(&page, &view)))
}

fn download(content_type: &str, filename: &str, body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{filename}\""),
        ))
        .insert_header(("Cache-Control", "no-store"))
        .body(body)
}

fn xlsx_cell(f: Figure) -> xlsx::Cell {
    match f {
        Figure::Count(n) => xlsx::Cell::Integer(i64::try_from(n).unwrap_or(i64::MAX)),
        Figure::Share(Some(v)) => xlsx::Cell::Percent(v),
        Figure::Score(Some(v)) => xlsx::Cell::Decimal {
            value: v,
            decimals: 2,
        },
        Figure::Days(Some(v)) => xlsx::Cell::Decimal {
            value: v,
            decimals: 1,
        },
        Figure::Share(None) | Figure::Score(None) | Figure::Days(None) => xlsx::Cell::Empty,
        Figure::Withheld => xlsx::Cell::Withheld,
    }
}

/// The workbook of the report: one sheet per section, Japanese headers, numbers as numbers.
pub fn workbook(report: &FiscalYearReport, fy: FiscalYear, publication: bool) -> xlsx::Workbook {
    let lang = Lang::Ja;
    let all = tables::tables(report, lang, publication);
    let span = fy.span_label(lang);
    let notes = vec![
        lang.t("reports.sheet_note_period").replace("{span}", &span),
        if publication {
            lang.t("reports.sheet_note_withheld").to_string()
        } else {
            lang.t("reports.sheet_note_internal").to_string()
        },
    ];
    let sheets = Section::ALL
        .iter()
        .map(|s| xlsx::Sheet {
            name: lang.t(s.key()).to_string(),
            title: format!("{} {}", fy.label_ja(), lang.t(s.key())),
            notes: notes.clone(),
            tables: all
                .iter()
                .filter(|t| t.section == *s)
                .map(|t| xlsx::Table {
                    caption: Some(t.caption.clone()),
                    headers: std::iter::once(t.row_header.clone())
                        .chain(t.columns.iter().cloned())
                        .collect(),
                    rows: t
                        .rows
                        .iter()
                        .map(|r| {
                            std::iter::once(xlsx::Cell::text(&r.label))
                                .chain(r.cells.iter().map(|f| xlsx_cell(*f)))
                                .collect()
                        })
                        .collect(),
                    totals: t.total.as_ref().map(|cells| {
                        std::iter::once(xlsx::Cell::text(lang.t("reports.total")))
                            .chain(cells.iter().map(|f| xlsx_cell(*f)))
                            .collect()
                    }),
                })
                .collect(),
        })
        .collect();
    xlsx::Workbook {
        title: lang
            .t("reports.workbook_title")
            .replace("{year}", &fy.label_ja()),
        sheets,
    }
}

fn file_suffix(publication: bool) -> &'static str {
    if publication { "-publication" } else { "" }
}

/// `GET /staff/reports/{year}.xlsx` (`?version=publication` for the publication version).
pub async fn xlsx(
    user: StaffUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: Query<VersionQuery>,
) -> Result<HttpResponse, AppError> {
    let fy = parse_year(&path)?;
    let publication = query.publication();
    let detail = publication.then(|| "publication".to_string());
    let report = load(&state, &user, fy, Lang::Ja, Delivery::Workbook, detail).await?;
    let bytes = xlsx::write(&workbook(&report, fy, publication))
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(download(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!("secunity-report-{fy}{}.xlsx", file_suffix(publication)),
        bytes,
    ))
}

/// One table as CSV rows: label, code, the figures; the total line last.
pub fn csv_rows(t: &ReportTable, lang: Lang) -> Vec<Vec<String>> {
    let mut rows = vec![
        [t.row_header.clone(), lang.t("reports.col.code").to_string()]
            .into_iter()
            .chain(t.columns.iter().cloned())
            .collect(),
    ];
    for r in &t.rows {
        rows.push(
            [r.label.clone(), r.code.clone()]
                .into_iter()
                .chain(r.cells.iter().map(|f| f.plain()))
                .collect(),
        );
    }
    if let Some(total) = &t.total {
        rows.push(
            [lang.t("reports.total").to_string(), "total".to_string()]
                .into_iter()
                .chain(total.iter().map(|f| f.plain()))
                .collect(),
        );
    }
    rows
}

/// `GET /staff/reports/{year}/{table}.csv`.
pub async fn csv(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    query: Query<VersionQuery>,
) -> Result<HttpResponse, AppError> {
    let (year, table) = path.into_inner();
    let fy = parse_year(&year)?;
    let Some(id) = tables::TABLE_IDS.iter().find(|t| **t == table) else {
        return Err(AppError::NotFound);
    };
    let lang = page.lang;
    let publication = query.publication();
    let detail = format!("{id}{}", file_suffix(publication));
    let report = load(&state, &user, fy, lang, Delivery::Csv, Some(detail)).await?;
    let all = tables::tables(&report, lang, publication);
    let t = all.iter().find(|t| t.id == *id).ok_or(AppError::NotFound)?;
    Ok(crate::csv_file::attachment(
        &format!("secunity-report-{fy}-{id}{}.csv", file_suffix(publication)),
        crate::csv_file::excel_document(&csv_rows(t, lang)),
    ))
}

/// `GET /api/v1/reports/fiscal-years/{year}` (staff): the figures with the year before, labels
/// in Japanese.
#[utoipa::path(
    get,
    path = "/api/v1/reports/fiscal-years/{year}",
    tag = "reports",
    summary = "The fiscal-year report (staff; audited): seminars, newsletter and matching board, with the year before. No personal data.",
    params(("year" = i32, Path, minimum = 2000, maximum = 2100, description = "The Western year the fiscal year starts in (2000-2100)")),
    responses(
        (status = 200, description = "The report", body = super::service::FiscalYearReport),
        (status = 400, description = "Not a supported year.", body = crate::api::ErrorBody)
    )
)]
pub async fn api(
    user: ApiStaff,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let fy = parse_year(&path)?;
    let actor = user.0.clone();
    let report = state
        .db
        .run(move |c| service::report_for(c, &actor, fy, Lang::Ja, Delivery::Api, None))
        .await?;
    Ok(HttpResponse::Ok().json(report))
}
