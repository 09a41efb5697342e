//! The follow-up worker of seminars: the reminder mail the day before, and (through
//! [`super::survey::due_surveys`]) the survey mail after the seminar.
//!
//! Each seminar has its own reminder time (`reminder_time`, `HH:MM` in Tokyo on the day before,
//! or none). [`due_reminders`] queues one reminder per confirmed registration of every
//! published seminar whose reminder time has come and which has not started yet, so a seminar
//! created less than a day ahead still gets its reminder. The outbox's dedupe key makes a
//! second run send nothing again. The worker calls it every few minutes.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::mail::{Notice, Notifier, REMINDER_KEY};
use super::model::{Registration, RegistrationStatus};
use crate::db::DbConn;
use crate::schema::{outbox, registrations as r, seminars as s};
use crate::seminars::model::{Seminar, SeminarStatus};

/// Registrations that may still be mailed: not cancelled (filtered by the caller) and not
/// erased by "delete my account" (their address is a placeholder).
pub fn not_erased() -> diesel::dsl::NotLike<r::token_hash, String> {
    r::token_hash.not_like(format!("{}%", super::privacy::ERASED_PREFIX))
}

/// Queues the reminders that are due at `now`; returns how many were queued.
pub fn due_reminders(
    conn: &mut DbConn,
    notifier: &Notifier,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    // The reminder goes out on the day before at the latest at 23:59, so at most 48 hours ahead.
    let seminars: Vec<Seminar> = s::table
        .filter(s::status.eq(SeminarStatus::Published))
        .filter(s::reminder_time.is_not_null())
        .filter(s::starts_at.gt(now))
        .filter(s::starts_at.le(now + Duration::hours(48)))
        .select(Seminar::as_select())
        .load(conn)?;
    let mut n = 0;
    for seminar in seminars
        .iter()
        .filter(|s| s.reminder_at().is_some_and(|at| at <= now))
    {
        let regs: Vec<Registration> = r::table
            .filter(r::seminar_id.eq(seminar.id))
            .filter(r::status.eq(RegistrationStatus::Confirmed))
            .filter(not_erased())
            .select(Registration::as_select())
            .load(conn)?;
        // Skip those reminded already rather than render their mail again every few minutes.
        let sent: std::collections::HashSet<String> = outbox::table
            .filter(outbox::source.eq(format!("seminar:{}", seminar.id)))
            .filter(outbox::dedupe_key.like(format!("{REMINDER_KEY}%")))
            .select(outbox::dedupe_key)
            .load::<Option<String>>(conn)?
            .into_iter()
            .flatten()
            .collect();
        let due: Vec<&Registration> = regs
            .iter()
            .filter(|reg| !sent.contains(&format!("{REMINDER_KEY}{}", reg.id)))
            .collect();
        if due.is_empty() {
            continue;
        }
        // Said "today" when the seminar is on the day the mail goes out (created late).
        let notice = if crate::time::to_jst(now).date_naive()
            == crate::time::to_jst(seminar.starts_at).date_naive()
        {
            Notice::ReminderToday
        } else {
            Notice::Reminder
        };
        conn.write_transaction(|c| {
            for reg in &due {
                notifier.send(c, seminar, reg, None, notice)?;
            }
            Ok::<_, diesel::result::Error>(())
        })?;
        n += due.len();
    }
    Ok(n)
}

/// How often the worker looks for due reminders and surveys.
const REMINDER_INTERVAL: std::time::Duration = std::time::Duration::from_secs(300);

/// The follow-up worker: every five minutes queues the reminders and the surveys that are due,
/// until `stop` turns true. Started with the other workers by `secunity serve` and
/// `secunity worker`.
pub fn run_reminders(
    config: &crate::config::Config,
    db: crate::db::Db,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> impl std::future::Future<Output = ()> + Send + 'static {
    let notifier = Notifier {
        mailer: crate::mail::Mailer::new(config),
        base_url: config.base_url.trim_end_matches('/').to_string(),
    };
    async move {
        loop {
            let n = notifier.clone();
            if let Err(e) = db
                .run(move |c| due_reminders(c, &n, crate::time::now_utc()))
                .await
            {
                tracing::warn!(error = %e, "reminders failed; trying again later");
            }
            let n = notifier.clone();
            if let Err(e) = db
                .run(move |c| super::survey::due_surveys(c, &n, crate::time::now_utc()))
                .await
            {
                tracing::warn!(error = %e, "survey mails failed; trying again later");
            }
            tokio::select! {
                _ = tokio::time::sleep(REMINDER_INTERVAL) => {}
                _ = stop.changed() => return,
            }
            if *stop.borrow() {
                return;
            }
        }
    }
}
