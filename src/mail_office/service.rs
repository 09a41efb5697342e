//! The operations of the outbox back office, shared by the staff pages ([`super::pages`]) and the
//! JSON API ([`super::api`]): each read of recipients and each retry runs with its audit entry in
//! one transaction.

use diesel::QueryResult;
use serde_json::json;

use crate::accounts::CurrentUser;
use crate::audit;
use crate::db::DbConn;
use crate::error::AppError;
use crate::mail::outbox;
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
