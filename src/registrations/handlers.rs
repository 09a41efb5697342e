//! The public registration handlers: the form's POST and the registrant's own page.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use views::components::Tone;
use views::seminars::public::RegistrationPage;

use super::forms::{self, FormRules};
use super::mail::Notifier;
use super::model::{Registration, RegistrationStatus};
use super::queries;
use crate::error::{AppError, Message};
use crate::seminars::model::Mode;
use crate::seminars::queries as seminar_queries;
use crate::web::AppState;
use crate::web::ctx::{Page, html, html_status};
use crate::web::input::{Fields, Form, Query};
use crate::web::see_other;

/// `POST /seminars/{id}/registrations`: validates, then registers through the group commit
/// (serialized per seminar, many registrations per transaction under a burst). A new
/// registration and one for an address that is registered already get the same answer, a
/// redirect to the "check your mail" page: registering is personal data, and the answer must
/// not tell a stranger who typed someone's address whether that person is registered. The
/// person learns the rest from the mail (the confirmation, or "registered already" with a
/// fresh personal link).
pub async fn register(
    req: HttpRequest,
    page: Page,
    state: web::Data<AppState>,
    group: web::Data<super::group::GroupCommit>,
    notifier: web::Data<Notifier>,
    path: web::Path<i64>,
    form: Form<Fields>,
) -> Result<HttpResponse, AppError> {
    state.limits.check_ip(&req, "register")?;
    let id = path.into_inner();
    form.single_values(forms::is_list_field)?;
    let values = form.into_inner().0;
    let lang = page.lang;
    let submitted = values.clone();
    // Reading the form's rules and checking the values needs no lock and runs in parallel;
    // the registration itself joins the next group commit.
    let (parsed, series) = state
        .db
        .run(move |c| {
            let s = seminar_queries::find_public(c, id)?;
            let rules = FormRules::of(c, &s)?;
            Ok::<_, AppError>((forms::parse(&submitted, &rules, lang), s.series_id))
        })
        .await?;
    match (parsed, series) {
        (Ok(who), Some(series_id)) => {
            // A session of a series: registered for the whole series, in its own transaction.
            register_series_now(&state, &notifier, series_id, who).await?;
            return Ok(see_other(format!("/series/{series_id}/registrations/sent")));
        }
        (Ok(who), None) => {
            // Per address and seminar, for new and known addresses alike.
            state
                .limits
                .check_address(&format!("{id}:{}", who.email), "register")?;
            // New or existing, the answer is the same (the mail differs).
            group.register(id, who, crate::time::now_utc()).await?;
        }
        (Err(errors), _) => {
            let kept = kept_values(values);
            let markup =
                crate::seminars::handlers::show_page(&state, &page, id, kept, errors).await?;
            return Ok(html_status(StatusCode::UNPROCESSABLE_ENTITY, markup));
        }
    }
    Ok(see_other(format!("/seminars/{id}/registrations/sent")))
}

/// The submitted values to show again in a form re-rendered with its errors (never the CSRF
/// token: the page carries its own).
fn kept_values(values: Vec<(String, String)>) -> Vec<(String, String)> {
    values
        .into_iter()
        .filter(|(k, _)| k != "csrf_token")
        .collect()
}

/// Registers `who` for series `series_id` (rate-limited per address and series like a seminar).
async fn register_series_now(
    state: &AppState,
    notifier: &Notifier,
    series_id: i64,
    who: super::model::NewRegistrant,
) -> Result<(), AppError> {
    state
        .limits
        .check_address(&format!("series:{series_id}:{}", who.email), "register")?;
    let notifier = notifier.clone();
    state
        .db
        .run(move |c| {
            super::series::register(c, &notifier, series_id, &who, crate::time::now_utc())
        })
        .await?;
    Ok(())
}

/// `POST /series/{id}/registrations`: registers for every session of a series (the form of the
/// series' page; the same checks, questions of its first session, and the same answer for a
/// new and a known address as for one seminar).
pub async fn register_series(
    req: HttpRequest,
    page: Page,
    state: web::Data<AppState>,
    notifier: web::Data<Notifier>,
    path: web::Path<i64>,
    form: Form<Fields>,
) -> Result<HttpResponse, AppError> {
    state.limits.check_ip(&req, "register")?;
    let id = path.into_inner();
    form.single_values(forms::is_list_field)?;
    let values = form.into_inner().0;
    let lang = page.lang;
    let submitted = values.clone();
    let parsed = state
        .db
        .run(move |c| {
            let sessions = crate::seminars::series::queries::public_sessions(c, id)?;
            let first = sessions.first().ok_or(AppError::NotFound)?;
            let rules = FormRules::of(c, first)?;
            Ok::<_, AppError>(forms::parse(&submitted, &rules, lang))
        })
        .await?;
    match parsed {
        Ok(who) => register_series_now(&state, &notifier, id, who).await?,
        Err(errors) => {
            let kept = kept_values(values);
            let markup =
                crate::seminars::series::public::show_page(&state, &page, id, kept, errors).await?;
            return Ok(html_status(StatusCode::UNPROCESSABLE_ENTITY, markup));
        }
    }
    Ok(see_other(format!("/series/{id}/registrations/sent")))
}

