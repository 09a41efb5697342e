//! The reminder mail the day before a seminar.
//!
//! [`due_reminders`] queues one reminder per active registration of every published seminar
//! that starts within the next 24 hours; the outbox's dedupe key makes a second run send
//! nothing again. A worker (or cron running `secunity worker`) should call it every few
//! minutes.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::mail::{Notice, Notifier};
use super::model::{Registration, status};
use crate::db::DbConn;
use crate::schema::{registrations as r, seminars as s};
use crate::seminars::model::{Seminar, status as seminar_status};

/// Queues the reminders that are due at `now`; returns how many rows were considered.
pub fn due_reminders(
    conn: &mut DbConn,
    notifier: &Notifier,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let seminars: Vec<Seminar> = s::table
        .filter(s::status.eq(seminar_status::PUBLISHED))
        .filter(s::starts_at.gt(now))
        .filter(s::starts_at.le(now + Duration::hours(24)))
        .select(Seminar::as_select())
        .load(conn)?;
    let mut n = 0;
    for seminar in &seminars {
        let regs: Vec<Registration> = r::table
            .filter(r::seminar_id.eq(seminar.id))
            .filter(r::status.eq(status::CONFIRMED))
            .select(Registration::as_select())
            .load(conn)?;
        conn.write_transaction(|c| {
            for reg in &regs {
                notifier.send(c, seminar, reg, None, Notice::Reminder)?;
            }
            Ok::<_, diesel::result::Error>(())
        })?;
        n += regs.len();
    }
    Ok(n)
}

/// How often the reminder worker looks for due reminders.
const REMINDER_INTERVAL: std::time::Duration = std::time::Duration::from_secs(300);

/// The reminder worker: every five minutes queues the reminders that are due, until `stop`
/// turns true. Started with the other workers by `secunity serve` and `secunity worker`.
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
