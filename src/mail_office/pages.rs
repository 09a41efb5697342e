//! The staff pages of the outbox: counts by status, the failed messages, and "queue again".

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use views::accounts::staff as v;

use super::service::{read_as, retry_as};
use crate::accounts::StaffUser;
use crate::error::AppError;
use crate::time;
use crate::web::AppState;
use crate::web::ctx::{Page, html};
use crate::web::input::Query;
use crate::web::see_other;

/// The notice of the page after a retry.
#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

/// `GET /staff/outbox`: counts by status and failed messages.
pub async fn page(
    page: Page,
    state: web::Data<AppState>,
    staff: StaffUser,
    query: Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    let actor = staff.0.clone();
    let (counts, failed) = state
        .db
        .run(move |c| read_as(c, &actor, 200, "page"))
        .await?;
    let lang = page.lang;
    let view = v::OutboxView {
        counts: vec![
            (page.t("staff.outbox.queued").into(), counts.queued),
            (page.t("staff.outbox.sending").into(), counts.sending),
            (page.t("staff.outbox.sent").into(), counts.sent),
            (page.t("staff.outbox.failed").into(), counts.failed),
        ],
        failed: failed
            .into_iter()
            .map(|f| v::FailedRow {
                id: f.id,
                recipient: f.recipient,
                subject: f.subject,
                attempts: f.attempts,
                error: f.last_error.unwrap_or_default(),
                created: time::format_datetime(f.created_at, lang),
            })
            .collect(),
        flash: (query.done.as_deref() == Some("retried"))
            .then(|| page.t("staff.outbox.retried").into()),
    };
    Ok(html(v::outbox(&page, &view)))
}

/// `POST /staff/outbox/{id}/retry`.
pub async fn retry(
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    retry_as(&state, staff.0, id.into_inner()).await?;
    Ok(see_other("/staff/outbox?done=retried"))
}
