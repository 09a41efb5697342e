//! Registration, waitlist, cancellation, mode change, promotion and check-in.
//!
//! Every change that touches seats runs in [`DbConn::write_transaction`] after
//! [`lock_seminar`]: on SQLite the transaction holds the write lock from its first statement
//! (`BEGIN IMMEDIATE`), on PostgreSQL the seminar's row is locked `FOR UPDATE`. So checking the
//! free seats and writing the registration can never interleave with another writer of the
//! same seminar, and a freed seat goes to exactly one waitlisted person.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::mail::{Notice, Notifier};
use super::model::{NewRegistrant, Registration, RegistrationStatus};
use crate::db::DbConn;
use crate::error::{AppError, Message};
use crate::registrations::allocation::placement::{self, Entry, Seats};
use crate::schema::{registrations as r, seminars};
use crate::seminars::model::{Mode, Seminar};
use crate::seminars::queries::find as find_seminar;
use crate::tokens;

/// Purpose of the personal link's token hash.
pub const TOKEN_PURPOSE: &str = "registration";

/// What a registration request led to.
#[derive(Debug)]
pub enum Registered {
    /// A new registration (or a cancelled one taken up again); the token of the personal link.
    New(Registration, String),
    /// This address had registered already; nothing changed.
    Existing(Registration),
}

/// Runs `f` in the seminar-serializing write transaction (`DbConn::write_transaction`: on
/// SQLite one writer at a time, on PostgreSQL the caller locks the seminar row first).
pub fn serialized<T>(
    c: &mut DbConn,
    f: impl FnOnce(&mut DbConn) -> Result<T, AppError>,
) -> Result<T, AppError> {
    #[cfg(feature = "test-seams")]
    if crate::test_seams::seat_lock_disabled() {
        return f(c);
    }
    c.write_transaction(f)
}

/// Loads a seminar and locks its row against other writers until the transaction ends
/// (PostgreSQL: `SELECT ... FOR UPDATE`, one round trip; on SQLite the immediate transaction
/// holds the database's write lock already).
pub fn lock_seminar(c: &mut DbConn, id: i64) -> QueryResult<Seminar> {
    match c {
        DbConn::Pg(pg) => seminars::table
            .find(id)
            .select(Seminar::as_select())
            .for_update()
            .first(pg),
        DbConn::Sqlite(_) => find_seminar(c, id),
    }
}

/// How many registrations of a mode have a status.
pub fn count(
    c: &mut DbConn,
    seminar_id: i64,
    mode: Mode,
    status: RegistrationStatus,
) -> QueryResult<i64> {
    r::table
        .filter(r::seminar_id.eq(seminar_id))
        .filter(r::mode.eq(mode.as_str()))
        .filter(r::status.eq(status))
        .count()
        .get_result(c)
}

/// A registration by id.
pub fn find(c: &mut DbConn, id: i64) -> QueryResult<Registration> {
    r::table.find(id).select(Registration::as_select()).first(c)
}

/// A registration by the token of its personal link.
pub fn find_by_token(c: &mut DbConn, token: &str) -> QueryResult<Option<Registration>> {
    if !tokens::looks_valid(token) {
        return Ok(None);
    }
    r::table
        .filter(r::token_hash.eq(tokens::hash_for(TOKEN_PURPOSE, token)))
        .select(Registration::as_select())
        .first(c)
        .optional()
}

/// A seminar's registration of an address (any status).
pub fn find_by_email(
    c: &mut DbConn,
    seminar_id: i64,
    email: &str,
) -> QueryResult<Option<Registration>> {
    // `lower(email)`, as the unique index `registrations_seminar_email` has it: a look-up in
    // that index rather than a walk over the seminar's registrations.
    r::table
        .filter(r::seminar_id.eq(seminar_id))
        .filter(lower(r::email).eq(email.to_lowercase()))
        .select(Registration::as_select())
        .first(c)
        .optional()
}

