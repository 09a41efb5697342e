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
/// that stamps a row and commits later than another one is still read (a write transaction
/// here lasts milliseconds; a writer waits at most the busy timeout of 5 s for its turn).
const OVERLAP: Duration = Duration::seconds(30);

/// Every this often the rows are all read again, whatever changed: the safety net should a
/// write ever commit more than [`OVERLAP`] after it stamped its row.
const FULL_RELOAD: Duration = Duration::minutes(10);

/// Rankings kept per snapshot; all are dropped beyond this.
const RANKED_CAP: usize = 4_096;

/// A need as it was when ranked: its id and `updated_at`.
type NeedKey = (i64, NaiveDateTime);

/// An offering row and, while it is live, its profile.
#[derive(Clone)]
struct Held {
    row: Arc<Offering>,
    profile: Option<Arc<OfferingProfile>>,
}

/// The board's offerings for one content version.
pub struct Snapshot {
    version: u64,
    built_at: NaiveDateTime,
    valid_until: NaiveDateTime,
    loaded_at: NaiveDateTime,
    computed_at: NaiveDateTime,
    held: HashMap<i64, Held>,
    newest: Option<NaiveDateTime>,
    stats: HashMap<i64, VendorStats>,
    profiles: Vec<Arc<OfferingProfile>>,
    ranked: Mutex<HashMap<NeedKey, Arc<Vec<Scored>>>>,
}

fn profile_of(o: &Offering, now: NaiveDateTime, stats: &HashMap<i64, VendorStats>) -> Held {
    Held {
        profile: o
            .is_live(now)
            .then(|| Arc::new(o.profile(now, stats.get(&o.organization_id)))),
        row: Arc::new(o.clone()),
    }
}

impl From<Snapshot> for Parts {
    fn from(s: Snapshot) -> Self {
        Parts {
            held: s.held,
            newest: s.newest,
            stats: s.stats,
            loaded_at: s.loaded_at,
            computed_at: s.computed_at,
        }
    }
}

/// What a snapshot is built from: the rows (with the profiles still right for `now`), the
/// newest `updated_at` among them, the vendor figures and when the rows were all read.
struct Parts {
    held: HashMap<i64, Held>,
    newest: Option<NaiveDateTime>,
    stats: HashMap<i64, VendorStats>,
    loaded_at: NaiveDateTime,
    computed_at: NaiveDateTime,
}

impl Snapshot {
    fn build(version: u64, now: NaiveDateTime, parts: Parts) -> Self {
        let mut profiles: Vec<Arc<OfferingProfile>> = parts
            .held
            .values()
            .filter_map(|h| h.profile.clone())
            .collect();
        profiles.sort_by_key(|p| p.id);
        let tomorrow = crate::time::start_of_day(now) + Duration::days(1);
        let valid_until = parts
            .held
            .values()
            .flat_map(|h| [h.row.reconfirm_by, h.row.otasuketai_valid_until])
            .flatten()
            .filter(|t| *t > now)
            .chain([parts.computed_at + REFRESH, tomorrow])
            .min()
            .unwrap_or(now + REFRESH);
        Snapshot {
            version,
            built_at: now,
            valid_until,
            loaded_at: parts.loaded_at,
            computed_at: parts.computed_at,
            held: parts.held,
            newest: parts.newest,
            stats: parts.stats,
            profiles,
            ranked: Mutex::new(HashMap::new()),
        }
    }

    /// The live offerings as matching sees them, by id.
    pub fn profiles(&self) -> &[Arc<OfferingProfile>] {
        &self.profiles
    }

    /// The moment the profiles were computed.
    pub fn built_at(&self) -> NaiveDateTime {
        self.built_at
    }

    fn fresh(&self, version: u64, now: NaiveDateTime) -> bool {
        self.version == version && now < self.valid_until && now >= self.built_at
    }

    /// The same rows with every profile computed again for `now` (the time moved on).
    fn recomputed(&self, now: NaiveDateTime) -> Parts {
        Parts {
            held: self
                .held
                .values()
                .map(|h| (h.row.id, profile_of(&h.row, now, &self.stats)))
                .collect(),
            newest: self.newest,
            stats: self.stats.clone(),
            loaded_at: self.loaded_at,
            computed_at: now,
        }
    }

