//! Database work of accounts: users, sessions, sign-in tokens, API tokens, organizations.

use chrono::{Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

use super::{CurrentUser, Role};
use crate::db::DbConn;
use crate::schema::{api_tokens, invitations, login_tokens, organizations, sessions, users};
use crate::tokens;

/// How long a session lasts.
pub const SESSION_DAYS: i64 = 14;
/// How long an email sign-in link works.
pub const LOGIN_LINK_MINUTES: i64 = 15;

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

/// A user row.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = users)]
pub struct User {
    /// Id.
    pub id: i64,
    /// Email (lower-case).
    pub email: String,
    /// Display name.
    pub name: String,
    /// `admin`, `staff` or `member`.
    pub role: String,
    /// Language code.
    pub lang: String,
    /// Organization.
    pub organization_id: Option<i64>,
    /// Whether the user may sign in.
    pub active: bool,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last sign-in.
    pub last_login_at: Option<NaiveDateTime>,
}

impl User {
    /// The request-facing view of this user.
    pub fn to_current(&self) -> CurrentUser {
        CurrentUser {
            id: self.id,
            email: self.email.clone(),
            name: self.name.clone(),
            role: Role::parse(&self.role).unwrap_or(Role::Member),
            organization_id: self.organization_id,
            lang: self.lang.clone(),
        }
    }
}

/// Lower-cases and trims an address for storage and lookup.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The user with this address, if any.
pub fn find_user_by_email(conn: &mut DbConn, email: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::email.eq(normalize_email(email)))
        .select(User::as_select())
        .first(conn)
        .optional()
}

/// The user with this id.
pub fn find_user(conn: &mut DbConn, id: i64) -> QueryResult<User> {
    users::table.find(id).select(User::as_select()).first(conn)
}

/// Creates a user (the address is stored lower-case).
pub fn create_user(conn: &mut DbConn, email: &str, name: &str, role: Role) -> QueryResult<User> {
    let id: i64 = diesel::insert_into(users::table)
        .values((
            users::email.eq(normalize_email(email)),
            users::name.eq(name),
            users::role.eq(role.as_str()),
            users::created_at.eq(now()),
        ))
        .returning(users::id)
        .get_result(conn)?;
    find_user(conn, id)
}

/// Creates the user, or promotes an existing one to `role`; reactivates a deactivated one.
pub fn upsert_with_role(
    conn: &mut DbConn,
    email: &str,
    name: Option<&str>,
    role: Role,
) -> QueryResult<User> {
    match find_user_by_email(conn, email)? {
        Some(user) => {
            let name = name.unwrap_or(&user.name).to_string();
            diesel::update(users::table.find(user.id))
                .set((
                    users::role.eq(role.as_str()),
                    users::name.eq(name),
                    users::active.eq(true),
                ))
                .execute(conn)?;
            find_user(conn, user.id)
        }
        None => {
            let default_name = email.split('@').next().unwrap_or(email).to_string();
            create_user(conn, email, name.unwrap_or(&default_name), role)
        }
    }
}

/// Starts a session for `user_id` and returns the cookie value.
pub fn create_session(conn: &mut DbConn, user_id: i64) -> QueryResult<String> {
    let token = tokens::new_token();
    let at = now();
    diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(tokens::hash_for("session", &token)),
            sessions::user_id.eq(user_id),
            sessions::created_at.eq(at),
            sessions::expires_at.eq(at + Duration::days(SESSION_DAYS)),
            sessions::last_seen_at.eq(at),
        ))
        .execute(conn)?;
    diesel::update(users::table.find(user_id))
        .set(users::last_login_at.eq(at))
        .execute(conn)?;
    Ok(token)
}

/// How long a session may go unused before it ends, by role.
#[derive(Debug, Clone, Copy)]
pub struct IdleLimits {
    /// Staff and admins.
    pub staff: Duration,
    /// Members.
    pub member: Duration,
}

impl IdleLimits {
    /// From `SESSION_IDLE_MINUTES_STAFF` and `SESSION_IDLE_MINUTES_MEMBER`.
    pub fn of(config: &crate::config::Config) -> Self {
        Self {
            staff: Duration::minutes(i64::from(config.session_idle_minutes_staff)),
            member: Duration::minutes(i64::from(config.session_idle_minutes_member)),
        }
    }

    fn for_role(self, role: Role) -> Duration {
        if role.is_staff() {
            self.staff
        } else {
            self.member
        }
    }
}

/// The idle clock of a session is written at most this often, so that a busy user does not
/// cost a write per request; the idle limit is therefore exact to within this much.
pub const SESSION_TOUCH_SECONDS: i64 = 60;

