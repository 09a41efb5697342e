//! Pages that belong to no feature: privacy notice, health check (the home page is the
//! programme's: [`crate::seminars::handlers::home`]).

use actix_web::{HttpResponse, web};
use serde_json::json;

use super::AppState;
use super::ctx::{Page, html};

/// `GET /privacy`.
pub async fn privacy(page: Page) -> HttpResponse {
    html(views::pages::privacy::privacy(&page))
}

/// `GET /healthz`: 200 with the backend when the database answers, 503 when it does not.
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let backend = state.db.backend().as_str();
    if state.db.ping().await {
        HttpResponse::Ok()
            .insert_header(("Cache-Control", "no-store"))
            .json(json!({ "status": "ok", "database": backend }))
    } else {
        HttpResponse::ServiceUnavailable()
            .insert_header(("Cache-Control", "no-store"))
            .json(json!({ "status": "unavailable", "database": backend }))
    }
}
