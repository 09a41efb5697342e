//! The public side of a series: its entry in the seminar list (one card with every date), its
//! page with the sessions and the registration form, and its calendar file.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, web};
use views::forms::FormErrors;
use views::seminars::public::RegistrationForm;
use views::seminars::series::{SeriesDetail, SessionRow};
use views::{Lang, Markup};

use super::model::Series;
use super::queries;
use crate::db::DbConn;
use crate::error::AppError;
use crate::reference;
use crate::seminars::handlers::closed_reason;
use crate::seminars::model::{Mode, Seminar};
use crate::seminars::pages::PublicPages;
use crate::seminars::queries::{Seats, seats_many};
use crate::web::AppState;
use crate::web::ctx::Page;
use crate::web::kept;
use crate::web::lang::negotiate;

/// A series as the seminar list shows it.
#[derive(Debug, Clone)]
pub struct SeriesCard {
    /// Title in the list's language.
    pub title: String,
    /// 「連続講座・全3回」.
    pub label: String,
    /// Every session's date and time.
    pub dates: Vec<String>,
    /// Seats left, one text.
    pub seats: String,
}

/// The modes every session of a series offers (a series entry attends all in one mode).
pub fn modes(sessions: &[Seminar]) -> Vec<Mode> {
    let Some(first) = sessions.first() else {
        return Vec::new();
    };
    first
        .format()
        .modes()
        .iter()
        .copied()
        .filter(|m| sessions.iter().all(|s| s.format().modes().contains(m)))
        .collect()
}

/// The seats a series has left per mode: its capacity less its confirmed people, and no more
/// than the fewest free seats of a session.
pub fn seats_left(
    series: &Series,
    sessions: &[Seminar],
    seats: &HashMap<i64, HashMap<&'static str, Seats>>,
) -> Vec<(Mode, i64)> {
    let of = |s: &Seminar, m: Mode| {
        seats
            .get(&s.id)
            .and_then(|x| x.get(m.as_str()))
            .copied()
            .unwrap_or_default()
    };
    // Every entry holds a seat in every session: the first session's confirmed are the
    // series' confirmed people.
    let confirmed: i64 = sessions.first().map_or(0, |first| {
        [Mode::Onsite, Mode::Online]
            .iter()
            .map(|m| of(first, *m).confirmed)
            .sum()
    });
    modes(sessions)
        .into_iter()
        .map(|m| {
            let mut left = i64::from(series.capacity) - confirmed;
            for s in sessions {
                left = left.min(of(s, m).left());
            }
            (m, left.max(0))
        })
        .collect()
}

/// 「会場 残り3席 / オンライン 満席」 for a series.
pub fn seats_text(
    series: &Series,
    sessions: &[Seminar],
    seats: &HashMap<i64, HashMap<&'static str, Seats>>,
    lang: Lang,
) -> String {
    seats_left(series, sessions, seats)
        .into_iter()
        .map(|(m, left)| {
            let mode = lang.t(m.label_key());
            if left > 0 {
                lang.tf(
                    "seminars.seats_left",
                    &[("mode", mode), ("n", &left.to_string())],
                )
            } else {
                lang.tf("seminars.seats_full", &[("mode", mode)])
            }
        })
        .collect::<Vec<_>>()
        .join(" / ")
}

/// The cards of the series `ids` for the list.
pub fn cards(
    c: &mut DbConn,
    ids: &[i64],
    lang: Lang,
) -> Result<HashMap<i64, SeriesCard>, AppError> {
    let series = queries::find_many(c, ids)?;
    let sessions = queries::public_sessions_many(c, ids)?;
    let all: Vec<Seminar> = sessions.values().flatten().cloned().collect();
    let seats = seats_many(c, &all)?;
    let mut out = HashMap::new();
    for (id, x) in &series {
        let list = sessions.get(id).map(Vec::as_slice).unwrap_or_default();
        out.insert(
            *id,
            SeriesCard {
                title: x.title_in(lang).to_string(),
                label: lang.tf("series.card_label", &[("n", &list.len().to_string())]),
                dates: list
                    .iter()
                    .map(|s| crate::time::format_span(s.starts_at, s.ends_at, lang))
                    .collect(),
                seats: seats_text(x, list, &seats, lang),
            },
        );
    }
    Ok(out)
}

