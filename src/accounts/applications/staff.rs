//! Staff's side: `GET /staff/applications` (what waits, with everything needed to judge it; a
//! staff read of personal data, audited) and the approve and refuse actions.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;
use views::accounts::applications as v;
use views::forms::FormErrors;

use super::{Application, Decision, decide, list_pending};
use crate::accounts::StaffUser;
use crate::accounts::staff::kind_label;
use crate::audit;
use crate::error::AppError;
use crate::web::AppState;
use crate::web::ctx::{Page, html, html_status};
use crate::web::input::{Form, Query};
use crate::web::see_other;
use crate::{reference, validate};

/// The message after a decision.
#[derive(Debug, Default, Deserialize)]
pub struct Done {
    /// `approved` or `refused`.
    pub done: Option<String>,
}

fn security_action(page: &Page, a: &Application) -> String {
    let level = match a.security_action.as_str() {
        "one_star" => page.t("org.sa_one"),
        "two_star" => page.t("org.sa_two"),
        _ => page.t("org.sa_none"),
    };
    match &a.security_action_id {
        Some(id) => format!("{level}({}: {id})", page.t("apply.security_action_id")),
        None => level.to_string(),
    }
}

async fn list_view(
    page: &Page,
    state: &AppState,
    staff: &StaffUser,
) -> Result<v::StaffApplicationsView, AppError> {
    let lang = page.lang;
    let actor = staff.0.clone();
    let (pending, prefectures, industries, bands) = state
        .db
        .run(move |c| {
            let pending = list_pending(c)?;
            audit::record(
                c,
                Some(&actor),
                audit::Action::OrganizationApplicationView,
                audit::Target::OrganizationApplication,
                None,
                json!({"rows": pending.len()}),
            )?;
            Ok::<_, AppError>((
                pending,
                reference::prefectures(c, lang)?,
                reference::industries(c, lang)?,
                reference::employee_bands(c, lang)?,
            ))
        })
        .await?;
    let label = |opts: &Vec<(String, String)>, code: Option<String>| {
        code.map(|c| reference::label_of(opts, &c))
            .unwrap_or_else(|| page.t("apply.not_given").to_string())
    };
    let yes_no = |b: bool| page.t(if b { "apply.yes" } else { "apply.no" }).to_string();
    let rows = pending
        .into_iter()
        .map(|(a, applicant, email)| v::StaffApplication {
            id: a.id,
            name: a.name.clone(),
            applicant: format!("{applicant} <{email}>"),
            submitted: crate::time::format_datetime(a.created_at, lang),
            facts: vec![
                (page.t("org.kind").into(), kind_label(page, &a.kind).into()),
                (
                    page.t("org.prefecture").into(),
                    label(&prefectures, a.prefecture.map(|p| p.to_string())),
                ),
                (
                    page.t("org.industry").into(),
                    label(&industries, a.industry.clone()),
                ),
                (
                    page.t("org.employees").into(),
                    label(&bands, a.employee_band.clone()),
                ),
                (
                    page.t("org.website").into(),
                    a.website
                        .clone()
                        .unwrap_or_else(|| page.t("apply.not_given").into()),
                ),
                (
                    page.t("org.security_action").into(),
                    security_action(page, &a),
                ),
                (
                    page.t("org.otasuketai").into(),
                    a.otasuketai_service
                        .clone()
                        .unwrap_or_else(|| page.t("apply.not_given").into()),
                ),
                (
                    page.t("org.it_support").into(),
                    yes_no(a.it_support_provider),
                ),
                (page.t("apply.note").into(), a.note.clone()),
            ],
            errors: FormErrors::new(),
            reason: String::new(),
        })
        .collect();
    Ok(v::StaffApplicationsView { rows, flash: None })
}

/// `GET /staff/applications`.
pub async fn list(
    page: Page,
    state: web::Data<AppState>,
    staff: StaffUser,
    done: Query<Done>,
) -> Result<HttpResponse, AppError> {
    let mut view = list_view(&page, &state, &staff).await?;
    view.flash = match done.done.as_deref() {
        Some("approved") => Some(page.t("apply.approved_notice").to_string()),
        Some("refused") => Some(page.t("apply.refused_notice").to_string()),
        _ => None,
    };
    Ok(html(v::staff_list(&page, &view)))
}

/// `GET /staff/applications/{id}`: one pending application with the approve and refuse forms.
pub async fn show(
    page: Page,
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let row = one(&page, &state, &staff, id.into_inner()).await?;
    Ok(html(v::staff_one(&page, &row)))
}

async fn one(
    page: &Page,
    state: &AppState,
    staff: &StaffUser,
    id: i64,
) -> Result<v::StaffApplication, AppError> {
    list_view(page, state, staff)
        .await?
        .rows
        .into_iter()
        .find(|r| r.id == id)
        .ok_or(AppError::NotFound)
}

/// The refusal form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RefuseForm {
    /// Why, told to the applicant.
    pub reason: String,
}

async fn decided(
    state: &AppState,
    staff: &StaffUser,
    id: i64,
    decision: Decision,
    done: &str,
) -> Result<HttpResponse, AppError> {
    let actor = staff.0.clone();
    let (mailer, base) = (state.mailer.clone(), state.config.base_url.clone());
    state
        .db
        .run(move |c| decide(c, &actor, &mailer, &base, id, &decision))
        .await?;
    Ok(see_other(format!("/staff/applications?done={done}")))
}

/// `POST /staff/applications/{id}/approve`: creates the organization, lets the applicant in and
/// tells them.
pub async fn approve(
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    decided(
        &state,
        &staff,
        id.into_inner(),
        Decision::Approve,
        "approved",
    )
    .await
}

/// `POST /staff/applications/{id}/refuse`: with a reason (required), told to the applicant.
pub async fn refuse(
    page: Page,
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<i64>,
    form: Form<RefuseForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    match validate::text(&form.reason, true, 1000) {
        Ok(reason) => decided(&state, &staff, id, Decision::Refuse(reason), "refused").await,
        Err(e) => {
            let mut row = one(&page, &state, &staff, id).await?;
            row.errors.add("reason", e.message(page.lang));
            row.reason = form.reason.chars().take(1000).collect();
            Ok(html_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                v::staff_one(&page, &row),
            ))
        }
    }
}
