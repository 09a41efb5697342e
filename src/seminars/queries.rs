//! Seminar queries: lists with filters, one seminar, seats, create, update, publish.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeZone};
use diesel::prelude::*;

use super::model::{Mode, Seminar, SeminarData, SeminarStatus};
use crate::db::DbConn;
use crate::schema::{industries, registrations as r, seminars as s};

/// Filters of the public list and the feeds.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Industry code.
    pub industry: Option<String>,
    /// Prefecture code.
    pub prefecture: Option<i32>,
    /// Format.
    pub format: Option<String>,
    /// Month in Tokyo (year, month).
    pub month: Option<(i32, u32)>,
    /// Past seminars (the archive) instead of upcoming ones.
    pub past: bool,
}

/// The UTC bounds of a month in Tokyo.
fn month_bounds(year: i32, month: u32) -> Option<(NaiveDateTime, NaiveDateTime)> {
    let start = NaiveDate::from_ymd_opt(year, month, 1)?;
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    let utc = |d: NaiveDate| {
        crate::time::jst()
            .from_local_datetime(&d.and_hms_opt(0, 0, 0)?)
            .single()
            .map(|t| t.naive_utc())
    };
    Some((utc(start)?, utc(next)?))
}

/// Seminars on one page of the public list.
pub const PAGE_SIZE: i64 = 24;

/// Published (and called-off) seminars matching the filter, `limit` of them after skipping
/// `offset`: upcoming ones soonest first, past ones newest first.
fn load_public(
    c: &mut DbConn,
    f: &Filter,
    now: NaiveDateTime,
    limit: i64,
    offset: i64,
    hidden: &[i64],
) -> QueryResult<Vec<Seminar>> {
    let mut q = s::table
        .filter(s::status.ne(SeminarStatus::Draft))
        .select(Seminar::as_select())
        .into_boxed();
    if !hidden.is_empty() {
        q = q.filter(s::id.ne_all(hidden.to_vec()));
    }
    if let Some(i) = &f.industry {
        q = q.filter(s::industry.eq(i.clone()));
    }
    if let Some(p) = f.prefecture {
        q = q.filter(s::prefecture.eq(p));
    }
    if let Some(fm) = &f.format {
        q = q.filter(s::format.eq(fm.clone()));
    }
    if let Some((from, to)) = f.month.and_then(|(y, m)| month_bounds(y, m)) {
        q = q.filter(s::starts_at.ge(from)).filter(s::starts_at.lt(to));
    }
    q = if f.past {
        q.filter(s::ends_at.lt(now))
            .order((s::starts_at.desc(), s::id.desc()))
    } else {
        q.filter(s::ends_at.ge(now))
            .order((s::starts_at.asc(), s::id.asc()))
    };
    q.limit(limit).offset(offset).load(c)
}

/// Published (and called-off) seminars matching the filter (at most 200, for the feeds and the
/// API): upcoming ones soonest first, past ones newest first.
pub fn list_public(c: &mut DbConn, f: &Filter, now: NaiveDateTime) -> QueryResult<Vec<Seminar>> {
    load_public(c, f, now, 200, 0, &[])
}

/// One page (1-based) of [`list_public`] and whether another page follows. A series is one
/// entry: only the session that stands for it is listed
/// ([`super::series::queries::collapsed_sessions`]).
pub fn list_public_page(
    c: &mut DbConn,
    f: &Filter,
    now: NaiveDateTime,
    page: u32,
) -> QueryResult<(Vec<Seminar>, bool)> {
    let offset = i64::from(page.saturating_sub(1)) * PAGE_SIZE;
    let hidden = super::series::queries::collapsed_sessions(c, f.past, now)?;
    let mut list = load_public(c, f, now, PAGE_SIZE + 1, offset, &hidden)?;
    let more = list.len() as i64 > PAGE_SIZE;
    list.truncate(PAGE_SIZE as usize);
    Ok((list, more))
}