    /// The rows changed since this snapshot's load read again, and the vendor figures: the
    /// profiles of the changed rows and of the vendors whose figures changed are computed
    /// again, the others are shared.
    fn updated(&self, c: &mut DbConn, now: NaiveDateTime) -> QueryResult<Parts> {
        let since = self.newest.map(|t| t - OVERLAP);
        let changed = load_rows(c, since)?;
        let stats = queries::vendor_stats(c)?;
        let mut held = self.held.clone();
        let mut newest = self.newest;
        for o in &changed {
            newest = newest.max(Some(o.updated_at));
            held.insert(o.id, profile_of(o, now, &stats));
        }
        let vendors: Vec<i64> = stats
            .keys()
            .chain(self.stats.keys())
            .filter(|v| !same_stats(stats.get(v), self.stats.get(v)))
            .copied()
            .collect();
        if !vendors.is_empty() {
            for h in held.values_mut() {
                if vendors.contains(&h.row.organization_id) {
                    *h = profile_of(&h.row, now, &stats);
                }
            }
        }
        // Offerings are not deleted today, but an erasure could: a count that differs from
        // what is held means a row went, and everything is read again.
        let count: i64 = offerings::table.count().get_result(c)?;
        if count != held.len() as i64 {
            return full_load(c, now);
        }
        Ok(Parts {
            held,
            newest,
            stats,
            loaded_at: self.loaded_at,
            computed_at: self.computed_at,
        })
    }
}

fn same_stats(a: Option<&VendorStats>, b: Option<&VendorStats>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => {
            (a.requested, a.answered, a.contracted) == (b.requested, b.answered, b.contracted)
        }
        (None, None) => true,
        _ => false,
    }
}

/// Offering rows stamped after `since` (all of them without it).
fn load_rows(c: &mut DbConn, since: Option<NaiveDateTime>) -> QueryResult<Vec<Offering>> {
    let mut q = offerings::table.select(Offering::as_select()).into_boxed();
    if let Some(t) = since {
        q = q.filter(offerings::updated_at.gt(t));
    }
    q.load(c)
}

/// Every row and the vendor figures, read anew.
fn full_load(c: &mut DbConn, now: NaiveDateTime) -> QueryResult<Parts> {
    let rows = load_rows(c, None)?;
    let stats = queries::vendor_stats(c)?;
    Ok(Parts {
        newest: rows.iter().map(|o| o.updated_at).max(),
        held: rows
            .iter()
            .map(|o| (o.id, profile_of(o, now, &stats)))
            .collect(),
        stats,
        loaded_at: now,
        computed_at: now,
    })
}

/// The offerings in memory, one snapshot at a time, shared by every request of a process.
#[derive(Default)]
pub struct OfferingIndex {
    current: Mutex<Option<Arc<Snapshot>>>,
    /// Held while a snapshot is built, so that the requests arriving after a change build
    /// it once and not each for itself.
    building: Mutex<()>,
    /// The reference labels the suggestions are explained with, kept per version too.
    labels: crate::reference::Kept,
}

impl OfferingIndex {
    /// The reference labels kept per content version.
    pub fn labels(&self) -> &crate::reference::Kept {
        &self.labels
    }

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
        let parts = match held {
            Some(s) if now - s.loaded_at >= FULL_RELOAD => full_load(c, now)?,
            // The time moved on: the profiles again, from memory (and then what changed).
            Some(s) if now - s.computed_at >= REFRESH || now >= s.valid_until => {
                let again = Snapshot::build(s.version, now, s.recomputed(now));
                if again.version == version {
                    Parts::from(again)
                } else {
                    again.updated(c, now)?
                }
            }
            Some(s) if s.version == version => s.recomputed(now),
            Some(s) => s.updated(c, now)?,
            None => full_load(c, now)?,
        };
        let next = Snapshot::build(version, now, parts);
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