/// `GET /series/{id}/registrations/sent`: "the mail is on its way" after a series registration.
pub async fn series_sent(
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let lang = page.lang;
    let title = state
        .db
        .run(move |c| {
            use diesel::OptionalExtension;
            let x = crate::seminars::series::queries::find(c, id)
                .optional()?
                .ok_or(AppError::NotFound)?;
            Ok::<_, AppError>(x.title_in(lang).to_string())
        })
        .await?;
    Ok(html(views::seminars::public::registration_sent(
        &page,
        &title,
        &format!("/series/{id}"),
    )))
}

/// `GET /seminars/{id}/registrations/sent`: "the mail is on its way", the same page after a
/// new registration and after one for an address that was registered already.
pub async fn sent(
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let seminar = state
        .db
        .run(move |c| seminar_queries::find_public(c, id))
        .await?;
    Ok(html(views::seminars::public::registration_sent(
        &page,
        &seminar.title,
        &format!("/seminars/{id}"),
    )))
}

/// The rate-limit bucket of the registrant's own actions (cancel, change mode, attend, survey).
pub const REGISTRANT_BUCKET: &str = "registrant";

/// The registration of a personal link's token; 404 when there is none.
pub async fn by_token(state: &AppState, token: String) -> Result<Registration, AppError> {
    state
        .db
        .run(move |c| queries::find_by_token(c, &token))
        .await?
        .ok_or(AppError::NotFound)
}

/// Renders the registrant's page with an optional message.
async fn render(
    state: &AppState,
    page: &Page,
    token: &str,
    reg: Registration,
    flash: Option<(Tone, String)>,
    code: StatusCode,
) -> Result<HttpResponse, AppError> {
    let lang = page.lang;
    let now = crate::time::now_utc();
    let (seminar, pos, reg, survey, certificate, group, series) = state
        .db
        .run(move |c| {
            let s = seminar_queries::find(c, reg.seminar_id)?;
            let p = queries::waitlist_position(c, &reg)?;
            let survey = super::survey::find(c, reg.id)?;
            let certificate = match super::certificates::service::holder(c, &s, &reg, now)? {
                Ok(h) => super::certificates::service::find_for(c, h.registration.id)?
                    .is_none_or(|i| i.revoked_at.is_none()),
                Err(_) => false,
            };
            let group = match reg.group_id {
                Some(g) => queries::group_members(c, g)?,
                None => Vec::new(),
            };
            let series = match reg.series_entry_id {
                Some(entry) => Some(series_view(c, entry, &s, lang)?),
                None => None,
            };
            let now_attending = attending(c, &reg, now)?.map(|(m, _)| m);
            // The reception's QR code is of the session held next (for a series, the
            // registration of that session: attendance is per session).
            let mut next_session = (reg.id, s.ends_at);
            if let Some(entry) = reg.series_entry_id {
                for m in super::series::members(c, entry)? {
                    let x = seminar_queries::find(c, m.seminar_id)?;
                    if x.ends_at >= now
                        && x.status != crate::seminars::model::SeminarStatus::Cancelled
                    {
                        next_session = (m.id, x.ends_at);
                        break;
                    }
                }
            }
            Ok::<_, AppError>((
                s,
                p,
                reg,
                survey,
                certificate,
                group,
                (series, now_attending, next_session),
            ))
        })
        .await?;
    let (series, now_attending, next_session) = series;
    let (group, removable, registered_by) = group_view(&reg, &group, &seminar, now, lang);
    let survey_open = super::survey::state_of(&seminar, survey.as_ref(), now)
        == views::seminars::survey::SurveyState::Open;
    let active = reg.status != RegistrationStatus::Cancelled && seminar.is_open(now);
    let confirmed = reg.status == RegistrationStatus::Confirmed;
    let other: Vec<Mode> = seminar
        .format()
        .modes()
        .iter()
        .copied()
        .filter(|m| *m != reg.mode())
        .collect();
    let view = RegistrationPage {
        base: format!("/registrations/{token}"),
        title: seminar.title.clone(),
        seminar_href: format!("/seminars/{}", seminar.id),
        when: crate::time::format_span(seminar.starts_at, seminar.ends_at, lang),
        place: crate::seminars::place_text(&seminar, lang),
        name: reg.name.clone(),
        status: reg.status.to_string(),
        status_label: status_label(reg.status, lang).to_string(),
        position: pos,
        results_at: (reg.status == RegistrationStatus::Applied && seminar.awaits_draw())
            .then(|| crate::time::format_datetime(seminar.draw_time(), lang)),
        mode_label: lang.t(reg.mode().label_key()).to_string(),
        join_url: (confirmed && !seminar.online_url.is_empty()).then(|| seminar.online_url.clone()),
        other_modes: if active && reg.group_id.is_none() && reg.series_entry_id.is_none() {
            crate::seminars::mode_options(&other, lang)
        } else {
            Vec::new()
        },
        can_cancel: reg.status != RegistrationStatus::Cancelled && now < seminar.starts_at,
        attendance: confirmed && reg.mode() == Mode::Online && now_attending.is_some(),
        checked_in: now_attending
            .as_ref()
            .map_or(reg.checked_in_at.is_some(), |m| m.checked_in_at.is_some()),
        survey_href: survey_open.then(|| format!("/registrations/{token}/survey")),
        certificate_href: certificate.then(|| format!("/registrations/{token}/certificate.pdf")),
        checkin: (confirmed
            && reg.mode() == Mode::Onsite
            && seminar.status != crate::seminars::model::SeminarStatus::Cancelled
            && now <= next_session.1)
            .then(|| super::checkin::qr(state, next_session.0))
            .flatten(),
        flash,
        group,
        removable,
        registered_by,
        series,
    };
    Ok(html_status(
        code,
        views::seminars::public::registration(page, &view),
    ))
}

