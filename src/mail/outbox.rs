//! Queries on the outbox: insert, claim with a lease, record results, staff counts and retry.

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

use super::OutgoingMail;
use crate::db::DbConn;
use crate::schema::{mail_throttle, outbox};

crate::api_enum! {
    /// Where a message of the outbox is.
    pub enum OutboxStatus {
        /// Waiting for its turn.
        Queued = "queued",
        /// Claimed by a sender whose lease has not expired.
        Sending = "sending",
        /// Accepted by the SMTP server (or written to a file).
        Sent = "sent",
        /// Given up (permanent failure or too many attempts).
        Failed = "failed",
    }
}

/// A stored message, as a sender needs it.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = outbox)]
pub struct OutboxRow {
    /// Row id.
    pub id: i64,
    /// Transactional or newsletter.
    pub kind: super::MailKind,
    /// Recipient address.
    pub recipient: String,
    /// Recipient display name.
    pub recipient_name: Option<String>,
    /// Subject.
    pub subject: String,
    /// Plain-text body.
    pub body_text: String,
    /// HTML body.
    pub body_html: String,
    /// JSON list of extra headers.
    pub headers: String,
    /// JSON list of attachments.
    pub attachments: String,
    /// Stable Message-ID, the same on every attempt.
    pub message_id: String,
    /// Attempts so far.
    pub attempts: i32,
    /// When the row was queued (also the `Date` header, stable across attempts).
    pub created_at: NaiveDateTime,
    /// The template the message is built from (then the bodies and headers are empty).
    pub template_id: Option<i64>,
    /// JSON list of the values of the template's slots.
    pub template_values: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = outbox, treat_none_as_default_value = false)]
struct NewOutboxRow<'a> {
    kind: super::MailKind,
    priority: i32,
    recipient: &'a str,
    recipient_name: Option<&'a str>,
    subject: &'a str,
    body_text: &'a str,
    body_html: &'a str,
    headers: String,
    attachments: String,
    message_id: &'a str,
    dedupe_key: Option<&'a str>,
    source: Option<&'a str>,
    status: OutboxStatus,
    attempts: i32,
    next_attempt_at: NaiveDateTime,
    created_at: NaiveDateTime,
    template_id: Option<i64>,
    template_values: Option<String>,
}

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

impl<'a> NewOutboxRow<'a> {
    fn from_mail(mail: &'a OutgoingMail, message_id: &'a str, at: NaiveDateTime) -> Self {
        Self {
            kind: mail.kind,
            priority: mail.kind.priority(),
            recipient: &mail.to,
            recipient_name: mail.to_name.as_deref(),
            subject: &mail.subject,
            body_text: &mail.text,
            body_html: &mail.html,
            headers: serde_json::to_string(&mail.headers).unwrap_or_else(|_| "[]".into()),
            attachments: serde_json::to_string(&mail.attachments).unwrap_or_else(|_| "[]".into()),
            message_id,
            dedupe_key: mail.dedupe_key.as_deref(),
            source: mail.source.as_deref(),
            status: OutboxStatus::Queued,
            attempts: 0,
            next_attempt_at: at,
            created_at: at,
            template_id: None,
            template_values: None,
        }
    }
}

/// Inserts one message; `None` when its `dedupe_key` is taken.
pub fn insert(
    conn: &mut DbConn,
    mail: &OutgoingMail,
    message_id: &str,
) -> QueryResult<Option<i64>> {
    let row = NewOutboxRow::from_mail(mail, message_id, now());
    crate::per_backend!(conn, |c| diesel::insert_into(outbox::table)
        .values(&row)
        .on_conflict_do_nothing()
        .returning(outbox::id)
        .get_result::<i64>(c)
        .optional())
}

/// Inserts many messages in one statement per chunk; rows whose `dedupe_key` is taken are
/// skipped. Returns how many were inserted.
pub fn insert_many(conn: &mut DbConn, mails: &[(OutgoingMail, String)]) -> QueryResult<usize> {
    let at = now();
    insert_rows(
        conn,
        mails
            .iter()
            .map(|(mail, id)| NewOutboxRow::from_mail(mail, id, at)),
    )
}

