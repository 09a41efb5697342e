//! Drawing a seminar's lottery, exactly once, and checking a draw from its record.
//!
//! The draw runs in the seminar-serializing write transaction (SQLite: `BEGIN IMMEDIATE`;
//! PostgreSQL: the seminar's row `FOR UPDATE`) and claims the seminar first with a conditional
//! `UPDATE seminars SET drawn_at = now WHERE id = ? AND drawn_at IS NULL`: of two workers, two
//! staff or a worker and a staff member drawing at once, one claims the seminar and draws, the
//! other finds it claimed (after the first one's commit) and gets a 409. The entrants, the
//! seed, the record, the new statuses, every result mail and the audit entry are written in that
//! same transaction, so a draw is all there or not at all.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use super::queries::{self as draws, NewDraw, StoredDraw};
use crate::audit::{self, Actor};
use crate::db::DbConn;
use crate::error::{AppError, Message};
use crate::registrations::allocation::draw::{self, DrawRecord, DrawResult, Outcome};
use crate::registrations::allocation::placement::{Entry, Seats};
use crate::registrations::allocation::shuffle::Seed;
use crate::registrations::mail::{Notice, Notifier};
use crate::registrations::model::RegistrationStatus;
use crate::registrations::queries::{count, entries_of, lock_seminar, next_waitlist_seq, settle};
use crate::schema::{registrations as r, seminars as s};
use crate::seminars::model::{Allocation, Mode, Seminar, SeminarStatus};

/// What a draw did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// The stored draw's id.
    pub draw_id: i64,
    /// Applications drawn.
    pub entrants: i64,
    /// Confirmed.
    pub confirmed: i64,
    /// Waitlisted in drawn order.
    pub waitlisted: i64,
    /// Told they were not drawn.
    pub not_drawn: i64,
}

/// Why a seminar cannot be drawn at `now` (a catalog key), if it cannot. `early`: staff or
/// the API draw before the draw time, which is allowed once registration has closed.
pub fn refusal(seminar: &Seminar, now: NaiveDateTime, early: bool) -> Option<&'static str> {
    if seminar.allocation() != Allocation::Lottery {
        Some("lottery.err_not_lottery")
    } else if seminar.drawn_at.is_some() {
        Some("lottery.err_drawn")
    } else if seminar.status != SeminarStatus::Published {
        Some("lottery.err_not_published")
    } else if now < seminar.registration_closes_at || (!early && now < seminar.draw_time()) {
        Some("lottery.err_still_open")
    } else {
        None
    }
}

/// The draw's transaction; the test seam's control runs it without the transaction and the
/// claim, so that two draws can interleave (see `src/test_seams.rs`).
fn claimed<T>(
    c: &mut DbConn,
    f: impl FnOnce(&mut DbConn) -> Result<T, AppError>,
) -> Result<T, AppError> {
    #[cfg(feature = "test-seams")]
    if crate::test_seams::draw_claim_disabled() {
        return f(c);
    }
    c.write_transaction(f)
}

/// Claims the seminar for this draw: false when another draw claimed it first.
fn claim(c: &mut DbConn, seminar_id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    #[cfg(feature = "test-seams")]
    if crate::test_seams::draw_claim_disabled() {
        crate::test_seams::pause_in_draw();
        diesel::update(s::table.find(seminar_id))
            .set(s::drawn_at.eq(now))
            .execute(c)?;
        return Ok(true);
    }
    let n = diesel::update(s::table.find(seminar_id).filter(s::drawn_at.is_null()))
        .set(s::drawn_at.eq(now))
        .execute(c)?;
    Ok(n == 1)
}

