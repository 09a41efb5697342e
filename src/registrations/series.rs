//! Registration for a series (連続講座): one registration for the whole course.
//!
//! A person registers once, from the series' page or any session's page, and holds one
//! registration per session, tied by `series_entry_id` (the id of the registration of the
//! first session, which carries the personal link the mails give). The series has one
//! capacity: a person is confirmed in every session or waitlisted in every session, never
//! some of each. So the whole entry is placed in one transaction that locks every session in
//! ascending id order first (as the group commit does, [`super::group`]): two writers of
//! overlapping sessions wait for each other, never in a cycle, and nobody counts seats that
//! another is writing. A seat is free when the series holds fewer confirmed people than its
//! capacity and every session has a free seat of the mode (a venue never takes more than it
//! holds).
//!
//! Cancelling any of the registrations cancels the entry in every session; the freed seat
//! goes to the series' waitlist, in order, each promoted entry in every session. Attendance
//! (check-in, the meeting tools' reports) stays per session; the certificate of attendance is
//! for the series (`super::certificates::service`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::mail::{Notice, Notifier};
use super::model::{NewRegistrant, Registration, RegistrationStatus};
use super::queries::{self, Member, Placed, Registered, TOKEN_PURPOSE};
use crate::db::DbConn;
use crate::error::{AppError, Message};
use crate::schema::{registrations as r, seminars};
use crate::seminars::model::{Mode, Seminar};
use crate::seminars::series::model::Series;
use crate::seminars::series::queries as series_queries;
use crate::tokens;

/// Runs `f` in the write transaction that places series entries. The test seam that places
/// sessions one by one leaves the transaction out (every statement commits on its own).
fn serialized<T>(
    c: &mut DbConn,
    f: impl FnOnce(&mut DbConn) -> Result<T, AppError>,
) -> Result<T, AppError> {
    #[cfg(feature = "test-seams")]
    if crate::test_seams::series_per_session() {
        return f(c);
    }
    c.write_transaction(f)
}

/// A series with its sessions, locked in ascending id order and then sorted as they are held.
pub struct Locked {
    /// The series.
    pub series: Series,
    /// Its sessions in the order they are held.
    pub sessions: Vec<Seminar>,
}

/// Locks every session of `series_id` in ascending id order (PostgreSQL: row locks; SQLite:
/// the write transaction holds the database). `NotFound` for an unknown series.
pub fn lock(c: &mut DbConn, series_id: i64) -> Result<Locked, AppError> {
    let series = series_queries::find(c, series_id)
        .optional()?
        .ok_or(AppError::NotFound)?;
    let mut ids: Vec<i64> = series_queries::sessions(c, series_id)?
        .iter()
        .map(|s| s.id)
        .collect();
    ids.sort_unstable();
    let mut sessions = Vec::with_capacity(ids.len());
    for id in ids {
        sessions.push(queries::lock_seminar(c, id)?);
    }
    sessions.sort_by_key(|s| (s.starts_at, s.id));
    Ok(Locked { series, sessions })
}

impl Locked {
    fn ids(&self) -> Vec<i64> {
        self.sessions.iter().map(|s| s.id).collect()
    }

    /// The seats of `mode` free for one more entry: the series' capacity less its confirmed
    /// people, and no more than the fewest free seats of a session.
    fn free(&self, c: &mut DbConn, mode: Mode) -> QueryResult<i64> {
        let mut free =
            i64::from(self.series.capacity) - series_queries::confirmed_entries(c, &self.ids())?;
        for s in &self.sessions {
            let taken = queries::count(c, s.id, mode, RegistrationStatus::Confirmed)?;
            free = free.min(i64::from(s.capacity(mode)) - taken);
        }
        Ok(free.max(0))
    }
}

fn closed() -> AppError {
    AppError::Conflict(Message::new("registrations.closed"))
}

