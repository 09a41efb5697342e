//! The offerings held in memory for ranking, so that a need's suggestions do not load every
//! offering from the database on every request.
//!
//! A [`Snapshot`] holds every offering row, the vendors' introduction figures and, derived from
//! them, the profiles that [`scoring::rank_offerings`] ranks. It belongs to one version of the
//! board's content (the caller reads the version, which every write to needs, offerings,
//! introductions and staff overrides bumps) and is exact for it:
//!
//! - when the version changes, the rows changed since the last load are read again (by
//!   `updated_at`, with an overlap, so that a write committed late with an earlier timestamp is
//!   not missed), the vendor figures are read again, and everything derived is rebuilt;
//! - the profiles also depend on the time (an offering stops being live at `reconfirm_by`, an
//!   お助け隊 registration at its end, the age in days grows, the tie-break rotates daily), so a
//!   snapshot knows the first moment one of those changes and is rebuilt from memory then, and
//!   at least every [`REFRESH`] for the ages;
//! - a need's ranking is kept per snapshot, so asking again while nothing changed costs a map
//!   lookup.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::queries::{self, Need, Offering, VendorStats};
use super::scoring::{self, OfferingProfile, Scored};
use crate::db::DbConn;
use crate::schema::matching_offerings as offerings;

/// How long profiles computed at one moment serve (their ages in days are as of that moment).
pub const REFRESH: Duration = Duration::seconds(60);

/// How far back a reload reaches before the newest `updated_at` it has seen: a transaction
/// that stamps a row and commits later than another one is still read.
const OVERLAP: Duration = Duration::seconds(120);

/// Rankings kept per snapshot; the oldest half is dropped beyond this.
const RANKED_CAP: usize = 4_096;

/// A need as it was when ranked: its id and `updated_at`.
type NeedKey = (i64, NaiveDateTime);

/// The board's offerings for one content version.
pub struct Snapshot {
    version: u64,
    built_at: NaiveDateTime,
    valid_until: NaiveDateTime,
    rows: HashMap<i64, Offering>,
    newest: Option<NaiveDateTime>,
    stats: HashMap<i64, VendorStats>,
    profiles: Vec<OfferingProfile>,
    ranked: Mutex<HashMap<NeedKey, Arc<Vec<Scored>>>>,
}

impl Snapshot {
    fn build(
        version: u64,
        now: NaiveDateTime,
        rows: HashMap<i64, Offering>,
        newest: Option<NaiveDateTime>,
        stats: HashMap<i64, VendorStats>,
    ) -> Self {
        let profiles: Vec<OfferingProfile> = rows
            .values()
            .filter(|o| o.is_live(now))
            .map(|o| o.profile(now, stats.get(&o.organization_id)))
            .collect();
        let tomorrow = crate::time::start_of_day(now) + Duration::days(1);
        let valid_until = rows
            .values()
            .flat_map(|o| [o.reconfirm_by, o.otasuketai_valid_until])
            .flatten()
            .filter(|t| *t > now)
            .chain([now + REFRESH, tomorrow])
            .min()
            .unwrap_or(now + REFRESH);
        Snapshot {
            version,
            built_at: now,
            valid_until,
            rows,
            newest,
            stats,
            profiles,
            ranked: Mutex::new(HashMap::new()),
        }
    }

    /// The live offerings as matching sees them.
    pub fn profiles(&self) -> &[OfferingProfile] {
        &self.profiles
    }

    /// The moment the profiles were computed.
    pub fn built_at(&self) -> NaiveDateTime {
        self.built_at
    }

    fn fresh(&self, version: u64, now: NaiveDateTime) -> bool {
        self.version == version && now < self.valid_until && now >= self.built_at
    }
}