/// A valid session's user and when the session began (the sign-in).
#[derive(Debug, Clone)]
pub struct ActiveSession {
    /// The signed-in user.
    pub user: User,
    /// When the user signed in (for actions that ask for a recent sign-in).
    pub signed_in_at: NaiveDateTime,
}

/// The active user of a session cookie value, if the session is valid: not expired, and not
/// idle for longer than the user's role allows (such a session is deleted). Refreshes the idle
/// clock when it is older than [`SESSION_TOUCH_SECONDS`].
pub fn resume_session(
    conn: &mut DbConn,
    token: &str,
    idle: IdleLimits,
) -> QueryResult<Option<ActiveSession>> {
    let at = now();
    let hash = tokens::hash_for("session", token);
    let found: Option<(User, NaiveDateTime, Option<NaiveDateTime>)> = sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(&hash))
        .filter(sessions::expires_at.gt(at))
        .filter(users::active.eq(true))
        .select((
            User::as_select(),
            sessions::created_at,
            sessions::last_seen_at,
        ))
        .first(conn)
        .optional()?;
    let Some((user, created_at, last_seen)) = found else {
        return Ok(None);
    };
    let last_seen = last_seen.unwrap_or(created_at);
    let role = Role::parse(&user.role).unwrap_or(Role::Member);
    if at - last_seen > idle.for_role(role) {
        diesel::delete(sessions::table.find(&hash)).execute(conn)?;
        return Ok(None);
    }
    if at - last_seen > Duration::seconds(SESSION_TOUCH_SECONDS) {
        diesel::update(sessions::table.find(&hash))
            .set(sessions::last_seen_at.eq(at))
            .execute(conn)?;
    }
    Ok(Some(ActiveSession {
        user,
        signed_in_at: created_at,
    }))
}

/// Ends a session.
pub fn delete_session(conn: &mut DbConn, token: &str) -> QueryResult<()> {
    diesel::delete(
        sessions::table.filter(sessions::token_hash.eq(tokens::hash_for("session", token))),
    )
    .execute(conn)?;
    Ok(())
}

/// Ends every session of a user (deactivation, role change, deletion).
pub fn delete_sessions_of(conn: &mut DbConn, user_id: i64) -> QueryResult<()> {
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)?;
    Ok(())
}

/// Creates a one-time sign-in link token for an address (known or not) valid for `minutes`.
/// Older unused links of the address stop working: only the newest mail signs in, so a link
/// left in an old mail (or a forwarded one) is worth nothing once a new one was asked for.
pub fn create_login_token(conn: &mut DbConn, email: &str, minutes: i64) -> QueryResult<String> {
    let token = tokens::new_token();
    let at = now();
    diesel::update(
        login_tokens::table
            .filter(login_tokens::email.eq(normalize_email(email)))
            .filter(login_tokens::used_at.is_null())
            .filter(login_tokens::expires_at.gt(at)),
    )
    .set(login_tokens::expires_at.eq(at))
    .execute(conn)?;
    diesel::insert_into(login_tokens::table)
        .values((
            login_tokens::token_hash.eq(tokens::hash_for("login", &token)),
            login_tokens::email.eq(normalize_email(email)),
            login_tokens::created_at.eq(at),
            login_tokens::expires_at.eq(at + Duration::minutes(minutes)),
        ))
        .execute(conn)?;
    Ok(token)
}

/// How many sign-in links were requested for an address in the last `minutes`.
pub fn recent_login_tokens(conn: &mut DbConn, email: &str, minutes: i64) -> QueryResult<i64> {
    login_tokens::table
        .filter(login_tokens::email.eq(normalize_email(email)))
        .filter(login_tokens::created_at.gt(now() - Duration::minutes(minutes)))
        .count()
        .get_result(conn)
}

/// Whether a sign-in token is valid (unused, not expired); does not use it.
pub fn login_token_is_valid(conn: &mut DbConn, token: &str) -> QueryResult<bool> {
    let found: i64 = login_tokens::table
        .filter(login_tokens::token_hash.eq(tokens::hash_for("login", token)))
        .filter(login_tokens::used_at.is_null())
        .filter(login_tokens::expires_at.gt(now()))
        .count()
        .get_result(conn)?;
    Ok(found == 1)
}

