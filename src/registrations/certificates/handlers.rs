//! The certificate routes: the registrant's PDF, the public check, and for staff a seminar's
//! certificates as one PDF, their list and revoking one (confirmation page, then POST).

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use views::certificates::{CheckView, RevokeView, StaffCertificate, StaffList};

use super::pdf::{self, Certificate};
use super::serial::{self, Serial};
use super::service;
use crate::accounts::StaffUser;
use crate::error::{AppError, Message};
use crate::web::AppState;
use crate::web::ctx::{Page, html, html_status};
use crate::web::input::{Fields, Form, Query};
use crate::web::see_other;

fn pdf_response(filename: &str, certificates: &[Certificate]) -> Result<HttpResponse, AppError> {
    let rendered = pdf::render_all(certificates, crate::time::now_utc())
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{filename}\""),
        ))
        .insert_header(("Cache-Control", "no-store"))
        .body(rendered.bytes))
}

/// `GET /registrations/{token}/certificate.pdf`: the registrant's certificate once the seminar
/// ended and their attendance was recorded; otherwise a page that says why (409).
pub async fn download(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    state
        .limits
        .check_ip(&req, crate::registrations::handlers::REGISTRANT_BUCKET)?;
    let reg = crate::registrations::handlers::by_token(&state, path.into_inner()).await?;
    let base = state.config.base_url.clone();
    let certificate = state
        .db
        .run(move |c| service::for_registrant(c, &reg, &base, crate::time::now_utc()))
        .await?;
    pdf_response(
        &format!("certificate-{}.pdf", certificate.serial),
        std::slice::from_ref(&certificate),
    )
}

/// `GET /certificates/{serial}`: the public check, showing the seminar, its date and the
/// name, or that the certificate was revoked; 404 for a serial that is not one (rate limited).
pub async fn check(
    req: HttpRequest,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    state.limits.check_ip(&req, "certificate_check")?;
    let lang = page.lang;
    let found = match serial::parse(&path) {
        Ok(serial) => state.db.run(move |c| service::check(c, &serial)).await?,
        Err(_) => None,
    };
    let view = found.map(|f| CheckView {
        serial: f.serial,
        seminar: f.seminar_title,
        date: crate::time::format_date(f.starts_at, lang),
        name: f.name,
        revoked_on: f.revoked_at.map(|t| crate::time::format_date(t, lang)),
    });
    let markup = views::certificates::check(&page, view.as_ref());
    Ok(match view {
        Some(_) => html(markup),
        None => html_status(actix_web::http::StatusCode::NOT_FOUND, markup),
    })
}

/// `GET /staff/seminars/{id}/certificates.pdf`: every certificate of the seminar, a page each
/// (audited); 409 with an explanation when nobody can have one yet.
pub async fn seminar_pdf(
    user: StaffUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let actor = user.0.clone();
    let base = state.config.base_url.clone();
    let all = state
        .db
        .run(move |c| service::for_seminar(c, &actor, id, &base, crate::time::now_utc()))
        .await?;
    if all.is_empty() {
        return Err(AppError::Conflict(Message::new("certificates.staff_none")));
    }
    pdf_response(&format!("certificates-seminar-{id}.pdf"), &all)
}

/// The query of the staff list.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    /// `revoked` after a revocation.
    #[serde(default)]
    pub done: String,
}

/// `GET /staff/seminars/{id}/certificates`: the certificates issued, with links to revoke.
pub async fn staff_list(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    query: Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let actor = user.0.clone();
    let lang = page.lang;
    let (seminar, rows) = state
        .db
        .run(move |c| service::list_for_seminar(c, &actor, id))
        .await?;
    let view = StaffList {
        seminar: seminar.title.clone(),
        seminar_href: format!("/staff/seminars/{id}"),
        pdf_href: format!("/staff/seminars/{id}/certificates.pdf"),
        rows: rows
            .into_iter()
            .map(|r| StaffCertificate {
                revoke_href: format!("/staff/certificates/{}/revoke", r.issued.serial),
                check_href: format!("/certificates/{}", r.issued.serial),
                serial: r.issued.serial,
                name: r.name,
                company: r.company,
                issued_at: crate::time::format_datetime(r.issued.issued_at, lang),
                revoked_on: r
                    .issued
                    .revoked_at
                    .map(|t| crate::time::format_date(t, lang)),
            })
            .collect(),
        flash: (query.done == "revoked").then(|| lang.t("certificates.revoked_flash").to_string()),
    };
    Ok(html(views::certificates::staff_list(&page, &view)))
}

fn parse_serial(raw: &str) -> Result<Serial, AppError> {
    serial::parse(raw).map_err(|_| AppError::NotFound)
}

async fn revoke_page(
    state: &AppState,
    page: &Page,
    serial: Serial,
    reason: String,
    error: Option<String>,
) -> Result<views::Markup, AppError> {
    let found = state
        .db
        .run({
            let serial = serial.clone();
            move |c| service::find_with_holder(c, &serial)
        })
        .await?
        .ok_or(AppError::NotFound)?;
    let (issued, reg) = found;
    let view = RevokeView {
        action: format!("/staff/certificates/{}/revoke", issued.serial),
        back_href: format!("/staff/seminars/{}/certificates", reg.seminar_id),
        statement: page.tf(
            "certificates.revoke_confirm",
            &[("name", &reg.name), ("serial", &issued.serial)],
        ),
        reason,
        error,
    };
    Ok(views::certificates::revoke(page, &view))
}

/// `GET /staff/certificates/{serial}/revoke`: says what revoking does and asks for a reason.
pub async fn revoke_form(
    _user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let serial = parse_serial(&path)?;
    Ok(html(
        revoke_page(&state, &page, serial, String::new(), None).await?,
    ))
}

/// `POST /staff/certificates/{serial}/revoke` (`reason`, `csrf_token`): revokes it (audited)
/// and goes back to the seminar's list.
pub async fn revoke(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: Form<Fields>,
) -> Result<HttpResponse, AppError> {
    let serial = parse_serial(&path)?;
    let reason = form.get("reason").trim().to_string();
    if reason.is_empty() || reason.chars().count() > 500 {
        let error = Some(page.t("certificates.reason_required").to_string());
        let markup = revoke_page(&state, &page, serial, reason, error).await?;
        return Ok(html_status(
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            markup,
        ));
    }
    let actor = user.0.clone();
    let seminar_id = state
        .db
        .run(move |c| service::revoke(c, &actor, &serial, &reason, crate::time::now_utc()))
        .await?;
    Ok(see_other(format!(
        "/staff/seminars/{seminar_id}/certificates?done=revoked"
    )))
}
