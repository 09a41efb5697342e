//! Durations and timestamps as the meeting tools write them: minutes as a bare number (Zoom),
//! `204 mins` (Webex), `1h 2m 3s` (Teams), `1 時間 2 分` (localized exports), `hh:mm:ss`; and
//! local date-times in the order of the exporting locale (`03/08/2023 01:02:03 PM`,
//! `2023/3/8 13:02`, `7/22/26, 7:02:11 PM`, `2021-06-14 17:00:00`, `8.3.2023 13:02`).
//!
//! Written by hand rather than with a list of chrono formats: the tools and the locales they
//! export in combine into dozens of formats, while the pieces (a date of three numbers, a
//! time of two or three, an AM/PM marker) are few.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use unicode_normalization::UnicodeNormalization;

/// The cell without Webex's `="..."` wrapper (written so that Excel keeps a time as text).
pub fn unwrap_text_formula(cell: &str) -> &str {
    let trimmed = cell.trim();
    trimmed
        .strip_prefix("=\"")
        .and_then(|rest| rest.strip_suffix('"'))
        .unwrap_or(trimmed)
        .trim()
}

/// Full-width digits and letters to ASCII (Excel re-saves may contain them), lower case.
fn folded(cell: &str) -> String {
    unwrap_text_formula(cell)
        .nfkc()
        .collect::<String>()
        .to_lowercase()
}

/// What a duration without a unit counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BareNumber {
    /// Minutes (`Duration (Minutes)` of Zoom, Webex's numbers).
    Minutes,
}

/// A duration in seconds; `None` when the cell is empty or not a duration (never 0 for
/// something unreadable: that would silently make a participant absent).
pub fn parse_duration(cell: &str, bare: BareNumber) -> Option<u32> {
    let text = folded(cell);
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(number) = text.parse::<f64>() {
        let BareNumber::Minutes = bare;
        return seconds_of(number, 60);
    }
    if text.contains(':') {
        return clock_duration(text);
    }
    unit_duration(text)
}

fn seconds_of(number: f64, factor: u32) -> Option<u32> {
    let seconds = number * f64::from(factor);
    (seconds.is_finite() && (0.0..=f64::from(u32::MAX)).contains(&seconds))
        .then(|| seconds.round() as u32)
}

/// `h:mm:ss` or `mm:ss`.
fn clock_duration(text: &str) -> Option<u32> {
    let parts: Vec<u32> = text
        .split(':')
        .map(|p| p.trim().parse::<u32>().ok())
        .collect::<Option<_>>()?;
    match parts[..] {
        [h, m, s] => Some(h.checked_mul(3600)? + m * 60 + s),
        [m, s] => Some(m.checked_mul(60)? + s),
        _ => None,
    }
}

/// A sequence of number + unit: `1h 27m 51s`, `204 mins`, `1 時間 2 分 3 秒`.
fn unit_duration(text: &str) -> Option<u32> {
    let mut total: u32 = 0;
    let mut rest = text.trim_start();
    let mut any = false;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..number_len].parse().ok()?;
        rest = rest[number_len..].trim_start();
        let unit_len = rest
            .find(|c: char| !c.is_alphabetic())
            .unwrap_or(rest.len());
        let factor = match &rest[..unit_len] {
            "h" | "hr" | "hrs" | "hour" | "hours" | "時間" => 3600,
            "m" | "min" | "mins" | "minute" | "minutes" | "分" => 60,
            "s" | "sec" | "secs" | "second" | "seconds" | "秒" => 1,
            _ => return None,
        };
        total = total.checked_add(seconds_of(number, factor)?)?;
        any = true;
        rest = rest[unit_len..].trim_start();
    }
    any.then_some(total)
}

/// Which number comes first in a date that does not start with the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateOrder {
    /// `03/08/2023` is 8 March (the US English exports).
    #[default]
    MonthFirst,
    /// `08/03/2023` is 8 March (most other locales).
    DayFirst,
}