/// Uses a sign-in token once: returns its address, or `None` if it is unknown, used or expired.
pub fn consume_login_token(conn: &mut DbConn, token: &str) -> QueryResult<Option<String>> {
    let at = now();
    let hash = tokens::hash_for("login", token);
    // The guarded update is the use: of two clicks at once, exactly one changes the row.
    let used = diesel::update(
        login_tokens::table
            .filter(login_tokens::token_hash.eq(&hash))
            .filter(login_tokens::used_at.is_null())
            .filter(login_tokens::expires_at.gt(at)),
    )
    .set(login_tokens::used_at.eq(at))
    .execute(conn)?;
    if used == 0 {
        return Ok(None);
    }
    login_tokens::table
        .filter(login_tokens::token_hash.eq(&hash))
        .select(login_tokens::email)
        .first(conn)
        .optional()
}

/// An API token as its owner sees it (never the secret).
#[derive(Debug, Clone, Queryable, Serialize)]
pub struct ApiTokenInfo {
    /// Id.
    pub id: i64,
    /// Owner.
    pub user_id: i64,
    /// Label.
    pub name: String,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last use.
    pub last_used_at: Option<NaiveDateTime>,
    /// Revoked, if so.
    pub revoked_at: Option<NaiveDateTime>,
}

/// Creates an API token for a user; returns the secret (shown once).
pub fn create_api_token(conn: &mut DbConn, user_id: i64, name: &str) -> QueryResult<String> {
    let token = format!("sct_{}", tokens::new_token());
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::user_id.eq(user_id),
            api_tokens::name.eq(name),
            api_tokens::token_hash.eq(tokens::hash_for("api", &token)),
            api_tokens::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(token)
}

/// The active user of an API token, recording its use.
pub fn find_api_token_user(conn: &mut DbConn, token: &str) -> QueryResult<Option<User>> {
    let hash = tokens::hash_for("api", token);
    let found: Option<(i64, User)> = api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(&hash))
        .filter(api_tokens::revoked_at.is_null())
        .filter(users::active.eq(true))
        .select((api_tokens::id, User::as_select()))
        .first(conn)
        .optional()?;
    if let Some((id, _)) = &found {
        diesel::update(api_tokens::table.find(*id))
            .set(api_tokens::last_used_at.eq(now()))
            .execute(conn)?;
    }
    Ok(found.map(|(_, u)| u))
}

/// The tokens of a user, newest first.
pub fn list_api_tokens(conn: &mut DbConn, user_id: i64) -> QueryResult<Vec<ApiTokenInfo>> {
    api_tokens::table
        .filter(api_tokens::user_id.eq(user_id))
        .order(api_tokens::id.desc())
        .select((
            api_tokens::id,
            api_tokens::user_id,
            api_tokens::name,
            api_tokens::created_at,
            api_tokens::last_used_at,
            api_tokens::revoked_at,
        ))
        .load(conn)
}

/// Revokes a token; `owner` limits it to that user's tokens (admins pass `None`).
pub fn revoke_api_token(conn: &mut DbConn, id: i64, owner: Option<i64>) -> QueryResult<bool> {
    let mut query = diesel::update(api_tokens::table)
        .filter(api_tokens::id.eq(id))
        .filter(api_tokens::revoked_at.is_null())
        .into_boxed();
    if let Some(owner) = owner {
        query = query.filter(api_tokens::user_id.eq(owner));
    }
    Ok(query.set(api_tokens::revoked_at.eq(now())).execute(conn)? == 1)
}

/// An organization row.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = organizations)]
pub struct Organization {
    /// Id.
    pub id: i64,
    /// `sme` or `vendor`.
    pub kind: String,
    /// Name.
    pub name: String,
    /// Prefecture (JIS code).
    pub prefecture: Option<i32>,
    /// Industry code.
    pub industry: Option<String>,
    /// Employee band code.
    pub employee_band: Option<String>,
    /// Website.
    pub website: Option<String>,
    /// SECURITY ACTION level: `none`, `one_star`, `two_star`.
    pub security_action: String,
    /// Registered サイバーセキュリティお助け隊 service (vendors), if any.
    pub otasuketai_service: Option<String>,
    /// IT導入支援事業者 (vendors).
    pub it_support_provider: bool,
    /// Whether it is active.
    pub active: bool,
    /// Created.
    pub created_at: NaiveDateTime,
}

/// The organization with this id.
pub fn find_organization(conn: &mut DbConn, id: i64) -> QueryResult<Organization> {
    organizations::table
        .find(id)
        .select(Organization::as_select())
        .first(conn)
}

/// Sets a user's display name.
pub fn set_name(conn: &mut DbConn, user_id: i64, name: &str) -> QueryResult<()> {
    diesel::update(users::table.find(user_id))
        .set(users::name.eq(name))
        .execute(conn)?;
    Ok(())
}

