//! Posting on the board: a need or an offering from form to review to the public board, and who may edit it.

use super::*;

#[tokio::test]
async fn a_need_is_reviewed_then_shown_anonymously_on_the_board() {
    let app = spawn_app().await;
    let sme = org(&app, "sme", "株式会社ひまわり薬局").await;
    sign_in_member(&app, "sme@example.jp", sme).await;
    let res = app
        .post_form_from(
            "/board/needs/new",
            "/board/needs",
            &form_need(
                "端末監視とバックアップを検討",
                "調剤薬局で10台のPCがあります。",
            ),
        )
        .await;
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = location
        .trim_start_matches("/board/needs/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let (_, body) = app.get_text(&location).await;
    assert!(body.contains("確認待ち"), "{body}");
    // Not on the board while in review.
    let (_, board) = app.get_text("/board").await;
    assert!(!board.contains("端末監視とバックアップを検討"));

    // Staff reject with a reason the poster sees, then (after an edit) approve.
    app.sign_in("staff@example.jp", Role::Staff).await;
    let (_, queue) = app.get_text("/staff/board").await;
    assert!(queue.contains("端末監視とバックアップを検討"));
    let res = app
        .post_form_from(
            "/staff/board",
            &format!("/staff/board/needs/{id}/reject"),
            &[("reason", "台数の記載を確認してください")],
        )
        .await;
    assert_eq!(res.status(), 303);
    sign_in_member(&app, "sme@example.jp", sme).await;
    let (_, mine) = app.get_text("/board/mine").await;
    assert!(mine.contains("台数の記載を確認してください"));
    let res = app
        .post_form_from(
            &format!("/board/needs/{id}/edit"),
            &format!("/board/needs/{id}"),
            &form_need(
                "端末監視とバックアップを検討",
                "調剤薬局でPCが10台あります。",
            ),
        )
        .await;
    assert_eq!(res.status(), 303);
    app.sign_in("staff@example.jp", Role::Staff).await;
    let res = app
        .post_form_from(
            "/staff/board",
            &format!("/staff/board/needs/{id}/approve"),
            &[],
        )
        .await;
    assert_eq!(res.status(), 303);

    // The public board: anonymous card with prefecture, sector, size and categories.
    let anon = reqwest::Client::new();
    let board = crate::support::text_at(&anon, app.url("/board")).await;
    assert!(board.contains("端末監視とバックアップを検討"));
    assert!(
        board.contains("福岡県・医療・従業員6〜20人・端末監視 EDR/EPPとバックアップ・復旧を検討"),
        "{board}"
    );
    assert!(!board.contains("ひまわり薬局"));
    let page = crate::support::text_at(&anon, app.url(&format!("/board/needs/{id}"))).await;
    assert!(!page.contains("ひまわり薬局"));
    assert!(!page.contains("sme@example.jp"));

    // The poster was told by mail about the rejection (with the reason) and the approval,
    // once each, and nobody else was mailed.
    app.wait_outbox_drained().await;
    let mails = app.smtp.messages();
    let told: Vec<(String, String, String)> = mails
        .iter()
        .map(|m| {
            let parsed = crate::support::smtp::parsed(m);
            (
                m.rcpt_to[0].clone(),
                parsed.subject().unwrap_or_default().to_string(),
                parsed.body_text(0).unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(told.len(), 2, "{told:?}");
    assert!(
        told.iter().all(|(to, _, _)| to == "sme@example.jp"),
        "{told:?}"
    );
    let (_, rejected, reason) = &told[0];
    assert_eq!(
        rejected,
        "【地域SECUNITY】「端末監視とバックアップを検討」の掲載を差し戻しました"
    );
    assert!(reason.contains("台数の記載を確認してください"), "{reason}");
    assert_eq!(
        told[1].1,
        "【地域SECUNITY】「端末監視とバックアップを検討」を公開しました"
    );
}

#[tokio::test]
async fn an_incident_is_pointed_to_the_ipa_desk_and_not_stored() {
    let app = spawn_app().await;
    let sme = org(&app, "sme", "株式会社テスト").await;
    sign_in_member(&app, "sme@example.jp", sme).await;
    let res = app
        .post_form_from(
            "/board/needs/new",
            "/board/needs",
            &form_need("至急", "ランサムウェアに感染してファイルが暗号化された"),
        )
        .await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("情報セキュリティ安心相談窓口"));
    assert!(body.contains("お助け隊"));
    assert_eq!(count_needs(&app).await, 0);

    let token = member_token(&app, "sme2@example.jp", sme).await;
    let (status, answer) = app
        .api(
            "POST",
            &token,
            "/api/v1/needs",
            Some(need_body(sme, "不正アクセスの被害", "乗っ取られました")),
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("安心相談窓口")
    );
    assert_eq!(count_needs(&app).await, 0);
}

#[tokio::test]
async fn bad_input_gets_messages_and_stores_nothing() {
    let app = spawn_app().await;
    let sme = org(&app, "sme", "株式会社テスト").await;
    sign_in_member(&app, "sme@example.jp", sme).await;
    let res = app
        .post_form_from(
            "/board/needs/new",
            "/board/needs",
            &[
                ("title", ""),
                ("categories", "Z9"),
                ("prefecture", "99"),
                ("device_count", "1e9"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("入力内容に誤りがあります"));
    assert!(body.contains("この項目は必須です"));
    assert!(body.contains("選択肢から選んでください"));

    let bad = crate::support::corpus::corpus();
    let token = member_token(&app, "sme2@example.jp", sme).await;
    let mut titles: Vec<String> = vec!["x".repeat(101), "名前\r\nBcc: victim@example.jp".into()];
    titles.extend(
        crate::support::corpus::strings(&bad, &["too_long", "control_characters"])
            .into_iter()
            .filter(|s| s.chars().count() > 100 || s.chars().any(|c| c.is_control())),
    );
    for t in titles {
        let (status, answer) = app
            .api(
                "POST",
                &token,
                "/api/v1/needs",
                Some(need_body(sme, &t, "説明")),
            )
            .await;
        // A NUL is refused as unreadable (400), other bad titles as invalid (422): each
        // answer names the field.
        assert_eq!(status, crate::bad_input::refused_with(&t), "{t:?}");
        assert!(
            answer["error"]["message"]
                .as_str()
                .unwrap()
                .contains("title")
        );
        assert_eq!(answer["error"]["fields"][0]["field"], "title", "{answer}");
    }
    for n in crate::support::corpus::values(&bad, "numbers") {
        let mut b = need_body(sme, "件名", "説明");
        b["device_count"] = n.clone();
        let (status, _) = app.api("POST", &token, "/api/v1/needs", Some(b)).await;
        assert!(status == 201 || status == 422, "{n}: {status}");
    }
    let (status, _) = app
        .api("POST", &token, "/api/v1/needs", Some(json!([1, 2])))
        .await;
    assert_eq!(status, 400);
    let before = count_needs(&app).await;
    let (status, _) = app
        .api(
            "POST",
            &token,
            "/api/v1/offerings",
            Some(offering_body(sme, "x", 1, &[])),
        )
        .await;
    assert_eq!(status, 403, "an SME cannot post an offering");
    assert_eq!(count_needs(&app).await, before);
    let stored_bad: i64 = app
        .db(|c| {
            matching_needs::table
                .filter(matching_needs::title.like("%Bcc%"))
                .count()
                .get_result::<i64>(c)
        })
        .await;
    assert_eq!(stored_bad, 0);
}

#[tokio::test]
async fn a_member_of_another_organization_cannot_edit_a_post() {
    let app = spawn_app().await;
    let sme = org(&app, "sme", "A社").await;
    let other = org(&app, "sme", "B社").await;
    let token = member_token(&app, "a@example.jp", sme).await;
    let (status, need) = app
        .api(
            "POST",
            &token,
            "/api/v1/needs",
            Some(need_body(sme, "元の件名", "説明")),
        )
        .await;
    assert_eq!(status, 201);
    let id = need["id"].as_i64().unwrap();
    assert_eq!(need["status"], "draft");
    sign_in_member(&app, "b@example.jp", other).await;
    let (status, _) = app.get_text(&format!("/board/needs/{id}/edit")).await;
    assert_eq!(status, 404);
    let res = app
        .post_form_from(
            "/board",
            &format!("/board/needs/{id}"),
            &form_need("乗っ取った件名", "説明"),
        )
        .await;
    assert_eq!(res.status(), 404);
    let res = app
        .post_form_from("/board", &format!("/board/needs/{id}/close"), &[])
        .await;
    assert_eq!(res.status(), 404);
    let title: String = app
        .db(move |c| {
            matching_needs::table
                .find(id)
                .select(matching_needs::title)
                .first::<String>(c)
        })
        .await;
    assert_eq!(title, "元の件名");
    // A vendor cannot open the need form at all.
    let vendor = org(&app, "vendor", "C社").await;
    sign_in_member(&app, "v@example.jp", vendor).await;
    assert_eq!(app.get("/board/needs/new").await.status(), 403);
}

#[tokio::test]
async fn a_vendor_manages_its_offering_through_the_same_pages_as_a_need() {
    let app = spawn_app().await;
    let vendor = org(&app, "vendor", "九州セキュリティ株式会社").await;
    let token = member_token(&app, "v@example.jp", vendor).await;
    let (status, offering) = app
        .api(
            "POST",
            &token,
            "/api/v1/offerings",
            Some(offering_body(vendor, "UTM 導入と運用", 3000, &[40])),
        )
        .await;
    assert_eq!(status, 201);
    let id = offering["id"].as_i64().unwrap();
    sign_in_member(&app, "v@example.jp", vendor).await;
    // The new form starts from the usual offering defaults and posts to the offerings.
    let (status, form) = app.get_text("/board/offerings/new").await;
    assert_eq!(status, 200);
    assert!(form.contains(r#"action="/board/offerings""#), "{form}");
    let (status, edit) = app.get_text(&format!("/board/offerings/{id}/edit")).await;
    assert_eq!(status, 200);
    assert!(edit.contains("UTM 導入と運用"));
    assert!(edit.contains(&format!(r#"action="/board/offerings/{id}""#)));
    // A draft cannot be renewed (it was never approved); closing works.
    let res = app
        .post_form_from("/board", &format!("/board/offerings/{id}/renew"), &[])
        .await;
    assert_eq!(res.status(), 409);
    let res = app
        .post_form_from("/board", &format!("/board/offerings/{id}/close"), &[])
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers()["location"].to_str().unwrap(),
        format!("/board/offerings/{id}?done=close")
    );
    let (status, page) = app
        .get_text(&format!("/board/offerings/{id}?done=close"))
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("UTM 導入と運用"));
    let stored: String = app
        .db(move |c| {
            matching_offerings::table
                .find(id)
                .select(matching_offerings::status)
                .first::<String>(c)
        })
        .await;
    assert_eq!(stored, "closed", "the close was stored");
    assert!(
        page.contains("掲載を終了しました。"),
        "the result is announced: {page}"
    );
    let (_, again) = app.get_text(&format!("/board/offerings/{id}")).await;
    assert!(
        again.contains("状態: <strong>終了</strong>"),
        "its page says it is closed: {again}"
    );
    // Anything else under /board is not a page.
    for path in [
        "/board/offerings/abc".to_string(),
        "/board/requests/1".to_string(),
        format!("/board/offerings/{id}/edit/more"),
    ] {
        assert_eq!(app.get(&path).await.status(), 404, "{path}");
    }
    let res = app
        .post_form_from("/board", &format!("/board/offerings/{id}/explode"), &[])
        .await;
    assert_eq!(res.status(), 404);
    // An SME member cannot open the offering form.
    let sme = org(&app, "sme", "A社").await;
    sign_in_member(&app, "s@example.jp", sme).await;
    assert_eq!(app.get("/board/offerings/new").await.status(), 403);
}

#[tokio::test]
async fn the_offering_form_groups_categories_and_prefectures_and_all_of_kyushu_means_seven() {
    let app = spawn_app().await;
    let vendor = org(&app, "vendor", "株式会社九州セキュア").await;
    sign_in_member(&app, "vendor@example.jp", vendor).await;
    let (status, form) = app.get_text("/board/offerings/new").await;
    assert_eq!(status, 200);
    // Categories by family, prefectures by region with Kyushu first and its shortcut.
    for legend in [
        "A 相談・診断",
        "B 監視・防御",
        "E 制度・パッケージ",
        "九州",
        "関東",
        "沖縄",
    ] {
        assert!(
            form.contains(&format!("<legend>{legend}</legend>")),
            "{legend}"
        );
    }
    let kyushu = form.find("<legend>九州</legend>").unwrap();
    assert!(kyushu < form.find("<legend>北海道</legend>").unwrap());
    assert!(form.contains("value=\"kyushu\""));
    assert!(form.contains("九州全域(7県すべて)"));
    // The first choice still carries the field's id, for the error summary's link.
    assert!(
        form.contains("id=\"f-onsite_prefectures\" name=\"onsite_prefectures\" value=\"kyushu\"")
    );

    let res = app
        .post_form_from(
            "/board/offerings/new",
            "/board/offerings",
            &[
                ("title", "九州全域の駆付け対応"),
                ("description", "九州7県に駆け付けます。"),
                ("categories", "C1"),
                ("onsite_prefectures", "kyushu"),
                ("price_model", "quote"),
                ("capacity", "open"),
                ("languages", "ja"),
                ("action", "draft"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    let stored: String = app
        .db(|c| {
            matching_offerings::table
                .select(matching_offerings::onsite_prefectures)
                .first(c)
        })
        .await;
    let codes: Vec<&str> = stored
        .split(|ch: char| !ch.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .collect();
    assert_eq!(
        codes,
        ["40", "41", "42", "43", "44", "45", "46"],
        "{stored}"
    );
}