impl DateOrder {
    /// The order of a file's dates: day first when some date can only be read that way
    /// (a first number above 12) and none only the other way; month first otherwise.
    pub fn infer<'a>(cells: impl IntoIterator<Item = &'a str>) -> Self {
        let (mut day_first, mut month_first) = (false, false);
        for cell in cells {
            if let Some([a, b, _]) = date_numbers(&normalized_timestamp(cell).0)
                && a.len() < 4
            {
                day_first |= a.parse::<u32>().is_ok_and(|n| n > 12);
                month_first |= b.parse::<u32>().is_ok_and(|n| n > 12);
            }
        }
        if day_first && !month_first {
            DateOrder::DayFirst
        } else {
            DateOrder::MonthFirst
        }
    }
}

/// The text with the date and time pieces separated by spaces, and the AM/PM marker.
fn normalized_timestamp(cell: &str) -> (String, Option<bool>) {
    let mut text = folded(cell)
        .replace(['年', '月'], "/")
        .replace(['日', ','], " ");
    // ISO 8601: 2023-03-08t13:00:00 (folded to lower case).
    if let Some(at) = text.find('t')
        && at == 10
        && text[..at].bytes().filter(|b| *b == b'-').count() == 2
    {
        text.replace_range(at..=at, " ");
    }
    let mut pm = None;
    for (marker, is_pm) in [("午前", false), ("午後", true), ("am", false), ("pm", true)] {
        if text.contains(marker) {
            text = text.replace(marker, " ");
            pm = Some(is_pm);
            break;
        }
    }
    (text, pm)
}

/// The three numbers of the date piece, as written.
fn date_numbers(text: &str) -> Option<[&str; 3]> {
    let date = text
        .split_whitespace()
        .find(|t| t.contains(['/', '-', '.']) && !t.contains(':'))?;
    let mut parts = date.split(['/', '-', '.']).filter(|p| !p.is_empty());
    let numbers = [parts.next()?, parts.next()?, parts.next()?];
    (parts.next().is_none()
        && numbers
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_digit())))
    .then_some(numbers)
}

