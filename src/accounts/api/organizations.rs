//! `/api/v1/organizations` (staff): list, create, show and change organizations, and invite a
//! member by mail. The checks are the staff form's ([`OrganizationForm::check`]) and the writes
//! are [`crate::accounts::organizations`]'s, each with its audit entry.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::accounts::staff::OrganizationForm;
use crate::accounts::{ApiStaff, organizations, queries};
use crate::api::ErrorBody;
use crate::audit;
use crate::db::DbConn;
use crate::error::{AppError, FieldError, Message};
use crate::reference;
use crate::time::rfc3339;
use crate::validate;
use crate::web::AppState;
use crate::web::input::{JsonBody, JsonInput, Query};

crate::api_enum! {
    /// What an organization is on the board.
    pub enum OrganizationKind {
        /// A small or medium enterprise (posts needs).
        Sme = "sme",
        /// A security vendor (posts offerings).
        Vendor = "vendor",
    }
}

crate::api_enum! {
    /// The organization's SECURITY ACTION declaration (IPA).
    pub enum SecurityAction {
        /// None.
        None = "none",
        /// One star.
        OneStar = "one_star",
        /// Two stars.
        TwoStar = "two_star",
    }
}

/// An organization.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrganizationOut {
    /// The organization's id.
    pub id: i64,
    /// SME or vendor.
    #[schema(value_type = OrganizationKind)]
    pub kind: String,
    /// The name.
    pub name: String,
    /// The prefecture (JIS code).
    pub prefecture: Option<i32>,
    /// The industry code (see `/api/v1/taxonomy`).
    pub industry: Option<String>,
    /// The employee band (see `/api/v1/taxonomy`).
    pub employee_band: Option<String>,
    /// The website.
    pub website: Option<String>,
    /// The SECURITY ACTION declaration.
    #[schema(value_type = SecurityAction)]
    pub security_action: String,
    /// The registered サイバーセキュリティお助け隊 service (vendors).
    pub otasuketai_service: Option<String>,
    /// An IT導入支援事業者 (vendors).
    pub it_support_provider: bool,
    /// Whether it is active.
    pub active: bool,
    /// Members (users of the organization).
    pub member_count: i64,
    /// When it was recorded (RFC 3339).
    #[schema(format = DateTime)]
    pub created_at: String,
}

/// A member of an organization.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Member {
    /// The name.
    pub name: String,
    /// The address.
    pub email: String,
}

/// An invitation not yet accepted.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PendingInvitation {
    /// The address invited.
    pub email: String,
    /// Until when its link works (RFC 3339).
    #[schema(format = DateTime)]
    pub expires_at: String,
}

/// An organization with its members and open invitations.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrganizationDetail {
    /// The organization.
    #[serde(flatten)]
    pub organization: OrganizationOut,
    /// Its members, by name.
    pub members: Vec<Member>,
    /// Its open invitations, newest first.
    pub invitations: Vec<PendingInvitation>,
}

/// An organization as staff record or change it: on create `name` and `kind` are required; on
/// change only the given fields change. Codes are those of `/api/v1/taxonomy`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct OrganizationInput {
    /// The name.
    #[schema(min_length = 1, max_length = 200)]
    name: String,
    /// SME or vendor.
    kind: OrganizationKind,
    /// The prefecture (JIS code); null: none.
    #[schema(minimum = 1, maximum = 47)]
    prefecture: Option<i32>,
    /// The industry code; empty or null: none.
    industry: Option<String>,
    /// The employee band; empty or null: none.
    employee_band: Option<String>,
    /// The website (http or https); empty or null: none.
    #[schema(max_length = 300)]
    website: Option<String>,
    /// The SECURITY ACTION declaration (default `none`).
    security_action: Option<SecurityAction>,
    /// The registered お助け隊 service (vendors).
    #[schema(max_length = 200)]
    otasuketai_service: Option<String>,
    /// An IT導入支援事業者 (vendors).
    it_support_provider: Option<bool>,
}

/// Body of `POST /api/v1/organizations/{id}/invitations`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct InvitationInput {
    /// Who to invite: the link goes to this address.
    #[schema(min_length = 3, max_length = 254)]
    pub email: String,
}

/// An invitation sent.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InvitationSent {
    /// The organization.
    pub organization_id: i64,
    /// The address invited.
    pub email: String,
}

