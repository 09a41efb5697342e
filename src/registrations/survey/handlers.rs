//! The registrant's survey page and the staff downloads (CSV, API).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use views::forms::FormErrors;
use views::seminars::survey::{SurveyPage, SurveyState};

use super::results::{api_json, csv_rows};
use super::{
    ANSWER_UNTIL, COMMENTS_MAX, SATISFACTION_KEYS, Survey, SurveyForm, TOPICS_MAX, USEFULNESS_KEYS,
    find, scale, state_of, store_answer,
};
use crate::accounts::StaffUser;
use crate::error::AppError;
use crate::registrations::model::Registration;
use crate::registrations::queries;
use crate::seminars::model::Seminar;
use crate::seminars::queries as seminar_queries;
use crate::web::AppState;
use crate::web::ctx::{Page, html_status};
use crate::web::input::Form;
use crate::web::see_other;

/// The registration, its seminar and its survey, by the personal link's token (404 when the
/// token is unknown).
async fn load(
    state: &AppState,
    token: String,
) -> Result<(Registration, Seminar, Option<Survey>), AppError> {
    state
        .db
        .run(move |c| {
            let reg = queries::find_by_token(c, &token)?.ok_or(AppError::NotFound)?;
            let seminar = seminar_queries::find(c, reg.seminar_id)?;
            let survey = find(c, reg.id)?;
            Ok::<_, AppError>((reg, seminar, survey))
        })
        .await
}

fn render(
    page: &Page,
    token: &str,
    seminar: &Seminar,
    survey_state: SurveyState,
    form: &SurveyForm,
    errors: FormErrors,
    code: StatusCode,
) -> HttpResponse {
    let lang = page.lang;
    let view = SurveyPage {
        action: format!("/registrations/{token}/survey"),
        registration_href: format!("/registrations/{token}"),
        title: seminar.title.clone(),
        when: crate::time::format_span(seminar.starts_at, seminar.ends_at, lang),
        deadline: crate::time::format_date(seminar.ends_at + ANSWER_UNTIL, lang),
        state: survey_state,
        values: vec![
            ("satisfaction", form.satisfaction.trim().to_string()),
            ("usefulness", form.usefulness.trim().to_string()),
            ("topics", form.topics.clone()),
            ("comments", form.comments.clone()),
        ],
        errors,
        satisfaction: scale(lang, SATISFACTION_KEYS),
        usefulness: scale(lang, USEFULNESS_KEYS),
        topics_max: TOPICS_MAX,
        comments_max: COMMENTS_MAX,
    };
    html_status(code, views::seminars::survey::page(page, &view))
}

/// `GET /registrations/{token}/survey`: the form, or where the survey stands (answered,
/// closed, not sent yet).
pub async fn page(
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let (_, seminar, survey) = load(&state, token.clone()).await?;
    let st = state_of(&seminar, survey.as_ref(), crate::time::now_utc());
    Ok(render(
        &page,
        &token,
        &seminar,
        st,
        &SurveyForm::default(),
        FormErrors::new(),
        StatusCode::OK,
    ))
}

/// `POST /registrations/{token}/survey`: stores the answer once; bad input is 422 with the form
/// and its messages, a survey that is not open (answered, closed, not sent) is 409.
pub async fn answer(
    req: actix_web::HttpRequest,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: Form<SurveyForm>,
) -> Result<HttpResponse, AppError> {
    state
        .limits
        .check_ip(&req, crate::registrations::handlers::REGISTRANT_BUCKET)?;
    let token = path.into_inner();
    let form = form.into_inner();
    let (reg, seminar, survey) = load(&state, token.clone()).await?;
    let now = crate::time::now_utc();
    let st = state_of(&seminar, survey.as_ref(), now);
    let show = |st, errors, code| render(&page, &token, &seminar, st, &form, errors, code);
    if st != SurveyState::Open {
        return Ok(show(st, FormErrors::new(), StatusCode::CONFLICT));
    }
    let answer = match form.validate(page.lang) {
        Ok(a) => a,
        Err(errors) => return Ok(show(st, errors, StatusCode::UNPROCESSABLE_ENTITY)),
    };
    let stored = state
        .db
        .run(move |c| c.write_transaction(|c| store_answer(c, reg.id, &answer, now)))
        .await?;
    if !stored {
        return Ok(show(
            SurveyState::Answered,
            FormErrors::new(),
            StatusCode::CONFLICT,
        ));
    }
    Ok(see_other(format!("/registrations/{token}/survey")))
}

/// `GET /api/v1/seminars/{id}/survey` (staff): [`api_json`], audited like the CSV.
#[utoipa::path(
    get,
    path = "/api/v1/seminars/{id}/survey",
    tag = "registrations",
    summary = "The post-seminar survey: how many were sent and answered, the average scores (1-5) and the answers, without names (staff; audited)",
    params(("id" = i64, Path, description = "The seminar")),
    responses((status = 200, description = "Survey results", body = crate::registrations::api::SurveyResults))
)]
pub async fn api(
    user: crate::accounts::ApiStaff,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let actor = user.0.clone();
    let out = state
        .db
        .run(move |c| {
            let surveys = crate::registrations::service::export_survey(c, &actor, id, "api")?;
            Ok::<_, AppError>(api_json(&surveys))
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// `GET /staff/seminars/{id}/survey.csv`: the answers (audited like the registrations export).
pub async fn csv(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let lang = page.lang;
    let actor = user.0.clone();
    let body = state
        .db
        .run(move |c| {
            let surveys = crate::registrations::service::export_survey(c, &actor, id, "page")?;
            Ok::<_, AppError>(crate::csv_file::excel_document(&csv_rows(&surveys, lang)))
        })
        .await?;
    Ok(crate::csv_file::attachment(
        &format!("seminar-{id}-survey.csv"),
        body,
    ))
}
