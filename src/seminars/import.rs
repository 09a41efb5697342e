//! Staff import seminars from an iCalendar (`.ics`) file: every event becomes a **draft** to
//! check, complete and publish.
//!
//! - The upload (multipart, at most 1 MB) comes with what a calendar does not carry: industry,
//!   prefecture, format and capacities, applied to every event.
//! - `SUMMARY` → title, `DESCRIPTION` → summary (its first line) and body, `LOCATION` → venue
//!   (a `LOCATION` that is a web address is the online URL instead), `URL` → online URL,
//!   `DTSTART`/`DTEND` (or `DURATION`) → times (see [`super::ical_read`] for the zones); the
//!   registration deadline is the same time on the day before the start.
//! - Each draft passes the same checks as the staff form ([`SeminarForm::validate`]); an event
//!   that fails them, an all-day or recurring event, or one in another time zone is skipped
//!   and listed with the reason.
//! - No duplicates on re-import: a seminar keeps the `UID` of the event it came from
//!   (`seminars.import_uid`, unique), and an event whose `UID` is known is skipped. An event
//!   without a `UID` (which RFC 5545 requires, but some programs omit) is matched on title and
//!   start instead.
//! - A bad upload (no file, too big, not a calendar, no events, bad defaults) gets the form
//!   again with a 4xx and the message; nothing is stored. The drafts of a good file are stored
//!   in one transaction with one audit entry.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::{Duration, NaiveDateTime};
use futures_util::StreamExt;
use serde_json::json;
use views::Lang;
use views::forms::FormErrors;
use views::seminars::import::{Created, ImportResult, ImportView, Skipped};

use super::forms::{SeminarForm, Window};
use super::ical_read::{self, CalendarEvent, Skip};
use super::model::SeminarData;
use super::queries;
use crate::accounts::StaffUser;
use crate::audit;
use crate::error::{AppError, Message};
use crate::reference;
use crate::web::AppState;
use crate::web::ctx::{Page, html, html_status};
use crate::web::input;

/// The largest file accepted.
pub const MAX_BYTES: usize = 1024 * 1024;

/// The fields of the form besides the file, applied to every event.
const DEFAULT_FIELDS: [&str; 5] = [
    "industry",
    "prefecture",
    "format",
    "capacity_onsite",
    "capacity_online",
];

/// What the upload brought.
#[derive(Debug, Default)]
struct Upload {
    /// The default fields.
    values: Vec<(String, String)>,
    /// The file's bytes (none when no file was chosen).
    file: Option<web::Bytes>,
    /// The file was over [`MAX_BYTES`].
    too_big: bool,
}

impl Upload {
    fn value(&self, name: &str) -> String {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    }
}

/// Reads the parts: the file, and the default fields as text under the rules of every input
/// (UTF-8, no control characters, each field once).
async fn read_upload(mut parts: Multipart) -> Result<Upload, AppError> {
    let mut upload = Upload::default();
    while let Some(part) = parts.next().await {
        let mut part = part.map_err(|_| AppError::unreadable())?;
        let name = part.name().unwrap_or_default().to_string();
        if name == "file" {
            match part.bytes(MAX_BYTES).await {
                Ok(Ok(bytes)) if !bytes.is_empty() => upload.file = Some(bytes),
                Ok(Ok(_)) => {}
                Ok(Err(_)) => return Err(AppError::unreadable()),
                Err(_) => upload.too_big = true,
            }
        } else if DEFAULT_FIELDS.contains(&name.as_str()) {
            let bytes = match part.bytes(1024).await {
                Ok(Ok(bytes)) => bytes,
                Ok(Err(_)) => return Err(AppError::unreadable()),
                Err(_) => return Err(AppError::PayloadTooLarge),
            };
            let value = input::text_part(&name, &bytes)?;
            if upload.values.iter().any(|(k, _)| *k == name) {
                return Err(AppError::bad_field(name, Message::new("input.repeated")));
            }
            upload.values.push((name, value));
        } else {
            // csrf_token (checked by the middleware) and anything else: read past it.
            let _ = part.bytes(64 * 1024).await;
        }
    }
    Ok(upload)
}

