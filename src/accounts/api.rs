//! The accounts part of the JSON API: who am I, my API tokens, and (staff) organizations and
//! their members ([`organizations`]).

pub mod organizations;

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::{ApiUser, Role};
use crate::error::AppError;
use crate::time::rfc3339;
use crate::web::AppState;

/// The user of the Bearer token.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Me {
    /// The user's id.
    pub id: i64,
    /// The address (lower-case).
    pub email: String,
    /// The display name.
    pub name: String,
    /// What the user may do.
    pub role: Role,
    /// The organization the user belongs to.
    pub organization_id: Option<i64>,
}

/// An API token, without its secret.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApiToken {
    /// The token's id.
    pub id: i64,
    /// Its owner.
    pub user_id: i64,
    /// Its label.
    pub name: String,
    /// When it was made (RFC 3339).
    #[schema(format = DateTime)]
    pub created_at: String,
    /// When it was last used.
    #[schema(format = DateTime)]
    pub last_used_at: Option<String>,
    /// When it was revoked, if it was.
    #[schema(format = DateTime)]
    pub revoked_at: Option<String>,
}

/// `GET /api/v1/me`: the token's user.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "accounts",
    summary = "The user of the Bearer token",
    responses((status = 200, description = "The user", body = Me))
)]
pub async fn me(user: ApiUser) -> HttpResponse {
    let user = user.0;
    HttpResponse::Ok().json(Me {
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        organization_id: user.organization_id,
    })
}

/// `GET /api/v1/tokens`: the caller's API tokens (never the secrets).
#[utoipa::path(
    get,
    path = "/api/v1/tokens",
    tag = "accounts",
    summary = "The caller's API tokens (without their secrets)",
    responses((status = 200, description = "Tokens, newest first", body = Vec<ApiToken>))
)]
pub async fn list_tokens(
    user: ApiUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let id = user.id;
    let tokens = state
        .db
        .run(move |c| super::queries::list_api_tokens(c, id))
        .await?;
    let out: Vec<ApiToken> = tokens
        .into_iter()
        .map(|t| ApiToken {
            id: t.id,
            user_id: t.user_id,
            name: t.name,
            created_at: rfc3339(t.created_at),
            last_used_at: t.last_used_at.map(rfc3339),
            revoked_at: t.revoked_at.map(rfc3339),
        })
        .collect();
    Ok(HttpResponse::Ok().json(out))
}

/// The paths of the accounts API in the document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    me,
    list_tokens,
    organizations::list,
    organizations::create,
    organizations::show,
    organizations::update,
    organizations::invite
))]
pub struct Doc;
