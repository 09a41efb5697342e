//! `POST /api/v1/seminars/{id}/draw` (staff): draws a lottery now.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::service;
use crate::accounts::ApiStaff;
use crate::audit::Actor;
use crate::error::AppError;
use crate::registrations::mail::Notifier;
use crate::web::AppState;

/// The answer of a draw.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Drawn {
    /// The seminar.
    pub seminar_id: i64,
    /// The stored draw.
    pub draw_id: i64,
    /// Applications drawn.
    #[schema(minimum = 0)]
    pub entrants: i64,
    /// Confirmed.
    #[schema(minimum = 0)]
    pub confirmed: i64,
    /// Waitlisted in drawn order.
    #[schema(minimum = 0)]
    pub waitlisted: i64,
    /// Told they were not drawn.
    #[schema(minimum = 0)]
    pub not_drawn: i64,
}

/// `POST /api/v1/seminars/{id}/draw` (staff): draws the lottery now, once registration has
/// closed. 409 when it is drawn already, still open, not a lottery or not published.
#[utoipa::path(
    post,
    path = "/api/v1/seminars/{id}/draw",
    tag = "registrations",
    summary = "Draw a seminar's lottery now (staff; after the registration deadline; once: 409 when drawn already; audited)",
    params(("id" = i64, Path, description = "The seminar")),
    responses(
        (status = 200, description = "Drawn", body = Drawn),
        (status = 409, description = "Drawn already, registration still open, not a lottery or not published.", body = crate::api::ErrorBody)
    )
)]
pub async fn draw(
    user: ApiStaff,
    state: web::Data<AppState>,
    notifier: web::Data<Notifier>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let notifier = notifier.get_ref().clone();
    let actor = Actor::from(&user.0);
    let s = state
        .db
        .run(move |c| service::draw(c, &notifier, id, actor, true, crate::time::now_utc()))
        .await?;
    Ok(HttpResponse::Ok().json(Drawn {
        seminar_id: id,
        draw_id: s.draw_id,
        entrants: s.entrants,
        confirmed: s.confirmed,
        waitlisted: s.waitlisted,
        not_drawn: s.not_drawn,
    }))
}
