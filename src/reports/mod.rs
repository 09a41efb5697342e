//! The fiscal-year report over the features' data: the year itself ([`fiscal_year`]), what is
//! read ([`queries`]) and counted ([`figures`]), the operation staff call ([`service`]), the
//! tables the page, workbook and CSV share ([`tables`]) with the rule that makes them fit for
//! publication ([`suppression`]), and the pages and downloads ([`handlers`], [`api`]).

pub mod api;
pub mod figures;
pub mod fiscal_year;
pub mod handlers;
pub mod queries;
pub mod service;
pub mod suppression;
pub mod tables;

use crate::web::router::Router;

/// The routes of the report. A year segment stops at a dot (so `2026.xlsx` is the workbook);
/// the slash is written `\x2F` so that tools splitting route patterns at `/` read one segment.
pub fn routes(r: &mut Router) {
    r.get("/staff/reports", handlers::index)
        .get("/staff/reports/{year:[^\\x2F.]+}", handlers::show)
        .get("/staff/reports/{year:[^\\x2F.]+}.xlsx", handlers::xlsx)
        .get(
            "/staff/reports/{year:[^\\x2F.]+}/{table:[^\\x2F.]+}.csv",
            handlers::csv,
        )
        .get(
            "/api/v1/reports/fiscal-years/{year:[^\\x2F.]+}",
            handlers::api,
        );
}
