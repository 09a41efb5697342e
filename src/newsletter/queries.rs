//! Database work on topics, subscribers and their consent history.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConn;
use crate::schema::{
    newsletter_consent_events as events, newsletter_subscriber_topics as sub_topics,
    newsletter_subscribers as subs, newsletter_topics as topics,
};
use crate::time::now_utc;

crate::api_enum! {
    /// Where a subscriber stands.
    pub enum SubscriberStatus {
        /// The confirmation mail went out; its link was not followed yet.
        Pending = "pending",
        /// Receives issues.
        Active = "active",
        /// Paused by the subscriber.
        Paused = "paused",
        /// Unsubscribed.
        Unsubscribed = "unsubscribed",
        /// Suppressed after bounces or a complaint.
        Suppressed = "suppressed",
    }
}

/// How long a confirmation link works.
pub const CONFIRM_DAYS: i64 = 7;
/// No second confirmation mail to one address within this time.
pub const RESEND_WINDOW_MINUTES: i64 = 10;

/// A topic.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = topics)]
pub struct Topic {
    /// Code (`subsidies`).
    pub code: String,
    /// Japanese label.
    pub label_ja: String,
    /// English label.
    pub label_en: String,
    /// Order.
    pub position: i32,
    /// Offered on forms.
    pub active: bool,
}

impl Topic {
    /// The label in `lang`.
    pub fn label(&self, lang: views::Lang) -> &str {
        match lang {
            views::Lang::Ja => &self.label_ja,
            views::Lang::En => &self.label_en,
        }
    }
}

/// A subscriber row.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = subs)]
pub struct Subscriber {
    /// Id.
    pub id: i64,
    /// Address (lower-case).
    pub email: String,
    /// Name.
    pub name: String,
    /// Company.
    pub company: String,
    /// Prefecture code.
    pub prefecture: Option<i32>,
    /// Industry code.
    pub industry: Option<String>,
    /// Status.
    pub status: SubscriberStatus,
    /// Language code.
    pub lang: String,
    /// Hash of the confirmation token.
    #[serde(skip)]
    pub confirm_token_hash: Option<String>,
    /// When the last confirmation mail was queued.
    pub confirm_sent_at: Option<NaiveDateTime>,
    /// When the confirmation link stops working.
    pub confirm_expires_at: Option<NaiveDateTime>,
    /// Nonce of the preference token.
    #[serde(skip)]
    pub pref_nonce: String,
    /// Hash of the preference token.
    #[serde(skip)]
    pub pref_token_hash: Option<String>,
    /// Where consent was given.
    pub consent_source: String,
    /// When consent was given.
    pub consented_at: Option<NaiveDateTime>,
    /// When the address was confirmed.
    pub confirmed_at: Option<NaiveDateTime>,
    /// Soft bounces in a row.
    pub soft_bounces: i32,
    /// Hard bounces.
    pub hard_bounces: i32,
    /// Last bounce.
    pub last_bounce_at: Option<NaiveDateTime>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last change.
    pub updated_at: NaiveDateTime,
}

/// One entry of the consent history.
#[derive(Debug, Clone, Queryable, Serialize)]
pub struct ConsentEvent {
    /// Event (`subscribed`, `confirmed`, ...).
    pub event: String,
    /// Where it came from (`web`, `one-click`, `staff:3`, `import: ...`).
    pub source: String,
    /// JSON detail.
    pub detail: String,
    /// When.
    pub at: NaiveDateTime,
}

/// Topics in order; only the active ones unless `all`.
pub fn list_topics(conn: &mut DbConn, all: bool) -> QueryResult<Vec<Topic>> {
    let mut q = topics::table.into_boxed();
    if !all {
        q = q.filter(topics::active.eq(true));
    }
    q.order((topics::position, topics::code))
        .select(Topic::as_select())
        .load(conn)
}

/// Adds a topic at the end; false when the code exists.
pub fn add_topic(conn: &mut DbConn, code: &str, ja: &str, en: &str) -> QueryResult<bool> {
    let exists: i64 = topics::table
        .filter(topics::code.eq(code))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(false);
    }
    let last: Option<i32> = topics::table
        .select(diesel::dsl::max(topics::position))
        .first(conn)?;
    diesel::insert_into(topics::table)
        .values((
            topics::code.eq(code),
            topics::label_ja.eq(ja),
            topics::label_en.eq(en),
            topics::position.eq(last.unwrap_or(0) + 1),
            topics::active.eq(true),
        ))
        .execute(conn)?;
    Ok(true)
}