/// The registration an online attendee checks in with at `now`, and its seminar: this one
/// while its attendance window is open; for a series, the session whose window is open.
fn attending(
    c: &mut crate::db::DbConn,
    reg: &Registration,
    now: chrono::NaiveDateTime,
) -> Result<Option<(Registration, crate::seminars::model::Seminar)>, AppError> {
    let members = match reg.series_entry_id {
        Some(entry) => super::series::members(c, entry)?,
        None => vec![reg.clone()],
    };
    for m in members {
        let s = seminar_queries::find(c, m.seminar_id)?;
        if s.attendance_window(now) {
            return Ok(Some((m, s)));
        }
    }
    Ok(None)
}

/// What the registrant's page shows of a series entry: every session with this person's status
/// and attendance in it, and how many sessions the certificate asks for.
fn series_view(
    c: &mut crate::db::DbConn,
    entry: i64,
    seminar: &crate::seminars::model::Seminar,
    lang: views::Lang,
) -> Result<views::seminars::public::SeriesRegistration, AppError> {
    let series_id = seminar.series_id.ok_or(AppError::NotFound)?;
    let series = crate::seminars::series::queries::find(c, series_id)?;
    let sessions = crate::seminars::series::queries::sessions(c, series_id)?;
    let members = super::series::members(c, entry)?;
    let rows: Vec<views::seminars::public::SeriesSessionView> = sessions
        .iter()
        .filter_map(|s| {
            let m = members.iter().find(|m| m.seminar_id == s.id)?;
            Some(views::seminars::public::SeriesSessionView {
                href: format!("/seminars/{}", s.id),
                title: s.title.clone(),
                when: crate::time::format_span(s.starts_at, s.ends_at, lang),
                status_label: status_label(m.status, lang).to_string(),
                attended: m.checked_in_at.is_some(),
            })
        })
        .collect();
    let attended = rows.iter().filter(|r| r.attended).count();
    Ok(views::seminars::public::SeriesRegistration {
        title: series.title_in(lang).to_string(),
        href: format!("/series/{series_id}"),
        attendance: lang.tf(
            "series.attendance_line",
            &[
                ("attended", &attended.to_string()),
                ("n", &rows.len().to_string()),
                (
                    "min",
                    &series.sessions_for_certificate(rows.len()).to_string(),
                ),
            ],
        ),
        sessions: rows,
    })
}

