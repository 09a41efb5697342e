//! Group commit for registrations: under a burst, many registrations share one transaction.
//!
//! Registering for a seminar must be serialized per seminar (count the free seats, then write),
//! so under a burst every registration waits for the one before it, and each one pays a commit
//! (on PostgreSQL a WAL flush) while it holds the seminar's lock. That flush, not the lock, is
//! what limits throughput. Here the registrations that arrive while a transaction is running
//! queue up, and the next transaction takes all of them: the seminar is locked as before, each
//! registration runs in arrival order in its own savepoint (so one failure rolls back only
//! itself), and one commit makes the whole group durable. Nobody is answered before that commit.
//!
//! The protocol is the classic leader/follower one, without a long-lived task: the request that
//! finds its lane idle becomes the leader on a blocking thread and keeps draining the lane's
//! queue until it is empty; the others only wait for their answer, holding neither a thread nor a
//! database connection. At low load a group is one registration and nothing waits longer than
//! before. A seminar always maps to the same lane, so two groups never compete for one
//! seminar's lock inside one process; across processes, every group locks its seminars in
//! ascending id order first, so groups wait for each other but never deadlock.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::NaiveDateTime;
use diesel::Connection;
use tokio::sync::oneshot;

use super::mail::Notifier;
use super::model::NewRegistrant;
use super::queries::{Registered, lock_seminar, register_locked};
use crate::db::{Backend, Db, DbConn};
use crate::error::AppError;

/// The most registrations one transaction takes: bounds how long the seminar stays locked.
pub const MAX_GROUP: usize = 64;

/// One registration waiting for a group.
struct Job {
    seminar_id: i64,
    who: NewRegistrant,
    now: NaiveDateTime,
    reply: Reply,
}

/// The queue of one lane and whether a leader is draining it.
#[derive(Default)]
struct Lane {
    queue: Vec<Job>,
    leading: bool,
}

/// Counters of what the groups did, for the benchmark and the logs.
#[derive(Debug, Default)]
struct Counters {
    groups: AtomicU64,
    registrations: AtomicU64,
}

/// How many transactions carried how many registrations since the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupStats {
    /// Committed (or failed) transactions.
    pub groups: u64,
    /// Registrations they carried.
    pub registrations: u64,
}

/// The group-commit front of [`register_locked`], shared by all requests of a process.
#[derive(Clone)]
pub struct GroupCommit {
    db: Db,
    notifier: Notifier,
    lanes: Arc<[Mutex<Lane>]>,
    counters: Arc<Counters>,
}

impl GroupCommit {
    /// One lane on SQLite (it has one writer anyway, so one queue makes the largest groups);
    /// on PostgreSQL a few, so that bursts for different seminars commit in parallel.
    pub fn new(db: Db, notifier: Notifier) -> Self {
        let lanes = match db.backend() {
            Backend::Sqlite => 1,
            Backend::Postgres => 4,
        };
        Self {
            db,
            notifier,
            lanes: (0..lanes).map(|_| Mutex::default()).collect(),
            counters: Arc::default(),
        }
    }

    /// Registers a person (see [`super::queries::register`]) and answers once the transaction
    /// that carried the registration has committed.
    pub async fn register(
        &self,
        seminar_id: i64,
        who: NewRegistrant,
        now: NaiveDateTime,
    ) -> Result<Registered, AppError> {
        #[cfg(feature = "test-seams")]
        if crate::test_seams::seat_lock_disabled() {
            return self.register_alone(seminar_id, who, now).await;
        }
        let (reply, answer) = oneshot::channel();
        let lane = self.lane_of(seminar_id);
        let lead = {
            let mut l = lock(&self.lanes[lane]);
            l.queue.push(Job {
                seminar_id,
                who,
                now,
                reply,
            });
            !std::mem::replace(&mut l.leading, true)
        };
        if lead {
            let this = self.clone();
            // Not awaited: the leader answers through the channels, its own request included.
            drop(tokio::task::spawn_blocking(move || this.lead(lane)));
        }
        answer.await.unwrap_or_else(|_| {
            Err(AppError::Unavailable(
                "the registration's transaction was abandoned".into(),
            ))
        })
    }

    /// The test seam's way around the lanes: every registration on its own, concurrently.
    #[cfg(feature = "test-seams")]
    async fn register_alone(
        &self,
        seminar_id: i64,
        who: NewRegistrant,
        now: NaiveDateTime,
    ) -> Result<Registered, AppError> {
        let notifier = self.notifier.clone();
        self.db
            .run(move |c| super::queries::register(c, &notifier, seminar_id, &who, now))
            .await
    }

