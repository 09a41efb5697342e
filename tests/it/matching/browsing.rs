//! Browsing the board: search, expiry, the demo board, the API document and the personal data export.

use super::*;

#[tokio::test]
async fn japanese_search_finds_short_words_and_ignores_width() {
    let app = spawn_app().await;
    let staff = staff_token(&app).await;
    let sme = org(&app, "sme", "株式会社テスト").await;
    let vendor = org(&app, "vendor", "九州セキュリティ株式会社").await;
    for (title, desc) in [
        ("医療機関の端末を守りたい", "診療所のPCとNASです。"),
        ("ECサイトのWAF", "ＥＤＲも検討中です。"),
        ("工場のネットワーク監視", "バックアップも必要です"),
    ] {
        let (s, _) = app
            .api(
                "POST",
                &staff,
                "/api/v1/needs",
                Some(need_body(sme, title, desc)),
            )
            .await;
        assert_eq!(s, 201);
    }
    let (s, _) = app
        .api(
            "POST",
            &staff,
            "/api/v1/offerings",
            Some(offering_body(vendor, "ｾｷｭﾘﾃｨ監視パック", 3000, &[40])),
        )
        .await;
    assert_eq!(s, 201);
    let search = |q: &str, kind: &str| {
        let url = app.url(&format!("/board?kind={kind}&q={}", urlencode(q)));
        let client = app.client.clone();
        async move { crate::support::text_at(&client, url).await }
    };
    // Two-character words: the LIKE fallback.
    let page = search("医療", "needs").await;
    assert!(page.contains("医療機関の端末を守りたい"));
    assert!(!page.contains("工場のネットワーク監視"));
    assert!(
        search("端末", "needs")
            .await
            .contains("医療機関の端末を守りたい")
    );
    // Full-width text found by half-width query and the other way round.
    assert!(search("edr", "needs").await.contains("ECサイトのWAF"));
    assert!(
        search("ＮＡＳ", "needs")
            .await
            .contains("医療機関の端末を守りたい")
    );
    // Trigram terms (3+ characters), half-width katakana stored, full-width asked.
    assert!(
        search("セキュリティ", "offerings")
            .await
            .contains("ｾｷｭﾘﾃｨ監視パック")
    );
    assert!(
        search("バックアップ", "needs")
            .await
            .contains("工場のネットワーク監視")
    );
    assert!(
        !search("バックアップ", "needs")
            .await
            .contains("ECサイトのWAF")
    );
    // Metacharacters are text.
    assert!(!search("%_", "needs").await.contains("医療機関"));
    // Facets.
    let page = app
        .get_text("/board?kind=needs&category=B7&prefecture=40&sector=medical_pharmacy")
        .await
        .1;
    assert!(page.contains("医療機関の端末を守りたい"));
    assert!(
        !app.get_text("/board?kind=needs&prefecture=41")
            .await
            .1
            .contains("医療機関")
    );
    let mut onsite_only = offering_body(vendor, "佐賀・長崎の駆付け", 3000, &[41, 42]);
    onsite_only["remote_ok"] = json!(false);
    let (s, _) = app
        .api("POST", &staff, "/api/v1/offerings", Some(onsite_only))
        .await;
    assert_eq!(s, 201);
    let has = |q: &str| {
        let url = app.url(q);
        let client = app.client.clone();
        async move {
            crate::support::text_at(&client, url)
                .await
                .contains("佐賀・長崎の駆付け")
        }
    };
    assert!(has("/board?kind=offerings&prefecture=42").await);
    assert!(!has("/board?kind=offerings&prefecture=4").await);
    assert!(!has("/board?kind=offerings&prefecture=40").await);
}

