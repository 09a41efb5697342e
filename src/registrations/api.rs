//! The staff API of registrations: a seminar's registrations
//! (`GET /api/v1/seminars/{id}/registrations`) and `POST /api/v1/registrations/{id}/check-in`,
//! for kiosks and other tools at the door.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::service;
use crate::accounts::ApiStaff;
use crate::error::AppError;
use crate::time::rfc3339;
use crate::web::AppState;

/// The answer of a check-in.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CheckedIn {
    /// The registration.
    pub id: i64,
    /// Its seminar.
    pub seminar_id: i64,
    /// Always `true` after a check-in.
    pub checked_in: bool,
    /// When first checked in (RFC 3339, Tokyo).
    #[schema(format = DateTime)]
    pub checked_in_at: String,
}

pub use super::model::RegistrationStatus;

/// A registration as staff see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegistrationOut {
    /// The registration's id.
    pub id: i64,
    /// The registrant's address.
    pub email: String,
    /// The registrant's name.
    pub name: String,
    /// The company.
    pub company: String,
    /// How the registrant attends.
    #[schema(value_type = crate::seminars::model::Mode)]
    pub mode: String,
    /// Its status.
    pub status: RegistrationStatus,
    /// The place on the waitlist (1 first); null unless waitlisted.
    #[schema(minimum = 1)]
    pub waitlist_position: Option<i64>,
    /// Whether the registrant checked in.
    pub checked_in: bool,
    /// When it was made (RFC 3339).
    #[schema(format = DateTime)]
    pub created_at: String,
    /// The group entry it belongs to: the id of the applicant's registration (the applicant's
    /// own included); null for one person. A group is placed whole.
    pub group_id: Option<i64>,
    /// For the applicant of a group: the registrations of the further participants (any
    /// status); empty otherwise.
    pub participants: Vec<i64>,
}

/// The post-seminar survey of a seminar, without names.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SurveyResults {
    /// Surveys sent.
    pub sent: i64,
    /// Surveys answered.
    pub answered: i64,
    /// The mean satisfaction (1-5) to one decimal; null before any answer.
    pub satisfaction_average: Option<f64>,
    /// The mean usefulness (1-5) to one decimal; null before any answer.
    pub usefulness_average: Option<f64>,
    /// The answers, without names.
    pub answers: Vec<SurveyAnswer>,
}

/// One answer of a survey.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SurveyAnswer {
    /// When it was answered (RFC 3339).
    #[schema(format = DateTime)]
    pub answered_at: String,
    /// 1 (not at all) to 5 (very).
    #[schema(minimum = 1, maximum = 5)]
    pub satisfaction: Option<i32>,
    /// 1 (not at all) to 5 (very).
    #[schema(minimum = 1, maximum = 5)]
    pub usefulness: Option<i32>,
    /// Topics wished for.
    pub topics: String,
    /// Comments.
    pub comments: String,
}

/// `POST /api/v1/registrations/{id}/check-in` (staff): checks a confirmed registration in;
/// again is harmless and keeps the first time. Audited; 404 unknown, 409 not confirmed or
/// outside the check-in window (the seminar's day until a week after its end).
#[utoipa::path(
    post,
    path = "/api/v1/registrations/{id}/check-in",
    tag = "registrations",
    summary = "Check a confirmed registration in (staff; idempotent; audited)",
    params(("id" = i64, Path, description = "The registration")),
    responses(
        (status = 200, description = "Checked in", body = CheckedIn),
        (status = 409, description = "The registration is not confirmed (waitlisted or cancelled), or the seminar is outside its check-in window", body = crate::api::ErrorBody)
    )
)]
pub async fn check_in(
    user: ApiStaff,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let actor = user.0.clone();
    let out = state
        .db
        .run(move |c| {
            let reg = service::check_in(c, &actor, id, "api", crate::time::now_utc())?;
            Ok::<_, AppError>(CheckedIn {
                id: reg.id,
                seminar_id: reg.seminar_id,
                checked_in: true,
                checked_in_at: reg.checked_in_at.map(rfc3339).unwrap_or_default(),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// `GET /api/v1/seminars/{id}/registrations` (staff; audited as a read of personal data).
#[utoipa::path(
    get,
    path = "/api/v1/seminars/{id}/registrations",
    tag = "registrations",
    summary = "Registrations of a seminar (staff; audited)",
    params(("id" = i64, Path, description = "The seminar")),
    responses((status = 200, description = "Registrations", body = Vec<RegistrationOut>))
)]
pub async fn registrations(
    user: ApiStaff,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let actor = user.0.clone();
    let out = state
        .db
        .run(move |c| {
            let regs = service::registrations_for_staff(c, &actor, id, "api")?;
            let pos = super::export::positions(&regs);
            Ok::<_, AppError>(
                regs.iter()
                    .map(|r| RegistrationOut {
                        id: r.id,
                        email: r.email.clone(),
                        name: r.name.clone(),
                        company: r.company.clone(),
                        mode: r.mode.clone(),
                        status: r.status,
                        waitlist_position: pos.get(&r.id).copied(),
                        checked_in: r.checked_in_at.is_some(),
                        created_at: rfc3339(r.created_at),
                        group_id: r.group_id,
                        participants: if r.leads_group() {
                            regs.iter()
                                .filter(|m| m.group_id == Some(r.id) && m.id != r.id)
                                .map(|m| m.id)
                                .collect()
                        } else {
                            Vec::new()
                        },
                    })
                    .collect::<Vec<_>>(),
            )
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// The paths of the registrations API in the document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    check_in,
    registrations,
    super::survey::handlers::api,
    super::lottery::api::draw,
    super::attendance::api::import
))]
pub struct Doc;
