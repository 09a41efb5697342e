//! Campaigns (issues): drafts, scheduling, sending, pause/resume, cancel, and the expansion of
//! the audience into the outbox in batches.
//!
//! Exactly one outbox row per subscriber and campaign: every row carries the dedupe key
//! `campaign:{id}:subscriber:{sid}`, so a second expansion of the same subscriber (a second
//! "send", a restart, a second worker) inserts nothing. Expansion walks subscriber ids upwards
//! from a cursor stored with the campaign, one batch per transaction, and only while the
//! campaign is `sending`. Pausing holds the campaign's queued rows (their `next_attempt_at` is
//! moved far ahead, see [`HOLD_YEARS`]); resuming releases them.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::links::Links;
use super::queries::SubscriberStatus;
use crate::db::DbConn;
use crate::mail::template::{self, Markers, Segment, TemplateParts};
use crate::mail::{MailKind, Mailer, OutgoingMail, outbox};
use crate::markdown;
use crate::schema::{
    newsletter_campaigns as camps, newsletter_consent_events as events,
    newsletter_subscriber_topics as sub_topics, newsletter_subscribers as subs,
};
use crate::time::now_utc;

crate::api_enum! {
    /// Where a campaign stands.
    pub enum CampaignStatus {
        /// Being written.
        Draft = "draft",
        /// Starts at `scheduled_at`.
        Scheduled = "scheduled",
        /// Going out.
        Sending = "sending",
        /// Paused by staff.
        Paused = "paused",
        /// Every mail delivered or given up on.
        Sent = "sent",
        /// Cancelled by staff.
        Cancelled = "cancelled",
    }
}

/// How far ahead a paused campaign's queued rows are moved (the sender never claims them).
pub const HOLD_YEARS: i64 = 100;

/// A campaign row.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = camps)]
pub struct Campaign {
    /// Id.
    pub id: i64,
    /// Subject.
    pub subject: String,
    /// Body in Markdown.
    pub body_markdown: String,
    /// JSON array of topic codes; `None` for every subscriber.
    pub topics: Option<String>,
    /// Status.
    pub status: CampaignStatus,
    /// When it is to start.
    pub scheduled_at: Option<NaiveDateTime>,
    /// When sending started.
    pub started_at: Option<NaiveDateTime>,
    /// When the last recipient was queued.
    pub sent_at: Option<NaiveDateTime>,
    /// Recipients when sending started.
    pub audience: i32,
    /// Highest subscriber id of the audience.
    pub last_subscriber_id: i64,
    /// Expansion cursor.
    pub expanded_through: i64,
    /// Author.
    pub created_by: Option<i64>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last change.
    pub updated_at: NaiveDateTime,
}

impl Campaign {
    /// The topic codes, or `None` for all subscribers.
    pub fn topic_list(&self) -> Option<Vec<String>> {
        self.topics
            .as_deref()
            .and_then(|t| serde_json::from_str::<Vec<String>>(t).ok())
            .filter(|t| !t.is_empty())
    }

    /// The `source` of its outbox rows.
    pub fn source(&self) -> String {
        source(self.id)
    }
}

/// The `source` of a campaign's outbox rows.
pub fn source(id: i64) -> String {
    format!("campaign:{id}")
}

fn topics_json(topics: &[String]) -> Option<String> {
    (!topics.is_empty()).then(|| serde_json::to_string(topics).unwrap_or_else(|_| "[]".into()))
}

/// Creates a draft; returns its id.
pub fn create(
    conn: &mut DbConn,
    subject: &str,
    body: &str,
    topics: &[String],
    created_by: Option<i64>,
) -> QueryResult<i64> {
    let at = now_utc();
    let values = (
        camps::subject.eq(subject),
        camps::body_markdown.eq(body),
        camps::topics.eq(topics_json(topics)),
        camps::status.eq(CampaignStatus::Draft),
        camps::created_by.eq(created_by),
        camps::created_at.eq(at),
        camps::updated_at.eq(at),
    );
    crate::per_backend!(conn, |c| diesel::insert_into(camps::table)
        .values(values)
        .returning(camps::id)
        .get_result::<i64>(c))
}