/// The first moment after `now` at which a public page may change by the clock alone: a
/// seminar (not a draft) starts or ends, its registration opens or closes, or its lottery is
/// drawn. `None` when no such moment is ahead.
pub fn next_change(c: &mut DbConn, now: NaiveDateTime) -> QueryResult<Option<NaiveDateTime>> {
    use diesel::dsl::min;
    let public = s::status.ne(SeminarStatus::Draft);
    let moments = [
        s::table
            .filter(public)
            .filter(s::starts_at.gt(now))
            .select(min(s::starts_at))
            .first::<Option<NaiveDateTime>>(c)?,
        s::table
            .filter(public)
            .filter(s::ends_at.gt(now))
            .select(min(s::ends_at))
            .first(c)?,
        s::table
            .filter(public)
            .filter(s::registration_closes_at.gt(now))
            .select(min(s::registration_closes_at))
            .first(c)?,
        s::table
            .filter(public)
            .filter(s::registration_opens_at.gt(now))
            .select(min(s::registration_opens_at))
            .first(c)?,
        s::table
            .filter(public)
            .filter(s::draw_at.gt(now))
            .select(min(s::draw_at))
            .first(c)?,
    ];
    Ok(moments.into_iter().flatten().min())
}

/// The next published seminars, for the home page.
pub fn next_published(c: &mut DbConn, now: NaiveDateTime, n: i64) -> QueryResult<Vec<Seminar>> {
    s::table
        .filter(s::status.eq(SeminarStatus::Published))
        .filter(s::ends_at.ge(now))
        .order(s::starts_at.asc())
        .limit(n)
        .select(Seminar::as_select())
        .load(c)
}

/// Every seminar, newest start first (staff).
pub fn list_all(c: &mut DbConn) -> QueryResult<Vec<Seminar>> {
    s::table
        .order(s::starts_at.desc())
        .limit(500)
        .select(Seminar::as_select())
        .load(c)
}

/// One seminar (any status).
pub fn find(c: &mut DbConn, id: i64) -> QueryResult<Seminar> {
    s::table.find(id).select(Seminar::as_select()).first(c)
}

/// One seminar as the public may see it (not a draft).
pub fn find_public(c: &mut DbConn, id: i64) -> QueryResult<Seminar> {
    s::table
        .find(id)
        .filter(s::status.ne(SeminarStatus::Draft))
        .select(Seminar::as_select())
        .first(c)
}

/// Confirmed and waitlisted counts of one seminar's mode.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Seats {
    /// Seats.
    pub capacity: i64,
    /// Confirmed registrations.
    pub confirmed: i64,
    /// Waitlisted registrations.
    pub waitlisted: i64,
    /// Applications that await a lottery's draw.
    pub applied: i64,
    /// Cancelled registrations.
    pub cancelled: i64,
    /// Confirmed registrations checked in.
    pub checked_in: i64,
}

impl Seats {
    /// Free seats.
    pub fn left(&self) -> i64 {
        (self.capacity - self.confirmed).max(0)
    }
}

/// Seats per mode of a seminar.
pub fn seats(c: &mut DbConn, seminar: &Seminar) -> QueryResult<HashMap<&'static str, Seats>> {
    let mut all = seats_many(c, std::slice::from_ref(seminar))?;
    Ok(all.remove(&seminar.id).unwrap_or_default())
}

