//! The shared corpus of bad inputs (`../shared/testdata/bad-inputs.json`) against the forms of
//! accounts: a 4xx with a message, the value kept and escaped, nothing stored, never a 5xx.

use diesel::prelude::*;
use secunity::accounts::Role;
use secunity::schema::{login_tokens, organizations};

use crate::support::spawn_app;

/// The corpus, by category.
pub fn corpus() -> serde_json::Value {
    let text = std::fs::read_to_string("../shared/testdata/bad-inputs.json")
        .expect("../shared/testdata/bad-inputs.json beside the repository");
    serde_json::from_str(&text).unwrap()
}

/// The strings of some categories.
pub fn strings(corpus: &serde_json::Value, categories: &[&str]) -> Vec<String> {
    categories
        .iter()
        .flat_map(|c| corpus[*c].as_array().cloned().unwrap_or_default())
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

#[tokio::test]
async fn the_login_form_refuses_bad_addresses_and_stores_nothing() {
    let app = spawn_app().await;
    let corpus = corpus();
    for bad in strings(
        &corpus,
        &[
            "emails_invalid",
            "control_characters",
            "markup",
            "too_long",
            "sql_metacharacters",
        ],
    ) {
        let res = app
            .post_form_from("/login", "/auth/email", &[("email", &bad)])
            .await;
        let status = res.status().as_u16();
        assert_eq!(status, 422, "{bad:?} gave {status}");
        let body = res.text().await.unwrap();
        assert!(
            body.contains("メールアドレスの形式が正しくありません"),
            "{bad:?}"
        );
        assert!(!body.contains("<script>alert(1)</script>"));
    }
    let n: i64 = app.db(|c| login_tokens::table.count().get_result(c)).await;
    assert_eq!(n, 0);
    for ok in strings(&corpus, &["emails_valid_unusual"]) {
        let res = app
            .post_form_from("/login", "/auth/email", &[("email", &ok)])
            .await;
        assert_eq!(res.status(), 303, "{ok:?} is a valid address");
    }
}

#[tokio::test]
async fn the_organization_form_refuses_bad_values_and_keeps_legitimate_text_safe() {
    let app = spawn_app().await;
    app.sign_in("staff@example.jp", Role::Staff).await;
    let corpus = corpus();
    for bad in strings(&corpus, &["control_characters", "too_long"]) {
        let res = app
            .post_form_from(
                "/staff/organizations",
                "/staff/organizations",
                &[("name", &bad), ("kind", "sme")],
            )
            .await;
        assert_eq!(res.status(), 422, "{bad:?}");
    }
    for bad in strings(&corpus, &["numbers", "sql_metacharacters"]) {
        let res = app
            .post_form_from(
                "/staff/organizations",
                "/staff/organizations",
                &[
                    ("name", "有効な名前"),
                    ("kind", "sme"),
                    ("prefecture", &bad),
                ],
            )
            .await;
        assert_eq!(res.status(), 422, "prefecture {bad:?}");
    }
    let stored: i64 = app.db(|c| organizations::table.count().get_result(c)).await;
    assert_eq!(stored, 0);
    // Markup and Japanese text are legitimate names: stored as text, shown escaped.
    for name in strings(
        &corpus,
        &["markup", "japanese_text", "spreadsheet_formulas"],
    ) {
        if name.chars().any(char::is_control) {
            continue;
        }
        let res = app
            .post_form_from(
                "/staff/organizations",
                "/staff/organizations",
                &[("name", &name), ("kind", "vendor")],
            )
            .await;
        assert_eq!(res.status(), 303, "{name:?}");
    }
    let (_, list) = app.get_text("/staff/organizations").await;
    assert!(!list.contains("<script>alert(1)</script>"));
    assert!(!list.contains("<img src=x"));
    assert!(list.contains("𠮷野家"));
}

#[tokio::test]
async fn malformed_bodies_get_a_clear_4xx() {
    let app = spawn_app().await;
    let (_, token) = app.api_token("staff@example.jp", Role::Staff).await;
    let res = app
        .client
        .post(app.url("/api/v1/outbox/not-a-number/retry"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let json: serde_json::Value = res.json().await.unwrap();
    assert_eq!(json["error"]["code"], "not_found");

    // A form post with a body that is not a form.
    app.sign_in("staff2@example.jp", Role::Staff).await;
    let token = app.csrf_token("/staff/organizations").await;
    let res = app
        .client
        .post(app.url("/staff/organizations"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("X-CSRF-Token", token)
        .body("%%%")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("送信された内容の形式が正しくありません")
    );
}

#[tokio::test]
async fn the_api_says_who_may_call_before_it_reads_the_body() {
    let app = spawn_app().await;
    let (_, member) = app.api_token("member@example.jp", Role::Member).await;
    let (_, staff) = app.api_token("staff@example.jp", Role::Staff).await;
    let broken = "{\"title\": ";
    for (token, want) in [
        (None, 401),
        (Some("not-a-token-at-all"), 401),
        (Some(member.as_str()), 403),
        (Some(staff.as_str()), 400),
    ] {
        let mut request = app
            .client
            .post(app.url("/api/v1/seminars"))
            .header("content-type", "application/json")
            .body(broken);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let res = request.send().await.unwrap();
        assert_eq!(res.status().as_u16(), want, "token {token:?}");
        let body: serde_json::Value = res.json().await.unwrap();
        assert!(body["error"]["message"].is_string(), "{body}");
    }
}
