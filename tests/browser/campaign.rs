//! Bureau staff on a desktop send a newsletter issue: 「今すぐ配信する」 leads to a page that
//! says how many subscribers of which topic will be mailed (a plain form, so it works without
//! JavaScript), and only its final button starts the sending, which the issue's page announces.

use secunity::accounts::Role;
use serde_json::json;
use views::Lang;

use crate::chrome::{Device, Driver, Script};
use crate::support::spawn_app;
use crate::visitor::Visitor;

/// The subscribers of 補助金・公募情報 the issue goes to.
const SUBSCRIBERS: [&str; 3] = ["s1@example.jp", "s2@example.jp", "s3@example.jp"];

async fn sends_an_issue_after_confirming(lang: Lang, script: Script) {
    let app = spawn_app().await;
    let (_, token) = app.api_token("seed-editor@example.jp", Role::Staff).await;
    let post = |path: &'static str, body: serde_json::Value| {
        app.client
            .post(app.url(path))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    for email in SUBSCRIBERS {
        let res = post(
            "/api/v1/subscribers",
            json!({"email": email, "name": "九州 花子", "topics": ["subsidies"],
                   "confirmed": true, "consent_source": "2026年11月 福岡セミナー"}),
        )
        .await
        .unwrap();
        assert_eq!(res.status().as_u16(), 201);
    }
    let created: serde_json::Value = post(
        "/api/v1/campaigns",
        json!({"subject": "IT導入補助金の公募開始", "body_markdown": "公募が始まりました。", "topics": ["subsidies"]}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let id = created["id"].as_i64().expect("an id");
    let page = format!("/staff/newsletter/campaigns/{id}");

    let email = format!("editor.{}@example.jp", lang.code());
    app.api_token(&email, Role::Staff).await;
    let driver = Driver::start().await;
    let mut v = Visitor::arrive(&driver, &app.base, Device::Desktop, script, lang).await;
    v.sign_in_by_mail(&app, &email).await;
    v.open(&page).await;
    v.click(&format!(
        ".button-row form[action='{page}/send'] button[type='submit']"
    ))
    .await;
    // The confirmation: how many, of which topic; nothing sent yet.
    let says = v.text("ul.consequences").await;
    assert!(says.contains('3'), "how many are mailed: {says}");
    assert!(v.page_text().await.contains("IT導入補助金の公募開始"));
    let to_subscribers = app
        .smtp
        .messages()
        .iter()
        .filter(|m| m.rcpt_to.iter().any(|r| SUBSCRIBERS.contains(&r.as_str())))
        .count();
    assert_eq!(to_subscribers, 0, "nothing sent before the final button");
    v.click(".confirmation form button[type='submit']").await;
    assert!(v.path().await.starts_with(&page), "{}", v.path().await);
    assert!(
        v.page_text()
            .await
            .contains(v.t("newsletter.staff.sending_started"))
    );
    v.leave(&format!("staff send a newsletter issue ({})", lang.code()))
        .await;
}

#[tokio::test]
async fn staff_send_a_newsletter_issue_after_confirming_in_japanese() {
    sends_an_issue_after_confirming(Lang::Ja, Script::On).await;
}

#[tokio::test]
async fn staff_send_a_newsletter_issue_after_confirming_in_english_without_javascript() {
    sends_an_issue_after_confirming(Lang::En, Script::Off).await;
}
