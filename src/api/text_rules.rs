//! The character rules of the server's input, written into the OpenAPI document as `pattern`s,
//! so that a client (or a fuzzer) generating values from the document sends only what the
//! server takes, and knows beforehand what it refuses.
//!
//! The rules are those of `web::input` and `validate`:
//! - a query or path parameter, and the name of any JSON property: no control character at
//!   all (`web::input::Origin::Query`);
//! - a text of a request body: no control character and none of the invisible bidirectional
//!   overrides (`validate::line`); a long text (a `maxLength` of [`MULTI_LINE_FROM`] or more,
//!   which is how the API's multi-line texts are declared) may also hold line breaks and tabs
//!   (`validate::text`), a CR only before an LF;
//! - a required text (`minLength` ≥ 1) must hold something besides white space, since the
//!   server trims before it checks.
//!
//! Only strings without `enum`, `format`, `pattern` or `const` get a rule; response schemas
//! are left as they are, except where a schema is shared with a request body.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

/// The `maxLength` from which a request text is multi-line (the shortest multi-line text of
/// the API, a reason, takes 1,000 characters; the longest one-line text takes 500).
pub const MULTI_LINE_FROM: u64 = 1000;

/// Characters no text may hold: C0 controls, DEL, C1 controls (Unicode's `Cc`).
const CONTROLS: &str = r"\u0000-\u001F\u007F-\u009F";
/// Characters a one-line text of a body may not hold besides: the bidirectional overrides.
const OVERRIDES: &str = r"\u202A-\u202E\u2066-\u2069";
/// The controls a multi-line text may hold: everything in [`CONTROLS`] but TAB and LF (CR is
/// allowed only as part of CRLF, by the alternation in [`multi_line`]).
const CONTROLS_BUT_TAB_LF: &str = r"\u0000-\u0008\u000B-\u001F\u007F-\u009F";

/// The pattern of a query or path parameter and of a property name.
pub fn query() -> String {
    format!("^[^{CONTROLS}]*$")
}

/// The pattern of a one-line body text; `required`: something besides white space.
pub fn one_line(required: bool) -> String {
    let any = format!("[^{CONTROLS}{OVERRIDES}]");
    if required {
        let solid = format!(r"[^\s{CONTROLS}{OVERRIDES}]");
        format!("^{any}*{solid}{any}*$")
    } else {
        format!("^{any}*$")
    }
}

/// The pattern of a multi-line body text; `required`: something besides white space.
pub fn multi_line(required: bool) -> String {
    let any = format!(r"(?:[^{CONTROLS_BUT_TAB_LF}{OVERRIDES}]|\r\n)");
    if required {
        let solid = format!(r"[^\s{CONTROLS}{OVERRIDES}]");
        format!("^{any}*{solid}{any}*$")
    } else {
        format!("^{any}*$")
    }
}

/// Writes the rules into a serialized OpenAPI 3.1 document.
pub fn apply(doc: &mut Value) {
    let requests = request_schemas(doc);
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (name, schema) in schemas.iter_mut() {
            if requests.contains(name) {
                body_rules(schema);
            }
        }
    }
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for op in item.values_mut() {
            for parameter in op
                .get_mut("parameters")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                if let Some(schema) = parameter.get_mut("schema") {
                    text_rule(schema, |_| query());
                }
            }
            for body in op
                .pointer_mut("/requestBody/content")
                .and_then(Value::as_object_mut)
                .into_iter()
                .flat_map(|c| c.values_mut())
            {
                if let Some(schema) = body.get_mut("schema") {
                    body_rules(schema);
                }
            }
        }
    }
}

/// The names of the component schemas a request body refers to, directly or through others.
fn request_schemas(doc: &Value) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut todo = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for op in paths
            .values()
            .filter_map(Value::as_object)
            .flat_map(|i| i.values())
        {
            if let Some(body) = op.get("requestBody") {
                refs(body, &mut todo);
            }
        }
    }
    while let Some(name) = todo.pop() {
        if found.insert(name.clone())
            && let Some(schema) = doc.pointer(&format!("/components/schemas/{name}"))
        {
            refs(schema, &mut todo);
        }
    }
    found
}

/// Collects the component names of every `$ref` below `value`.
fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                out.push(name.to_string());
            }
            map.values().for_each(|v| refs(v, out));
        }
        Value::Array(list) => list.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

