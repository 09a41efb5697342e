//! Seminars: the programme. The public list and page, calendar feeds, creating, editing,
//! publishing and calling off seminars (staff pages and API, through [`service`]).
//! Registrations (seats, waitlist, mails, the staff's seminar pages) build on this in
//! `crate::registrations`; seminars tell registrants of a change through [`registrants`].

pub mod api;
pub mod cancel;
pub mod feed;
pub mod forms;
pub mod handlers;
pub mod ical;
pub mod ical_read;
pub mod import;
pub mod model;
pub mod pages;
pub mod queries;
pub mod registrants;
pub mod series;
pub mod service;
pub mod staff;

use std::collections::HashMap;

use views::Lang;

use self::model::{Format, Mode, Seminar};
use self::queries::Seats;
use crate::web::router::Router;

/// The routes of the programme (registrations register their own).
pub fn routes(r: &mut Router) {
    r.get("/", handlers::home)
        .get("/seminars", handlers::list)
        .get("/seminars.ics", feed::all)
        .get("/seminars/{id:\\d+}.ics", feed::one)
        .get("/seminars/{id:\\d+}", handlers::show)
        .get("/series/{id:\\d+}.ics", series::public::ics)
        .get("/series/{id:\\d+}", series::public::show)
        .get("/staff/series", series::staff::list)
        .post("/staff/series", series::staff::create)
        .get("/staff/series/{id:\\d+}", series::staff::page)
        .post("/staff/series/{id:\\d+}", series::staff::update)
        .post("/staff/series/{id:\\d+}/sessions", series::staff::add)
        .post(
            "/staff/series/{id:\\d+}/sessions/{seminar:\\d+}/remove",
            series::staff::remove,
        )
        .get("/api/v1/series", series::api::list)
        .post("/api/v1/series", series::api::create)
        .get("/api/v1/series/{id:\\d+}", series::api::show)
        .patch("/api/v1/series/{id:\\d+}", series::api::update)
        .get("/staff/seminars/new", staff::new)
        .post("/staff/seminars/new", staff::create)
        .get("/staff/seminars/import", import::form)
        .post("/staff/seminars/import", import::import)
        .get("/staff/seminars/{id:\\d+}/edit", staff::edit)
        .post("/staff/seminars/{id:\\d+}/edit", staff::update)
        .post("/staff/seminars/{id:\\d+}/publish", staff::publish)
        .get("/staff/seminars/{id:\\d+}/cancel", cancel::confirm_page)
        .post("/staff/seminars/{id:\\d+}/cancel", cancel::cancel)
        .post("/staff/seminars/{id:\\d+}/duplicate", staff::duplicate)
        .get("/api/v1/seminars", api::list)
        .post("/api/v1/seminars", api::create)
        .get("/api/v1/seminars/{id:\\d+}", api::show)
        .patch("/api/v1/seminars/{id:\\d+}", api::update);
}

/// The place of a seminar for people: venue and address, or "online".
pub fn place_text(s: &Seminar, lang: Lang) -> String {
    let venue = [s.venue.as_str(), s.address.as_str()]
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    match (s.format(), venue.is_empty()) {
        (Format::Online, _) | (_, true) => lang.t("seminars.format_online").to_string(),
        (Format::Hybrid, false) => format!("{venue} / {}", lang.t("seminars.format_online")),
        (Format::Onsite, false) => venue,
    }
}

/// The label of a format.
pub fn format_label(format: &str, lang: Lang) -> &'static str {
    match format {
        "onsite" => lang.t("seminars.format_onsite"),
        "hybrid" => lang.t("seminars.format_hybrid"),
        _ => lang.t("seminars.format_online"),
    }
}

/// Format options for selects.
pub fn format_options(lang: Lang) -> Vec<(String, String)> {
    Format::ALL
        .iter()
        .map(|f| (f.to_string(), format_label(f, lang).to_string()))
        .collect()
}

