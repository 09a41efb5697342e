//! The staff page of a seminar's online attendance: the report's upload (multipart, with the
//! CSRF token), the imports so far, and the name matches to confirm.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use futures_util::StreamExt;
use serde::Deserialize;
use views::components::Tone;
use views::seminars::attendance::{AttendanceView, ImportRow, Proposal, UnmatchedView};

use super::service;
use crate::accounts::StaffUser;
use crate::error::{AppError, Message};
use crate::registrations::model::RegistrationStatus;
use crate::seminars::model::Mode;
use crate::web::AppState;
use crate::web::ctx::{Page, html_status};
use crate::web::input::{Form, Query, UPLOAD_LIMIT};
use crate::web::see_other;

/// The query of the page.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    /// The import shown in detail (the newest when absent).
    pub import: Option<i64>,
    /// `imported` or `confirmed` after an action.
    pub done: Option<String>,
}

async fn render(
    state: &AppState,
    page: &Page,
    id: i64,
    shown: Option<i64>,
    flash: Option<(Tone, String)>,
    code: StatusCode,
) -> Result<HttpResponse, AppError> {
    let lang = page.lang;
    let view = state
        .db
        .run(move |c| {
            let s = crate::seminars::queries::find(c, id)?;
            let imports = service::list_for_seminar(c, id)?;
            let regs = crate::registrations::queries::list_for_seminar(c, id)?;
            let online: Vec<_> = regs
                .iter()
                .filter(|r| r.mode() == Mode::Online && r.status == RegistrationStatus::Confirmed)
                .collect();
            let shown = shown.or_else(|| imports.first().map(|i| i.id));
            let detail = imports.iter().find(|i| Some(i.id) == shown);
            let unmatched = detail
                .map(|i| {
                    i.unmatched()
                        .into_iter()
                        .map(|u| UnmatchedView {
                            line: u.line,
                            name: u.name,
                            email: u.email.unwrap_or_default(),
                            minutes: u.minutes,
                            proposals: u
                                .proposals
                                .iter()
                                .filter_map(|rid| online.iter().find(|r| r.id == *rid))
                                .map(|r| Proposal {
                                    registration_id: r.id,
                                    label: format!("{} ({})", r.name, r.email),
                                    attended: r.checked_in_at.is_some(),
                                })
                                .collect(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            Ok::<_, AppError>(AttendanceView {
                id,
                title: s.title.clone(),
                online: (
                    online.len(),
                    online.iter().filter(|r| r.checked_in_at.is_some()).count(),
                ),
                imports: imports
                    .iter()
                    .map(|i| ImportRow {
                        id: i.id,
                        at: crate::time::format_datetime(i.imported_at, lang),
                        tool: tool_label(&i.tool).to_string(),
                        rows: i.row_count,
                        matched: i.matched,
                        already: i.already,
                        unmatched: i.unmatched().len(),
                    })
                    .collect(),
                shown: detail.map(|i| i.id),
                unmatched,
                flash,
            })
        })
        .await?;
    Ok(html_status(
        code,
        views::seminars::attendance::page(page, &view),
    ))
}

fn tool_label(code: &str) -> &'static str {
    match code {
        "zoom" => "Zoom",
        "webex" => "Webex",
        _ => "Microsoft Teams",
    }
}

/// `GET /staff/seminars/{id}/attendance`.
pub async fn page(
    _user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    query: Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let flash = match query.done.as_deref() {
        Some("imported") => Some((
            Tone::Success,
            page.t("attendance_import.imported").to_string(),
        )),
        Some("confirmed") => Some((
            Tone::Success,
            page.t("attendance_import.confirmed").to_string(),
        )),
        _ => None,
    };
    render(&state, &page, id, query.import, flash, StatusCode::OK).await
}

/// `POST /staff/seminars/{id}/attendance` (multipart: `file`, `csrf_token`): imports the
/// report; a file that is no report is answered on the page with the reason (422), nothing
/// stored.
pub async fn upload(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    mut parts: Multipart,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let mut file = None;
    while let Some(part) = parts.next().await {
        let mut part = part.map_err(|_| AppError::unreadable())?;
        if part.name() == Some("file") {
            match part.bytes(UPLOAD_LIMIT).await {
                Ok(Ok(bytes)) => file = Some(bytes.to_vec()),
                Ok(Err(_)) => return Err(AppError::unreadable()),
                Err(_) => return Err(AppError::PayloadTooLarge),
            }
        } else {
            let _ = part.bytes(64 * 1024).await;
        }
    }
    let actor = user.0.clone();
    let refused = match file.filter(|b| !b.is_empty()) {
        None => page.t("attendance_import.err_no_file").to_string(),
        Some(bytes) => {
            let done = state
                .db
                .run(move |c| {
                    service::import(c, &actor, id, &bytes, "staff", crate::time::now_utc())
                })
                .await;
            match done {
                Ok(d) => {
                    return Ok(see_other(format!(
                        "/staff/seminars/{id}/attendance?import={}&done=imported",
                        d.id
                    )));
                }
                Err(AppError::Invalid(m)) => m.render(page.lang),
                Err(e) => return Err(e),
            }
        }
    };
    render(
        &state,
        &page,
        id,
        None,
        Some((Tone::Error, refused)),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// The query of the pre-registration download.
#[derive(Debug, Default, Deserialize)]
pub struct ShapeQuery {
    /// `zoom` or `webex`.
    pub tool: Option<String>,
}

/// `GET /staff/seminars/{id}/attendance/preregistration.csv?tool=zoom|webex`: the confirmed
/// online registrants (name, email) in the file the tool imports to pre-register them
/// (audited as an export of personal data).
pub async fn preregistration(
    user: StaffUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    query: Query<ShapeQuery>,
) -> Result<HttpResponse, AppError> {
    use super::preregistration::{ImportShape, Invitee, write};
    let id = path.into_inner();
    let shape = match query.tool.as_deref().unwrap_or("zoom") {
        "zoom" => ImportShape::Zoom,
        "webex" => ImportShape::Webex,
        _ => {
            return Err(AppError::bad_field(
                "tool",
                Message::new("form.invalid_choice"),
            ));
        }
    };
    let actor = user.0.clone();
    let body = state
        .db
        .run(move |c| {
            c.write_transaction(|c| {
                crate::seminars::queries::find(c, id)?;
                let regs = crate::registrations::queries::list_for_seminar(c, id)?;
                let invitees: Vec<Invitee<'_>> = regs
                    .iter()
                    .filter(|r| r.mode() == Mode::Online && r.status == RegistrationStatus::Confirmed)
                    .map(|r| Invitee {
                        name: &r.name,
                        email: &r.email,
                    })
                    .collect();
                crate::audit::record(
                    c,
                    &actor,
                    crate::audit::Action::RegistrationExport,
                    crate::audit::Target::Seminar,
                    Some(id.to_string()),
                    serde_json::json!({"rows": invitees.len(), "format": "preregistration", "tool": shape}),
                )?;
                Ok::<_, AppError>(write(shape, &invitees))
            })
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type(shape.content_type())
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{}\"", shape.file_name(id)),
        ))
        .insert_header(("Cache-Control", "no-store"))
        .body(body))
}

/// The body of a name match's confirmation.
#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    /// The import.
    #[serde(default)]
    pub import: String,
    /// The row's line.
    #[serde(default)]
    pub line: String,
    /// The registrant proposed.
    #[serde(default)]
    pub registration: String,
}

/// `POST /staff/seminars/{id}/attendance/confirm`: staff confirm a proposed name match.
pub async fn confirm(
    user: StaffUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: Form<ConfirmForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let bad = || AppError::Invalid(Message::new("form.invalid_choice"));
    let import: i64 = form.import.trim().parse().map_err(|_| bad())?;
    let line: u64 = form.line.trim().parse().map_err(|_| bad())?;
    let registration: i64 = form.registration.trim().parse().map_err(|_| bad())?;
    let actor = user.0.clone();
    state
        .db
        .run(move |c| {
            service::confirm_by_name(
                c,
                &actor,
                id,
                import,
                line,
                registration,
                crate::time::now_utc(),
            )
        })
        .await?;
    Ok(see_other(format!(
        "/staff/seminars/{id}/attendance?import={import}&done=confirmed"
    )))
}
