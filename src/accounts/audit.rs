//! The audit log: who did what to which record and when. Rows are only ever added (the
//! database refuses updates and deletes, except for forgetting a deleted account's id).

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

use super::CurrentUser;
use crate::db::DbConn;
use crate::schema::audit_log;

/// Records an action. `actor` is `None` for the system (CLI, workers).
pub fn record(
    conn: &mut DbConn,
    actor: Option<&CurrentUser>,
    action: &str,
    target_kind: &str,
    target_id: Option<String>,
    detail: serde_json::Value,
) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::at.eq(Utc::now().naive_utc()),
            audit_log::actor_id.eq(actor.map(|a| a.id)),
            audit_log::actor_role.eq(actor.map_or("system", |a| a.role.as_str())),
            audit_log::action.eq(action),
            audit_log::target_kind.eq(target_kind),
            audit_log::target_id.eq(target_id),
            audit_log::detail.eq(detail.to_string()),
        ))
        .execute(conn)?;
    Ok(())
}

/// One entry as staff see it.
#[derive(Debug, Clone, Queryable, Serialize)]
pub struct AuditEntry {
    /// Id.
    pub id: i64,
    /// When (UTC).
    pub at: NaiveDateTime,
    /// Actor id (gone once the account is deleted).
    pub actor_id: Option<i64>,
    /// Actor's role at the time.
    pub actor_role: String,
    /// What was done (`registration.export`, `user.role`, ...).
    pub action: String,
    /// Kind of record.
    pub target_kind: String,
    /// Record id.
    pub target_id: Option<String>,
    /// JSON detail.
    pub detail: String,
}

/// Filters of the staff view.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AuditFilter {
    /// Action prefix (`registration.`).
    pub action: Option<String>,
    /// Kind of record.
    pub target_kind: Option<String>,
    /// Actor id.
    pub actor_id: Option<i64>,
}

/// The newest entries matching the filter.
pub fn list(conn: &mut DbConn, filter: &AuditFilter, limit: i64) -> QueryResult<Vec<AuditEntry>> {
    let mut query = audit_log::table.into_boxed();
    if let Some(action) = filter.action.as_deref().filter(|a| !a.is_empty()) {
        query =
            query.filter(audit_log::action.like(format!("{}%", action.replace(['%', '_'], ""))));
    }
    if let Some(kind) = filter.target_kind.as_deref().filter(|k| !k.is_empty()) {
        query = query.filter(audit_log::target_kind.eq(kind.to_string()));
    }
    if let Some(actor) = filter.actor_id {
        query = query.filter(audit_log::actor_id.eq(actor));
    }
    query
        .order(audit_log::id.desc())
        .limit(limit)
        .select((
            audit_log::id,
            audit_log::at,
            audit_log::actor_id,
            audit_log::actor_role,
            audit_log::action,
            audit_log::target_kind,
            audit_log::target_id,
            audit_log::detail,
        ))
        .load(conn)
}