#[tokio::test]
async fn expired_posts_disappear_everywhere_but_stay_in_the_kpis() {
    let app = spawn_app().await;
    let staff = staff_token(&app).await;
    let sme = org(&app, "sme", "株式会社テスト").await;
    let vendor = org(&app, "vendor", "ベンダー株式会社").await;
    let (_, need) = app
        .api(
            "POST",
            &staff,
            "/api/v1/needs",
            Some(need_body(sme, "医療端末の監視", "説明")),
        )
        .await;
    let (_, off) = app
        .api(
            "POST",
            &staff,
            "/api/v1/offerings",
            Some(offering_body(vendor, "医療向け監視サービス", 4000, &[40])),
        )
        .await;
    let (nid, oid) = (need["id"].as_i64().unwrap(), off["id"].as_i64().unwrap());
    let (_, sugg) = app
        .api(
            "GET",
            &staff,
            &format!("/api/v1/needs/{nid}/suggestions"),
            None,
        )
        .await;
    assert_eq!(sugg.as_array().unwrap().len(), 1);
    assert!(
        app.get_text("/board?q=医療")
            .await
            .1
            .contains("医療端末の監視")
    );

    // The offering passes its reconfirmation date: no longer suggested, listed or found.
    let past = chrono::Utc::now().naive_utc() - chrono::Duration::days(1);
    app.db(move |c| {
        diesel::update(matching_offerings::table.find(oid))
            .set(matching_offerings::reconfirm_by.eq(past))
            .execute(c)
    })
    .await;
    let (_, sugg) = app
        .api(
            "GET",
            &staff,
            &format!("/api/v1/needs/{nid}/suggestions"),
            None,
        )
        .await;
    assert_eq!(sugg, json!([]));
    assert!(
        !app.get_text("/board?kind=offerings")
            .await
            .1
            .contains("医療向け監視サービス")
    );
    assert!(
        !app.get_text("/board?kind=offerings&q=医療")
            .await
            .1
            .contains("医療向け監視サービス")
    );
    assert_eq!(
        app.get(&format!("/board/offerings/{oid}")).await.status(),
        404
    );

    // The need expires too.
    app.db(move |c| {
        diesel::update(matching_needs::table.find(nid))
            .set(matching_needs::expires_at.eq(past))
            .execute(c)
    })
    .await;
    assert!(!app.get_text("/board").await.1.contains("医療端末の監視"));
    assert!(
        !app.get_text("/board?q=医療")
            .await
            .1
            .contains("医療端末の監視")
    );
    assert!(
        !app.get_text("/board?q=医療端末")
            .await
            .1
            .contains("医療端末の監視")
    );
    assert_eq!(app.get(&format!("/board/needs/{nid}")).await.status(), 404);
    let vtoken = member_token(&app, "v@example.jp", vendor).await;
    let (status, _) = app
        .api("GET", &vtoken, &format!("/api/v1/needs/{nid}"), None)
        .await;
    assert_eq!(status, 404);

    // Staff KPIs still count both, as expired.
    app.sign_in("staff@example.jp", Role::Staff).await;
    let (_, kpis) = app.get_text("/staff/board").await;
    assert!(kpis.contains("期限切れ"));
    assert!(kpis.contains("<svg"));

    // One-click renewal brings the need back.
    sign_in_member(&app, "sme@example.jp", sme).await;
    let res = app
        .post_form_from(
            &format!("/board/needs/{nid}"),
            &format!("/board/needs/{nid}/renew"),
            &[],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert!(
        reqwest::get(app.url("/board"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            .contains("医療端末の監視")
    );
}

#[tokio::test]
async fn the_board_routes_are_in_the_openapi_document_and_personal_data_can_be_exported() {
    let app = spawn_app().await;
    let doc: Value = app.get("/api/openapi.json").await.json().await.unwrap();
    for (_, path) in secunity::route_list().into_iter().filter(|(_, p)| {
        p.starts_with("/api/v1/")
            && (p.contains("needs") || p.contains("offerings") || p.contains("introductions"))
    }) {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
    let sme = org(&app, "sme", "株式会社テスト").await;
    let token = member_token(&app, "p@example.jp", sme).await;
    let (s, _) = app
        .api(
            "POST",
            &token,
            "/api/v1/needs",
            Some(need_body(sme, "私の要望", "説明")),
        )
        .await;
    assert_eq!(s, 201);
    let export = app
        .db(|c| secunity::matching::privacy::export_person(c, "p@example.jp"))
        .await;
    assert_eq!(export["needs"][0]["title"], "私の要望");
    app.db(|c| secunity::matching::privacy::erase_person(c, "p@example.jp"))
        .await;
    let export = app
        .db(|c| secunity::matching::privacy::export_person(c, "p@example.jp"))
        .await;
    assert_eq!(export["needs"], json!([]));
}

#[tokio::test]
async fn demo_posts_make_a_living_board_with_explained_suggestions() {
    let app = spawn_app().await;
    let first = app.db(secunity::matching::demo::load).await;
    assert_eq!(first, 6);
    let again = app.db(secunity::matching::demo::load).await;
    assert_eq!(again, 0, "loading twice adds nothing");
    let (_, board) = app.get_text("/board").await;
    assert!(board.contains("福岡県・医療・従業員6〜20人"));
    assert!(
        board.contains("(デモ)みやざき物産オンライン"),
        "this SME shows its name"
    );
    assert!(!board.contains("ひまわり調剤薬局"), "this one does not");
    let staff = staff_token(&app).await;
    let nid: i64 = app
        .db(|c| {
            matching_needs::table
                .filter(matching_needs::title.eq("工場ネットワークの監視と初動対応"))
                .select(matching_needs::id)
                .first::<i64>(c)
        })
        .await;
    // Needs B1, B3, C1 on site in Kumamoto with the subsidy: the お助け隊 package answers.
    let (_, sugg) = app
        .api(
            "GET",
            &staff,
            &format!("/api/v1/needs/{nid}/suggestions"),
            None,
        )
        .await;
    let reasons = sugg[0]["reasons"].to_string();
    assert!(reasons.contains("お助け隊"), "{sugg}");
    assert!(reasons.contains("ご要望3分類のうち3分類に対応"), "{sugg}");
}
