//! The OpenAPI document: 3.1, every schema compiles, and its snapshot
//! (`tests/it/snapshots/openapi.json`) shows every change in review. After a change to the API,
//! refresh the snapshot with `UPDATE_SNAPSHOTS=1 cargo test --test it openapi::` and commit it.
//! (That every API response of the suite matches the document is checked by `TestApp` itself:
//! `support/schema.rs`.)

use serde_json::Value;

use crate::support::schema::document;
use crate::support::spawn_app;

const SNAPSHOT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/it/snapshots/openapi.json"
);

#[test]
fn the_document_matches_its_snapshot() {
    let doc = secunity::api_document("https://secunity.example.jp");
    let text = serde_json::to_string_pretty(&doc).unwrap() + "\n";
    if std::env::var("UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1") {
        std::fs::write(SNAPSHOT, &text).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(SNAPSHOT).unwrap_or_default();
    assert!(
        committed == text,
        "the OpenAPI document changed: review it and refresh the snapshot with \
         `UPDATE_SNAPSHOTS=1 cargo test --test it openapi::` (first difference at line {})",
        committed
            .lines()
            .zip(text.lines())
            .position(|(a, b)| a != b)
            .map_or(
                committed.lines().count().min(text.lines().count()) + 1,
                |n| n + 1
            )
    );
}

#[test]
fn the_document_is_openapi_3_1_and_every_schema_compiles() {
    let doc = document();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 35, "{} paths", paths.len());
    let mut compiled = 0;
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|s| s.starts_with('2')),
                "{method} {path} has no success answer"
            );
            for (status, response) in responses {
                assert!(
                    response["description"]
                        .as_str()
                        .is_some_and(|d| !d.is_empty()),
                    "{method} {path} {status} has no description"
                );
                if let Some(schema) = response["content"]["application/json"].get("schema") {
                    let mut root = serde_json::json!({"components": doc["components"]});
                    for (k, v) in schema.as_object().unwrap() {
                        root[k] = v.clone();
                    }
                    jsonschema::validator_for(&root).unwrap_or_else(|e| {
                        panic!("{method} {path} {status}: the schema does not compile: {e}")
                    });
                    compiled += 1;
                }
            }
        }
    }
    assert!(compiled > 100, "{compiled} schemas");
    // 3.1, not 3.0: nullable values are `type: [..., "null"]`, never `nullable`.
    let text = doc.to_string();
    assert!(!text.contains("\"nullable\""), "a 3.0 nullable is left");
}

#[tokio::test]
async fn the_server_publishes_the_document() {
    let app = spawn_app().await;
    let res = app.get("/api/openapi.json").await;
    assert_eq!(res.status(), 200);
    let served: Value = res.json().await.unwrap();
    assert_eq!(served["servers"][0]["url"], app.base.as_str());
    assert_eq!(served["paths"], document()["paths"]);
    // The error body, with its optional list of fields.
    let error = &served["components"]["schemas"]["ErrorDetail"];
    assert_eq!(error["required"], serde_json::json!(["code", "message"]));
    assert!(error["properties"]["fields"].is_object());
}