/// Gives every text below a request body schema its rule, and every object's property names
/// theirs.
fn body_rules(schema: &mut Value) {
    let Some(map) = schema.as_object_mut() else {
        return;
    };
    if is_type(map, "object") && map.get("additionalProperties") != Some(&Value::Bool(false)) {
        map.entry("propertyNames")
            .or_insert_with(|| json!({ "pattern": query() }));
    }
    text_rule(schema, |map| {
        let required = map.get("minLength").and_then(Value::as_u64).unwrap_or(0) >= 1;
        let long = map.get("maxLength").and_then(Value::as_u64);
        if long.is_some_and(|max| max >= MULTI_LINE_FROM) {
            multi_line(required)
        } else {
            one_line(required)
        }
    });
    let Some(map) = schema.as_object_mut() else {
        return;
    };
    for key in ["properties", "patternProperties", "$defs"] {
        if let Some(children) = map.get_mut(key).and_then(Value::as_object_mut) {
            children.values_mut().for_each(body_rules);
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child) = map.get_mut(key) {
            body_rules(child);
        }
    }
    for key in ["oneOf", "anyOf", "allOf", "prefixItems"] {
        if let Some(list) = map.get_mut(key).and_then(Value::as_array_mut) {
            list.iter_mut().for_each(body_rules);
        }
    }
}

/// Sets `pattern` on a free text schema (a string without enum, format, pattern or const).
fn text_rule(schema: &mut Value, rule: impl Fn(&Map<String, Value>) -> String) {
    let Some(map) = schema.as_object_mut() else {
        return;
    };
    let free = is_type(map, "string")
        && !["enum", "format", "pattern", "const", "$ref"]
            .iter()
            .any(|k| map.contains_key(*k));
    if free {
        let pattern = rule(map);
        map.insert("pattern".into(), Value::String(pattern));
    }
}

/// Whether the schema's `type` is `kind` or a list holding it.
fn is_type(map: &Map<String, Value>, kind: &str) -> bool {
    match map.get("type") {
        Some(Value::String(t)) => t == kind,
        Some(Value::Array(list)) => list.iter().any(|t| t == kind),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `text` matches `pattern`, as a second implementation (the JSON Schema
    /// validator of the test suite, ECMA-262 patterns) reads it.
    fn full(pattern: &str, text: &str) -> bool {
        jsonschema::is_valid(&json!({"type": "string", "pattern": pattern}), &json!(text))
    }

    #[test]
    fn the_patterns_take_what_the_validators_take() {
        for (text, line_ok, text_ok) in [
            ("福岡の端末監視", true, true),
            ("a\nb", false, true),
            ("a\r\nb", false, true),
            ("a\rb", false, false),
            ("a\tb", false, true),
            ("a\u{0}b", false, false),
            ("gpj\u{202E}exe", false, false),
            ("   ", false, false),
        ] {
            let required_line = crate::validate::line(text, true, 100).is_ok();
            let required_text = crate::validate::text(text, true, 4000).is_ok();
            assert_eq!(full(&one_line(true), text), line_ok, "{text:?}");
            assert_eq!(required_line, line_ok, "{text:?}: validate::line");
            assert_eq!(full(&multi_line(true), text), text_ok, "{text:?}");
            assert_eq!(required_text, text_ok, "{text:?}: validate::text");
        }
        assert!(full(&one_line(false), ""));
        assert!(!full(&query(), "a\nb"));
        assert!(full(&query(), "医療 端末"));
    }

    #[test]
    fn request_texts_get_a_rule_and_responses_stay_as_they_are() {
        let mut doc = json!({
            "paths": {"/x": {"post": {
                "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}],
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/In"}}}},
                "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Out"}}}}}
            }}},
            "components": {"schemas": {
                "In": {"type": "object", "properties": {
                    "title": {"type": "string", "minLength": 1, "maxLength": 100},
                    "body": {"type": ["string", "null"], "maxLength": 4000},
                    "code": {"$ref": "#/components/schemas/Code"},
                    "when": {"type": "string", "format": "date-time"}
                }},
                "Code": {"type": "string", "enum": ["a"]},
                "Out": {"type": "object", "properties": {"title": {"type": "string"}}}
            }}
        });
        apply(&mut doc);
        let s = &doc["components"]["schemas"];
        assert_eq!(s["In"]["properties"]["title"]["pattern"], one_line(true));
        assert_eq!(s["In"]["properties"]["body"]["pattern"], multi_line(false));
        assert!(s["In"]["properties"]["when"].get("pattern").is_none());
        assert!(s["Code"].get("pattern").is_none());
        assert_eq!(s["In"]["propertyNames"]["pattern"], query());
        assert!(s["Out"]["properties"]["title"].get("pattern").is_none());
        let q = &doc["paths"]["/x"]["post"]["parameters"][0]["schema"]["pattern"];
        assert_eq!(q, &Value::String(query()));
    }
}