/// Inserts many messages built from template `template_id` (see [`super::template`]): each
/// with its Message-ID and the values of the template's slots; the mail's own bodies and
/// headers are not stored (the template has them). Rows whose `dedupe_key` is taken are
/// skipped. Returns how many were inserted.
pub fn insert_many_templated(
    conn: &mut DbConn,
    template_id: i64,
    mails: &[(OutgoingMail, String, Vec<String>)],
) -> QueryResult<usize> {
    let at = now();
    insert_rows(
        conn,
        mails.iter().map(|(mail, id, values)| NewOutboxRow {
            body_text: "",
            body_html: "",
            headers: "[]".into(),
            template_id: Some(template_id),
            template_values: Some(serde_json::to_string(values).unwrap_or_else(|_| "[]".into())),
            ..NewOutboxRow::from_mail(mail, id, at)
        }),
    )
}

fn insert_rows<'a>(
    conn: &mut DbConn,
    rows: impl Iterator<Item = NewOutboxRow<'a>>,
) -> QueryResult<usize> {
    let rows: Vec<NewOutboxRow> = rows.collect();
    let mut inserted = 0;
    // SQLite allows at most 32,766 bound values per statement; 18 columns × 500 rows is safe.
    for chunk in rows.chunks(500) {
        inserted += crate::per_backend!(conn, |c| diesel::insert_into(outbox::table)
            .values(chunk)
            .on_conflict_do_nothing()
            .execute(c))?;
    }
    Ok(inserted)
}

