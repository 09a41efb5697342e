//! Mail that comes back: delivery status notifications (RFC 3464) and unsubscribe requests by
//! mail (the `mailto:` of `List-Unsubscribe`, RFC 2369), from files (`secunity bounces import`) or
//! the staff API.
//!
//! A hard failure (`Action: failed`, `Status: 5.x.x`) suppresses the address at once; a soft one
//! (`4.x.x`) after three in a row (a confirmation resets the count). An unsubscribe request is
//! the subject `unsubscribe <token>` that the `mailto:` link fills in: the token, not the
//! sender's address (which anyone can forge), says whom to unsubscribe.

use std::path::PathBuf;

use diesel::prelude::*;
use mail_parser::{MessageParser, MimeHeaders};
use serde::Serialize;

use super::queries::{self as q, SubscriberStatus};
use crate::db::DbConn;
use crate::schema::newsletter_subscribers as subs;
use crate::time::now_utc;

/// Soft bounces in a row that suppress an address.
pub const SOFT_LIMIT: i32 = 3;

/// One failed recipient of a DSN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bounce {
    /// The address we sent to (lower-case).
    pub recipient: String,
    /// The status code (`5.1.1`).
    pub status: String,
    /// Permanent (5.x.x) or temporary (4.x.x).
    pub hard: bool,
}

fn address_of(value: &str) -> Option<String> {
    // "rfc822; user@example.jp" (the address type is optional in practice)
    let addr = value.split_once(';').map_or(value, |(_, a)| a).trim();
    let addr = addr.trim_start_matches('<').trim_end_matches('>');
    crate::validate::email(addr).ok()
}

/// Reads the `message/delivery-status` part of a DSN; a mail without one yields nothing.
pub fn parse_dsn(raw: &[u8]) -> Vec<Bounce> {
    let Some(message) = MessageParser::default().parse(raw) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for part in &message.parts {
        let is_status = part.content_type().is_some_and(|ct| {
            ct.ctype().eq_ignore_ascii_case("message")
                && ct.subtype().is_some_and(|s| {
                    s.eq_ignore_ascii_case("delivery-status")
                        || s.eq_ignore_ascii_case("global-delivery-status")
                })
        });
        if is_status {
            out.extend(parse_status_fields(&String::from_utf8_lossy(
                part.contents(),
            )));
        }
    }
    out
}

/// The per-recipient field groups of a delivery-status body (RFC 3464 §2.3).
fn parse_status_fields(body: &str) -> Vec<Bounce> {
    let text = body.replace("\r\n", "\n");
    let mut out = Vec::new();
    for group in text.split("\n\n") {
        let unfolded = group.replace("\n ", " ").replace("\n\t", " ");
        let mut original = None;
        let mut fin = None;
        let mut action = String::new();
        let mut status = String::new();
        for line in unfolded.lines() {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            match name.trim().to_ascii_lowercase().as_str() {
                "original-recipient" => original = address_of(value),
                "final-recipient" => fin = address_of(value),
                "action" => action = value.to_ascii_lowercase(),
                "status" => {
                    status = value.split_whitespace().next().unwrap_or("").to_string();
                }
                _ => {}
            }
        }
        let Some(recipient) = original.or(fin) else {
            continue;
        };
        if action != "failed" && action != "delayed" {
            continue;
        }
        let hard = action == "failed" && status.starts_with('5');
        if hard || status.starts_with('4') {
            out.push(Bounce {
                recipient,
                status,
                hard,
            });
        }
    }
    out
}

/// The preference token of an unsubscribe request by mail (subject `unsubscribe <token>`, with
/// any `Re:` or similar before it), if the mail is one.
pub fn unsubscribe_request(raw: &[u8]) -> Option<String> {
    let message = MessageParser::default().parse(raw)?;
    let mut words = message.subject()?.split_whitespace();
    words.find(|w| w.eq_ignore_ascii_case("unsubscribe"))?;
    let token = words.next()?;
    crate::tokens::looks_valid(token).then(|| token.to_string())
}

/// Unsubscribes the subscriber of each token (consent history: `mailto:<source>`); returns how
/// many subscriptions ended (unknown tokens and ended subscriptions count nothing).
pub fn apply_unsubscribes(
    conn: &mut DbConn,
    tokens: &[String],
    source: &str,
) -> QueryResult<usize> {
    conn.write_transaction(|conn| {
        let mut ended = 0;
        for token in tokens {
            if let Some(s) = q::find_by_pref_token(conn, token)?
                && q::end_subscription(
                    conn,
                    &s,
                    q::SubscriberStatus::Unsubscribed,
                    &format!("mailto:{source}"),
                )?
            {
                ended += 1;
            }
        }
        Ok(ended)
    })
}

/// What came back in a set of mails.
#[derive(Debug, Default)]
pub struct Returned {
    /// Failed recipients of the DSNs.
    pub bounces: Vec<Bounce>,
    /// Tokens of the unsubscribe requests.
    pub unsubscribes: Vec<String>,
    /// Mails that were neither.
    pub other: usize,
}

impl Returned {
    /// Sorts one raw mail in.
    pub fn add(&mut self, raw: &[u8]) {
        let bounces = parse_dsn(raw);
        if !bounces.is_empty() {
            self.bounces.extend(bounces);
        } else if let Some(token) = unsubscribe_request(raw) {
            self.unsubscribes.push(token);
        } else {
            self.other += 1;
        }
    }
}