/// Why a series takes no registration now: the first reason a session gives (called off,
/// past its deadline, not open yet), or that it has no sessions.
pub fn closed(sessions: &[Seminar], now: chrono::NaiveDateTime, lang: Lang) -> Option<String> {
    if sessions.is_empty() {
        return Some(lang.t("series.closed_empty").to_string());
    }
    sessions.iter().find_map(|s| closed_reason(s, now, lang))
}

/// The view of a series' page and its empty form, from the database (404 for a series without
/// a public session).
pub fn detail(
    c: &mut DbConn,
    labels: &reference::Kept,
    version: u64,
    id: i64,
    lang: Lang,
) -> Result<(SeriesDetail, RegistrationForm), AppError> {
    use diesel::OptionalExtension;
    let now = crate::time::now_utc();
    let series = queries::find(c, id).optional()?.ok_or(AppError::NotFound)?;
    let sessions = queries::public_sessions(c, id)?;
    let Some(first) = sessions.first() else {
        return Err(AppError::NotFound);
    };
    let seats = seats_many(c, &sessions)?;
    let prefectures = labels.get(c, version, reference::Table::Prefectures, lang)?;
    let industries = labels.get(c, version, reference::Table::Industries, lang)?;
    let bands = labels.get(c, version, reference::Table::EmployeeBands, lang)?;
    let n = sessions.len();
    let detail = SeriesDetail {
        id,
        title: series.title_in(lang).to_string(),
        description: series.description_in(lang).to_string(),
        sessions: sessions
            .iter()
            .enumerate()
            .map(|(i, s)| SessionRow {
                href: format!("/seminars/{}", s.id),
                number: i + 1,
                title: s.title.clone(),
                when: crate::time::format_span(s.starts_at, s.ends_at, lang),
                place: crate::seminars::place_text(s, lang),
                note: (s.status == crate::seminars::model::SeminarStatus::Cancelled)
                    .then(|| lang.t("seminars.closed_cancelled").to_string()),
            })
            .collect(),
        seats: seats_text(&series, &sessions, &seats, lang),
        certificate: lang.tf(
            "series.certificate_rule",
            &[
                ("n", &n.to_string()),
                ("min", &series.sessions_for_certificate(n).to_string()),
            ],
        ),
        closed: closed(&sessions, now, lang),
    };
    let mut form = crate::seminars::handlers::registration_form(
        first,
        prefectures.to_vec(),
        industries.to_vec(),
        bands.to_vec(),
        lang,
    );
    form.modes = crate::seminars::mode_options(&modes(&sessions), lang);
    form.participants = Vec::new();
    Ok((detail, form))
}

/// The series page with its form re-rendered with `values` and `errors` (never kept: this
/// visitor's own).
pub async fn show_page(
    state: &AppState,
    page: &Page,
    id: i64,
    values: Vec<(String, String)>,
    errors: FormErrors,
) -> Result<Markup, AppError> {
    let lang = page.lang;
    let (detail, mut form) = state
        .db
        .run(move |c| {
            let version = crate::content_version::read(c)?;
            detail(c, &reference::Kept::default(), version, id, lang)
        })
        .await?;
    form.set_values(values);
    form.errors = errors;
    Ok(views::seminars::series::show(page, &detail, &form))
}

/// `GET /series/{id}` (kept in memory per content version, see [`crate::seminars::pages`]).
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<PublicPages>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let kept = pages
        .into_inner()
        .series(&state, path.into_inner(), negotiate(&req))
        .await?;
    Ok(kept::respond(&req, &kept))
}

/// `GET /series/{id}.ics`: every public session of the series, one event each.
pub async fn ics(
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    use diesel::OptionalExtension;
    let id = path.into_inner();
    let (series, sessions) = state
        .db
        .run(move |c| {
            let series = queries::find(c, id).optional()?.ok_or(AppError::NotFound)?;
            let sessions = queries::public_sessions(c, id)?;
            if sessions.is_empty() {
                return Err(AppError::NotFound);
            }
            Ok((series, sessions))
        })
        .await?;
    let base = state.config.base_url.trim_end_matches('/').to_string();
    let events: Vec<_> = sessions
        .iter()
        .map(|s| crate::seminars::feed::event(s, &base, page.lang))
        .collect();
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .body(crate::seminars::ical::calendar(
            series.title_in(page.lang),
            &events,
        )))
}
