//! The JSON API's shared parts: the OpenAPI 3 document assembled from every feature's
//! fragment. The endpoints themselves live with their feature (`accounts::api`, ...).

use serde_json::{Map, Value, json};

/// The error body every API error uses.
fn error_schema() -> Value {
    json!({
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
            "code": {"type": "string", "example": "invalid_input"},
            "message": {"type": "string", "description": "In the caller's language (Accept-Language); names the wrong fields, if any."},
            "fields": {
                "type": "array",
                "description": "When particular fields were wrong (400 unreadable, 422 not acceptable): one entry per field, in the order of the body.",
                "items": {"type": "object", "required": ["field", "message"], "properties": {
                    "field": {"type": "string", "example": "ends_at", "description": "As sent: `title`, `hosts[0]`, `questions[1].label`, or a query parameter."},
                    "message": {"type": "string", "example": "この項目は必須です。"}
                }}
            }
        }}}
    })
}

/// A standard set of error responses for an operation.
pub fn error_responses(codes: &[u16]) -> Value {
    let mut out = Map::new();
    for code in codes {
        let description = match code {
            400 => {
                "The body or a query parameter could not be read (not UTF-8, a control character, a repeated field, a value of the wrong JSON type)."
            }
            401 => "No valid Bearer token.",
            403 => "The token's user may not do this.",
            404 => "No such record.",
            409 => "Conflicts with the current state.",
            415 => "The body is not JSON (Content-Type: application/json).",
            422 => "A value is not acceptable.",
            429 => "Too many requests; see Retry-After.",
            _ => "Error.",
        };
        out.insert(
            code.to_string(),
            json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}),
        );
    }
    Value::Object(out)
}

/// Merges feature fragments (`{"paths": {...}, "schemas": {...}}`) into one document (`lib.rs`
/// composes the fragments: this module knows no feature).
pub fn document(base_url: &str, fragments: Vec<Value>) -> Value {
    let mut paths = Map::new();
    let mut schemas = Map::new();
    schemas.insert("Error".into(), error_schema());
    for fragment in fragments {
        if let Some(Value::Object(p)) = fragment.get("paths") {
            for (k, v) in p {
                paths.insert(k.clone(), v.clone());
            }
        }
        if let Some(Value::Object(s)) = fragment.get("schemas") {
            for (k, v) in s {
                schemas.insert(k.clone(), v.clone());
            }
        }
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "地域SECUNITY API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Seminars, registrations, newsletter and matching board of 地域SECUNITY. Times are RFC 3339 with offset (Asia/Tokyo); prefectures are JIS X 0401 codes."
        },
        "servers": [{"url": base_url}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas
        }
    })
}
