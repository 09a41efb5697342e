//! The operations on seminars, shared by the staff pages and the JSON API: each runs its writes
//! and its audit entry in one transaction, on behalf of the staff member who asked. The
//! surfaces extract and validate their input, call one of these, and render.

use chrono::NaiveDateTime;
use diesel::QueryResult;
use serde_json::json;

use super::model::{Seminar, SeminarData, SeminarStatus};
use super::queries;
use super::registrants::Registrants;
use crate::accounts::CurrentUser;
use crate::audit;
use crate::db::DbConn;
use crate::error::{AppError, Message};

pub use crate::audit::Via;

fn audited(
    c: &mut DbConn,
    actor: &CurrentUser,
    action: audit::Action,
    id: i64,
    detail: serde_json::Value,
) -> QueryResult<()> {
    audit::record(
        c,
        Some(actor),
        action,
        audit::Target::Seminar,
        Some(id.to_string()),
        detail,
    )
}

/// Creates a seminar (a draft unless `published`); its id.
pub fn create(
    c: &mut DbConn,
    actor: &CurrentUser,
    data: &SeminarData,
    published: bool,
    via: Via,
) -> QueryResult<i64> {
    c.write_transaction(|c| {
        let id = queries::create(c, data, published, crate::time::now_utc())?;
        audited(
            c,
            actor,
            audit::Action::SeminarCreate,
            id,
            json!({"title": data.title, "via": via}),
        )?;
        Ok(id)
    })
}

/// Stores the changed seminar, tells its registrants what changed for them, and publishes it
/// too when `publish`; how many registrants were told.
pub fn update(
    c: &mut DbConn,
    registrants: &dyn Registrants,
    actor: &CurrentUser,
    id: i64,
    data: &SeminarData,
    publish: bool,
    via: Via,
) -> QueryResult<usize> {
    c.write_transaction(|c| {
        let now = crate::time::now_utc();
        let told = registrants.update_seminar(c, id, data, now)?;
        if publish {
            queries::publish(c, id, now)?;
        }
        audited(
            c,
            actor,
            audit::Action::SeminarUpdate,
            id,
            json!({"title": data.title, "told": told, "via": via}),
        )?;
        Ok(told)
    })
}

/// Publishes a draft; how many seminars changed (0 when it was published already).
pub fn publish(c: &mut DbConn, actor: &CurrentUser, id: i64) -> QueryResult<usize> {
    c.write_transaction(|c| {
        let changed = queries::publish(c, id, crate::time::now_utc())?;
        audited(
            c,
            actor,
            audit::Action::SeminarPublish,
            id,
            json!({"changed": changed}),
        )?;
        Ok(changed)
    })
}

/// A draft copy of seminar `id`, its title followed by `suffix`; the copy's id.
pub fn duplicate(c: &mut DbConn, actor: &CurrentUser, id: i64, suffix: &str) -> QueryResult<i64> {
    c.write_transaction(|c| {
        let mut data = SeminarData::of(&queries::find(c, id)?);
        data.title = format!("{}{suffix}", data.title);
        let copy = queries::create(c, &data, false, crate::time::now_utc())?;
        audited(
            c,
            actor,
            audit::Action::SeminarDuplicate,
            copy,
            json!({"from": id}),
        )?;
        Ok(copy)
    })
}

/// Why a seminar cannot be called off now (a message key), if it cannot.
pub fn call_off_refusal(s: &Seminar, now: NaiveDateTime) -> Option<&'static str> {
    if s.status == SeminarStatus::Cancelled {
        Some("seminars.cancel.already")
    } else if s.starts_at <= now {
        Some("seminars.cancel.past")
    } else {
        None
    }
}

/// Whether staff may call the seminar off now (the staff page shows the button only then).
pub fn can_call_off(s: &Seminar, now: NaiveDateTime) -> bool {
    call_off_refusal(s, now).is_none()
}

/// Calls seminar `id` off and tells every registrant; how many were told. A seminar that has
/// begun or is called off already answers `Conflict` with the reason.
pub fn call_off(
    c: &mut DbConn,
    registrants: &dyn Registrants,
    actor: &CurrentUser,
    id: i64,
) -> Result<usize, AppError> {
    c.write_transaction(|c| {
        let now = crate::time::now_utc();
        if let Some(key) = call_off_refusal(&queries::find(c, id)?, now) {
            return Err(AppError::Conflict(Message::new(key)));
        }
        let told = registrants.call_off(c, id, now)?;
        audited(
            c,
            actor,
            audit::Action::SeminarCancel,
            id,
            json!({"told": told}),
        )?;
        Ok(told)
    })
}
