//! The iCalendar (RFC 5545) writer of the seminar feeds and mail attachments.
//!
//! Written here rather than taken from a crate: the generators available do not escape text
//! values or fold long lines correctly, and the format needs only a few dozen lines: escape
//! `\ ; ,` and newlines in text, fold lines at 75 octets without splitting a UTF-8 character,
//! end lines with CRLF, write times in UTC. [`unescape`] reverses [`escape`] for the staff
//! import, which reads calendars with the `ical` crate's parser (see `ical_read`).

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

/// A whole `VCALENDAR` with the given events.
pub fn calendar(name: &str, events: &[Event]) -> String {
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&fold(&s));
        out.push_str("\r\n");
    };
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//secunity//seminars//JA".into());
    line("CALSCALE:GREGORIAN".into());
    line("METHOD:PUBLISH".into());
    line(format!("X-WR-CALNAME:{}", escape(name)));
    for e in events {
        line("BEGIN:VEVENT".into());
        line(format!("UID:{}", escape(&e.uid)));
        line(format!("SEQUENCE:{}", e.sequence));
        line(format!("DTSTAMP:{}", utc(e.stamp)));
        line(format!("DTSTART:{}", utc(e.start)));
        line(format!("DTEND:{}", utc(e.end)));
        line(format!("SUMMARY:{}", escape(&e.summary)));
        if !e.description.is_empty() {
            line(format!("DESCRIPTION:{}", escape(&e.description)));
        }
        if !e.location.is_empty() {
            line(format!("LOCATION:{}", escape(&e.location)));
        }
        line(format!("URL:{}", e.url));
        line(format!(
            "STATUS:{}",
            if e.cancelled {
                "CANCELLED"
            } else {
                "CONFIRMED"
            }
        ));
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    out
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

    #[test]
    fn calendar_has_crlf_and_utc_times() {
        let t = chrono::NaiveDate::from_ymd_opt(2026, 12, 10)
            .unwrap()
            .and_hms_opt(4, 0, 0)
            .unwrap();
        let ics = calendar(
            "x",
            &[Event {
                uid: "seminar-1@example.jp".into(),
                sequence: 2,
                stamp: t,
                start: t,
                end: t,
                summary: "a".into(),
                description: String::new(),
                location: String::new(),
                url: "http://x/".into(),
                cancelled: false,
            }],
        );
        assert!(ics.contains("\r\nDTSTART:20261210T040000Z\r\n"));
        assert!(ics.contains("\r\nSEQUENCE:2\r\n"));
        assert!(!ics.replace("\r\n", "").contains('\n'));
    }
}