/// What a bounce did.
#[derive(Debug, Clone, Serialize)]
pub struct Applied {
    /// The address.
    pub recipient: String,
    /// The status code.
    pub status: String,
    /// Whether the address is now suppressed.
    pub suppressed: bool,
    /// Whether the address is a subscriber at all.
    pub known: bool,
}

/// Records bounces against subscribers, suppressing as the rules say.
pub fn apply(conn: &mut DbConn, bounces: &[Bounce], source: &str) -> QueryResult<Vec<Applied>> {
    conn.write_transaction(|conn| {
        let mut out = Vec::new();
        for b in bounces {
            let Some(s) = q::find_by_email(conn, &b.recipient)? else {
                out.push(Applied {
                    recipient: b.recipient.clone(),
                    status: b.status.clone(),
                    suppressed: false,
                    known: false,
                });
                continue;
            };
            let (hard, soft) = if b.hard {
                (s.hard_bounces + 1, s.soft_bounces)
            } else {
                (s.hard_bounces, s.soft_bounces + 1)
            };
            diesel::update(subs::table.find(s.id))
                .set((
                    subs::hard_bounces.eq(hard),
                    subs::soft_bounces.eq(soft),
                    subs::last_bounce_at.eq(Some(now_utc())),
                ))
                .execute(conn)?;
            let suppress = b.hard || soft >= SOFT_LIMIT;
            if suppress {
                q::end_subscription(
                    conn,
                    &s,
                    SubscriberStatus::Suppressed,
                    &format!("bounce:{source}:{}", b.status),
                )?;
            }
            out.push(Applied {
                recipient: b.recipient.clone(),
                status: b.status.clone(),
                suppressed: suppress || s.status == SubscriberStatus::Suppressed,
                known: true,
            });
        }
        Ok(out)
    })
}

/// `secunity bounces import FILE...`: reads each mail file, applies the bounces of the DSNs and
/// the unsubscribe requests; returns counts only (no addresses: logs and output stay free of
/// personal data).
pub fn import_files(conn: &mut DbConn, files: Vec<PathBuf>) -> anyhow::Result<serde_json::Value> {
    let mut returned = Returned::default();
    let mut unreadable = 0usize;
    for file in &files {
        match std::fs::read(file) {
            Ok(raw) => returned.add(&raw),
            Err(e) => {
                unreadable += 1;
                tracing::warn!(file = %file.display(), error = %e, "cannot read a returned mail");
            }
        }
    }
    let applied = apply(conn, &returned.bounces, "file")?;
    let unsubscribed = apply_unsubscribes(conn, &returned.unsubscribes, "file")?;
    Ok(serde_json::json!({
        "files": files.len(),
        "unreadable": unreadable,
        "bounces": returned.bounces.len(),
        "known": applied.iter().filter(|a| a.known).count(),
        "suppressed": applied.iter().filter(|a| a.suppressed).count(),
        "unsubscribe_requests": returned.unsubscribes.len(),
        "unsubscribed": unsubscribed,
        "other": returned.other,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A DSN as a mail server writes it (RFC 3464 §6 style).
    pub const SAMPLE: &str = "From: MAILER-DAEMON@mx.example.jp\r\nTo: no-reply@secunity.example\r\nSubject: Undelivered Mail Returned to Sender\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"BND\"\r\n\r\n--BND\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nThis is the mail system.\r\n\r\n--BND\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.jp\r\nArrival-Date: Mon, 23 Nov 2026 10:00:00 +0900\r\n\r\nFinal-Recipient: rfc822; gone@example.jp\r\nOriginal-Recipient: rfc822;Gone@Example.jp\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 user unknown\r\n\r\nFinal-Recipient: rfc822; full@example.jp\r\nAction: failed\r\nStatus: 4.2.2\r\n\r\nFinal-Recipient: rfc822; fine@example.jp\r\nAction: delivered\r\nStatus: 2.0.0\r\n\r\n--BND--\r\n";

    #[test]
    fn unsubscribe_requests_carry_a_token_in_the_subject() {
        let token = crate::tokens::new_token();
        let mail = |subject: &str| format!("From: a@example.jp\r\nSubject: {subject}\r\n\r\n");
        for subject in [
            format!("unsubscribe {token}"),
            format!("Re: UNSUBSCRIBE {token}"),
        ] {
            assert_eq!(
                unsubscribe_request(mail(&subject).as_bytes()),
                Some(token.clone()),
                "{subject}"
            );
        }
        for subject in ["unsubscribe", "unsubscribe me please", "hello"] {
            assert_eq!(
                unsubscribe_request(mail(subject).as_bytes()),
                None,
                "{subject}"
            );
        }
        let mut returned = Returned::default();
        returned.add(SAMPLE.as_bytes());
        returned.add(mail(&format!("unsubscribe {token}")).as_bytes());
        returned.add(mail("hello").as_bytes());
        assert_eq!(
            (
                returned.bounces.len(),
                returned.unsubscribes.len(),
                returned.other
            ),
            (2, 1, 1)
        );
    }

    #[test]
    fn hard_and_soft_failures_are_read() {
        let b = parse_dsn(SAMPLE.as_bytes());
        assert_eq!(
            b,
            vec![
                Bounce {
                    recipient: "gone@example.jp".into(),
                    status: "5.1.1".into(),
                    hard: true
                },
                Bounce {
                    recipient: "full@example.jp".into(),
                    status: "4.2.2".into(),
                    hard: false
                },
            ]
        );
        assert!(parse_dsn(b"Subject: hello\r\n\r\nnot a dsn").is_empty());
        assert!(parse_dsn(b"").is_empty());
    }
}
