//! The back office of seminars (staff only): list, create, edit, publish, cancel, duplicate,
//! registrations with search, check-in, manual cancel and promote, the survey results. Every
//! write is audited.

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;
use views::forms::FormErrors;
use views::seminars::staff::{RegRow, RegistrationsView, SeminarFormView, StaffRow};

use super::forms::{FieldErrors, SeminarForm, Window};
use super::model::SeminarData;
use super::queries;
use crate::accounts::StaffUser;
use crate::audit;
use crate::error::AppError;
use crate::reference;
use crate::registrations::checkin::check_in_by_staff;
use crate::registrations::export::{answer_text, positions};
use crate::registrations::mail::Notifier;
use crate::registrations::queries as reg_queries;
use crate::web::AppState;
use crate::web::ctx::{Page, html, html_status};
use crate::web::input::{Form, Query};

fn see_other(to: String) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((LOCATION, to))
        .finish()
}

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
            let recent = crate::registrations::queries::active_since(
                c,
                now - chrono::Duration::days(OVERVIEW_DAYS),
            )?;
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
                    status: s.status.clone(),
                    status_label: super::status_label(&s.status, lang).to_string(),
                    seats: super::seats_text(&s, &seats, lang),
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
fn charts(
    c: &mut crate::db::DbConn,
    regs: &[crate::registrations::model::Registration],
    lang: views::Lang,
) -> Result<Vec<views::seminars::staff::Chart>, AppError> {
    let active: Vec<_> = regs
        .iter()
        .filter(|r| r.status != crate::registrations::model::status::CANCELLED)
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
fn per_day(created: &[chrono::NaiveDateTime], until: chrono::NaiveDate) -> Vec<(String, i64)> {
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
fn turnout(seats: &std::collections::HashMap<&'static str, super::queries::Seats>) -> String {
    let (present, confirmed) = seats
        .values()
        .fold((0, 0), |(p, c), s| (p + s.checked_in, c + s.confirmed));
    if confirmed == 0 {
        return "—".into();
    }
    format!("{present} / {confirmed} ({}%)", present * 100 / confirmed)
}

fn pairs(f: &SeminarForm) -> Vec<(&'static str, String)> {
    vec![
        ("title", f.title.clone()),
        ("summary", f.summary.clone()),
        ("body_md", f.body_md.clone()),
        ("industry", f.industry.clone()),
        ("prefecture", f.prefecture.clone()),
        ("format", f.format.clone()),
        ("venue", f.venue.clone()),
        ("address", f.address.clone()),
        ("online_url", f.online_url.clone()),
        ("starts_at", f.starts_at.clone()),
        ("ends_at", f.ends_at.clone()),
        ("registration_opens_at", f.registration_opens_at.clone()),
        ("registration_closes_at", f.registration_closes_at.clone()),
        ("capacity_onsite", f.capacity_onsite.clone()),
        ("capacity_online", f.capacity_online.clone()),
        ("hosts", f.hosts.clone()),
        ("cohosts", f.cohosts.clone()),
        ("speakers", f.speakers.clone()),
        ("fee", f.fee.clone()),
        ("questions", f.questions.clone()),
        ("reminder_time", f.reminder_time.clone()),
        ("allocation", f.allocation.clone()),
        ("draw_at", f.draw_at.clone()),
        ("lottery_rest", f.lottery_rest.clone()),
    ]
}

async fn form_page(
    state: &AppState,
    page: &Page,
    action: String,
    title: &str,
    form: &SeminarForm,
    errors: FormErrors,
) -> Result<views::Markup, AppError> {
    let lang = page.lang;
    let (industries, prefectures) = reference::industries_and_prefectures(&state.db, lang).await?;
    Ok(views::seminars::staff::form(
        page,
        &SeminarFormView {
            action,
            title: title.to_string(),
            values: pairs(form),
            errors,
            industries,
            prefectures,
            formats: super::format_options(lang),
            reminder_times: super::reminder_options(&form.reminder_time, lang),
            allocations: super::allocation_options(lang),
            lottery_rests: super::lottery_rest_options(lang),
        },
    ))
}

/// Field errors in the page's language.
pub fn form_errors(errors: &FieldErrors, lang: views::Lang) -> FormErrors {
    let mut out = FormErrors::new();
    for (field, e) in errors {
        out.add(field, e.message(lang));
    }
    out
}

/// `GET /staff/seminars/new`.
pub async fn new(
    _user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let form = SeminarForm {
        format: "online".into(),
        prefecture: "40".into(),
        fee: "無料".into(),
        reminder_time: super::model::DEFAULT_REMINDER_TIME.into(),
        ..SeminarForm::default()
    };
    let title = page.t("seminars.new_title");
    let markup = form_page(
        &state,
        &page,
        "/staff/seminars/new".into(),
        title,
        &form,
        FormErrors::new(),
    )
    .await?;
    Ok(html(markup))
}

/// Checks the form; `kept_start` is the stored start of the seminar being edited.
async fn validated(
    state: &AppState,
    form: &SeminarForm,
    kept_start: Option<chrono::NaiveDateTime>,
) -> Result<Result<SeminarData, FieldErrors>, AppError> {
    let industries = state.db.run(queries::industry_codes).await?;
    let window = Window::around(crate::time::now_utc(), kept_start);
    Ok(form.validate(crate::time::parse_local_input, &industries, &window))
}

/// `POST /staff/seminars/new`: stores a draft.
pub async fn create(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    form: Form<SeminarForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let data = match validated(&state, &form, None).await? {
        Ok(d) => d,
        Err(errors) => {
            let markup = form_page(
                &state,
                &page,
                "/staff/seminars/new".into(),
                page.t("seminars.new_title"),
                &form,
                form_errors(&errors, page.lang),
            )
            .await?;
            return Ok(html_status(StatusCode::UNPROCESSABLE_ENTITY, markup));
        }
    };
    let actor = user.0.clone();
    let id = state
        .db
        .run(move |c| {
            c.write_transaction(|c| {
                let id = queries::create(c, &data, false, crate::time::now_utc())?;
                audit::record(
                    c,
                    Some(&actor),
                    audit::Action::SeminarCreate,
                    audit::Target::Seminar,
                    Some(id.to_string()),
                    json!({"title": data.title}),
                )?;
                Ok::<_, diesel::result::Error>(id)
            })
        })
        .await?;
    Ok(see_other(format!("/staff/seminars/{id}")))
}

/// `GET /staff/seminars/{id}/edit`.
pub async fn edit(
    _user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let s = state.db.run(move |c| queries::find(c, id)).await?;
    let form = SeminarForm::of(&SeminarData::of(&s));
    let markup = form_page(
        &state,
        &page,
        format!("/staff/seminars/{id}/edit"),
        &s.title,
        &form,
        FormErrors::new(),
    )
    .await?;
    Ok(html(markup))
}

/// `POST /staff/seminars/{id}/edit`.
pub async fn update(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    notifier: web::Data<Notifier>,
    path: web::Path<i64>,
    form: Form<SeminarForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let form = form.into_inner();
    let stored = state.db.run(move |c| queries::find(c, id)).await?;
    let data = match validated(&state, &form, Some(stored.starts_at)).await? {
        Ok(d) => d,
        Err(errors) => {
            let markup = form_page(
                &state,
                &page,
                format!("/staff/seminars/{id}/edit"),
                &form.title,
                &form,
                form_errors(&errors, page.lang),
            )
            .await?;
            return Ok(html_status(StatusCode::UNPROCESSABLE_ENTITY, markup));
        }
    };
    let actor = user.0.clone();
    let notifier = notifier.get_ref().clone();
    state
        .db
        .run(move |c| {
            c.write_transaction(|c| {
                let told =
                    reg_queries::update_seminar(c, &notifier, id, &data, crate::time::now_utc())?;
                audit::record(
                    c,
                    Some(&actor),
                    audit::Action::SeminarUpdate,
                    audit::Target::Seminar,
                    Some(id.to_string()),
                    json!({"title": data.title, "told": told}),
                )
            })
        })
        .await?;
    Ok(see_other(format!("/staff/seminars/{id}")))
}

async fn audited(
    state: &AppState,
    user: &StaffUser,
    action: audit::Action,
    id: i64,
    detail: serde_json::Value,
) -> Result<(), AppError> {
    let actor = user.0.clone();
    state
        .db
        .run(move |c| {
            audit::record(
                c,
                Some(&actor),
                action,
                audit::Target::Seminar,
                Some(id.to_string()),
                detail,
            )
        })
        .await
}

/// Where the publish button was pressed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PublishForm {
    /// `seminar` when pressed on the seminar's own page (back there), else the list.
    pub from: String,
}

/// `POST /staff/seminars/{id}/publish`.
pub async fn publish(
    user: StaffUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: Form<PublishForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let n = state
        .db
        .run(move |c| queries::publish(c, id, crate::time::now_utc()))
        .await?;
    audited(
        &state,
        &user,
        audit::Action::SeminarPublish,
        id,
        json!({"changed": n}),
    )
    .await?;
    if form.from == "seminar" {
        return Ok(see_other(format!("/staff/seminars/{id}?done=published")));
    }
    Ok(see_other("/staff/seminars".into()))
}

/// `POST /staff/seminars/{id}/duplicate`: a draft copy to edit.
pub async fn duplicate(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let suffix = page.t("seminars.copy_suffix").to_string();
    let new_id = state
        .db
        .run(move |c| {
            let s = queries::find(c, id)?;
            let mut data = SeminarData::of(&s);
            data.title = format!("{}{suffix}", data.title);
            queries::create(c, &data, false, crate::time::now_utc())
        })
        .await?;
    audited(
        &state,
        &user,
        audit::Action::SeminarDuplicate,
        new_id,
        json!({"from": id}),
    )
    .await?;
    Ok(see_other(format!("/staff/seminars/{new_id}/edit")))
}

/// Search and filter of the registrations page.
#[derive(Debug, Default, Deserialize)]
pub struct RegQuery {
    /// Text in name, company or email.
    pub q: Option<String>,
    /// Status.
    pub status: Option<String>,
    /// Status of a registration staff just entered by hand (for the message).
    pub added: Option<String>,
    /// The action just done (`cancelled`, `published`), for the message.
    pub done: Option<String>,
    /// How many registrants a cancellation told.
    pub told: Option<i64>,
}

/// The message after an action on the seminar's page.
fn flash(query: &RegQuery, lang: views::Lang) -> Option<String> {
    match (query.added.as_deref(), query.done.as_deref()) {
        (Some("confirmed"), _) => Some(lang.t("seminars.add.done_confirmed").to_string()),
        (Some("waitlisted"), _) => Some(lang.t("seminars.add.done_waitlisted").to_string()),
        (_, Some("cancelled")) => Some(lang.tf(
            "seminars.cancel.done",
            &[("n", &crate::web::confirm::count(query.told.unwrap_or(0)))],
        )),
        (_, Some("published")) => Some(lang.t("seminars.extra.published_notice").to_string()),
        _ => None,
    }
}

/// `GET /staff/seminars/{id}`: the seminar's registrations (a staff read of personal data,
/// audited), its reminder time and the survey results (answers without names).
pub async fn registrations(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    query: Query<RegQuery>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let lang = page.lang;
    let q = query.q.clone().unwrap_or_default().trim().to_lowercase();
    let status_filter = query.status.clone().unwrap_or_default();
    let flash = flash(&query, lang);
    let actor = user.0.clone();
    let (q2, sf2) = (q.clone(), status_filter.clone());
    let view = state
        .db
        .run(move |c| {
            let s = queries::find(c, id)?;
            let seats = queries::seats(c, &s)?;
            let regs = reg_queries::list_for_seminar(c, id)?;
            let pos = positions(&regs);
            let questions = s.questions();
            let rows: Vec<RegRow> = regs
                .iter()
                .filter(|r| sf2.is_empty() || r.status == sf2)
                .filter(|r| {
                    q2.is_empty()
                        || r.name.to_lowercase().contains(&q2)
                        || r.company.to_lowercase().contains(&q2)
                        || r.email.contains(&q2)
                })
                .map(|r| {
                    let answers: serde_json::Value =
                        serde_json::from_str(&r.answers).unwrap_or_default();
                    RegRow {
                        id: r.id,
                        name: r.name.clone(),
                        company: r.company.clone(),
                        email: r.email.clone(),
                        mode: lang.t(r.mode().label_key()).to_string(),
                        status: r.status.clone(),
                        status_label: crate::registrations::model::status_label(&r.status, lang)
                            .to_string(),
                        position: pos.get(&r.id).copied(),
                        checked_in: r.checked_in_at.is_some(),
                        answers: (0..questions.len())
                            .map(|i| answer_text(&answers, i))
                            .collect(),
                    }
                })
                .collect();
            let charts = charts(c, &regs, lang)?;
            let survey = crate::registrations::survey::summary(
                &crate::registrations::survey::list_for_seminar(c, id)?,
                lang,
            );
            let today = crate::time::to_jst(crate::time::now_utc()).date_naive();
            let timeline = per_day(
                &regs
                    .iter()
                    .filter(|r| r.status != crate::registrations::model::status::CANCELLED)
                    .map(|r| r.created_at)
                    .collect::<Vec<_>>(),
                today.min(crate::time::to_jst(s.starts_at).date_naive()),
            );
            audit::record(
                c,
                Some(&actor),
                audit::Action::RegistrationView,
                audit::Target::Seminar,
                Some(id.to_string()),
                json!({"rows": rows.len()}),
            )?;
            Ok::<_, AppError>(RegistrationsView {
                id,
                title: s.title.clone(),
                when: crate::time::format_span(s.starts_at, s.ends_at, lang),
                status: s.status.clone(),
                seats: super::seats_text(&s, &seats, lang),
                attendance_code: s.attendance_code.clone(),
                questions: questions.into_iter().map(|q| q.label).collect(),
                rows,
                q: q2,
                status_filter: sf2,
                statuses: [
                    "applied",
                    "confirmed",
                    "waitlisted",
                    "not_drawn",
                    "cancelled",
                ]
                .iter()
                .map(|st| {
                    (
                        st.to_string(),
                        crate::registrations::model::status_label(st, lang).to_string(),
                    )
                })
                .collect(),
                flash,
                status_label: super::status_label(&s.status, lang).to_string(),
                can_cancel: super::cancel::can_cancel(&s, crate::time::now_utc()),
                charts,
                reminder: super::reminder_label(s.reminder_time.as_deref(), lang),
                survey,
                lottery: super::lottery_state(&s, lang),
                timeline,
                audiences: ["confirmed", "waitlisted"]
                    .iter()
                    .map(|a| {
                        let key = if *a == "confirmed" {
                            "seminars.audience_confirmed"
                        } else {
                            "seminars.audience_waitlisted"
                        };
                        (a.to_string(), lang.t(key).to_string())
                    })
                    .collect(),
            })
        })
        .await?;
    Ok(html(views::seminars::staff::registrations(&page, &view)))
}

/// `POST /staff/seminars/{id}/registrations/{rid}/{check-in|promote|cancel}`.
pub async fn registration_action(
    user: StaffUser,
    state: web::Data<AppState>,
    notifier: web::Data<Notifier>,
    path: web::Path<(i64, i64, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, rid, action) = path.into_inner();
    let notifier = notifier.get_ref().clone();
    let actor = user.0.clone();
    let action_name = match action.as_str() {
        "check-in" => audit::Action::RegistrationCheckIn,
        "promote" => audit::Action::RegistrationPromote,
        "cancel" => audit::Action::RegistrationCancel,
        _ => return Err(AppError::NotFound),
    };
    state
        .db
        .run(move |c| {
            let reg = reg_queries::find(c, rid)?;
            if reg.seminar_id != id {
                return Err(AppError::NotFound);
            }
            let now = crate::time::now_utc();
            match action.as_str() {
                "check-in" => return check_in_by_staff(c, &actor, &reg, "list", now),
                "promote" => {
                    reg_queries::staff_promote(c, &notifier, rid, now)?;
                }
                _ => {
                    reg_queries::cancel(c, &notifier, rid, now)?;
                }
            }
            audit::record(
                c,
                Some(&actor),
                action_name,
                audit::Target::Registration,
                Some(rid.to_string()),
                json!({"seminar_id": id}),
            )?;
            Ok(())
        })
        .await?;
    Ok(see_other(format!("/staff/seminars/{id}")))
}

/// The message form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MessageForm {
    /// confirmed or waitlisted.
    pub audience: String,
    /// Subject.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
}