#[diesel::declare_sql_function]
extern "SQL" {
    /// SQL `lower(text)`.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// Every registration of a seminar, oldest first.
pub fn list_for_seminar(c: &mut DbConn, seminar_id: i64) -> QueryResult<Vec<Registration>> {
    r::table
        .filter(r::seminar_id.eq(seminar_id))
        .order(r::id)
        .select(Registration::as_select())
        .load(c)
}

/// Registrations of every seminar made since `since` and not cancelled, oldest first (for the
/// staff overview's charts).
pub fn active_since(c: &mut DbConn, since: NaiveDateTime) -> QueryResult<Vec<Registration>> {
    r::table
        .filter(r::created_at.ge(since))
        .filter(r::status.ne(RegistrationStatus::Cancelled))
        .order(r::id)
        .select(Registration::as_select())
        .load(c)
}

/// Place on the waitlist of its mode (1 = next), for a waitlisted registration.
pub fn waitlist_position(c: &mut DbConn, reg: &Registration) -> QueryResult<Option<i64>> {
    let Some(seq) = reg
        .waitlist_seq
        .filter(|_| reg.status == RegistrationStatus::Waitlisted)
    else {
        return Ok(None);
    };
    // The members of a waiting group share one place: places count entries, not people.
    r::table
        .filter(r::seminar_id.eq(reg.seminar_id))
        .filter(r::mode.eq(&reg.mode))
        .filter(r::status.eq(RegistrationStatus::Waitlisted))
        .filter(r::waitlist_seq.le(seq))
        .select(diesel::dsl::count(r::waitlist_seq).aggregate_distinct())
        .get_result(c)
        .map(Some)
}

/// The members of a group entry (`group_id`: the applicant's registration), applicant first.
pub fn group_members(c: &mut DbConn, group_id: i64) -> QueryResult<Vec<Registration>> {
    r::table
        .filter(r::group_id.eq(group_id))
        .order(r::id)
        .select(Registration::as_select())
        .load(c)
}

/// Registrations (`(id, mode, group_id)`, in the order they are to be taken) as the entries
/// they are placed as, in the order of each entry's first member: one person, or a group of
/// its members (see [`crate::registrations::allocation::placement`]), with the ids of the
/// members. The test seam that splits groups makes every registration an entry of its own.
pub fn entries_of(rows: &[(i64, Mode, Option<i64>)]) -> Vec<(Entry, Vec<i64>)> {
    let mut entries: Vec<(i64, Mode, Vec<i64>)> = Vec::new();
    for &(id, mode, group) in rows {
        let key = group.unwrap_or(id);
        #[cfg(feature = "test-seams")]
        let key = if crate::test_seams::groups_split() {
            id
        } else {
            key
        };
        match entries.iter_mut().find(|(k, m, _)| *k == key && *m == mode) {
            Some((_, _, members)) => members.push(id),
            None => entries.push((key, mode, vec![id])),
        }
    }
    entries
        .into_iter()
        .filter_map(|(key, mode, members)| {
            let size = u32::try_from(members.len()).ok()?;
            Entry::group(key, mode, size).map(|e| (e, members))
        })
        .collect()
}

/// The waitlist place after every one given so far in the seminar (both modes).
pub fn next_waitlist_seq(c: &mut DbConn, seminar_id: i64) -> QueryResult<i64> {
    let max: Option<i64> = r::table
        .filter(r::seminar_id.eq(seminar_id))
        .select(diesel::dsl::max(r::waitlist_seq))
        .first(c)?;
    Ok(max.unwrap_or(0) + 1)
}

/// A status and a place on the waitlist.
pub type Placed = (RegistrationStatus, Option<i64>);

/// Confirmed if a seat of `mode` is free, else waitlisted with the next place in line.
fn place(c: &mut DbConn, seminar: &Seminar, mode: Mode) -> QueryResult<Placed> {
    Ok(place_entry(c, seminar, mode, 1)?
        .pop()
        .unwrap_or((RegistrationStatus::Waitlisted, None)))
}

/// Places an entry of `size` participants whole: all confirmed if that many seats of `mode`
/// are free, else all waitlisted at one new place in line (a group is never split). One
/// [`Placed`] per participant. The test seam that splits groups confirms as many as fit.
fn place_entry(
    c: &mut DbConn,
    seminar: &Seminar,
    mode: Mode,
    size: usize,
) -> QueryResult<Vec<Placed>> {
    #[cfg(feature = "test-seams")]
    crate::test_seams::pause_before_seat_check();
    let taken = count(c, seminar.id, mode, RegistrationStatus::Confirmed)?;
    #[cfg(feature = "test-seams")]
    crate::test_seams::pause_between_seat_check_and_write();
    let free = usize::try_from(i64::from(seminar.capacity(mode)) - taken).unwrap_or(0);
    let seats = if size <= free { size } else { 0 };
    #[cfg(feature = "test-seams")]
    let seats = if crate::test_seams::groups_split() {
        free.min(size)
    } else {
        seats
    };
    let seq = if seats < size {
        Some(next_waitlist_seq(c, seminar.id)?)
    } else {
        None
    };
    Ok((0..size)
        .map(|i| {
            if i < seats {
                (RegistrationStatus::Confirmed, None)
            } else {
                (RegistrationStatus::Waitlisted, seq)
            }
        })
        .collect())
}

fn closed() -> AppError {
    AppError::Conflict(Message::new("registrations.closed"))
}

/// Registers a person: in one serialized transaction, checks that registration is open,
/// returns an existing registration of the same address unchanged, else stores a confirmed or
/// waitlisted registration and queues its mail (with the seminar's `.ics`). "Open" and whether
/// the mail goes depend on who enters it ([`super::model::Intake`]: the public or staff).
///
/// The web form goes through [`super::group::GroupCommit`] instead, which runs many
/// [`register_locked`] calls in one transaction.
///
/// A session of a series registers for the whole series ([`super::series::register`]).
pub fn register(
    c: &mut DbConn,
    notifier: &Notifier,
    seminar_id: i64,
    who: &NewRegistrant,
    now: NaiveDateTime,
) -> Result<Registered, AppError> {
    if let Some(series) = find_seminar(c, seminar_id)
        .optional()?
        .and_then(|s| s.series_id)
    {
        return super::series::register(c, notifier, series, who, now);
    }
    serialized(c, |c| register_locked(c, notifier, seminar_id, who, now))
}

/// The body of [`register`]: call it inside the serialized write transaction. It locks the
/// seminar itself (again, harmlessly, when the transaction holds the lock already).
pub fn register_locked(
    c: &mut DbConn,
    notifier: &Notifier,
    seminar_id: i64,
    who: &NewRegistrant,
    now: NaiveDateTime,
) -> Result<Registered, AppError> {
    let mut seminar = lock_seminar(c, seminar_id)?;
    if seminar.series_id.is_some() {
        // A session of a series is registered for with the whole series, in the transaction
        // that locks every session (the web form and `register` go there first).
        return Err(AppError::Conflict(Message::new("series.err_use_series")));
    }
    if !who.intake.accepts(&seminar, now) {
        return Err(closed());
    }
    if !seminar.format().modes().contains(&who.mode) {
        return Err(AppError::Invalid(Message::new("registrations.err_mode")));
    }
    let existing = find_by_email(c, seminar_id, &who.email)?;
    if let Some(reg) = &existing
        && reg.status != RegistrationStatus::Cancelled
    {
        if who.intake.sends_mail() {
            remind_existing(c, notifier, &seminar, reg, now)?;
        }
        return Ok(Registered::Existing(reg.clone()));
    }
    if who.participants.len() >= seminar.group_limit() {
        return Err(AppError::Invalid(
            Message::new("groups.err_too_many").arg("max", seminar.group_limit().to_string()),
        ));
    }
    // The further participants of a group: one who is registered already keeps that
    // registration and is told so, as they would be registering alone (the answer must not
    // tell the applicant who is registered); the others join the entry.
    let mut members: Vec<(&str, &str, Option<Registration>)> =
        vec![(&who.name, &who.email, existing)];
    for p in &who.participants {
        match find_by_email(c, seminar_id, &p.email)? {
            Some(reg) if reg.status != RegistrationStatus::Cancelled => {
                if who.intake.sends_mail() {
                    remind_existing(c, notifier, &seminar, &reg, now)?;
                }
            }
            old => members.push((&p.name, &p.email, old)),
        }
    }
    // Until a lottery's draw nobody takes a seat: every application is equal.
    let placed = if seminar.awaits_draw() {
        vec![(RegistrationStatus::Applied, None); members.len()]
    } else {
        place_entry(c, &seminar, who.mode, members.len())?
    };
    let grouped = members.len() > 1;
    let mut stored: Vec<(Registration, String)> = Vec::with_capacity(members.len());
    for ((name, email, old), placed) in members.into_iter().zip(placed) {
        let group_id = stored.first().map(|(applicant, _)| applicant.id);
        let member = Member {
            name,
            email,
            old: old.as_ref(),
            placed,
            group_id,
        };
        stored.push(store_member(c, &mut seminar, who, &member, now)?);
    }
    if grouped && let Some((applicant, _)) = stored.first_mut() {
        diesel::update(r::table.find(applicant.id))
            .set(r::group_id.eq(applicant.id))
            .execute(c)?;
        applicant.group_id = Some(applicant.id);
    }
    if who.intake.sends_mail() {
        for (reg, token) in &stored {
            let notice = match reg.status {
                RegistrationStatus::Confirmed => Notice::Confirmed,
                RegistrationStatus::Applied => Notice::Applied,
                _ => Notice::Waitlisted,
            };
            notifier.send(c, &seminar, reg, Some(token), notice)?;
        }
    }
    if who.subscribe_newsletter {
        // Same transaction: the newsletter's confirmation mail is queued with the
        // registration, or neither is.
        let lang = views::Lang::from_code(&who.lang).unwrap_or_default();
        let source = format!("seminar:{seminar_id}");
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
    let mut stored = stored.into_iter();
    match stored.next() {
        Some((reg, token)) => Ok(Registered::New(reg, token)),
        None => Err(AppError::Unavailable("no registration was stored".into())),
    }
}

/// One participant of an entry to store: the applicant's details with this name and address.
pub(super) struct Member<'a> {
    /// Name.
    pub(super) name: &'a str,
    /// Email.
    pub(super) email: &'a str,
    /// Their cancelled registration of this seminar, taken up afresh.
    pub(super) old: Option<&'a Registration>,
    /// Status and waitlist place.
    pub(super) placed: Placed,
    /// The applicant's registration, for a further participant of a group.
    pub(super) group_id: Option<i64>,
}

/// Writes one participant's registration with a new personal link; returns it and the link's
/// token. Call inside the serialized transaction.
pub(super) fn store_member(
    c: &mut DbConn,
    seminar: &mut Seminar,
    who: &NewRegistrant,
    m: &Member<'_>,
    now: NaiveDateTime,
) -> QueryResult<(Registration, String)> {
    let (state, seq) = m.placed;
    let token = tokens::new_token();
    let hash = tokens::hash_for(TOKEN_PURPOSE, &token);
    let values = (
        r::name.eq(m.name),
        r::company.eq(&who.company),
        r::prefecture.eq(who.prefecture),
        r::industry.eq(&who.industry),
        r::employee_band.eq(&who.employee_band),
        r::mode.eq(who.mode.as_str()),
        r::answers.eq(&who.answers),
        r::status.eq(state),
        r::waitlist_seq.eq(seq),
        r::checked_in_at.eq(None::<NaiveDateTime>),
        r::token_hash.eq(&hash),
        r::lang.eq(&who.lang),
        r::updated_at.eq(now),
        r::group_id.eq(m.group_id),
        r::attended_minutes.eq(None::<i32>),
        r::series_entry_id.eq(None::<i64>),
    );
    let id = match m.old {
        // Someone who cancelled registers again: the same row, taken up afresh. Their calendar
        // may hold this seminar's CANCEL: the new entry needs a SEQUENCE above it.
        Some(old) => {
            diesel::update(r::table.find(old.id))
                .set(values)
                .execute(c)?;
            diesel::update(seminars::table.find(seminar.id))
                .set(seminars::sequence.eq(seminars::sequence + 1))
                .execute(c)?;
            seminar.sequence += 1;
            old.id
        }
        None => diesel::insert_into(r::table)
            .values((
                values,
                r::seminar_id.eq(seminar.id),
                r::email.eq(m.email),
                r::created_at.eq(now),
            ))
            .returning(r::id)
            .get_result(c)?,
    };
    // Built from what was just written rather than read back: one round trip less while
    // the seminar is locked.
    let reg = Registration {
        id,
        seminar_id: seminar.id,
        name: m.name.to_string(),
        company: who.company.clone(),
        email: m
            .old
            .map_or_else(|| m.email.to_string(), |o| o.email.clone()),
        prefecture: who.prefecture,
        industry: who.industry.clone(),
        employee_band: who.employee_band.clone(),
        mode: who.mode.as_str().to_string(),
        answers: who.answers.clone(),
        status: state,
        waitlist_seq: seq,
        checked_in_at: None,
        token_hash: hash,
        lang: who.lang.clone(),
        created_at: m.old.map_or(now, |o| o.created_at),
        updated_at: now,
        group_id: m.group_id,
        attended_minutes: None,
        series_entry_id: None,
    };
    Ok((reg, token))
}

/// No "you are registered already" mail within this many minutes of the registration's last
/// change (its first mail, or the previous reminder of its link, is still on its way).
pub const ALREADY_MAIL_MINUTES: i64 = 10;

/// Someone registered again with the address of an existing registration: the public answer
/// is the same as for a new registration (it must not tell a stranger who is registered), and
/// the address gets a mail that says it is registered already, with a fresh personal link.
///
/// Why a fresh link: the old one is stored only hashed, so it cannot be sent again, and the
/// person who registers a second time has most likely lost the first mail; a mail that only
/// said "look for our earlier mail" would leave them stuck. The new link replaces the old one
/// (the mail says so), as a promotion from the waitlist does. Only the address's owner reads
/// it, so a stranger who types the address learns nothing and gains nothing; at most one such
/// mail goes per registration every [`ALREADY_MAIL_MINUTES`] (and the form's rate limits hold),
/// so a double click or a flood changes nothing more.
fn remind_existing(
    c: &mut DbConn,
    notifier: &Notifier,
    seminar: &Seminar,
    reg: &Registration,
    now: NaiveDateTime,
) -> QueryResult<()> {
    match fresh_link(c, reg, now)? {
        Some((reg, token)) => {
            notifier.send(c, seminar, &reg, Some(&token), Notice::AlreadyRegistered)
        }
        None => Ok(()),
    }
}

/// The registration with a fresh personal link for the "registered already" mail, and the
/// link's token; `None` within [`ALREADY_MAIL_MINUTES`] of its last change (no mail then).
pub(super) fn fresh_link(
    c: &mut DbConn,
    reg: &Registration,
    now: NaiveDateTime,
) -> QueryResult<Option<(Registration, String)>> {
    if now - reg.updated_at < chrono::Duration::minutes(ALREADY_MAIL_MINUTES) {
        return Ok(None);
    }
    let token = tokens::new_token();
    let hash = tokens::hash_for(TOKEN_PURPOSE, &token);
    diesel::update(r::table.find(reg.id))
        .set((r::token_hash.eq(&hash), r::updated_at.eq(now)))
        .execute(c)?;
    let reg = Registration {
        token_hash: hash,
        updated_at: now,
        ..reg.clone()
    };
    Ok(Some((reg, token)))
}

/// The waiting entries of a mode in waitlist order, with their members.
fn waiting_entries(
    c: &mut DbConn,
    seminar_id: i64,
    mode: Mode,
) -> QueryResult<Vec<(Entry, Vec<i64>)>> {
    let rows: Vec<(i64, Option<i64>)> = r::table
        .filter(r::seminar_id.eq(seminar_id))
        .filter(r::mode.eq(mode.as_str()))
        .filter(r::status.eq(RegistrationStatus::Waitlisted))
        .order((r::waitlist_seq, r::id))
        .select((r::id, r::group_id))
        .load(c)?;
    let rows: Vec<(i64, Mode, Option<i64>)> =
        rows.into_iter().map(|(id, g)| (id, mode, g)).collect();
    Ok(entries_of(&rows))
}

/// The free seats of `mode` (never below 0).
fn free_seats(c: &mut DbConn, seminar: &Seminar, mode: Mode) -> QueryResult<Seats> {
    let taken = count(c, seminar.id, mode, RegistrationStatus::Confirmed)?;
    let free = u32::try_from(i64::from(seminar.capacity(mode)) - taken).unwrap_or(0);
    Ok(match mode {
        Mode::Onsite => Seats::new(free, 0),
        Mode::Online => Seats::new(0, free),
    })
}

/// Gives free seats of `mode` to the waitlist in order, each entry told by mail once: a
/// waiting group goes only when it fits whole, and one that does not fit keeps its place
/// without blocking the smaller entries behind it ([`placement::promote`]). Nothing after the
/// deadline or the start. Call inside the serialized transaction. Returns the promoted ids.
pub fn fill_seats(
    c: &mut DbConn,
    notifier: &Notifier,
    seminar: &Seminar,
    mode: Mode,
    now: NaiveDateTime,
) -> QueryResult<Vec<i64>> {
    let mut promoted = Vec::new();
    if !seminar.may_promote(now) {
        return Ok(promoted);
    }
    let free = free_seats(c, seminar, mode)?;
    if free.of(mode) == 0 {
        return Ok(promoted);
    }
    #[cfg(feature = "test-seams")]
    crate::test_seams::pause_between_seat_check_and_write();
    let waiting = waiting_entries(c, seminar.id, mode)?;
    let entries: Vec<Entry> = waiting.iter().map(|(e, _)| *e).collect();
    for entry in placement::promote(free, &entries) {
        let members = waiting
            .iter()
            .find(|(e, _)| e.id == entry.id)
            .map(|(_, m)| m.as_slice())
            .unwrap_or_default();
        for id in members {
            promote(c, notifier, seminar, *id, now)?;
            promoted.push(*id);
        }
    }
    Ok(promoted)
}

/// Confirms a waitlisted registration (the caller checked the seat) and mails a new link.
fn promote(
    c: &mut DbConn,
    notifier: &Notifier,
    seminar: &Seminar,
    reg_id: i64,
    now: NaiveDateTime,
) -> QueryResult<Registration> {
    settle(
        c,
        notifier,
        seminar,
        reg_id,
        (RegistrationStatus::Confirmed, None),
        Notice::Promoted,
        now,
    )
}

/// Gives a registration a new status and place on the waitlist (`placed`), replaces its
/// personal link and mails the new one with `notice`: the old link's token is only stored
/// hashed, so a mail can only carry a new one. Call inside the serialized transaction.
pub fn settle(
    c: &mut DbConn,
    notifier: &Notifier,
    seminar: &Seminar,
    reg_id: i64,
    placed: Placed,
    notice: Notice,
    now: NaiveDateTime,
) -> QueryResult<Registration> {
    let token = tokens::new_token();
    diesel::update(r::table.find(reg_id))
        .set((
            r::status.eq(placed.0),
            r::waitlist_seq.eq(placed.1),
            r::token_hash.eq(tokens::hash_for(TOKEN_PURPOSE, &token)),
            r::updated_at.eq(now),
        ))
        .execute(c)?;
    let reg = find(c, reg_id)?;
    notifier.send(c, seminar, &reg, Some(&token), notice)?;
    Ok(reg)
}

/// Cancels a registration (by the person or by staff); a freed seat goes to the waitlist, and
/// a confirmed registrant's mail carries the `METHOD:CANCEL` that removes the calendar entry.
/// Cancelling a cancelled registration changes nothing. Returns the registration as it is now.
pub fn cancel(
    c: &mut DbConn,
    notifier: &Notifier,
    reg_id: i64,
    now: NaiveDateTime,
) -> Result<Registration, AppError> {
    let asked = find(c, reg_id)?;
    if let Some(entry) = asked.series_entry_id {
        return super::series::cancel(c, notifier, entry, reg_id, now);
    }
    let seminar_id = asked.seminar_id;
    serialized(c, |c| {
        let seminar = lock_seminar(c, seminar_id)?;
        let reg = find(c, reg_id)?;
        if reg.status == RegistrationStatus::Cancelled {
            return Ok(reg);
        }
        diesel::update(r::table.find(reg.id))
            .set((
                r::status.eq(RegistrationStatus::Cancelled),
                r::waitlist_seq.eq(None::<i64>),
                r::updated_at.eq(now),
            ))
            .execute(c)?;
        let reg_now = find(c, reg.id)?;
        let had_seat = reg.status == RegistrationStatus::Confirmed;
        let seminar = if had_seat {
            // The person's calendar holds the seminar: its CANCEL must carry a SEQUENCE above
            // every version sent before, and a later registration's REQUEST one above that.
            diesel::update(seminars::table.find(seminar_id))
                .set(seminars::sequence.eq(seminars::sequence + 1))
                .execute(c)?;
            find_seminar(c, seminar_id)?
        } else {
            seminar
        };
        notifier.send_cancelled(c, &seminar, &reg_now, had_seat)?;
        if had_seat {
            fill_seats(c, notifier, &seminar, reg.mode(), now)?;
        }
        Ok(reg_now)
    })
}

/// The applicant of a group entry removes one of its further participants: that registration
/// is cancelled as if the participant had cancelled it ([`cancel`]: they are told, and a freed
/// seat goes to the waitlist). `NotFound` unless `member_id` is a further participant of the
/// group that `applicant` leads.
pub fn remove_participant(
    c: &mut DbConn,
    notifier: &Notifier,
    applicant: &Registration,
    member_id: i64,
    now: NaiveDateTime,
) -> Result<Registration, AppError> {
    let member = find(c, member_id).optional()?.ok_or(AppError::NotFound)?;
    if !applicant.leads_group()
        || member.group_id != Some(applicant.id)
        || member.id == applicant.id
    {
        return Err(AppError::NotFound);
    }
    cancel(c, notifier, member.id, now)
}

/// Moves a registration to the other mode: confirmed there if a seat is free; a confirmed
/// registrant without a free seat keeps the old seat (409). The freed seat goes to the waitlist.
pub fn change_mode(
    c: &mut DbConn,
    notifier: &Notifier,
    reg_id: i64,
    mode: Mode,
    now: NaiveDateTime,
) -> Result<Registration, AppError> {
    let seminar_id = find(c, reg_id)?.seminar_id;
    serialized(c, |c| {
        let seminar = lock_seminar(c, seminar_id)?;
        let reg = find(c, reg_id)?;
        if reg.status == RegistrationStatus::Cancelled || !seminar.is_open(now) {
            return Err(closed());
        }
        if !seminar.format().modes().contains(&mode) {
            return Err(AppError::Invalid(Message::new("registrations.err_mode")));
        }
        if reg.mode() == mode {
            return Ok(reg);
        }
        if reg.group_id.is_some() {
            return Err(AppError::Conflict(Message::new("groups.err_mode")));
        }
        if reg.series_entry_id.is_some() {
            return Err(AppError::Conflict(Message::new("series.err_change_mode")));
        }
        let (state, seq) = if reg.status == RegistrationStatus::Applied && seminar.awaits_draw() {
            (RegistrationStatus::Applied, None)
        } else {
            place(c, &seminar, mode)?
        };
        if reg.status == RegistrationStatus::Confirmed && state != RegistrationStatus::Confirmed {
            return Err(AppError::Conflict(Message::new("registrations.no_seat")));
        }
        diesel::update(r::table.find(reg.id))
            .set((
                r::mode.eq(mode.as_str()),
                r::status.eq(state),
                r::waitlist_seq.eq(seq),
                r::updated_at.eq(now),
            ))
            .execute(c)?;
        if reg.status == RegistrationStatus::Confirmed {
            fill_seats(c, notifier, &seminar, reg.mode(), now)?;
        }
        Ok(find(c, reg.id)?)
    })
}

/// Staff confirm a waitlisted registration when a seat of its mode is free (409 otherwise:
/// not even staff overbook).
pub fn staff_promote(
    c: &mut DbConn,
    notifier: &Notifier,
    reg_id: i64,
    now: NaiveDateTime,
) -> Result<Registration, AppError> {
    let asked = find(c, reg_id)?;
    if let Some(entry) = asked.series_entry_id {
        return super::series::staff_promote(c, notifier, entry, reg_id, now);
    }
    let seminar_id = asked.seminar_id;
    serialized(c, |c| {
        let seminar = lock_seminar(c, seminar_id)?;
        let reg = find(c, reg_id)?;
        if reg.status != RegistrationStatus::Waitlisted {
            return Err(AppError::Conflict(Message::new(
                "registrations.not_waitlisted",
            )));
        }
        // A waiting group goes whole or not at all.
        let members: Vec<i64> = waiting_entries(c, seminar_id, reg.mode())?
            .into_iter()
            .find(|(_, members)| members.contains(&reg.id))
            .map_or_else(|| vec![reg.id], |(_, members)| members);
        let free = free_seats(c, &seminar, reg.mode())?.of(reg.mode());
        if u32::try_from(members.len()).unwrap_or(u32::MAX) > free {
            return Err(AppError::Conflict(Message::new("registrations.no_seat")));
        }
        for id in &members {
            promote(c, notifier, &seminar, *id, now)?;
        }
        Ok(find(c, reg.id)?)
    })
}

/// Marks a confirmed registration as present (idempotent). False when not confirmed.
pub fn check_in(c: &mut DbConn, reg_id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(
        r::table
            .find(reg_id)
            .filter(r::status.eq(RegistrationStatus::Confirmed))
            .filter(r::checked_in_at.is_null()),
    )
    .set(r::checked_in_at.eq(now))
    .execute(c)?;
    Ok(n > 0 || find(c, reg_id)?.checked_in_at.is_some())
}

/// Applies staff's changes to a seminar (its SEQUENCE bumped) and mails each confirmed
/// registrant one update, with the new calendar entry, when the time, place or join URL
/// changed. Both the back office and the API change seminars through this. Call it inside the
/// caller's write transaction, which holds its audit entry too; the seminar's row is locked
/// (PostgreSQL) so that a registration confirmed meanwhile either is told or already got
/// the new version. A cancelled seminar, or one over before and after the change, tells
/// nobody. Returns how many were told.
pub fn update_seminar(
    c: &mut DbConn,
    notifier: &Notifier,
    seminar_id: i64,
    data: &crate::seminars::model::SeminarData,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let before = lock_seminar(c, seminar_id)?;
    crate::seminars::queries::update(c, seminar_id, data, now)?;
    let after = find_seminar(c, seminar_id)?;
    if before.awaits_draw() && !after.awaits_draw() {
        place_applications(c, notifier, &after)?;
    }
    let over = before.ends_at < now && after.ends_at < now;
    if after.status == crate::seminars::model::SeminarStatus::Cancelled || over {
        return Ok(0);
    }
    let confirmed: Vec<Registration> = r::table
        .filter(r::seminar_id.eq(seminar_id))
        .filter(r::status.eq(RegistrationStatus::Confirmed))
        .order(r::id)
        .select(Registration::as_select())
        .load(c)?;
    let mut told = 0;
    for reg in &confirmed {
        if notifier.send_changed(c, &before, &after, reg)? {
            told += 1;
        }
    }
    Ok(told)
}

/// A lottery turned into first come before its draw: the applications are placed as they
/// arrived (confirmed while seats last, then waitlisted), each told by mail.
fn place_applications(c: &mut DbConn, notifier: &Notifier, seminar: &Seminar) -> QueryResult<()> {
    let applied: Vec<Registration> = r::table
        .filter(r::seminar_id.eq(seminar.id))
        .filter(r::status.eq(RegistrationStatus::Applied))
        .order(r::id)
        .select(Registration::as_select())
        .load(c)?;
    let rows: Vec<(i64, Mode, Option<i64>)> = applied
        .iter()
        .map(|r| (r.id, r.mode(), r.group_id))
        .collect();
    // Each entry whole, in the order it arrived.
    for (entry, members) in entries_of(&rows) {
        let placed = place_entry(c, seminar, entry.mode, members.len())?;
        for (id, (state, seq)) in members.into_iter().zip(placed) {
            diesel::update(r::table.find(id))
                .set((r::status.eq(state), r::waitlist_seq.eq(seq)))
                .execute(c)?;
            let Some(reg) = applied.iter().find(|r| r.id == id) else {
                continue;
            };
            let reg = Registration {
                status: state,
                waitlist_seq: seq,
                ..reg.clone()
            };
            let notice = if state == RegistrationStatus::Confirmed {
                Notice::Confirmed
            } else {
                Notice::Waitlisted
            };
            notifier.send(c, seminar, &reg, None, notice)?;
        }
    }
    Ok(())
}

/// Calls off a seminar: status cancelled, SEQUENCE bumped, every active registrant told (the
/// confirmed ones with the `METHOD:CANCEL` for their calendar).
pub fn cancel_seminar(
    c: &mut DbConn,
    notifier: &Notifier,
    seminar_id: i64,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    serialized(c, |c| {
        let seminar = lock_seminar(c, seminar_id)?;
        if seminar.status == crate::seminars::model::SeminarStatus::Cancelled {
            return Ok(0);
        }
        diesel::update(seminars::table.find(seminar_id))
            .set((
                seminars::status.eq(crate::seminars::model::SeminarStatus::Cancelled),
                seminars::sequence.eq(seminars::sequence + 1),
                seminars::updated_at.eq(now),
            ))
            .execute(c)?;
        let seminar = find_seminar(c, seminar_id)?;
        let active: Vec<Registration> = r::table
            .filter(r::seminar_id.eq(seminar_id))
            .filter(r::status.ne(RegistrationStatus::Cancelled))
            .select(Registration::as_select())
            .load(c)?;
        for reg in &active {
            notifier.send(c, &seminar, reg, None, Notice::SeminarCancelled)?;
        }
        Ok(active.len())
    })
}
