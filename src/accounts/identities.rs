//! Identities at the OAuth2 provider and the users they belong to: who an identity signs in,
//! when a new identity may be linked to an existing account, and the account page's own
//! linking and unlinking.
//!
//! The rules, so that a provider that asserts an address it never checked cannot take over an
//! account:
//! - an identity that is already linked signs in its user;
//! - otherwise it is linked to the member with the same address only when the provider says
//!   the address is verified (`email_verified: true`; a missing claim counts as verified only
//!   for a provider trusted by contract, `OAUTH_TRUST_EMAIL`);
//! - it is never linked automatically to staff or admins: they link it themselves from their
//!   signed-in account page;
//! - an unverified address creates no account either (the person is asked to sign in by email
//!   link, which proves the address, and may link the provider afterwards).

use diesel::prelude::*;
use serde_json::json;

use super::{CurrentUser, Role, queries};
use crate::audit;
use crate::db::DbConn;
use crate::schema::oauth_identities;
use crate::time;

/// What the provider says about the person.
#[derive(Debug, Clone)]
pub struct Claims {
    /// The provider's stable id of the person.
    pub subject: String,
    /// The address, when the provider gave a well-formed one (lower-case).
    pub email: Option<String>,
    /// Whether the address counts as verified (see [`email_verified`]).
    pub verified: bool,
    /// Display name for a new account.
    pub name: String,
}

/// Whether the userinfo answer vouches for its address: `email_verified` is `true` (or the
/// string `"true"`, which some providers send), or the claim is missing and the provider is
/// trusted to verify every address (`trust_missing`). An explicit `false` always loses.
pub fn email_verified(info: &serde_json::Value, trust_missing: bool) -> bool {
    match info.get("email_verified") {
        Some(serde_json::Value::Bool(b)) => *b,
        Some(serde_json::Value::String(s)) => s.eq_ignore_ascii_case("true"),
        None | Some(serde_json::Value::Null) => trust_missing,
        Some(_) => false,
    }
}

/// Why a sign-in through the provider was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The provider gave no usable address for an identity we do not know.
    NoEmail,
    /// The provider did not vouch for the address.
    Unverified,
    /// The address belongs to staff or an admin, who link the provider from `/account`.
    StaffMustLink,
    /// The account is deactivated.
    Deactivated,
}

impl Refusal {
    /// The catalog key of the message shown on the login page.
    pub fn message_key(self) -> &'static str {
        match self {
            Refusal::NoEmail => "login.oauth_no_email",
            Refusal::Unverified => "login.oauth_unverified",
            Refusal::StaffMustLink => "login.oauth_staff_link",
            Refusal::Deactivated => "login.oauth_failed",
        }
    }
}

fn linked_user(conn: &mut DbConn, provider: &str, subject: &str) -> QueryResult<Option<i64>> {
    oauth_identities::table
        .filter(oauth_identities::provider.eq(provider))
        .filter(oauth_identities::subject.eq(subject))
        .select(oauth_identities::user_id)
        .first(conn)
        .optional()
}

fn insert_link(
    conn: &mut DbConn,
    user: &CurrentUser,
    provider: &str,
    subject: &str,
    by: &str,
) -> QueryResult<()> {
    let id: i64 = diesel::insert_into(oauth_identities::table)
        .values((
            oauth_identities::user_id.eq(user.id),
            oauth_identities::provider.eq(provider),
            oauth_identities::subject.eq(subject),
            oauth_identities::created_at.eq(time::now_utc()),
        ))
        .returning(oauth_identities::id)
        .get_result(conn)?;
    audit::record(
        conn,
        Some(user),
        audit::Action::OauthIdentityLink,
        audit::Target::User,
        Some(user.id.to_string()),
        json!({ "provider": provider, "identity": id, "by": by }),
    )
}

