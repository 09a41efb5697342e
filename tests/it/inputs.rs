//! The strict reading of every input (`web::input`): control characters and invalid UTF-8 in
//! any query, form or JSON body are a 400 naming the field; repeated single-value fields,
//! unknown actions and loosely typed JSON are refused; messages name the field in the user's
//! language without library text; seminar times are bounded; a calendar file cannot panic a
//! worker; the CSRF check refuses before it reads a body.

use std::time::Duration;

use diesel::prelude::*;
use secunity::accounts::Role;
use secunity::schema::{
    newsletter_campaigns, newsletter_subscribers as subs, registrations, seminars,
};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::{TestApp, spawn_app};

/// Who asks.
#[derive(Debug, Clone, Copy)]
enum Caller {
    Anyone,
    Staff,
    Api,
}

/// Every query parameter the input fuzzer broke (500 on PostgreSQL, FTS5 on SQLite), and a few
/// more.
const QUERY_PARAMETERS: &[(&str, &str, Caller)] = &[
    ("/seminars", "industry", Caller::Anyone),
    ("/seminars", "month", Caller::Anyone),
    ("/seminars.ics", "industry", Caller::Anyone),
    ("/board", "q", Caller::Anyone),
    ("/board", "category", Caller::Anyone),
    ("/board", "sector", Caller::Anyone),
    ("/staff/users", "q", Caller::Staff),
    ("/staff/organizations", "q", Caller::Staff),
    ("/staff/audit", "action", Caller::Staff),
    ("/staff/audit", "target_kind", Caller::Staff),
    ("/staff/audit", "actor_id", Caller::Staff),
    ("/staff/newsletter/subscribers", "topic", Caller::Staff),
    ("/staff/newsletter/subscribers", "q", Caller::Staff),
    ("/api/v1/subscribers", "topic", Caller::Api),
    ("/api/v1/subscribers", "q", Caller::Api),
];

/// Values no query may carry: NUL (the FTS5 query on SQLite, "invalid byte sequence" on
/// PostgreSQL), other C0 and C1 controls, DEL, a line break, and invalid UTF-8.
const UNREADABLE: &[(&str, &str)] = &[
    ("a%00b", "制御文字"),
    ("%1B%5B31m", "制御文字"),
    ("a%7F", "制御文字"),
    ("a%C2%85b", "制御文字"),
    ("a%0Ab", "制御文字"),
    ("%FF%FEabc", "UTF-8"),
];

#[tokio::test]
async fn control_characters_and_invalid_utf8_in_any_query_parameter_are_a_400_naming_it() {
    let app = spawn_app().await;
    app.sign_in("staff@example.jp", Role::Staff).await;
    let (_, token) = app.api_token("api@example.jp", Role::Staff).await;
    for (path, param, caller) in QUERY_PARAMETERS {
        for (value, says) in UNREADABLE {
            let url = app.url(&format!("{path}?{param}={value}"));
            let request = match caller {
                Caller::Api => app.client.get(url).bearer_auth(&token),
                Caller::Anyone | Caller::Staff => app.client.get(url),
            };
            let res = request.send().await.unwrap();
            let status = res.status().as_u16();
            let body = res.text().await.unwrap();
            let case = format!("{path}?{param}={value} ({caller:?})");
            assert_eq!(status, 400, "{case}: {body}");
            assert!(body.contains(says), "{case}: {body}");
            if matches!(caller, Caller::Api) {
                let json: Value = serde_json::from_str(&body).unwrap();
                assert_eq!(json["error"]["code"], "bad_request", "{case}");
                assert_eq!(json["error"]["fields"][0]["field"], *param, "{case}");
            } else {
                assert!(body.contains(&format!("「{param}」")), "{case}: {body}");
            }
        }
    }
    // Line breaks and tabs are no part of a query, but legitimate values still work.
    assert_eq!(app.get("/board?q=%E7%AB%AF%E6%9C%AB").await.status(), 200);
    assert_eq!(
        app.get("/seminars?industry=manufacturing").await.status(),
        200
    );
}

