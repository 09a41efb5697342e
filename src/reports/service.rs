//! The operations of the reports room: the fiscal-year report as staff read it, and its
//! downloads, each with its audit entry.

use chrono::NaiveDateTime;
use serde::Serialize;
use serde_json::json;
use views::Lang;

use super::figures::{self, Catalog, Source, YearFigures};
use super::fiscal_year::FiscalYear;
use super::queries;
use crate::accounts::CurrentUser;
use crate::audit::{self, Action, Target};
use crate::db::DbConn;
use crate::error::AppError;

/// A year's report with the year before beside it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FiscalYearReport {
    /// The year asked for.
    #[serde(flatten)]
    pub current: YearFigures,
    /// The year before (`null` for the first supported year).
    pub previous: Option<YearFigures>,
}

/// How a report left the service, for the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// The staff page.
    Page,
    /// The workbook.
    Workbook,
    /// One table as CSV.
    Csv,
    /// The JSON API.
    Api,
}

impl Delivery {
    fn as_str(self) -> &'static str {
        match self {
            Delivery::Page => "page",
            Delivery::Workbook => "xlsx",
            Delivery::Csv => "csv",
            Delivery::Api => "api",
        }
    }
}

/// Reads every row the figures of one year need.
pub fn source(c: &mut DbConn, fy: FiscalYear) -> diesel::QueryResult<Source> {
    let span = fy.utc_bounds();
    let seminars = queries::seminars_starting(c, span)?;
    let ids: Vec<i64> = seminars
        .iter()
        .filter(|s| s.status == crate::seminars::model::SeminarStatus::Published)
        .map(|s| s.id)
        .collect();
    let campaigns = queries::campaigns_sent(c, span)?;
    let sources: Vec<String> = campaigns
        .iter()
        .map(|c| format!("campaign:{}", c.id))
        .collect();
    let needs = queries::needs_published(c, span)?;
    let need_ids: Vec<i64> = needs.iter().map(|n| n.id).collect();
    let (introductions, introductions_of_needs) = queries::introductions(c, span, &need_ids)?;
    Ok(Source {
        registrations: queries::registrations_of(c, &ids)?,
        attended_before: queries::attended_before(c, span.0)?,
        surveys: queries::surveys_of(c, &ids)?,
        consent: queries::consent_events_before(c, span.1)?,
        delivered: queries::delivered_by_source(c, &sources)?,
        offerings: queries::offerings_published(c, span)?,
        seminars,
        campaigns,
        needs,
        introductions,
        introductions_of_needs,
    })
}

/// The labels of the reference data.
pub fn catalog(c: &mut DbConn) -> diesel::QueryResult<Catalog> {
    Ok(Catalog {
        prefectures: queries::prefecture_labels(c)?,
        industries: queries::industry_labels(c)?,
        bands: queries::band_labels(c)?,
        topics: queries::topic_labels(c)?,
        families: queries::family_labels(c)?,
    })
}

/// The report of `fy` and the year before, labelled in `lang`, as of `now`.
pub fn fiscal_year_report(
    c: &mut DbConn,
    fy: FiscalYear,
    lang: Lang,
    now: NaiveDateTime,
) -> diesel::QueryResult<FiscalYearReport> {
    let cat = catalog(c)?;
    let current = figures::year(fy, &source(c, fy)?, &cat, lang, now);
    let previous = match fy.previous() {
        Some(p) => Some(figures::year(p, &source(c, p)?, &cat, lang, now)),
        None => None,
    };
    Ok(FiscalYearReport { current, previous })
}

/// The report as `actor` reads or downloads it: computed and audited in one transaction
/// (`report.view` for the page, `report.export` for every download, with the form and table).
pub fn report_for(
    c: &mut DbConn,
    actor: &CurrentUser,
    fy: FiscalYear,
    lang: Lang,
    delivery: Delivery,
    detail: Option<&str>,
) -> Result<FiscalYearReport, AppError> {
    let now = crate::time::now_utc();
    c.write_transaction(|c| {
        let report = fiscal_year_report(c, fy, lang, now)?;
        let action = if delivery == Delivery::Page {
            Action::ReportView
        } else {
            Action::ReportExport
        };
        audit::record(
            c,
            Some(actor),
            action,
            Target::FiscalYearReport,
            Some(fy.to_string()),
            json!({"via": delivery.as_str(), "table": detail}),
        )?;
        Ok::<_, AppError>(report)
    })
}