/// Filters of `GET /api/v1/organizations`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrganizationQuery {
    /// Part of the name.
    #[serde(default)]
    #[param(max_length = 200)]
    q: String,
}

fn out(o: queries::Organization, member_count: i64) -> OrganizationOut {
    OrganizationOut {
        id: o.id,
        kind: o.kind,
        name: o.name,
        prefecture: o.prefecture,
        industry: o.industry,
        employee_band: o.employee_band,
        website: o.website,
        security_action: o.security_action,
        otasuketai_service: o.otasuketai_service,
        it_support_provider: o.it_support_provider,
        active: o.active,
        member_count,
        created_at: rfc3339(o.created_at),
    }
}

/// The form of an organization as it is, for a change of some fields.
fn form_of(o: &queries::Organization) -> OrganizationForm {
    OrganizationForm {
        name: o.name.clone(),
        kind: o.kind.clone(),
        prefecture: o.prefecture.map(|p| p.to_string()).unwrap_or_default(),
        industry: o.industry.clone().unwrap_or_default(),
        employee_band: o.employee_band.clone().unwrap_or_default(),
        website: o.website.clone().unwrap_or_default(),
        security_action: o.security_action.clone(),
        otasuketai_service: o.otasuketai_service.clone().unwrap_or_default(),
        it_support_provider: o.it_support_provider.then(|| "1".to_string()),
    }
}

/// Puts the body's fields, each with its JSON type, over the form.
fn apply(form: &mut OrganizationForm, j: &mut JsonInput) {
    for (key, field) in [
        ("name", &mut form.name),
        ("kind", &mut form.kind),
        ("industry", &mut form.industry),
        ("employee_band", &mut form.employee_band),
        ("website", &mut form.website),
        ("security_action", &mut form.security_action),
        ("otasuketai_service", &mut form.otasuketai_service),
    ] {
        if let Some(v) = j.text(key) {
            *field = v;
        }
    }
    if let Some(v) = j.integer("prefecture") {
        form.prefecture = v;
    }
    if j.has("it_support_provider") {
        form.it_support_provider = j
            .boolean("it_support_provider")
            .unwrap_or(false)
            .then(|| "1".to_string());
    }
}

/// The form's checks against the reference data; with the body's type errors first, a 422
/// naming each wrong field.
fn checked(
    c: &mut DbConn,
    form: &OrganizationForm,
    j: JsonInput,
) -> Result<queries::NewOrganization, AppError> {
    let lang = views::Lang::Ja;
    let checked = form.check(
        &reference::prefectures(c, lang)?,
        &reference::industries(c, lang)?,
        &reference::employee_bands(c, lang)?,
    );
    let errors: Vec<FieldError> = match &checked {
        Ok(_) => Vec::new(),
        Err(list) => list
            .iter()
            .map(|(field, e)| FieldError::new(*field, e.clone()))
            .collect(),
    };
    j.finish(errors)?;
    checked.map_err(|_| AppError::Invalid(Message::new("error.bad_request")))
}

fn member_count(c: &mut DbConn, id: i64) -> diesel::QueryResult<i64> {
    Ok(queries::members(c, id)?.len() as i64)
}

/// `GET /api/v1/organizations` (staff).
#[utoipa::path(
    get,
    path = "/api/v1/organizations",
    tag = "accounts",
    summary = "Organizations by name, at most 200 (staff)",
    params(OrganizationQuery),
    responses(
        (status = 200, description = "Organizations", body = Vec<OrganizationOut>),
        (status = 422, description = "The filter is not acceptable.", body = ErrorBody)
    )
)]
pub async fn list(
    _staff: ApiStaff,
    state: web::Data<AppState>,
    query: Query<OrganizationQuery>,
) -> Result<HttpResponse, AppError> {
    let q = validate::line(&query.into_inner().q, false, 200)
        .map_err(|e| AppError::invalid_field("q", e))?;
    let rows = state
        .db
        .run(move |c| queries::search_organizations(c, &q, 200))
        .await?;
    let list: Vec<OrganizationOut> = rows.into_iter().map(|(o, n)| out(o, n)).collect();
    Ok(HttpResponse::Ok().json(list))
}