/// Takes up to `tokens` tokens from the global rate bucket (refilled at `rate` per second, at
/// most one second's worth) and returns how many were granted. Call inside the claim
/// transaction, so every sender on every machine shares one budget.
fn take_tokens(conn: &mut DbConn, rate: f64, wanted: i64) -> QueryResult<i64> {
    let at = now();
    let query = mail_throttle::table
        .find(1)
        .select((mail_throttle::tokens, mail_throttle::updated_at));
    let (tokens, updated_at): (f64, NaiveDateTime) = match conn {
        DbConn::Pg(pg) => query.for_update().first(pg)?,
        DbConn::Sqlite(_) => query.first(conn)?,
    };
    let elapsed = (at - updated_at).num_microseconds().unwrap_or(i64::MAX) as f64 / 1e6;
    let available = (tokens + rate * elapsed.max(0.0)).min(rate.max(1.0));
    let granted = (available.floor() as i64).clamp(0, wanted);
    diesel::update(mail_throttle::table.find(1))
        .set((
            mail_throttle::tokens.eq(available - granted as f64),
            mail_throttle::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(granted)
}

/// Claims up to `limit` due rows for `owner` until `lease_until`: queued rows whose time has
/// come, and rows whose sender's lease expired (it died). Within the global rate.
///
/// The two kinds of due rows are read by two queries, each walking the `outbox_due` index
/// `(status, priority, next_attempt_at)` in claim order and stopping after `limit` rows; one
/// query with `OR` would read and sort every due row on each claim (a temporary B-tree over the
/// whole queue on SQLite), which made a claim cost milliseconds per thousand rows waiting.
/// Tokens are taken only for the rows actually claimed.
pub fn claim(
    conn: &mut DbConn,
    owner: &str,
    limit: i64,
    rate: f64,
    lease: chrono::Duration,
) -> QueryResult<Vec<OutboxRow>> {
    conn.write_transaction(|conn| {
        let at = now();
        let order = (outbox::priority, outbox::next_attempt_at, outbox::id);
        let key = (outbox::id, outbox::priority, outbox::next_attempt_at);
        let queued = outbox::table
            .filter(outbox::status.eq(OutboxStatus::Queued))
            .filter(outbox::next_attempt_at.le(at))
            .order(order)
            .select(key)
            .limit(limit);
        let expired = outbox::table
            .filter(outbox::status.eq(OutboxStatus::Sending))
            .filter(outbox::lease_until.lt(at))
            .order(order)
            .select(key)
            .limit(limit);
        let mut due: Vec<(i64, i32, NaiveDateTime)> = match conn {
            // Several senders share the work: each skips the rows another has locked.
            DbConn::Pg(pg) => {
                let mut rows = queued.for_update().skip_locked().load(pg)?;
                rows.extend(
                    expired
                        .for_update()
                        .skip_locked()
                        .load::<(i64, i32, NaiveDateTime)>(pg)?,
                );
                rows
            }
            // BEGIN IMMEDIATE already made this sender the only writer.
            DbConn::Sqlite(_) => {
                let mut rows = queued.load(conn)?;
                rows.extend(expired.load::<(i64, i32, NaiveDateTime)>(conn)?);
                rows
            }
        };
        // Nothing due: an idle poll spends no tokens and writes nothing.
        if due.is_empty() {
            return Ok(Vec::new());
        }
        due.sort_unstable_by_key(|&(id, priority, next)| (priority, next, id));
        due.truncate(usize::try_from(limit).unwrap_or(0));
        let granted = take_tokens(conn, rate, due.len() as i64)?;
        due.truncate(usize::try_from(granted).unwrap_or(0));
        if due.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = due.iter().map(|&(id, _, _)| id).collect();
        let mut rows: Vec<OutboxRow> = crate::per_backend!(conn, |c| diesel::update(
            outbox::table.filter(outbox::id.eq_any(&ids))
        )
        .set((
            outbox::status.eq(OutboxStatus::Sending),
            outbox::lease_until.eq(at + lease),
            outbox::lease_owner.eq(owner),
        ))
        .returning(OutboxRow::as_returning())
        .get_results(c))?;
        let position: std::collections::HashMap<i64, usize> =
            ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        rows.sort_by_key(|r| position.get(&r.id).copied().unwrap_or(usize::MAX));
        Ok(rows)
    })
}

/// What happened to one attempt.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Accepted.
    Sent,
    /// Temporary failure: try again at the given time.
    Retry {
        /// When to try again.
        at: NaiveDateTime,
        /// The server's reply or the connection error.
        error: String,
    },
    /// Permanent failure (or too many attempts).
    Failed {
        /// The server's reply or the reason.
        error: String,
    },
}

/// Records the outcomes of a batch; only rows still leased by `owner` are touched, so a sender
/// that lost its lease cannot overwrite another's result.
///
/// One statement per kind of outcome rather than one per message: the sent rows together; the
/// failed ones together per server reply; the ones to retry together per reply, all of them
/// at the latest of their retry times (their backoffs differ only by the jitter, so none is
/// tried earlier than its own backoff said).
pub fn record(conn: &mut DbConn, owner: &str, outcomes: &[(i64, Outcome)]) -> QueryResult<()> {
    let at = now();
    let mut sent: Vec<i64> = Vec::new();
    let mut failed: std::collections::BTreeMap<&str, Vec<i64>> = Default::default();
    let mut retry: std::collections::BTreeMap<&str, (NaiveDateTime, Vec<i64>)> = Default::default();
    for (id, outcome) in outcomes {
        match outcome {
            Outcome::Sent => sent.push(*id),
            Outcome::Failed { error } => failed.entry(error).or_default().push(*id),
            Outcome::Retry { at: next, error } => {
                let group = retry.entry(error).or_insert((*next, Vec::new()));
                group.0 = group.0.max(*next);
                group.1.push(*id);
            }
        }
    }
    conn.write_transaction(|conn| {
        // An outcome whose commit a crash of the database server loses leaves its row leased:
        // it is sent again with the same Message-ID once the lease expires, a duplicate the
        // receiver can drop, never a loss. So PostgreSQL need not wait for the WAL flush here,
        // and the senders stop waiting for the disk at every chunk.
        if let DbConn::Pg(pg) = conn {
            diesel::connection::SimpleConnection::batch_execute(
                pg,
                "SET LOCAL synchronous_commit TO OFF",
            )?;
        }
        let mine = |ids: &[i64]| {
            outbox::table
                .filter(outbox::id.eq_any(ids.to_vec()))
                .filter(outbox::lease_owner.eq(owner.to_string()))
        };
        for ids in sent.chunks(500) {
            diesel::update(mine(ids))
                .set((
                    outbox::status.eq(OutboxStatus::Sent),
                    outbox::attempts.eq(outbox::attempts + 1),
                    outbox::sent_at.eq(at),
                    outbox::lease_until.eq(None::<NaiveDateTime>),
                    outbox::last_error.eq(None::<String>),
                ))
                .execute(conn)?;
        }
        for (error, (next, ids)) in &retry {
            for ids in ids.chunks(500) {
                diesel::update(mine(ids))
                    .set((
                        outbox::status.eq(OutboxStatus::Queued),
                        outbox::attempts.eq(outbox::attempts + 1),
                        outbox::next_attempt_at.eq(*next),
                        outbox::lease_until.eq(None::<NaiveDateTime>),
                        outbox::last_error.eq(*error),
                    ))
                    .execute(conn)?;
            }
        }
        for (error, ids) in &failed {
            for ids in ids.chunks(500) {
                diesel::update(mine(ids))
                    .set((
                        outbox::status.eq(OutboxStatus::Failed),
                        outbox::attempts.eq(outbox::attempts + 1),
                        outbox::lease_until.eq(None::<NaiveDateTime>),
                        outbox::last_error.eq(*error),
                    ))
                    .execute(conn)?;
            }
        }
        Ok(())
    })
}

/// Counts of rows by status.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct StatusCounts {
    /// Waiting.
    pub queued: i64,
    /// Being sent.
    pub sending: i64,
    /// Accepted.
    pub sent: i64,
    /// Given up.
    pub failed: i64,
}

