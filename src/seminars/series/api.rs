//! The series part of the JSON API (`/api/v1/series...`, staff): create a series, change it and
//! its sessions, read one or all with their seats.

use actix_web::{HttpResponse, web};
use diesel::OptionalExtension;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::{Series, SeriesForm};
use super::{queries, service};
use crate::accounts::ApiStaff;
use crate::api::ErrorBody;
use crate::db::DbConn;
use crate::error::{AppError, FieldError, Message};
use crate::seminars::model::SeminarStatus;
use crate::time::rfc3339;
use crate::web::AppState;
use crate::web::input::{JsonBody, JsonInput, JsonKind};

/// One session of a series.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SeriesSessionOut {
    /// The seminar's id.
    pub id: i64,
    /// Its title.
    pub title: String,
    /// Start (RFC 3339).
    #[schema(format = DateTime)]
    pub starts_at: String,
    /// End (RFC 3339).
    #[schema(format = DateTime)]
    pub ends_at: String,
    /// Its status.
    pub status: SeminarStatus,
    /// Its page.
    pub url: String,
}

/// The seats of a series: one capacity for every session.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SeriesSeats {
    /// People the series seats.
    pub capacity: i32,
    /// People confirmed (each holds a seat in every session).
    pub confirmed: i64,
    /// People waiting (each waits in every session).
    pub waitlisted: i64,
}

/// A series as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SeriesOut {
    /// The series' id.
    pub id: i64,
    /// The title (Japanese).
    pub title: String,
    /// The title in English (empty: the Japanese one is shown).
    pub title_en: String,
    /// The description (plain text).
    pub description: String,
    /// The description in English.
    pub description_en: String,
    /// People the series seats: a registration holds a seat in every session.
    pub capacity: i32,
    /// Sessions a participant must have attended for the series' certificate of attendance
    /// (a series of fewer sessions asks for every one).
    pub certificate_min_sessions: i32,
    /// The sessions in the order they are held.
    pub sessions: Vec<SeriesSessionOut>,
    /// Seats.
    pub seats: SeriesSeats,
    /// The public page.
    pub url: String,
}

/// A series as staff create or change it: on create `title` and `capacity` are required; on
/// change only the given fields change. `seminar_ids`, when given, are exactly the sessions
/// afterwards (the missing ones removed, the new ones added; refused with 409 for a seminar
/// that cannot be a session, and then nothing changes).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct SeriesInput {
    /// The title (Japanese).
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// The title in English.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub title_en: Option<String>,
    /// The description (plain text).
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    /// The description in English.
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub description_en: Option<String>,
    /// People the series seats.
    #[schema(minimum = 1, maximum = 100000)]
    pub capacity: i32,
    /// Sessions attended for the certificate (default 1).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 100, default = 1)]
    pub certificate_min_sessions: Option<i32>,
    /// The seminars that are its sessions.
    #[serde(default)]
    pub seminar_ids: Option<Vec<i64>>,
}

/// The body's fields, with their JSON types.
const SCHEMA: &[(&str, JsonKind)] = &[
    ("title", JsonKind::Text),
    ("title_en", JsonKind::Text),
    ("description", JsonKind::Text),
    ("description_en", JsonKind::Text),
    ("capacity", JsonKind::Integer),
    ("certificate_min_sessions", JsonKind::Integer),
];

fn base(state: &AppState) -> String {
    state.config.base_url.trim_end_matches('/').to_string()
}

/// A series as the API shows it, from the database.
fn series_json(c: &mut DbConn, x: &Series, base: &str) -> Result<SeriesOut, AppError> {
    let sessions = queries::sessions(c, x.id)?;
    let ids: Vec<i64> = sessions.iter().map(|s| s.id).collect();
    Ok(SeriesOut {
        id: x.id,
        title: x.title.clone(),
        title_en: x.title_en.clone(),
        description: x.description.clone(),
        description_en: x.description_en.clone(),
        capacity: x.capacity,
        certificate_min_sessions: x.certificate_min_sessions,
        seats: SeriesSeats {
            capacity: x.capacity,
            confirmed: queries::confirmed_entries(c, &ids)?,
            waitlisted: queries::waiting_entries(c, &ids)?,
        },
        sessions: sessions
            .iter()
            .map(|s| SeriesSessionOut {
                id: s.id,
                title: s.title.clone(),
                starts_at: rfc3339(s.starts_at),
                ends_at: rfc3339(s.ends_at),
                status: s.status,
                url: format!("{base}/seminars/{}", s.id),
            })
            .collect(),
        url: format!("{base}/series/{}", x.id),
    })
}

