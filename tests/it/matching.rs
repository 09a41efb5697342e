//! The matching board: posting and review, the public board and its Japanese search, expiry,
//! suggestions, introductions with consent (no contact detail before both agreed), rights.

use diesel::prelude::*;
use secunity::accounts::Role;
use secunity::schema::{matching_needs, matching_offerings, organizations, users};
use serde_json::{Value, json};

use crate::support::smtp::SmtpServer;
use crate::support::{TestApp, spawn_app, spawn_app_with};

pub async fn org(app: &TestApp, kind: &str, name: &str) -> i64 {
    let (kind, name) = (kind.to_string(), name.to_string());
    app.db(move |c| {
        diesel::insert_into(organizations::table)
            .values((
                organizations::kind.eq(kind),
                organizations::name.eq(name),
                organizations::prefecture.eq(40),
                organizations::created_at.eq(chrono::Utc::now().naive_utc()),
            ))
            .returning(organizations::id)
            .get_result::<i64>(c)
    })
    .await
}

pub(crate) async fn join(app: &TestApp, email: &str, org: i64) {
    let email = email.to_string();
    app.db(move |c| {
        diesel::update(users::table.filter(users::email.eq(email)))
            .set(users::organization_id.eq(org))
            .execute(c)
    })
    .await;
}

/// Signs this client in as a member of `org`.
async fn sign_in_member(app: &TestApp, email: &str, org: i64) {
    app.sign_in(email, Role::Member).await;
    join(app, email, org).await;
}

/// An API token of a member of `org`.
pub async fn member_token(app: &TestApp, email: &str, org: i64) -> String {
    let (_, token) = app.api_token(email, Role::Member).await;
    join(app, email, org).await;
    token
}

pub async fn api(
    app: &TestApp,
    method: &str,
    token: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = match method {
        "POST" => app.client.post(app.url(path)),
        _ => app.client.get(app.url(path)),
    }
    .bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

pub fn need_body(org: i64, title: &str, description: &str) -> Value {
    json!({
        "organization_id": org,
        "title": title,
        "description": description,
        "categories": ["B2", "B7"],
        "prefecture": 40,
        "onsite_needed": true,
        "employee_band": "6-20",
        "device_count": 10,
        "budget_band": "monthly_30k_50k",
        "urgency": "within_3_months",
        "sector": "medical_pharmacy"
    })
}

pub fn offering_body(org: i64, title: &str, per_device: i64, onsite: &[i32]) -> Value {
    json!({
        "organization_id": org,
        "title": title,
        "description": "端末監視とバックアップを月額で提供します。",
        "categories": ["B2", "B7"],
        "onsite_prefectures": onsite,
        "remote_ok": true,
        "price_model": "per_device",
        "price_amount": per_device,
        "target_bands": ["6-20"],
        "sectors": ["medical_pharmacy"],
        "capacity": "open"
    })
}

pub async fn staff_token(app: &TestApp) -> String {
    app.api_token("staff@example.jp", Role::Staff).await.1
}

pub(crate) fn form_need<'a>(title: &'a str, description: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("description", description),
        ("categories", "B2"),
        ("categories", "B7"),
        ("prefecture", "40"),
        ("employee_band", "6-20"),
        ("device_count", "10"),
        ("budget_band", "monthly_30k_50k"),
        ("urgency", "considering"),
        ("sector", "medical_pharmacy"),
        ("onsite_needed", "1"),
        ("action", "submit"),
    ]
}

