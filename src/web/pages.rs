//! Pages that belong to no feature: home, privacy notice, health check.

use actix_web::{HttpResponse, web};
use serde_json::json;

use super::AppState;
use super::ctx::{Page, html};

/// `GET /`: the next published seminars come from [`crate::seminars::home_upcoming`].
pub async fn home(page: Page, state: web::Data<AppState>) -> HttpResponse {
    let upcoming = crate::seminars::home_upcoming(&state, page.lang)
        .await
        .unwrap_or_default();
    html(views::pages::home::home(
        &page,
        &views::pages::home::HomeView { upcoming },
    ))
}

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
