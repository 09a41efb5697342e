//! The staff API of registrations: a seminar's registrations
//! (`GET /api/v1/seminars/{id}/registrations`) and `POST /api/v1/registrations/{id}/check-in`,
//! for kiosks and other tools at the door.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use serde_json::{Value, json};

use super::checkin::check_in_by_staff;
use super::queries;
use crate::accounts::ApiStaff;
use crate::error::AppError;
use crate::time::rfc3339;
use crate::web::AppState;

/// The answer of a check-in.
#[derive(Debug, Clone, Serialize)]
pub struct CheckedIn {
    /// The registration.
    pub id: i64,
    /// Its seminar.
    pub seminar_id: i64,
    /// Always `true` after a check-in.
    pub checked_in: bool,
    /// When first checked in (RFC 3339, Tokyo).
    pub checked_in_at: String,
}

/// `POST /api/v1/registrations/{id}/check-in` (staff): checks a confirmed registration in;
/// again is harmless and keeps the first time. Audited; 404 unknown, 409 not confirmed or
/// outside the check-in window (the seminar's day until a week after its end).
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
            c.write_transaction(|c| {
                let reg = queries::find(c, id)?;
                check_in_by_staff(c, &actor, &reg, "api", crate::time::now_utc())?;
                let reg = queries::find(c, id)?;
                Ok::<_, AppError>(CheckedIn {
                    id: reg.id,
                    seminar_id: reg.seminar_id,
                    checked_in: true,
                    checked_in_at: reg.checked_in_at.map(rfc3339).unwrap_or_default(),
                })
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// The OpenAPI fragment of these endpoints.
pub fn openapi() -> Value {
    let mut responses = json!({"200": {"description": "Checked in", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CheckedIn"}}}}});
    if let (Some(out), Value::Object(errors)) = (
        responses.as_object_mut(),
        crate::api::error_responses(&[401, 403, 404, 409]),
    ) {
        out.extend(errors);
    }
    json!({
        "paths": {
            "/api/v1/registrations/{id}/check-in": {
                "post": {
                    "summary": "Check a confirmed registration in (staff; idempotent; audited)",
                    "tags": ["registrations"],
                    "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                    "responses": responses
                }
            }
        },
        "schemas": {
            "CheckedIn": {"type": "object", "required": ["id", "seminar_id", "checked_in", "checked_in_at"], "properties": {
                "id": {"type": "integer"}, "seminar_id": {"type": "integer"},
                "checked_in": {"type": "boolean"},
                "checked_in_at": {"type": "string", "format": "date-time"}
            }}
        }
    })
}

/// `GET /api/v1/seminars/{id}/registrations` (staff; audited as a read of personal data).
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
            crate::seminars::queries::find(c, id)?;
            let regs = queries::list_for_seminar(c, id)?;
            let pos = super::export::positions(&regs);
            crate::audit::record(
                c,
                Some(&actor),
                crate::audit::Action::RegistrationView,
                crate::audit::Target::Seminar,
                Some(id.to_string()),
                json!({"rows": regs.len(), "via": "api"}),
            )?;
            Ok::<_, AppError>(
                regs.iter()
                    .map(|r| {
                        json!({
                            "id": r.id,
                            "email": r.email,
                            "name": r.name,
                            "company": r.company,
                            "mode": r.mode,
                            "status": r.status,
                            "waitlist_position": pos.get(&r.id),
                            "checked_in": r.checked_in_at.is_some(),
                            "created_at": rfc3339(r.created_at),
                        })
                    })
                    .collect::<Vec<_>>(),
            )
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}