/// Registers a person for every session of a series, or returns their registration unchanged
/// when the address holds one already (the mail then says so, as for one seminar). One mail
/// names every date and carries every session in its calendar file.
pub fn register(
    c: &mut DbConn,
    notifier: &Notifier,
    series_id: i64,
    who: &NewRegistrant,
    now: NaiveDateTime,
) -> Result<Registered, AppError> {
    serialized(c, |c| register_locked(c, notifier, series_id, who, now))
}

fn register_locked(
    c: &mut DbConn,
    notifier: &Notifier,
    series_id: i64,
    who: &NewRegistrant,
    now: NaiveDateTime,
) -> Result<Registered, AppError> {
    let mut locked = lock(c, series_id)?;
    if locked.sessions.is_empty() {
        return Err(closed());
    }
    if !who.participants.is_empty() {
        return Err(AppError::Invalid(Message::new("series.err_group")));
    }
    for s in &locked.sessions {
        if !who.intake.accepts(s, now) || s.awaits_draw() {
            return Err(closed());
        }
        if !s.format().modes().contains(&who.mode) {
            return Err(AppError::Invalid(Message::new("series.err_mode")));
        }
    }
    let mut olds = Vec::with_capacity(locked.sessions.len());
    let mut existing = None;
    for s in &locked.sessions {
        let old = queries::find_by_email(c, s.id, &who.email)?;
        if existing.is_none()
            && let Some(reg) = old
                .as_ref()
                .filter(|r| r.status != RegistrationStatus::Cancelled)
        {
            existing = Some(reg.clone());
        }
        olds.push(old);
    }
    if let Some(reg) = existing {
        let entry = match reg.series_entry_id {
            Some(e) if e != reg.id => queries::find(c, e)?,
            _ => reg,
        };
        if who.intake.sends_mail() {
            remind_existing(c, notifier, &locked, &entry, now)?;
        }
        return Ok(Registered::Existing(entry));
    }
    let placed = place(c, &locked, who.mode)?;
    let mut stored: Vec<(Registration, String)> = Vec::with_capacity(locked.sessions.len());
    for ((session, old), placed) in locked.sessions.iter_mut().zip(&olds).zip(placed) {
        let member = Member {
            name: &who.name,
            email: &who.email,
            old: old.as_ref(),
            placed,
            group_id: None,
        };
        stored.push(queries::store_member(c, session, who, &member, now)?);
    }
    let Some(entry) = stored.first().map(|(reg, _)| reg.id) else {
        return Err(AppError::Unavailable("no registration was stored".into()));
    };
    let ids: Vec<i64> = stored.iter().map(|(reg, _)| reg.id).collect();
    diesel::update(r::table.filter(r::id.eq_any(&ids)))
        .set(r::series_entry_id.eq(entry))
        .execute(c)?;
    for (reg, _) in &mut stored {
        reg.series_entry_id = Some(entry);
    }
    let (reg, token) = stored.swap_remove(0);
    if who.intake.sends_mail() {
        let notice = if reg.status == RegistrationStatus::Confirmed {
            Notice::Confirmed
        } else {
            Notice::Waitlisted
        };
        notifier.send_series(
            c,
            &locked.series,
            &locked.sessions,
            &reg,
            Some(&token),
            notice,
        )?;
    }
    if who.subscribe_newsletter {
        let lang = views::Lang::from_code(&who.lang).unwrap_or_default();
        let source = format!("series:{series_id}");
        crate::newsletter::subscribe_pending(
            c,
            &notifier.mailer,
            &notifier.base_url,
            &who.email,
            &who.name,
            lang,
            &source,
        )?;
    }
    Ok(Registered::New(reg, token))
}

/// The status and waitlist place of the new entry in each session (in the sessions' order):
/// all confirmed when a seat of the series is free, else all waitlisted.
fn place(c: &mut DbConn, locked: &Locked, mode: Mode) -> QueryResult<Vec<Placed>> {
    #[cfg(feature = "test-seams")]
    if crate::test_seams::series_per_session() {
        return place_per_session(c, locked, mode);
    }
    let confirmed = locked.free(c, mode)? > 0;
    let mut out = Vec::with_capacity(locked.sessions.len());
    for s in &locked.sessions {
        out.push(if confirmed {
            (RegistrationStatus::Confirmed, None)
        } else {
            (
                RegistrationStatus::Waitlisted,
                Some(queries::next_waitlist_seq(c, s.id)?),
            )
        });
    }
    Ok(out)
}

