//! The operations on series, shared by the staff screen and the API: each runs its writes and
//! its audit entry in one transaction, on behalf of the staff member who asked.

use diesel::OptionalExtension;
use serde_json::json;

use super::model::{Series, SeriesData};
use super::queries;
use crate::accounts::CurrentUser;
use crate::audit::{self, Action, Target, Via};
use crate::db::DbConn;
use crate::error::{AppError, Message};
use crate::seminars::model::{Allocation, SeminarStatus};

fn audited(
    c: &mut DbConn,
    actor: &CurrentUser,
    action: Action,
    id: i64,
    detail: serde_json::Value,
) -> diesel::QueryResult<()> {
    audit::record(
        c,
        Some(actor),
        action,
        Target::Series,
        Some(id.to_string()),
        detail,
    )
}

/// Creates a series (with no sessions yet); its id.
pub fn create(
    c: &mut DbConn,
    actor: &CurrentUser,
    data: &SeriesData,
    via: Via,
) -> Result<i64, AppError> {
    c.write_transaction(|c| {
        let id = queries::create(c, data, crate::time::now_utc())?;
        audited(
            c,
            actor,
            Action::SeriesCreate,
            id,
            json!({"title": data.title, "capacity": data.capacity, "via": via}),
        )?;
        Ok(id)
    })
}

/// Changes a series' values. Fewer seats than people confirmed is refused (409): seats already
/// given are never taken back.
pub fn update(
    c: &mut DbConn,
    actor: &CurrentUser,
    id: i64,
    data: &SeriesData,
    via: Via,
) -> Result<Series, AppError> {
    c.write_transaction(|c| update_in(c, actor, id, data, via))
}

fn update_in(
    c: &mut DbConn,
    actor: &CurrentUser,
    id: i64,
    data: &SeriesData,
    via: Via,
) -> Result<Series, AppError> {
    let before = queries::find(c, id).optional()?.ok_or(AppError::NotFound)?;
    let mut ids: Vec<i64> = queries::sessions(c, id)?.iter().map(|s| s.id).collect();
    ids.sort_unstable();
    for session in &ids {
        queries::lock_seminar(c, *session)?;
    }
    let confirmed = queries::confirmed_entries(c, &ids)?;
    if i64::from(data.capacity) < confirmed {
        return Err(AppError::Conflict(
            Message::new("series.err_capacity_below").arg("n", confirmed.to_string()),
        ));
    }
    queries::update(c, id, data, crate::time::now_utc())?;
    audited(
        c,
        actor,
        Action::SeriesUpdate,
        id,
        json!({"title": data.title, "capacity": data.capacity, "from_capacity": before.capacity,
               "certificate_min_sessions": data.certificate_min_sessions, "via": via}),
    )?;
    Ok(queries::find(c, id)?)
}

/// Adds seminar `seminar_id` to the series as a session. Refused (409, with the reason) for a
/// seminar of another series, one called off, a lottery or a group seminar (a series entry is
/// one person placed first come), and one that has registrations already (they were not made
/// for the series). Adding a session of the series again changes nothing.
pub fn add_session(
    c: &mut DbConn,
    actor: &CurrentUser,
    series_id: i64,
    seminar_id: i64,
    via: Via,
) -> Result<(), AppError> {
    c.write_transaction(|c| add_in(c, actor, series_id, seminar_id, via))
}

fn add_in(
    c: &mut DbConn,
    actor: &CurrentUser,
    series_id: i64,
    seminar_id: i64,
    via: Via,
) -> Result<(), AppError> {
    queries::find(c, series_id)
        .optional()?
        .ok_or(AppError::NotFound)?;
    let Some(seminar) = queries::lock_seminar(c, seminar_id).optional()? else {
        return Err(AppError::invalid_field(
            "seminar_id",
            Message::new("series.err_no_seminar"),
        ));
    };
    if seminar.series_id == Some(series_id) {
        return Ok(());
    }
    let refusal = if seminar.series_id.is_some() {
        Some("series.err_other_series")
    } else if seminar.status == SeminarStatus::Cancelled {
        Some("series.err_cancelled")
    } else if seminar.allocation() != Allocation::FirstCome {
        Some("series.err_lottery")
    } else if seminar.group_limit() > 1 {
        Some("series.err_groups")
    } else if queries::active_registrations(c, seminar_id)? > 0 {
        Some("series.err_has_registrations")
    } else {
        None
    };
    if let Some(key) = refusal {
        return Err(AppError::Conflict(Message::new(key)));
    }
    queries::set_series(c, seminar_id, Some(series_id))?;
    audited(
        c,
        actor,
        Action::SeriesAddSession,
        series_id,
        json!({"seminar_id": seminar_id, "via": via}),
    )?;
    Ok(())
}

/// Takes a session out of the series. Refused (409) while it holds registrations of the
/// series that are not cancelled: their holders registered for the whole series.
pub fn remove_session(
    c: &mut DbConn,
    actor: &CurrentUser,
    series_id: i64,
    seminar_id: i64,
    via: Via,
) -> Result<(), AppError> {
    c.write_transaction(|c| remove_in(c, actor, series_id, seminar_id, via))
}

fn remove_in(
    c: &mut DbConn,
    actor: &CurrentUser,
    series_id: i64,
    seminar_id: i64,
    via: Via,
) -> Result<(), AppError> {
    let seminar = queries::lock_seminar(c, seminar_id)
        .optional()?
        .filter(|s| s.series_id == Some(series_id))
        .ok_or(AppError::NotFound)?;
    if queries::active_registrations(c, seminar.id)? > 0 {
        return Err(AppError::Conflict(Message::new(
            "series.err_remove_registered",
        )));
    }
    queries::set_series(c, seminar_id, None)?;
    audited(
        c,
        actor,
        Action::SeriesRemoveSession,
        series_id,
        json!({"seminar_id": seminar_id, "via": via}),
    )?;
    Ok(())
}

/// The API's change of a series: the given values and, when `sessions` is given, exactly those
/// seminars as its sessions (the missing ones removed, the new ones added), all in one
/// transaction: one refusal and nothing changes.
pub fn change(
    c: &mut DbConn,
    actor: &CurrentUser,
    id: i64,
    data: Option<&SeriesData>,
    sessions: Option<&[i64]>,
    via: Via,
) -> Result<Series, AppError> {
    c.write_transaction(|c| {
        let series = match data {
            Some(d) => update_in(c, actor, id, d, via)?,
            None => queries::find(c, id).optional()?.ok_or(AppError::NotFound)?,
        };
        if let Some(wanted) = sessions {
            let current: Vec<i64> = queries::sessions(c, id)?.iter().map(|s| s.id).collect();
            for old in current.iter().filter(|s| !wanted.contains(s)) {
                remove_in(c, actor, id, *old, via)?;
            }
            for new in wanted.iter().filter(|s| !current.contains(s)) {
                add_in(c, actor, id, *new, via)?;
            }
        }
        Ok(series)
    })
}
