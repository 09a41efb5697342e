//! The staff view of the outbox in the JSON API: counts by status, failed messages, retry (the
//! operations are in [`super::service`], shared with the staff pages).

use actix_web::{HttpResponse, web};
use serde_json::{Value, json};

use super::service::{read_as, retry_as};
use crate::accounts::ApiStaff;
use crate::error::AppError;
use crate::mail::outbox;
use crate::web::AppState;

/// `GET /api/v1/outbox` (staff): counts by status and the latest failed messages (audited).
pub async fn status(staff: ApiStaff, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let actor = staff.0;
    let (counts, failed) = state
        .db
        .run(move |c| read_as(c, &actor, 100, "api"))
        .await?;
    Ok(HttpResponse::Ok().json(json!({ "counts": counts, "failed": failed })))
}

/// `POST /api/v1/outbox/{id}/retry` (staff): puts a failed message back in the queue.
pub async fn retry(
    staff: ApiStaff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    retry_as(&state, staff.0, id).await?;
    Ok(HttpResponse::Ok().json(json!({ "id": id, "status": outbox::QUEUED })))
}

/// The OpenAPI fragment of these endpoints.
pub fn openapi() -> Value {
    json!({
        "paths": {
            "/api/v1/outbox": {"get": {
                "summary": "Mail delivery: counts by status and the latest failed messages (staff)",
                "tags": ["mail"],
                "responses": {
                    "200": {"description": "Counts and failures", "content": {"application/json": {"schema": {"type": "object", "properties": {
                        "counts": {"type": "object", "properties": {"queued": {"type": "integer"}, "sending": {"type": "integer"}, "sent": {"type": "integer"}, "failed": {"type": "integer"}}},
                        "failed": {"type": "array", "items": {"type": "object", "properties": {
                            "id": {"type": "integer"}, "kind": {"type": "string"}, "recipient": {"type": "string"},
                            "subject": {"type": "string"}, "attempts": {"type": "integer"}, "last_error": {"type": "string", "nullable": true},
                            "created_at": {"type": "string"}
                        }}}
                    }}}}},
                    "401": crate::api::error_responses(&[401])["401"].clone(),
                    "403": crate::api::error_responses(&[403])["403"].clone()
                }
            }},
            "/api/v1/outbox/{id}/retry": {"post": {
                "summary": "Queue a failed message again (staff)",
                "tags": ["mail"],
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                "responses": {
                    "200": {"description": "Queued again"},
                    "401": crate::api::error_responses(&[401])["401"].clone(),
                    "403": crate::api::error_responses(&[403])["403"].clone(),
                    "404": crate::api::error_responses(&[404])["404"].clone()
                }
            }}
        }
    })
}
