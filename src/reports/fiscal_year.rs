//! The fiscal year (年度) the bureau reports in: 1 April to 31 March in Asia/Tokyo, numbered by
//! the Western year it starts in (FY2026 = 2026-04-01 … 2027-03-31) and labelled in both
//! calendars: 「令和8年度」 / "FY2026".
//!
//! The Japanese label names the fiscal year after the calendar year it starts in, that year
//! being named by the era it ends in. So FY2018 is 「平成30年度」 and FY2019 is 「令和元年度」,
//! although 1–30 April 2019 still fell in 平成31年 (the era changed on 2019-05-01): this is how
//! the government and the bureau name that year in every report made after the change, and a
//! report of this service is always made after it. 「平成31年度」 is never produced.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use views::Lang;

use crate::era;
use crate::time::{jst, to_jst};

/// A fiscal year, within the years the service accepts ([`FiscalYear::FIRST`] ..=
/// [`FiscalYear::LAST`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FiscalYear(i32);

/// Why a year was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FiscalYearError {
    /// Not four ASCII digits (`"２０２６"`, `"2026a"`, `"+2026"`, `""`).
    #[error("a fiscal year is written as four digits, e.g. 2026")]
    NotAYear,
    /// A year outside the supported range.
    #[error(
        "fiscal years from {} to {} are supported",
        FiscalYear::FIRST,
        FiscalYear::LAST
    )]
    OutOfRange,
}

impl FiscalYear {
    /// The first fiscal year the service accepts.
    pub const FIRST: i32 = 2000;
    /// The last fiscal year the service accepts.
    pub const LAST: i32 = 2100;

    /// The fiscal year starting in April of `year`.
    pub fn new(year: i32) -> Result<Self, FiscalYearError> {
        if (Self::FIRST..=Self::LAST).contains(&year) {
            Ok(Self(year))
        } else {
            Err(FiscalYearError::OutOfRange)
        }
    }

    /// The fiscal year a calendar date (in Tokyo) belongs to: January to March belong to the
    /// year that started the April before.
    pub fn containing(date: NaiveDate) -> Result<Self, FiscalYearError> {
        let year = if date.month() >= 4 {
            date.year()
        } else {
            date.year() - 1
        };
        Self::new(year)
    }

    /// The fiscal year a stored UTC time belongs to, judged by its Tokyo date (2027-03-31T15:00Z
    /// is already 1 April in Tokyo, so FY2027).
    pub fn containing_utc(utc: NaiveDateTime) -> Result<Self, FiscalYearError> {
        Self::containing(to_jst(utc).date_naive())
    }

    /// The fiscal year of today in Tokyo.
    pub fn current() -> Self {
        let today = Utc::now().with_timezone(&jst()).date_naive();
        // Clamped rather than failing: the clock is past 2000 and the service will not run in 2101.
        Self::containing(today).unwrap_or(Self(today.year().clamp(Self::FIRST, Self::LAST)))
    }

    /// The Western year it starts in (2026 for FY2026).
    pub fn year(self) -> i32 {
        self.0
    }

    /// The fiscal year before, for the comparison column; `None` before [`FiscalYear::FIRST`].
    pub fn previous(self) -> Option<Self> {
        Self::new(self.0 - 1).ok()
    }

    /// 1 April.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0, 4, 1).expect("1 April exists in every year")
    }

    /// 31 March of the next year.
    pub fn last_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0 + 1, 3, 31).expect("31 March exists in every year")
    }

    /// The stored-UTC bounds for queries, half-open: `start <= t < end`, where `start` is
    /// 1 April 00:00 in Tokyo (31 March 15:00 UTC) and `end` the same instant a year later.
    pub fn utc_bounds(self) -> (NaiveDateTime, NaiveDateTime) {
        (
            tokyo_midnight_in_utc(self.first_day()),
            tokyo_midnight_in_utc(self.last_day() + chrono::Days::new(1)),
        )
    }

    /// Whether a stored UTC time falls in this fiscal year.
    pub fn contains_utc(self, utc: NaiveDateTime) -> bool {
        let (start, end) = self.utc_bounds();
        start <= utc && utc < end
    }

    /// 「令和8年度」.
    pub fn label_ja(self) -> String {
        match era::era_year_of_year(self.0) {
            Some(era_year) => format!("{}度", era_year.label()),
            // Unreachable within FIRST..=LAST; kept total rather than panicking.
            None => format!("{}年度", self.0),
        }
    }

    /// "FY2026".
    pub fn label_en(self) -> String {
        format!("FY{}", self.0)
    }

    /// The label in a language; the other calendar can be added beside it by the caller
    /// (「令和8年度 (FY2026)」).
    pub fn label(self, lang: Lang) -> String {
        match lang {
            Lang::Ja => self.label_ja(),
            Lang::En => self.label_en(),
        }
    }

    /// The span for people: 「2026年4月1日〜2027年3月31日」 / "1 Apr 2026 – 31 Mar 2027".
    pub fn span_label(self, lang: Lang) -> String {
        let (first, last) = (self.first_day(), self.last_day());
        match lang {
            Lang::Ja => format!("{}年4月1日〜{}年3月31日", first.year(), last.year()),
            Lang::En => format!(
                "{} – {}",
                first.format("%-d %b %Y"),
                last.format("%-d %b %Y")
            ),
        }
    }
}

