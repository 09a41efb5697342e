//! Reading an iCalendar (RFC 5545) file for the staff import: the `ical` crate parses the
//! structure; this module unfolds lines first (at the byte level, so a fold inside a UTF-8
//! character does no harm), unescapes text values and turns `DTSTART`/`DTEND` into UTC.
//!
//! Times: `TZID=Asia/Tokyo` (or the aliases calendar programs write for it), UTC with `Z`, or
//! floating (no zone), which is read as Asia/Tokyo since the programme is in Japan. Any other
//! zone, all-day dates and recurring events are not guessed at: the event comes back with the
//! reason it cannot be imported.

use chrono::{Duration, NaiveDate, NaiveDateTime, TimeZone};
use ical::parser::ical::component::IcalEvent;
use ical::property::Property;

/// Why a file is not a calendar that can be imported at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileError {
    /// Not UTF-8 text.
    NotUtf8,
    /// Not an iCalendar document.
    NotCalendar,
    /// A calendar without any event.
    NoEvents,
}

impl FileError {
    /// The catalog key of the message.
    pub fn key(self) -> &'static str {
        match self {
            FileError::NotUtf8 => "seminars.import.err_encoding",
            FileError::NotCalendar => "seminars.import.err_not_calendar",
            FileError::NoEvents => "seminars.import.err_no_events",
        }
    }
}

/// Why one event cannot become a seminar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// An all-day event: a seminar needs a start and an end time.
    AllDay,
    /// A recurring event (`RRULE`) or one changed occurrence of it (`RECURRENCE-ID`).
    Recurring,
    /// A time zone other than Asia/Tokyo or UTC.
    TimeZone(String),
    /// No `DTSTART`, or one that cannot be read.
    NoStart,
    /// No `DTEND`/`DURATION`, or one that cannot be read.
    NoEnd,
    /// A `DURATION` that cannot be read or reaches beyond any calendar (`P99999999999999W`).
    Duration,
}

/// One `VEVENT`, its text unescaped and its times in UTC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEvent {
    /// `UID`.
    pub uid: Option<String>,
    /// `SUMMARY`.
    pub summary: String,
    /// `DESCRIPTION`.
    pub description: String,
    /// `LOCATION`.
    pub location: String,
    /// `URL`.
    pub url: String,
    /// Start and end (UTC), or why they are not usable.
    pub times: Result<(NaiveDateTime, NaiveDateTime), Skip>,
}

/// Reads every event of every calendar in `bytes`.
pub fn read(bytes: &[u8]) -> Result<Vec<CalendarEvent>, FileError> {
    let text = String::from_utf8(unfold(bytes)).map_err(|_| FileError::NotUtf8)?;
    let text = text.trim_start_matches('\u{feff}');
    if !text.trim_start().starts_with("BEGIN:VCALENDAR") {
        return Err(FileError::NotCalendar);
    }
    let mut events = Vec::new();
    for calendar in ical::IcalParser::new(text.as_bytes()) {
        let calendar = calendar.map_err(|_| FileError::NotCalendar)?;
        events.extend(calendar.events.iter().map(event));
    }
    if events.is_empty() {
        return Err(FileError::NoEvents);
    }
    Ok(events)
}

/// Joins folded lines: a line break followed by a space or a tab is removed (RFC 5545 §3.1).
fn unfold(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let skip = match &bytes[i..] {
            [b'\r', b'\n', b' ' | b'\t', ..] => 3,
            [b'\n', b' ' | b'\t', ..] => 2,
            _ => 0,
        };
        if skip > 0 {
            i += skip;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

fn property<'a>(e: &'a IcalEvent, name: &str) -> Option<&'a Property> {
    e.properties
        .iter()
        .find(|p| p.name.eq_ignore_ascii_case(name))
}

fn text(e: &IcalEvent, name: &str) -> String {
    property(e, name)
        .and_then(|p| p.value.as_deref())
        .map(|v| super::ical::unescape(v).trim().to_string())
        .unwrap_or_default()
}

fn param<'a>(p: &'a Property, name: &str) -> Option<&'a str> {
    p.params
        .as_ref()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .and_then(|(_, v)| v.first())
        .map(String::as_str)
}

fn event(e: &IcalEvent) -> CalendarEvent {
    let recurring = property(e, "RRULE").is_some() || property(e, "RECURRENCE-ID").is_some();
    CalendarEvent {
        uid: Some(text(e, "UID")).filter(|u| !u.is_empty()),
        summary: text(e, "SUMMARY"),
        description: text(e, "DESCRIPTION"),
        location: text(e, "LOCATION"),
        url: text(e, "URL"),
        times: if recurring {
            Err(Skip::Recurring)
        } else {
            times(e)
        },
    }
}