/// Sets a user's language.
pub fn set_lang(conn: &mut DbConn, user_id: i64, lang: &str) -> QueryResult<()> {
    diesel::update(users::table.find(user_id))
        .set(users::lang.eq(lang))
        .execute(conn)?;
    Ok(())
}

/// How long an invitation works.
pub const INVITATION_DAYS: i64 = 7;

/// Creates an invitation into an organization; returns the token for the link.
pub fn create_invitation(
    conn: &mut DbConn,
    organization_id: i64,
    email: &str,
    invited_by: i64,
) -> QueryResult<String> {
    let token = tokens::new_token();
    let at = now();
    diesel::insert_into(invitations::table)
        .values((
            invitations::organization_id.eq(organization_id),
            invitations::email.eq(normalize_email(email)),
            invitations::token_hash.eq(tokens::hash_for("invite", &token)),
            invitations::invited_by.eq(invited_by),
            invitations::created_at.eq(at),
            invitations::expires_at.eq(at + Duration::days(INVITATION_DAYS)),
        ))
        .execute(conn)?;
    Ok(token)
}

/// An open invitation by its token: (invitation id, organization name).
pub fn find_invitation(conn: &mut DbConn, token: &str) -> QueryResult<Option<(i64, String)>> {
    invitations::table
        .inner_join(organizations::table)
        .filter(invitations::token_hash.eq(tokens::hash_for("invite", token)))
        .filter(invitations::accepted_at.is_null())
        .filter(invitations::expires_at.gt(now()))
        .select((invitations::id, organizations::name))
        .first(conn)
        .optional()
}

/// Accepts an invitation once: the invited address joins the organization (the account is
/// created if needed). `None` when the token is unknown, used or expired.
pub fn accept_invitation(conn: &mut DbConn, token: &str) -> QueryResult<Option<User>> {
    let hash = tokens::hash_for("invite", token);
    let at = now();
    let found: Option<(i64, i64, String)> = invitations::table
        .filter(invitations::token_hash.eq(&hash))
        .filter(invitations::accepted_at.is_null())
        .filter(invitations::expires_at.gt(at))
        .select((
            invitations::id,
            invitations::organization_id,
            invitations::email,
        ))
        .first(conn)
        .optional()?;
    let Some((id, organization_id, email)) = found else {
        return Ok(None);
    };
    let used = diesel::update(
        invitations::table
            .filter(invitations::id.eq(id))
            .filter(invitations::accepted_at.is_null()),
    )
    .set(invitations::accepted_at.eq(at))
    .execute(conn)?;
    if used == 0 {
        return Ok(None);
    }
    let user = match find_user_by_email(conn, &email)? {
        Some(u) if u.active => u,
        Some(_) => return Ok(None),
        None => {
            let name = email.split('@').next().unwrap_or(&email).to_string();
            create_user(conn, &email, &name, Role::Member)?
        }
    };
    diesel::update(users::table.find(user.id))
        .set(users::organization_id.eq(organization_id))
        .execute(conn)?;
    find_user(conn, user.id).map(Some)
}

/// A user with their organization's name, for the staff list.
pub type UserListRow = (User, Option<String>);

/// Users whose name or address contains `query` (all when empty), newest first.
pub fn search_users(conn: &mut DbConn, query: &str, limit: i64) -> QueryResult<Vec<UserListRow>> {
    let mut q = users::table
        .left_join(organizations::table)
        .select((User::as_select(), organizations::name.nullable()))
        .into_boxed();
    let query = query.trim();
    if !query.is_empty() {
        let pattern = format!("%{}%", query.replace(['%', '_'], ""));
        q = q.filter(
            users::email
                .like(pattern.to_lowercase())
                .or(users::name.like(pattern)),
        );
    }
    q.order(users::id.desc()).limit(limit).load(conn)
}

/// Changes a user's role and ends their sessions (they sign in again with the new role).
pub fn set_role(conn: &mut DbConn, user_id: i64, role: Role) -> QueryResult<bool> {
    let n = diesel::update(users::table.find(user_id))
        .set(users::role.eq(role.as_str()))
        .execute(conn)?;
    delete_sessions_of(conn, user_id)?;
    Ok(n == 1)
}

/// Deactivates a user: no sign-in, sessions ended, API tokens stop working.
pub fn deactivate(conn: &mut DbConn, user_id: i64) -> QueryResult<bool> {
    let n = diesel::update(users::table.find(user_id))
        .set(users::active.eq(false))
        .execute(conn)?;
    delete_sessions_of(conn, user_id)?;
    Ok(n == 1)
}

