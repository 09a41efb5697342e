//! The staff view of the outbox in the JSON API: counts by status, failed messages, retry (the
//! operations are in [`super::service`], shared with the staff pages).

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::service::{read_as, retry_as};
use crate::accounts::ApiStaff;
use crate::error::AppError;
use crate::mail::outbox;
use crate::time::rfc3339;
use crate::web::AppState;

pub use crate::mail::outbox::OutboxStatus;

/// Counts of messages by status.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OutboxCounts {
    /// Waiting.
    pub queued: i64,
    /// Being sent.
    pub sending: i64,
    /// Accepted.
    pub sent: i64,
    /// Given up.
    pub failed: i64,
}

/// A message that could not be delivered.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FailedMessage {
    /// The message's id.
    pub id: i64,
    /// Transactional or newsletter.
    pub kind: crate::mail::MailKind,
    /// The recipient.
    pub recipient: String,
    /// The subject.
    pub subject: String,
    /// Attempts made.
    pub attempts: i32,
    /// The mail server's last answer or the error.
    pub last_error: Option<String>,
    /// When it was queued (RFC 3339).
    #[schema(format = DateTime)]
    pub created_at: String,
}

/// The outbox at a glance.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OutboxStatusReport {
    /// Messages by status.
    pub counts: OutboxCounts,
    /// The latest failed messages, newest first (at most 100).
    pub failed: Vec<FailedMessage>,
}

/// A message queued again.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Requeued {
    /// The message's id.
    pub id: i64,
    /// Its status now: `queued`.
    pub status: OutboxStatus,
}

/// `GET /api/v1/outbox` (staff): counts by status and the latest failed messages (audited).
#[utoipa::path(
    get,
    path = "/api/v1/outbox",
    tag = "mail",
    summary = "Mail delivery: counts by status and the latest failed messages (staff; audited)",
    responses((status = 200, description = "Counts and failures", body = OutboxStatusReport))
)]
pub async fn status(staff: ApiStaff, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let actor = staff.0;
    let (counts, failed) = state
        .db
        .run(move |c| read_as(c, &actor, 100, "api"))
        .await?;
    let outbox::StatusCounts {
        queued,
        sending,
        sent,
        failed: failed_count,
    } = counts;
    Ok(HttpResponse::Ok().json(OutboxStatusReport {
        counts: OutboxCounts {
            queued,
            sending,
            sent,
            failed: failed_count,
        },
        failed: failed
            .into_iter()
            .map(|m| FailedMessage {
                id: m.id,
                kind: m.kind,
                recipient: m.recipient,
                subject: m.subject,
                attempts: m.attempts,
                last_error: m.last_error,
                created_at: rfc3339(m.created_at),
            })
            .collect(),
    }))
}

/// `POST /api/v1/outbox/{id}/retry` (staff): puts a failed message back in the queue.
#[utoipa::path(
    post,
    path = "/api/v1/outbox/{id}/retry",
    tag = "mail",
    summary = "Queue a failed message again (staff; audited)",
    params(("id" = i64, Path, description = "The message")),
    responses(
        (status = 200, description = "Queued again", body = Requeued),
        (status = 404, description = "No such message, or it has not failed", body = crate::api::ErrorBody)
    )
)]
pub async fn retry(
    staff: ApiStaff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    retry_as(&state, staff.0, id).await?;
    Ok(HttpResponse::Ok().json(Requeued {
        id,
        status: OutboxStatus::Queued,
    }))
}

/// The paths of the outbox API in the document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(status, retry))]
pub struct Doc;
