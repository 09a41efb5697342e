//! The staff's list of seminars: every seminar with its seats and turnout, over an overview of
//! the registrations of the last days (a timeline and charts by prefecture, industry and size).

use actix_web::{HttpResponse, web};
use views::seminars::staff::StaffRow;

use crate::accounts::StaffUser;
use crate::error::AppError;
use crate::reference;
use crate::registrations::queries as reg_queries;
use crate::seminars::queries;
use crate::web::AppState;
use crate::web::ctx::{Page, html};

/// `GET /staff/seminars`.
pub async fn list(
    _user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let lang = page.lang;
    let (rows, overview) = state
        .db
        .run(move |c| {
            let now = crate::time::now_utc();
            let recent = reg_queries::active_since(c, now - chrono::Duration::days(OVERVIEW_DAYS))?;
            let created: Vec<_> = recent.iter().map(|r| r.created_at).collect();
            let overview = views::seminars::staff::Overview {
                timeline: per_day(&created, crate::time::to_jst(now).date_naive()),
                charts: charts(c, &recent, lang)?,
            };
            let list = queries::list_all(c)?;
            let all_seats = queries::seats_many(c, &list)?;
            let mut rows = Vec::new();
            for s in list {
                let seats = all_seats.get(&s.id).cloned().unwrap_or_default();
                rows.push(StaffRow {
                    id: s.id,
                    title: s.title.clone(),
                    when: crate::time::format_span(s.starts_at, s.ends_at, lang),
                    status: s.status.to_string(),
                    status_label: crate::seminars::status_label(s.status, lang).to_string(),
                    seats: crate::seminars::seats_text(&s, &seats, lang),
                    // Nobody can have attended a seminar that has not started.
                    turnout: if s.starts_at <= now {
                        turnout(&seats)
                    } else {
                        "—".into()
                    },
                });
            }
            Ok::<_, AppError>((rows, overview))
        })
        .await?;
    Ok(html(views::seminars::staff::list(
        &page, &rows, &overview, None,
    )))
}

/// How far back the overview of the staff seminar list looks.
const OVERVIEW_DAYS: i64 = 90;

/// Active registrations counted by prefecture, industry and employee band, for the charts.
pub(super) fn charts(
    c: &mut crate::db::DbConn,
    regs: &[crate::registrations::model::Registration],
    lang: views::Lang,
) -> Result<Vec<views::seminars::staff::Chart>, AppError> {
    let active: Vec<_> = regs
        .iter()
        .filter(|r| r.status != crate::registrations::model::RegistrationStatus::Cancelled)
        .collect();
    let tally =
        |options: &reference::Options,
         key: &dyn Fn(&crate::registrations::model::Registration) -> String| {
            let mut rows: Vec<(String, i64)> = options
                .iter()
                .map(|(code, label)| {
                    let n = active.iter().filter(|r| key(r) == *code).count() as i64;
                    (label.clone(), n)
                })
                .filter(|(_, n)| *n > 0)
                .collect();
            rows.sort_by_key(|r| std::cmp::Reverse(r.1));
            rows
        };
    let prefectures = reference::prefectures(c, lang)?;
    let industries = reference::industries(c, lang)?;
    let bands = reference::employee_bands(c, lang)?;
    Ok(vec![
        (
            lang.t("seminars.chart_prefecture").to_string(),
            tally(&prefectures, &|r| {
                r.prefecture.map(|p| p.to_string()).unwrap_or_default()
            }),
        ),
        (
            lang.t("seminars.chart_industry").to_string(),
            tally(&industries, &|r| r.industry.clone()),
        ),
        (
            lang.t("seminars.chart_band").to_string(),
            tally(&bands, &|r| r.employee_band.clone().unwrap_or_default()),
        ),
    ])
}

/// The most days the registrations-over-time chart shows; earlier registrations are counted
/// on its first day, labelled 「〜M/D」.
const TIMELINE_DAYS: usize = 120;

/// Registrations per day in Tokyo, from the first one's day to `until` (or the last one's
/// day, if later), days with none included: (label `M/D`, count).
pub(super) fn per_day(
    created: &[chrono::NaiveDateTime],
    until: chrono::NaiveDate,
) -> Vec<(String, i64)> {
    let days: Vec<chrono::NaiveDate> = created
        .iter()
        .map(|t| crate::time::to_jst(*t).date_naive())
        .collect();
    let (Some(first), Some(last)) = (days.iter().min(), days.iter().max()) else {
        return Vec::new();
    };
    let last = (*last).max(until);
    let all: Vec<chrono::NaiveDate> = first.iter_days().take_while(|d| *d <= last).collect();
    let shown = &all[all.len().saturating_sub(TIMELINE_DAYS)..];
    shown
        .iter()
        .enumerate()
        .map(|(i, day)| {
            let folded = i == 0 && shown.len() < all.len();
            let n = days
                .iter()
                .filter(|d| *d == day || (folded && *d < day))
                .count() as i64;
            let label = day.format("%-m/%-d").to_string();
            (if folded { format!("〜{label}") } else { label }, n)
        })
        .collect()
}

/// Checked in ÷ confirmed over both modes: 「18 / 20 (90%)」.
fn turnout(
    seats: &std::collections::HashMap<&'static str, crate::seminars::queries::Seats>,
) -> String {
    let (present, confirmed) = seats
        .values()
        .fold((0, 0), |(p, c), s| (p + s.checked_in, c + s.confirmed));
    if confirmed == 0 {
        return "—".into();
    }
    format!("{present} / {confirmed} ({}%)", present * 100 / confirmed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> chrono::NaiveDateTime {
        chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn registrations_per_day_are_tokyo_days_with_the_empty_ones() {
        let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // 2026-12-01 23:30 JST, 2026-12-02 00:30 JST (= 12-01 15:30 UTC), 2026-12-04 10:00 JST.
        let created = [
            utc("2026-12-01 14:30"),
            utc("2026-12-01 15:30"),
            utc("2026-12-04 01:00"),
        ];
        assert_eq!(
            per_day(&created, day("2026-12-05")),
            vec![
                ("12/1".to_string(), 1),
                ("12/2".to_string(), 1),
                ("12/3".to_string(), 0),
                ("12/4".to_string(), 1),
                ("12/5".to_string(), 0),
            ]
        );
        assert!(per_day(&[], day("2026-12-05")).is_empty());
        // A long run keeps the last days and counts the earlier ones on the first.
        let long = [utc("2026-01-01 03:00"), utc("2026-12-01 03:00")];
        let days = per_day(&long, day("2026-12-01"));
        assert_eq!(days.len(), TIMELINE_DAYS);
        assert_eq!(days[0].1, 1);
        assert!(days[0].0.starts_with('〜'));
        assert_eq!(days.iter().map(|d| d.1).sum::<i64>(), 2);
    }
}
