//! A message from staff to every confirmed (or waitlisted) registrant of a seminar.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::accounts::StaffUser;
use crate::error::AppError;
use crate::registrations::model::RegistrationStatus;
use crate::registrations::service::{self, StaffMessage};
use crate::seminars::model::Seminar;
use crate::seminars::queries;
use crate::web::ctx::Page;
use crate::web::input::Form;
use crate::web::{AppState, see_other};

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
    let seminar = state.db.run(move |c| queries::find(c, id)).await?;
    let offered: Vec<&str> = audiences(&seminar)
        .iter()
        .map(|(a, _)| a.as_str())
        .collect();
    let audience = validate::one_of(&form.audience, &offered)
        .ok()
        .and_then(RegistrationStatus::parse)
        .ok_or_else(|| invalid("audience", validate::invalid_choice()))?;
    let subject = validate::line(&form.subject, true, 150).map_err(|e| invalid("subject", e))?;
    let body = validate::text(&form.body, true, 10_000).map_err(|e| invalid("body", e))?;
    let mailer = state.mailer.clone();
    let actor = user.0.clone();
    let message = StaffMessage {
        audience,
        subject,
        body,
    };
    state
        .db
        .run(move |c| service::message_registrants(c, &mailer, &actor, id, &message))
        .await?;
    Ok(see_other(format!("/staff/seminars/{id}")))
}

/// Whom staff may write to (status, label key): the confirmed and the waitlisted, and the
/// applicants of a lottery that has not been drawn yet (to tell them the draw is delayed, say).
pub fn audiences(seminar: &Seminar) -> Vec<(RegistrationStatus, &'static str)> {
    let mut out = vec![
        (RegistrationStatus::Confirmed, "seminars.audience_confirmed"),
        (
            RegistrationStatus::Waitlisted,
            "seminars.audience_waitlisted",
        ),
    ];
    if seminar.awaits_draw() {
        out.push((RegistrationStatus::Applied, "seminars.audience_applied"));
    }
    out
}

fn field_key(field: &str) -> &'static str {
    match field {
        "audience" => "seminars.message_audience",
        "subject" => "seminars.message_subject",
        _ => "seminars.message_body",
    }
}