/// The test seam's placement: each session decides on its own count, with a pause between
/// the count and the write, as if the sessions were registered one by one without the lock.
#[cfg(feature = "test-seams")]
fn place_per_session(c: &mut DbConn, locked: &Locked, mode: Mode) -> QueryResult<Vec<Placed>> {
    let mut out = Vec::with_capacity(locked.sessions.len());
    for s in &locked.sessions {
        let taken = queries::count(c, s.id, mode, RegistrationStatus::Confirmed)?;
        crate::test_seams::pause_in_series_placement();
        let cap = i64::from(s.capacity(mode)).min(i64::from(locked.series.capacity));
        out.push(if taken < cap {
            (RegistrationStatus::Confirmed, None)
        } else {
            (
                RegistrationStatus::Waitlisted,
                Some(queries::next_waitlist_seq(c, s.id)?),
            )
        });
    }
    Ok(out)
}

/// The registrations of a series entry (one per session), oldest first.
pub fn members(c: &mut DbConn, entry: i64) -> QueryResult<Vec<Registration>> {
    r::table
        .filter(r::series_entry_id.eq(entry))
        .order(r::id)
        .select(Registration::as_select())
        .load(c)
}

/// The series of an entry (through the session of its first registration).
fn series_of(c: &mut DbConn, entry: i64) -> Result<i64, AppError> {
    let seminar_id = queries::find(c, entry)?.seminar_id;
    crate::seminars::queries::find(c, seminar_id)?
        .series_id
        .ok_or(AppError::NotFound)
}

/// Cancels a series entry in every session (by the person or by staff, through any of its
/// registrations: [`queries::cancel`] comes here); one mail, whose calendar file removes every
/// session, and a freed seat goes to the series' waitlist. Returns registration `asked` as it
/// is now.
pub fn cancel(
    c: &mut DbConn,
    notifier: &Notifier,
    entry: i64,
    asked: i64,
    now: NaiveDateTime,
) -> Result<Registration, AppError> {
    let series_id = series_of(c, entry)?;
    serialized(c, |c| {
        let mut locked = lock(c, series_id)?;
        let regs = members(c, entry)?;
        let active: Vec<&Registration> = regs
            .iter()
            .filter(|r| r.status != RegistrationStatus::Cancelled)
            .collect();
        if active.is_empty() {
            return Ok(queries::find(c, asked)?);
        }
        let had_seat = active
            .iter()
            .any(|r| r.status == RegistrationStatus::Confirmed);
        let mode = active[0].mode();
        for reg in &active {
            diesel::update(r::table.find(reg.id))
                .set((
                    r::status.eq(RegistrationStatus::Cancelled),
                    r::waitlist_seq.eq(None::<i64>),
                    r::updated_at.eq(now),
                ))
                .execute(c)?;
            if reg.status == RegistrationStatus::Confirmed {
                // The calendar's CANCEL needs a SEQUENCE above every version sent before.
                diesel::update(seminars::table.find(reg.seminar_id))
                    .set(seminars::sequence.eq(seminars::sequence + 1))
                    .execute(c)?;
                if let Some(s) = locked.sessions.iter_mut().find(|s| s.id == reg.seminar_id) {
                    s.sequence += 1;
                }
            }
        }
        let entry_reg = queries::find(c, entry)?;
        notifier.send_series_cancelled(
            c,
            &locked.series,
            &locked.sessions,
            &entry_reg,
            had_seat,
        )?;
        if had_seat {
            fill(c, notifier, &locked, mode, now)?;
        }
        Ok(queries::find(c, asked)?)
    })
}