/// The subscriber with this id.
pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Subscriber>> {
    subs::table
        .find(id)
        .select(Subscriber::as_select())
        .first(conn)
        .optional()
}

/// The subscriber with this address.
pub fn find_by_email(conn: &mut DbConn, email: &str) -> QueryResult<Option<Subscriber>> {
    subs::table
        .filter(subs::email.eq(email.trim().to_lowercase()))
        .select(Subscriber::as_select())
        .first(conn)
        .optional()
}

/// The subscriber whose confirmation token has this hash.
pub fn find_by_confirm_hash(conn: &mut DbConn, hash: &str) -> QueryResult<Option<Subscriber>> {
    subs::table
        .filter(subs::confirm_token_hash.eq(hash))
        .select(Subscriber::as_select())
        .first(conn)
        .optional()
}

/// The subscriber of a preference (and unsubscribe) token, if the token is one.
pub fn find_by_pref_token(conn: &mut DbConn, token: &str) -> QueryResult<Option<Subscriber>> {
    if !crate::tokens::looks_valid(token) {
        return Ok(None);
    }
    find_by_pref_hash(
        conn,
        &crate::tokens::hash_for(super::links::PREF_PURPOSE, token),
    )
}

/// The subscriber whose preference token has this hash.
pub fn find_by_pref_hash(conn: &mut DbConn, hash: &str) -> QueryResult<Option<Subscriber>> {
    subs::table
        .filter(subs::pref_token_hash.eq(hash))
        .select(Subscriber::as_select())
        .first(conn)
        .optional()
}

/// The topic codes of a subscriber.
pub fn topics_of(conn: &mut DbConn, id: i64) -> QueryResult<Vec<String>> {
    sub_topics::table
        .filter(sub_topics::subscriber_id.eq(id))
        .order(sub_topics::topic_code)
        .select(sub_topics::topic_code)
        .load(conn)
}

/// Replaces the topics of a subscriber.
pub fn set_topics(conn: &mut DbConn, id: i64, codes: &[String]) -> QueryResult<()> {
    diesel::delete(sub_topics::table.filter(sub_topics::subscriber_id.eq(id))).execute(conn)?;
    let rows: Vec<_> = codes
        .iter()
        .map(|c| {
            (
                sub_topics::subscriber_id.eq(id),
                sub_topics::topic_code.eq(c.as_str()),
            )
        })
        .collect();
    if !rows.is_empty() {
        crate::per_backend!(conn, |c| diesel::insert_into(sub_topics::table)
            .values(&rows)
            .execute(c))?;
    }
    Ok(())
}