/// 「会場 残り3席 / オンライン 残り120席」 for the modes the seminar offers.
/// A lottery not drawn yet says so instead: 「抽選（会場 30席 / オンライン 50席）・結果は12月3日 18:00まで」.
pub fn seats_text(s: &Seminar, seats: &HashMap<&'static str, Seats>, lang: Lang) -> String {
    if s.awaits_draw() {
        let capacities = s
            .format()
            .modes()
            .iter()
            .map(|m| {
                lang.tf(
                    "lottery.capacity",
                    &[
                        ("mode", lang.t(m.label_key())),
                        ("n", &s.capacity(*m).to_string()),
                    ],
                )
            })
            .collect::<Vec<_>>()
            .join(" / ");
        return lang.tf(
            "lottery.public_seats",
            &[
                ("seats", &capacities),
                ("when", &crate::time::format_datetime(s.draw_time(), lang)),
            ],
        );
    }
    s.format()
        .modes()
        .iter()
        .map(|m| {
            let seat = seats.get(m.as_str()).copied().unwrap_or_default();
            let mode = lang.t(m.label_key());
            if seat.left() > 0 {
                lang.tf(
                    "seminars.seats_left",
                    &[("mode", mode), ("n", &seat.left().to_string())],
                )
            } else {
                lang.tf("seminars.seats_full", &[("mode", mode)])
            }
        })
        .collect::<Vec<_>>()
        .join(" / ")
}

/// The label of a seminar status.
pub fn status_label(status: model::SeminarStatus, lang: Lang) -> &'static str {
    match status {
        model::SeminarStatus::Draft => lang.t("seminars.status_draft"),
        model::SeminarStatus::Cancelled => lang.t("seminars.status_cancelled"),
        model::SeminarStatus::Published => lang.t("seminars.status_published"),
    }
}

/// The reminder time for people: 「前日 10:00」, or 「送らない」.
pub fn reminder_label(stored: Option<&str>, lang: Lang) -> String {
    match stored {
        Some(t) => lang.tf("seminars.reminder_at", &[("time", t)]),
        None => lang.t("seminars.reminder_none").to_string(),
    }
}

/// Options of the reminder field: no reminder, then every half hour from 06:00 to 22:00 on the
/// day before (plus `current` when it is off that grid, e.g. set through the API).
pub fn reminder_options(current: &str, lang: Lang) -> Vec<(String, String)> {
    let mut times: Vec<String> = (12..=44)
        .map(|half_hours| format!("{:02}:{:02}", half_hours / 2, half_hours % 2 * 30))
        .collect();
    if model::parse_reminder_time(current).is_some() && !times.iter().any(|t| t == current) {
        times.push(current.to_string());
        times.sort();
    }
    std::iter::once((forms::NO_REMINDER.to_string(), reminder_label(None, lang)))
        .chain(
            times
                .into_iter()
                .map(|t| (t.clone(), reminder_label(Some(&t), lang))),
        )
        .collect()
}

/// Options of the allocation field: first come, lottery.
pub fn allocation_options(lang: Lang) -> Vec<(String, String)> {
    [model::Allocation::FirstCome, model::Allocation::Lottery]
        .iter()
        .map(|a| (a.as_str().to_string(), lang.t(a.label_key()).to_string()))
        .collect()
}

/// Options of what a lottery does with those it does not draw.
pub fn lottery_rest_options(lang: Lang) -> Vec<(String, String)> {
    [
        (forms::LOTTERY_WAITLIST, "lottery.rest_waitlist"),
        (forms::LOTTERY_NOT_DRAWN, "lottery.rest_not_drawn"),
    ]
    .iter()
    .map(|(v, k)| (v.to_string(), lang.t(k).to_string()))
    .collect()
}

/// A lottery's state for staff: 「抽選: 12月3日(木) 18:00」 or 「抽選済み: ...」; `None` for first come.
pub fn lottery_state(s: &Seminar, lang: Lang) -> Option<String> {
    if s.allocation() != model::Allocation::Lottery {
        return None;
    }
    Some(match s.drawn_at {
        Some(at) => lang.tf(
            "lottery.state_drawn",
            &[("when", &crate::time::format_datetime(at, lang))],
        ),
        None => lang.tf(
            "lottery.state_pending",
            &[("when", &crate::time::format_datetime(s.draw_time(), lang))],
        ),
    })
}

/// Mode options of a seminar.
pub fn mode_options(modes: &[Mode], lang: Lang) -> Vec<(String, String)> {
    modes
        .iter()
        .map(|m| (m.as_str().to_string(), lang.t(m.label_key()).to_string()))
        .collect()
}
