//! The board in the JSON API: post needs and offerings, read them, the ranked suggestions of a
//! need, and introductions. No answer carries a contact detail before both sides consented.

use actix_web::{HttpResponse, web};
use serde_json::{Value, json};

use super::forms::{self, Rejected};
use super::handlers::{can_manage, org_kind};
use super::introductions::{self, MailCtx};
use super::queries::{self, Introduction, Need, Offering, Submit};
use super::scoring::{TOP_N, WEIGHTS_VERSION};
use super::taxonomy::split_list;
use super::view::Refs;
use crate::accounts::{ApiUser, CurrentUser};
use crate::db::DbConn;
use crate::error::{AppError, Message};
use crate::time::rfc3339;
use crate::web::AppState;
use crate::web::input::{JsonBody, JsonInput, JsonKind};

type Result<T> = std::result::Result<T, AppError>;

fn lang(user: &CurrentUser) -> views::Lang {
    views::Lang::from_code(&user.lang).unwrap_or_default()
}

/// Who posts, as the body says (`organization_id` for staff, `submit` for members).
struct Poster {
    organization_id: Option<i64>,
    submit: bool,
}

/// Reads a post's body: its fields by `schema` with their JSON types, the poster's fields,
/// then the form checks; every wrong field has its own message.
fn read_post<T>(
    body: JsonBody,
    schema: &[(&str, JsonKind)],
    parse: fn(&crate::web::input::Fields) -> std::result::Result<T, Rejected>,
) -> Result<(T, Poster)> {
    let mut j: JsonInput = body.input()?;
    let fields = j.to_fields(schema);
    let organization_id = j.integer("organization_id").and_then(|v| v.parse().ok());
    let submit = j.boolean("submit").unwrap_or(false);
    let parsed = parse(&fields);
    let more = match &parsed {
        Err(Rejected::Fields(errs)) => errs
            .iter()
            .map(|(f, e)| crate::error::FieldError::new(*f, e.clone()))
            .collect(),
        _ => Vec::new(),
    };
    j.finish(more)?;
    match parsed {
        Ok(input) => Ok((
            input,
            Poster {
                organization_id,
                submit,
            },
        )),
        Err(Rejected::Incident) => Err(AppError::Invalid(Message::new("matching.incident.api"))),
        // Reported by `finish` above.
        Err(Rejected::Fields(_)) => Err(AppError::Invalid(Message::new("matching.api.invalid"))),
    }
}

/// The need as JSON (the SME's name only when it chose to show it).
pub fn need_json(n: &Need, org_name: Option<&str>) -> Value {
    json!({
        "id": n.id,
        "title": n.title,
        "description": n.description,
        "categories": split_list(&n.categories),
        "prefecture": n.prefecture,
        "onsite_needed": n.onsite_needed,
        "employee_band": n.employee_band,
        "device_count": n.device_count,
        "budget_band": n.budget_band,
        "wants_subsidy": n.wants_subsidy,
        "urgency": n.urgency,
        "sector": n.sector,
        "show_name": n.show_name,
        "organization_name": if n.show_name { org_name } else { None },
        "status": n.status,
        "published_at": n.published_at.map(rfc3339),
        "expires_at": n.expires_at.map(rfc3339),
    })
}

/// The offering as JSON.
pub fn offering_json(o: &Offering, vendor: &str) -> Value {
    json!({
        "id": o.id,
        "vendor": vendor,
        "title": o.title,
        "description": o.description,
        "categories": split_list(&o.categories),
        "onsite_prefectures": split_list(&o.onsite_prefectures).iter().filter_map(|p| p.parse::<i32>().ok()).collect::<Vec<_>>(),
        "remote_ok": o.remote_ok,
        "price_model": o.price_model,
        "price_amount": o.price_amount,
        "target_bands": split_list(&o.target_bands),
        "sectors": split_list(&o.sectors),
        "otasuketai_type": o.otasuketai_type,
        "otasuketai_valid_until": o.otasuketai_valid_until.map(|d| d.format("%Y-%m-%d").to_string()),
        "subsidy_fiscal_year": o.subsidy_fiscal_year,
        "certifications": o.certifications,
        "languages": split_list(&o.languages),
        "capacity": o.capacity,
        "status": o.status,
        "published_at": o.published_at.map(rfc3339),
        "reconfirm_by": o.reconfirm_by.map(rfc3339),
    })
}

