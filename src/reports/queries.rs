//! What the report reads from the features' tables, one query per kind of row, each bounded by
//! the fiscal year's UTC instants. Plain selects with comparisons only, so the same query runs
//! on SQLite and PostgreSQL; the counting is done in [`super::figures`], where it can be tested
//! without a database. Emails are read only to tell returning participants from first-timers
//! and never leave [`super::figures`].

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::schema::{
    employee_bands, industries, matching_introductions as intro, matching_needs as needs,
    matching_offerings as offerings, newsletter_campaigns as campaigns,
    newsletter_consent_events as events, newsletter_topics as topics, outbox, prefectures,
    registrations as reg, seminar_surveys as surveys, seminars, service_category_groups,
};

/// A UTC span `[start, end)`.
pub type Span = (NaiveDateTime, NaiveDateTime);

/// A seminar starting in the year.
#[derive(Debug, Clone, Queryable)]
pub struct SeminarRow {
    /// Id.
    pub id: i64,
    /// Industry code.
    pub industry: String,
    /// Prefecture code.
    pub prefecture: i32,
    /// online, onsite, hybrid.
    pub format: String,
    /// Draft, published or cancelled.
    pub status: crate::seminars::model::SeminarStatus,
    /// Start (UTC).
    pub starts_at: NaiveDateTime,
}

/// A registration for a published seminar of the year.
#[derive(Debug, Clone, Queryable)]
pub struct RegistrationRow {
    /// The seminar.
    pub seminar_id: i64,
    /// Email (matched, normalised, for returning participants only).
    pub email: String,
    /// Company (counted, normalised, for distinct organisations only).
    pub company: String,
    /// Prefecture code.
    pub prefecture: Option<i32>,
    /// Industry code.
    pub industry: String,
    /// Employee band code.
    pub employee_band: Option<String>,
    /// onsite, online.
    pub mode: String,
    /// Confirmed, waitlisted, cancelled, ...
    pub status: crate::registrations::model::RegistrationStatus,
    /// When checked in (onsite, attendance code or imported attendance).
    pub checked_in_at: Option<NaiveDateTime>,
}

/// A survey sent for a seminar of the year.
#[derive(Debug, Clone, Queryable)]
pub struct SurveyRow {
    /// When answered.
    pub answered_at: Option<NaiveDateTime>,
    /// 1–5.
    pub satisfaction: Option<i32>,
    /// 1–5.
    pub usefulness: Option<i32>,
}

/// A consent event of a subscriber before the end of the year.
#[derive(Debug, Clone, Queryable)]
pub struct ConsentRow {
    /// The subscriber.
    pub subscriber_id: i64,
    /// subscribed, confirmed, imported, paused, resumed, unsubscribed, suppressed, ...
    pub event: String,
    /// JSON detail (`{"confirmed": true}` on imports).
    pub detail: String,
    /// When (UTC).
    pub at: NaiveDateTime,
}

/// A campaign sent in the year.
#[derive(Debug, Clone, Queryable)]
pub struct CampaignRow {
    /// Id.
    pub id: i64,
    /// JSON list of topic codes; `None`: every subscriber.
    pub topics: Option<String>,
}

/// A board post (need or offering) published in the year.
#[derive(Debug, Clone, Queryable)]
pub struct PostRow {
    /// Id.
    pub id: i64,
    /// JSON list of category codes (A1 ... E3).
    pub categories: String,
    /// When published (UTC).
    pub published_at: Option<NaiveDateTime>,
}

/// An introduction.
#[derive(Debug, Clone, Queryable)]
pub struct IntroductionRow {
    /// The need.
    pub need_id: i64,
    /// requested, introduced, ...
    pub stage: String,
    /// When requested (UTC).
    pub created_at: NaiveDateTime,
    /// The SME's consent.
    pub sme_consent_at: Option<NaiveDateTime>,
    /// The vendor's consent.
    pub vendor_consent_at: Option<NaiveDateTime>,
}

/// Labels of a code list: (code, Japanese, English), in display order.
pub type Labels = Vec<(String, String, String)>;

/// Seminars that start in the span, any status.
pub fn seminars_starting(c: &mut DbConn, (start, end): Span) -> QueryResult<Vec<SeminarRow>> {
    seminars::table
        .filter(seminars::starts_at.ge(start))
        .filter(seminars::starts_at.lt(end))
        .order(seminars::starts_at)
        .select((
            seminars::id,
            seminars::industry,
            seminars::prefecture,
            seminars::format,
            seminars::status,
            seminars::starts_at,
        ))
        .load(c)
}

/// Registrations for the given seminars.
pub fn registrations_of(c: &mut DbConn, seminar_ids: &[i64]) -> QueryResult<Vec<RegistrationRow>> {
    reg::table
        .filter(reg::seminar_id.eq_any(seminar_ids))
        .order(reg::id)
        .select((
            reg::seminar_id,
            reg::email,
            reg::company,
            reg::prefecture,
            reg::industry,
            reg::employee_band,
            reg::mode,
            reg::status,
            reg::checked_in_at,
        ))
        .load(c)
}

/// The addresses of everyone who attended a published seminar that started before `before`
/// (to tell first-timers), as stored (lower case).
pub fn attended_before(c: &mut DbConn, before: NaiveDateTime) -> QueryResult<Vec<String>> {
    reg::table
        .inner_join(seminars::table)
        .filter(seminars::starts_at.lt(before))
        .filter(seminars::status.eq(crate::seminars::model::SeminarStatus::Published))
        .filter(reg::checked_in_at.is_not_null())
        .select(reg::email)
        .distinct()
        .load(c)
}

