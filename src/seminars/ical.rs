//! The iCalendar (RFC 5545) writer of the seminar feeds and mail attachments.
//!
//! Written here rather than taken from a crate: the generators available do not escape text
//! values or fold long lines correctly, and the format needs only a few dozen lines: escape
//! `\ ; ,` and newlines in text, fold lines at 75 octets without splitting a UTF-8 character,
//! end lines with CRLF, write times in UTC. [`unescape`] reverses [`escape`] for the staff
//! import, which reads calendars with the `ical` crate's parser (see `ical_read`).
//!
//! The feeds are `METHOD:PUBLISH` ([`calendar`]): a subscription, nobody invited. The `.ics`
//! a registrant gets by mail is an iTIP message (RFC 5546, [`invitation`]) so that calendar
//! clients keep it current:
//!
//! - `METHOD:REQUEST` with the confirmation, the promotion from the waitlist, the reminders and
//!   every change of time, place or join URL; `METHOD:CANCEL` with `STATUS:CANCELLED` when the
//!   registration or the seminar is cancelled. The method is also in the attachment's
//!   `Content-Type` (`method=`), which Outlook reads rather than the body.
//! - One `UID` per seminar (each registrant's copy lives in their own calendar) and a
//!   `SEQUENCE` that only grows: an update or cancel with a lower sequence than the copy a
//!   client holds is ignored as stale (RFC 5546 §2.1.5), so cancelling a registration bumps
//!   the seminar's sequence too.
//! - `ORGANIZER` is the sender of the mail (`MAIL_FROM`): Google Calendar and Outlook apply an
//!   update or cancel only from the organizer of the event they hold, and match the event by
//!   UID and organizer. `ATTENDEE` is the registrant (`PARTSTAT=ACCEPTED`, `RSVP=FALSE`: the
//!   registration is the answer, no reply is expected); without an attendee line for the
//!   recipient, both treat the message as an event they were not invited to and Outlook
//!   will not remove the entry on a cancel.
//! - `DTSTAMP` is when the message was made (it orders messages of the same sequence).

use chrono::NaiveDateTime;

/// One event of a calendar, with its text already in the reader's language.
#[derive(Debug, Clone)]
pub struct Event {
    /// Stable unique id (`seminar-12@host`).
    pub uid: String,
    /// Bumped on every change, so calendars replace their copy.
    pub sequence: i32,
    /// When this version was made (UTC).
    pub stamp: NaiveDateTime,
    /// Start (UTC).
    pub start: NaiveDateTime,
    /// End (UTC).
    pub end: NaiveDateTime,
    /// Title.
    pub summary: String,
    /// Plain-text description.
    pub description: String,
    /// Place.
    pub location: String,
    /// Link to the seminar page.
    pub url: String,
    /// Whether the seminar was called off.
    pub cancelled: bool,
}

/// The iTIP method of a calendar a registrant gets by mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Add or update the event.
    Request,
    /// Remove the event.
    Cancel,
}

impl Method {
    /// The value of `METHOD` and of the Content-Type's `method=` parameter.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
        }
    }
}

/// Someone named in an invitation: the organizer or the attendee.
#[derive(Debug, Clone)]
pub struct Party {
    /// Display name (`CN`), when there is one.
    pub name: Option<String>,
    /// Mail address.
    pub address: String,
}

/// Writes content lines, folded, each ended by CRLF.
struct Lines(String);

impl Lines {
    fn line(&mut self, s: &str) {
        self.0.push_str(&fold(s));
        self.0.push_str("\r\n");
    }

    fn header(&mut self, method: &str, name: &str) {
        self.line("BEGIN:VCALENDAR");
        self.line("VERSION:2.0");
        self.line("PRODID:-//secunity//seminars//JA");
        self.line("CALSCALE:GREGORIAN");
        self.line(&format!("METHOD:{method}"));
        self.line(&format!("X-WR-CALNAME:{}", escape(name)));
    }