/// Counts by status, for all rows or those of one `source`.
pub fn counts(conn: &mut DbConn, source: Option<&str>) -> QueryResult<StatusCounts> {
    let mut query = outbox::table
        .group_by(outbox::status)
        .select((outbox::status, diesel::dsl::count_star()))
        .into_boxed();
    if let Some(source) = source {
        query = query.filter(outbox::source.eq(source.to_string()));
    }
    let rows: Vec<(OutboxStatus, i64)> = query.load(conn)?;
    let mut counts = StatusCounts::default();
    for (status, n) in rows {
        match status {
            OutboxStatus::Queued => counts.queued = n,
            OutboxStatus::Sending => counts.sending = n,
            OutboxStatus::Sent => counts.sent = n,
            OutboxStatus::Failed => counts.failed = n,
        }
    }
    Ok(counts)
}

/// A failed message as staff see it.
#[derive(Debug, Clone, Queryable, Serialize)]
pub struct FailedMessage {
    /// Row id.
    pub id: i64,
    /// Transactional or newsletter.
    pub kind: super::MailKind,
    /// Recipient address.
    pub recipient: String,
    /// Subject.
    pub subject: String,
    /// Attempts made.
    pub attempts: i32,
    /// The last server reply or error.
    pub last_error: Option<String>,
    /// When it was queued.
    pub created_at: NaiveDateTime,
}

/// The most recent failed messages.
pub fn list_failed(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<FailedMessage>> {
    outbox::table
        .filter(outbox::status.eq(OutboxStatus::Failed))
        .order(outbox::id.desc())
        .limit(limit)
        .select((
            outbox::id,
            outbox::kind,
            outbox::recipient,
            outbox::subject,
            outbox::attempts,
            outbox::last_error,
            outbox::created_at,
        ))
        .load(conn)
}

/// Puts a failed message back in the queue (staff "retry"); false when it is not failed.
pub fn retry(conn: &mut DbConn, id: i64) -> QueryResult<bool> {
    let n = diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::status.eq(OutboxStatus::Failed)),
    )
    .set((
        outbox::status.eq(OutboxStatus::Queued),
        outbox::attempts.eq(0),
        outbox::next_attempt_at.eq(now()),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// How long a sent message keeps its content (bodies, attachments, extra headers).
pub const SENT_CONTENT_DAYS: i64 = 30;

/// Empties the content of messages sent before `before` (a template row's slot values with
/// it; the template itself holds nothing personal): the bodies carry names, personal links
/// and join URLs that nobody needs once the mail is out. The row itself stays (status, recipient,
/// Message-ID, dedupe key and source), so counts per campaign and seminar, the dedupe of
/// "exactly one mail per purpose" and bounce matching keep working. Returns how many rows were
/// emptied.
pub fn scrub_sent(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        outbox::table
            .filter(outbox::status.eq(OutboxStatus::Sent))
            .filter(outbox::sent_at.lt(before))
            .filter(
                outbox::body_text
                    .ne("")
                    .or(outbox::attachments.ne("[]"))
                    .or(outbox::template_values.is_not_null()),
            ),
    )
    .set((
        outbox::body_text.eq(""),
        outbox::body_html.eq(""),
        outbox::attachments.eq("[]"),
        outbox::headers.eq("[]"),
        outbox::template_values.eq(None::<String>),
    ))
    .execute(conn)
}

/// Which of a person's mails an erasure reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErasureScope {
    /// Every mail to the address (the person's account is deleted).
    All,
    /// Newsletter issues and newsletter confirmations only (a subscriber is removed; the mails
    /// of their seminar registrations stay with those registrations).
    Newsletter,
}

