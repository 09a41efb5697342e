//! Calling a seminar off (staff): a confirmation page that says how many registrants will be
//! mailed, then the cancellation, then the seminar's staff page with the result. A seminar that
//! has begun (or is already called off) cannot be cancelled.

use actix_web::{HttpResponse, web};
use serde_json::json;
use views::confirm::Confirmation;

use super::model::{Seminar, status};
use super::queries;
use crate::accounts::StaffUser;
use crate::audit;
use crate::error::{AppError, Message};
use crate::registrations::mail::Notifier;
use crate::registrations::model::status as reg_status;
use crate::registrations::queries as reg_queries;
use crate::web::AppState;
use crate::web::confirm::{ConfirmForm, count};
use crate::web::ctx::{Page, html};
use crate::web::input::Form;

/// Why a seminar cannot be called off, if it cannot.
fn refusal(s: &Seminar, now: chrono::NaiveDateTime) -> Option<&'static str> {
    if s.status == status::CANCELLED {
        Some("seminars.cancel.already")
    } else if s.starts_at <= now {
        Some("seminars.cancel.past")
    } else {
        None
    }
}

/// Whether staff may call the seminar off now (the staff page shows the button only then).
pub fn can_cancel(s: &Seminar, now: chrono::NaiveDateTime) -> bool {
    refusal(s, now).is_none()
}

async fn confirmation(page: &Page, state: &AppState, id: i64) -> Result<Confirmation, AppError> {
    let lang = page.lang;
    let (s, regs) = state
        .db
        .run(move |c| {
            Ok::<_, AppError>((queries::find(c, id)?, reg_queries::list_for_seminar(c, id)?))
        })
        .await?;
    let of = |st: &str| regs.iter().filter(|r| r.status == st).count() as i64;
    let active = regs
        .iter()
        .filter(|r| r.status != reg_status::CANCELLED)
        .count() as i64;
    let mut consequences = vec![if active == 0 {
        lang.t("seminars.cancel.nobody").to_string()
    } else {
        lang.tf(
            "seminars.cancel.mailed",
            &[
                ("n", &count(active)),
                ("confirmed", &count(of(reg_status::CONFIRMED))),
                ("waitlisted", &count(active - of(reg_status::CONFIRMED))),
            ],
        )
    }];
    consequences.push(lang.t("seminars.cancel.public").to_string());
    consequences.push(lang.t("seminars.cancel.final").to_string());
    Ok(Confirmation {
        title: lang.t("seminars.cancel.title").to_string(),
        subject: format!(
            "{} ({})",
            s.title,
            crate::time::format_span(s.starts_at, s.ends_at, lang)
        ),
        consequences,
        action: format!("/staff/seminars/{id}/cancel"),
        hidden: Vec::new(),
        button: lang.t("seminars.cancel.button").to_string(),
        danger: true,
        back: (
            format!("/staff/seminars/{id}"),
            lang.t("seminars.cancel.back").to_string(),
        ),
        blocked: refusal(&s, crate::time::now_utc()).map(|k| lang.t(k).to_string()),
        section: "/staff/seminars",
    })
}

/// `GET /staff/seminars/{id}/cancel`: what calling the seminar off will do.
pub async fn confirm_page(
    _user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let view = confirmation(&page, &state, path.into_inner()).await?;
    Ok(html(views::confirm::confirmation(&page, &view)))
}

/// `POST /staff/seminars/{id}/cancel`: with `confirm=1`, calls the seminar off and tells every
/// registrant, then shows the seminar's page with how many were told; without it, the
/// confirmation page.
pub async fn cancel(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    notifier: web::Data<Notifier>,
    path: web::Path<i64>,
    form: Form<ConfirmForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    if !form.given() {
        let view = confirmation(&page, &state, id).await?;
        return Ok(html(views::confirm::confirmation(&page, &view)));
    }
    let notifier = notifier.get_ref().clone();
    let actor = user.0.clone();
    let told = state
        .db
        .run(move |c| {
            let now = crate::time::now_utc();
            if let Some(key) = refusal(&queries::find(c, id)?, now) {
                return Err(AppError::Conflict(Message::new(key)));
            }
            let told = reg_queries::cancel_seminar(c, &notifier, id, now)?;
            audit::record(
                c,
                Some(&actor),
                audit::Action::SeminarCancel,
                audit::Target::Seminar,
                Some(id.to_string()),
                json!({"told": told}),
            )?;
            Ok(told)
        })
        .await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/staff/seminars/{id}?done=cancelled&told={told}"),
        ))
        .finish())
}
