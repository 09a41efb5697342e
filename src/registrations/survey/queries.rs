//! Sending the survey mails and storing the answers.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{Answer, SEND_FROM, SEND_UNTIL, Survey};
use crate::db::DbConn;
use crate::registrations::mail::{Notice, Notifier};
use crate::registrations::model::{Registration, RegistrationStatus};
use crate::registrations::queries::TOKEN_PURPOSE;
use crate::schema::{registrations as r, seminar_surveys as sv, seminars as s};
use crate::seminars::model::{Seminar, SeminarStatus};
use crate::tokens;

/// Queues the survey mails that are due at `now`: one per checked-in registration of every
/// published seminar that ended between 14 days and one hour ago. Returns how many were queued.
pub fn due_surveys(
    conn: &mut DbConn,
    notifier: &Notifier,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let seminars: Vec<Seminar> = s::table
        .filter(s::status.eq(SeminarStatus::Published))
        .filter(s::ends_at.le(now - SEND_FROM))
        .filter(s::ends_at.ge(now - SEND_UNTIL))
        .select(Seminar::as_select())
        .load(conn)?;
    let mut n = 0;
    for seminar in &seminars {
        let regs: Vec<Registration> = r::table
            .filter(r::seminar_id.eq(seminar.id))
            .filter(r::status.eq(RegistrationStatus::Confirmed))
            .filter(r::checked_in_at.is_not_null())
            .filter(crate::registrations::reminders::not_erased())
            .filter(diesel::dsl::not(diesel::dsl::exists(
                sv::table.filter(sv::registration_id.eq(r::id)),
            )))
            .select(Registration::as_select())
            .load(conn)?;
        for reg in &regs {
            if conn.write_transaction(|c| send_one(c, notifier, seminar, reg, now))? {
                n += 1;
            }
        }
    }
    Ok(n)
}

/// Marks one registration as sent and queues its mail with a fresh personal link; false when
/// another worker was first (the row exists already: nothing else is written).
fn send_one(
    c: &mut DbConn,
    notifier: &Notifier,
    seminar: &Seminar,
    reg: &Registration,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let row = (
        sv::registration_id.eq(reg.id),
        sv::seminar_id.eq(seminar.id),
        sv::sent_at.eq(now),
    );
    let inserted = crate::per_backend!(c, |c| diesel::insert_into(sv::table)
        .values(row)
        .on_conflict_do_nothing()
        .execute(c))?;
    if inserted == 0 {
        return Ok(false);
    }
    let token = tokens::new_token();
    diesel::update(r::table.find(reg.id))
        .set(r::token_hash.eq(tokens::hash_for(TOKEN_PURPOSE, &token)))
        .execute(c)?;
    notifier.send(c, seminar, reg, Some(&token), Notice::Survey)?;
    Ok(true)
}

/// The survey sent for a registration, if any.
pub fn find(c: &mut DbConn, registration_id: i64) -> QueryResult<Option<Survey>> {
    sv::table
        .filter(sv::registration_id.eq(registration_id))
        .select(Survey::as_select())
        .first(c)
        .optional()
}

/// Stores an answer unless the survey was answered already (checked in the same statement, so
/// two submissions at once store one). True when stored.
pub fn store_answer(
    c: &mut DbConn,
    registration_id: i64,
    answer: &Answer,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        sv::table
            .filter(sv::registration_id.eq(registration_id))
            .filter(sv::answered_at.is_null()),
    )
    .set((
        sv::answered_at.eq(now),
        sv::satisfaction.eq(answer.satisfaction),
        sv::usefulness.eq(answer.usefulness),
        sv::topics.eq(&answer.topics),
        sv::comments.eq(&answer.comments),
    ))
    .execute(c)?;
    Ok(n == 1)
}

/// Every survey sent for a seminar, answered ones newest first.
pub fn list_for_seminar(c: &mut DbConn, seminar_id: i64) -> QueryResult<Vec<Survey>> {
    sv::table
        .filter(sv::seminar_id.eq(seminar_id))
        .order((sv::answered_at.desc(), sv::id.desc()))
        .select(Survey::as_select())
        .load(c)
}