/// Draws the seminar's lottery now, as `actor` (the system for the worker): refuses (409) a
/// seminar that is not a lottery, is drawn already, is not published, or is still open; else
/// confirms the winners and mails them with the calendar entry, waitlists the others in drawn
/// order (or tells them they were not drawn), stores the record and its audit entry.
pub fn draw(
    c: &mut DbConn,
    notifier: &Notifier,
    seminar_id: i64,
    actor: Actor,
    early: bool,
    now: NaiveDateTime,
) -> Result<Summary, AppError> {
    claimed(c, |c| {
        let seminar = lock_seminar(c, seminar_id)?;
        if let Some(key) = refusal(&seminar, now, early) {
            return Err(AppError::Conflict(Message::new(key)));
        }
        if !claim(c, seminar_id, now)? {
            return Err(AppError::Conflict(Message::new("lottery.err_drawn")));
        }
        let seminar = Seminar {
            drawn_at: Some(now),
            ..seminar
        };
        // A group entry is one entrant, drawn and placed whole.
        let rows: Vec<(i64, Mode, Option<i64>)> = r::table
            .filter(r::seminar_id.eq(seminar_id))
            .filter(r::status.eq(RegistrationStatus::Applied))
            .order(r::id)
            .select((r::id, r::mode, r::group_id))
            .load::<(i64, String, Option<i64>)>(c)?
            .into_iter()
            .map(|(id, mode, group)| (id, Mode::parse(&mode).unwrap_or(Mode::Onsite), group))
            .collect();
        let entries = entries_of(&rows);
        let entrants: Vec<Entry> = entries.iter().map(|(e, _)| *e).collect();
        let members: HashMap<i64, Vec<i64>> = entries
            .into_iter()
            .map(|(e, members)| (e.id, members))
            .collect();
        // Seats confirmed before the draw (staff may have switched from first come) stay taken.
        let free = |c: &mut DbConn, mode: Mode| -> QueryResult<u32> {
            let taken = count(c, seminar_id, mode, RegistrationStatus::Confirmed)?;
            Ok(u32::try_from((i64::from(seminar.capacity(mode)) - taken).max(0)).unwrap_or(0))
        };
        let seats = Seats::new(free(c, Mode::Onsite)?, free(c, Mode::Online)?);
        let seed = Seed::from_os().map_err(|e| AppError::Unavailable(e.to_string()))?;
        let record =
            DrawRecord::new(seed, seats, entrants).map_err(|e| anyhow::anyhow!("draw: {e}"))?;
        let result = draw::verify(&record).map_err(|e| anyhow::anyhow!("draw: {e}"))?;
        let summary = apply(c, notifier, &seminar, &result, &members, now)?;
        let draw_id = draws::insert(
            c,
            &NewDraw {
                seminar_id,
                record: &record,
                result: &result,
                summary: &summary,
                drawn_by: actor.id,
                drawn_at: now,
            },
        )?;
        audit::record(
            c,
            actor,
            audit::Action::SeminarDraw,
            audit::Target::Seminar,
            Some(seminar_id.to_string()),
            json!({
                "draw_id": draw_id,
                "algorithm": record.algorithm,
                "version": record.version,
                "seed": record.seed.to_hex(),
                "entrants": summary.entrants,
                "confirmed": summary.confirmed,
                "waitlisted": summary.waitlisted,
                "not_drawn": summary.not_drawn,
            }),
        )?;
        Ok(Summary { draw_id, ..summary })
    })
}

/// Gives every entrant its outcome and every participant of it its mail (a group's members
/// share the outcome and the place); the waitlist places follow the drawn order. The counts of
/// the summary are of participants, its `entrants` of entries.
fn apply(
    c: &mut DbConn,
    notifier: &Notifier,
    seminar: &Seminar,
    result: &DrawResult,
    members: &HashMap<i64, Vec<i64>>,
    now: NaiveDateTime,
) -> Result<Summary, AppError> {
    let base = next_waitlist_seq(c, seminar.id)? - 1;
    let mut summary = Summary {
        draw_id: 0,
        entrants: result.drawn.len() as i64,
        confirmed: 0,
        waitlisted: 0,
        not_drawn: 0,
    };
    for d in &result.drawn {
        let ids = members
            .get(&d.entry.id)
            .map_or_else(|| vec![d.entry.id], Clone::clone);
        let n = ids.len() as i64;
        let (placed, notice) = match d.outcome {
            Outcome::Confirmed => {
                summary.confirmed += n;
                ((RegistrationStatus::Confirmed, None), Notice::Won)
            }
            Outcome::Waitlisted { .. } if seminar.lottery_waitlist => {
                summary.waitlisted += n;
                (
                    (
                        RegistrationStatus::Waitlisted,
                        Some(base + i64::from(d.rank)),
                    ),
                    Notice::DrawnWaitlisted,
                )
            }
            Outcome::Waitlisted { .. } => {
                summary.not_drawn += n;
                ((RegistrationStatus::NotDrawn, None), Notice::NotDrawn)
            }
        };
        for id in ids {
            settle(c, notifier, seminar, id, placed, notice, now)?;
        }
    }
    Ok(summary)
}

/// The lotteries whose draw time has come at `now` and that nobody drew yet.
pub fn due(c: &mut DbConn, now: NaiveDateTime) -> QueryResult<Vec<i64>> {
    s::table
        .filter(s::allocation.eq(Allocation::Lottery.as_str()))
        .filter(s::status.eq(SeminarStatus::Published))
        .filter(s::drawn_at.is_null())
        .filter(
            s::draw_at
                .le(now)
                .or(s::draw_at.is_null().and(s::registration_closes_at.le(now))),
        )
        .order(s::id)
        .select(s::id)
        .load(c)
}

