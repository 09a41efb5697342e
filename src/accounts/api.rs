//! The accounts part of the JSON API: who am I, and my API tokens.

use actix_web::{HttpResponse, web};
use serde_json::{Value, json};

use super::ApiUser;
use crate::error::AppError;
use crate::web::AppState;

/// `GET /api/v1/me`: the token's user.
pub async fn me(user: ApiUser) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role.as_str(),
        "organization_id": user.organization_id,
    }))
}

/// `GET /api/v1/tokens`: the caller's API tokens (never the secrets).
pub async fn list_tokens(
    user: ApiUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let id = user.id;
    let tokens = state
        .db
        .run(move |c| super::queries::list_api_tokens(c, id))
        .await?;
    Ok(HttpResponse::Ok().json(tokens))
}

/// The OpenAPI fragment of these endpoints.
pub fn openapi() -> Value {
    json!({
        "paths": {
            "/api/v1/me": {"get": {
                "summary": "The user of the Bearer token",
                "tags": ["accounts"],
                "responses": {
                    "200": {"description": "The user", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Me"}}}},
                    "401": crate::api::error_responses(&[401])["401"].clone()
                }
            }},
            "/api/v1/tokens": {"get": {
                "summary": "The caller's API tokens (without their secrets)",
                "tags": ["accounts"],
                "responses": {
                    "200": {"description": "Tokens", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/ApiToken"}}}}},
                    "401": crate::api::error_responses(&[401])["401"].clone()
                }
            }}
        },
        "schemas": {
            "Me": {"type": "object", "required": ["id", "email", "role"], "properties": {
                "id": {"type": "integer"}, "email": {"type": "string", "format": "email"},
                "name": {"type": "string"}, "role": {"type": "string", "enum": ["admin", "staff", "member"]},
                "organization_id": {"type": "integer", "nullable": true}
            }},
            "ApiToken": {"type": "object", "properties": {
                "id": {"type": "integer"}, "user_id": {"type": "integer"}, "name": {"type": "string"},
                "created_at": {"type": "string"}, "last_used_at": {"type": "string", "nullable": true},
                "revoked_at": {"type": "string", "nullable": true}
            }}
        }
    })
}