fn times(e: &IcalEvent) -> Result<(NaiveDateTime, NaiveDateTime), Skip> {
    let start = property(e, "DTSTART").ok_or(Skip::NoStart)?;
    let starts_at = instant(start).map_err(|s| if s == Skip::NoEnd { Skip::NoStart } else { s })?;
    let ends_at = match (property(e, "DTEND"), property(e, "DURATION")) {
        (Some(end), _) => instant(end)?,
        (None, Some(d)) => d
            .value
            .as_deref()
            .and_then(duration)
            .and_then(|d| starts_at.checked_add_signed(d))
            .ok_or(Skip::Duration)?,
        (None, None) => return Err(Skip::NoEnd),
    };
    Ok((starts_at, ends_at))
}

/// Whether a `TZID` names Japan's zone (IANA name, its old alias, the Windows name; some
/// programs prefix the IANA name with a path such as `/mozilla.org/.../Asia/Tokyo`).
fn is_tokyo(tzid: &str) -> bool {
    let tzid = tzid.trim().trim_matches('"');
    tzid.ends_with("Asia/Tokyo")
        || tzid.eq_ignore_ascii_case("Japan")
        || tzid.eq_ignore_ascii_case("Tokyo Standard Time")
}

/// A `DTSTART`/`DTEND` in UTC. An unreadable value reports [`Skip::NoEnd`]; the caller turns
/// that into [`Skip::NoStart`] for a start.
fn instant(p: &Property) -> Result<NaiveDateTime, Skip> {
    let value = p.value.as_deref().unwrap_or("").trim();
    let date_only = param(p, "VALUE").is_some_and(|v| v.eq_ignore_ascii_case("DATE"))
        || (value.len() == 8 && NaiveDate::parse_from_str(value, "%Y%m%d").is_ok());
    if date_only {
        return Err(Skip::AllDay);
    }
    if let Some(utc) = value.strip_suffix('Z') {
        return NaiveDateTime::parse_from_str(utc, "%Y%m%dT%H%M%S").map_err(|_| Skip::NoEnd);
    }
    if let Some(tzid) = param(p, "TZID")
        && !is_tokyo(tzid)
    {
        return Err(Skip::TimeZone(tzid.to_string()));
    }
    let local = NaiveDateTime::parse_from_str(value, "%Y%m%dT%H%M%S").map_err(|_| Skip::NoEnd)?;
    crate::time::jst()
        .from_local_datetime(&local)
        .single()
        .map(|t| t.naive_utc())
        .ok_or(Skip::NoEnd)
}

