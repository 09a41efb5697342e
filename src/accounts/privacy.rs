//! "My data": everything the service holds about a person (the mails sent to them included,
//! without their bodies), and the deletion of an account (registrations and subscriptions
//! removed or anonymised by their features, the outbox forgets them; the audit log keeps the
//! fact, not the person).

use diesel::prelude::*;
use serde_json::{Value, json};

use super::{CurrentUser, queries};
use crate::audit;
use crate::db::DbConn;
use crate::privacy::Holders;
use crate::schema::{api_tokens, invitations, login_tokens, oauth_identities, sessions, users};

/// Everything held about the user, as JSON.
pub fn export(conn: &mut DbConn, holders: &Holders, user: &CurrentUser) -> QueryResult<Value> {
    let row = queries::find_user(conn, user.id)?;
    let organization = match row.organization_id {
        Some(id) => Some(queries::find_organization(conn, id)?),
        None => None,
    };
    let identities: Vec<(String, chrono::NaiveDateTime)> = oauth_identities::table
        .filter(oauth_identities::user_id.eq(user.id))
        .select((oauth_identities::provider, oauth_identities::created_at))
        .load(conn)?;
    let tokens = queries::list_api_tokens(conn, user.id)?;
    Ok(json!({
        "account": row,
        "organization": organization,
        "sign_in_providers": identities.iter().map(|(p, at)| json!({"provider": p, "linked_at": at})).collect::<Vec<_>>(),
        "api_tokens": tokens,
        "organization_applications": super::applications::list_for(conn, user.id)?
            .iter()
            .map(super::applications::Application::export)
            .collect::<Vec<_>>(),
        "mails": crate::mail::outbox::mails_to(conn, &row.email)?.into_iter().map(|m| json!({
            "subject": m.subject,
            "kind": m.kind,
            "status": m.status,
            "queued_at": crate::time::rfc3339(m.created_at),
            "sent_at": m.sent_at.map(crate::time::rfc3339),
        })).collect::<Vec<_>>(),
        "features": holders.export(conn, &row.email)?,
    }))
}

/// What deleting an account will erase, counted for the confirmation page.
#[derive(Debug, Clone, Default)]
pub struct ErasureSummary {
    /// Seminar registrations.
    pub registrations: i64,
    /// Whether there is a newsletter subscription.
    pub subscribed: bool,
    /// Needs and offerings written on the board.
    pub board_posts: i64,
    /// Mails in the outbox.
    pub mails: i64,
    /// API tokens.
    pub api_tokens: i64,
    /// Linked sign-in providers.
    pub identities: i64,
}

/// Counts what [`erase`] would reach, from the same export as "My data" (so the page never
/// promises less than what is erased).
pub fn erasure_summary(
    conn: &mut DbConn,
    holders: &Holders,
    user: &CurrentUser,
) -> QueryResult<ErasureSummary> {
    let data = export(conn, holders, user)?;
    let len = |v: &Value| v.as_array().map_or(0, |a| a.len() as i64);
    let features = &data["features"];
    Ok(ErasureSummary {
        registrations: len(&features["seminar_registrations"]["registrations"]),
        subscribed: !features["newsletter"].is_null(),
        board_posts: len(&features["matching"]["needs"]) + len(&features["matching"]["offerings"]),
        mails: len(&data["mails"]),
        api_tokens: len(&data["api_tokens"]),
        identities: len(&data["sign_in_providers"]),
    })
}

/// Deletes the account: the features erase what they hold for the address, the account's
/// tokens and sessions go, and the audit log forgets who acted (the fact stays).
pub fn erase(conn: &mut DbConn, holders: &Holders, user: &CurrentUser) -> QueryResult<()> {
    let email = queries::find_user(conn, user.id)?.email;
    holders.erase(conn, &email)?;
    audit::record(
        conn,
        None,
        audit::Action::UserDelete,
        audit::Target::User,
        Some(user.id.to_string()),
        json!({ "by": "self" }),
    )?;
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user.id))).execute(conn)?;
    diesel::delete(api_tokens::table.filter(api_tokens::user_id.eq(user.id))).execute(conn)?;
    diesel::delete(oauth_identities::table.filter(oauth_identities::user_id.eq(user.id)))
        .execute(conn)?;
    diesel::delete(login_tokens::table.filter(login_tokens::email.eq(&email))).execute(conn)?;
    diesel::delete(invitations::table.filter(invitations::email.eq(&email))).execute(conn)?;
    diesel::update(invitations::table.filter(invitations::invited_by.eq(user.id)))
        .set(invitations::invited_by.eq(None::<i64>))
        .execute(conn)?;
    // The audit rows' actor_id is set to NULL by the foreign key (ON DELETE SET NULL).
    diesel::delete(users::table.find(user.id)).execute(conn)?;
    Ok(())
}