/// A local date-time as written by the tool, read in `order`; `None` when unreadable.
pub fn parse_timestamp(cell: &str, order: DateOrder) -> Option<NaiveDateTime> {
    let (text, pm) = normalized_timestamp(cell);
    let [a, b, c] = date_numbers(&text)?;
    let number = |s: &str| s.parse::<u32>().ok();
    let (year, month, day) = if a.len() == 4 {
        (number(a)?, number(b)?, number(c)?)
    } else {
        let year = match c.len() {
            2 => 2000 + number(c)?,
            4 => number(c)?,
            _ => return None,
        };
        match order {
            DateOrder::MonthFirst => (year, number(a)?, number(b)?),
            DateOrder::DayFirst => (year, number(b)?, number(a)?),
        }
    };
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    let clock = text.split_whitespace().find(|t| t.contains(':'))?;
    let mut pieces = clock.split(':');
    let mut hour = number(pieces.next()?)?;
    let minute = number(pieces.next()?)?;
    // Seconds may carry a fraction (`12.345`): the whole seconds are enough.
    let second = match pieces.next() {
        Some(s) => number(s.split('.').next()?)?,
        None => 0,
    };
    if pieces.next().is_some() {
        return None;
    }
    match pm {
        Some(true) if hour < 12 => hour += 12,
        Some(false) if hour == 12 => hour = 0,
        _ => {}
    }
    let time = NaiveTime::from_hms_opt(hour, minute, second)?;
    Some(NaiveDateTime::new(date, time))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Option<NaiveDateTime> {
        NaiveDate::from_ymd_opt(y, mo, d).and_then(|date| date.and_hms_opt(h, mi, s))
    }

    #[test]
    fn durations_in_every_shape_the_tools_write() {
        let m = BareNumber::Minutes;
        assert_eq!(parse_duration("245", m), Some(245 * 60));
        assert_eq!(parse_duration(" 1 ", m), Some(60));
        assert_eq!(parse_duration("204 mins", m), Some(204 * 60));
        assert_eq!(parse_duration("1 min", m), Some(60));
        assert_eq!(parse_duration("1h 27m 51s", m), Some(5271));
        assert_eq!(parse_duration("47m 3s", m), Some(2823));
        assert_eq!(parse_duration("5s", m), Some(5));
        assert_eq!(parse_duration("1 時間 2 分 3 秒", m), Some(3723));
        assert_eq!(parse_duration("２０４分", m), Some(204 * 60));
        assert_eq!(parse_duration("01:02:03", m), Some(3723));
        assert_eq!(parse_duration("47:03", m), Some(2823));
        assert_eq!(parse_duration("=\"12\"", m), Some(720));
    }

    #[test]
    fn what_is_not_a_duration_is_none_never_zero() {
        let m = BareNumber::Minutes;
        for cell in [
            "",
            "  ",
            "garbage",
            "7/22/26, 7:02:11 PM",
            "12 parsecs",
            "-3",
            "1h x",
        ] {
            assert_eq!(parse_duration(cell, m), None, "{cell:?}");
        }
    }

    #[test]
    fn timestamps_of_each_tool_and_locale() {
        use DateOrder::{DayFirst, MonthFirst};
        let cases = [
            ("03/08/2023 01:02:03 PM", MonthFirst, (2023, 3, 8, 13, 2, 3)),
            ("03/08/2023 12:05 AM", MonthFirst, (2023, 3, 8, 0, 5, 0)),
            ("7/22/26, 7:02:11 PM", MonthFirst, (2026, 7, 22, 19, 2, 11)),
            ("2020/12/8 8:35", MonthFirst, (2020, 12, 8, 8, 35, 0)),
            (
                "=\"2021-06-14 17:00:00\"",
                MonthFirst,
                (2021, 6, 14, 17, 0, 0),
            ),
            (
                "2023-03-08T13:00:00.125",
                MonthFirst,
                (2023, 3, 8, 13, 0, 0),
            ),
            (
                "2023/03/08 午後 1:02:03",
                MonthFirst,
                (2023, 3, 8, 13, 2, 3),
            ),
            ("2023年3月8日 13:02", MonthFirst, (2023, 3, 8, 13, 2, 0)),
            ("22/07/2026, 19:32:11", DayFirst, (2026, 7, 22, 19, 32, 11)),
            ("8.3.2023 13:02:00", DayFirst, (2023, 3, 8, 13, 2, 0)),
        ];
        for (cell, order, (y, mo, d, h, mi, s)) in cases {
            assert_eq!(
                parse_timestamp(cell, order),
                at(y, mo, d, h, mi, s),
                "{cell:?}"
            );
        }
    }

    #[test]
    fn unreadable_timestamps_are_none() {
        for cell in [
            "",
            "soon",
            "13/45/2023 10:00",
            "2023/02/30 10:00",
            "2023/03/08",
            "25:00",
        ] {
            assert_eq!(
                parse_timestamp(cell, DateOrder::MonthFirst),
                None,
                "{cell:?}"
            );
        }
    }

    #[test]
    fn the_date_order_of_a_file_is_inferred_from_the_dates_that_decide_it() {
        let us = ["03/08/2023 13:00", "03/28/2023 14:00"];
        assert_eq!(DateOrder::infer(us), DateOrder::MonthFirst);
        let eu = ["08/03/2023 13:00", "28/03/2023 14:00"];
        assert_eq!(DateOrder::infer(eu), DateOrder::DayFirst);
        // Undecidable or year first: month first.
        assert_eq!(
            DateOrder::infer(["03/08/2023 13:00"]),
            DateOrder::MonthFirst
        );
        assert_eq!(
            DateOrder::infer(["2023/03/28 13:00"]),
            DateOrder::MonthFirst
        );
    }
}
