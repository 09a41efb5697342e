//! Every `/api/v1` response a test server gave, checked against the OpenAPI document the server
//! publishes: the route and method are documented, the status is documented for that operation,
//! and a JSON body matches the schema of that status (JSON Schema 2020-12, formats checked).
//! [`TestApp`](super::TestApp) runs the check when a test ends, so every API test of the suite
//! is covered without asking for it.

use std::collections::HashMap;
use std::sync::OnceLock;

use secunity::test_seams::ApiResponse;
use serde_json::{Value, json};

/// The document as JSON (the server's own, for any base URL).
pub fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| {
        serde_json::to_value(secunity::api_document("http://127.0.0.1")).expect("document")
    })
}

/// `{id:\d+}` in a route is `{id}` in the document.
pub fn documented_path(pattern: &str) -> String {
    pattern
        .split('/')
        .map(|seg| match seg.split_once(':') {
            Some((name, _)) if seg.starts_with('{') => format!("{name}}}"),
            _ => seg.to_string(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// A validator for a schema of the document: the schema with the document's components
/// beside it, so that its `#/components/schemas/...` references resolve.
fn validator(schema: &Value) -> jsonschema::Validator {
    let mut root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "components": document()["components"],
    });
    if let Value::Object(fields) = schema {
        for (k, v) in fields {
            root[k] = v.clone();
        }
    }
    jsonschema::options()
        .should_validate_formats(true)
        .build(&root)
        .unwrap_or_else(|e| panic!("the schema {schema} does not compile: {e}"))
}

/// What is wrong with one response, if anything.
fn problem(
    r: &ApiResponse,
    validators: &mut HashMap<String, jsonschema::Validator>,
) -> Option<String> {
    // A method the path does not take: the server answers 405 with `Allow`, which an
    // OpenAPI document cannot list for an operation that does not exist.
    if r.status == 405 {
        return None;
    }
    let path = documented_path(&r.pattern);
    let what = format!("{} {} ({}) answered {}", r.method, r.path, path, r.status);
    let doc = document();
    let op = &doc["paths"][path.as_str()][r.method.to_lowercase()];
    if !op.is_object() {
        return Some(format!("{what}: the operation is not in the document"));
    }
    let status = r.status.to_string();
    let Some(response) = op["responses"].get(&status) else {
        return Some(format!("{what}: the status is not documented"));
    };
    let body_type = r
        .content_type
        .as_deref()
        .map(|ct| ct.split(';').next().unwrap_or(ct).trim().to_string());
    let content = &response["content"];
    let Some(body_type) = body_type.filter(|_| !r.body.is_empty()) else {
        return content
            .as_object()
            .is_some_and(|c| !c.is_empty())
            .then(|| format!("{what}: no body, but the document promises one"));
    };
    let Some(media) = content.get(&body_type) else {
        return Some(format!(
            "{what}: a body of type {body_type} is not documented"
        ));
    };
    if body_type != "application/json" {
        return None;
    }
    let body: Value = match serde_json::from_slice(&r.body) {
        Ok(v) => v,
        Err(e) => return Some(format!("{what}: the body is not JSON: {e}")),
    };
    let key = format!("{path} {} {status}", r.method);
    let v = validators
        .entry(key)
        .or_insert_with(|| validator(&media["schema"]));
    let errors: Vec<String> = v
        .iter_errors(&body)
        .take(5)
        .map(|e| format!("at {}: {e}", e.instance_path()))
        .collect();
    (!errors.is_empty()).then(|| {
        let shown = body.to_string();
        let shown: String = shown.chars().take(600).collect();
        format!("{what}: the body does not match its schema: {errors:?}\n  body: {shown}")
    })
}

/// Checks every recorded response; panics with the list of mismatches.
pub fn check(log: &[ApiResponse]) {
    let mut validators = HashMap::new();
    let problems: Vec<String> = log
        .iter()
        .filter_map(|r| problem(r, &mut validators))
        .collect();
    assert!(
        problems.is_empty(),
        "{} API response(s) disagree with the OpenAPI document:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