/// A positive `DURATION` (`PT2H`, `PT1H30M`, `P1D`, `P1DT2H`, `P1W`); `None` also when a
/// number or the sum is beyond what a time span can hold (every step is checked: a file is
/// input like any other).
fn duration(value: &str) -> Option<Duration> {
    let rest = value.trim().strip_prefix('+').unwrap_or(value.trim());
    let rest = rest.strip_prefix('P')?;
    let mut total = Duration::zero();
    let mut number = String::new();
    let mut in_time = false;
    for c in rest.chars() {
        match c {
            '0'..='9' => number.push(c),
            'T' if number.is_empty() => in_time = true,
            unit => {
                let n: i64 = number.parse().ok()?;
                number.clear();
                let part = match (unit, in_time) {
                    ('W', false) => Duration::try_weeks(n),
                    ('D', false) => Duration::try_days(n),
                    ('H', true) => Duration::try_hours(n),
                    ('M', true) => Duration::try_minutes(n),
                    ('S', true) => Duration::try_seconds(n),
                    _ => None,
                }?;
                total = total.checked_add(&part)?;
            }
        }
    }
    (number.is_empty() && total > Duration::zero()).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//JA\r\n\
BEGIN:VTIMEZONE\r\nTZID:Asia/Tokyo\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n\
TZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\nTZNAME:JST\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n\
BEGIN:VEVENT\r\nUID:a-1@example.jp\r\nDTSTART;TZID=Asia/Tokyo:20261210T130000\r\n\
DTEND;TZID=Asia/Tokyo:20261210T170000\r\nSUMMARY:福岡 機械・金属\\, 入門\\; 演習\r\n\
DESCRIPTION:一行目\\n二行目\r\nLOCATION:北九州国際会議場\r\nURL:https://webex.example.jp/j/1\r\n\
END:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:a-2@example.jp\r\nDTSTART:20261211T040000Z\r\nDURATION:PT1H30M\r\n\
SUMMARY:UTC\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:a-3@example.jp\r\nDTSTART;VALUE=DATE:20261212\r\nDTEND;VALUE=DATE:20261213\r\n\
SUMMARY:終日\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nDTSTART;TZID=America/New_York:20261213T090000\r\n\
DTEND;TZID=America/New_York:20261213T100000\r\nSUMMARY:NY\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:a-5\r\nDTSTART:20261214T100000\r\nDTEND:20261214T113000\r\nRRULE:FREQ=WEEKLY\r\n\
SUMMARY:毎週\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";

    fn utc(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn events_are_read_with_their_times_in_utc() {
        let events = read(FILE.as_bytes()).unwrap();
        assert_eq!(events.len(), 5);
        let e = &events[0];
        assert_eq!(e.uid.as_deref(), Some("a-1@example.jp"));
        assert_eq!(e.summary, "福岡 機械・金属, 入門; 演習");
        assert_eq!(e.description, "一行目\n二行目");
        assert_eq!(e.location, "北九州国際会議場");
        assert_eq!(e.url, "https://webex.example.jp/j/1");
        assert_eq!(
            e.times,
            Ok((utc("2026-12-10 04:00"), utc("2026-12-10 08:00")))
        );
        assert_eq!(
            events[1].times,
            Ok((utc("2026-12-11 04:00"), utc("2026-12-11 05:30")))
        );
        assert_eq!(events[2].times, Err(Skip::AllDay));
        assert_eq!(events[3].uid, None);
        assert_eq!(
            events[3].times,
            Err(Skip::TimeZone("America/New_York".into()))
        );
        assert_eq!(events[4].times, Err(Skip::Recurring));
    }

    #[test]
    fn floating_times_are_tokyo_and_folds_may_split_characters() {
        // Our own writer folds on character boundaries; others may not: unfold bytes first.
        let title = "中小製造業向け体験型演習".repeat(3);
        let line = format!("SUMMARY:{title}");
        let (head, tail) = line.as_bytes().split_at(20);
        let mut file =
            b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20261210T130000\nDTEND:20261210T170000\n"
                .to_vec();
        file.extend_from_slice(head);
        file.extend_from_slice(b"\r\n ");
        file.extend_from_slice(tail);
        file.extend_from_slice(b"\nEND:VEVENT\nEND:VCALENDAR\n");
        let events = read(&file).unwrap();
        assert_eq!(events[0].summary, title);
        assert_eq!(
            events[0].times,
            Ok((utc("2026-12-10 04:00"), utc("2026-12-10 08:00")))
        );
    }

    #[test]
    fn bad_files_are_told_apart() {
        assert_eq!(read(b"hello, world"), Err(FileError::NotCalendar));
        assert_eq!(read(&[0xff, 0xfe, 0x00]), Err(FileError::NotUtf8));
        assert_eq!(
            read(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"),
            Err(FileError::NoEvents)
        );
        assert_eq!(
            read(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\n"),
            Err(FileError::NotCalendar)
        );
        assert_eq!(read(b""), Err(FileError::NotCalendar));
    }

    #[test]
    fn durations() {
        assert_eq!(duration("PT2H"), Some(Duration::hours(2)));
        assert_eq!(duration("P1DT2H30M"), Some(Duration::minutes(26 * 60 + 30)));
        assert_eq!(duration("P1W"), Some(Duration::weeks(1)));
        assert_eq!(duration("PT0S"), None);
        assert_eq!(duration("-PT1H"), None);
        assert_eq!(duration("P2H"), None);
        assert_eq!(duration("PT"), None);
        // Beyond any time span: no panic, no event.
        assert_eq!(duration("P99999999999999W"), None);
        assert_eq!(duration("P9223372036854775807D"), None);
        assert_eq!(duration("PT99999999999999999999S"), None);
        assert_eq!(
            duration(&format!("P{}W{}D", i64::MAX / 604_800, i64::MAX / 86_400)),
            None
        );
    }

    #[test]
    fn an_endless_duration_skips_the_event_with_its_reason() {
        let file = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20261210T040000Z\r\n\
DURATION:P99999999999999W\r\nSUMMARY:x\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:y\r\n\
DTSTART:20261210T040000Z\r\nDURATION:P15250284W\r\nSUMMARY:y\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let events = read(file.as_bytes()).unwrap();
        assert_eq!(events[0].times, Err(Skip::Duration));
        // A span that fits in a duration but not after the start.
        assert_eq!(events[1].times, Err(Skip::Duration));
    }
}