/// The user a sign-in through the provider signs in, linking or creating where the rules
/// above allow it. Call inside a write transaction.
pub fn sign_in(
    conn: &mut DbConn,
    provider: &str,
    claims: &Claims,
) -> QueryResult<Result<queries::User, Refusal>> {
    if let Some(id) = linked_user(conn, provider, &claims.subject)? {
        let user = queries::find_user(conn, id)?;
        return Ok(if user.active {
            Ok(user)
        } else {
            Err(Refusal::Deactivated)
        });
    }
    let Some(email) = &claims.email else {
        return Ok(Err(Refusal::NoEmail));
    };
    // Checked before looking the address up, so that the answer to an unverified address is
    // the same whether or not it has an account.
    if !claims.verified {
        return Ok(Err(Refusal::Unverified));
    }
    let user = match queries::find_user_by_email(conn, email)? {
        Some(u) if !u.active => return Ok(Err(Refusal::Deactivated)),
        Some(u) if u.to_current().is_staff() => return Ok(Err(Refusal::StaffMustLink)),
        Some(u) => u,
        None => queries::create_user(conn, email, &claims.name, Role::Member)?,
    };
    insert_link(
        conn,
        &user.to_current(),
        provider,
        &claims.subject,
        "sign-in",
    )?;
    Ok(Ok(user))
}

/// What linking from the account page did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Linked {
    /// The identity is now linked to the user.
    Done,
    /// It was linked to this user already.
    Already,
    /// It belongs to another account (which must unlink it first).
    OtherAccount,
}

/// Links an identity to the signed-in user who started the flow from `/account`, whatever
/// address the provider asserts (the user proved who they are by being signed in). Call inside
/// a write transaction.
pub fn link_to(
    conn: &mut DbConn,
    user: &CurrentUser,
    provider: &str,
    subject: &str,
) -> QueryResult<Linked> {
    match linked_user(conn, provider, subject)? {
        Some(id) if id == user.id => Ok(Linked::Already),
        Some(_) => Ok(Linked::OtherAccount),
        None => {
            insert_link(conn, user, provider, subject, "account")?;
            Ok(Linked::Done)
        }
    }
}

/// One linked identity as its owner sees it.
#[derive(Debug, Clone, Queryable)]
pub struct LinkedIdentity {
    /// Row id.
    pub id: i64,
    /// Provider name.
    pub provider: String,
    /// When it was linked.
    pub created_at: chrono::NaiveDateTime,
}

/// The identities linked to a user, oldest first.
pub fn list(conn: &mut DbConn, user_id: i64) -> QueryResult<Vec<LinkedIdentity>> {
    oauth_identities::table
        .filter(oauth_identities::user_id.eq(user_id))
        .order(oauth_identities::id)
        .select((
            oauth_identities::id,
            oauth_identities::provider,
            oauth_identities::created_at,
        ))
        .load(conn)
}

/// Unlinks one of the user's own identities, with its audit entry; false when the user has no
/// such identity. Signing in by email link always remains, so nobody is locked out.
pub fn unlink(conn: &mut DbConn, user: &CurrentUser, id: i64) -> QueryResult<bool> {
    let provider: Option<String> = oauth_identities::table
        .filter(oauth_identities::id.eq(id))
        .filter(oauth_identities::user_id.eq(user.id))
        .select(oauth_identities::provider)
        .first(conn)
        .optional()?;
    let Some(provider) = provider else {
        return Ok(false);
    };
    diesel::delete(oauth_identities::table.find(id)).execute(conn)?;
    audit::record(
        conn,
        Some(user),
        audit::Action::OauthIdentityUnlink,
        audit::Target::User,
        Some(user.id.to_string()),
        json!({ "provider": provider, "identity": id }),
    )?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::email_verified;
    use serde_json::json;

    #[test]
    fn only_a_true_claim_or_a_trusted_missing_claim_verifies() {
        assert!(email_verified(&json!({"email_verified": true}), false));
        assert!(email_verified(&json!({"email_verified": "true"}), false));
        assert!(!email_verified(&json!({"email_verified": false}), true));
        assert!(!email_verified(&json!({"email_verified": "false"}), true));
        assert!(!email_verified(&json!({"email_verified": 1}), true));
        assert!(!email_verified(&json!({}), false));
        assert!(email_verified(&json!({}), true));
    }
}