/// What the registrant's page shows of a group entry: its applicant sees every participant and
/// may remove the others while the seminar has not started; a further participant sees who
/// registered them.
fn group_view(
    reg: &Registration,
    members: &[Registration],
    seminar: &crate::seminars::model::Seminar,
    now: chrono::NaiveDateTime,
    lang: views::Lang,
) -> (
    Vec<views::seminars::public::GroupMemberView>,
    views::seminars::public::Options,
    Option<String>,
) {
    if !reg.leads_group() {
        let by = members
            .iter()
            .find(|m| m.leads_group() && m.id != reg.id)
            .map(|m| m.name.clone());
        return (Vec::new(), Vec::new(), by);
    }
    let view = members
        .iter()
        .map(|m| views::seminars::public::GroupMemberView {
            name: m.name.clone(),
            email: m.email.clone(),
            status_label: status_label(m.status, lang).to_string(),
            applicant: m.id == reg.id,
        })
        .collect();
    let removable = members
        .iter()
        .filter(|m| {
            m.id != reg.id && m.status != RegistrationStatus::Cancelled && now < seminar.starts_at
        })
        .map(|m| (m.id.to_string(), format!("{} ({})", m.name, m.email)))
        .collect();
    (view, removable, None)
}

/// The registrant's page with an error message, as a 422 (successes redirect instead).
async fn refuse(
    state: &AppState,
    page: &Page,
    token: &str,
    reg: Registration,
    key: &'static str,
) -> Result<HttpResponse, AppError> {
    let flash = (Tone::Error, page.t(key).to_string());
    render(
        state,
        page,
        token,
        reg,
        Some(flash),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

pub use super::model::status_label;

/// What the registrant just did, named in the query of the redirect after a successful POST
/// (`?done=cancelled`), so that reloading the page shows the result without posting again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Done {
    /// The registration was cancelled.
    Cancelled,
    /// The way of attending was changed.
    Mode,
    /// The online attendee checked in with the code.
    Attended,
    /// The applicant removed a participant from the group.
    Removed,
}

impl Done {
    const ALL: [Done; 4] = [Done::Cancelled, Done::Mode, Done::Attended, Done::Removed];

    fn as_str(self) -> &'static str {
        match self {
            Done::Cancelled => "cancelled",
            Done::Mode => "mode",
            Done::Attended => "attended",
            Done::Removed => "removed",
        }
    }

    /// The value of `?done=`; an unknown one is no result.
    fn parse(value: &str) -> Option<Done> {
        Self::ALL.into_iter().find(|d| d.as_str() == value)
    }

    fn message_key(self) -> &'static str {
        match self {
            Done::Cancelled => "seminars.cancelled_done",
            Done::Mode => "seminars.mode_changed",
            Done::Attended => "seminars.attended",
            Done::Removed => "groups.removed",
        }
    }
}

/// The query of the registrant's page.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    /// The action just done (see [`Done`]).
    #[serde(default)]
    pub done: Option<String>,
}

/// The answer to a successful POST on the registrant's page: 303 to the page, with the result.
fn done(token: &str, what: Done) -> HttpResponse {
    see_other(format!("/registrations/{token}?done={}", what.as_str()))
}

/// `GET /registrations/{token}` (with `?done=` after an action: its result).
pub async fn page(
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let reg = by_token(&state, token.clone()).await?;
    let flash = query
        .0
        .done
        .as_deref()
        .and_then(Done::parse)
        .map(|d| (Tone::Success, page.t(d.message_key()).to_string()));
    render(&state, &page, &token, reg, flash, StatusCode::OK).await
}

/// Body of the cancel form.
#[derive(Debug, Deserialize)]
pub struct CancelForm {
    /// Must be `1`.
    #[serde(default)]
    pub confirm: String,
}

/// `POST /registrations/{token}/cancel` (with `confirm=1`).
pub async fn cancel(
    req: HttpRequest,
    page: Page,
    state: web::Data<AppState>,
    notifier: web::Data<Notifier>,
    path: web::Path<String>,
    form: Form<CancelForm>,
) -> Result<HttpResponse, AppError> {
    state.limits.check_ip(&req, REGISTRANT_BUCKET)?;
    let token = path.into_inner();
    let reg = by_token(&state, token.clone()).await?;
    if form.confirm != "1" {
        return refuse(&state, &page, &token, reg, "seminars.err_confirm").await;
    }
    let notifier = notifier.get_ref().clone();
    let id = reg.id;
    let seminar = state
        .db
        .run(move |c| seminar_queries::find(c, reg.seminar_id))
        .await?;
    if crate::time::now_utc() >= seminar.starts_at {
        return Err(AppError::Conflict(Message::new("registrations.closed")));
    }
    state
        .db
        .run(move |c| queries::cancel(c, &notifier, id, crate::time::now_utc()))
        .await?;
    Ok(done(&token, Done::Cancelled))
}