/// Draws every lottery that is due (the worker's round); a seminar another process drew
/// meanwhile is skipped. Returns how many this round drew.
pub fn draw_due(c: &mut DbConn, notifier: &Notifier, now: NaiveDateTime) -> QueryResult<usize> {
    let mut drawn = 0;
    for id in due(c, now)? {
        match draw(c, notifier, id, Actor::SYSTEM, false, now) {
            Ok(summary) => {
                drawn += 1;
                tracing::info!(
                    seminar = id,
                    entrants = summary.entrants,
                    confirmed = summary.confirmed,
                    "lottery drawn"
                );
            }
            Err(AppError::Conflict(_)) => {}
            Err(e) => tracing::warn!(seminar = id, error = %e, "lottery draw failed"),
        }
    }
    Ok(drawn)
}

/// How often the worker looks for lotteries to draw.
const DRAW_INTERVAL: std::time::Duration = std::time::Duration::from_secs(30);

/// The lottery worker: draws the due lotteries at once and then every 30 seconds, until `stop`
/// turns true. Started with the other workers by `secunity serve` and `secunity worker`.
pub async fn run(
    notifier: Notifier,
    db: crate::db::Db,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        let n = notifier.clone();
        if let Err(e) = db
            .run(move |c| draw_due(c, &n, crate::time::now_utc()))
            .await
        {
            tracing::warn!(error = %e, "lottery round failed; trying again later");
        }
        tokio::select! {
            _ = tokio::time::sleep(DRAW_INTERVAL) => {}
            _ = stop.changed() => return,
        }
        if *stop.borrow() {
            return;
        }
    }
}

/// What re-running a stored draw found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// The draw checked.
    pub draw: StoredDraw,
    /// Whether the re-run gives the recorded result and every entrant is an application of
    /// the seminar.
    pub matches: bool,
    /// What was found, one line each, for people.
    pub findings: Vec<String>,
}

/// Re-runs every recorded draw of a seminar from its record and compares the outcome with the
/// recorded one (what `secunity lottery verify` prints). `NotFound` when it has none.
pub fn verify(c: &mut DbConn, seminar_id: i64) -> Result<Vec<Verification>, AppError> {
    let stored = draws::list_for_seminar(c, seminar_id)?;
    if stored.is_empty() {
        return Err(AppError::NotFound);
    }
    let ids: std::collections::HashSet<i64> = r::table
        .filter(r::seminar_id.eq(seminar_id))
        .select(r::id)
        .load::<i64>(c)?
        .into_iter()
        .collect();
    Ok(stored
        .into_iter()
        .map(|d| check(d, &ids))
        .collect::<Vec<_>>())
}

fn check(stored: StoredDraw, registrations: &std::collections::HashSet<i64>) -> Verification {
    let mut findings = Vec::new();
    let mut matches = true;
    match DrawRecord::from_json(&stored.record) {
        Err(e) => {
            matches = false;
            findings.push(format!("the record cannot be read: {e}"));
        }
        Ok(record) => {
            let strangers = record
                .entrants
                .iter()
                .filter(|e| !registrations.contains(&e.id))
                .count();
            if strangers > 0 {
                matches = false;
                findings.push(format!(
                    "{strangers} entrants are not registrations of this seminar"
                ));
            }
            if record.seed.to_hex() != stored.seed || record.algorithm != stored.algorithm {
                matches = false;
                findings.push("the seed or algorithm differs from the record's".into());
            }
            let recorded: Result<DrawResult, _> = serde_json::from_str(&stored.result);
            match (draw::verify(&record), recorded) {
                (Ok(again), Ok(recorded)) if again == recorded => findings.push(format!(
                    "re-run with seed {} ({} v{}): the same {} winners and the same order of all {} entrants",
                    record.seed.to_hex(),
                    record.algorithm,
                    record.version,
                    again.confirmed().count(),
                    again.drawn.len()
                )),
                (Ok(again), Ok(recorded)) => {
                    matches = false;
                    let differ = again
                        .drawn
                        .iter()
                        .zip(&recorded.drawn)
                        .filter(|(a, b)| a != b)
                        .count()
                        + again.drawn.len().abs_diff(recorded.drawn.len());
                    findings.push(format!(
                        "re-run gives a different result: {differ} entrants differ"
                    ));
                }
                (Err(e), _) => {
                    matches = false;
                    findings.push(format!("the record cannot be re-run: {e}"));
                }
                (_, Err(e)) => {
                    matches = false;
                    findings.push(format!("the recorded result cannot be read: {e}"));
                }
            }
        }
    }
    Verification {
        draw: stored,
        matches,
        findings,
    }
}