    /// How many registrations wait in the lanes for a transaction to take them (those of a
    /// running transaction are no longer waiting: they count in [`GroupCommit::stats`]).
    pub fn waiting(&self) -> usize {
        self.lanes.iter().map(|lane| lock(lane).queue.len()).sum()
    }

    /// What the groups did so far.
    pub fn stats(&self) -> GroupStats {
        GroupStats {
            groups: self.counters.groups.load(Ordering::Relaxed),
            registrations: self.counters.registrations.load(Ordering::Relaxed),
        }
    }

    fn lane_of(&self, seminar_id: i64) -> usize {
        seminar_id.unsigned_abs() as usize % self.lanes.len()
    }

    /// Drains the lane, one transaction per group, until it is empty.
    fn lead(&self, lane: usize) {
        let mut guard = LeaderGuard {
            lane: &self.lanes[lane],
            done: false,
        };
        loop {
            let jobs: Vec<Job> = {
                let mut l = lock(&self.lanes[lane]);
                if l.queue.is_empty() {
                    l.leading = false;
                    guard.done = true;
                    return;
                }
                let n = l.queue.len().min(MAX_GROUP);
                l.queue.drain(..n).collect()
            };
            self.counters.groups.fetch_add(1, Ordering::Relaxed);
            self.counters
                .registrations
                .fetch_add(jobs.len() as u64, Ordering::Relaxed);
            match self.db.get() {
                Ok(mut conn) => run_group(&mut conn, &self.notifier, jobs),
                Err(e) => fail_all(jobs.into_iter().map(|j| j.reply).collect(), &e),
            }
        }
    }
}

/// One registration of a group: the seminar, the person, and the time of the request.
pub type GroupItem = (i64, NewRegistrant, NaiveDateTime);

/// Registers a group in one serialized transaction, in order, each in its own savepoint: the
/// outer error means nothing was stored; otherwise each item has its own outcome, and those
/// that succeeded are committed together.
pub fn register_group(
    conn: &mut DbConn,
    notifier: &Notifier,
    items: &[GroupItem],
) -> Result<Vec<Result<Registered, AppError>>, AppError> {
    conn.write_transaction(|c| {
        // Every seminar of the group is locked up front in ascending id order, as every other
        // group (here or in another process) does: two groups never wait for each other in a
        // cycle. An unknown seminar is left to its own registration's answer.
        let mut seminars: Vec<i64> = items.iter().map(|(id, _, _)| *id).collect();
        seminars.sort_unstable();
        seminars.dedup();
        for id in seminars {
            match lock_seminar(c, id) {
                Ok(_) | Err(diesel::result::Error::NotFound) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(items
            .iter()
            .map(|(seminar_id, who, now)| {
                c.transaction(|c| register_locked(c, notifier, *seminar_id, who, *now))
            })
            .collect())
    })
}

/// Runs one group and answers every job after the commit.
fn run_group(conn: &mut DbConn, notifier: &Notifier, jobs: Vec<Job>) {
    let (items, replies): (Vec<GroupItem>, Vec<_>) = jobs
        .into_iter()
        .map(|j| ((j.seminar_id, j.who, j.now), j.reply))
        .unzip();
    match register_group(conn, notifier, &items) {
        Ok(results) => {
            for (reply, result) in replies.into_iter().zip(results) {
                let _ = reply.send(result);
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, size = items.len(), "a registration group failed to commit");
            fail_all(replies, &e);
        }
    }
}

type Reply = oneshot::Sender<Result<Registered, AppError>>;

/// Answers every request of a group that could not commit: nothing of it was stored.
fn fail_all(replies: Vec<Reply>, cause: &AppError) {
    for reply in replies {
        let _ = reply.send(Err(AppError::Unavailable(format!(
            "registration not stored: {cause}"
        ))));
    }
}

fn lock(lane: &Mutex<Lane>) -> MutexGuard<'_, Lane> {
    lane.lock().unwrap_or_else(|e| e.into_inner())
}

/// Should a leader panic, frees the lane and drops the queued jobs (their requests get an
/// error) instead of leaving every later registration waiting for a leader that is gone.
struct LeaderGuard<'a> {
    lane: &'a Mutex<Lane>,
    done: bool,
}

impl Drop for LeaderGuard<'_> {
    fn drop(&mut self) {
        if !self.done {
            let mut l = lock(self.lane);
            l.queue.clear();
            l.leading = false;
        }
    }
}
