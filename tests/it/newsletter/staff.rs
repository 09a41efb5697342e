//! Staff at the newsletter desk: compose, preview, test, import and export, audit, and who may not.

use super::*;

#[tokio::test]
async fn members_are_refused_staff_pages_and_api() {
    let app = spawn_app().await;
    let (_, member_token) = app.api_token("member@example.jp", Role::Member).await;
    app.sign_in("member2@example.jp", Role::Member).await;
    for path in [
        "/staff/newsletter",
        "/staff/newsletter/subscribers",
        "/staff/newsletter/export.csv",
        "/staff/newsletter/import",
        "/staff/newsletter/topics",
        "/staff/newsletter/campaigns/new",
    ] {
        assert_eq!(app.get(path).await.status(), 403, "{path}");
    }
    let res = app
        .post_form_from(
            "/newsletter",
            "/staff/newsletter/topics",
            &[("code", "x"), ("label_ja", "x"), ("label_en", "x")],
        )
        .await;
    assert_eq!(res.status(), 403);
    for (method, path) in [
        (reqwest::Method::GET, "/api/v1/subscribers"),
        (reqwest::Method::POST, "/api/v1/subscribers"),
        (reqwest::Method::GET, "/api/v1/topics"),
        (reqwest::Method::POST, "/api/v1/campaigns"),
        (reqwest::Method::GET, "/api/v1/campaigns/1"),
        (reqwest::Method::POST, "/api/v1/campaigns/1/send"),
        (reqwest::Method::POST, "/api/v1/bounces"),
        (reqwest::Method::DELETE, "/api/v1/subscribers/1"),
    ] {
        let (status, _) = app
            .api(method.as_str(), &member_token, path, Some(json!({})))
            .await;
        assert_eq!(status, 403, "{method} {path}");
        let res = app
            .client
            .request(method.clone(), app.url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "{method} {path} without a token");
    }
}

