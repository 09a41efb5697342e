//! Bad input on every newsletter path is refused in the user's language and stores nothing.

use super::*;

#[tokio::test]
async fn bad_input_is_refused_and_stores_nothing() {
    let app = spawn_app().await;
    let c = corpus();
    let mut emails = strings(&c, &["emails_invalid"]);
    emails.retain(|e| e.trim() == e);
    emails.extend(["".to_string(), "x".repeat(300) + "@example.jp"]);
    for email in &emails {
        let res = subscribe(&app, email, &["events"]).await;
        assert_eq!(res.status(), 422, "{email:?}");
        let body = res.text().await.unwrap();
        assert!(
            body.contains("メールアドレスの形式が正しくありません")
                || body.contains("この項目は必須です"),
            "{email:?}"
        );
    }
    let mut names = strings(&c, &["too_long"]);
    names.extend(
        strings(&c, &["control_characters"])
            .into_iter()
            .filter(|s| s.chars().any(char::is_control)),
    );
    for name in &names {
        let res = app
            .post_form_from(
                "/newsletter",
                "/newsletter/subscribe",
                &[
                    ("email", "ok@example.jp"),
                    ("name", name),
                    ("topics", "events"),
                    ("consent", "1"),
                ],
            )
            .await;
        assert_eq!(
            res.status(),
            crate::bad_input::refused_with(name),
            "{name:?}"
        );
    }
    for (field, value) in [
        ("prefecture", "99"),
        ("prefecture", "-1"),
        ("industry", "'; DROP TABLE x"),
        ("topics", "bogus"),
    ] {
        let res = app
            .post_form_from(
                "/newsletter",
                "/newsletter/subscribe",
                &[
                    ("email", "ok@example.jp"),
                    ("name", "a"),
                    ("topics", "events"),
                    ("consent", "1"),
                    (field, value),
                ],
            )
            .await;
        assert_eq!(res.status(), 422, "{field}={value}");
    }
    // No consent, no topics.
    let res = app
        .post_form_from(
            "/newsletter",
            "/newsletter/subscribe",
            &[
                ("email", "ok@example.jp"),
                ("name", "a"),
                ("topics", "events"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let res = app
        .post_form_from(
            "/newsletter",
            "/newsletter/subscribe",
            &[("email", "ok@example.jp"), ("name", "a"), ("consent", "1")],
        )
        .await;
    assert_eq!(res.status(), 422);
    // The values are kept.
    let res = app
        .post_form_from(
            "/newsletter",
            "/newsletter/subscribe",
            &[("email", "keep@example.jp"), ("name", "保持")],
        )
        .await;
    let body = res.text().await.unwrap();
    assert!(body.contains("keep@example.jp") && body.contains("保持"));
    assert_eq!(subscriber_count(&app).await, 0);
    app.wait_outbox_drained().await;
    assert_eq!(app.smtp.messages().len(), 0, "nothing refused sent a mail");

    // The API.
    let (_, token) = app.api_token("staff@example.jp", Role::Staff).await;
    for body in [
        json!({"email": "not-an-email", "consent_source": "x"}),
        json!({"email": "a@example.jp"}),
        json!({"email": "a@example.jp", "consent_source": ""}),
        json!({"email": "a@example.jp", "consent_source": "x", "topics": ["bogus"]}),
        json!({"email": "a@example.jp", "consent_source": "x", "topics": "events"}),
        json!({"email": "a@example.jp", "consent_source": "x", "name": "名前\r\nBcc: victim@example.jp"}),
        json!({"email": 5, "consent_source": "x"}),
        json!([]),
    ] {
        let (status, answer) = app
            .api("POST", &token, "/api/v1/subscribers", Some(body.clone()))
            .await;
        assert!((400..500).contains(&status), "{body} → {status}");
        assert!(answer["error"]["code"].is_string(), "{body}");
    }
    for body in [
        json!({"subject": "", "body_markdown": "x"}),
        json!({"subject": "a\r\nBcc: x@y.jp", "body_markdown": "x"}),
        json!({"subject": "x".repeat(300), "body_markdown": "x"}),
        json!({"subject": "s", "body_markdown": ""}),
        json!({"subject": "s", "body_markdown": "x", "topics": ["nope"]}),
        json!({"subject": "s"}),
    ] {
        let (status, _) = app
            .api("POST", &token, "/api/v1/campaigns", Some(body.clone()))
            .await;
        assert!((400..500).contains(&status), "{body} → {status}");
    }
    for body in [
        json!({"code": "Bad Code", "label_ja": "a", "label_en": "a"}),
        json!({"code": "ok", "label_ja": "", "label_en": "a"}),
        json!({"code": "subsidies", "label_ja": "a", "label_en": "a"}),
    ] {
        let (status, _) = app
            .api("POST", &token, "/api/v1/topics", Some(body.clone()))
            .await;
        assert!((400..500).contains(&status), "{body} → {status}");
    }
    for date in strings(&c, &["dates"])
        .into_iter()
        .filter(|d| d != "9999-12-31T23:59:59Z" && d != "1900-01-01T00:00:00Z")
    {
        let (_, created) = app
            .api(
                "POST",
                &token,
                "/api/v1/campaigns",
                Some(json!({"subject": "s", "body_markdown": "b"})),
            )
            .await;
        let id = created["id"].as_i64().unwrap();
        let (status, _) = app
            .api(
                "POST",
                &token,
                &format!("/api/v1/campaigns/{id}/send"),
                Some(json!({"scheduled_at": date})),
            )
            .await;
        assert_eq!(status, 422, "{date}");
    }
    let (status, _) = app
        .api("POST", &token, "/api/v1/campaigns/999999/send", None)
        .await;
    assert_eq!(status, 404);
    let res = app
        .client
        .post(app.url("/api/v1/bounces"))
        .bearer_auth(&token)
        .body("not a dsn")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert_eq!(subscriber_count(&app).await, 0);
}
