//! `POST /api/v1/seminars/{id}/draw` (staff): draws a lottery now.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use serde_json::{Value, json};

use super::service;
use crate::accounts::ApiStaff;
use crate::audit::Actor;
use crate::error::AppError;
use crate::registrations::mail::Notifier;
use crate::web::AppState;

/// The answer of a draw.
#[derive(Debug, Clone, Serialize)]
pub struct Drawn {
    /// The seminar.
    pub seminar_id: i64,
    /// The stored draw.
    pub draw_id: i64,
    /// Applications drawn.
    pub entrants: i64,
    /// Confirmed.
    pub confirmed: i64,
    /// Waitlisted in drawn order.
    pub waitlisted: i64,
    /// Told they were not drawn.
    pub not_drawn: i64,
}

/// `POST /api/v1/seminars/{id}/draw` (staff): draws the lottery now, once registration has
/// closed. 409 when it is drawn already, still open, not a lottery or not published.
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

/// The OpenAPI fragment of this endpoint.
pub fn openapi() -> Value {
    let mut responses = json!({"200": {"description": "Drawn", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Drawn"}}}}});
    if let (Some(out), Value::Object(errors)) = (
        responses.as_object_mut(),
        crate::api::error_responses(&[401, 403, 404, 409]),
    ) {
        out.extend(errors);
    }
    let count = json!({"type": "integer", "minimum": 0});
    json!({
        "paths": {
            "/api/v1/seminars/{id}/draw": {
                "post": {
                    "summary": "Draw a seminar's lottery now (staff; after the registration deadline; once: 409 when drawn already; audited)",
                    "tags": ["seminars"],
                    "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                    "responses": responses
                }
            }
        },
        "schemas": {
            "Drawn": {"type": "object", "required": ["seminar_id", "draw_id", "entrants", "confirmed", "waitlisted", "not_drawn"], "properties": {
                "seminar_id": {"type": "integer"}, "draw_id": {"type": "integer"},
                "entrants": count, "confirmed": count, "waitlisted": count, "not_drawn": count
            }}
        }
    })
}
