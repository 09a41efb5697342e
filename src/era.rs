//! The Japanese calendar (和暦): era names for dates (「令和8年4月1日」) and for calendar years
//! (「令和元年」), as printed on certificates and in the names of fiscal years.
//!
//! The table is short on purpose: only the eras a date in this service can fall in (dates of
//! issue, seminar dates and fiscal years from 2000 on) plus 昭和, so that any date from 1926-12-25 has
//! a name. A new era is one more row, first in the list.

use chrono::{Datelike, NaiveDate};

/// One era: its name and the first day of its first year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Era {
    /// 「令和」.
    pub name: &'static str,
    /// 「Reiwa」.
    pub romaji: &'static str,
    /// The day the era began.
    pub first_day: NaiveDate,
}

/// The eras, newest first.
const ERAS: [(&str, &str, i32, u32, u32); 3] = [
    ("令和", "Reiwa", 2019, 5, 1),
    ("平成", "Heisei", 1989, 1, 8),
    ("昭和", "Showa", 1926, 12, 25),
];

fn era_at(index: usize) -> Era {
    let (name, romaji, y, m, d) = ERAS[index];
    Era {
        name,
        romaji,
        first_day: NaiveDate::from_ymd_opt(y, m, d).expect("the era table holds valid dates"),
    }
}

fn eras() -> impl Iterator<Item = Era> {
    (0..ERAS.len()).map(era_at)
}

/// A year of an era: 「令和8年」 is `EraYear { era: 令和, year: 8 }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EraYear {
    /// The era.
    pub era: Era,
    /// The year within the era, from 1.
    pub year: i32,
}

impl EraYear {
    /// 「令和8年」, with the first year written 「元年」 as in every official document.
    pub fn label(&self) -> String {
        if self.year == 1 {
            format!("{}元年", self.era.name)
        } else {
            format!("{}{}年", self.era.name, self.year)
        }
    }
}

/// The era year a date falls in: 2019-04-30 is 平成31年, 2019-05-01 is 令和元年.
/// `None` before 昭和 (1926-12-25).
pub fn era_year_of_date(date: NaiveDate) -> Option<EraYear> {
    let era = eras().find(|e| date >= e.first_day)?;
    Some(EraYear {
        era,
        year: date.year() - era.first_day.year() + 1,
    })
}

/// The name of a Western calendar year as a whole: the era in force at its end, so 2019 is
/// 令和元年 and 1989 is 平成元年 (how a year is named once its era has changed; fiscal years take
/// the name of the calendar year they start in, see `reports::fiscal_year`). `None` for a year
/// that ended before 昭和 began.
pub fn era_year_of_year(year: i32) -> Option<EraYear> {
    let last_day = NaiveDate::from_ymd_opt(year, 12, 31)?;
    era_year_of_date(last_day)
}

/// A date in the Japanese calendar: 「令和8年4月1日」.
pub fn format_date(date: NaiveDate) -> Option<String> {
    let era_year = era_year_of_date(date)?;
    Some(format!(
        "{}{}月{}日",
        era_year.label(),
        date.month(),
        date.day()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn dates_take_the_era_in_force_on_that_day() {
        assert_eq!(format_date(day(2019, 4, 30)).unwrap(), "平成31年4月30日");
        assert_eq!(format_date(day(2019, 5, 1)).unwrap(), "令和元年5月1日");
        assert_eq!(format_date(day(2026, 4, 1)).unwrap(), "令和8年4月1日");
        assert_eq!(format_date(day(1989, 1, 7)).unwrap(), "昭和64年1月7日");
        assert_eq!(format_date(day(1989, 1, 8)).unwrap(), "平成元年1月8日");
        assert_eq!(format_date(day(1926, 12, 24)), None);
    }

    #[test]
    fn a_year_is_named_by_the_era_it_ends_in() {
        assert_eq!(era_year_of_year(2019).unwrap().label(), "令和元年");
        assert_eq!(era_year_of_year(2018).unwrap().label(), "平成30年");
        assert_eq!(era_year_of_year(1989).unwrap().label(), "平成元年");
        assert_eq!(era_year_of_year(2026).unwrap().label(), "令和8年");
        assert_eq!(era_year_of_year(2026).unwrap().era.romaji, "Reiwa");
        assert_eq!(era_year_of_year(1925), None);
    }
}
