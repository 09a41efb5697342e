//! Subscribing: double opt-in for the public form and the seminar registration box, and
//! imports with a recorded consent for staff (CSV, API).

use chrono::Duration;
use diesel::QueryResult;
use serde_json::json;

use super::links::{self, CONFIRM_PURPOSE, Links};
use super::queries::{self as q, NewSubscriber, Subscriber};
use super::requests;
use crate::db::DbConn;
use crate::mail::{Mailer, OutgoingMail};
use crate::time::now_utc;
use crate::tokens;

/// A validated subscription request.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// Address (lower-case, validated).
    pub email: String,
    /// Name.
    pub name: String,
    /// Company.
    pub company: String,
    /// Prefecture code.
    pub prefecture: Option<i32>,
    /// Industry code.
    pub industry: Option<String>,
    /// Topic codes (validated); empty means every active topic.
    pub topics: Vec<String>,
    /// Language of the mails.
    pub lang: views::Lang,
    /// Where consent was given (`web`, `seminar:12`, `import: ...`).
    pub source: String,
}

/// What a subscription request did. Callers must not show the difference to the visitor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A confirmation mail was queued.
    ConfirmationSent,
    /// Nothing was sent: a confirmation went out a moment ago, or the address is already
    /// subscribed or suppressed.
    NothingSent,
}

fn new_nonce() -> String {
    tokens::new_token()
}

fn resolve_topics(conn: &mut DbConn, topics: &[String]) -> QueryResult<Vec<String>> {
    if topics.is_empty() {
        Ok(q::list_topics(conn, false)?
            .into_iter()
            .map(|t| t.code)
            .collect())
    } else {
        Ok(topics.to_vec())
    }
}

/// Queues the confirmation mail with the link of `token`.
fn mail_confirmation(
    conn: &mut DbConn,
    mailer: &Mailer,
    base_url: &str,
    email: &str,
    name: &str,
    lang: views::Lang,
    token: &str,
) -> QueryResult<()> {
    let body = views::newsletter::mail::confirmation(
        lang,
        name,
        &links::confirm_url(base_url, token),
        q::CONFIRM_DAYS,
    );
    let mut mail = OutgoingMail::transactional(email, &body.subject, body.text, body.html);
    mail.to_name = (!name.is_empty()).then(|| name.to_string());
    mail.source = Some(crate::mail::outbox::NEWSLETTER_CONFIRM_SOURCE.into());
    mailer.enqueue(conn, &mail)?;
    Ok(())
}

/// Gives a pending subscriber a new confirmation token and mails its link.
fn send_confirmation(
    conn: &mut DbConn,
    mailer: &Mailer,
    base_url: &str,
    s: &Subscriber,
    name: &str,
) -> QueryResult<()> {
    let token = tokens::new_token();
    q::set_confirmation(conn, s.id, &tokens::hash_for(CONFIRM_PURPOSE, &token))?;
    let lang = views::Lang::from_code(&s.lang).unwrap_or_default();
    mail_confirmation(conn, mailer, base_url, &s.email, name, lang, &token)
}

/// Double opt-in: records the request and queues a confirmation mail, unless one went out
/// within [`q::RESEND_WINDOW_MINUTES`] or the address already receives the newsletter (or is
/// suppressed). Runs in one write transaction.
pub fn subscribe(
    conn: &mut DbConn,
    mailer: &Mailer,
    base_url: &str,
    req: &Request,
) -> QueryResult<Outcome> {
    conn.write_transaction(|conn| subscribe_in(conn, mailer, base_url, req))
}

/// [`subscribe`] inside the caller's transaction.
fn subscribe_in(
    conn: &mut DbConn,
    mailer: &Mailer,
    base_url: &str,
    req: &Request,
) -> QueryResult<Outcome> {
    {
        let topics = resolve_topics(conn, &req.topics)?;
        let nonce = new_nonce();
        let new = NewSubscriber {
            email: &req.email,
            name: &req.name,
            company: &req.company,
            prefecture: req.prefecture,
            industry: req.industry.as_deref(),
            status: q::SubscriberStatus::Pending,
            lang: req.lang.code(),
            pref_nonce: &nonce,
            pref_token_hash: None,
            consent_source: &req.source,
        };
        if let Some(id) = q::insert(conn, &new)? {
            q::set_topics(conn, id, &topics)?;
            q::record_event(
                conn,
                id,
                "subscribed",
                &req.source,
                json!({ "topics": topics }),
            )?;
            let s = q::find(conn, id)?.ok_or(diesel::result::Error::NotFound)?;
            send_confirmation(conn, mailer, base_url, &s, &req.name)?;
            return Ok(Outcome::ConfirmationSent);
        }
        let Some(s) = q::find_by_email(conn, &req.email)? else {
            return Ok(Outcome::NothingSent);
        };
        if !matches!(
            s.status,
            q::SubscriberStatus::Pending | q::SubscriberStatus::Unsubscribed
        ) {
            return Ok(Outcome::NothingSent);
        }
        let last = s.confirm_sent_at.max(requests::latest_at(conn, s.id)?);
        let recent =
            last.is_some_and(|at| now_utc() - at < Duration::minutes(q::RESEND_WINDOW_MINUTES));
        if recent {
            return Ok(Outcome::NothingSent);
        }
        // A known address: nothing stored changes until the address confirms (see
        // `requests`); the submitted details wait with their own confirmation link.
        let token = tokens::new_token();
        requests::insert(
            conn,
            &requests::NewRequest {
                subscriber_id: s.id,
                token_hash: &tokens::hash_for(CONFIRM_PURPOSE, &token),
                name: &req.name,
                company: &req.company,
                prefecture: req.prefecture,
                industry: req.industry.as_deref(),
                lang: req.lang.code(),
                topics: &topics,
                source: &req.source,
            },
        )?;
        mail_confirmation(
            conn, mailer, base_url, &s.email, &req.name, req.lang, &token,
        )?;
        Ok(Outcome::ConfirmationSent)
    }
}

