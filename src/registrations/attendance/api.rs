//! `POST /api/v1/seminars/{id}/attendance-imports` (staff): imports a meeting tool's
//! attendance report, the file as the body (`text/csv`, `text/tab-separated-values`,
//! `text/plain`, `application/octet-stream`) or as the `file` part of a multipart upload.

use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;
use serde::Serialize;
use utoipa::ToSchema;

use super::service::{self, Unmatched};
use crate::accounts::ApiStaff;
use crate::error::{AppError, Message};
use crate::web::AppState;
use crate::web::input::UPLOAD_LIMIT;

/// The answer of an import.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttendanceImported {
    /// The stored import.
    pub id: i64,
    /// The tool that wrote the report: `zoom`, `webex` or `teams`.
    pub tool: String,
    /// Online registrants newly marked attended by their email.
    #[schema(minimum = 0)]
    pub matched: u32,
    /// Online registrants the report matched who were marked attended already (a file
    /// imported a second time changes nothing).
    #[schema(minimum = 0)]
    pub already: u32,
    /// The rows that matched no online registrant by email (staff confirm name matches on
    /// the seminar's attendance page).
    pub unmatched: Vec<UnmatchedRow>,
}

/// A report row without a matching registrant.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnmatchedRow {
    /// The line of the file.
    #[schema(minimum = 1)]
    pub line: u64,
    /// The name shown in the meeting.
    pub name: String,
    /// The address in the report; null when it had none.
    pub email: Option<String>,
    /// Whole minutes attended.
    #[schema(minimum = 0)]
    pub minutes: u32,
}

impl From<Unmatched> for UnmatchedRow {
    fn from(u: Unmatched) -> Self {
        Self {
            line: u.line,
            name: u.name,
            email: u.email,
            minutes: u.minutes,
        }
    }
}

/// The media types a report may come as, the file itself as the body.
const FILE_TYPES: [&str; 5] = [
    "text/csv",
    "text/tab-separated-values",
    "text/plain",
    "application/octet-stream",
    "application/vnd.ms-excel",
];

/// The report's bytes from the body: the body itself, or the `file` part of a multipart body.
async fn report_bytes(req: &HttpRequest, mut payload: web::Payload) -> Result<Vec<u8>, AppError> {
    let content_type = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let media = content_type.split(';').next().unwrap_or_default().trim();
    if media == "multipart/form-data" {
        let mut parts = actix_multipart::Multipart::new(req.headers(), payload);
        while let Some(part) = parts.next().await {
            let mut part = part.map_err(|_| AppError::unreadable())?;
            if part.name() == Some("file") {
                return match part.bytes(UPLOAD_LIMIT).await {
                    Ok(Ok(bytes)) => Ok(bytes.to_vec()),
                    Ok(Err(_)) => Err(AppError::unreadable()),
                    Err(_) => Err(AppError::PayloadTooLarge),
                };
            }
            let _ = part.bytes(64 * 1024).await;
        }
        return Err(AppError::Invalid(Message::new(
            "attendance_import.err_no_file",
        )));
    }
    if !FILE_TYPES.contains(&media) {
        return Err(AppError::UnsupportedMediaType);
    }
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| AppError::unreadable())?;
        if body.len() + chunk.len() > UPLOAD_LIMIT {
            return Err(AppError::PayloadTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// `POST /api/v1/seminars/{id}/attendance-imports` (staff; audited): reads the attendance
/// report of Zoom, Webex or Microsoft Teams (UTF-8, UTF-16 or Shift_JIS, as the tool exports
/// it), marks the confirmed online registrants it names by email attended with their minutes,
/// and lists the rows it could not match. Importing the same file again changes nothing.
#[utoipa::path(
    post,
    path = "/api/v1/seminars/{id}/attendance-imports",
    tag = "registrations",
    summary = "Import a meeting tool's attendance report (staff; audited; idempotent)",
    params(("id" = i64, Path, description = "The seminar")),
    request_body(
        description = "The report as the tool exported it: the file as the body (text/csv, text/tab-separated-values, text/plain) or the `file` part of multipart/form-data",
        content(
            (String = "text/csv"),
            (String = "text/tab-separated-values"),
            (String = "multipart/form-data")
        )
    ),
    responses(
        (status = 201, description = "Imported", body = AttendanceImported),
        (status = 404, description = "No such seminar", body = crate::api::ErrorBody),
        (status = 415, description = "Neither a file body nor multipart", body = crate::api::ErrorBody),
        (status = 422, description = "Not an attendance report of Zoom, Webex or Teams, or not readable; nothing is stored", body = crate::api::ErrorBody)
    )
)]
pub async fn import(
    user: ApiStaff,
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let bytes = report_bytes(&req, payload).await?;
    let actor = user.0.clone();
    let done = state
        .db
        .run(move |c| service::import(c, &actor, id, &bytes, "api", crate::time::now_utc()))
        .await?;
    Ok(HttpResponse::Created().json(AttendanceImported {
        id: done.id,
        tool: done.tool.to_string(),
        matched: done.matched,
        already: done.already,
        unmatched: done.unmatched.into_iter().map(UnmatchedRow::from).collect(),
    }))
}
