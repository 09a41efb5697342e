//! The back office of the programme (staff only): create, edit, publish and duplicate
//! seminars, through [`super::service`] (every write audited in its transaction). The staff
//! list and each seminar's page with its registrations are registrations' own
//! (`crate::registrations::staff`); calling a seminar off is [`super::cancel`].

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use views::forms::FormErrors;
use views::seminars::staff::SeminarFormView;

use super::forms::{FieldErrors, SeminarForm, Window};
use super::model::SeminarData;
use super::registrants::Registrants;
use super::{queries, service};
use crate::accounts::StaffUser;
use crate::error::AppError;
use crate::reference;
use crate::web::AppState;
use crate::web::ctx::{Page, html, html_status};
use crate::web::input::Form;
use crate::web::see_other;

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
        ("group_limit", f.group_limit.clone()),
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
        .run(move |c| service::create(c, &actor, &data, false, "page"))
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
    registrants: web::Data<dyn Registrants>,
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
    let registrants = registrants.into_inner();
    state
        .db
        .run(move |c| service::update(c, registrants.as_ref(), &actor, id, &data, false, "page"))
        .await?;
    Ok(see_other(format!("/staff/seminars/{id}")))
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
    let actor = user.0.clone();
    state
        .db
        .run(move |c| service::publish(c, &actor, id))
        .await?;
    if form.from == "seminar" {
        return Ok(see_other(format!("/staff/seminars/{id}?done=published")));
    }
    Ok(see_other("/staff/seminars"))
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
    let actor = user.0.clone();
    let new_id = state
        .db
        .run(move |c| service::duplicate(c, &actor, id, &suffix))
        .await?;
    Ok(see_other(format!("/staff/seminars/{new_id}/edit")))
}
