//! The content version: one number in the database that every write to what the public pages
//! show raises, in the same transaction as the write, so that values computed from the database
//! can be kept in memory and known to be current.
//!
//! The number is the sum of the counters in the table `content_versions` (one row on SQLite,
//! 16 on PostgreSQL, where each transaction raises the counter of its transaction id, so that
//! concurrent commits do not wait on one row lock). Database triggers raise it (on
//! seminars, registrations, board posts, organizations and the reference tables; migration
//! `000063_content_versions`), so no write path can forget it, and every process on one
//! database (several `secunity serve` on one PostgreSQL) sees the same number.
//!
//! Two rules make a kept value never stale:
//!
//! - **Fenced reads.** [`ContentVersion::current`] answers with a version read that *started
//!   after the call*: a commit that finished before the request arrived is in it. Reads are
//!   coalesced: at most [`READS_IN_FLIGHT`] reads are in flight at a time, and every caller
//!   that arrived before the next one started takes its answer; a second read may start while
//!   the first is on its way, so that a caller who just missed one waits about one round trip
//!   rather than the rest of that read and a whole one after it. A burst of page views costs
//!   a small query per round, not one each.
//! - **Version first, data second.** A caller reads the version, then the data, and keeps the
//!   data under that version ([`PerVersion::insert`]). Data newer than its version is harmless
//!   (it is thrown away at the next version); data older than its version cannot happen.
//!
//! ```ignore
//! let version = state.content.current().await?;
//! if let Some(page) = cache.get(version, &key) { return Ok(page); }
//! let page = compute_from_the_database().await?;
//! Ok(cache.insert(version, key, page, None))
//! ```

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::QueryResult;
use tokio::sync::watch;

use crate::db::{Db, DbConn};
use crate::error::AppError;

/// Reads the content version on a connection (no fence: the caller's own transaction or
/// statement decides what it sees). The version is the sum of the table's counters (one on
/// SQLite, 16 on PostgreSQL so that concurrent commits do not queue on one row lock); each
/// counter only grows, so every commit that raises one changes the sum.
///
/// The counters are read as rows and added here: a query of the query builder is prepared once
/// per connection and kept, where a written-out SQL string would be prepared on every read (a
/// read per round of page views).
pub fn read(c: &mut DbConn) -> QueryResult<u64> {
    use crate::schema::content_versions;
    let counters: Vec<i64> = content_versions::table
        .select(content_versions::version)
        .load(c)?;
    Ok(counters.iter().map(|&n| n as u64).sum())
}

/// The shared, fenced reader of the content version (cheap to clone: one per process).
#[derive(Clone)]
pub struct ContentVersion {
    inner: Arc<Inner>,
}

struct Inner {
    db: Db,
    state: Mutex<ReadState>,
    done: watch::Sender<Done>,
}

/// How many reads of the version may be in flight at once.
pub const READS_IN_FLIGHT: usize = 2;

/// Which reads have started, and how many are in flight.
struct ReadState {
    started: u64,
    in_flight: usize,
}

/// The last finished read: its number and its answer.
#[derive(Clone)]
struct Done {
    read: u64,
    answer: Result<u64, String>,
}

impl ContentVersion {
    /// The reader of `db`'s content version.
    pub fn new(db: Db) -> Self {
        let (done, _) = watch::channel(Done {
            read: 0,
            answer: Ok(0),
        });
        Self {
            inner: Arc::new(Inner {
                db,
                state: Mutex::new(ReadState {
                    started: 0,
                    in_flight: 0,
                }),
                done,
            }),
        }
    }

    /// The content version as of a read that started after this call: every commit that
    /// finished before the call is included. Concurrent callers share reads.
    pub async fn current(&self) -> Result<u64, AppError> {
        #[cfg(feature = "test-seams")]
        if crate::test_seams::content_version_disabled() {
            return Ok(0);
        }
        let mut done = self.inner.done.subscribe();
        // The read this call needs: the next one to start (one in flight now started before
        // the call, and may miss a commit that finished just before it).
        let needed = {
            let state = self.inner.state.lock().unwrap_or_else(|e| e.into_inner());
            state.started + 1
        };
        loop {
            {
                let finished = done.borrow_and_update().clone();
                if finished.read >= needed {
                    return finished
                        .answer
                        .map_err(|e| AppError::Internal(anyhow::anyhow!(e)));
                }
            }
            self.start_read_if_needed(needed);
            if done.changed().await.is_err() {
                return Err(AppError::Internal(anyhow::anyhow!(
                    "the content version reader stopped"
                )));
            }
        }
    }

