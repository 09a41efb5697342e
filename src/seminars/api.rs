//! The seminar part of the JSON API (`/api/v1/seminars...`) and its OpenAPI fragment.

use actix_web::{HttpResponse, web};
use serde_json::{Value, json};

use super::forms::{SeminarForm, Window};
use super::model::{Seminar, SeminarData, name_list, status};
use super::queries::{self, Filter, Seats};
use crate::accounts::ApiStaff;
use crate::error::{AppError, FieldError, Message};
use crate::time::rfc3339;
use crate::web::AppState;
use crate::web::input::{JsonBody, JsonInput};

fn seats_json(s: &Seats) -> Value {
    json!({
        "capacity": s.capacity,
        "confirmed": s.confirmed,
        "waitlisted": s.waitlisted,
        "applied": s.applied,
        "cancelled": s.cancelled,
        "checked_in": s.checked_in,
    })
}

/// A seminar as the API shows it (the join URL only to staff).
pub fn seminar_json(
    s: &Seminar,
    seats: &std::collections::HashMap<&'static str, Seats>,
    base: &str,
    staff: bool,
) -> Value {
    let mut v = json!({
        "id": s.id,
        "title": s.title,
        "summary": s.summary,
        "body_markdown": s.body_md,
        "industry": s.industry,
        "prefecture": s.prefecture,
        "format": s.format,
        "venue": s.venue,
        "address": s.address,
        "starts_at": rfc3339(s.starts_at),
        "ends_at": rfc3339(s.ends_at),
        "registration_opens_at": s.registration_opens_at.map(rfc3339),
        "registration_closes_at": rfc3339(s.registration_closes_at),
        "capacity_onsite": s.capacity_onsite,
        "capacity_online": s.capacity_online,
        "hosts": name_list(&s.hosts),
        "cohosts": name_list(&s.cohosts),
        "speakers": name_list(&s.speakers),
        "fee": s.fee,
        "status": s.status,
        "published": s.status == status::PUBLISHED,
        "sequence": s.sequence,
        "questions": serde_json::from_str::<Value>(&s.questions).unwrap_or(json!([])),
        "reminder_time": s.reminder_time,
        "allocation": s.allocation,
        "draw_at": (s.allocation() == super::model::Allocation::Lottery).then(|| rfc3339(s.draw_time())),
        "lottery_waitlist": s.lottery_waitlist,
        "drawn_at": s.drawn_at.map(rfc3339),
        "url": format!("{base}/seminars/{}", s.id),
        "ics_url": format!("{base}/seminars/{}.ics", s.id),
        "seats": {
            "onsite": seats_json(&seats.get("onsite").copied().unwrap_or_default()),
            "online": seats_json(&seats.get("online").copied().unwrap_or_default()),
        }
    });
    if staff {
        v["online_url"] = json!(s.online_url);
    }
    v
}

fn base(state: &AppState) -> String {
    state.config.base_url.trim_end_matches('/').to_string()
}

