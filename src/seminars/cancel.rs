//! Calling a seminar off (staff): a confirmation page that says how many registrants will be
//! mailed, then the cancellation, then the seminar's staff page with the result. A seminar that
//! has begun (or is already called off) cannot be cancelled.

use actix_web::{HttpResponse, web};
use views::confirm::Confirmation;

use super::queries;
use super::registrants::Registrants;
use super::service;
use crate::accounts::StaffUser;
use crate::error::AppError;
use crate::web::AppState;
use crate::web::confirm::{ConfirmForm, count};
use crate::web::ctx::{Page, html};
use crate::web::input::Form;
use crate::web::see_other;

async fn confirmation(page: &Page, state: &AppState, id: i64) -> Result<Confirmation, AppError> {
    let lang = page.lang;
    let (s, seats) = state
        .db
        .run(move |c| {
            let s = queries::find(c, id)?;
            let seats = queries::seats(c, &s)?;
            Ok::<_, AppError>((s, seats))
        })
        .await?;
    let confirmed: i64 = seats.values().map(|m| m.confirmed).sum();
    let active = confirmed + seats.values().map(|m| m.waitlisted).sum::<i64>();
    let mut consequences = vec![if active == 0 {
        lang.t("seminars.cancel.nobody").to_string()
    } else {
        lang.tf(
            "seminars.cancel.mailed",
            &[
                ("n", &count(active)),
                ("confirmed", &count(confirmed)),
                ("waitlisted", &count(active - confirmed)),
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
        blocked: service::call_off_refusal(&s, crate::time::now_utc())
            .map(|k| lang.t(k).to_string()),
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
    registrants: web::Data<dyn Registrants>,
    path: web::Path<i64>,
    form: Form<ConfirmForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    if !form.given() {
        let view = confirmation(&page, &state, id).await?;
        return Ok(html(views::confirm::confirmation(&page, &view)));
    }
    let registrants = registrants.into_inner();
    let actor = user.0.clone();
    let told = state
        .db
        .run(move |c| service::call_off(c, registrants.as_ref(), &actor, id))
        .await?;
    Ok(see_other(format!(
        "/staff/seminars/{id}?done=cancelled&told={told}"
    )))
}
