//! The staff view of the outbox in the JSON API: counts by status, failed messages, retry.

use actix_web::{HttpResponse, web};
use diesel::QueryResult;
use serde_json::{Value, json};

use super::outbox;
use crate::accounts::{ApiStaff, CurrentUser};
use crate::audit;
use crate::db::DbConn;
use crate::error::AppError;
use crate::web::AppState;

/// Counts by status and the latest `limit` failed messages as a staff member reads them: the
/// failed ones name their recipients, so the read and its audit entry (`outbox.view_failed`,
/// with `via`: `page` or `api`) run in one transaction. Shared by the API and the page.
pub fn read_as(
    conn: &mut DbConn,
    actor: &CurrentUser,
    limit: i64,
    via: &str,
) -> QueryResult<(outbox::StatusCounts, Vec<outbox::FailedMessage>)> {
    conn.write_transaction(|c| {
        let failed = outbox::list_failed(c, limit)?;
        if !failed.is_empty() {
            audit::record(
                c,
                Some(actor),
                audit::Action::OutboxViewFailed,
                audit::Target::Outbox,
                None,
                json!({ "rows": failed.len(), "via": via }),
            )?;
        }
        Ok((outbox::counts(c, None)?, failed))
    })
}

/// `GET /api/v1/outbox` (staff): counts by status and the latest failed messages (audited).
pub async fn status(staff: ApiStaff, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let actor = staff.0;
    let (counts, failed) = state
        .db
        .run(move |c| read_as(c, &actor, 100, "api"))
        .await?;
    Ok(HttpResponse::Ok().json(json!({ "counts": counts, "failed": failed })))
}

/// Queues a failed message again on behalf of a staff member, with an audit entry; `NotFound`
/// when the message is not failed. Shared by the API and the back-office page.
pub async fn retry_as(state: &AppState, actor: CurrentUser, id: i64) -> Result<(), AppError> {
    let retried = state
        .db
        .run(move |c| {
            c.write_transaction(|c| {
                let retried = outbox::retry(c, id)?;
                if retried {
                    let target = Some(id.to_string());
                    audit::record(
                        c,
                        Some(&actor),
                        audit::Action::OutboxRetry,
                        audit::Target::Outbox,
                        target,
                        json!({}),
                    )?;
                }
                Ok::<_, diesel::result::Error>(retried)
            })
        })
        .await?;
    if retried {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
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