/// Body of the form that removes a participant from a group.
#[derive(Debug, Deserialize)]
pub struct RemoveForm {
    /// The participant's registration id.
    #[serde(default)]
    pub participant: String,
    /// Must be `1`.
    #[serde(default)]
    pub confirm: String,
}

/// `POST /registrations/{token}/participants/remove` (with `participant` and `confirm=1`):
/// the applicant of a group removes a participant; the freed seat goes to the waitlist.
pub async fn remove_participant(
    req: HttpRequest,
    page: Page,
    state: web::Data<AppState>,
    notifier: web::Data<Notifier>,
    path: web::Path<String>,
    form: Form<RemoveForm>,
) -> Result<HttpResponse, AppError> {
    state.limits.check_ip(&req, REGISTRANT_BUCKET)?;
    let token = path.into_inner();
    let reg = by_token(&state, token.clone()).await?;
    let Ok(member) = form.participant.trim().parse::<i64>() else {
        return refuse(&state, &page, &token, reg, "groups.err_which").await;
    };
    if form.confirm != "1" {
        return refuse(&state, &page, &token, reg, "seminars.err_confirm").await;
    }
    let seminar_id = reg.seminar_id;
    let seminar = state
        .db
        .run(move |c| seminar_queries::find(c, seminar_id))
        .await?;
    if crate::time::now_utc() >= seminar.starts_at {
        return Err(AppError::Conflict(Message::new("registrations.closed")));
    }
    let notifier = notifier.get_ref().clone();
    let applicant = reg.clone();
    let removed = state
        .db
        .run(move |c| {
            queries::remove_participant(c, &notifier, &applicant, member, crate::time::now_utc())
        })
        .await;
    match removed {
        Ok(_) => Ok(done(&token, Done::Removed)),
        Err(AppError::NotFound) => refuse(&state, &page, &token, reg, "groups.err_which").await,
        Err(e) => Err(e),
    }
}

/// Body of the mode form.
#[derive(Debug, Deserialize)]
pub struct ModeForm {
    /// onsite or online.
    #[serde(default)]
    pub mode: String,
}

/// `POST /registrations/{token}/mode`.
pub async fn change_mode(
    req: HttpRequest,
    page: Page,
    state: web::Data<AppState>,
    notifier: web::Data<Notifier>,
    path: web::Path<String>,
    form: Form<ModeForm>,
) -> Result<HttpResponse, AppError> {
    state.limits.check_ip(&req, REGISTRANT_BUCKET)?;
    let token = path.into_inner();
    let reg = by_token(&state, token.clone()).await?;
    let Some(mode) = Mode::parse(form.mode.trim()) else {
        return refuse(&state, &page, &token, reg, "form.invalid_choice").await;
    };
    let notifier = notifier.get_ref().clone();
    let id = reg.id;
    state
        .db
        .run(move |c| queries::change_mode(c, &notifier, id, mode, crate::time::now_utc()))
        .await?;
    Ok(done(&token, Done::Mode))
}

/// Body of the attendance form.
#[derive(Debug, Deserialize)]
pub struct AttendForm {
    /// The code announced during the seminar.
    #[serde(default)]
    pub code: String,
}

/// `POST /registrations/{token}/attend`: an online attendee checks in with the code.
///
/// The code has six digits, so tries are limited per client and per registration: nobody can
/// work through the codes from one personal link to count as present without attending.
pub async fn attend(
    req: HttpRequest,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: Form<AttendForm>,
) -> Result<HttpResponse, AppError> {
    state.limits.check_ip(&req, REGISTRANT_BUCKET)?;
    let token = path.into_inner();
    let reg = by_token(&state, token.clone()).await?;
    state
        .limits
        .check_address(&format!("registration:{}", reg.id), "attend")?;
    let code = form.code.trim().to_string();
    let ok = state
        .db
        .run(move |c| {
            let now = crate::time::now_utc();
            // A series registrant checks in to the session being held now.
            let Some((target, s)) = attending(c, &reg, now)? else {
                return Ok::<_, AppError>(false);
            };
            if !code.is_empty() && code == s.attendance_code {
                Ok(queries::check_in(c, target.id, now)?)
            } else {
                Ok(false)
            }
        })
        .await?;
    if ok {
        return Ok(done(&token, Done::Attended));
    }
    let reg = by_token(&state, token.clone()).await?;
    refuse(&state, &page, &token, reg, "seminars.err_code").await
}