/// `GET /api/v1/seminars`: upcoming published seminars.
pub async fn list(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let base = base(&state);
    let out = state
        .db
        .run(move |c| {
            let list = queries::list_public(c, &Filter::default(), crate::time::now_utc())?;
            let all_seats = queries::seats_many(c, &list)?;
            let mut out = Vec::new();
            for s in &list {
                let seats = all_seats.get(&s.id).cloned().unwrap_or_default();
                out.push(seminar_json(s, &seats, &base, false));
            }
            Ok::<_, AppError>(out)
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// `GET /api/v1/seminars/{id}`.
pub async fn show(
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let base = base(&state);
    let v = state
        .db
        .run(move |c| {
            let s = queries::find_public(c, id)?;
            let seats = queries::seats(c, &s)?;
            Ok::<_, AppError>(seminar_json(&s, &seats, &base, false))
        })
        .await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Applies a JSON body over a form (all fields on create, given fields on update), each field
/// with its JSON type: strings, integers for the prefecture and capacities, arrays of strings
/// for the names, an array for the questions, a boolean for `published`. Returns the body
/// (which holds the type errors found so far, for [`validate`]) and `published`.
fn apply(form: &mut SeminarForm, body: JsonBody) -> Result<(JsonInput, Option<bool>), AppError> {
    let mut j = body.input()?;
    for (key, field) in [
        ("title", &mut form.title),
        ("summary", &mut form.summary),
        ("body_markdown", &mut form.body_md),
        ("industry", &mut form.industry),
        ("format", &mut form.format),
        ("venue", &mut form.venue),
        ("address", &mut form.address),
        ("online_url", &mut form.online_url),
        ("starts_at", &mut form.starts_at),
        ("ends_at", &mut form.ends_at),
        ("registration_opens_at", &mut form.registration_opens_at),
        ("registration_closes_at", &mut form.registration_closes_at),
        ("fee", &mut form.fee),
        ("allocation", &mut form.allocation),
        ("draw_at", &mut form.draw_at),
    ] {
        if let Some(v) = j.text(key) {
            *field = v;
        }
    }
    for (key, field) in [
        ("prefecture", &mut form.prefecture),
        ("capacity_onsite", &mut form.capacity_onsite),
        ("capacity_online", &mut form.capacity_online),
    ] {
        if let Some(v) = j.integer(key) {
            *field = v;
        }
    }
    for (key, field) in [
        ("hosts", &mut form.hosts),
        ("cohosts", &mut form.cohosts),
        ("speakers", &mut form.speakers),
    ] {
        if let Some(names) = j.texts(key) {
            // One name per line in the form: a line break inside a name cannot split it.
            *field = names
                .iter()
                .map(|s| s.replace(['\r', '\n'], "\u{1}"))
                .collect::<Vec<_>>()
                .join("\n");
        }
    }
    match j.raw("reminder_time") {
        // null: no reminder.
        Some(Value::Null) => form.reminder_time = super::forms::NO_REMINDER.into(),
        Some(_) => {
            if let Some(t) = j.text("reminder_time") {
                form.reminder_time = t;
            }
        }
        None => {}
    }
    if let Some(q) = j.raw("questions") {
        form.questions = if q.is_null() {
            String::new()
        } else {
            q.to_string()
        };
    }
    if let Some(waitlist) = j.boolean("lottery_waitlist") {
        form.lottery_rest = if waitlist {
            super::forms::LOTTERY_WAITLIST
        } else {
            super::forms::LOTTERY_NOT_DRAWN
        }
        .into();
    }
    let published = j.boolean("published");
    Ok((j, published))
}

/// The form's checks after the body's type errors: a 422 with one message per field.
async fn validate(
    state: &AppState,
    form: &SeminarForm,
    body: JsonInput,
    keep_start: Option<chrono::NaiveDateTime>,
) -> Result<SeminarData, AppError> {
    let industries = state.db.run(queries::industry_codes).await?;
    let window = Window::around(crate::time::now_utc(), keep_start);
    let checked = form.validate(crate::time::parse_rfc3339, &industries, &window);
    let errors: Vec<FieldError> = match &checked {
        Ok(_) => Vec::new(),
        Err(list) => list
            .iter()
            .map(|(f, e)| FieldError::new(api_name(f), e.clone()))
            .collect(),
    };
    body.finish(errors)?;
    checked.map_err(|_| AppError::Invalid(Message::new("seminars.err_api_type")))
}

/// The API's name of a form field.
fn api_name(field: &str) -> &str {
    match field {
        "body_md" => "body_markdown",
        other => other,
    }
}

/// `POST /api/v1/seminars` (staff): 201 with the seminar.
pub async fn create(
    user: ApiStaff,
    state: web::Data<AppState>,
    body: JsonBody,
) -> Result<HttpResponse, AppError> {
    let mut form = SeminarForm {
        reminder_time: super::model::DEFAULT_REMINDER_TIME.into(),
        ..SeminarForm::default()
    };
    let (body, published) = apply(&mut form, body)?;
    let data = validate(&state, &form, body, None).await?;
    let actor = user.0.clone();
    let base = base(&state);
    let v = state
        .db
        .run(move |c| {
            let id = super::service::create(c, &actor, &data, published.unwrap_or(false), "api")?;
            let s = queries::find(c, id)?;
            let seats = queries::seats(c, &s)?;
            Ok::<_, AppError>(seminar_json(&s, &seats, &base, true))
        })
        .await?;
    Ok(HttpResponse::Created().json(v))
}

/// `PATCH /api/v1/seminars/{id}` (staff): changes the given fields.
pub async fn update(
    user: ApiStaff,
    state: web::Data<AppState>,
    registrants: web::Data<dyn super::registrants::Registrants>,
    path: web::Path<i64>,
    body: JsonBody,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let existing = state.db.run(move |c| queries::find(c, id)).await?;
    let d = SeminarData::of(&existing);
    let mut form = SeminarForm::of(&d);
    form.starts_at = rfc3339(d.starts_at);
    form.ends_at = rfc3339(d.ends_at);
    form.registration_closes_at = rfc3339(d.registration_closes_at);
    form.registration_opens_at = d.registration_opens_at.map(rfc3339).unwrap_or_default();
    form.draw_at = d.draw_at.map(rfc3339).unwrap_or_default();
    let (body, published) = apply(&mut form, body)?;
    let data = validate(&state, &form, body, Some(d.starts_at)).await?;
    let actor = user.0.clone();
    let base = base(&state);
    let registrants = registrants.into_inner();
    let v = state
        .db
        .run(move |c| {
            let publish = published == Some(true);
            super::service::update(c, registrants.as_ref(), &actor, id, &data, publish, "api")?;
            let s = queries::find(c, id)?;
            let seats = queries::seats(c, &s)?;
            Ok::<_, AppError>(seminar_json(&s, &seats, &base, true))
        })
        .await?;
    Ok(HttpResponse::Ok().json(v))
}

/// The OpenAPI fragment of these endpoints.
pub fn openapi() -> Value {
    let err = crate::api::error_responses;
    let id_param =
        json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}]);
    let seminar = json!({"$ref": "#/components/schemas/Seminar"});
    let seats = json!({"type": "object", "properties": {
        "capacity": {"type": "integer"}, "confirmed": {"type": "integer"}, "waitlisted": {"type": "integer"},
        "applied": {"type": "integer", "description": "Applications awaiting the lottery's draw"},
        "cancelled": {"type": "integer"}, "checked_in": {"type": "integer"}
    }});
    json!({
        "paths": {
            "/api/v1/seminars": {
                "get": {
                    "summary": "Upcoming seminars", "tags": ["seminars"], "security": [],
                    "responses": {"200": {"description": "Seminars", "content": {"application/json": {"schema": {"type": "array", "items": seminar}}}}}
                },
                "post": {
                    "summary": "Create a seminar (staff)", "tags": ["seminars"],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SeminarInput"}}}},
                    "responses": merge(json!({"201": {"description": "Created", "content": {"application/json": {"schema": seminar}}}}), err(&[400, 401, 403, 422]))
                }
            },
            "/api/v1/seminars/{id}": {
                "get": {
                    "summary": "One seminar with its seats", "tags": ["seminars"], "security": [],
                    "parameters": id_param,
                    "responses": merge(json!({"200": {"description": "The seminar", "content": {"application/json": {"schema": seminar}}}}), err(&[404]))
                },
                "patch": {
                    "summary": "Change a seminar (staff); only the given fields change", "tags": ["seminars"],
                    "parameters": id_param,
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SeminarInput"}}}},
                    "responses": merge(json!({"200": {"description": "The seminar", "content": {"application/json": {"schema": seminar}}}}), err(&[400, 401, 403, 404, 422]))
                }
            },
            "/api/v1/seminars/{id}/registrations": {
                "get": {
                    "summary": "Registrations of a seminar (staff)", "tags": ["seminars"],
                    "parameters": id_param,
                    "responses": merge(json!({"200": {"description": "Registrations", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Registration"}}}}}}), err(&[401, 403, 404]))
                }
            },
            "/api/v1/seminars/{id}/survey": {
                "get": {
                    "summary": "The post-seminar survey: how many were sent and answered, the average scores (1-5) and the answers, without names (staff; audited)", "tags": ["seminars"],
                    "parameters": id_param,
                    "responses": merge(json!({"200": {"description": "Survey results", "content": {"application/json": {"schema": {"type": "object", "properties": {
                        "sent": {"type": "integer"}, "answered": {"type": "integer"},
                        "satisfaction_average": {"type": ["number", "null"]}, "usefulness_average": {"type": ["number", "null"]},
                        "answers": {"type": "array", "items": {"type": "object", "properties": {
                            "answered_at": {"type": "string", "format": "date-time"}, "satisfaction": {"type": "integer"}, "usefulness": {"type": "integer"},
                            "topics": {"type": "string"}, "comments": {"type": "string"}}}}}}}}}}), err(&[401, 403, 404]))
                }
            }
        },
        "schemas": {
            "SeminarInput": {"type": "object", "required": ["title", "industry", "prefecture", "format", "starts_at", "ends_at", "registration_closes_at"], "properties": {
                "title": {"type": "string", "maxLength": 200},
                "summary": {"type": "string"},
                "body_markdown": {"type": "string"},
                "industry": {"type": "string", "example": "manufacturing"},
                "prefecture": {"type": "integer", "minimum": 1, "maximum": 47, "example": 40},
                "format": {"type": "string", "enum": ["online", "onsite", "hybrid"]},
                "venue": {"type": "string"}, "address": {"type": "string"},
                "online_url": {"type": "string", "format": "uri"},
                "starts_at": {"type": "string", "format": "date-time", "example": "2026-12-10T13:00:00+09:00"},
                "ends_at": {"type": "string", "format": "date-time"},
                "registration_opens_at": {"type": "string", "format": "date-time", "nullable": true},
                "registration_closes_at": {"type": "string", "format": "date-time"},
                "capacity_onsite": {"type": "integer", "minimum": 0},
                "capacity_online": {"type": "integer", "minimum": 0},
                "hosts": {"type": "array", "items": {"type": "string"}},
                "cohosts": {"type": "array", "items": {"type": "string"}},
                "speakers": {"type": "array", "items": {"type": "string"}},
                "fee": {"type": "string", "default": "無料"},
                "questions": {"type": "array", "items": {"type": "object", "properties": {
                    "label": {"type": "string"}, "kind": {"type": "string", "enum": ["short", "long", "single", "multiple"]},
                    "required": {"type": "boolean"}, "options": {"type": "array", "items": {"type": "string"}}
                }}},
                "reminder_time": {"type": "string", "nullable": true, "default": "10:00", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "example": "10:00",
                    "description": "When the reminder mail goes to confirmed registrants: HH:MM in Asia/Tokyo on the day before the seminar (sent at once when a seminar is created after that time, as long as it has not started); null for no reminder"},
                "allocation": {"type": "string", "enum": ["first_come", "lottery"], "default": "first_come",
                    "description": "How seats are given out: in order of arrival, or by a lottery (抽選) at draw_at"},
                "draw_at": {"type": "string", "format": "date-time", "nullable": true,
                    "description": "When a lottery is drawn (not before the registration deadline, before the start); null or absent: at the deadline"},
                "lottery_waitlist": {"type": "boolean", "default": true,
                    "description": "Whether those a lottery does not draw wait in drawn order (else they are told they were not drawn)"},
                "published": {"type": "boolean"}
            }},
            "Seminar": {"type": "object", "properties": {
                "id": {"type": "integer"}, "title": {"type": "string"}, "status": {"type": "string", "enum": ["draft", "published", "cancelled"]},
                "starts_at": {"type": "string", "format": "date-time"}, "ends_at": {"type": "string", "format": "date-time"},
                "registration_closes_at": {"type": "string", "format": "date-time"},
                "format": {"type": "string"}, "industry": {"type": "string"}, "prefecture": {"type": "integer"},
                "sequence": {"type": "integer"}, "url": {"type": "string"}, "ics_url": {"type": "string"},
                "reminder_time": {"type": "string", "nullable": true, "example": "10:00", "description": "HH:MM in Asia/Tokyo on the day before; null: no reminder"},
                "allocation": {"type": "string", "enum": ["first_come", "lottery"]},
                "draw_at": {"type": "string", "format": "date-time", "nullable": true, "description": "When the lottery is drawn (lottery only)"},
                "lottery_waitlist": {"type": "boolean"},
                "drawn_at": {"type": "string", "format": "date-time", "nullable": true, "description": "When the lottery was drawn"},
                "seats": {"type": "object", "properties": {"onsite": seats, "online": seats}}
            }},
            "Registration": {"type": "object", "properties": {
                "id": {"type": "integer"}, "email": {"type": "string"}, "name": {"type": "string"},
                "mode": {"type": "string", "enum": ["onsite", "online"]},
                "status": {"type": "string", "enum": ["applied", "confirmed", "waitlisted", "not_drawn", "cancelled"],
                    "description": "applied: awaits the lottery's draw; not_drawn: a lottery without waitlist did not draw it"},
                "waitlist_position": {"type": "integer", "nullable": true},
                "checked_in": {"type": "boolean"}
            }}
        }
    })
}

fn merge(mut a: Value, b: Value) -> Value {
    if let (Some(a), Value::Object(b)) = (a.as_object_mut(), b) {
        a.extend(b);
    }
    a
}
