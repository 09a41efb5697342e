//! Subscription requests for addresses that are already known (pending or unsubscribed).
//!
//! Whoever posts the public form can type any address. For a new address that creates a
//! pending subscriber, which belongs to nobody yet. For a known one it must change nothing of
//! what is stored (the person's name, company, topics, consent record) until the address
//! itself confirms: the submitted details wait here with their own confirmation token and are
//! applied by [`super::subscribe::confirm`] when that token comes back.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::queries::CONFIRM_DAYS;
use crate::db::DbConn;
use crate::schema::newsletter_requests as req;
use crate::time::now_utc;

/// A stored request.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = req)]
pub struct StoredRequest {
    /// Id.
    pub id: i64,
    /// The known subscriber it is for.
    pub subscriber_id: i64,
    /// Name as submitted.
    pub name: String,
    /// Company as submitted.
    pub company: String,
    /// Prefecture as submitted.
    pub prefecture: Option<i32>,
    /// Industry as submitted.
    pub industry: Option<String>,
    /// Language of the request.
    pub lang: String,
    /// Topic codes, JSON.
    pub topics: String,
    /// Where consent was given.
    pub source: String,
    /// When it was made.
    pub created_at: NaiveDateTime,
    /// When its link stops working.
    pub expires_at: NaiveDateTime,
}

impl StoredRequest {
    /// The requested topic codes.
    pub fn topic_codes(&self) -> Vec<String> {
        serde_json::from_str(&self.topics).unwrap_or_default()
    }
}

/// What a new request holds.
#[derive(Debug, Clone)]
pub struct NewRequest<'a> {
    /// The known subscriber.
    pub subscriber_id: i64,
    /// Hash of its confirmation token.
    pub token_hash: &'a str,
    /// Name.
    pub name: &'a str,
    /// Company.
    pub company: &'a str,
    /// Prefecture.
    pub prefecture: Option<i32>,
    /// Industry.
    pub industry: Option<&'a str>,
    /// Language code.
    pub lang: &'a str,
    /// Topic codes.
    pub topics: &'a [String],
    /// Where consent was given.
    pub source: &'a str,
}

/// Stores a request, valid for [`CONFIRM_DAYS`].
pub fn insert(conn: &mut DbConn, r: &NewRequest) -> QueryResult<()> {
    let at = now_utc();
    diesel::insert_into(req::table)
        .values((
            req::subscriber_id.eq(r.subscriber_id),
            req::token_hash.eq(r.token_hash),
            req::name.eq(r.name),
            req::company.eq(r.company),
            req::prefecture.eq(r.prefecture),
            req::industry.eq(r.industry),
            req::lang.eq(r.lang),
            req::topics.eq(serde_json::to_string(r.topics).unwrap_or_else(|_| "[]".into())),
            req::source.eq(r.source),
            req::created_at.eq(at),
            req::expires_at.eq(at + Duration::days(CONFIRM_DAYS)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The unexpired request whose confirmation token has this hash.
pub fn find_valid(conn: &mut DbConn, hash: &str) -> QueryResult<Option<StoredRequest>> {
    req::table
        .filter(req::token_hash.eq(hash))
        .filter(req::expires_at.ge(now_utc()))
        .select(StoredRequest::as_select())
        .first(conn)
        .optional()
}

/// When the newest request for a subscriber was made.
pub fn latest_at(conn: &mut DbConn, subscriber_id: i64) -> QueryResult<Option<NaiveDateTime>> {
    req::table
        .filter(req::subscriber_id.eq(subscriber_id))
        .select(diesel::dsl::max(req::created_at))
        .first(conn)
}

/// The requests waiting for a subscriber, oldest first (for "My data").
pub fn of_subscriber(conn: &mut DbConn, subscriber_id: i64) -> QueryResult<Vec<StoredRequest>> {
    req::table
        .filter(req::subscriber_id.eq(subscriber_id))
        .order(req::id)
        .select(StoredRequest::as_select())
        .load(conn)
}

/// Deletes every request of a subscriber (one was confirmed, or the subscriber is erased).
pub fn delete_of(conn: &mut DbConn, subscriber_id: i64) -> QueryResult<usize> {
    diesel::delete(req::table.filter(req::subscriber_id.eq(subscriber_id))).execute(conn)
}

/// Deletes the requests whose link has expired.
pub fn expire(conn: &mut DbConn) -> QueryResult<usize> {
    diesel::delete(req::table.filter(req::expires_at.lt(now_utc()))).execute(conn)
}