    fn event(&mut self, e: &Event, people: Option<(&Party, &Party)>) {
        self.line("BEGIN:VEVENT");
        self.line(&format!("UID:{}", escape(&e.uid)));
        self.line(&format!("SEQUENCE:{}", e.sequence));
        self.line(&format!("DTSTAMP:{}", utc(e.stamp)));
        self.line(&format!("DTSTART:{}", utc(e.start)));
        self.line(&format!("DTEND:{}", utc(e.end)));
        self.line(&format!("SUMMARY:{}", escape(&e.summary)));
        if !e.description.is_empty() {
            self.line(&format!("DESCRIPTION:{}", escape(&e.description)));
        }
        if !e.location.is_empty() {
            self.line(&format!("LOCATION:{}", escape(&e.location)));
        }
        self.line(&format!("URL:{}", e.url));
        if let Some((organizer, attendee)) = people {
            self.line(&format!("ORGANIZER{}:{}", cn(organizer), mailto(organizer)));
            self.line(&format!(
                "ATTENDEE{};CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:{}",
                cn(attendee),
                mailto(attendee)
            ));
        }
        let status = if e.cancelled {
            "CANCELLED"
        } else {
            "CONFIRMED"
        };
        self.line(&format!("STATUS:{status}"));
        self.line("END:VEVENT");
    }

    fn finish(mut self) -> String {
        self.line("END:VCALENDAR");
        self.0
    }
}

/// A whole `VCALENDAR` with the given events (`METHOD:PUBLISH`: a feed).
pub fn calendar(name: &str, events: &[Event]) -> String {
    let mut out = Lines(String::new());
    out.header("PUBLISH", name);
    for e in events {
        out.event(e, None);
    }
    out.finish()
}

/// The iTIP message of one event for one attendee: `REQUEST` (add or update) or `CANCEL`
/// (remove; the event is written cancelled whatever its status).
pub fn invitation(method: Method, event: &Event, organizer: &Party, attendee: &Party) -> String {
    let mut out = Lines(String::new());
    out.header(method.as_str(), &event.summary);
    let event = Event {
        cancelled: event.cancelled || method == Method::Cancel,
        ..event.clone()
    };
    out.event(&event, Some((organizer, attendee)));
    out.finish()
}

/// The iTIP message of several events for one attendee (the sessions of a series, each its
/// own `VEVENT` with its own UID and SEQUENCE), `REQUEST` or `CANCEL` as [`invitation`].
pub fn invitations(
    method: Method,
    name: &str,
    events: &[Event],
    organizer: &Party,
    attendee: &Party,
) -> String {
    let mut out = Lines(String::new());
    out.header(method.as_str(), name);
    for event in events {
        let event = Event {
            cancelled: event.cancelled || method == Method::Cancel,
            ..event.clone()
        };
        out.event(&event, Some((organizer, attendee)));
    }
    out.finish()
}

/// The `;CN="..."` parameter of a party, or nothing. A parameter value cannot hold a double
/// quote or a control character (RFC 5545 §3.1); quoting it keeps `: ; ,` literal.
fn cn(party: &Party) -> String {
    let Some(name) = party.name.as_deref() else {
        return String::new();
    };
    let clean: String = name
        .chars()
        .filter(|c| *c != '"' && !c.is_control())
        .collect();
    if clean.trim().is_empty() {
        return String::new();
    }
    format!(";CN=\"{}\"", clean.trim())
}

/// The `mailto:` URI of a party (addresses were validated; controls are dropped regardless).
fn mailto(party: &Party) -> String {
    let address: String = party
        .address
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .collect();
    format!("mailto:{address}")
}