#[tokio::test]
async fn a_path_with_a_control_character_is_a_400() {
    let app = spawn_app().await;
    for path in [
        "/newsletter/preferences/a%00b",
        "/newsletter/confirm/a%00b",
        "/registrations/%FF%FE",
    ] {
        let (status, body) = app.get_text(path).await;
        assert_eq!(status, 400, "{path}");
        assert!(body.contains("URLに使えない文字"), "{path}: {body}");
    }
}

async fn post_raw(app: &TestApp, page: &str, path: &str, body: &str) -> (u16, String) {
    let token = app.csrf_token(page).await;
    let res = app
        .client
        .post(app.url(path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!("{body}&csrf_token={token}"))
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.text().await.unwrap())
}

#[tokio::test]
async fn invalid_utf8_is_refused_in_forms_json_and_uploads_and_nothing_is_stored() {
    let app = spawn_app().await;
    // A form: the name that used to be stored as "��abc".
    let (status, body) = post_raw(
        &app,
        "/newsletter",
        "/newsletter/subscribe",
        "email=a%40example.jp&name=%FF%FEabc&topics=events&consent=1",
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body.contains("「name」: 文字コードが正しくありません"),
        "{body}"
    );
    // A JSON body with invalid bytes, and one whose address is U+FFFD.
    let (_, token) = app.api_token("api@example.jp", Role::Staff).await;
    let res = app
        .client
        .post(app.url("/api/v1/subscribers"))
        .bearer_auth(&token)
        .header("Content-Type", "application/json")
        .body(b"{\"email\":\"\xff\xfe@example.jp\",\"consent_source\":\"x\"}".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let json: Value = res.json().await.unwrap();
    assert!(
        json["error"]["message"].as_str().unwrap().contains("UTF-8"),
        "{json}"
    );
    let res = app
        .client
        .post(app.url("/api/v1/subscribers"))
        .bearer_auth(&token)
        .json(&json!({"email": "\u{fffd}@example.jp", "consent_source": "紙の申込書"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let json: Value = res.json().await.unwrap();
    assert_eq!(json["error"]["fields"][0]["field"], "email", "{json}");
    assert!(
        json["error"]["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("メールアドレスの形式が正しくありません")
    );
    // A multipart text part of the calendar import.
    app.sign_in("staff@example.jp", Role::Staff).await;
    let token = app.csrf_token("/staff/seminars/import").await;
    let boundary = "XyZ";
    let mut body = Vec::new();
    for (name, value) in [
        ("csrf_token", token.as_bytes()),
        ("industry", b"\xff\xfe".as_slice()),
    ] {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(value);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let res = app
        .client
        .post(app.url("/staff/seminars/import"))
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains("「industry」"));
    let n: i64 = app.db(|c| subs::table.count().get_result(c)).await;
    assert_eq!(n, 0);
}

fn seminar_body() -> Value {
    json!({
        "title": "福岡 機械・金属", "industry": "machinery_metal", "prefecture": 40,
        "format": "online", "starts_at": "2027-03-08T13:00:00+09:00",
        "ends_at": "2027-03-08T17:00:00+09:00", "registration_closes_at": "2027-03-07T17:00:00+09:00",
        "capacity_online": 100, "published": true
    })
}

/// The fields and their messages of an error answer.
fn field_messages(answer: &Value) -> Vec<(String, String)> {
    answer["error"]["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                f["field"].as_str().unwrap_or_default().to_string(),
                f["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

async fn seminar_count(app: &TestApp) -> i64 {
    app.db(|c| seminars::table.count().get_result(c)).await
}

#[tokio::test]
async fn seminar_times_are_bounded_with_a_message_naming_the_field() {
    let app = spawn_app().await;
    let (_, token) = app.api_token("api@example.jp", Role::Staff).await;
    // (changes to a good body, the field named, what its message says)
    type Case = (
        &'static [(&'static str, &'static str)],
        &'static str,
        &'static str,
    );
    let cases: &[Case] = &[
        (
            &[
                ("starts_at", "1900-01-01T13:00:00+09:00"),
                ("ends_at", "1900-01-01T17:00:00+09:00"),
                ("registration_closes_at", "1899-12-31T17:00:00+09:00"),
            ],
            "starts_at",
            "の範囲で入力してください",
        ),
        (
            &[
                ("starts_at", "9999-12-31T13:00:00+09:00"),
                ("ends_at", "9999-12-31T17:00:00+09:00"),
                ("registration_closes_at", "9999-12-30T17:00:00+09:00"),
            ],
            "starts_at",
            "の範囲で入力してください",
        ),
        (
            &[("ends_at", "3000-03-08T17:00:00+09:00")],
            "ends_at",
            "開催期間は7日以内",
        ),
        (
            &[("registration_opens_at", "0000-01-01T00:00:00Z")],
            "registration_opens_at",
            "365日前以降",
        ),
    ];
    for (changes, field, says) in cases {
        let mut body = seminar_body();
        for (k, v) in *changes {
            body[*k] = json!(v);
        }
        let (status, answer) = app
            .api("POST", &token, "/api/v1/seminars", Some(body.clone()))
            .await;
        assert_eq!(status, 422, "{changes:?}: {answer}");
        let fields = field_messages(&answer);
        assert_eq!(fields[0].0, *field, "{answer}");
        assert!(fields[0].1.contains(says), "{answer}");
    }
    // English for an English caller.
    let mut body = seminar_body();
    body["starts_at"] = json!("1900-01-01T13:00:00+09:00");
    let res = app
        .client
        .post(app.url("/api/v1/seminars"))
        .bearer_auth(&token)
        .header("Accept-Language", "en")
        .json(&body)
        .send()
        .await
        .unwrap();
    let answer: Value = res.json().await.unwrap();
    assert!(
        field_messages(&answer)[0]
            .1
            .starts_with("Enter a start between"),
        "{answer}"
    );
    // The staff form says the same next to the field.
    app.sign_in("staff@example.jp", Role::Staff).await;
    let res = app
        .post_form_from(
            "/staff/seminars/new",
            "/staff/seminars/new",
            &[
                ("title", "演習"),
                ("industry", "manufacturing"),
                ("prefecture", "40"),
                ("format", "online"),
                ("starts_at", "2027-03-08T13:00"),
                ("ends_at", "3000-03-08T17:00"),
                ("registration_closes_at", "2027-03-07T17:00"),
                ("capacity_online", "100"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("開催期間は7日以内にしてください"), "{body}");
    assert_eq!(seminar_count(&app).await, 0);
    // And the calendar import skips such events, saying why.
    let file = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n\
BEGIN:VEVENT\r\nUID:old@example.jp\r\nDTSTART:19000101T040000Z\r\nDTEND:19000101T080000Z\r\nSUMMARY:古すぎる\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:long@example.jp\r\nDTSTART:20270308T040000Z\r\nDTEND:30000308T080000Z\r\nSUMMARY:長すぎる\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";
    let (status, page) = import(&app, file).await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("古すぎる") && page.contains("の範囲で入力してください"),
        "{page}"
    );
    assert!(
        page.contains("長すぎる") && page.contains("開催期間は7日以内"),
        "{page}"
    );
    assert_eq!(seminar_count(&app).await, 0);
}

/// Posts a calendar file to the staff import (signed in as staff) and returns the answer.
async fn import(app: &TestApp, file: &str) -> (u16, String) {
    crate::seminars_desk::import(app, &crate::seminars_desk::DEFAULTS, file.as_bytes()).await
}

#[tokio::test]
async fn an_endless_ics_duration_is_skipped_with_its_reason_not_a_panic() {
    let app = spawn_app().await;
    app.sign_in("staff@example.jp", Role::Staff).await;
    let file = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n\
BEGIN:VEVENT\r\nUID:endless@example.jp\r\nDTSTART:20270308T040000Z\r\nDURATION:P99999999999999W\r\nSUMMARY:終わらない演習\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:fine@example.jp\r\nDTSTART:20270308T040000Z\r\nDURATION:PT4H\r\nSUMMARY:普通の演習\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";
    let (status, page) = import(&app, file).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("終わらない演習"), "{page}");
    assert!(
        page.contains("所要時間(DURATION)を読み取れないか、長すぎます"),
        "{page}"
    );
    assert_eq!(seminar_count(&app).await, 1, "the good event is imported");
}

#[tokio::test]
async fn web_addresses_need_http_or_https_and_a_host() {
    let app = spawn_app().await;
    let (_, token) = app.api_token("api@example.jp", Role::Staff).await;
    for bad in [
        "http://",
        "https://",
        "http://exa mple.jp/",
        "webex.example.jp/j/1",
    ] {
        let mut body = seminar_body();
        body["online_url"] = json!(bad);
        let (status, answer) = app
            .api("POST", &token, "/api/v1/seminars", Some(body.clone()))
            .await;
        assert_eq!(status, 422, "{bad}");
        assert_eq!(field_messages(&answer)[0].0, "online_url", "{answer}");
    }
    assert_eq!(seminar_count(&app).await, 0);
    let mut body = seminar_body();
    body["online_url"] = json!("https://webex.example.jp/j/123");
    let (status, answer) = app
        .api("POST", &token, "/api/v1/seminars", Some(body.clone()))
        .await;
    assert_eq!(status, 201, "{answer}");
    assert_eq!(answer["online_url"], "https://webex.example.jp/j/123");
}

#[tokio::test]
async fn messages_are_in_the_users_language_naming_the_field_without_library_text() {
    let app = spawn_app().await;
    app.sign_in("staff@example.jp", Role::Staff).await;
    let (_, token) = app.api_token("api@example.jp", Role::Staff).await;
    let library = [
        "deserialize",
        "Content type error",
        "invalid type",
        "duplicate field",
    ];
    // A repeated query field.
    let (status, body) = app
        .get_text("/staff/newsletter/subscribers?status=active&status=paused")
        .await;
    assert_eq!(status, 400);
    assert!(
        body.contains("「status」: 同じ項目が複数回送られました"),
        "{body}"
    );
    // A JSON value of the wrong type, on a typed body.
    let (status, answer) = app
        .api(
            "POST",
            &token,
            "/api/v1/subscribers",
            Some(json!({"email": "a@example.jp", "consent_source": "x", "confirmed": "yes"})),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(field_messages(&answer)[0].0, "confirmed", "{answer}");
    // A form sent as something else.
    let csrf = app.csrf_token("/staff/organizations").await;
    let res = app
        .client
        .post(app.url("/staff/organizations"))
        .header("X-CSRF-Token", csrf)
        .header("Content-Type", "text/plain")
        .body("name=x")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("フォームの送信形式が正しくありません"),
        "{page}"
    );
    // JSON sent as something else, and JSON that is not JSON.
    let res = app
        .client
        .post(app.url("/api/v1/seminars"))
        .bearer_auth(&token)
        .header("Content-Type", "text/plain")
        .body(seminar_body().to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 415);
    let unsupported = res.text().await.unwrap();
    assert!(unsupported.contains("application/json"), "{unsupported}");
    let res = app
        .client
        .post(app.url("/api/v1/seminars"))
        .bearer_auth(&token)
        .header("Content-Type", "application/json")
        .body("{\"title\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let syntax = res.text().await.unwrap();
    assert!(
        syntax.contains("JSONとして読み取れません(1行目"),
        "{syntax}"
    );
    for text in [&body, &answer.to_string(), &page, &unsupported, &syntax] {
        for l in library {
            assert!(!text.contains(l), "{l} in {text}");
        }
    }
}

#[tokio::test]
async fn the_api_gives_each_bad_field_its_own_message() {
    let app = spawn_app().await;
    let (_, token) = app.api_token("api@example.jp", Role::Staff).await;
    let (status, answer) = app
        .api(
            "POST",
            &token,
            "/api/v1/seminars",
            Some(json!({"title": "", "ends_at": "2000-01-01T00:00:00Z"})),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(answer["error"]["code"], "invalid_input");
    let fields = field_messages(&answer);
    let message_of = |f: &str| {
        fields
            .iter()
            .find(|(name, _)| name == f)
            .map(|(_, m)| m.clone())
            .unwrap_or_else(|| panic!("no message for {f} in {answer}"))
    };
    assert_eq!(message_of("title"), "この項目は必須です。");
    assert_eq!(message_of("industry"), "この項目は必須です。");
    assert_eq!(message_of("format"), "選択肢から選んでください。");
    assert_eq!(message_of("starts_at"), "この項目は必須です。");
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("title, ")
    );
    // One entry per field.
    let mut names: Vec<&String> = fields.iter().map(|(f, _)| f).collect();
    names.dedup();
    assert_eq!(names.len(), fields.len(), "{answer}");
    // The other API inputs use the same shape.
    let (status, answer) = app
        .api(
            "POST",
            &token,
            "/api/v1/subscribers",
            Some(json!({"email": "nope", "name": "a\r\nb", "consent_source": ""})),
        )
        .await;
    assert_eq!(status, 422);
    let fields: Vec<String> = field_messages(&answer)
        .into_iter()
        .map(|(f, _)| f)
        .collect();
    assert_eq!(fields, ["email", "name", "consent_source"], "{answer}");
}

#[tokio::test]
async fn api_types_are_strict() {
    let app = spawn_app().await;
    let (_, token) = app.api_token("api@example.jp", Role::Staff).await;
    for (field, value) in [
        ("capacity_online", json!("10")),
        ("capacity_online", json!(10.5)),
        ("prefecture", json!("40")),
        ("published", json!("yes")),
        ("published", json!(1)),
        ("title", json!(42)),
        ("hosts", json!("九州大学")),
    ] {
        let mut body = seminar_body();
        body[field] = value.clone();
        let (status, answer) = app
            .api("POST", &token, "/api/v1/seminars", Some(body.clone()))
            .await;
        assert_eq!(status, 422, "{field}={value}: {answer}");
        assert_eq!(field_messages(&answer)[0].0, field, "{answer}");
    }
    assert_eq!(seminar_count(&app).await, 0);
    let (status, _) = app
        .api("POST", &token, "/api/v1/seminars", Some(seminar_body()))
        .await;
    assert_eq!(status, 201);
    // The board: numbers are numbers, booleans booleans.
    let sme = crate::matching::org(&app, "sme", "株式会社テスト薬局").await;
    for (field, value) in [
        ("device_count", json!("10")),
        ("prefecture", json!("40")),
        ("onsite_needed", json!("true")),
        ("categories", json!("B2")),
    ] {
        let mut body = crate::matching::need_body(sme, "端末の監視", "説明");
        body[field] = value.clone();
        let (status, answer) = app
            .api("POST", &token, "/api/v1/needs", Some(body.clone()))
            .await;
        assert_eq!(status, 422, "{field}={value}: {answer}");
        assert_eq!(field_messages(&answer)[0].0, field, "{answer}");
    }
    // Typed bodies: a duplicate key is refused, not the last one kept.
    let res = app
        .client
        .post(app.url("/api/v1/subscribers"))
        .bearer_auth(&token)
        .header("Content-Type", "application/json")
        .body(r#"{"email":"a@example.jp","email":"b@example.jp","consent_source":"x"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let answer: Value = res.json().await.unwrap();
    assert_eq!(field_messages(&answer)[0].0, "email", "{answer}");
    let n: i64 = app.db(|c| subs::table.count().get_result(c)).await;
    assert_eq!(n, 0);
}

#[tokio::test]
async fn unknown_actions_and_repeated_single_value_fields_are_a_400() {
    let app = spawn_app().await;
    // The preference page: an unknown action changes nothing.
    crate::newsletter::seed(
        &app,
        vec![("pref@example.jp".into(), "active", vec!["events".into()])],
    )
    .await;
    let links = secunity::newsletter::links::Links::from_config(&app.state.config);
    let url = links.preferences_url("nonce-0-pref@example.jp");
    let path = url
        .trim_start_matches(&app.state.config.base_url)
        .to_string();
    for form in [
        vec![("action", "delete_everything"), ("topics", "alerts")],
        vec![("action", "pause"), ("action", "unsubscribe")],
    ] {
        let res = app.post_form_from(&path, &path, &form).await;
        assert_eq!(res.status(), 400, "{form:?}");
        assert!(res.text().await.unwrap().contains("「action」"));
    }
    let status: String = app.db(|c| subs::table.select(subs::status).first(c)).await;
    assert_eq!(status, "active");
    let res = app
        .post_form_from(&path, &path, &[("action", "pause")])
        .await;
    assert_eq!(res.status(), 200, "a known action still works");
    // The campaign form: an unknown action saves no draft.
    app.sign_in("staff@example.jp", Role::Staff).await;
    let res = app
        .post_form_from(
            "/staff/newsletter/campaigns/new",
            "/staff/newsletter/campaigns",
            &[
                ("subject", "件名"),
                ("body_markdown", "本文"),
                ("action", "publish_now"),
            ],
        )
        .await;
    assert_eq!(res.status(), 400);
    let n: i64 = app
        .db(|c| newsletter_campaigns::table.count().get_result(c))
        .await;
    assert_eq!(n, 0);
    // Repeated single-value fields; checkbox groups may repeat.
    let res = app
        .post_form_from(
            "/newsletter",
            "/newsletter/subscribe",
            &[
                ("email", "first@example.jp"),
                ("email", "second@example.jp"),
                ("name", "山田"),
                ("topics", "events"),
                ("topics", "alerts"),
                ("consent", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), 400);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("「email」: 同じ項目が複数回送られました"),
        "{body}"
    );
    assert!(!body.contains("「topics」"), "{body}");
    let id = crate::seminars::seminar(&app, crate::seminars::data("online", 0, 10)).await;
    let mut form = crate::seminars::form("taro@example.jp", "online");
    form.push(("name", "別の名前"));
    let page = format!("/seminars/{id}");
    let res = app
        .post_form_from(&page, &format!("{page}/registrations"), &form)
        .await;
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains("「name」"));
    let n: i64 = app.db(|c| subs::table.count().get_result(c)).await;
    assert_eq!(n, 1, "only the seeded subscriber");
    let n: i64 = app.db(|c| registrations::table.count().get_result(c)).await;
    assert_eq!(n, 0);
    // A multiple-choice answer may repeat: the registration goes through.
    let mut form = crate::seminars::form("hanako@example.jp", "online");
    form.push(("q_0", "EDR"));
    form.push(("q_0", "UTM"));
    let res = app
        .post_form_from(&page, &format!("{page}/registrations"), &form)
        .await;
    assert_eq!(res.status(), 303);
}

/// Sends `head` and the first `sent` bytes of a body of `declared` bytes over a raw
/// connection, and reads the answer's status line. The server must answer before the rest of
/// the body arrives; the timeout only keeps a broken server from hanging the suite.
async fn answer_before_the_body(app: &TestApp, head: String, sent: usize) -> String {
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&vec![b'a'; sent]).await.unwrap();
    let mut answer = vec![0u8; 1024];
    let read = tokio::time::timeout(Duration::from_secs(60), stream.read(&mut answer))
        .await
        .expect("the server waited for a body it should not read")
        .unwrap();
    let text = String::from_utf8_lossy(&answer[..read]).into_owned();
    text.lines().next().unwrap_or_default().to_string()
}

#[tokio::test]
async fn csrf_refuses_a_cookieless_post_before_reading_its_body() {
    let app = spawn_app().await;
    let declared = 8 * 1024 * 1024;
    let head = format!(
        "POST /newsletter/subscribe HTTP/1.1\r\nHost: localhost\r\n\
Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {declared}\r\n\r\n"
    );
    let status = answer_before_the_body(&app, head, 1024).await;
    assert!(status.starts_with("HTTP/1.1 403"), "{status}");
}

#[tokio::test]
async fn csrf_reads_an_urlencoded_body_only_up_to_the_form_limit() {
    let app = spawn_app().await;
    // A visitor with the cookie: the body is read, but no further than a form may be.
    let res = app.get("/newsletter").await;
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("csrf="))
        .and_then(|c| c.split(';').next())
        .expect("a csrf cookie")
        .to_string();
    let declared = 4 * 1024 * 1024;
    let head = format!(
        "POST /newsletter/subscribe HTTP/1.1\r\nHost: localhost\r\nCookie: {cookie}\r\n\
Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {declared}\r\n\r\n"
    );
    let status = answer_before_the_body(&app, head, 300 * 1024).await;
    assert!(status.starts_with("HTTP/1.1 413"), "{status}");
}