/// Who posts: a member's own organization of the right kind, or for staff the
/// `organization_id` of the body (published at once).
fn poster(c: &mut DbConn, user: &CurrentUser, body: &Poster, kind: &str) -> Result<(i64, Submit)> {
    let organization_required = || {
        AppError::invalid_field(
            "organization_id",
            Message::new("matching.api.organization_required"),
        )
    };
    if user.is_staff() {
        let org = body.organization_id.ok_or_else(organization_required)?;
        let found = crate::accounts::queries::find_organization(c, org)
            .map_err(|_| organization_required())?;
        if found.kind != kind {
            return Err(AppError::invalid_field(
                "organization_id",
                Message::new("matching.api.organization_kind"),
            ));
        }
        return Ok((org, Submit::Publish));
    }
    match org_kind(c, user)? {
        Some((org, k)) if k == kind => {
            let submit = if body.submit {
                Submit::Review
            } else {
                Submit::Draft
            };
            Ok((org, submit))
        }
        _ => Err(AppError::Forbidden),
    }
}

/// `POST /api/v1/needs`.
pub async fn create_need(
    user: ApiUser,
    state: web::Data<AppState>,
    body: JsonBody,
) -> Result<HttpResponse> {
    let (input, body) = read_post(body, forms::NEED_JSON, forms::parse_need)?;
    let user = user.0;
    let out = state
        .db
        .run(move |c| {
            let (org, submit) = poster(c, &user, &body, "sme")?;
            let id = c.write_transaction(|c| {
                queries::create_need(c, org, Some(user.id), &input, submit)
            })?;
            let n = queries::find_need(c, id)?;
            Ok::<_, AppError>(need_json(&n, None))
        })
        .await?;
    Ok(HttpResponse::Created().json(out))
}

/// `POST /api/v1/offerings`.
pub async fn create_offering(
    user: ApiUser,
    state: web::Data<AppState>,
    body: JsonBody,
) -> Result<HttpResponse> {
    let (input, body) = read_post(body, forms::OFFERING_JSON, forms::parse_offering)?;
    let user = user.0;
    let out = state
        .db
        .run(move |c| {
            let (org, submit) = poster(c, &user, &body, "vendor")?;
            let id = c.write_transaction(|c| {
                queries::create_offering(c, org, Some(user.id), &input, submit)
            })?;
            let o = queries::find_offering(c, id)?;
            let vendor = crate::accounts::queries::find_organization(c, org)?.name;
            Ok::<_, AppError>(offering_json(&o, &vendor))
        })
        .await?;
    Ok(HttpResponse::Created().json(out))
}

/// A need the caller may see: live, or of the caller's organization, or staff.
fn visible_need(c: &mut DbConn, user: &CurrentUser, id: i64) -> Result<Need> {
    let n = queries::find_need(c, id)?;
    if n.is_live(crate::time::now_utc()) || can_manage(user, n.organization_id) {
        Ok(n)
    } else {
        Err(AppError::NotFound)
    }
}