/// The waiting entries of a series in a mode, in waitlist order (the first session's order,
/// which every session shares).
fn waiting(c: &mut DbConn, locked: &Locked, mode: Mode) -> QueryResult<Vec<i64>> {
    let Some(first) = locked.sessions.first() else {
        return Ok(Vec::new());
    };
    let rows: Vec<Option<i64>> = r::table
        .filter(r::seminar_id.eq(first.id))
        .filter(r::mode.eq(mode.as_str()))
        .filter(r::status.eq(RegistrationStatus::Waitlisted))
        .filter(r::series_entry_id.is_not_null())
        .order((r::waitlist_seq, r::id))
        .select(r::series_entry_id)
        .load(c)?;
    Ok(rows.into_iter().flatten().collect())
}

/// Gives the free seats of a series to its waitlist in order, each entry in every session and
/// told by one mail. Nothing once a session is past its deadline or started. Call inside the
/// locked transaction. Returns the promoted entries.
pub fn fill(
    c: &mut DbConn,
    notifier: &Notifier,
    locked: &Locked,
    mode: Mode,
    now: NaiveDateTime,
) -> Result<Vec<i64>, AppError> {
    let mut promoted = Vec::new();
    if !locked.sessions.iter().all(|s| s.may_promote(now)) {
        return Ok(promoted);
    }
    let free = locked.free(c, mode)?;
    for entry in waiting(c, locked, mode)?
        .into_iter()
        .take(usize::try_from(free).unwrap_or(0))
    {
        promote(c, notifier, locked, entry, now)?;
        promoted.push(entry);
    }
    Ok(promoted)
}

/// Confirms a waiting entry in every session (the caller checked the seat) and mails a new
/// personal link with every session's calendar entry.
fn promote(
    c: &mut DbConn,
    notifier: &Notifier,
    locked: &Locked,
    entry: i64,
    now: NaiveDateTime,
) -> Result<Registration, AppError> {
    diesel::update(
        r::table
            .filter(r::series_entry_id.eq(entry))
            .filter(r::status.eq(RegistrationStatus::Waitlisted)),
    )
    .set((
        r::status.eq(RegistrationStatus::Confirmed),
        r::waitlist_seq.eq(None::<i64>),
        r::updated_at.eq(now),
    ))
    .execute(c)?;
    let token = tokens::new_token();
    diesel::update(r::table.find(entry))
        .set(r::token_hash.eq(tokens::hash_for(TOKEN_PURPOSE, &token)))
        .execute(c)?;
    let reg = queries::find(c, entry)?;
    notifier.send_series(
        c,
        &locked.series,
        &locked.sessions,
        &reg,
        Some(&token),
        Notice::Promoted,
    )?;
    Ok(reg)
}

/// Staff confirm a waiting series entry (through any of its registrations) when the series has
/// a free seat of its mode (409 otherwise: not even staff overbook).
pub fn staff_promote(
    c: &mut DbConn,
    notifier: &Notifier,
    entry: i64,
    asked: i64,
    now: NaiveDateTime,
) -> Result<Registration, AppError> {
    let series_id = series_of(c, entry)?;
    serialized(c, |c| {
        let locked = lock(c, series_id)?;
        let reg = queries::find(c, asked)?;
        if reg.status != RegistrationStatus::Waitlisted {
            return Err(AppError::Conflict(Message::new(
                "registrations.not_waitlisted",
            )));
        }
        if locked.free(c, reg.mode())? < 1 {
            return Err(AppError::Conflict(Message::new("registrations.no_seat")));
        }
        promote(c, notifier, &locked, entry, now)?;
        Ok(queries::find(c, asked)?)
    })
}

/// Someone registered for the series again with the address of an entry: the same answer as a
/// new registration, and the address gets a mail with a fresh personal link (at most one every
/// [`queries::ALREADY_MAIL_MINUTES`]), as for one seminar.
fn remind_existing(
    c: &mut DbConn,
    notifier: &Notifier,
    locked: &Locked,
    entry: &Registration,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let Some((reg, token)) = queries::fresh_link(c, entry, now)? else {
        return Ok(());
    };
    notifier.send_series(
        c,
        &locked.series,
        &locked.sessions,
        &reg,
        Some(&token),
        Notice::AlreadyRegistered,
    )
}
