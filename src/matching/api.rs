//! The board in the JSON API: post needs and offerings, read them, the ranked suggestions of a
//! need, and introductions. No answer carries a contact detail before both sides consented.

use actix_web::{HttpResponse, web};

use super::api_types::{
    Contact, DeclineBody, HistoryEntry, IntroductionBody, IntroductionOut, NeedInput, NeedMatch,
    NeedOut, OfferingInput, OfferingOut, Side, StageBody, Suggestion,
};
use super::forms::{self, Rejected};
use super::handlers::{can_manage, org_kind};
use super::index::OfferingIndex;
use super::introductions::{self, MailCtx};
use super::queries::{self, Introduction, Need, Offering, Submit};
use super::scoring::{TOP_N, WEIGHTS_VERSION};
use super::taxonomy::split_list;
use super::view::Refs;
use crate::accounts::api::organizations::OrganizationKind;
use crate::accounts::{ApiUser, CurrentUser};
use crate::api::ErrorBody;
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
pub fn need_json(n: &Need, org_name: Option<&str>) -> NeedOut {
    NeedOut {
        id: n.id,
        title: n.title.clone(),
        description: n.description.clone(),
        categories: split_list(&n.categories),
        prefecture: n.prefecture,
        onsite_needed: n.onsite_needed,
        employee_band: n.employee_band.clone(),
        device_count: n.device_count,
        budget_band: n.budget_band.clone(),
        wants_subsidy: n.wants_subsidy,
        urgency: n.urgency.clone(),
        sector: n.sector.clone(),
        show_name: n.show_name,
        organization_name: org_name.filter(|_| n.show_name).map(str::to_string),
        status: n.status,
        published_at: n.published_at.map(rfc3339),
        expires_at: n.expires_at.map(rfc3339),
    }
}

/// The offering as JSON.
pub fn offering_json(o: &Offering, vendor: &str) -> OfferingOut {
    OfferingOut {
        id: o.id,
        vendor: vendor.to_string(),
        title: o.title.clone(),
        description: o.description.clone(),
        categories: split_list(&o.categories),
        onsite_prefectures: split_list(&o.onsite_prefectures)
            .iter()
            .filter_map(|p| p.parse::<i32>().ok())
            .collect(),
        remote_ok: o.remote_ok,
        price_model: o.price_model.clone(),
        price_amount: o.price_amount,
        target_bands: split_list(&o.target_bands),
        sectors: split_list(&o.sectors),
        otasuketai_type: o.otasuketai_type.clone(),
        otasuketai_valid_until: o
            .otasuketai_valid_until
            .map(|d| d.format("%Y-%m-%d").to_string()),
        subsidy_fiscal_year: o.subsidy_fiscal_year,
        certifications: o.certifications.clone(),
        languages: split_list(&o.languages),
        capacity: o.capacity.clone(),
        status: o.status,
        published_at: o.published_at.map(rfc3339),
        reconfirm_by: o.reconfirm_by.map(rfc3339),
    }
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
#[utoipa::path(
    post,
    path = "/api/v1/needs",
    tag = "matching",
    summary = "Post a need (SME members: draft, or in review with \"submit\": true; staff: published for \"organization_id\")",
    request_body = NeedInput,
    responses(
        (status = 201, description = "Created", body = NeedOut),
        (status = 422, description = "A value is not acceptable; each wrong field is named.", body = ErrorBody)
    )
)]
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
            let (org, submit) = poster(c, &user, &body, OrganizationKind::Sme.as_str())?;
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
#[utoipa::path(
    post,
    path = "/api/v1/offerings",
    tag = "matching",
    summary = "Post an offering (vendor members; staff for \"organization_id\")",
    request_body = OfferingInput,
    responses(
        (status = 201, description = "Created", body = OfferingOut),
        (status = 422, description = "A value is not acceptable; each wrong field is named.", body = ErrorBody)
    )
)]
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
            let (org, submit) = poster(c, &user, &body, OrganizationKind::Vendor.as_str())?;
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
#[utoipa::path(
    get,
    path = "/api/v1/needs/{id}",
    tag = "matching",
    summary = "A need (published, or of the caller's organization)",
    params(("id" = i64, Path, description = "The need")),
    responses((status = 200, description = "The need", body = NeedOut))
)]
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
#[utoipa::path(
    get,
    path = "/api/v1/offerings/{id}",
    tag = "matching",
    summary = "An offering (published, or of the caller's organization)",
    params(("id" = i64, Path, description = "The offering")),
    responses((status = 200, description = "The offering", body = OfferingOut))
)]
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
#[utoipa::path(
    get,
    path = "/api/v1/needs/{id}/suggestions",
    tag = "matching",
    summary = "The top offerings for a need, with score and reasons (the need's SME and staff)",
    params(("id" = i64, Path, description = "The need")),
    responses((status = 200, description = "Ranked suggestions", body = Vec<Suggestion>))
)]
pub async fn suggestions(
    user: ApiUser,
    state: web::Data<AppState>,
    index: web::Data<OfferingIndex>,
    path: web::Path<i64>,
) -> Result<HttpResponse> {
    let id = path.into_inner();
    let lang = lang(&user);
    let version = state.content.current().await?;
    let out = state
        .db
        .run(move |c| {
            let n = queries::find_need(c, id)?;
            if !can_manage(&user, n.organization_id) {
                return Err(AppError::NotFound);
            }
            let refs = Refs::kept(c, index.labels(), version, lang)?;
            let ranked = index.suggestions_for(c, version, &n)?;
            let list: Vec<Suggestion> = ranked
                .iter()
                .take(TOP_N)
                .map(|s| {
                    let (reasons, cautions) = refs.notes(s);
                    Suggestion {
                        offering_id: s.offering_id,
                        score: s.score,
                        reasons,
                        cautions,
                        pinned: s.pinned,
                        weights_version: WEIGHTS_VERSION.into(),
                    }
                })
                .collect();
            Ok::<_, AppError>(list)
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// The introduction as one side sees it: `contact` stays null until both consented.
fn introduction_json(
    c: &mut DbConn,
    user: &CurrentUser,
    i: &Introduction,
) -> Result<IntroductionOut> {
    let n = queries::find_need(c, i.need_id)?;
    let o = queries::find_offering(c, i.offering_id)?;
    // The caller's side; staff see no contact.
    let side = if user.organization_id == Some(n.organization_id) {
        Some(Side::Sme)
    } else if user.organization_id == Some(o.organization_id) {
        Some(Side::Vendor)
    } else if user.is_staff() {
        None
    } else {
        return Err(AppError::NotFound);
    };
    let contact = match side {
        Some(side) => introductions::counterpart_contact(c, i, &n, &o, side)?,
        None => None,
    };
    let history: Vec<HistoryEntry> = serde_json::from_str(&i.history).unwrap_or_default();
    Ok(IntroductionOut {
        id: i.id,
        need_id: i.need_id,
        offering_id: i.offering_id,
        requested_by: i.requested_by,
        stage: i.stage,
        decline_reason: i.decline_reason.clone(),
        sme_consent_at: i.sme_consent_at.map(rfc3339),
        vendor_consent_at: i.vendor_consent_at.map(rfc3339),
        history,
        contact: contact.map(|(organization, name, email)| Contact {
            organization,
            name,
            email,
        }),
    })
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

/// `POST /api/v1/introductions`.
#[utoipa::path(
    post,
    path = "/api/v1/introductions",
    tag = "matching",
    summary = "Request an introduction (either side); the other side is mailed",
    request_body = IntroductionBody,
    responses(
        (status = 201, description = "Requested", body = IntroductionOut),
        (status = 404, description = "No such need or offering, or not visible to the caller.", body = ErrorBody),
        (status = 409, description = "Already requested, or the post is not on the board.", body = ErrorBody),
        (status = 422, description = "A value is not acceptable.", body = ErrorBody)
    )
)]
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
#[utoipa::path(
    get,
    path = "/api/v1/introductions/{id}",
    tag = "matching",
    summary = "An introduction; contact is null until both sides consented",
    params(("id" = i64, Path, description = "The introduction")),
    responses((status = 200, description = "The introduction", body = IntroductionOut))
)]
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
#[utoipa::path(
    post,
    path = "/api/v1/introductions/{id}/accept",
    tag = "matching",
    summary = "Accept (the side that did not ask): consent recorded, contacts revealed to both",
    params(("id" = i64, Path, description = "The introduction")),
    responses(
        (status = 200, description = "Introduced", body = IntroductionOut),
        (status = 409, description = "Not waiting for this side's answer.", body = ErrorBody)
    )
)]
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

