//! Messages built once and filled in per recipient.
//!
//! A newsletter issue is the same for every subscriber but for a few values: the greeting, the
//! link to their preferences, their `List-Unsubscribe`. Rendering, storing and building the whole
//! message again for each of 100,000 recipients is most of what a message costs, so a campaign
//! stores its issue once per language as a template ([`TemplateParts`]: the text and HTML
//! parts and the extra headers as literal [`Segment`]s and numbered slots) in `mail_templates`,
//! and each outbox row references it with the values of its slots (`template_values`). The
//! sender keeps the templates it has seen, with their fixed headers encoded once
//! ([`Prepared`]), and fills in a row's values to build its message (see
//! [`super::message::build_templated`]). Still one row per recipient, written in the same
//! transaction as its cause, with its own Message-ID.
//!
//! A template is made from an ordinary rendering: the feature renders its mail once with a
//! [`Markers`] value in place of each per-recipient value and cuts the result at the markers
//! ([`Markers::split`]). The markers carry a random nonce, so no content (a campaign's
//! Markdown, say) can pose as a slot. A slot's value is stored as it goes into its place: the
//! HTML part's values are escaped when the row is written, as the rendering would have
//! escaped them; header values pass [`super::message::header_safe`] when the message is built.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use lettre::message::header::{HeaderName, HeaderValue};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::message::{BuildError, header_safe};
use crate::db::DbConn;
use crate::schema::mail_templates;

/// One piece of a templated text: literal text, or the value of a slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Segment {
    /// Copied as it is.
    Text(String),
    /// Replaced by the row's value number `n`.
    Slot(usize),
}

/// What a template holds: everything of a message but the recipient and the slot values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateParts {
    /// Subject (the same for every recipient).
    pub subject: String,
    /// Plain-text part.
    pub text: Vec<Segment>,
    /// HTML part.
    pub html: Vec<Segment>,
    /// Extra headers (`List-Id`, `List-Unsubscribe`, ...), in order.
    pub headers: Vec<(String, Vec<Segment>)>,
}

impl TemplateParts {
    /// The number of values a row must bring: one more than the highest slot.
    pub fn slots(&self) -> usize {
        let all = self
            .text
            .iter()
            .chain(&self.html)
            .chain(self.headers.iter().flat_map(|(_, v)| v));
        all.filter_map(|s| match s {
            Segment::Slot(n) => Some(n + 1),
            Segment::Text(_) => None,
        })
        .max()
        .unwrap_or(0)
    }
}

/// Fills `segments` with `values` into `out`.
pub fn fill_into(
    out: &mut String,
    segments: &[Segment],
    values: &[String],
) -> Result<(), BuildError> {
    for s in segments {
        match s {
            Segment::Text(t) => out.push_str(t),
            Segment::Slot(n) => out.push_str(
                values
                    .get(*n)
                    .ok_or_else(|| BuildError(format!("the row has no value for slot {n}")))?,
            ),
        }
    }
    Ok(())
}

/// Fills `segments` with `values`.
pub fn fill(segments: &[Segment], values: &[String]) -> Result<String, BuildError> {
    let mut out = String::new();
    fill_into(&mut out, segments, values)?;
    Ok(out)
}

/// Stand-ins for per-recipient values in a rendering, cut out again by [`Markers::split`].
#[derive(Debug, Clone)]
pub struct Markers {
    nonce: String,
}

impl Default for Markers {
    fn default() -> Self {
        Self::new()
    }
}

impl Markers {
    /// Markers with a fresh random nonce.
    pub fn new() -> Self {
        Self {
            nonce: format!("{:016x}", rand::random::<u64>()),
        }
    }

    /// The stand-in of slot `n`: private-use characters around the nonce and the number,
    /// which no escaping (HTML, URL) of the renderings changes.
    pub fn slot(&self, n: usize) -> String {
        format!("\u{E000}{}:{n}\u{E001}", self.nonce)
    }