/// A UTC date-time in the basic format (`20261210T040000Z`).
fn utc(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Escapes a TEXT value: backslash, semicolon, comma and newlines (RFC 5545 §3.3.11).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Reads a TEXT value back: `\\`, `\;`, `\,` and `\n` (or `\N`) become the character they stand
/// for; a backslash before anything else is kept as written.
pub fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(e @ ('\\' | ';' | ',')) => out.push(e),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Folds a content line so no physical line exceeds 75 octets (CRLF not counted); the
/// continuation lines start with one space. Never splits a UTF-8 character.
pub fn fold(line: &str) -> String {
    const MAX: usize = 75;
    let mut out = String::with_capacity(line.len() + line.len() / MAX * 3);
    let mut used = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if used + len > MAX {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a,b;c\\d\ne\r\nf"), "a\\,b\\;c\\\\d\\ne\\nf");
    }

    #[test]
    fn unescape_reverses_escape() {
        let text = "福岡, 佐賀; 長崎\\熊本\n大分";
        assert_eq!(unescape(&escape(text)), text);
        assert_eq!(unescape("a\\Nb\\x\\"), "a\nb\\x\\");
    }

    #[test]
    fn lines_fold_at_75_octets_on_character_boundaries() {
        let long = format!("SUMMARY:{}", "セキュリティ".repeat(20));
        let folded = fold(&long);
        for physical in folded.split("\r\n") {
            assert!(physical.len() <= 75, "{} octets", physical.len());
        }
        assert_eq!(folded.replace("\r\n ", ""), long);
        assert_eq!(fold("SHORT:x"), "SHORT:x");
        let ascii = "X".repeat(200);
        let f = fold(&ascii);
        assert_eq!(f.split("\r\n").next().unwrap().len(), 75);
    }

    /// An event at 2026-12-10 04:00 UTC.
    fn event(sequence: i32) -> Event {
        let t = chrono::NaiveDate::from_ymd_opt(2026, 12, 10)
            .unwrap()
            .and_hms_opt(4, 0, 0)
            .unwrap();
        Event {
            uid: "seminar-1@example.jp".into(),
            sequence,
            stamp: t,
            start: t,
            end: t,
            summary: "演習".into(),
            description: String::new(),
            location: String::new(),
            url: "http://x/".into(),
            cancelled: false,
        }
    }

    #[test]
    fn calendar_has_crlf_and_utc_times() {
        let ics = calendar("x", &[event(2)]);
        assert!(ics.contains("\r\nDTSTART:20261210T040000Z\r\n"));
        assert!(ics.contains("\r\nSEQUENCE:2\r\n"));
        assert!(ics.contains("\r\nMETHOD:PUBLISH\r\n"));
        assert!(!ics.contains("ATTENDEE"));
        assert!(!ics.replace("\r\n", "").contains('\n'));
    }

    #[test]
    fn invitations_name_organizer_and_attendee_and_cancels_are_cancelled() {
        let event = event(3);
        let organizer = Party {
            name: Some("地域SECUNITY".into()),
            address: "no-reply@example.jp".into(),
        };
        let attendee = Party {
            name: Some("山田 \"太郎\"; 課長\r\n".into()),
            address: "taro@example.jp".into(),
        };
        let ics = invitation(Method::Request, &event, &organizer, &attendee);
        assert!(ics.contains("\r\nMETHOD:REQUEST\r\n"));
        assert!(ics.contains("\r\nORGANIZER;CN=\"地域SECUNITY\":mailto:no-reply@example.jp\r\n"));
        let unfolded = ics.replace("\r\n ", "");
        assert!(
            unfolded.contains("ATTENDEE;CN=\"山田 太郎; 課長\";CUTYPE=INDIVIDUAL;"),
            "{unfolded}"
        );
        assert!(unfolded.contains("RSVP=FALSE:mailto:taro@example.jp\r\n"));
        assert!(ics.contains("\r\nSTATUS:CONFIRMED\r\n"));
        let ics = invitation(Method::Cancel, &event, &organizer, &attendee);
        assert!(ics.contains("\r\nMETHOD:CANCEL\r\n"));
        assert!(ics.contains("\r\nSTATUS:CANCELLED\r\n"));
    }
}