/// Seats per mode of several seminars, in two grouped queries (lists).
pub fn seats_many(
    c: &mut DbConn,
    list: &[Seminar],
) -> QueryResult<HashMap<i64, HashMap<&'static str, Seats>>> {
    use super::model::RegistrationStatus as st;
    let ids: Vec<i64> = list.iter().map(|s| s.id).collect();
    let rows: Vec<(i64, String, st, i64)> = r::table
        .filter(r::seminar_id.eq_any(&ids))
        .group_by((r::seminar_id, r::mode, r::status))
        .select((r::seminar_id, r::mode, r::status, diesel::dsl::count_star()))
        .load(c)?;
    let present: Vec<(i64, String, i64)> = r::table
        .filter(r::seminar_id.eq_any(&ids))
        .filter(r::checked_in_at.is_not_null())
        .group_by((r::seminar_id, r::mode))
        .select((r::seminar_id, r::mode, diesel::dsl::count_star()))
        .load(c)?;
    let mut out = HashMap::new();
    for seminar in list {
        let mut per_mode = HashMap::new();
        for mode in [Mode::Onsite, Mode::Online] {
            let n = |status: st| {
                rows.iter()
                    .find(|(id, m, s, _)| *id == seminar.id && m == mode.as_str() && *s == status)
                    .map_or(0, |(_, _, _, n)| *n)
            };
            per_mode.insert(
                mode.as_str(),
                Seats {
                    capacity: i64::from(seminar.capacity(mode)),
                    confirmed: n(st::Confirmed),
                    waitlisted: n(st::Waitlisted),
                    applied: n(st::Applied),
                    cancelled: n(st::Cancelled),
                    checked_in: present
                        .iter()
                        .find(|(id, m, _)| *id == seminar.id && m == mode.as_str())
                        .map_or(0, |(_, _, n)| *n),
                },
            );
        }
        out.insert(seminar.id, per_mode);
    }
    Ok(out)
}

/// The active industry codes (to validate input).
pub fn industry_codes(c: &mut DbConn) -> QueryResult<Vec<String>> {
    industries::table
        .filter(industries::active.eq(true))
        .select(industries::code)
        .load(c)
}

/// A 6-digit attendance code.
fn attendance_code() -> String {
    format!("{:06}", rand::random::<u32>() % 1_000_000)
}

/// The seminar an imported calendar event would duplicate: the one imported with the same
/// `UID`, or (for an event without one) the one with the same title and start.
pub fn find_imported(
    c: &mut DbConn,
    uid: Option<&str>,
    title: &str,
    starts_at: NaiveDateTime,
) -> QueryResult<Option<i64>> {
    match uid {
        Some(uid) => s::table
            .filter(s::import_uid.eq(uid))
            .select(s::id)
            .first(c)
            .optional(),
        None => s::table
            .filter(s::title.eq(title))
            .filter(s::starts_at.eq(starts_at))
            .select(s::id)
            .first(c)
            .optional(),
    }
}

/// Records the calendar `UID` a seminar was imported from (unique: a second import of the
/// same event fails).
pub fn set_import_uid(c: &mut DbConn, id: i64, uid: &str) -> QueryResult<()> {
    diesel::update(s::table.find(id))
        .set(s::import_uid.eq(uid))
        .execute(c)
        .map(drop)
}

/// Stores a new seminar (draft unless `published`); returns its id.
pub fn create(
    c: &mut DbConn,
    data: &SeminarData,
    published: bool,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(s::table)
        .values((
            data,
            s::status.eq(if published {
                SeminarStatus::Published
            } else {
                SeminarStatus::Draft
            }),
            s::attendance_code.eq(attendance_code()),
            s::created_at.eq(now),
            s::updated_at.eq(now),
        ))
        .returning(s::id)
        .get_result(c)
}

/// Replaces a seminar's values and bumps its SEQUENCE.
pub fn update(
    c: &mut DbConn,
    id: i64,
    data: &SeminarData,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(s::table.find(id))
        .set((data, s::sequence.eq(s::sequence + 1), s::updated_at.eq(now)))
        .execute(c)
}

/// Publishes a draft (a cancelled seminar stays cancelled).
pub fn publish(c: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(s::table.find(id).filter(s::status.eq(SeminarStatus::Draft)))
        .set((
            s::status.eq(SeminarStatus::Published),
            s::sequence.eq(s::sequence + 1),
            s::updated_at.eq(now),
        ))
        .execute(c)
}

/// The current year and month in Tokyo (for the month filter's default list).
pub fn this_month(now: NaiveDateTime) -> (i32, u32) {
    let t = crate::time::to_jst(now);
    (t.year(), t.month())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_tokyo_months() {
        let (from, to) = month_bounds(2026, 12).unwrap();
        assert_eq!(from.to_string(), "2026-11-30 15:00:00");
        assert_eq!(to.to_string(), "2026-12-31 15:00:00");
    }
}