fn tokyo_midnight_in_utc(date: NaiveDate) -> NaiveDateTime {
    jst()
        .from_local_datetime(&date.and_time(NaiveTime::MIN))
        .single()
        .expect("Tokyo has a fixed offset, so every local time exists once")
        .naive_utc()
}

/// Parses the year of a path (`/staff/reports/2026`): exactly four ASCII digits, within the
/// supported range.
impl FromStr for FiscalYear {
    type Err = FiscalYearError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() != 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FiscalYearError::NotAYear);
        }
        let year: i32 = s.parse().map_err(|_| FiscalYearError::NotAYear)?;
        Self::new(year)
    }
}

/// The year as in URLs: "2026".
impl fmt::Display for FiscalYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fy(year: i32) -> FiscalYear {
        FiscalYear::new(year).unwrap()
    }

    fn utc(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn labels_in_both_calendars_across_the_change_of_era() {
        assert_eq!(fy(2026).label_ja(), "令和8年度");
        assert_eq!(fy(2026).label(Lang::En), "FY2026");
        assert_eq!(fy(2021).label(Lang::Ja), "令和3年度");
        assert_eq!(fy(2019).label_ja(), "令和元年度");
        assert_eq!(fy(2018).label_ja(), "平成30年度");
        assert_eq!(fy(2000).label_ja(), "平成12年度");
        assert_eq!(fy(2100).label_ja(), "令和82年度");
    }

    #[test]
    fn dates_belong_to_the_year_that_started_the_april_before() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(FiscalYear::containing(d(2026, 4, 1)), Ok(fy(2026)));
        assert_eq!(FiscalYear::containing(d(2027, 3, 31)), Ok(fy(2026)));
        assert_eq!(FiscalYear::containing(d(2026, 3, 31)), Ok(fy(2025)));
        assert_eq!(FiscalYear::containing(d(2026, 12, 31)), Ok(fy(2026)));
        assert_eq!(
            FiscalYear::containing(d(2000, 3, 31)),
            Err(FiscalYearError::OutOfRange)
        );
        assert_eq!(fy(2026).first_day(), d(2026, 4, 1));
        assert_eq!(fy(2026).last_day(), d(2027, 3, 31));
        assert_eq!(fy(2026).span_label(Lang::Ja), "2026年4月1日〜2027年3月31日");
        assert_eq!(fy(2026).span_label(Lang::En), "1 Apr 2026 – 31 Mar 2027");
    }

    #[test]
    fn utc_bounds_are_tokyo_midnights_half_open() {
        let (start, end) = fy(2026).utc_bounds();
        assert_eq!(start, utc("2026-03-31 15:00:00"));
        assert_eq!(end, utc("2027-03-31 15:00:00"));
        // 00:00 on 1 April in Tokyo is in; one second before is the year before.
        assert!(fy(2026).contains_utc(utc("2026-03-31 15:00:00")));
        assert!(!fy(2026).contains_utc(utc("2026-03-31 14:59:59")));
        assert!(fy(2026).contains_utc(utc("2027-03-31 14:59:59")));
        assert!(!fy(2026).contains_utc(utc("2027-03-31 15:00:00")));
        assert_eq!(
            FiscalYear::containing_utc(utc("2027-03-31 15:00:00")),
            Ok(fy(2027))
        );
        assert_eq!(
            FiscalYear::containing_utc(utc("2027-03-31 14:59:59")),
            Ok(fy(2026))
        );
        // Consecutive years tile the time line.
        assert_eq!(fy(2025).utc_bounds().1, fy(2026).utc_bounds().0);
    }

    #[test]
    fn path_years_are_four_digits_within_bounds() {
        assert_eq!("2026".parse(), Ok(fy(2026)));
        assert_eq!("2000".parse(), Ok(fy(2000)));
        assert_eq!("2100".parse(), Ok(fy(2100)));
        for bad in [
            "",
            "26",
            "20260",
            "+202",
            "２０２６",
            "2026a",
            " 202",
            "-999",
            "20 6",
        ] {
            assert_eq!(
                bad.parse::<FiscalYear>(),
                Err(FiscalYearError::NotAYear),
                "{bad:?}"
            );
        }
        for out in ["1999", "2101", "0000", "9999"] {
            assert_eq!(
                out.parse::<FiscalYear>(),
                Err(FiscalYearError::OutOfRange),
                "{out}"
            );
        }
        assert_eq!(fy(2026).to_string(), "2026");
    }

    #[test]
    fn neighbours_stay_within_bounds() {
        assert_eq!(fy(2026).previous(), Some(fy(2025)));
        assert_eq!(fy(2000).previous(), None);
        let now = FiscalYear::current();
        assert!((FiscalYear::FIRST..=FiscalYear::LAST).contains(&now.year()));
        assert!(now.contains_utc(crate::time::now_utc()));
    }
}