    /// Cuts `rendered` at the markers; `slot_of` maps the marker's number to the slot of this
    /// place (a value used in the text part and in the HTML part has one slot for each, as it
    /// is escaped differently).
    pub fn split(&self, rendered: &str, slot_of: impl Fn(usize) -> usize) -> Vec<Segment> {
        let open = format!("\u{E000}{}:", self.nonce);
        let mut out = Vec::new();
        let mut rest = rendered;
        while let Some(at) = rest.find(&open) {
            let after = &rest[at + open.len()..];
            let Some(end) = after.find('\u{E001}') else {
                break;
            };
            let Ok(n) = after[..end].parse::<usize>() else {
                break;
            };
            if at > 0 {
                push_text(&mut out, &rest[..at]);
            }
            out.push(Segment::Slot(slot_of(n)));
            rest = &after[end + '\u{E001}'.len_utf8()..];
        }
        if !rest.is_empty() {
            push_text(&mut out, rest);
        }
        out
    }
}

fn push_text(out: &mut Vec<Segment>, text: &str) {
    match out.last_mut() {
        Some(Segment::Text(t)) => t.push_str(text),
        _ => out.push(Segment::Text(text.to_string())),
    }
}

/// Stores `parts` under `purpose` (`campaign:12:ja`) and returns the template's id: the same id
/// for the same purpose and content, however often (and by however many processes) it is
/// asked for. Call it in the transaction that writes the rows referencing it.
pub fn store(conn: &mut DbConn, purpose: &str, parts: &TemplateParts) -> QueryResult<i64> {
    let json = serde_json::to_string(parts)
        .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
    let digest = Sha256::digest(json.as_bytes());
    let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
    let key = format!("{purpose}:{hex}");
    let at: NaiveDateTime = crate::time::now_utc();
    crate::per_backend!(conn, |c| diesel::insert_into(mail_templates::table)
        .values((
            mail_templates::key.eq(&key),
            mail_templates::parts.eq(&json),
            mail_templates::created_at.eq(at),
        ))
        .on_conflict_do_nothing()
        .execute(c))?;
    mail_templates::table
        .filter(mail_templates::key.eq(&key))
        .select(mail_templates::id)
        .first(conn)
}

/// Loads templates by id (those that exist).
pub fn load(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<(i64, TemplateParts)>> {
    let rows: Vec<(i64, String)> = mail_templates::table
        .filter(mail_templates::id.eq_any(ids))
        .select((mail_templates::id, mail_templates::parts))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, json)| match serde_json::from_str(&json) {
            Ok(parts) => Some((id, parts)),
            Err(_) => {
                tracing::warn!(template_id = id, "a mail template is not valid");
                None
            }
        })
        .collect())
}

/// A header of a template as the sender uses it: encoded once when it has no slot.
#[derive(Debug, Clone)]
pub enum PreparedHeader {
    /// Fixed for every recipient, already encoded.
    Fixed(HeaderValue),
    /// Filled in per recipient.
    Filled(HeaderName, Vec<Segment>),
}

/// A template ready to fill: the subject and fixed headers encoded, the MIME boundary chosen.
#[derive(Debug)]
pub struct Prepared {
    /// The subject, encoded per RFC 2047.
    pub subject: HeaderValue,
    /// The extra headers.
    pub headers: Vec<PreparedHeader>,
    /// The text part.
    pub text: Vec<Segment>,
    /// The HTML part.
    pub html: Vec<Segment>,
    /// How many values a row must bring.
    pub slots: usize,
    /// The boundary of the `multipart/alternative` body.
    pub boundary: String,
}