/// The staff form for one event, with the defaults.
fn seminar_form(
    e: &CalendarEvent,
    start: NaiveDateTime,
    end: NaiveDateTime,
    u: &Upload,
) -> SeminarForm {
    let web_address = |v: &str| v.starts_with("https://") || v.starts_with("http://");
    let (venue, online_url) = match (web_address(&e.url), web_address(&e.location)) {
        (true, _) => (e.location.clone(), e.url.clone()),
        (false, true) => (String::new(), e.location.clone()),
        (false, false) => (e.location.clone(), String::new()),
    };
    let local = crate::time::local_input_value;
    SeminarForm {
        title: e.summary.clone(),
        summary: e
            .description
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or_default()
            .chars()
            .take(300)
            .collect(),
        body_md: e.description.clone(),
        industry: u.value("industry"),
        prefecture: u.value("prefecture"),
        format: u.value("format"),
        venue,
        online_url,
        starts_at: local(start),
        ends_at: local(end),
        registration_closes_at: local(start - Duration::days(1)),
        capacity_onsite: u.value("capacity_onsite"),
        capacity_online: u.value("capacity_online"),
        fee: "無料".into(),
        // The bureau's usual reminder, the day before at 10:00; staff change it per draft.
        reminder_time: super::model::DEFAULT_REMINDER_TIME.into(),
        ..SeminarForm::default()
    }
}

/// Errors of the defaults alone: a sample event with good values is checked with them.
fn default_errors(u: &Upload, industries: &[String], window: &Window, lang: Lang) -> FormErrors {
    let sample = CalendarEvent {
        uid: None,
        summary: "sample".into(),
        description: String::new(),
        location: String::new(),
        url: String::new(),
        times: Err(Skip::NoStart),
    };
    let start = crate::time::now_utc() + Duration::days(30);
    let form = seminar_form(&sample, start, start + Duration::hours(1), u);
    let mut errors = FormErrors::new();
    if let Err(list) = form.validate(crate::time::parse_local_input, industries, window) {
        for (field, e) in list {
            if DEFAULT_FIELDS.contains(&field) {
                errors.add(field, e.message(lang));
            }
        }
    }
    errors
}

/// The label of a seminar field, for a skipped event's reason.
fn field_label(field: &str) -> &'static str {
    match field {
        "title" => "seminars.field_title",
        "summary" => "seminars.field_summary",
        "body_md" => "seminars.field_body",
        "venue" => "seminars.field_venue",
        "online_url" => "seminars.field_online_url",
        "starts_at" => "seminars.field_starts_at",
        "ends_at" => "seminars.field_ends_at",
        "registration_opens_at" => "seminars.field_opens_at",
        "registration_closes_at" => "seminars.field_closes_at",
        _ => "seminars.import.event",
    }
}

fn skip_reason(skip: &Skip, lang: Lang) -> String {
    match skip {
        Skip::AllDay => lang.t("seminars.import.skip_all_day").to_string(),
        Skip::Recurring => lang.t("seminars.import.skip_recurring").to_string(),
        Skip::TimeZone(tz) => lang.tf("seminars.import.skip_time_zone", &[("tz", tz)]),
        Skip::NoStart => lang.t("seminars.import.skip_no_start").to_string(),
        Skip::NoEnd => lang.t("seminars.import.skip_no_end").to_string(),
        Skip::Duration => lang.t("seminars.import.skip_duration").to_string(),
    }
}

/// An event that passed the checks, to store unless it is known already.
struct Candidate {
    uid: Option<String>,
    data: SeminarData,
}

/// What happened to each event, in file order.
enum Outcome {
    Store(Box<Candidate>),
    Skip(Skipped),
}

fn untitled(e: &CalendarEvent, lang: Lang) -> String {
    if e.summary.is_empty() {
        lang.t("seminars.import.untitled").to_string()
    } else {
        e.summary.clone()
    }
}

fn judge(
    e: &CalendarEvent,
    u: &Upload,
    industries: &[String],
    window: &Window,
    lang: Lang,
) -> Outcome {
    let skipped = |when: Option<String>, reason: String| {
        Outcome::Skip(Skipped {
            title: untitled(e, lang),
            when,
            reason,
            href: None,
        })
    };
    let (start, end) = match &e.times {
        Ok(t) => *t,
        Err(skip) => return skipped(None, skip_reason(skip, lang)),
    };
    let when = Some(crate::time::format_span(start, end, lang));
    match seminar_form(e, start, end, u).validate(
        crate::time::parse_local_input,
        industries,
        window,
    ) {
        Ok(data) => Outcome::Store(Box::new(Candidate {
            uid: e.uid.clone(),
            data,
        })),
        Err(errors) => {
            let reason = errors
                .iter()
                .map(|(field, err)| {
                    format!("{}: {}", lang.t(field_label(field)), err.message(lang))
                })
                .collect::<Vec<_>>()
                .join(" / ");
            skipped(when, reason)
        }
    }
}