/// Source of the newsletter's confirmation mails (see `newsletter::subscribe`).
pub const NEWSLETTER_CONFIRM_SOURCE: &str = "newsletter:confirm";

/// Forgets the person in the mails sent or to be sent to `email`. Call it in the transaction
/// of the erasure. Queued mails are deleted (they will not go to a person who asked to be
/// forgotten) and so are failed ones (there is nothing left to retry, and staff no longer see
/// the address on `/staff/outbox`). Sent mails, and mails a sender holds at this moment, stay
/// as anonymous rows so that campaign and seminar counts keep adding up: the address becomes
/// a placeholder at an `.invalid` domain, and the name, bodies, headers (with their personal
/// links), template slot values, attachments and server replies are emptied. Returns how many rows were touched.
pub fn erase_recipient(conn: &mut DbConn, email: &str, scope: ErasureScope) -> QueryResult<usize> {
    let email = email.trim().to_lowercase();
    let mine = || {
        let rows = outbox::table
            .filter(outbox::recipient.eq(email.clone()))
            .into_boxed();
        match scope {
            ErasureScope::All => rows,
            ErasureScope::Newsletter => rows.filter(
                outbox::kind
                    .eq(super::MailKind::Newsletter)
                    .or(outbox::source.eq(NEWSLETTER_CONFIRM_SOURCE)),
            ),
        }
    };
    let dropped: Vec<i64> = mine()
        .filter(outbox::status.eq_any([OutboxStatus::Queued, OutboxStatus::Failed]))
        .select(outbox::id)
        .load(conn)?;
    let mut n = 0;
    for ids in dropped.chunks(500) {
        n += diesel::delete(outbox::table.filter(outbox::id.eq_any(ids))).execute(conn)?;
    }
    let kept: Vec<i64> = mine().select(outbox::id).load(conn)?;
    for id in kept {
        n += diesel::update(outbox::table.find(id))
            .set((
                outbox::recipient.eq(format!("erased-{id}{ERASED_DOMAIN}")),
                outbox::recipient_name.eq(None::<String>),
                outbox::body_text.eq(""),
                outbox::body_html.eq(""),
                outbox::headers.eq("[]"),
                outbox::attachments.eq("[]"),
                outbox::template_values.eq(None::<String>),
                outbox::last_error.eq(None::<String>),
            ))
            .execute(conn)?;
    }
    Ok(n)
}

/// The domain of the placeholder address of an erased recipient (RFC 2606: never delivered).
pub const ERASED_DOMAIN: &str = "@erased.invalid";

/// A mail as the person it went to sees it in "My data": what and when, never the body (it
/// holds personal links that still work).
#[derive(Debug, Clone, Queryable, Serialize)]
pub struct MailToPerson {
    /// Subject.
    pub subject: String,
    /// Transactional or newsletter.
    pub kind: super::MailKind,
    /// Queued, sending, sent or failed.
    pub status: OutboxStatus,
    /// When it was queued.
    pub created_at: NaiveDateTime,
    /// When the server accepted it.
    pub sent_at: Option<NaiveDateTime>,
}

/// The mails to an address, oldest first.
pub fn mails_to(conn: &mut DbConn, email: &str) -> QueryResult<Vec<MailToPerson>> {
    outbox::table
        .filter(outbox::recipient.eq(email.trim().to_lowercase()))
        .order(outbox::id)
        .select((
            outbox::subject,
            outbox::kind,
            outbox::status,
            outbox::created_at,
            outbox::sent_at,
        ))
        .load(conn)
}