/// For the seminar registration form's "subscribe to the newsletter too" box: the same double
/// opt-in as the public form (a confirmation mail, nothing else until it is followed), for
/// every active topic. Call it inside the registration's transaction (it opens none itself),
/// so that the confirmation mail is queued with the registration. A malformed address is
/// ignored (`NothingSent`).
pub fn subscribe_pending(
    conn: &mut DbConn,
    mailer: &Mailer,
    base_url: &str,
    email: &str,
    name: &str,
    lang: views::Lang,
    source: &str,
) -> QueryResult<Outcome> {
    let Ok(email) = crate::validate::email(email) else {
        return Ok(Outcome::NothingSent);
    };
    let name = crate::validate::line(name, false, 100).unwrap_or_default();
    let source = crate::validate::line(source, false, 200)
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "seminar".into());
    subscribe_in(
        conn,
        mailer,
        base_url,
        &Request {
            email,
            name,
            lang,
            source,
            ..Request::default()
        },
    )
}

/// What a confirmation link is.
#[derive(Debug, Clone)]
pub enum LinkState {
    /// It confirms a subscription when used.
    Usable,
    /// It was used already: the address is subscribed (or paused).
    Subscribed(Box<Subscriber>),
    /// Unknown, expired, or the subscription ended since.
    Invalid,
}

/// What a subscriber's used (or reused) confirmation link says, if it still belongs to a live
/// subscription and has not expired.
fn reused(s: Subscriber) -> LinkState {
    let live = matches!(
        s.status,
        q::SubscriberStatus::Active | q::SubscriberStatus::Paused
    );
    let fresh = s.confirm_expires_at.is_some_and(|at| at >= now_utc());
    if live && fresh {
        LinkState::Subscribed(Box::new(s))
    } else {
        LinkState::Invalid
    }
}

/// Confirms a subscription by its token and queues the welcome mail with the preference link
/// (in the same transaction). A link opened again answers [`LinkState::Subscribed`].
pub fn confirm(
    conn: &mut DbConn,
    links: &Links,
    mailer: &Mailer,
    token: &str,
) -> QueryResult<(LinkState, bool)> {
    if !tokens::looks_valid(token) {
        return Ok((LinkState::Invalid, false));
    }
    let hash = tokens::hash_for(CONFIRM_PURPOSE, token);
    conn.write_transaction(|conn| {
        let confirmed = if let Some(request) = requests::find_valid(conn, &hash)? {
            let Some(s) = apply_request(conn, links, &request)? else {
                return Ok((LinkState::Invalid, false));
            };
            // The request is gone; the link keeps answering "subscribed" until it expires.
            q::keep_confirm_link(conn, s.id, &hash, request.expires_at)?;
            s
        } else {
            let Some(s) = q::find_by_confirm_hash(conn, &hash)? else {
                return Ok((LinkState::Invalid, false));
            };
            if s.status != q::SubscriberStatus::Pending {
                return Ok((reused(s), false));
            }
            if s.confirm_expires_at.is_none_or(|at| at < now_utc()) {
                return Ok((LinkState::Invalid, false));
            }
            q::activate(conn, s.id, &links.pref_hash(&s.pref_nonce))?;
            q::record_event(conn, s.id, "confirmed", "web", json!({}))?;
            requests::delete_of(conn, s.id)?;
            let Some(s) = q::find(conn, s.id)? else {
                return Ok((LinkState::Invalid, false));
            };
            s
        };
        mail_welcome(conn, mailer, links, &confirmed)?;
        Ok((LinkState::Subscribed(Box::new(confirmed)), true))
    })
}

/// Queues the welcome mail after a confirmation: what comes, and the preference link.
fn mail_welcome(
    conn: &mut DbConn,
    mailer: &Mailer,
    links: &Links,
    s: &Subscriber,
) -> QueryResult<()> {
    let lang = views::Lang::from_code(&s.lang).unwrap_or_default();
    let body = views::newsletter::mail::welcome(
        lang,
        &s.name,
        &links.preferences_url(&s.pref_nonce),
        &links.url("/newsletter/archive"),
    );
    let mut mail = OutgoingMail::transactional(&s.email, &body.subject, body.text, body.html);
    mail.to_name = (!s.name.is_empty()).then(|| s.name.clone());
    mail.source = Some(crate::mail::outbox::NEWSLETTER_CONFIRM_SOURCE.into());
    mailer.enqueue(conn, &mail)?;
    Ok(())
}