/// `POST /api/v1/organizations` (staff; audited).
#[utoipa::path(
    post,
    path = "/api/v1/organizations",
    tag = "accounts",
    summary = "Record an organization: an SME or a vendor (staff; audited)",
    request_body = OrganizationInput,
    responses(
        (status = 201, description = "Created", body = OrganizationOut),
        (status = 422, description = "A value is not acceptable; each wrong field is named.", body = ErrorBody)
    )
)]
pub async fn create(
    staff: ApiStaff,
    state: web::Data<AppState>,
    body: JsonBody,
) -> Result<HttpResponse, AppError> {
    let mut j = body.input()?;
    let mut form = OrganizationForm::default();
    apply(&mut form, &mut j);
    let actor = staff.0;
    let org = state
        .db
        .run(move |c| {
            let org = checked(c, &form, j)?;
            let id = organizations::create(c, &actor, &org, "api")?;
            Ok::<_, AppError>(out(queries::find_organization(c, id)?, 0))
        })
        .await?;
    Ok(HttpResponse::Created().json(org))
}

/// `GET /api/v1/organizations/{id}` (staff; audited: it lists members).
#[utoipa::path(
    get,
    path = "/api/v1/organizations/{id}",
    tag = "accounts",
    summary = "An organization with its members and open invitations (staff; audited)",
    params(("id" = i64, Path, description = "The organization")),
    responses((status = 200, description = "The organization", body = OrganizationDetail))
)]
pub async fn show(
    staff: ApiStaff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let actor = staff.0;
    let detail = state
        .db
        .run(move |c| {
            let org = queries::find_organization(c, id)?;
            let members = queries::members(c, id)?;
            let invitations = queries::open_invitations(c, id)?;
            audit::record(
                c,
                Some(&actor),
                audit::Action::OrganizationView,
                audit::Target::Organization,
                Some(id.to_string()),
                serde_json::json!({ "via": "api" }),
            )?;
            Ok::<_, AppError>(OrganizationDetail {
                organization: out(org, members.len() as i64),
                members: members
                    .into_iter()
                    .map(|(name, email)| Member { name, email })
                    .collect(),
                invitations: invitations
                    .into_iter()
                    .map(|(email, expires_at)| PendingInvitation {
                        email,
                        expires_at: rfc3339(expires_at),
                    })
                    .collect(),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(detail))
}

/// `PATCH /api/v1/organizations/{id}` (staff; audited): changes the given fields.
#[utoipa::path(
    patch,
    path = "/api/v1/organizations/{id}",
    tag = "accounts",
    summary = "Change an organization (staff; audited); only the given fields change",
    params(("id" = i64, Path, description = "The organization")),
    request_body(content = OrganizationInput, description = "Any of the fields"),
    responses(
        (status = 200, description = "The organization", body = OrganizationOut),
        (status = 422, description = "A value is not acceptable; each wrong field is named.", body = ErrorBody)
    )
)]
pub async fn update(
    staff: ApiStaff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: JsonBody,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let mut j = body.input()?;
    let actor = staff.0;
    let org = state
        .db
        .run(move |c| {
            let mut form = form_of(&queries::find_organization(c, id)?);
            apply(&mut form, &mut j);
            let org = checked(c, &form, j)?;
            if !organizations::update(c, &actor, id, &org, "api")? {
                return Err(AppError::NotFound);
            }
            let n = member_count(c, id)?;
            Ok(out(queries::find_organization(c, id)?, n))
        })
        .await?;
    Ok(HttpResponse::Ok().json(org))
}

/// `POST /api/v1/organizations/{id}/invitations` (staff; audited): mails an invitation link.
#[utoipa::path(
    post,
    path = "/api/v1/organizations/{id}/invitations",
    tag = "accounts",
    summary = "Invite a member: the address gets a link to join the organization (staff; audited)",
    params(("id" = i64, Path, description = "The organization")),
    request_body = InvitationInput,
    responses(
        (status = 201, description = "Invited; the mail is queued", body = InvitationSent),
        (status = 422, description = "Not an address.", body = ErrorBody)
    )
)]
pub async fn invite(
    staff: ApiStaff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: JsonBody,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let b: InvitationInput = body.parse()?;
    let email = validate::email(&b.email).map_err(|e| AppError::invalid_field("email", e))?;
    let actor = staff.0;
    let lang = views::Lang::from_code(&actor.lang).unwrap_or_default();
    let invite = organizations::Invite::of(&state, lang);
    let to = email.clone();
    state
        .db
        .run(move |c| invite.send(c, &actor, id, &to, "api"))
        .await?;
    Ok(HttpResponse::Created().json(InvitationSent {
        organization_id: id,
        email,
    }))
}