/// `POST /api/v1/introductions/{id}/decline`.
#[utoipa::path(
    post,
    path = "/api/v1/introductions/{id}/decline",
    tag = "matching",
    summary = "Decline with a reason the requester sees",
    params(("id" = i64, Path, description = "The introduction")),
    request_body = DeclineBody,
    responses(
        (status = 200, description = "Declined", body = IntroductionOut),
        (status = 409, description = "Not waiting for this side's answer.", body = ErrorBody),
        (status = 422, description = "The reason is not acceptable.", body = ErrorBody)
    )
)]
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

/// `POST /api/v1/introductions/{id}/stage`: either side reports progress (only the SME
/// confirms a contract).
#[utoipa::path(
    post,
    path = "/api/v1/introductions/{id}/stage",
    tag = "matching",
    summary = "Report progress: meeting_held, proposal_sent, contracted (SME only) or not_contracted",
    params(("id" = i64, Path, description = "The introduction")),
    request_body = StageBody,
    responses(
        (status = 200, description = "Recorded", body = IntroductionOut),
        (status = 409, description = "The introduction's stage does not allow it.", body = ErrorBody),
        (status = 422, description = "Not a stage this side may report.", body = ErrorBody)
    )
)]
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
#[utoipa::path(
    get,
    path = "/api/v1/offerings/{id}/needs",
    tag = "matching",
    summary = "The open needs an offering could answer, best first (its vendor and staff)",
    params(("id" = i64, Path, description = "The offering")),
    responses((status = 200, description = "Ranked needs", body = Vec<NeedMatch>))
)]
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
                return Ok(Vec::new());
            }
            let refs = Refs::load(c, lang)?;
            let stats = queries::vendor_stats(c)?;
            let profile = o.profile(now, stats.get(&o.organization_id));
            let needs: Vec<_> = queries::live_needs(c)?.iter().map(Need::profile).collect();
            let ranked = super::scoring::rank_needs(&profile, &needs, &super::match_context());
            let list: Vec<NeedMatch> = ranked
                .iter()
                .take(TOP_N * 2)
                .map(|s| {
                    let (reasons, cautions) = refs.notes(s);
                    NeedMatch {
                        need_id: s.need_id,
                        score: s.score,
                        reasons,
                        cautions,
                        weights_version: WEIGHTS_VERSION.into(),
                    }
                })
                .collect();
            Ok::<_, AppError>(list)
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// The paths of the board's API in the document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        create_need,
        show_need,
        suggestions,
        create_offering,
        show_offering,
        offering_needs,
        request_introduction,
        show_introduction,
        accept_introduction,
        decline_introduction,
        introduction_stage
    ),
    components(schemas(NeedInput, OfferingInput))
)]
pub struct Doc;
