//! What a journey finds in place when it starts, made through the JSON API (the contract other
//! systems use), so that the browser walks only the steps the journey is about.

use secunity::accounts::Role;
use serde_json::{Value, json};

use crate::support::TestApp;

/// A seminar in the coming weeks: `published`, with `onsite` and `online` seats (a hybrid
/// when both are offered), open for registration; returns its id.
pub async fn seminar(app: &TestApp, title: &str, onsite: i64, online: i64) -> i64 {
    let (_, token) = app.api_token("seed-staff@example.jp", Role::Staff).await;
    let format = match (onsite > 0, online > 0) {
        (true, true) => "hybrid",
        (true, false) => "onsite",
        _ => "online",
    };
    let day = (secunity::time::now_utc() + chrono::Duration::days(30)).date();
    let at = |time: &str| format!("{day}T{time}+09:00");
    let mut body = json!({
        "title": title,
        "summary": "ランサムウェア対策とバックアップの基本を、事例とともに解説します。",
        "industry": "medical_pharmacy",
        "prefecture": 41,
        "format": format,
        "starts_at": at("13:30:00"),
        "ends_at": at("15:30:00"),
        "registration_closes_at": at("12:00:00"),
        "capacity_onsite": onsite,
        "capacity_online": online,
        "published": true,
    });
    if onsite > 0 {
        body["venue"] = json!("佐賀県庁 新館 会議室");
        body["address"] = json!("佐賀県佐賀市城内1-1-59");
    }
    if online > 0 {
        body["online_url"] = json!("https://meet.example.jp/secunity");
    }
    let res = app
        .client
        .post(app.url("/api/v1/seminars"))
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .expect("POST /api/v1/seminars");
    let status = res.status().as_u16();
    let answer: Value = res.json().await.expect("JSON");
    assert_eq!(status, 201, "the seminar was not created: {answer}");
    answer["id"].as_i64().expect("an id")
}