/// Adds an entry to the consent history.
pub fn record_event(
    conn: &mut DbConn,
    id: i64,
    event: &str,
    source: &str,
    detail: serde_json::Value,
) -> QueryResult<()> {
    diesel::insert_into(events::table)
        .values((
            events::subscriber_id.eq(id),
            events::event.eq(event),
            events::source.eq(source),
            events::detail.eq(detail.to_string()),
            events::at.eq(now_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// The consent history of a subscriber, oldest first.
pub fn history(conn: &mut DbConn, id: i64) -> QueryResult<Vec<ConsentEvent>> {
    events::table
        .filter(events::subscriber_id.eq(id))
        .order(events::id)
        .select((events::event, events::source, events::detail, events::at))
        .load(conn)
}

/// What a new subscriber row holds.
#[derive(Debug, Clone)]
pub struct NewSubscriber<'a> {
    /// Address (lower-case).
    pub email: &'a str,
    /// Name.
    pub name: &'a str,
    /// Company.
    pub company: &'a str,
    /// Prefecture.
    pub prefecture: Option<i32>,
    /// Industry.
    pub industry: Option<&'a str>,
    /// Initial status.
    pub status: SubscriberStatus,
    /// Language code.
    pub lang: &'a str,
    /// Preference nonce.
    pub pref_nonce: &'a str,
    /// Preference token hash (set once the subscriber is active).
    pub pref_token_hash: Option<&'a str>,
    /// Where consent was given.
    pub consent_source: &'a str,
}

/// Inserts a subscriber unless the address exists; returns the new id, or `None`.
pub fn insert(conn: &mut DbConn, s: &NewSubscriber) -> QueryResult<Option<i64>> {
    let at = now_utc();
    let confirmed = (s.status == SubscriberStatus::Active).then_some(at);
    let values = (
        subs::email.eq(s.email),
        subs::name.eq(s.name),
        subs::company.eq(s.company),
        subs::prefecture.eq(s.prefecture),
        subs::industry.eq(s.industry),
        subs::status.eq(s.status),
        subs::lang.eq(s.lang),
        subs::pref_nonce.eq(s.pref_nonce),
        subs::pref_token_hash.eq(s.pref_token_hash),
        subs::consent_source.eq(s.consent_source),
        subs::consented_at.eq(Some(at)),
        subs::confirmed_at.eq(confirmed),
        subs::created_at.eq(at),
        subs::updated_at.eq(at),
    );
    crate::per_backend!(conn, |c| diesel::insert_into(subs::table)
        .values(values)
        .on_conflict_do_nothing()
        .returning(subs::id)
        .get_result::<i64>(c)
        .optional())
}

/// Sets a new confirmation token (hash) with its expiry, now.
pub fn set_confirmation(conn: &mut DbConn, id: i64, hash: &str) -> QueryResult<()> {
    let at = now_utc();
    diesel::update(subs::table.find(id))
        .set((
            subs::confirm_token_hash.eq(Some(hash)),
            subs::confirm_sent_at.eq(Some(at)),
            subs::confirm_expires_at.eq(Some(at + Duration::days(CONFIRM_DAYS))),
            subs::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Changes the status of a subscriber.
pub fn set_status(conn: &mut DbConn, id: i64, status: SubscriberStatus) -> QueryResult<()> {
    diesel::update(subs::table.find(id))
        .set((subs::status.eq(status), subs::updated_at.eq(now_utc())))
        .execute(conn)?;
    Ok(())
}

/// Makes a subscriber active (confirmed now) and sets the preference token hash. The used
/// confirmation token is kept: opened again before it expires, it says "subscribed".
pub fn activate(conn: &mut DbConn, id: i64, pref_hash: &str) -> QueryResult<()> {
    let at = now_utc();
    diesel::update(subs::table.find(id))
        .set((
            subs::status.eq(SubscriberStatus::Active),
            subs::confirmed_at.eq(Some(at)),
            subs::pref_token_hash.eq(Some(pref_hash)),
            subs::soft_bounces.eq(0),
            subs::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Keeps a used confirmation link answering "subscribed" until `expires_at`.
pub fn keep_confirm_link(
    conn: &mut DbConn,
    id: i64,
    hash: &str,
    expires_at: chrono::NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(subs::table.find(id))
        .set((
            subs::confirm_token_hash.eq(Some(hash)),
            subs::confirm_expires_at.eq(Some(expires_at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Updates the personal details given on a new subscription of a known address.
pub fn update_details(conn: &mut DbConn, id: i64, s: &NewSubscriber) -> QueryResult<()> {
    diesel::update(subs::table.find(id))
        .set((
            subs::name.eq(s.name),
            subs::company.eq(s.company),
            subs::prefecture.eq(s.prefecture),
            subs::industry.eq(s.industry),
            subs::lang.eq(s.lang),
            subs::consent_source.eq(s.consent_source),
            subs::consented_at.eq(Some(now_utc())),
            subs::updated_at.eq(now_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Drops the queued (not yet sent) newsletter mails to an address, so that an unsubscribe or
/// a suppression takes effect at once, even in the middle of a campaign.
pub fn drop_queued_newsletters(conn: &mut DbConn, email: &str) -> QueryResult<usize> {
    use crate::schema::outbox;
    diesel::delete(
        outbox::table
            .filter(outbox::recipient.eq(email))
            .filter(outbox::kind.eq(crate::mail::MailKind::Newsletter))
            .filter(outbox::status.eq(crate::mail::outbox::OutboxStatus::Queued)),
    )
    .execute(conn)
}

/// Ends a subscription (unsubscribed or suppressed) with its history entry.
pub fn end_subscription(
    conn: &mut DbConn,
    s: &Subscriber,
    status: SubscriberStatus,
    source: &str,
) -> QueryResult<bool> {
    if s.status == status
        || (s.status == SubscriberStatus::Suppressed && status == SubscriberStatus::Unsubscribed)
    {
        return Ok(false);
    }
    set_status(conn, s.id, status)?;
    drop_queued_newsletters(conn, &s.email)?;
    let event = if status == SubscriberStatus::Suppressed {
        "suppressed"
    } else {
        "unsubscribed"
    };
    record_event(conn, s.id, event, source, serde_json::json!({}))?;
    Ok(true)
}

/// Deletes unconfirmed subscriptions whose link has expired (and that never were active),
/// and the expired requests of known addresses.
pub fn expire_pending(conn: &mut DbConn) -> QueryResult<usize> {
    let requests = super::requests::expire(conn)?;
    let subscribers = diesel::delete(
        subs::table
            .filter(subs::status.eq(SubscriberStatus::Pending))
            .filter(subs::confirmed_at.is_null())
            .filter(subs::confirm_expires_at.lt(now_utc()))
            // A request still waiting for the address keeps its subscriber.
            .filter(diesel::dsl::not(diesel::dsl::exists(
                crate::schema::newsletter_requests::table
                    .filter(crate::schema::newsletter_requests::subscriber_id.eq(subs::id)),
            ))),
    )
    .execute(conn)?;
    Ok(requests + subscribers)
}

/// Filters of the staff list.
#[derive(Debug, Clone, Default)]
pub struct SubscriberFilter {
    /// Text in address, name or company.
    pub q: String,
    /// Status.
    pub status: Option<SubscriberStatus>,
    /// Topic code.
    pub topic: Option<String>,
}

/// Subscribers matching the filter, newest first.
pub fn search(conn: &mut DbConn, f: &SubscriberFilter, limit: i64) -> QueryResult<Vec<Subscriber>> {
    let mut q = subs::table.into_boxed();
    let text = f.q.trim().replace(['%', '_', '\\'], "");
    if !text.is_empty() {
        let like = format!("%{}%", text.to_lowercase());
        q = q.filter(
            subs::email
                .like(like.clone())
                .or(subs::name.like(like.clone()))
                .or(subs::company.like(like)),
        );
    }
    if let Some(status) = &f.status {
        q = q.filter(subs::status.eq(*status));
    }
    if let Some(topic) = &f.topic {
        q = q.filter(
            subs::id.eq_any(
                sub_topics::table
                    .filter(sub_topics::topic_code.eq(topic.clone()))
                    .select(sub_topics::subscriber_id),
            ),
        );
    }
    q.order(subs::id.desc())
        .limit(limit)
        .select(Subscriber::as_select())
        .load(conn)
}

/// All topics of the given subscribers, as (subscriber id, code).
pub fn topics_of_many(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<(i64, String)>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        out.extend(
            sub_topics::table
                .filter(sub_topics::subscriber_id.eq_any(chunk))
                .select((sub_topics::subscriber_id, sub_topics::topic_code))
                .load::<(i64, String)>(conn)?,
        );
    }
    Ok(out)
}

/// Counts of subscribers by status.
pub fn status_counts(conn: &mut DbConn) -> QueryResult<Vec<(SubscriberStatus, i64)>> {
    subs::table
        .group_by(subs::status)
        .select((subs::status, diesel::dsl::count_star()))
        .load(conn)
}

/// Deletes a subscriber and its history, and forgets them in the newsletter mails of the
/// outbox (queued and failed ones go, sent ones stay anonymous for the campaign counts).
pub fn delete(conn: &mut DbConn, s: &Subscriber) -> QueryResult<()> {
    use crate::mail::outbox::{ErasureScope, erase_recipient};
    erase_recipient(conn, &s.email, ErasureScope::Newsletter)?;
    super::requests::delete_of(conn, s.id)?;
    diesel::delete(sub_topics::table.filter(sub_topics::subscriber_id.eq(s.id))).execute(conn)?;
    diesel::delete(events::table.filter(events::subscriber_id.eq(s.id))).execute(conn)?;
    diesel::delete(subs::table.find(s.id)).execute(conn)?;
    Ok(())
}