/// The surveys sent for the given seminars.
pub fn surveys_of(c: &mut DbConn, seminar_ids: &[i64]) -> QueryResult<Vec<SurveyRow>> {
    surveys::table
        .filter(surveys::seminar_id.eq_any(seminar_ids))
        .select((
            surveys::answered_at,
            surveys::satisfaction,
            surveys::usefulness,
        ))
        .load(c)
}

/// Every consent event before `end`, in order.
pub fn consent_events_before(c: &mut DbConn, end: NaiveDateTime) -> QueryResult<Vec<ConsentRow>> {
    events::table
        .filter(events::at.lt(end))
        .order((events::at, events::id))
        .select((
            events::subscriber_id,
            events::event,
            events::detail,
            events::at,
        ))
        .load(c)
}

/// Campaigns whose sending finished in the span.
pub fn campaigns_sent(c: &mut DbConn, (start, end): Span) -> QueryResult<Vec<CampaignRow>> {
    campaigns::table
        .filter(campaigns::status.eq(crate::newsletter::campaigns::CampaignStatus::Sent))
        .filter(campaigns::sent_at.ge(start))
        .filter(campaigns::sent_at.lt(end))
        .order(campaigns::id)
        .select((campaigns::id, campaigns::topics))
        .load(c)
}

/// Messages of the outbox delivered for each of the given sources (`campaign:{id}`).
pub fn delivered_by_source(c: &mut DbConn, sources: &[String]) -> QueryResult<Vec<(String, i64)>> {
    let rows: Vec<(Option<String>, i64)> = outbox::table
        .filter(outbox::source.eq_any(sources))
        .filter(outbox::status.eq(crate::mail::outbox::OutboxStatus::Sent))
        .group_by(outbox::source)
        .select((outbox::source, diesel::dsl::count_star()))
        .load(c)?;
    Ok(rows
        .into_iter()
        .filter_map(|(s, n)| s.map(|s| (s, n)))
        .collect())
}

/// Needs published in the span.
pub fn needs_published(c: &mut DbConn, (start, end): Span) -> QueryResult<Vec<PostRow>> {
    needs::table
        .filter(needs::published_at.ge(start))
        .filter(needs::published_at.lt(end))
        .select((needs::id, needs::categories, needs::published_at))
        .load(c)
}

/// Offerings published in the span.
pub fn offerings_published(c: &mut DbConn, (start, end): Span) -> QueryResult<Vec<PostRow>> {
    offerings::table
        .filter(offerings::published_at.ge(start))
        .filter(offerings::published_at.lt(end))
        .select((
            offerings::id,
            offerings::categories,
            offerings::published_at,
        ))
        .load(c)
}

/// Introductions requested in the span, and those for the given needs (for the days to the
/// first accepted one, which may be requested later than the need's year).
pub fn introductions(
    c: &mut DbConn,
    (start, end): Span,
    need_ids: &[i64],
) -> QueryResult<(Vec<IntroductionRow>, Vec<IntroductionRow>)> {
    let columns = (
        intro::need_id,
        intro::stage,
        intro::created_at,
        intro::sme_consent_at,
        intro::vendor_consent_at,
    );
    let requested = intro::table
        .filter(intro::created_at.ge(start))
        .filter(intro::created_at.lt(end))
        .order(intro::id)
        .select(columns)
        .load(c)?;
    let of_needs = intro::table
        .filter(intro::need_id.eq_any(need_ids))
        .order(intro::id)
        .select(columns)
        .load(c)?;
    Ok((requested, of_needs))
}

/// Prefectures in code order.
pub fn prefecture_labels(c: &mut DbConn) -> QueryResult<Labels> {
    let rows: Vec<(i32, String, String)> = prefectures::table
        .order(prefectures::code)
        .select((
            prefectures::code,
            prefectures::name_ja,
            prefectures::name_en,
        ))
        .load(c)?;
    Ok(rows
        .into_iter()
        .map(|(code, ja, en)| (code.to_string(), ja, en))
        .collect())
}

/// Every industry, inactive ones too (a past year may use them), in programme order.
pub fn industry_labels(c: &mut DbConn) -> QueryResult<Labels> {
    industries::table
        .order(industries::position)
        .select((industries::code, industries::label_ja, industries::label_en))
        .load(c)
}

/// Employee bands, smallest first.
pub fn band_labels(c: &mut DbConn) -> QueryResult<Labels> {
    employee_bands::table
        .order(employee_bands::position)
        .select((
            employee_bands::code,
            employee_bands::label_ja,
            employee_bands::label_en,
        ))
        .load(c)
}

/// Newsletter topics, inactive ones too.
pub fn topic_labels(c: &mut DbConn) -> QueryResult<Labels> {
    topics::table
        .order(topics::position)
        .select((topics::code, topics::label_ja, topics::label_en))
        .load(c)
}

/// The families of board categories (A ... E).
pub fn family_labels(c: &mut DbConn) -> QueryResult<Labels> {
    service_category_groups::table
        .order(service_category_groups::position)
        .select((
            service_category_groups::code,
            service_category_groups::label_ja,
            service_category_groups::label_en,
        ))
        .load(c)
}
