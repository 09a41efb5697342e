//! The report in the API document: `GET /api/v1/reports/fiscal-years/{year}` (the handler is
//! [`super::handlers::api`], the figures are [`super::figures::YearFigures`]).

/// The paths of the reports API in the document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(super::handlers::api))]
pub struct Doc;
