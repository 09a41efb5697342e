//! The stored records of lottery draws.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::service::Summary;
use crate::db::DbConn;
use crate::registrations::allocation::draw::{DrawRecord, DrawResult};
use crate::schema::lottery_draws as d;

/// A draw as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = d)]
pub struct StoredDraw {
    /// Id.
    pub id: i64,
    /// The seminar.
    pub seminar_id: i64,
    /// The algorithm's name.
    pub algorithm: String,
    /// Its version.
    pub version: i32,
    /// The seed, 64 hex digits.
    pub seed: String,
    /// The [`DrawRecord`] as JSON.
    pub record: String,
    /// The [`DrawResult`] as JSON.
    pub result: String,
    /// Entrants.
    pub entrants: i32,
    /// Confirmed.
    pub confirmed: i32,
    /// Waitlisted.
    pub waitlisted: i32,
    /// Told they were not drawn.
    pub not_drawn: i32,
    /// The staff member who drew; `None`: the worker at the draw time.
    pub drawn_by: Option<i64>,
    /// When (UTC).
    pub drawn_at: NaiveDateTime,
}

/// What a draw stores.
pub struct NewDraw<'a> {
    /// The seminar.
    pub seminar_id: i64,
    /// The record it ran on.
    pub record: &'a DrawRecord,
    /// What it gave.
    pub result: &'a DrawResult,
    /// The counts.
    pub summary: &'a Summary,
    /// Who drew (`None`: the system).
    pub drawn_by: Option<i64>,
    /// When.
    pub drawn_at: NaiveDateTime,
}

fn small(n: i64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Stores a draw; returns its id.
pub fn insert(c: &mut DbConn, new: &NewDraw) -> QueryResult<i64> {
    diesel::insert_into(d::table)
        .values((
            d::seminar_id.eq(new.seminar_id),
            d::algorithm.eq(&new.record.algorithm),
            d::version.eq(i32::try_from(new.record.version).unwrap_or(i32::MAX)),
            d::seed.eq(new.record.seed.to_hex()),
            d::record.eq(new.record.to_json()),
            d::result.eq(serde_json::to_string(new.result).unwrap_or_default()),
            d::entrants.eq(small(new.summary.entrants)),
            d::confirmed.eq(small(new.summary.confirmed)),
            d::waitlisted.eq(small(new.summary.waitlisted)),
            d::not_drawn.eq(small(new.summary.not_drawn)),
            d::drawn_by.eq(new.drawn_by),
            d::drawn_at.eq(new.drawn_at),
        ))
        .returning(d::id)
        .get_result(c)
}

/// The draws of a seminar, oldest first (one, unless the exactly-once guarantee failed).
pub fn list_for_seminar(c: &mut DbConn, seminar_id: i64) -> QueryResult<Vec<StoredDraw>> {
    d::table
        .filter(d::seminar_id.eq(seminar_id))
        .order(d::id)
        .select(StoredDraw::as_select())
        .load(c)
}
