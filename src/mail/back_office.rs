//! The back office of the outbox: what staff see of the mail pipeline and what they may do
//! to it (queue a failed message again). The operations are shared by the staff pages here and
//! the JSON API (`mail::api`); each read of recipients and each retry is audited in the same
//! transaction.

use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, web};
use diesel::QueryResult;
use serde::Deserialize;
use serde_json::json;
use views::accounts::staff as v;

use super::outbox;
use crate::accounts::{CurrentUser, StaffUser};
use crate::audit;
use crate::db::DbConn;
use crate::error::AppError;
use crate::time;
use crate::web::AppState;
use crate::web::ctx::{Page, html};
use crate::web::input::Query;

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
    Ok(HttpResponse::SeeOther()
        .insert_header((LOCATION, "/staff/outbox?done=retried"))
        .finish())
}

/// Mails that could not be sent, for the dashboard's 「今日の確認事項」.
pub fn pending(
    conn: &mut DbConn,
    lang: views::Lang,
) -> QueryResult<Vec<crate::web::pending::PendingItem>> {
    let failed = outbox::counts(conn, None)?.failed;
    Ok(crate::web::pending::PendingItem::of(
        failed,
        lang,
        "staff.dashboard.failed_attention",
        "/staff/outbox",
    )
    .into_iter()
    .collect())
}