/// Every offering row, read again where it changed since `newest` (all of them without it).
fn load_rows(
    c: &mut DbConn,
    base: Option<&HashMap<i64, Offering>>,
    newest: Option<NaiveDateTime>,
) -> QueryResult<(HashMap<i64, Offering>, Option<NaiveDateTime>)> {
    let mut q = offerings::table.select(Offering::as_select()).into_boxed();
    if let (Some(_), Some(t)) = (base, newest) {
        q = q.filter(offerings::updated_at.gt(t - OVERLAP));
    }
    let changed: Vec<Offering> = q.load(c)?;
    let mut rows = base.cloned().unwrap_or_default();
    let mut newest = newest;
    for o in changed {
        newest = newest.max(Some(o.updated_at));
        rows.insert(o.id, o);
    }
    // Offerings are not deleted today, but an erasure could: a count that differs from what
    // is held means a row went, and everything is read again.
    let count: i64 = offerings::table.count().get_result(c)?;
    if base.is_some() && count != rows.len() as i64 {
        return load_rows(c, None, None);
    }
    Ok((rows, newest))
}

/// The offerings in memory, one snapshot at a time, shared by every request of a process.
#[derive(Default)]
pub struct OfferingIndex {
    current: Mutex<Option<Arc<Snapshot>>>,
    /// Held while a snapshot is built, so that the requests arriving after a change build
    /// it once and not each for itself.
    building: Mutex<()>,
}

impl OfferingIndex {
    /// The snapshot for `version` at `now`: the held one when it is still exact, else one
    /// built from it (reading only what changed) or from scratch.
    pub fn snapshot(
        &self,
        c: &mut DbConn,
        version: u64,
        now: NaiveDateTime,
    ) -> QueryResult<Arc<Snapshot>> {
        let held = self.current.lock().expect("index lock").clone();
        if let Some(s) = &held
            && s.fresh(version, now)
        {
            return Ok(s.clone());
        }
        let _building = self.building.lock().expect("build lock");
        let held = self.current.lock().expect("index lock").clone();
        if let Some(s) = &held
            && s.fresh(version, now)
        {
            return Ok(s.clone());
        }
        let next = match held {
            // Only the time moved on: rebuild from memory.
            Some(s) if s.version == version => {
                Snapshot::build(version, now, s.rows.clone(), s.newest, s.stats.clone())
            }
            Some(s) => {
                let (rows, newest) = load_rows(c, Some(&s.rows), s.newest)?;
                Snapshot::build(version, now, rows, newest, queries::vendor_stats(c)?)
            }
            None => {
                let (rows, newest) = load_rows(c, None, None)?;
                Snapshot::build(version, now, rows, newest, queries::vendor_stats(c)?)
            }
        };
        let next = Arc::new(next);
        let mut slot = self.current.lock().expect("index lock");
        // A request that read a newer version may have stored its snapshot meanwhile: keep
        // the newer one.
        if slot.as_ref().is_none_or(|s| s.version <= version) {
            *slot = Some(next.clone());
        }
        Ok(next)
    }

    /// The ranked suggestions of a need (all that pass stage one; callers take the top), for
    /// the board's content `version`.
    pub fn suggestions_for(
        &self,
        c: &mut DbConn,
        version: u64,
        need: &Need,
    ) -> QueryResult<Arc<Vec<Scored>>> {
        let now = crate::time::now_utc();
        if !need.is_live(now) {
            return Ok(Arc::new(Vec::new()));
        }
        let snap = self.snapshot(c, version, now)?;
        let key = (need.id, need.updated_at);
        if let Some(r) = snap.ranked.lock().expect("ranked lock").get(&key) {
            return Ok(r.clone());
        }
        let ov = queries::overrides_of(c, need.id)?;
        let ctx = scoring::MatchContext {
            today: crate::time::to_jst(snap.built_at).date_naive(),
        };
        let ranked = Arc::new(scoring::rank_offerings(
            &need.profile(),
            &snap.profiles,
            &ov,
            &ctx,
        ));
        let mut map = snap.ranked.lock().expect("ranked lock");
        if map.len() >= RANKED_CAP {
            map.clear();
        }
        map.insert(key, ranked.clone());
        Ok(ranked)
    }
}