/// `POST /staff/seminars/{id}/message`: a mail to every confirmed (or waitlisted) registrant,
/// queued in one transaction and audited.
pub async fn message(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: Form<MessageForm>,
) -> Result<HttpResponse, AppError> {
    use crate::validate;
    let id = path.into_inner();
    let invalid =
        |field: &str, e: validate::Invalid| AppError::invalid_field(page.t(field_key(field)), e);
    let audience = validate::one_of(&form.audience, &["confirmed", "waitlisted"])
        .map_err(|e| invalid("audience", e))?;
    let subject = validate::line(&form.subject, true, 150).map_err(|e| invalid("subject", e))?;
    let body = validate::text(&form.body, true, 10_000).map_err(|e| invalid("body", e))?;
    let mailer = state.mailer.clone();
    let actor = user.0.clone();
    state
        .db
        .run(move |c| {
            c.write_transaction(|c| {
                let s = queries::find(c, id)?;
                let regs = reg_queries::list_for_seminar(c, id)?;
                let mut n = 0;
                for r in regs.iter().filter(|r| r.status == audience) {
                    let m = views::seminars::mail::staff_message(
                        r.lang(),
                        &r.name,
                        &s.title,
                        &subject,
                        &body,
                    );
                    let mail = crate::mail::OutgoingMail {
                        to_name: Some(r.name.clone()),
                        source: Some(format!("seminar:{id}")),
                        ..crate::mail::OutgoingMail::transactional(
                            &r.email, &m.subject, m.text, m.html,
                        )
                    };
                    mailer.enqueue(c, &mail)?;
                    n += 1;
                }
                audit::record(
                    c,
                    Some(&actor),
                    audit::Action::SeminarMessage,
                    audit::Target::Seminar,
                    Some(id.to_string()),
                    json!({"audience": audience, "recipients": n, "subject": subject}),
                )?;
                Ok::<_, AppError>(())
            })
        })
        .await?;
    Ok(see_other(format!("/staff/seminars/{id}")))
}

fn field_key(field: &str) -> &'static str {
    match field {
        "audience" => "seminars.message_audience",
        "subject" => "seminars.message_subject",
        _ => "seminars.message_body",
    }
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
