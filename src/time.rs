//! Times: stored as UTC `NaiveDateTime`, shown and entered in Asia/Tokyo (UTC+9, no daylight
//! saving time, so a fixed offset is exact), written as RFC 3339 with offset in the API.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc};
use views::Lang;

/// Asia/Tokyo.
pub fn jst() -> FixedOffset {
    FixedOffset::east_opt(9 * 3600).expect("+09:00 is a valid offset")
}

/// Now, in UTC, as stored.
pub fn now_utc() -> NaiveDateTime {
    Utc::now().naive_utc()
}

/// A stored UTC time in Asia/Tokyo.
pub fn to_jst(utc: NaiveDateTime) -> DateTime<FixedOffset> {
    jst().from_utc_datetime(&utc)
}

/// RFC 3339 with the +09:00 offset (`2026-12-10T13:00:00+09:00`), for the API.
pub fn rfc3339(utc: NaiveDateTime) -> String {
    to_jst(utc).to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// Parses RFC 3339 (any offset) into stored UTC.
pub fn parse_rfc3339(s: &str) -> Option<NaiveDateTime> {
    DateTime::parse_from_rfc3339(s.trim())
        .ok()
        .map(|d| d.with_timezone(&Utc).naive_utc())
}

/// Parses the value of an `<input type="datetime-local">` (Asia/Tokyo) into stored UTC.
pub fn parse_local_input(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    let local = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    jst()
        .from_local_datetime(&local)
        .single()
        .map(|d| d.with_timezone(&Utc).naive_utc())
}

/// The value for an `<input type="datetime-local">` showing a stored UTC time in Tokyo.
pub fn local_input_value(utc: NaiveDateTime) -> String {
    to_jst(utc).format("%Y-%m-%dT%H:%M").to_string()
}

/// 00:00 in Tokyo of the day of a stored UTC time, as stored UTC.
pub fn start_of_day(utc: NaiveDateTime) -> NaiveDateTime {
    let midnight = to_jst(utc).date_naive().and_time(chrono::NaiveTime::MIN);
    midnight - chrono::Duration::hours(9)
}

/// Date and time in Tokyo as a spreadsheet reads it (`2026-12-10 13:00`), for CSV exports.
pub fn sheet_datetime(utc: NaiveDateTime) -> String {
    to_jst(utc).format("%Y-%m-%d %H:%M").to_string()
}

const WEEKDAYS_JA: [&str; 7] = ["月", "火", "水", "木", "金", "土", "日"];

/// A date for people: 「2026年12月10日(木)」 / "Thu 10 Dec 2026".
pub fn format_date(utc: NaiveDateTime, lang: Lang) -> String {
    let t = to_jst(utc);
    format_naive_date(t.date_naive(), lang)
}

/// A calendar date for people.
pub fn format_naive_date(d: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!(
            "{}年{}月{}日({})",
            d.year(),
            d.month(),
            d.day(),
            WEEKDAYS_JA[d.weekday().num_days_from_monday() as usize]
        ),
        Lang::En => d.format("%a %-d %b %Y").to_string(),
    }
}

/// Date and time: 「2026年12月10日(木) 13:00」.
pub fn format_datetime(utc: NaiveDateTime, lang: Lang) -> String {
    let t = to_jst(utc);
    format!(
        "{} {:02}:{:02}",
        format_date(utc, lang),
        t.hour(),
        t.minute()
    )
}

/// A span on one day: 「2026年12月10日(木) 13:00〜17:00」; across days both ends in full.
pub fn format_span(start: NaiveDateTime, end: NaiveDateTime, lang: Lang) -> String {
    let (s, e) = (to_jst(start), to_jst(end));
    let sep = match lang {
        Lang::Ja => "〜",
        Lang::En => "–",
    };
    if s.date_naive() == e.date_naive() {
        format!(
            "{} {:02}:{:02}{sep}{:02}:{:02}",
            format_date(start, lang),
            s.hour(),
            s.minute(),
            e.hour(),
            e.minute()
        )
    } else {
        format!(
            "{}{sep}{}",
            format_datetime(start, lang),
            format_datetime(end, lang)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokyo_input_round_trips_through_utc() {
        let utc = parse_local_input("2026-12-10T13:00").unwrap();
        assert_eq!(utc.to_string(), "2026-12-10 04:00:00");
        assert_eq!(local_input_value(utc), "2026-12-10T13:00");
        assert_eq!(rfc3339(utc), "2026-12-10T13:00:00+09:00");
        assert_eq!(parse_rfc3339("2026-12-10T13:00:00+09:00"), Some(utc));
        assert!(parse_local_input("12/10/2026").is_none());
    }

    #[test]
    fn dates_read_naturally() {
        let start = parse_local_input("2026-12-10T13:00").unwrap();
        let end = parse_local_input("2026-12-10T17:00").unwrap();
        assert_eq!(
            format_span(start, end, Lang::Ja),
            "2026年12月10日(木) 13:00〜17:00"
        );
        assert_eq!(
            format_span(start, end, Lang::En),
            "Thu 10 Dec 2026 13:00–17:00"
        );
    }
}