#[tokio::test]
async fn staff_compose_preview_send_test_import_export_and_audit() {
    let app = spawn_app().await;
    let staff = app.sign_in("staff@example.jp", Role::Staff).await;
    // Compose with a preview.
    let res = app
        .post_form_from(
            "/staff/newsletter/campaigns/new",
            "/staff/newsletter/campaigns",
            &[
                ("subject", "件名"),
                ("body_markdown", "# 見出し\n\n<script>x</script>本文"),
                ("action", "preview"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    assert!(body.contains("<h1>見出し</h1>") && !body.contains("<script>x"));
    let res = app
        .post_form_from(
            "/staff/newsletter/campaigns/new",
            "/staff/newsletter/campaigns",
            &[
                ("subject", "件名"),
                ("body_markdown", "本文"),
                ("topics", "events"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let page_path = location.split('?').next().unwrap().to_string();
    let (status, page) = app.get_text(&location).await;
    assert_eq!(status, 200);
    assert!(page.contains("下書きを保存しました"));
    let res = app
        .post_form_from(&page_path, &format!("{page_path}/test"), &[])
        .await;
    assert_eq!(res.status(), 303);
    let got = app.smtp.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(got[0].rcpt_to, vec![staff.email.clone()]);
    assert!(parsed(&got[0]).subject().unwrap().starts_with("[TEST]"));
    let res = app
        .post_form_from(
            &page_path,
            &format!("{page_path}/send"),
            &[("scheduled_at", "2020-01-01T10:00")],
        )
        .await;
    assert_eq!(res.status(), 422);

    // Import: one bad row, nothing imported; then all good.
    let csv_bad =
        "email,name,company\nok@example.jp,山田,=HYPERLINK(\"x\")\nnot-an-address,佐藤,\n";
    let res = app
        .post_form_from(
            "/staff/newsletter/import",
            "/staff/newsletter/import",
            &[
                ("csv", csv_bad),
                ("consent_source", "2026年11月 福岡セミナー"),
                ("topics", "events"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("3行目"));
    assert_eq!(subscriber_count(&app).await, 0);
    let csv_good =
        "email,name,company\nok@example.jp,山田,=HYPERLINK(\"x\")\nsato@example.jp,佐藤,\n";
    let res = app
        .post_form_from(
            "/staff/newsletter/import",
            "/staff/newsletter/import",
            &[
                ("csv", csv_good),
                ("consent_source", "2026年11月 福岡セミナー"),
                ("topics", "events"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        status_of(&app, "sato@example.jp").await.as_deref(),
        Some("active")
    );

    // Export: BOM, CRLF, formula cells neutralized; audited.
    let res = app.get("/staff/newsletter/export.csv").await;
    assert_eq!(res.status(), 200);
    let bytes = res.bytes().await.unwrap();
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    assert!(text.starts_with('\u{feff}'));
    assert!(text.contains("\r\n"));
    assert!(text.contains("'=HYPERLINK"));
    let (status, list) = app.get_text("/staff/newsletter/subscribers?q=sato").await;
    assert_eq!(status, 200);
    assert!(list.contains("sato@example.jp") && !list.contains("ok@example.jp"));
    let actions: Vec<String> = app
        .db(|c| audit_log::table.select(audit_log::action).load::<String>(c))
        .await;
    for a in [
        "newsletter.campaign.create",
        "newsletter.campaign.test",
        "newsletter.subscriber.import",
        "newsletter.subscriber.export",
        "newsletter.subscriber.list",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} audited");
    }
    // Topics: staff can add one; it shows on the public form.
    // The same code a second time is refused.
    for expected in [303, 422] {
        let res = app
            .post_form_from(
                "/staff/newsletter/topics",
                "/staff/newsletter/topics",
                &[
                    ("code", "dx_support"),
                    ("label_ja", "DX支援"),
                    ("label_en", "DX support"),
                ],
            )
            .await;
        assert_eq!(res.status(), expected);
        assert!(app.get_text("/newsletter").await.1.contains("DX支援"));
    }
    // Manual unsubscribe with the consent history.
    let id = app
        .db(|c| q::find_by_email(c, "sato@example.jp"))
        .await
        .unwrap()
        .id;
    let detail = format!("/staff/newsletter/subscribers/{id}");
    let res = app
        .post_form_from(
            &detail,
            &format!("{detail}/unsubscribe"),
            &[("confirm", "1")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, page) = app.get_text(&detail).await;
    assert!(page.contains("取込み") && page.contains("配信停止"));
}

#[tokio::test]
async fn every_newsletter_form_post_without_csrf_is_refused_except_one_click() {
    let app = spawn_app().await;
    app.sign_in("staff@example.jp", Role::Staff).await;
    for (method, path) in secunity::route_list() {
        if method != "POST" || path.starts_with("/api/") || !path.contains("newsletter") {
            continue;
        }
        let concrete = path
            .replace("{id}", "1")
            .replace("{token}", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        let status = app.post_form(&concrete, &[("x", "1")]).await.status();
        if path.starts_with("/newsletter/unsubscribe/") {
            assert_eq!(status, 404, "{path}: unknown token, but not a CSRF refusal");
        } else {
            assert_eq!(status, 403, "{path}");
        }
    }
}

#[tokio::test]
async fn the_live_preview_renders_sanitized_html_for_staff_only() {
    let app = spawn_app().await;
    app.sign_in("staff@example.jp", Role::Staff).await;
    let token = app.csrf_token("/staff/newsletter/campaigns/new").await;
    let (_, page) = app.get_text("/staff/newsletter/campaigns/new").await;
    assert!(page.contains("newsletter.js"));
    let res = app
        .client
        .post(app.url("/staff/newsletter/preview"))
        .header("X-CSRF-Token", token)
        .form(&[("body_markdown", "**太字**<script>x</script>")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let j: Value = res.json().await.unwrap();
    assert!(
        j["html"]
            .as_str()
            .unwrap()
            .contains("<strong>太字</strong>")
    );
    assert!(!j["html"].as_str().unwrap().contains("<script"));
    assert!(j["text"].as_str().unwrap().starts_with("太字"));
    assert!(!j["text"].as_str().unwrap().contains("<script"));
    let asset = app.get_text("/assets/x/newsletter.js").await;
    assert_eq!(asset.0, 200);
}

#[tokio::test]
async fn staff_cancel_a_campaign_from_its_page_once_and_it_is_audited() {
    let app = spawn_app().await;
    let (_, token) = app.api_token("api-staff@example.jp", Role::Staff).await;
    let (_, created) = app
        .api(
            "POST",
            &token,
            "/api/v1/campaigns",
            Some(json!({"subject": "中止する号", "body_markdown": "本文"})),
        )
        .await;
    let id = created["id"].as_i64().unwrap();
    app.sign_in("staff@example.jp", Role::Staff).await;
    let page = format!("/staff/newsletter/campaigns/{id}");
    let post = |action: &str| {
        let target = format!("{page}/{action}");
        let app = &app;
        let page = page.clone();
        async move { app.post_form_from(&page, &target, &[]).await }
    };
    // A draft cannot be paused: back to the page without a notice, nothing audited.
    let res = post("pause").await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], format!("{page}?done=").as_str());
    let res = post("cancel").await;
    assert_eq!(
        res.headers()["location"],
        format!("{page}?done=cancelled").as_str()
    );
    let (_, shown) = app.get_text(&format!("{page}?done=cancelled")).await;
    assert!(shown.contains("配信を中止しました。"), "{shown}");
    // Cancelling again changes nothing; an unknown action or campaign is not a page.
    let res = post("cancel").await;
    assert_eq!(res.headers()["location"], format!("{page}?done=").as_str());
    assert_eq!(post("explode").await.status(), 404);
    let res = app
        .post_form_from(&page, "/staff/newsletter/campaigns/999999/resume", &[])
        .await;
    assert_eq!(res.status(), 404);
    let actions: Vec<String> = app
        .db(|c| {
            audit_log::table
                .filter(audit_log::action.like("newsletter.campaign.%"))
                .select(audit_log::action)
                .load(c)
        })
        .await;
    assert_eq!(
        actions,
        ["newsletter.campaign.create", "newsletter.campaign.cancel"],
        "one cancel audited; the refused pause and second cancel are not"
    );
}