impl Prepared {
    /// Prepares stored parts; an invalid header name is a permanent error for every row.
    pub fn new(parts: TemplateParts) -> Result<Self, BuildError> {
        let slots = parts.slots();
        let name = |n: String| {
            HeaderName::new_from_ascii(n).map_err(|_| BuildError("invalid header name".into()))
        };
        let mut headers = Vec::with_capacity(parts.headers.len());
        for (n, value) in parts.headers {
            let n = name(n)?;
            headers.push(match value.as_slice() {
                [] => PreparedHeader::Fixed(HeaderValue::new(n, String::new())),
                [Segment::Text(t)] => PreparedHeader::Fixed(HeaderValue::new(n, header_safe(t))),
                _ => PreparedHeader::Filled(n, value),
            });
        }
        Ok(Self {
            subject: HeaderValue::new(name("Subject".into())?, header_safe(&parts.subject)),
            headers,
            text: parts.text,
            html: parts.html,
            slots,
            boundary: format!("=_secunity_{:032x}", rand::random::<u128>()),
        })
    }
}

/// The templates a sender has prepared, by id. Templates never change once stored (the key
/// carries a digest of the content), so an entry stays valid; the map is emptied when it grows
/// past a few dozen campaigns.
#[derive(Debug, Default)]
pub struct TemplateCache {
    map: std::sync::Mutex<HashMap<i64, Arc<Result<Prepared, String>>>>,
}

/// Templates kept at most before the cache starts afresh.
const CACHE_LIMIT: usize = 64;

impl TemplateCache {
    /// The prepared template, when it is known.
    pub fn get(&self, id: i64) -> Option<Arc<Result<Prepared, String>>> {
        self.lock().get(&id).cloned()
    }

    /// Of `ids`, those not in the cache (each once).
    pub fn missing(&self, ids: impl IntoIterator<Item = i64>) -> Vec<i64> {
        let map = self.lock();
        let mut out: Vec<i64> = ids.into_iter().filter(|id| !map.contains_key(id)).collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Prepares and keeps loaded templates.
    pub fn insert(&self, loaded: Vec<(i64, TemplateParts)>) {
        let mut map = self.lock();
        if map.len() + loaded.len() > CACHE_LIMIT {
            map.clear();
        }
        for (id, parts) in loaded {
            map.insert(id, Arc::new(Prepared::new(parts).map_err(|e| e.0)));
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Arc<Result<Prepared, String>>>> {
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_cut_out_and_filled_in_again() {
        let m = Markers::new();
        let rendered = format!("{} 様\n本文 {} と {}", m.slot(0), m.slot(1), m.slot(0));
        let segments = m.split(&rendered, |n| n + 10);
        assert_eq!(
            segments,
            vec![
                Segment::Slot(10),
                Segment::Text(" 様\n本文 ".into()),
                Segment::Slot(11),
                Segment::Text(" と ".into()),
                Segment::Slot(10),
            ]
        );
        let mut values = vec![String::new(); 12];
        values[10] = "山田".into();
        values[11] = "https://x.example/p/1".into();
        assert_eq!(
            fill(&segments, &values).unwrap(),
            "山田 様\n本文 https://x.example/p/1 と 山田"
        );
        assert!(fill(&segments, &values[..11]).is_err());
    }

    #[test]
    fn a_marker_of_another_nonce_is_plain_text() {
        let (ours, theirs) = (Markers::new(), Markers::new());
        let text = format!("a {} b", theirs.slot(0));
        assert_eq!(ours.split(&text, |n| n), vec![Segment::Text(text.clone())]);
    }

    #[test]
    fn parts_survive_json_and_count_their_slots() {
        let parts = TemplateParts {
            subject: "件名".into(),
            text: vec![Segment::Text("a".into()), Segment::Slot(2)],
            html: vec![Segment::Slot(0)],
            headers: vec![("List-Unsubscribe".into(), vec![Segment::Slot(4)])],
        };
        let json = serde_json::to_string(&parts).unwrap();
        assert_eq!(serde_json::from_str::<TemplateParts>(&json).unwrap(), parts);
        assert_eq!(parts.slots(), 5);
    }
}