/// Applies a confirmed request to its subscriber: the details as submitted, the topics, the
/// consent (with its source) and the confirmation; the other waiting requests go.
fn apply_request(
    conn: &mut DbConn,
    links: &Links,
    request: &requests::StoredRequest,
) -> QueryResult<Option<Subscriber>> {
    let Some(s) = q::find(conn, request.subscriber_id)? else {
        return Ok(None);
    };
    if s.status == q::SubscriberStatus::Suppressed {
        return Ok(None);
    }
    let topics = request.topic_codes();
    q::update_details(
        conn,
        s.id,
        &q::NewSubscriber {
            email: &s.email,
            name: &request.name,
            company: &request.company,
            prefecture: request.prefecture,
            industry: request.industry.as_deref(),
            status: q::SubscriberStatus::Active,
            lang: &request.lang,
            pref_nonce: &s.pref_nonce,
            pref_token_hash: s.pref_token_hash.as_deref(),
            consent_source: &request.source,
        },
    )?;
    q::set_topics(conn, s.id, &topics)?;
    q::record_event(
        conn,
        s.id,
        "subscribed",
        &request.source,
        json!({ "topics": topics, "requested_at": crate::time::rfc3339(request.created_at) }),
    )?;
    q::activate(conn, s.id, &links.pref_hash(&s.pref_nonce))?;
    q::record_event(conn, s.id, "confirmed", "web", json!({}))?;
    requests::delete_of(conn, s.id)?;
    q::find(conn, s.id)
}

/// What a confirmation token is now (for the GET page), without using it.
pub fn link_state(conn: &mut DbConn, token: &str) -> QueryResult<LinkState> {
    if !tokens::looks_valid(token) {
        return Ok(LinkState::Invalid);
    }
    let hash = tokens::hash_for(CONFIRM_PURPOSE, token);
    if requests::find_valid(conn, &hash)?.is_some() {
        return Ok(LinkState::Usable);
    }
    Ok(match q::find_by_confirm_hash(conn, &hash)? {
        Some(s) if s.status == q::SubscriberStatus::Pending => {
            if s.confirm_expires_at.is_some_and(|at| at >= now_utc()) {
                LinkState::Usable
            } else {
                LinkState::Invalid
            }
        }
        Some(s) => reused(s),
        None => LinkState::Invalid,
    })
}

/// One address to import with a consent recorded elsewhere.
#[derive(Debug, Clone)]
pub struct Import {
    /// Address (lower-case, validated).
    pub email: String,
    /// Name.
    pub name: String,
    /// Company.
    pub company: String,
    /// Topic codes (validated); empty means every active topic.
    pub topics: Vec<String>,
    /// Active at once (`confirmed`) or through a confirmation mail.
    pub confirmed: bool,
}

/// What an import did to one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportResult {
    /// A new subscriber.
    Created(i64),
    /// A known address, updated (unless it had unsubscribed or was suppressed, which an
    /// import never overrides).
    Existing(i64),
}

/// Imports addresses (all or none: call it inside a transaction). Confirmed rows become
/// active at once; others get a confirmation mail. An address that unsubscribed or was
/// suppressed stays so.
pub fn import(
    conn: &mut DbConn,
    mailer: &Mailer,
    links: &Links,
    base_url: &str,
    rows: &[Import],
    source: &str,
) -> QueryResult<Vec<ImportResult>> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let topics = resolve_topics(conn, &row.topics)?;
        let nonce = new_nonce();
        let pref_hash = links.pref_hash(&nonce);
        let new = NewSubscriber {
            email: &row.email,
            name: &row.name,
            company: &row.company,
            prefecture: None,
            industry: None,
            status: if row.confirmed {
                q::SubscriberStatus::Active
            } else {
                q::SubscriberStatus::Pending
            },
            lang: "ja",
            pref_nonce: &nonce,
            pref_token_hash: Some(&pref_hash),
            consent_source: source,
        };
        if let Some(id) = q::insert(conn, &new)? {
            q::set_topics(conn, id, &topics)?;
            q::record_event(
                conn,
                id,
                "imported",
                source,
                json!({ "topics": topics, "confirmed": row.confirmed }),
            )?;
            if !row.confirmed {
                let s = q::find(conn, id)?.ok_or(diesel::result::Error::NotFound)?;
                send_confirmation(conn, mailer, base_url, &s, &row.name)?;
            }
            out.push(ImportResult::Created(id));
            continue;
        }
        let Some(s) = q::find_by_email(conn, &row.email)? else {
            continue;
        };
        if s.status == q::SubscriberStatus::Pending && row.confirmed {
            q::activate(conn, s.id, &links.pref_hash(&s.pref_nonce))?;
            q::set_topics(conn, s.id, &topics)?;
            q::record_event(
                conn,
                s.id,
                "imported",
                source,
                json!({ "topics": topics, "confirmed": true }),
            )?;
        }
        out.push(ImportResult::Existing(s.id));
    }
    Ok(out)
}