/// Reads a body over `form` (every field on create, the given ones on change): the checked
/// values, the sessions asked for, or one 422 naming every wrong field.
fn read(
    body: JsonBody,
    mut form: SeriesForm,
) -> Result<(super::model::SeriesData, Option<Vec<i64>>, bool), AppError> {
    let mut j: JsonInput = body.input()?;
    let fields = j.to_fields(SCHEMA);
    let changed = SCHEMA.iter().any(|(k, _)| j.has(k));
    form.apply(&fields);
    let sessions = j.integers("seminar_ids").map(|list| {
        list.iter()
            .filter_map(|v| v.parse::<i64>().ok())
            .collect::<Vec<_>>()
    });
    let checked = form.validate();
    let errors: Vec<FieldError> = match &checked {
        Ok(_) => Vec::new(),
        Err(list) => list
            .iter()
            .map(|(f, e)| FieldError::new(*f, e.clone()))
            .collect(),
    };
    j.finish(errors)?;
    let data = checked.map_err(|_| AppError::Invalid(Message::new("seminars.err_api_type")))?;
    Ok((data, sessions, changed))
}

/// A session that does not exist, named as the body's field.
fn sessions_field(e: AppError) -> AppError {
    match e {
        AppError::InvalidFields(_) => {
            AppError::invalid_field("seminar_ids", Message::new("series.err_no_seminar"))
        }
        other => other,
    }
}

/// `GET /api/v1/series` (staff): every series with its sessions and seats, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/series",
    operation_id = "list_series",
    tag = "seminars",
    summary = "Series (連続講座) of seminars (staff)",
    responses((status = 200, description = "Every series, newest first", body = Vec<SeriesOut>))
)]
pub async fn list(_user: ApiStaff, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let base = base(&state);
    let out = state
        .db
        .run(move |c| {
            let mut out = Vec::new();
            for x in queries::list(c)? {
                out.push(series_json(c, &x, &base)?);
            }
            Ok::<_, AppError>(out)
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// `GET /api/v1/series/{id}` (staff).
#[utoipa::path(
    get,
    path = "/api/v1/series/{id}",
    operation_id = "show_series",
    tag = "seminars",
    summary = "One series with its sessions and seats (staff)",
    params(("id" = i64, Path, description = "The series")),
    responses(
        (status = 200, description = "The series", body = SeriesOut),
        (status = 404, description = "No such series", body = ErrorBody)
    )
)]
pub async fn show(
    _user: ApiStaff,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let base = base(&state);
    let out = state
        .db
        .run(move |c| {
            let x = queries::find(c, id).optional()?.ok_or(AppError::NotFound)?;
            series_json(c, &x, &base)
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// `POST /api/v1/series` (staff): 201 with the series (and its sessions, when given).
#[utoipa::path(
    post,
    path = "/api/v1/series",
    operation_id = "create_series",
    tag = "seminars",
    summary = "Create a series (staff; audited)",
    request_body = SeriesInput,
    responses(
        (status = 201, description = "Created", body = SeriesOut),
        (status = 409, description = "A seminar cannot be a session of it; nothing was created", body = ErrorBody),
        (status = 422, description = "A value is not acceptable; each wrong field is named.", body = ErrorBody)
    )
)]
pub async fn create(
    user: ApiStaff,
    state: web::Data<AppState>,
    body: JsonBody,
) -> Result<HttpResponse, AppError> {
    let form = SeriesForm {
        certificate_min_sessions: "1".into(),
        ..SeriesForm::default()
    };
    let (data, sessions, _) = read(body, form)?;
    let actor = user.0.clone();
    let base = base(&state);
    let out = state
        .db
        .run(move |c| {
            c.write_transaction(|c| {
                let id = service::create(c, &actor, &data, "api")?;
                let x = service::change(c, &actor, id, None, sessions.as_deref(), "api")
                    .map_err(sessions_field)?;
                series_json(c, &x, &base)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(out))
}

/// `PATCH /api/v1/series/{id}` (staff): changes the given fields and, with `seminar_ids`, the
/// sessions.
#[utoipa::path(
    patch,
    path = "/api/v1/series/{id}",
    operation_id = "update_series",
    tag = "seminars",
    summary = "Change a series and its sessions (staff; audited); only the given fields change",
    params(("id" = i64, Path, description = "The series")),
    request_body(content = SeriesInput, description = "Any of the fields"),
    responses(
        (status = 200, description = "The series", body = SeriesOut),
        (status = 404, description = "No such series", body = ErrorBody),
        (status = 409, description = "A seminar cannot be a session, or fewer seats than people confirmed; nothing changed", body = ErrorBody),
        (status = 422, description = "A value is not acceptable; each wrong field is named.", body = ErrorBody)
    )
)]
pub async fn update(
    user: ApiStaff,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    body: JsonBody,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let existing = state
        .db
        .run(move |c| queries::find(c, id).optional())
        .await?
        .ok_or(AppError::NotFound)?;
    let (data, sessions, changed) = read(body, SeriesForm::of(&existing))?;
    let actor = user.0.clone();
    let base = base(&state);
    let out = state
        .db
        .run(move |c| {
            let data = changed.then_some(&data);
            let x = service::change(c, &actor, id, data, sessions.as_deref(), "api")
                .map_err(sessions_field)?;
            series_json(c, &x, &base)
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// The paths of the series API in the document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, show, create, update))]
pub struct Doc;
