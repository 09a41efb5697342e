//! A message from staff to every confirmed (or waitlisted) registrant of a seminar.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

use crate::accounts::StaffUser;
use crate::audit;
use crate::error::AppError;
use crate::registrations::model::status;
use crate::registrations::queries as reg_queries;
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
    let offered: Vec<&str> = audiences(&seminar).iter().map(|(a, _)| *a).collect();
    let audience =
        validate::one_of(&form.audience, &offered).map_err(|e| invalid("audience", e))?;
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

/// Whom staff may write to (status, label key): the confirmed and the waitlisted, and the
/// applicants of a lottery that has not been drawn yet (to tell them the draw is delayed, say).
pub fn audiences(seminar: &Seminar) -> Vec<(&'static str, &'static str)> {
    let mut out = vec![
        (status::CONFIRMED, "seminars.audience_confirmed"),
        (status::WAITLISTED, "seminars.audience_waitlisted"),
    ];
    if seminar.awaits_draw() {
        out.push((status::APPLIED, "seminars.audience_applied"));
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