/// `GET /api/v1/needs/{id}`.
pub async fn show_need(
    user: ApiUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse> {
    let id = path.into_inner();
    let out = state
        .db
        .run(move |c| {
            let n = visible_need(c, &user, id)?;
            let name = crate::accounts::queries::find_organization(c, n.organization_id)?.name;
            Ok::<_, AppError>(need_json(&n, Some(&name)))
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// `GET /api/v1/offerings/{id}`.
pub async fn show_offering(
    user: ApiUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse> {
    let id = path.into_inner();
    let out = state
        .db
        .run(move |c| {
            let o = queries::find_offering(c, id)?;
            if !o.is_live(crate::time::now_utc()) && !can_manage(&user, o.organization_id) {
                return Err(AppError::NotFound);
            }
            let vendor = crate::accounts::queries::find_organization(c, o.organization_id)?.name;
            Ok::<_, AppError>(offering_json(&o, &vendor))
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// `GET /api/v1/needs/{id}/suggestions`: the top offerings for the need's SME (and staff).
pub async fn suggestions(
    user: ApiUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse> {
    let id = path.into_inner();
    let lang = lang(&user);
    let out = state
        .db
        .run(move |c| {
            let n = queries::find_need(c, id)?;
            if !can_manage(&user, n.organization_id) {
                return Err(AppError::NotFound);
            }
            let refs = Refs::load(c, lang)?;
            let ranked = queries::suggestions_for(c, &n)?;
            let list: Vec<Value> = ranked
                .iter()
                .take(TOP_N)
                .map(|s| {
                    let (reasons, cautions) = refs.notes(s);
                    json!({
                        "offering_id": s.offering_id,
                        "score": s.score,
                        "reasons": reasons,
                        "cautions": cautions,
                        "pinned": s.pinned,
                        "weights_version": WEIGHTS_VERSION,
                    })
                })
                .collect();
            Ok::<_, AppError>(Value::Array(list))
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// The introduction as one side sees it: `contact` stays null until both consented.
fn introduction_json(c: &mut DbConn, user: &CurrentUser, i: &Introduction) -> Result<Value> {
    let n = queries::find_need(c, i.need_id)?;
    let o = queries::find_offering(c, i.offering_id)?;
    let side = if user.organization_id == Some(n.organization_id) {
        "sme"
    } else if user.organization_id == Some(o.organization_id) {
        "vendor"
    } else if user.is_staff() {
        "staff"
    } else {
        return Err(AppError::NotFound);
    };
    let contact = if side == "staff" {
        None
    } else {
        introductions::counterpart_contact(c, i, &n, &o, side)?
    };
    let history: Value = serde_json::from_str(&i.history).unwrap_or(Value::Array(vec![]));
    Ok(json!({
        "id": i.id,
        "need_id": i.need_id,
        "offering_id": i.offering_id,
        "requested_by": i.requested_by,
        "stage": i.stage,
        "decline_reason": i.decline_reason,
        "sme_consent_at": i.sme_consent_at.map(rfc3339),
        "vendor_consent_at": i.vendor_consent_at.map(rfc3339),
        "history": history,
        "contact": contact.map(|(org, name, email)| json!({"organization": org, "name": name, "email": email})),
    }))
}

/// Runs `change` on introduction `id` as `user`, then answers with the introduction as it is now.
async fn change_introduction<F>(
    state: &AppState,
    user: CurrentUser,
    id: i64,
    change: F,
) -> Result<HttpResponse>
where
    F: FnOnce(&mut DbConn, &CurrentUser) -> Result<()> + Send + 'static,
{
    let out = state
        .db
        .run(move |c| {
            change(c, &user)?;
            let i = queries::find_introduction(c, id)?;
            introduction_json(c, &user, &i)
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Body of `POST /api/v1/introductions`.
#[derive(Debug, serde::Deserialize)]
pub struct IntroductionBody {
    need_id: i64,
    offering_id: i64,
}

/// `POST /api/v1/introductions`.
pub async fn request_introduction(
    user: ApiUser,
    state: web::Data<AppState>,
    body: JsonBody,
) -> Result<HttpResponse> {
    let m = MailCtx::of(&state);
    let b: IntroductionBody = body.parse()?;
    let user = user.0;
    let out = state
        .db
        .run(move |c| {
            let id = introductions::request(c, &m, &user, b.need_id, b.offering_id)?;
            let i = queries::find_introduction(c, id)?;
            introduction_json(c, &user, &i)
        })
        .await?;
    Ok(HttpResponse::Created().json(out))
}

/// `GET /api/v1/introductions/{id}`.
pub async fn show_introduction(
    user: ApiUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse> {
    let id = path.into_inner();
    let out = state
        .db
        .run(move |c| {
            let i = queries::find_introduction(c, id)?;
            introduction_json(c, &user, &i)
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// `POST /api/v1/introductions/{id}/accept`.
pub async fn accept_introduction(
    user: ApiUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse> {
    let id = path.into_inner();
    let m = MailCtx::of(&state);
    change_introduction(&state, user.0, id, move |c, u| {
        introductions::accept(c, &m, u, id)
    })
    .await
}

/// Body of `POST /api/v1/introductions/{id}/decline`.
#[derive(Debug, serde::Deserialize)]
pub struct DeclineBody {
    reason: String,
}

/// `POST /api/v1/introductions/{id}/decline`.
pub async fn decline_introduction(
    user: ApiUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    body: JsonBody,
) -> Result<HttpResponse> {
    let id = path.into_inner();
    let body: DeclineBody = body.parse()?;
    let why = introductions::reason(&body.reason)?;
    let m = MailCtx::of(&state);
    change_introduction(&state, user.0, id, move |c, u| {
        introductions::decline(c, &m, u, id, &why)
    })
    .await
}

/// Body of `POST /api/v1/introductions/{id}/stage`.
#[derive(Debug, serde::Deserialize)]
pub struct StageBody {
    stage: String,
}

/// `POST /api/v1/introductions/{id}/stage`: either side reports progress (only the SME
/// confirms a contract).
pub async fn introduction_stage(
    user: ApiUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    body: JsonBody,
) -> Result<HttpResponse> {
    let id = path.into_inner();
    let stage = body.parse::<StageBody>()?.stage;
    change_introduction(&state, user.0, id, move |c, u| {
        introductions::progress(c, u, id, &stage)
    })
    .await
}

/// `GET /api/v1/offerings/{id}/needs`: the open needs an offering could answer, best first
/// (its vendor and staff); needs are anonymous.
pub async fn offering_needs(
    user: ApiUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse> {
    let id = path.into_inner();
    let lang = lang(&user);
    let out = state
        .db
        .run(move |c| {
            let o = queries::find_offering(c, id)?;
            if !can_manage(&user, o.organization_id) {
                return Err(AppError::NotFound);
            }
            let now = crate::time::now_utc();
            if !o.is_live(now) {
                return Ok(Value::Array(vec![]));
            }
            let refs = Refs::load(c, lang)?;
            let stats = queries::vendor_stats(c)?;
            let profile = o.profile(now, stats.get(&o.organization_id));
            let needs: Vec<_> = queries::live_needs(c)?.iter().map(Need::profile).collect();
            let ranked = super::scoring::rank_needs(&profile, &needs, &super::match_context());
            let list = ranked
                .iter()
                .take(TOP_N * 2)
                .map(|s| {
                    let (reasons, cautions) = refs.notes(s);
                    json!({"need_id": s.need_id, "score": s.score, "reasons": reasons, "cautions": cautions, "weights_version": WEIGHTS_VERSION})
                })
                .collect();
            Ok::<_, AppError>(Value::Array(list))
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// The OpenAPI fragment of the board.
pub fn openapi() -> Value {
    let err = crate::api::error_responses;
    let id_param =
        json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}]);
    let merge = |ok: Value, codes: &[u16]| {
        let mut r = err(codes);
        if let (Some(map), Some(ok)) = (r.as_object_mut(), ok.as_object()) {
            for (k, v) in ok {
                map.insert(k.clone(), v.clone());
            }
        }
        r
    };
    let obj = |name: &str| json!({"content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{name}")}}}});
    let with_desc = |mut v: Value, d: &str| {
        v["description"] = json!(d);
        v
    };
    json!({
        "paths": {
            "/api/v1/needs": {"post": {
                "summary": "Post a need (SME members: draft, or in review with \"submit\": true; staff: published for \"organization_id\")",
                "tags": ["matching"],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NeedInput"}}}},
                "responses": merge(json!({"201": with_desc(obj("Need"), "Created")}), &[400, 401, 403, 422])
            }},
            "/api/v1/needs/{id}": {"get": {
                "summary": "A need (published, or of the caller's organization)",
                "tags": ["matching"], "parameters": id_param,
                "responses": merge(json!({"200": with_desc(obj("Need"), "The need")}), &[401, 404])
            }},
            "/api/v1/needs/{id}/suggestions": {"get": {
                "summary": "The top offerings for a need, with score and reasons (the need's SME and staff)",
                "tags": ["matching"], "parameters": id_param,
                "responses": merge(json!({"200": {"description": "Ranked suggestions", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Suggestion"}}}}}}), &[401, 404])
            }},
            "/api/v1/offerings": {"post": {
                "summary": "Post an offering (vendor members; staff for \"organization_id\")",
                "tags": ["matching"],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OfferingInput"}}}},
                "responses": merge(json!({"201": with_desc(obj("Offering"), "Created")}), &[400, 401, 403, 422])
            }},
            "/api/v1/offerings/{id}": {"get": {
                "summary": "An offering", "tags": ["matching"], "parameters": id_param,
                "responses": merge(json!({"200": with_desc(obj("Offering"), "The offering")}), &[401, 404])
            }},
            "/api/v1/introductions": {"post": {
                "summary": "Request an introduction (either side); the other side is mailed",
                "tags": ["matching"],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["need_id", "offering_id"], "properties": {"need_id": {"type": "integer"}, "offering_id": {"type": "integer"}}}}}},
                "responses": merge(json!({"201": with_desc(obj("Introduction"), "Requested")}), &[400, 401, 404, 409])
            }},
            "/api/v1/introductions/{id}": {"get": {
                "summary": "An introduction; contact is null until both sides consented",
                "tags": ["matching"], "parameters": id_param,
                "responses": merge(json!({"200": with_desc(obj("Introduction"), "The introduction")}), &[401, 404])
            }},
            "/api/v1/introductions/{id}/accept": {"post": {
                "summary": "Accept (the side that did not ask): consent recorded, contacts revealed to both",
                "tags": ["matching"], "parameters": id_param,
                "responses": merge(json!({"200": with_desc(obj("Introduction"), "Introduced")}), &[401, 404, 409])
            }},
            "/api/v1/introductions/{id}/stage": {"post": {
                "summary": "Report progress: meeting_held, proposal_sent, contracted (SME only) or not_contracted",
                "tags": ["matching"], "parameters": id_param,
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["stage"], "properties": {"stage": {"type": "string", "enum": super::taxonomy::PROGRESS_STAGES}}}}}},
                "responses": merge(json!({"200": with_desc(obj("Introduction"), "Recorded")}), &[400, 401, 404, 409, 422])
            }},
            "/api/v1/offerings/{id}/needs": {"get": {
                "summary": "The open needs an offering could answer, best first (its vendor and staff)",
                "tags": ["matching"], "parameters": id_param,
                "responses": merge(json!({"200": {"description": "Ranked needs", "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object", "properties": {"need_id": {"type": "integer"}, "score": {"type": "integer"}, "reasons": {"type": "array", "items": {"type": "string"}}}}}}}}}), &[401, 404])
            }},
            "/api/v1/introductions/{id}/decline": {"post": {
                "summary": "Decline with a reason the requester sees",
                "tags": ["matching"], "parameters": id_param,
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string", "maxLength": 200}}}}}},
                "responses": merge(json!({"200": with_desc(obj("Introduction"), "Declined")}), &[400, 401, 404, 409, 422])
            }}
        },
        "schemas": {
            "NeedInput": {"type": "object", "required": ["title", "description", "categories", "prefecture", "employee_band"], "properties": {
                "title": {"type": "string", "maxLength": 100}, "description": {"type": "string", "maxLength": 4000},
                "categories": {"type": "array", "items": {"type": "string", "example": "B2"}},
                "prefecture": {"type": "integer", "example": 40}, "onsite_needed": {"type": "boolean"},
                "employee_band": {"type": "string", "enum": super::taxonomy::EMPLOYEE_BANDS},
                "device_count": {"type": "integer"}, "budget_band": {"type": "string", "enum": super::taxonomy::budget_codes()},
                "wants_subsidy": {"type": "boolean"}, "urgency": {"type": "string", "enum": super::taxonomy::URGENCIES},
                "sector": {"type": "string", "enum": super::taxonomy::SECTORS}, "show_name": {"type": "boolean"},
                "submit": {"type": "boolean"}, "organization_id": {"type": "integer", "description": "staff only"}
            }},
            "Need": {"type": "object", "properties": {"id": {"type": "integer"}, "title": {"type": "string"}, "status": {"type": "string", "enum": super::taxonomy::STATUSES}, "expires_at": {"type": "string", "nullable": true}}},
            "OfferingInput": {"type": "object", "required": ["title", "description", "categories", "price_model"], "properties": {
                "title": {"type": "string"}, "description": {"type": "string"},
                "categories": {"type": "array", "items": {"type": "string"}},
                "onsite_prefectures": {"type": "array", "items": {"type": "integer"}}, "remote_ok": {"type": "boolean"},
                "price_model": {"type": "string", "enum": super::taxonomy::PRICE_MODELS}, "price_amount": {"type": "integer"},
                "target_bands": {"type": "array", "items": {"type": "string"}}, "sectors": {"type": "array", "items": {"type": "string"}},
                "otasuketai_type": {"type": "string", "enum": super::taxonomy::OTASUKETAI_TYPES}, "otasuketai_valid_until": {"type": "string", "format": "date"},
                "subsidy_fiscal_year": {"type": "integer"}, "certifications": {"type": "string"},
                "languages": {"type": "array", "items": {"type": "string"}}, "capacity": {"type": "string", "enum": super::taxonomy::CAPACITIES},
                "submit": {"type": "boolean"}, "organization_id": {"type": "integer", "description": "staff only"}
            }},
            "Offering": {"type": "object", "properties": {"id": {"type": "integer"}, "vendor": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "string"}}},
            "Suggestion": {"type": "object", "required": ["offering_id", "score", "reasons"], "properties": {
                "offering_id": {"type": "integer"}, "score": {"type": "integer", "minimum": 0, "maximum": 100},
                "reasons": {"type": "array", "items": {"type": "string"}}, "cautions": {"type": "array", "items": {"type": "string"}},
                "pinned": {"type": "boolean"}, "weights_version": {"type": "string"}
            }},
            "Introduction": {"type": "object", "properties": {
                "id": {"type": "integer"}, "need_id": {"type": "integer"}, "offering_id": {"type": "integer"},
                "requested_by": {"type": "string", "enum": ["sme", "vendor"]}, "stage": {"type": "string", "enum": super::taxonomy::STAGES},
                "decline_reason": {"type": "string", "nullable": true},
                "contact": {"type": "object", "nullable": true, "properties": {"organization": {"type": "string"}, "name": {"type": "string"}, "email": {"type": "string"}}}
            }}
        }
    })
}
