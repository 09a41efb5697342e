//! The account commands of the `secunity` binary: `admin create` and `token create`.

use anyhow::{Context, bail};
use serde_json::json;

use super::{Role, queries};
use crate::audit;
use crate::config::Config;
use crate::db::DbConn;

/// How long the login link printed by `admin create` works: an operator may need a while to
/// open it, so longer than the 15 minutes of a mailed link.
pub const ADMIN_LINK_MINUTES: i64 = 24 * 60;

/// Creates or promotes an admin; returns a one-time login URL.
pub fn create_admin(
    config: &Config,
    conn: &mut DbConn,
    email: &str,
    name: Option<&str>,
) -> anyhow::Result<String> {
    let email = crate::validate::email(email)
        .map_err(|_| anyhow::anyhow!("{email:?} is not a valid email address"))?;
    let name = match name {
        Some(n) => Some(
            crate::validate::line(n, true, 100)
                .map_err(|_| anyhow::anyhow!("the name must be 1 to 100 characters on one line"))?,
        ),
        None => None,
    };
    let token = conn
        .write_transaction(|c| {
            let user = queries::upsert_with_role(c, &email, name.as_deref(), Role::Admin)?;
            audit::record(
                c,
                None,
                audit::Action::UserAdminCreate,
                audit::Target::User,
                Some(user.id.to_string()),
                json!({ "via": "cli" }),
            )?;
            queries::create_login_token(c, &email, ADMIN_LINK_MINUTES)
        })
        .context("creating the admin")?;
    Ok(format!(
        "{}/auth/email/{token}?next=/staff",
        config.base_url
    ))
}

/// Creates an API token for an existing user; returns the token.
pub fn create_token(conn: &mut DbConn, email: &str, name: &str) -> anyhow::Result<String> {
    let token = conn
        .write_transaction(|c| {
            let Some(user) = queries::find_user_by_email(c, email)? else {
                return Ok(None);
            };
            let token = queries::create_api_token(c, user.id, name)?;
            audit::record(
                c,
                None,
                audit::Action::ApiTokenCreate,
                audit::Target::User,
                Some(user.id.to_string()),
                json!({ "via": "cli", "name": name }),
            )?;
            Ok::<_, diesel::result::Error>(Some(token))
        })
        .context("creating the token")?;
    match token {
        Some(t) => Ok(t),
        None => {
            bail!("no user has the address {email}; create it first (e.g. secunity admin create)")
        }
    }
}