async fn count_needs(app: &TestApp) -> i64 {
    app.db(|c| matching_needs::table.count().get_result::<i64>(c))
        .await
}

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
    let board = anon
        .get(app.url("/board"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(board.contains("端末監視とバックアップを検討"));
    assert!(
        board.contains("福岡県・医療・従業員6〜20人・端末監視 EDR/EPPとバックアップ・復旧を検討"),
        "{board}"
    );
    assert!(!board.contains("ひまわり薬局"));
    let page = anon
        .get(app.url(&format!("/board/needs/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
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
    let (status, answer) = api(
        &app,
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
        let (status, answer) = api(
            &app,
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
        let (status, _) = api(&app, "POST", &token, "/api/v1/needs", Some(b)).await;
        assert!(status == 201 || status == 422, "{n}: {status}");
    }
    let (status, _) = api(&app, "POST", &token, "/api/v1/needs", Some(json!([1, 2]))).await;
    assert_eq!(status, 400);
    let before = count_needs(&app).await;
    let (status, _) = api(
        &app,
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
    let (status, need) = api(
        &app,
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
        let (s, _) = api(
            &app,
            "POST",
            &staff,
            "/api/v1/needs",
            Some(need_body(sme, title, desc)),
        )
        .await;
        assert_eq!(s, 201);
    }
    let (s, _) = api(
        &app,
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
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
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
    let (s, _) = api(&app, "POST", &staff, "/api/v1/offerings", Some(onsite_only)).await;
    assert_eq!(s, 201);
    let has = |q: &str| {
        let url = app.url(q);
        let client = app.client.clone();
        async move {
            client
                .get(url)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
                .contains("佐賀・長崎の駆付け")
        }
    };
    assert!(has("/board?kind=offerings&prefecture=42").await);
    assert!(!has("/board?kind=offerings&prefecture=4").await);
    assert!(!has("/board?kind=offerings&prefecture=40").await);
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn expired_posts_disappear_everywhere_but_stay_in_the_kpis() {
    let app = spawn_app().await;
    let staff = staff_token(&app).await;
    let sme = org(&app, "sme", "株式会社テスト").await;
    let vendor = org(&app, "vendor", "ベンダー株式会社").await;
    let (_, need) = api(
        &app,
        "POST",
        &staff,
        "/api/v1/needs",
        Some(need_body(sme, "医療端末の監視", "説明")),
    )
    .await;
    let (_, off) = api(
        &app,
        "POST",
        &staff,
        "/api/v1/offerings",
        Some(offering_body(vendor, "医療向け監視サービス", 4000, &[40])),
    )
    .await;
    let (nid, oid) = (need["id"].as_i64().unwrap(), off["id"].as_i64().unwrap());
    let (_, sugg) = api(
        &app,
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
    let (_, sugg) = api(
        &app,
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
    let (status, _) = api(&app, "GET", &vtoken, &format!("/api/v1/needs/{nid}"), None).await;
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
async fn suggestions_explain_themselves_and_contacts_wait_for_both_sides() {
    let app = spawn_app().await;
    let staff = staff_token(&app).await;
    let sme = org(&app, "sme", "ひまわり薬局").await;
    let near = org(&app, "vendor", "博多セキュリティ").await;
    let far = org(&app, "vendor", "薩摩ネット").await;
    let sme_token = member_token(&app, "yakkyoku@example.jp", sme).await;
    let near_token = member_token(&app, "hakata@example.jp", near).await;
    let far_token = member_token(&app, "satsuma@example.jp", far).await;
    let (_, need) = api(
        &app,
        "POST",
        &staff,
        "/api/v1/needs",
        Some(need_body(sme, "端末監視とバックアップ", "調剤薬局です")),
    )
    .await;
    let nid = need["id"].as_i64().unwrap();
    // Created by staff: make the SME member the author, as if it had posted it.
    app.db(move |c| {
        let uid: i64 = users::table
            .filter(users::email.eq("yakkyoku@example.jp"))
            .select(users::id)
            .first(c)?;
        diesel::update(matching_needs::table.find(nid))
            .set(matching_needs::created_by.eq(uid))
            .execute(c)
    })
    .await;
    let (s, good) = api(
        &app,
        "POST",
        &near_token,
        "/api/v1/offerings",
        Some(offering_body(0, "福岡の端末監視", 4000, &[40])),
    )
    .await;
    assert_eq!(s, 201, "{good}");
    assert_eq!(good["status"], "draft");
    let good_id = good["id"].as_i64().unwrap();
    // Staff publish it (review), and post the far vendor's remote-only offering directly.
    app.sign_in("staff@example.jp", Role::Staff).await;
    app.db(move |c| {
        diesel::update(matching_offerings::table.find(good_id))
            .set(matching_offerings::status.eq("in_review"))
            .execute(c)
    })
    .await;
    let res = app
        .post_form_from(
            "/staff/board",
            &format!("/staff/board/offerings/{good_id}/approve"),
            &[],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, remote) = api(
        &app,
        "POST",
        &staff,
        "/api/v1/offerings",
        Some(offering_body(far, "鹿児島からリモート監視", 2500, &[46])),
    )
    .await;
    let remote_id = remote["id"].as_i64().unwrap();

    // The SME sees one suggestion (on-site is needed), with reasons in plain Japanese.
    let (status, sugg) = api(
        &app,
        "GET",
        &sme_token,
        &format!("/api/v1/needs/{nid}/suggestions"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let list = sugg.as_array().unwrap();
    assert_eq!(list.len(), 1, "{sugg}");
    assert_eq!(list[0]["offering_id"], good_id);
    let reasons: Vec<&str> = list[0]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(
        reasons.contains(&"ご要望2分類のうち2分類に対応"),
        "{reasons:?}"
    );
    assert!(reasons.contains(&"福岡県内に駆付け対応可"), "{reasons:?}");
    assert!(
        reasons.contains(&"概算 月4万円 — ご予算帯内"),
        "{reasons:?}"
    );
    assert!(list[0]["score"].as_u64().unwrap() > 80);
    // Another organization cannot read them.
    let (status, _) = api(
        &app,
        "GET",
        &far_token,
        &format!("/api/v1/needs/{nid}/suggestions"),
        None,
    )
    .await;
    assert_eq!(status, 404);
    // The far vendor learns why it was not suggested.
    sign_in_member(&app, "satsuma@example.jp", far).await;
    let (_, page) = app.get_text(&format!("/board/needs/{nid}")).await;
    assert!(page.contains("訪問対応地域に含まれていません"), "{page}");
    let (status, _) = api(
        &app,
        "POST",
        &far_token,
        "/api/v1/introductions",
        Some(json!({"need_id": nid, "offering_id": remote_id})),
    )
    .await;
    assert_eq!(status, 409);

    // The near vendor asks for an introduction: no contact detail anywhere yet.
    let (status, intro) = api(
        &app,
        "POST",
        &near_token,
        "/api/v1/introductions",
        Some(json!({"need_id": nid, "offering_id": good_id})),
    )
    .await;
    assert_eq!(status, 201, "{intro}");
    assert_eq!(intro["contact"], Value::Null);
    let iid = intro["id"].as_i64().unwrap();
    let (_, seen) = api(
        &app,
        "GET",
        &sme_token,
        &format!("/api/v1/introductions/{iid}"),
        None,
    )
    .await;
    assert_eq!(seen["contact"], Value::Null);
    assert!(!seen.to_string().contains("hakata@example.jp"));
    sign_in_member(&app, "yakkyoku@example.jp", sme).await;
    let (_, mine) = app.get_text("/board/mine").await;
    assert!(mine.contains("端末監視とバックアップ"));
    assert!(
        !mine.contains("hakata@example.jp"),
        "vendor email leaked before consent"
    );
    sign_in_member(&app, "hakata@example.jp", near).await;
    let (_, vmine) = app.get_text("/board/mine").await;
    assert!(!vmine.contains("yakkyoku@example.jp"));
    let (_, npage) = app.get_text(&format!("/board/needs/{nid}")).await;
    assert!(!npage.contains("yakkyoku@example.jp") && !npage.contains("ひまわり薬局"));
    // Mails so far: the approval (to the vendor) and the request (to the SME).
    let got = app
        .smtp
        .wait_for(2, std::time::Duration::from_secs(10))
        .await;
    let to_sme: Vec<_> = got
        .iter()
        .filter(|m| m.rcpt_to == vec!["yakkyoku@example.jp".to_string()])
        .collect();
    assert_eq!(to_sme.len(), 1, "the SME is told");
    let text = crate::support::smtp::parsed(to_sme[0])
        .body_text(0)
        .unwrap()
        .to_string();
    assert!(text.contains("端末監視とバックアップ"));
    assert!(
        !text.contains("hakata@example.jp"),
        "without the vendor's address"
    );

    // The vendor cannot accept its own request; the SME accepts.
    let (status, _) = api(
        &app,
        "POST",
        &near_token,
        &format!("/api/v1/introductions/{iid}/accept"),
        None,
    )
    .await;
    assert_eq!(status, 409);
    let (status, done) = api(
        &app,
        "POST",
        &sme_token,
        &format!("/api/v1/introductions/{iid}/accept"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(done["stage"], "introduced");
    assert_eq!(done["contact"]["email"], "hakata@example.jp");
    assert!(done["sme_consent_at"].is_string() && done["vendor_consent_at"].is_string());
    let (_, vseen) = api(
        &app,
        "GET",
        &near_token,
        &format!("/api/v1/introductions/{iid}"),
        None,
    )
    .await;
    assert_eq!(vseen["contact"]["email"], "yakkyoku@example.jp");
    let (_, vmine) = app.get_text("/board/mine").await;
    assert!(vmine.contains("yakkyoku@example.jp"));
    // The vendor sees the need among those its offering could answer; progress is recorded,
    // and only the SME confirms a contract.
    let (status, open) = api(
        &app,
        "GET",
        &near_token,
        &format!("/api/v1/offerings/{good_id}/needs"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{open}");
    assert_eq!(open[0]["need_id"], nid);
    let (status, _) = api(
        &app,
        "POST",
        &near_token,
        &format!("/api/v1/introductions/{iid}/stage"),
        Some(json!({"stage": "contracted"})),
    )
    .await;
    assert_eq!(status, 422);
    let (status, _) = api(
        &app,
        "POST",
        &near_token,
        &format!("/api/v1/introductions/{iid}/stage"),
        Some(json!({"stage": "meeting_held"})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, done) = api(
        &app,
        "POST",
        &sme_token,
        &format!("/api/v1/introductions/{iid}/stage"),
        Some(json!({"stage": "contracted"})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(done["stage"], "contracted");
    assert_eq!(done["history"].as_array().unwrap().len(), 4);
    let mails = app
        .smtp
        .wait_for(4, std::time::Duration::from_secs(10))
        .await;
    let introduced = mails
        .iter()
        .filter(|m| m.rcpt_to == vec!["yakkyoku@example.jp".to_string()])
        .filter_map(|m| {
            crate::support::smtp::parsed(m)
                .body_text(0)
                .map(|t| t.to_string())
        })
        .find(|t| t.contains("hakata@example.jp"));
    assert!(
        introduced.is_some(),
        "after both agreed the SME gets the vendor's contact"
    );
}

#[tokio::test]
async fn staff_pin_and_remove_suggestions_and_vendors_are_limited_per_week() {
    // The weekly limit is a setting: three here.
    let app = crate::support::spawn_app_with(
        &[("MATCHING_INTRODUCTIONS_PER_WEEK", "3")],
        crate::support::smtp::SmtpServer::start().await,
    )
    .await;
    let staff = staff_token(&app).await;
    let sme = org(&app, "sme", "株式会社テスト").await;
    let vendor = org(&app, "vendor", "ベンダー").await;
    let vtoken = member_token(&app, "v@example.jp", vendor).await;
    let (_, a) = api(
        &app,
        "POST",
        &staff,
        "/api/v1/offerings",
        Some(offering_body(vendor, "安いプラン", 1000, &[40])),
    )
    .await;
    let (_, b) = api(
        &app,
        "POST",
        &staff,
        "/api/v1/offerings",
        Some(offering_body(vendor, "高いプラン", 20000, &[40])),
    )
    .await;
    let (a, b) = (a["id"].as_i64().unwrap(), b["id"].as_i64().unwrap());
    let mut needs = Vec::new();
    for i in 0..6 {
        let (_, n) = api(
            &app,
            "POST",
            &staff,
            "/api/v1/needs",
            Some(need_body(sme, &format!("要望{i}"), "説明")),
        )
        .await;
        needs.push(n["id"].as_i64().unwrap());
    }
    let (_, s) = api(
        &app,
        "GET",
        &staff,
        &format!("/api/v1/needs/{}/suggestions", needs[0]),
        None,
    )
    .await;
    assert_eq!(s[0]["offering_id"], a);
    // Pin the expensive one, remove the cheap one.
    app.sign_in("staff@example.jp", Role::Staff).await;
    let page = format!("/board/needs/{}", needs[0]);
    let path = format!("/staff/board/needs/{}/overrides", needs[0]);
    let bs = b.to_string();
    let as_ = a.to_string();
    assert_eq!(
        app.post_form_from(
            &page,
            &path,
            &[
                ("offering_id", &bs),
                ("action", "pin"),
                ("note", "地元の実績")
            ]
        )
        .await
        .status(),
        303
    );
    assert_eq!(
        app.post_form_from(
            &page,
            &path,
            &[
                ("offering_id", &as_),
                ("action", "remove"),
                ("note", "重複掲載")
            ]
        )
        .await
        .status(),
        303
    );
    assert_eq!(
        app.post_form_from(
            &page,
            &path,
            &[("offering_id", &as_), ("action", "boost"), ("note", "x")]
        )
        .await
        .status(),
        400
    );
    let (_, s) = api(
        &app,
        "GET",
        &staff,
        &format!("/api/v1/needs/{}/suggestions", needs[0]),
        None,
    )
    .await;
    assert_eq!(s.as_array().unwrap().len(), 1);
    assert_eq!(s[0]["offering_id"], b);
    assert_eq!(s[0]["pinned"], true);

    // Three requests a week, the fourth is refused.
    for (i, n) in needs.iter().enumerate() {
        let (status, _) = api(
            &app,
            "POST",
            &vtoken,
            "/api/v1/introductions",
            Some(json!({"need_id": n, "offering_id": b})),
        )
        .await;
        assert_eq!(status, if i < 3 { 201 } else { 409 }, "request {i}");
    }
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
    let (s, _) = api(
        &app,
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
async fn reminders_no_response_and_follow_ups_are_mailed_once() {
    use secunity::matching::{queries, worker};
    use secunity::schema::matching_introductions;
    // No background workers yet: the board's own tick would race the ticks below.
    let app = spawn_app_with(&[("WORKERS", "off")], SmtpServer::start().await).await;
    let sme = org(&app, "sme", "株式会社テスト").await;
    let vendor = org(&app, "vendor", "ベンダー").await;
    let sme_token = member_token(&app, "sme@example.jp", sme).await;
    let v_token = member_token(&app, "v@example.jp", vendor).await;
    let (_, need) = api(
        &app,
        "POST",
        &sme_token,
        "/api/v1/needs",
        Some(need_body(0, "端末監視", "説明")),
    )
    .await;
    let (_, a) = api(
        &app,
        "POST",
        &v_token,
        "/api/v1/offerings",
        Some(offering_body(0, "プランA", 3000, &[40])),
    )
    .await;
    let (_, b) = api(
        &app,
        "POST",
        &v_token,
        "/api/v1/offerings",
        Some(offering_body(0, "プランB", 3000, &[40])),
    )
    .await;
    let (nid, aid, bid) = (
        need["id"].as_i64().unwrap(),
        a["id"].as_i64().unwrap(),
        b["id"].as_i64().unwrap(),
    );
    let soon = chrono::Utc::now().naive_utc() + chrono::Duration::days(5);
    app.db(move |c| {
        queries::publish_need(c, nid)?;
        queries::publish_offering(c, aid)?;
        queries::publish_offering(c, bid)?;
        diesel::update(matching_needs::table.find(nid))
            .set(matching_needs::expires_at.eq(soon))
            .execute(c)
    })
    .await;
    let (s1, i1) = api(
        &app,
        "POST",
        &v_token,
        "/api/v1/introductions",
        Some(json!({"need_id": nid, "offering_id": aid})),
    )
    .await;
    let (s2, i2) = api(
        &app,
        "POST",
        &sme_token,
        "/api/v1/introductions",
        Some(json!({"need_id": nid, "offering_id": bid})),
    )
    .await;
    assert_eq!((s1, s2), (201, 201));
    let (i1, i2) = (i1["id"].as_i64().unwrap(), i2["id"].as_i64().unwrap());
    let (s, _) = api(
        &app,
        "POST",
        &v_token,
        &format!("/api/v1/introductions/{i2}/accept"),
        None,
    )
    .await;
    assert_eq!(s, 200);
    let long_ago = chrono::Utc::now().naive_utc() - chrono::Duration::days(31);
    app.db(move |c| {
        diesel::update(matching_introductions::table.find(i1))
            .set(matching_introductions::created_at.eq(long_ago))
            .execute(c)?;
        diesel::update(matching_introductions::table.find(i2))
            .set((
                matching_introductions::sme_consent_at.eq(long_ago),
                matching_introductions::vendor_consent_at.eq(long_ago),
            ))
            .execute(c)
    })
    .await;
    let (m, b) = (app.state.mailer.clone(), app.state.config.base_url.clone());
    let first = app
        .db(move |c| c.write_transaction(|c| worker::tick(c, &m, &b)))
        .await;
    let (m, b) = (app.state.mailer.clone(), app.state.config.base_url.clone());
    let second = app
        .db(move |c| c.write_transaction(|c| worker::tick(c, &m, &b)))
        .await;
    // Mails: 2 requests and 2 introductions before; then the first tick mailed one expiry
    // reminder, one "no response", and 14- and 30-day follow-ups to both sides.
    assert_eq!(first, 6);
    assert_eq!(second, 0, "nothing twice");
    let (_, one) = api(
        &app,
        "GET",
        &v_token,
        &format!("/api/v1/introductions/{i1}"),
        None,
    )
    .await;
    assert_eq!(one["stage"], "no_response");
    // Now the workers: the sender delivers what was queued, and the board's own tick adds
    // nothing either.
    let _workers = secunity::Workers::start(&app.state.config, app.state.db.clone()).unwrap();
    app.wait_outbox_drained().await;
    let got = app.smtp.messages();
    assert_eq!(got.len(), 4 + 1 + 1 + 4);
    let subjects: Vec<String> = got
        .iter()
        .map(|m| {
            crate::support::smtp::parsed(m)
                .subject()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert!(
        subjects.iter().any(|s| s.contains("あと7日で終了")),
        "{subjects:?}"
    );
    assert!(
        subjects
            .iter()
            .any(|s| s.contains("回答がありませんでした")),
        "{subjects:?}"
    );
    assert_eq!(
        subjects
            .iter()
            .filter(|s| s.contains("その後をお聞かせください"))
            .count(),
        4,
        "{subjects:?}"
    );
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
    let (_, sugg) = api(
        &app,
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

#[tokio::test]
async fn a_vendor_manages_its_offering_through_the_same_pages_as_a_need() {
    let app = spawn_app().await;
    let vendor = org(&app, "vendor", "九州セキュリティ株式会社").await;
    let token = member_token(&app, "v@example.jp", vendor).await;
    let (status, offering) = api(
        &app,
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
