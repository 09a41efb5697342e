//! The shared corpus of bad inputs (`../shared/testdata/bad-inputs.json`) against every form
//! and the API: a 4xx with a message in Japanese (naming the field where one field was
//! wrong), the value kept and escaped where the form comes back, nothing stored, never a 5xx.

use diesel::prelude::*;
use secunity::accounts::Role;
use secunity::schema::{
    login_tokens, matching_needs, newsletter_campaigns, newsletter_subscribers, organizations,
    registrations, seminars,
};
use serde_json::{Value, json};

use crate::support::corpus::{corpus, strings};
use crate::support::{TestApp, spawn_app};

/// The status a refused value of a one-line field gets: 400 when the request cannot be read
/// at all (a control character other than CR, LF and TAB, refused wherever it comes), 422 when
/// the field's own check refuses it (a line break in a one-line field, too long, ...).
pub fn refused_with(value: &str) -> u16 {
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\r' | '\n' | '\t'))
    {
        400
    } else {
        422
    }
}

/// Asserts a refusal: the status, a Japanese message, and for a 400 the field named.
fn assert_refused(status: u16, body: &str, field: &str, want: u16, case: &str) {
    assert_eq!(status, want, "{case}: {body}");
    assert!(
        body.contains("ください") || body.contains("ません"),
        "{case}: no Japanese message in {body}"
    );
    if want == 400 {
        assert!(
            body.contains(&format!("「{field}」")) || body.contains(&format!("\"{field}\"")),
            "{case}: the field is not named in {body}"
        );
    }
    for library_text in [
        "deserialize",
        "Content type error",
        "invalid type",
        "expected",
    ] {
        assert!(!body.contains(library_text), "{case}: {body}");
    }
}