    /// Starts read number `needed` unless it (or a later one) has started, or
    /// [`READS_IN_FLIGHT`] reads are in flight (then the caller waits for one to finish and
    /// asks again). The read runs as its own task, so a caller that goes away does not leave
    /// the others waiting.
    fn start_read_if_needed(&self, needed: u64) {
        let number = {
            let mut state = self.inner.state.lock().unwrap_or_else(|e| e.into_inner());
            if state.started >= needed || state.in_flight >= READS_IN_FLIGHT {
                return;
            }
            state.in_flight += 1;
            state.started += 1;
            state.started
        };
        let inner = self.inner.clone();
        tokio::spawn(async move {
            let answer = inner.db.run(read).await.map_err(|e| e.to_string());
            // Mark the read finished before telling the waiters, so that a waiter that still
            // needs a later read can start it at once.
            inner
                .state
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .in_flight -= 1;
            // Reads may finish out of order: the answer of a later read serves every caller
            // an earlier one would have, so an earlier one finishing last is dropped. The
            // waiters are woken either way (a slot for a read is free again).
            inner.done.send_modify(|done| {
                if number > done.read {
                    *done = Done {
                        read: number,
                        answer,
                    };
                }
            });
        });
    }
}

/// Values computed from the database and kept per content version: a value is given out only
/// while the version it was computed under is current (and, when it has one, before its expiry:
/// for what changes with the clock, such as a registration deadline passing). At most
/// `capacity` values are kept; the least recently used go first.
pub struct PerVersion<K, V> {
    entries: Mutex<Entries<K, V>>,
    capacity: usize,
}

struct Entries<K, V> {
    map: HashMap<K, Entry<V>>,
    tick: u64,
}

struct Entry<V> {
    version: u64,
    expires: Option<NaiveDateTime>,
    used: u64,
    value: Arc<V>,
}

impl<K: Hash + Eq + Clone, V> PerVersion<K, V> {
    /// An empty store keeping at most `capacity` values.
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: Mutex::new(Entries {
                map: HashMap::new(),
                tick: 0,
            }),
            capacity: capacity.max(1),
        }
    }

    /// The value kept for `key` if it was computed under `version` and has not expired.
    pub fn get(&self, version: u64, key: &K) -> Option<Arc<V>> {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.tick += 1;
        let tick = entries.tick;
        let entry = entries.map.get_mut(key)?;
        let fresh = entry.version == version
            && entry
                .expires
                .is_none_or(|until| crate::time::now_utc() < until);
        if !fresh {
            return None;
        }
        entry.used = tick;
        Some(entry.value.clone())
    }

    /// Keeps `value`, computed from data read after `version` was, for `key` (until `expires`,
    /// when given); returns it shared. A value already kept under a later version stays.
    pub fn insert(&self, version: u64, key: K, value: V, expires: Option<NaiveDateTime>) -> Arc<V> {
        let value = Arc::new(value);
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.tick += 1;
        let tick = entries.tick;
        if entries
            .map
            .get(&key)
            .is_some_and(|kept| kept.version > version)
        {
            return value;
        }
        if !entries.map.contains_key(&key) && entries.map.len() >= self.capacity {
            // Values of older versions are of no use any more; else the least recently used.
            entries.map.retain(|_, e| e.version >= version);
            if entries.map.len() >= self.capacity
                && let Some(oldest) = entries
                    .map
                    .iter()
                    .min_by_key(|(_, e)| e.used)
                    .map(|(k, _)| k.clone())
            {
                entries.map.remove(&oldest);
            }
        }
        entries.map.insert(
            key,
            Entry {
                version,
                expires,
                used: tick,
                value: value.clone(),
            },
        );
        value
    }

    /// How many values are kept (for tests and the benchmark).
    pub fn len(&self) -> usize {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .map
            .len()
    }

    /// Whether nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_given_out_only_under_its_version() {
        let kept: PerVersion<&str, i32> = PerVersion::new(4);
        kept.insert(3, "list", 1, None);
        assert_eq!(kept.get(3, &"list").as_deref(), Some(&1));
        assert_eq!(kept.get(4, &"list"), None);
        // A value computed under an older version does not replace a newer one.
        kept.insert(5, "list", 2, None);
        kept.insert(4, "list", 3, None);
        assert_eq!(kept.get(5, &"list").as_deref(), Some(&2));
    }

    #[test]
    fn an_expired_value_is_not_given_out() {
        let kept: PerVersion<&str, i32> = PerVersion::new(4);
        let past = crate::time::now_utc() - chrono::Duration::seconds(1);
        kept.insert(1, "page", 1, Some(past));
        assert_eq!(kept.get(1, &"page"), None);
    }

    #[test]
    fn the_least_recently_used_goes_first() {
        let kept: PerVersion<i32, i32> = PerVersion::new(2);
        kept.insert(1, 1, 10, None);
        kept.insert(1, 2, 20, None);
        assert!(kept.get(1, &1).is_some());
        kept.insert(1, 3, 30, None);
        assert_eq!(kept.len(), 2);
        assert!(kept.get(1, &1).is_some());
        assert_eq!(kept.get(1, &2), None);
        // Values of older versions go before any current one.
        kept.insert(2, 4, 40, None);
        assert_eq!(kept.len(), 1);
    }
}