/// Organizations whose name contains `query`, with their member counts.
pub fn search_organizations(
    conn: &mut DbConn,
    query: &str,
    limit: i64,
) -> QueryResult<Vec<(Organization, i64)>> {
    let mut q = organizations::table
        .select(Organization::as_select())
        .into_boxed();
    let query = query.trim();
    if !query.is_empty() {
        q = q.filter(organizations::name.like(format!("%{}%", query.replace(['%', '_'], ""))));
    }
    let orgs: Vec<Organization> = q.order(organizations::name).limit(limit).load(conn)?;
    let ids: Vec<i64> = orgs.iter().map(|o| o.id).collect();
    let counts: Vec<(Option<i64>, i64)> = users::table
        .filter(users::organization_id.eq_any(&ids))
        .group_by(users::organization_id)
        .select((users::organization_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(orgs
        .into_iter()
        .map(|o| {
            let n = counts
                .iter()
                .find(|(id, _)| *id == Some(o.id))
                .map_or(0, |(_, n)| *n);
            (o, n)
        })
        .collect())
}

/// A new organization.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = organizations)]
pub struct NewOrganization {
    /// `sme` or `vendor`.
    pub kind: String,
    /// Name.
    pub name: String,
    /// Prefecture code.
    pub prefecture: Option<i32>,
    /// Industry code.
    pub industry: Option<String>,
    /// Employee band code.
    pub employee_band: Option<String>,
    /// Website.
    pub website: Option<String>,
    /// SECURITY ACTION level.
    pub security_action: String,
    /// お助け隊 service name.
    pub otasuketai_service: Option<String>,
    /// IT導入支援事業者.
    pub it_support_provider: bool,
    /// Created.
    pub created_at: NaiveDateTime,
}

/// Creates an organization; returns its id.
pub fn create_organization(conn: &mut DbConn, org: &NewOrganization) -> QueryResult<i64> {
    diesel::insert_into(organizations::table)
        .values(org)
        .returning(organizations::id)
        .get_result(conn)
}

/// Changes an organization's fields (all but its creation time); false when there is none.
pub fn update_organization(conn: &mut DbConn, id: i64, org: &NewOrganization) -> QueryResult<bool> {
    let n = diesel::update(organizations::table.find(id))
        .set((
            organizations::kind.eq(&org.kind),
            organizations::name.eq(&org.name),
            organizations::prefecture.eq(org.prefecture),
            organizations::industry.eq(&org.industry),
            organizations::employee_band.eq(&org.employee_band),
            organizations::website.eq(&org.website),
            organizations::security_action.eq(&org.security_action),
            organizations::otasuketai_service.eq(&org.otasuketai_service),
            organizations::it_support_provider.eq(org.it_support_provider),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// Members of an organization: (name, email).
pub fn members(conn: &mut DbConn, organization_id: i64) -> QueryResult<Vec<(String, String)>> {
    users::table
        .filter(users::organization_id.eq(organization_id))
        .order(users::name)
        .select((users::name, users::email))
        .load(conn)
}

/// Open invitations of an organization: (email, expires_at).
pub fn open_invitations(
    conn: &mut DbConn,
    organization_id: i64,
) -> QueryResult<Vec<(String, NaiveDateTime)>> {
    invitations::table
        .filter(invitations::organization_id.eq(organization_id))
        .filter(invitations::accepted_at.is_null())
        .filter(invitations::expires_at.gt(now()))
        .order(invitations::id.desc())
        .select((invitations::email, invitations::expires_at))
        .load(conn)
}

/// Counts for the staff dashboard: (users, organizations).
pub fn totals(conn: &mut DbConn) -> QueryResult<(i64, i64)> {
    Ok((
        users::table.count().get_result(conn)?,
        organizations::table.count().get_result(conn)?,
    ))
}

/// Display names of users by id (for the audit log).
pub fn names(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<(i64, String)>> {
    let rows: Vec<(i64, String, String)> = users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::name, users::email))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, email)| (id, if name.trim().is_empty() { email } else { name }))
        .collect())
}

/// Deletes what has expired: sessions, sign-in links (a day after they ran out), OAuth flows.
/// Returns how many rows went.
pub fn purge_expired(conn: &mut DbConn) -> QueryResult<usize> {
    use crate::schema::oauth_flows;
    let at = now();
    let mut n =
        diesel::delete(sessions::table.filter(sessions::expires_at.lt(at))).execute(conn)?;
    n += diesel::delete(
        login_tokens::table.filter(login_tokens::expires_at.lt(at - Duration::days(1))),
    )
    .execute(conn)?;
    n += diesel::delete(oauth_flows::table.filter(oauth_flows::expires_at.lt(at))).execute(conn)?;
    Ok(n)
}
