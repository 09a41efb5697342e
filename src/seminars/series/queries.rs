//! Series queries: one series, the list, their sessions, the sessions the public list leaves
//! out, and the writes of the service.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{Series, SeriesData};
use crate::db::DbConn;
use crate::schema::{registrations as r, seminar_series as ss, seminars as s};
use crate::seminars::model::{RegistrationStatus, Seminar, SeminarStatus};

/// One series.
pub fn find(c: &mut DbConn, id: i64) -> QueryResult<Series> {
    ss::table.find(id).select(Series::as_select()).first(c)
}

/// Every series, newest first (staff).
pub fn list(c: &mut DbConn) -> QueryResult<Vec<Series>> {
    ss::table
        .order(ss::id.desc())
        .limit(500)
        .select(Series::as_select())
        .load(c)
}

/// Several series by id.
pub fn find_many(c: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, Series>> {
    Ok(ss::table
        .filter(ss::id.eq_any(ids))
        .select(Series::as_select())
        .load(c)?
        .into_iter()
        .map(|x| (x.id, x))
        .collect())
}

/// The sessions of a series (any status), in the order they are held.
pub fn sessions(c: &mut DbConn, series_id: i64) -> QueryResult<Vec<Seminar>> {
    s::table
        .filter(s::series_id.eq(series_id))
        .order((s::starts_at.asc(), s::id.asc()))
        .select(Seminar::as_select())
        .load(c)
}

/// The sessions the public sees (not drafts), in the order they are held.
pub fn public_sessions(c: &mut DbConn, series_id: i64) -> QueryResult<Vec<Seminar>> {
    s::table
        .filter(s::series_id.eq(series_id))
        .filter(s::status.ne(SeminarStatus::Draft))
        .order((s::starts_at.asc(), s::id.asc()))
        .select(Seminar::as_select())
        .load(c)
}

/// The public sessions of several series, each in the order they are held.
pub fn public_sessions_many(
    c: &mut DbConn,
    series_ids: &[i64],
) -> QueryResult<HashMap<i64, Vec<Seminar>>> {
    let list: Vec<Seminar> = s::table
        .filter(s::series_id.eq_any(series_ids))
        .filter(s::status.ne(SeminarStatus::Draft))
        .order((s::starts_at.asc(), s::id.asc()))
        .select(Seminar::as_select())
        .load(c)?;
    let mut out: HashMap<i64, Vec<Seminar>> = HashMap::new();
    for seminar in list {
        if let Some(id) = seminar.series_id {
            out.entry(id).or_default().push(seminar);
        }
    }
    Ok(out)
}

/// The seminars of the public list that stand for their series elsewhere: a series is one
/// entry, shown at its first session on that side of `now` (the first upcoming one, or in the
/// archive the last one held); every other public session of it is left out of the list.
pub fn collapsed_sessions(c: &mut DbConn, past: bool, now: NaiveDateTime) -> QueryResult<Vec<i64>> {
    let rows: Vec<(i64, Option<i64>, NaiveDateTime)> = s::table
        .filter(s::series_id.is_not_null())
        .filter(s::status.ne(SeminarStatus::Draft))
        .order((s::starts_at.asc(), s::id.asc()))
        .select((s::id, s::series_id, s::ends_at))
        .load(c)?;
    let mut lead: HashMap<i64, i64> = HashMap::new();
    for (id, series, ends_at) in &rows {
        let Some(series) = series else { continue };
        let this_side = if past {
            *ends_at < now
        } else {
            *ends_at >= now
        };
        if !this_side {
            continue;
        }
        // Upcoming: the first in order; archive (newest first): the last.
        if past || !lead.contains_key(series) {
            lead.insert(*series, *id);
        }
    }
    Ok(rows
        .into_iter()
        .filter(|(id, series, _)| series.is_some_and(|x| lead.get(&x) != Some(id)))
        .map(|(id, _, _)| id)
        .collect())
}

/// How many people a series holds confirmed: its confirmed entries (each holds a seat in every
/// session), counted once each.
pub fn confirmed_entries(c: &mut DbConn, session_ids: &[i64]) -> QueryResult<i64> {
    r::table
        .filter(r::seminar_id.eq_any(session_ids))
        .filter(r::status.eq(RegistrationStatus::Confirmed))
        .select(diesel::dsl::count(r::series_entry_id).aggregate_distinct())
        .get_result(c)
}

/// How many people wait for a seat of a series, counted once each.
pub fn waiting_entries(c: &mut DbConn, session_ids: &[i64]) -> QueryResult<i64> {
    r::table
        .filter(r::seminar_id.eq_any(session_ids))
        .filter(r::status.eq(RegistrationStatus::Waitlisted))
        .select(diesel::dsl::count(r::series_entry_id).aggregate_distinct())
        .get_result(c)
}

/// The registrations of a seminar that are not cancelled.
pub fn active_registrations(c: &mut DbConn, seminar_id: i64) -> QueryResult<i64> {
    r::table
        .filter(r::seminar_id.eq(seminar_id))
        .filter(r::status.ne(RegistrationStatus::Cancelled))
        .count()
        .get_result(c)
}

/// Stores a new series; its id.
pub fn create(c: &mut DbConn, data: &SeriesData, now: NaiveDateTime) -> QueryResult<i64> {
    diesel::insert_into(ss::table)
        .values((data, ss::created_at.eq(now), ss::updated_at.eq(now)))
        .returning(ss::id)
        .get_result(c)
}

/// Replaces a series' values.
pub fn update(
    c: &mut DbConn,
    id: i64,
    data: &SeriesData,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(ss::table.find(id))
        .set((data, ss::updated_at.eq(now)))
        .execute(c)
}

/// Loads a seminar and, on PostgreSQL, locks its row until the transaction ends (on SQLite
/// the write transaction holds the database's write lock already).
pub fn lock_seminar(c: &mut DbConn, id: i64) -> QueryResult<Seminar> {
    match c {
        DbConn::Pg(pg) => s::table
            .find(id)
            .select(Seminar::as_select())
            .for_update()
            .first(pg),
        DbConn::Sqlite(_) => crate::seminars::queries::find(c, id),
    }
}

/// Puts a seminar in a series, or (`None`) takes it out.
pub fn set_series(c: &mut DbConn, seminar_id: i64, series: Option<i64>) -> QueryResult<usize> {
    diesel::update(s::table.find(seminar_id))
        .set(s::series_id.eq(series))
        .execute(c)
}