#[tokio::test]
async fn the_login_form_refuses_bad_addresses_and_stores_nothing() {
    let app = spawn_app().await;
    let corpus = corpus();
    let mut bad = strings(
        &corpus,
        &[
            "emails_invalid",
            "control_characters",
            "markup",
            "too_long",
            "sql_metacharacters",
        ],
    );
    // What invalid UTF-8 used to become, and other impossible addresses.
    bad.extend(
        [
            "\u{fffd}@example.jp",
            "\u{fffd}\u{fffd}abc@example.jp",
            "\u{fdd0}@example.jp",
            "\"quoted local\"@example.jp",
            "taro@[192.0.2.1]",
            "taro@localhost",
        ]
        .map(str::to_string),
    );
    for bad in bad {
        let res = app
            .post_form_from("/login", "/auth/email", &[("email", &bad)])
            .await;
        let status = res.status().as_u16();
        let body = res.text().await.unwrap();
        assert_refused(
            status,
            &body,
            "email",
            refused_with(&bad),
            &format!("{bad:?}"),
        );
        if status == 422 {
            assert!(
                body.contains("メールアドレスの形式が正しくありません"),
                "{bad:?}"
            );
        }
        assert!(!body.contains("<script>alert(1)</script>"));
    }
    // Invalid UTF-8 is refused, not turned into U+FFFD.
    let token = app.csrf_token("/login").await;
    let res = app
        .client
        .post(app.url("/auth/email"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!("email=%FF%FE%40example.jp&csrf_token={token}"))
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let body = res.text().await.unwrap();
    assert_refused(status, &body, "email", 400, "invalid UTF-8");
    assert!(body.contains("UTF-8"), "{body}");
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
        let status = res.status().as_u16();
        let body = res.text().await.unwrap();
        assert_refused(
            status,
            &body,
            "name",
            refused_with(&bad),
            &format!("{bad:?}"),
        );
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
    // Only absolute web addresses with a host.
    for bad in [
        "http://",
        "https://",
        "http://exa mple.jp/",
        "www.example.jp",
        "javascript:alert(1)",
        "ftp://example.jp/",
    ] {
        let res = app
            .post_form_from(
                "/staff/organizations",
                "/staff/organizations",
                &[("name", "有効な名前"), ("kind", "vendor"), ("website", bad)],
            )
            .await;
        assert_eq!(res.status(), 422, "website {bad:?}");
        let body = res.text().await.unwrap();
        assert!(
            body.contains("ホスト名を含む形で入力してください"),
            "{bad:?}"
        );
        assert!(body.contains("有効な名前"), "the values are kept");
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

/// A one-line field of a form: the page that carries the form, where it posts, and the other
/// fields it needs.
struct FormCase {
    page: String,
    action: String,
    field: &'static str,
    others: Vec<(&'static str, String)>,
}

/// Rows in the tables the forms and the API write to.
async fn stored_rows(app: &TestApp) -> i64 {
    app.db(|c| {
        Ok::<_, diesel::result::Error>(
            seminars::table.count().get_result::<i64>(c)?
                + registrations::table.count().get_result::<i64>(c)?
                + newsletter_subscribers::table.count().get_result::<i64>(c)?
                + newsletter_campaigns::table.count().get_result::<i64>(c)?
                + matching_needs::table.count().get_result::<i64>(c)?
                + login_tokens::table.count().get_result::<i64>(c)?,
        )
    })
    .await
}

#[tokio::test]
async fn every_form_and_api_body_refuses_the_corpus_and_stores_nothing() {
    let app = spawn_app().await;
    let corpus = corpus();
    let id = crate::seminars::seminar(&app, crate::seminars::data("online", 0, 50)).await;
    let sme = crate::matching::org(&app, "sme", "株式会社テスト薬局").await;
    app.sign_in("staff@example.jp", Role::Staff).await;
    let (_, token) = app.api_token("api-staff@example.jp", Role::Staff).await;
    let before = stored_rows(&app).await;
    let s = |v: &str| v.to_string();
    let forms = vec![
        FormCase {
            page: "/login".into(),
            action: "/auth/email".into(),
            field: "email",
            others: vec![],
        },
        FormCase {
            page: "/newsletter".into(),
            action: "/newsletter/subscribe".into(),
            field: "name",
            others: vec![
                ("email", s("ok@example.jp")),
                ("topics", s("events")),
                ("consent", s("1")),
            ],
        },
        FormCase {
            page: format!("/seminars/{id}"),
            action: format!("/seminars/{id}/registrations"),
            field: "company",
            others: vec![
                ("name", s("九州 太郎")),
                ("email", s("taro@example.jp")),
                ("prefecture", s("40")),
                ("mode", s("online")),
                ("consent", s("1")),
            ],
        },
        FormCase {
            page: "/staff/seminars/new".into(),
            action: "/staff/seminars/new".into(),
            field: "title",
            others: vec![
                ("industry", s("manufacturing")),
                ("prefecture", s("40")),
                ("format", s("online")),
                ("starts_at", s("2027-03-08T13:00")),
                ("ends_at", s("2027-03-08T17:00")),
                ("registration_closes_at", s("2027-03-07T17:00")),
                ("capacity_online", s("100")),
            ],
        },
        FormCase {
            page: "/staff/newsletter/campaigns/new".into(),
            action: "/staff/newsletter/campaigns".into(),
            field: "subject",
            others: vec![("body_markdown", s("本文")), ("action", s("save"))],
        },
    ];
    let values = strings(&corpus, &["control_characters", "too_long"]);
    for f in &forms {
        for value in &values {
            let mut fields: Vec<(&str, &str)> =
                f.others.iter().map(|(k, v)| (*k, v.as_str())).collect();
            fields.push((f.field, value));
            let res = app.post_form_from(&f.page, &f.action, &fields).await;
            let status = res.status().as_u16();
            let body = res.text().await.unwrap();
            let case = format!("{} {}={value:?}", f.action, f.field);
            assert_refused(status, &body, f.field, refused_with(value), &case);
        }
    }
    let api_cases: Vec<(&str, &str, Value)> = vec![
        (
            "/api/v1/seminars",
            "title",
            json!({"industry": "manufacturing", "prefecture": 40, "format": "online",
                "starts_at": "2027-03-08T13:00:00+09:00", "ends_at": "2027-03-08T17:00:00+09:00",
                "registration_closes_at": "2027-03-07T17:00:00+09:00", "capacity_online": 100}),
        ),
        (
            "/api/v1/subscribers",
            "name",
            json!({"email": "api@example.jp", "consent_source": "紙の申込書", "topics": ["events"]}),
        ),
        (
            "/api/v1/campaigns",
            "subject",
            json!({"body_markdown": "本文"}),
        ),
        (
            "/api/v1/needs",
            "title",
            crate::matching::need_body(sme, "", "説明"),
        ),
        ("/api/v1/organizations", "name", json!({"kind": "sme"})),
        (
            "/api/v1/organizations",
            "otasuketai_service",
            json!({"name": "株式会社テスト", "kind": "vendor"}),
        ),
    ];
    for (path, field, base) in &api_cases {
        for value in &values {
            let mut body = base.clone();
            body[*field] = json!(value);
            let res = app
                .client
                .post(app.url(path))
                .bearer_auth(&token)
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            let answer: Value = res.json().await.unwrap();
            let case = format!("{path} {field}={value:?}");
            assert_eq!(status, refused_with(value), "{case}: {answer}");
            assert_eq!(
                answer["error"]["fields"][0]["field"], *field,
                "{case}: {answer}"
            );
            let message = answer["error"]["fields"][0]["message"].as_str().unwrap();
            assert!(message.ends_with('。'), "{case}: {message}");
        }
    }
    // Dates: the corpus' impossible and far-away ones, on the API.
    for value in strings(&corpus, &["dates"]) {
        let mut body = api_cases[0].2.clone();
        body["title"] = json!("日付の確認");
        body["starts_at"] = json!(value);
        let res = app
            .client
            .post(app.url("/api/v1/seminars"))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422, "starts_at={value}");
        let answer: Value = res.json().await.unwrap();
        assert_eq!(
            answer["error"]["fields"][0]["field"], "starts_at",
            "{answer}"
        );
    }
    assert_eq!(stored_rows(&app).await, before, "nothing was stored");
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

    // A form post with a body that is not the form: its first missing field is named.
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
    let body = res.text().await.unwrap();
    assert!(body.contains("この項目がありません"), "{body}");
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