/// Stores the new drafts and the audit entry in one transaction; fills `created` and adds the
/// known ones to `skipped`.
fn store(
    c: &mut crate::db::DbConn,
    actor: &crate::accounts::CurrentUser,
    outcomes: Vec<Outcome>,
    lang: Lang,
) -> Result<ImportResult, AppError> {
    c.write_transaction(|c| {
        let now = crate::time::now_utc();
        let mut result = ImportResult::default();
        let mut ids = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        for outcome in outcomes {
            let cand = match outcome {
                Outcome::Skip(sk) => {
                    result.skipped.push(sk);
                    continue;
                }
                Outcome::Store(cand) => cand,
            };
            let when = crate::time::format_span(cand.data.starts_at, cand.data.ends_at, lang);
            let known = |key: &'static str, href: Option<String>| Skipped {
                title: cand.data.title.clone(),
                when: Some(when.clone()),
                reason: lang.t(key).to_string(),
                href,
            };
            if cand.uid.as_ref().is_some_and(|u| seen.contains(u)) {
                result
                    .skipped
                    .push(known("seminars.import.skip_repeated", None));
                continue;
            }
            if let Some(id) = queries::find_imported(
                c,
                cand.uid.as_deref(),
                &cand.data.title,
                cand.data.starts_at,
            )? {
                let key = if cand.uid.is_some() {
                    "seminars.import.skip_known_uid"
                } else {
                    "seminars.import.skip_known_title"
                };
                result
                    .skipped
                    .push(known(key, Some(format!("/staff/seminars/{id}/edit"))));
                continue;
            }
            let id = queries::create(c, &cand.data, false, now)?;
            if let Some(uid) = &cand.uid {
                queries::set_import_uid(c, id, uid)?;
                seen.push(uid.clone());
            }
            result.created.push(Created {
                title: cand.data.title.clone(),
                when,
                href: format!("/staff/seminars/{id}/edit"),
            });
            ids.push(id);
        }
        audit::record(
            c,
            Some(actor),
            audit::Action::SeminarImport,
            audit::Target::Seminar,
            None,
            json!({"created": ids, "skipped": result.skipped.len()}),
        )?;
        Ok(result)
    })
    .map_err(|e| match e {
        // Another import of the same file won the race for a UID: nothing of this one stayed.
        AppError::Internal(ref inner)
            if inner
                .downcast_ref::<diesel::result::Error>()
                .is_some_and(|d| {
                    matches!(
                        d,
                        diesel::result::Error::DatabaseError(
                            diesel::result::DatabaseErrorKind::UniqueViolation,
                            _
                        )
                    )
                }) =>
        {
            AppError::Conflict(Message::new("seminars.import.err_race"))
        }
        other => other,
    })
}

/// The form's options and the defaults' values.
async fn view(
    state: &AppState,
    page: &Page,
    values: Vec<(String, String)>,
) -> Result<ImportView, AppError> {
    let lang = page.lang;
    let (industries, prefectures) = reference::industries_and_prefectures(&state.db, lang).await?;
    Ok(ImportView {
        values,
        errors: FormErrors::new(),
        industries,
        prefectures,
        formats: super::format_options(lang),
        max_mb: MAX_BYTES / (1024 * 1024),
        result: None,
    })
}

/// `GET /staff/seminars/import`.
pub async fn form(
    _user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let defaults = vec![
        ("format".to_string(), "online".to_string()),
        ("prefecture".to_string(), "40".to_string()),
    ];
    let v = view(&state, &page, defaults).await?;
    Ok(html(views::seminars::import::page(&page, &v)))
}

/// `POST /staff/seminars/import` (multipart: the defaults and `file`).
pub async fn import(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    parts: Multipart,
) -> Result<HttpResponse, AppError> {
    let lang = page.lang;
    let upload = read_upload(parts).await?;
    let mut v = view(&state, &page, upload.values.clone()).await?;
    let industries = state.db.run(queries::industry_codes).await?;
    let window = Window::around(crate::time::now_utc(), None);
    let mut errors = default_errors(&upload, &industries, &window, lang);
    let mut code = StatusCode::UNPROCESSABLE_ENTITY;
    let events = match (&upload.file, upload.too_big) {
        (_, true) => {
            code = StatusCode::PAYLOAD_TOO_LARGE;
            errors.add(
                "file",
                lang.tf(
                    "seminars.import.err_too_big",
                    &[("mb", &v.max_mb.to_string())],
                ),
            );
            None
        }
        (None, false) => {
            errors.add("file", lang.t("seminars.import.err_no_file"));
            None
        }
        (Some(bytes), false) => match ical_read::read(bytes) {
            Ok(events) => Some(events),
            Err(e) => {
                errors.add("file", lang.t(e.key()));
                None
            }
        },
    };
    let (Some(events), true) = (events, errors.is_empty()) else {
        v.errors = errors;
        return Ok(html_status(code, views::seminars::import::page(&page, &v)));
    };
    let outcomes: Vec<Outcome> = events
        .iter()
        .map(|e| judge(e, &upload, &industries, &window, lang))
        .collect();
    let actor = user.0.clone();
    let result = state
        .db
        .run(move |c| store(c, &actor, outcomes, lang))
        .await?;
    v.result = Some(result);
    Ok(html(views::seminars::import::page(&page, &v)))
}