/// Changes a draft; false when the campaign is no longer a draft.
pub fn update_draft(
    conn: &mut DbConn,
    id: i64,
    subject: &str,
    body: &str,
    topics: &[String],
) -> QueryResult<bool> {
    let n = diesel::update(
        camps::table
            .find(id)
            .filter(camps::status.eq(CampaignStatus::Draft)),
    )
    .set((
        camps::subject.eq(subject),
        camps::body_markdown.eq(body),
        camps::topics.eq(topics_json(topics)),
        camps::updated_at.eq(now_utc()),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// The campaign with this id.
pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Campaign>> {
    camps::table
        .find(id)
        .select(Campaign::as_select())
        .first(conn)
        .optional()
}

/// The campaign, locked for the rest of the transaction on PostgreSQL (SQLite's
/// `BEGIN IMMEDIATE` already serializes writers).
fn find_locked(conn: &mut DbConn, id: i64) -> QueryResult<Option<Campaign>> {
    match conn {
        DbConn::Pg(pg) => camps::table
            .find(id)
            .select(Campaign::as_select())
            .for_update()
            .first(pg)
            .optional(),
        DbConn::Sqlite(_) => find(conn, id),
    }
}

/// Every campaign, newest first.
pub fn list(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<Campaign>> {
    camps::table
        .order(camps::id.desc())
        .limit(limit)
        .select(Campaign::as_select())
        .load(conn)
}

/// Whether a campaign is in the public archive: once its mails started going out.
pub fn is_published(c: &Campaign) -> bool {
    PUBLISHED.contains(&c.status)
}

const PUBLISHED: [CampaignStatus; 3] = [
    CampaignStatus::Sending,
    CampaignStatus::Paused,
    CampaignStatus::Sent,
];

/// Campaigns whose mails went out (or are going out), newest first: the public archive.
pub fn list_published(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<Campaign>> {
    camps::table
        .filter(camps::status.eq_any(PUBLISHED))
        .order((camps::started_at.desc(), camps::id.desc()))
        .limit(limit)
        .select(Campaign::as_select())
        .load(conn)
}

// The active subscribers a campaign with these topics reaches, with ids in (after, upto], as a
// boxed query for the given backend.
macro_rules! audience_filter {
    ($topics:expr, $after:expr, $upto:expr, $backend:ty) => {{
        let mut q = subs::table
            .filter(subs::status.eq(SubscriberStatus::Active))
            .filter(subs::id.gt($after))
            .filter(subs::id.le($upto))
            .into_boxed::<$backend>();
        if let Some(topics) = $topics {
            q = q.filter(
                subs::id.eq_any(
                    sub_topics::table
                        .filter(sub_topics::topic_code.eq_any(topics.clone()))
                        .select(sub_topics::subscriber_id),
                ),
            );
        }
        q
    }};
}

/// How many active subscribers the topics reach now (ids up to `upto`).
pub fn count_audience(
    conn: &mut DbConn,
    topics: &Option<Vec<String>>,
    upto: i64,
) -> QueryResult<i64> {
    match conn {
        DbConn::Pg(c) => audience_filter!(topics.as_ref(), 0i64, upto, diesel::pg::Pg)
            .count()
            .get_result(c),
        DbConn::Sqlite(c) => audience_filter!(topics.as_ref(), 0i64, upto, diesel::sqlite::Sqlite)
            .count()
            .get_result(c),
    }
}

/// One recipient of an issue.
#[derive(Debug, Clone, Queryable)]
pub struct Recipient {
    /// Subscriber id.
    pub id: i64,
    /// Address.
    pub email: String,
    /// Name.
    pub name: String,
    /// Language code.
    pub lang: String,
    /// Preference token nonce.
    pub nonce: String,
}

fn next_recipients(
    conn: &mut DbConn,
    topics: &Option<Vec<String>>,
    after: i64,
    upto: i64,
    limit: i64,
) -> QueryResult<Vec<Recipient>> {
    let cols = (
        subs::id,
        subs::email,
        subs::name,
        subs::lang,
        subs::pref_nonce,
    );
    match conn {
        DbConn::Pg(c) => audience_filter!(topics.as_ref(), after, upto, diesel::pg::Pg)
            .order(subs::id)
            .limit(limit)
            .select(cols)
            .load(c),
        DbConn::Sqlite(c) => audience_filter!(topics.as_ref(), after, upto, diesel::sqlite::Sqlite)
            .order(subs::id)
            .limit(limit)
            .select(cols)
            .load(c),
    }
}

fn max_subscriber_id(conn: &mut DbConn) -> QueryResult<i64> {
    let max: Option<i64> = subs::table.select(diesel::dsl::max(subs::id)).first(conn)?;
    Ok(max.unwrap_or(0))
}

/// What a "send" did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendResult {
    /// Sending started now.
    Started,
    /// Scheduled for later.
    Scheduled,
    /// Nothing changed: it is already sending, paused, sent or cancelled.
    Unchanged,
}

fn begin_sending(conn: &mut DbConn, c: &Campaign) -> QueryResult<()> {
    let at = now_utc();
    let upto = max_subscriber_id(conn)?;
    let audience = count_audience(conn, &c.topic_list(), upto)?;
    diesel::update(camps::table.find(c.id))
        .set((
            camps::status.eq(CampaignStatus::Sending),
            camps::started_at.eq(Some(at)),
            camps::last_subscriber_id.eq(upto),
            camps::expanded_through.eq(0i64),
            camps::audience.eq(i32::try_from(audience).unwrap_or(i32::MAX)),
            camps::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Starts a draft or scheduled campaign now, or schedules it for `at` when that is in the
/// future. A second call on a campaign that is already sending changes nothing.
pub fn send(
    conn: &mut DbConn,
    id: i64,
    at: Option<NaiveDateTime>,
) -> QueryResult<Option<SendResult>> {
    conn.write_transaction(|conn| {
        let Some(c) = find_locked(conn, id)? else {
            return Ok(None);
        };
        if !matches!(c.status, CampaignStatus::Draft | CampaignStatus::Scheduled) {
            return Ok(Some(SendResult::Unchanged));
        }
        match at.filter(|t| *t > now_utc()) {
            Some(t) => {
                diesel::update(camps::table.find(id))
                    .set((
                        camps::status.eq(CampaignStatus::Scheduled),
                        camps::scheduled_at.eq(Some(t)),
                        camps::updated_at.eq(now_utc()),
                    ))
                    .execute(conn)?;
                Ok(Some(SendResult::Scheduled))
            }
            None => {
                begin_sending(conn, &c)?;
                Ok(Some(SendResult::Started))
            }
        }
    })
}

fn set_queued_next_attempt(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    use crate::schema::outbox as ob;
    diesel::update(
        ob::table
            .filter(ob::source.eq(source(id)))
            .filter(ob::status.eq(outbox::OutboxStatus::Queued)),
    )
    .set(ob::next_attempt_at.eq(at))
    .execute(conn)
}

/// What staff can do to a campaign on its way out (from the back office or the API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Transition {
    /// [`pause`].
    Pause,
    /// [`resume`].
    Resume,
    /// [`cancel`].
    Cancel,
}

impl Transition {
    /// The audit log's name of it.
    pub fn audit_action(self) -> crate::audit::Action {
        match self {
            Transition::Pause => crate::audit::Action::NewsletterCampaignPause,
            Transition::Resume => crate::audit::Action::NewsletterCampaignResume,
            Transition::Cancel => crate::audit::Action::NewsletterCampaignCancel,
        }
    }

    /// The campaign's state afterwards, in the words of the staff page's notice.
    pub fn done(self) -> &'static str {
        match self {
            Transition::Pause => "paused",
            Transition::Resume => "resumed",
            Transition::Cancel => "cancelled",
        }
    }

    /// Applies it as `actor` and writes the audit log when the campaign changed. `None`: no such
    /// campaign; `Some(false)`: its state does not allow it (nothing changed).
    pub fn apply(
        self,
        conn: &mut DbConn,
        actor: &crate::accounts::CurrentUser,
        id: i64,
    ) -> QueryResult<Option<bool>> {
        let changed = match self {
            Transition::Pause => pause(conn, id)?,
            Transition::Resume => resume(conn, id)?,
            Transition::Cancel => cancel(conn, id)?,
        };
        if changed == Some(true) {
            crate::audit::record(
                conn,
                Some(actor),
                self.audit_action(),
                crate::audit::Target::NewsletterCampaign,
                Some(id.to_string()),
                serde_json::json!({}),
            )?;
        }
        Ok(changed)
    }
}

/// Pauses a scheduled or sending campaign: expansion stops and its queued mails are held.
/// Returns whether it changed.
pub fn pause(conn: &mut DbConn, id: i64) -> QueryResult<Option<bool>> {
    conn.write_transaction(|conn| {
        let Some(c) = find_locked(conn, id)? else {
            return Ok(None);
        };
        if !matches!(
            c.status,
            CampaignStatus::Scheduled | CampaignStatus::Sending
        ) {
            return Ok(Some(false));
        }
        diesel::update(camps::table.find(id))
            .set((
                camps::status.eq(CampaignStatus::Paused),
                camps::updated_at.eq(now_utc()),
            ))
            .execute(conn)?;
        set_queued_next_attempt(conn, id, now_utc() + Duration::days(365 * HOLD_YEARS))?;
        Ok(Some(true))
    })
}

/// Resumes a paused campaign: expansion goes on where it stopped and held mails are released.
pub fn resume(conn: &mut DbConn, id: i64) -> QueryResult<Option<bool>> {
    conn.write_transaction(|conn| {
        let Some(c) = find_locked(conn, id)? else {
            return Ok(None);
        };
        if c.status != CampaignStatus::Paused {
            return Ok(Some(false));
        }
        if c.started_at.is_none() {
            begin_sending(conn, &c)?;
        } else {
            diesel::update(camps::table.find(id))
                .set((
                    camps::status.eq(CampaignStatus::Sending),
                    camps::updated_at.eq(now_utc()),
                ))
                .execute(conn)?;
        }
        set_queued_next_attempt(conn, id, now_utc())?;
        Ok(Some(true))
    })
}

/// Cancels a campaign that has not finished: its queued (unsent) mails are removed.
pub fn cancel(conn: &mut DbConn, id: i64) -> QueryResult<Option<bool>> {
    conn.write_transaction(|conn| {
        let Some(c) = find_locked(conn, id)? else {
            return Ok(None);
        };
        if !matches!(
            c.status,
            CampaignStatus::Draft
                | CampaignStatus::Scheduled
                | CampaignStatus::Sending
                | CampaignStatus::Paused
        ) {
            return Ok(Some(false));
        }
        diesel::update(camps::table.find(id))
            .set((
                camps::status.eq(CampaignStatus::Cancelled),
                camps::updated_at.eq(now_utc()),
            ))
            .execute(conn)?;
        use crate::schema::outbox as ob;
        diesel::delete(
            ob::table
                .filter(ob::source.eq(source(id)))
                .filter(ob::status.eq(outbox::OutboxStatus::Queued)),
        )
        .execute(conn)?;
        Ok(Some(true))
    })
}

/// The rendered parts of an issue that are the same for every recipient.
pub struct Rendered {
    /// Subject.
    pub subject: String,
    /// Sanitized HTML body.
    pub html: String,
    /// Plain-text body.
    pub text: String,
}

/// Renders the Markdown of a campaign once.
pub fn render(c: &Campaign) -> Rendered {
    Rendered {
        subject: c.subject.clone(),
        html: markdown::to_html(&c.body_markdown),
        text: markdown::to_text(&c.body_markdown),
    }
}

/// The mail of an issue to one subscriber (greeting, footer, list headers, dedupe key).
pub fn issue_mail(links: &Links, r: &Rendered, campaign_id: i64, to: &Recipient) -> OutgoingMail {
    let lang = views::Lang::from_code(&to.lang).unwrap_or_default();
    let preferences_url = links.preferences_url(&to.nonce);
    let archive_url = links.url(&format!("/newsletter/archive/{campaign_id}"));
    let body = views::newsletter::mail::issue(
        lang,
        &issue_view(r, &to.name, &preferences_url, &archive_url),
    );
    OutgoingMail {
        text: body.text,
        html: body.html,
        headers: links.list_headers(&to.nonce),
        ..issue_envelope(body.subject, campaign_id, to)
    }
}

fn issue_view<'a>(
    r: &'a Rendered,
    name: &'a str,
    preferences_url: &'a str,
    archive_url: &'a str,
) -> views::newsletter::mail::IssueMail<'a> {
    views::newsletter::mail::IssueMail {
        subject: &r.subject,
        body_text: &r.text,
        body_html: &r.html,
        name,
        preferences_url,
        archive_url,
    }
}

/// What an issue's outbox row carries besides its content: recipient, subject, dedupe key.
fn issue_envelope(subject: String, campaign_id: i64, to: &Recipient) -> OutgoingMail {
    OutgoingMail {
        kind: MailKind::Newsletter,
        to: to.email.clone(),
        to_name: (!to.name.is_empty()).then(|| to.name.clone()),
        subject,
        text: String::new(),
        html: String::new(),
        headers: Vec::new(),
        attachments: Vec::new(),
        dedupe_key: Some(format!("campaign:{campaign_id}:subscriber:{}", to.id)),
        source: Some(source(campaign_id)),
    }
}

/// The slots of an issue's template (see [`issue_template`]), in the order of the values.
mod slot {
    /// The greeting in the text part.
    pub const GREETING_TEXT: usize = 0;
    /// The greeting in the HTML part.
    pub const GREETING_HTML: usize = 1;
    /// The preference link in the text part.
    pub const PREFERENCES_TEXT: usize = 2;
    /// The preference link in the HTML part.
    pub const PREFERENCES_HTML: usize = 3;
    /// The `List-Unsubscribe` header.
    pub const LIST_UNSUBSCRIBE: usize = 4;
}

/// The issue in one language as a template: rendered once with markers in place of the
/// subscriber's greeting, preference link and `List-Unsubscribe`. Filled with
/// [`issue_values`] it is exactly [`issue_mail`]'s message.
pub fn issue_template(
    links: &Links,
    r: &Rendered,
    campaign_id: i64,
    lang: views::Lang,
) -> TemplateParts {
    use views::newsletter::mail::IssuePersonal;
    let m = Markers::new();
    let personal = IssuePersonal {
        greeting_text: m.slot(slot::GREETING_TEXT),
        greeting_html: m.slot(slot::GREETING_HTML),
        preferences_url_text: m.slot(slot::PREFERENCES_TEXT),
        preferences_url_html: m.slot(slot::PREFERENCES_HTML),
    };
    let archive_url = links.url(&format!("/newsletter/archive/{campaign_id}"));
    let body =
        views::newsletter::mail::issue_with(lang, &issue_view(r, "", "", &archive_url), &personal);
    let headers = links
        .list_headers("")
        .into_iter()
        .map(|(name, value)| {
            let value = if name == LIST_UNSUBSCRIBE {
                vec![Segment::Slot(slot::LIST_UNSUBSCRIBE)]
            } else {
                vec![Segment::Text(value)]
            };
            (name, value)
        })
        .collect();
    TemplateParts {
        subject: body.subject,
        text: m.split(&body.text, |n| n),
        html: m.split(&body.html, |n| n),
        headers,
    }
}

const LIST_UNSUBSCRIBE: &str = "List-Unsubscribe";

/// The values of [`issue_template`]'s slots for one subscriber.
pub fn issue_values(links: &Links, lang: views::Lang, to: &Recipient) -> Vec<String> {
    let personal = views::newsletter::mail::IssuePersonal::of(
        lang,
        &to.name,
        &links.preferences_url(&to.nonce),
    );
    let unsubscribe = links
        .list_headers(&to.nonce)
        .into_iter()
        .find(|(name, _)| name == LIST_UNSUBSCRIBE)
        .map(|(_, value)| value)
        .unwrap_or_default();
    let mut values = vec![String::new(); slot::LIST_UNSUBSCRIBE + 1];
    values[slot::GREETING_TEXT] = personal.greeting_text;
    values[slot::GREETING_HTML] = personal.greeting_html;
    values[slot::PREFERENCES_TEXT] = personal.preferences_url_text;
    values[slot::PREFERENCES_HTML] = personal.preferences_url_html;
    values[slot::LIST_UNSUBSCRIBE] = unsubscribe;
    values
}

/// Queues one batch of an issue: one template per language of the batch's subscribers (the
/// same row for the same content, batch after batch), one row per subscriber with their values.
fn queue_issue(
    conn: &mut DbConn,
    links: &Links,
    mailer: &Mailer,
    c: &Campaign,
    recipients: &[Recipient],
) -> QueryResult<usize> {
    let rendered = render(c);
    let mut by_lang: std::collections::BTreeMap<&'static str, Vec<&Recipient>> =
        std::collections::BTreeMap::new();
    for to in recipients {
        let lang = views::Lang::from_code(&to.lang).unwrap_or_default();
        by_lang.entry(lang.code()).or_default().push(to);
    }
    let mut inserted = 0;
    for (code, group) in by_lang {
        let lang = views::Lang::from_code(code).unwrap_or_default();
        let parts = issue_template(links, &rendered, c.id, lang);
        let template_id = template::store(conn, &format!("campaign:{}:{code}", c.id), &parts)?;
        let mails: Vec<(OutgoingMail, String, Vec<String>)> = group
            .into_iter()
            .map(|to| {
                (
                    issue_envelope(parts.subject.clone(), c.id, to),
                    mailer.new_message_id(),
                    issue_values(links, lang, to),
                )
            })
            .collect();
        inserted += outbox::insert_many_templated(conn, template_id, &mails)?;
    }
    Ok(inserted)
}

/// Queues the next batch of a sending campaign; returns how many rows were inserted and
/// whether the campaign is now completely queued (or not sending at all). A completely queued
/// campaign becomes `sent` once none of its mails waits in the outbox.
pub fn expand_batch(
    conn: &mut DbConn,
    links: &Links,
    mailer: &Mailer,
    id: i64,
    batch: i64,
) -> QueryResult<(usize, bool)> {
    conn.write_transaction(|conn| {
        let Some(c) = find_locked(conn, id)? else {
            return Ok((0, true));
        };
        if c.status != CampaignStatus::Sending {
            return Ok((0, true));
        }
        if c.expanded_through >= c.last_subscriber_id {
            // Everyone is queued: the issue is sent once the outbox has delivered (or given up
            // on) every mail of it; until then it can still be paused.
            let counts = outbox::counts(conn, Some(&c.source()))?;
            if counts.queued + counts.sending == 0 {
                let at = now_utc();
                diesel::update(camps::table.find(id))
                    .set((
                        camps::status.eq(CampaignStatus::Sent),
                        camps::sent_at.eq(Some(at)),
                        camps::updated_at.eq(at),
                    ))
                    .execute(conn)?;
            }
            return Ok((0, true));
        }
        let topics = c.topic_list();
        let recipients = next_recipients(
            conn,
            &topics,
            c.expanded_through,
            c.last_subscriber_id,
            batch,
        )?;
        let inserted = queue_issue(conn, links, mailer, &c, &recipients)?;
        let done = (recipients.len() as i64) < batch;
        let cursor = if done {
            c.last_subscriber_id
        } else {
            recipients.last().map_or(c.expanded_through, |r| r.id)
        };
        diesel::update(camps::table.find(id))
            .set((
                camps::expanded_through.eq(cursor),
                camps::updated_at.eq(now_utc()),
            ))
            .execute(conn)?;
        Ok((inserted, done))
    })
}

/// Starts the scheduled campaigns whose time has come; returns the ids of sending campaigns.
pub fn due(conn: &mut DbConn) -> QueryResult<Vec<i64>> {
    let ready: Vec<i64> = camps::table
        .filter(camps::status.eq(CampaignStatus::Scheduled))
        .filter(camps::scheduled_at.le(now_utc()))
        .select(camps::id)
        .load(conn)?;
    for id in ready {
        conn.write_transaction(|conn| {
            if let Some(c) = find_locked(conn, id)?
                && c.status == CampaignStatus::Scheduled
            {
                begin_sending(conn, &c)?;
            }
            Ok::<_, diesel::result::Error>(())
        })?;
    }
    camps::table
        .filter(camps::status.eq(CampaignStatus::Sending))
        .order(camps::id)
        .select(camps::id)
        .load(conn)
}

/// Counts of one campaign for staff and the API.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    /// Recipients when sending started.
    pub audience: i64,
    /// Outbox rows waiting (including those being sent).
    pub queued: i64,
    /// Accepted by the mail server.
    pub sent: i64,
    /// Given up.
    pub failed: i64,
    /// Subscribers who unsubscribed since sending started.
    pub unsubscribed_since: i64,
    /// Subscribers suppressed (bounces) since sending started.
    pub bounced_since: i64,
}

/// The counts of a campaign.
pub fn stats(conn: &mut DbConn, c: &Campaign) -> QueryResult<Stats> {
    let counts = outbox::counts(conn, Some(&c.source()))?;
    let mut since = |event: &str| -> QueryResult<i64> {
        match c.started_at {
            Some(at) => events::table
                .filter(events::event.eq(event.to_string()))
                .filter(events::at.ge(at))
                .count()
                .get_result(conn),
            None => Ok(0),
        }
    };
    let unsubscribed_since = since("unsubscribed")?;
    let bounced_since = since("suppressed")?;
    Ok(Stats {
        audience: i64::from(c.audience),
        queued: counts.queued + counts.sending,
        sent: counts.sent,
        failed: counts.failed,
        unsubscribed_since,
        bounced_since,
    })
}

/// A test copy of an issue to one address (a staff member), with the list headers of a
/// placeholder subscriber; not counted with the campaign.
pub fn test_mail(links: &Links, c: &Campaign, to: &str, name: &str, lang: &str) -> OutgoingMail {
    let placeholder = Recipient {
        id: 0,
        email: to.to_string(),
        name: name.to_string(),
        lang: lang.to_string(),
        nonce: "test".into(),
    };
    let mut mail = issue_mail(links, &render(c), c.id, &placeholder);
    mail.subject = format!("[TEST] {}", mail.subject);
    mail.dedupe_key = None;
    mail.source = Some(format!("campaign-test:{}", c.id));
    mail
}

/// Issues paused in the middle of sending, for the dashboard's 「今日の確認事項」: they wait for
/// staff to resume or cancel them.
pub fn pending(
    conn: &mut DbConn,
    lang: views::Lang,
) -> QueryResult<Vec<crate::web::pending::PendingItem>> {
    let paused: i64 = camps::table
        .filter(camps::status.eq(CampaignStatus::Paused))
        .count()
        .get_result(conn)?;
    Ok(crate::web::pending::PendingItem::of(
        paused,
        lang,
        "newsletter.pending_paused",
        "/staff/newsletter/campaigns",
    )
    .into_iter()
    .collect())
}
