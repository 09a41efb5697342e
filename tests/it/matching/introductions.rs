//! From suggestion to introduction: explanations, contacts, staff pins, weekly limits, reminders and follow-ups.

use super::*;

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
    let (_, need) = app
        .api(
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
    let (s, good) = app
        .api(
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
    let (_, remote) = app
        .api(
            "POST",
            &staff,
            "/api/v1/offerings",
            Some(offering_body(far, "鹿児島からリモート監視", 2500, &[46])),
        )
        .await;
    let remote_id = remote["id"].as_i64().unwrap();

    // The SME sees one suggestion (on-site is needed), with reasons in plain Japanese.
    let (status, sugg) = app
        .api(
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
    let (status, _) = app
        .api(
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
    let (status, _) = app
        .api(
            "POST",
            &far_token,
            "/api/v1/introductions",
            Some(json!({"need_id": nid, "offering_id": remote_id})),
        )
        .await;
    assert_eq!(status, 409);

    // The near vendor asks for an introduction: no contact detail anywhere yet.
    let (status, intro) = app
        .api(
            "POST",
            &near_token,
            "/api/v1/introductions",
            Some(json!({"need_id": nid, "offering_id": good_id})),
        )
        .await;
    assert_eq!(status, 201, "{intro}");
    assert_eq!(intro["contact"], Value::Null);
    let iid = intro["id"].as_i64().unwrap();
    let (_, seen) = app
        .api(
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
    let (status, _) = app
        .api(
            "POST",
            &near_token,
            &format!("/api/v1/introductions/{iid}/accept"),
            None,
        )
        .await;
    assert_eq!(status, 409);
    let (status, done) = app
        .api(
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
    let (_, vseen) = app
        .api(
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
    let (status, open) = app
        .api(
            "GET",
            &near_token,
            &format!("/api/v1/offerings/{good_id}/needs"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{open}");
    assert_eq!(open[0]["need_id"], nid);
    let (status, _) = stage(&app, &near_token, iid, "contracted").await;
    assert_eq!(status, 422);
    let (status, _) = stage(&app, &near_token, iid, "meeting_held").await;
    assert_eq!(status, 200);
    let (status, done) = stage(&app, &sme_token, iid, "contracted").await;
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
    let (_, a) = app
        .api(
            "POST",
            &staff,
            "/api/v1/offerings",
            Some(offering_body(vendor, "安いプラン", 1000, &[40])),
        )
        .await;
    let (_, b) = app
        .api(
            "POST",
            &staff,
            "/api/v1/offerings",
            Some(offering_body(vendor, "高いプラン", 20000, &[40])),
        )
        .await;
    let (a, b) = (a["id"].as_i64().unwrap(), b["id"].as_i64().unwrap());
    let mut needs = Vec::new();
    for i in 0..6 {
        let (_, n) = app
            .api(
                "POST",
                &staff,
                "/api/v1/needs",
                Some(need_body(sme, &format!("要望{i}"), "説明")),
            )
            .await;
        needs.push(n["id"].as_i64().unwrap());
    }
    let (_, s) = app
        .api(
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
    let (_, s) = app
        .api(
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
        let (status, _) = app
            .api(
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
async fn reminders_no_response_and_follow_ups_are_mailed_once() {
    use secunity::matching::{queries, worker};
    use secunity::schema::matching_introductions;
    // No background workers yet: the board's own tick would race the ticks below.
    let app = spawn_app_with(&[("WORKERS", "off")], SmtpServer::start().await).await;
    let sme = org(&app, "sme", "株式会社テスト").await;
    let vendor = org(&app, "vendor", "ベンダー").await;
    let sme_token = member_token(&app, "sme@example.jp", sme).await;
    let v_token = member_token(&app, "v@example.jp", vendor).await;
    let (_, need) = app
        .api(
            "POST",
            &sme_token,
            "/api/v1/needs",
            Some(need_body(0, "端末監視", "説明")),
        )
        .await;
    let (_, a) = app
        .api(
            "POST",
            &v_token,
            "/api/v1/offerings",
            Some(offering_body(0, "プランA", 3000, &[40])),
        )
        .await;
    let (_, b) = app
        .api(
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
    let (s1, i1) = app
        .api(
            "POST",
            &v_token,
            "/api/v1/introductions",
            Some(json!({"need_id": nid, "offering_id": aid})),
        )
        .await;
    let (s2, i2) = app
        .api(
            "POST",
            &sme_token,
            "/api/v1/introductions",
            Some(json!({"need_id": nid, "offering_id": bid})),
        )
        .await;
    assert_eq!((s1, s2), (201, 201));
    let (i1, i2) = (i1["id"].as_i64().unwrap(), i2["id"].as_i64().unwrap());
    let (s, _) = app
        .api(
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
    let (_, one) = app
        .api(
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
