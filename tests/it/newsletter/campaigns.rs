//! A campaign's journey through the outbox: exactly once, pause and resume, restarts, scheduling, cancelling, templates.

use super::*;

#[tokio::test]
async fn a_campaign_reaches_exactly_the_right_people_once_with_working_unsubscribe() {
    let app = spawn_app().await;
    let (_, token) = app.api_token("staff@example.jp", Role::Staff).await;
    let mut rows = Vec::new();
    let mut expected = HashSet::new();
    for i in 0..1000 {
        let email = format!("sme{i:04}@example.jp");
        let (status, topics) = match i % 10 {
            0 => ("unsubscribed", vec!["alerts"]),
            1 => ("pending", vec!["alerts"]),
            2 => ("active", vec!["subsidies"]),
            3 => ("paused", vec!["alerts"]),
            4 => ("suppressed", vec!["alerts"]),
            5 => ("active", vec!["events", "alerts"]),
            _ => ("active", vec!["alerts"]),
        };
        if status == "active" && topics.contains(&"alerts") {
            expected.insert(email.clone());
        }
        rows.push((
            email,
            status,
            topics.into_iter().map(String::from).collect(),
        ));
    }
    seed(&app, rows).await;
    let id = create_and_send(
        &app,
        &token,
        "セキュリティ注意喚起",
        "## 注意\n\n更新してください。",
        &["alerts"],
    )
    .await;
    // A second "send" changes nothing.
    let (status, again) = app
        .api(
            "POST",
            &token,
            &format!("/api/v1/campaigns/{id}/send"),
            None,
        )
        .await;
    assert_eq!(status, 202);
    assert_ne!(again["status"], "draft");
    let c = wait_campaign(&app, &token, id, expected.len() as i64).await;
    assert_eq!(c["audience"].as_i64(), Some(expected.len() as i64));
    app.wait_outbox_drained().await;
    let got = app.smtp.messages();
    let newsletters: Vec<&Received> = got
        .iter()
        .filter(|m| m.raw_header("List-Id").is_some())
        .collect();
    let recipients: Vec<String> = newsletters.iter().map(|m| m.rcpt_to[0].clone()).collect();
    let unique: HashSet<String> = recipients.iter().cloned().collect();
    assert_eq!(recipients.len(), expected.len(), "one mail each");
    assert_eq!(unique, expected);

    let m = newsletters[0];
    assert!(m.raw_header("List-Id").unwrap().starts_with("<kyushu-iot."));
    assert_eq!(
        m.raw_header("List-Unsubscribe-Post").as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    let header = m.raw_header("List-Unsubscribe").unwrap();
    assert!(header.contains("<mailto:") && header.contains("subject=unsubscribe"));
    assert!(text_of(m).contains("/newsletter/preferences/"));
    let raw = String::from_utf8_lossy(&m.data).to_string();
    assert!(!raw.contains("<img"), "no tracking pixel");

    // A GET of the unsubscribe URL only shows a button.
    let path = unsubscribe_path(m);
    let (status, body) = app.get_text(&path).await;
    assert_eq!(status, 200);
    assert!(body.contains("配信を停止する"));
    assert_eq!(
        status_of(&app, &m.rcpt_to[0]).await.as_deref(),
        Some("active")
    );
    // The one-click POST (a mail client: no cookie, no CSRF token) unsubscribes at once.
    let res = reqwest::Client::new()
        .post(app.url(&path))
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        status_of(&app, &m.rcpt_to[0]).await.as_deref(),
        Some("unsubscribed")
    );
    let (_, c) = app
        .api("GET", &token, &format!("/api/v1/campaigns/{id}"), None)
        .await;
    assert_eq!(c["unsubscribed_since"], 1);

    // The issue is in the archive and its feed.
    let (status, archive) = app.get_text("/newsletter/archive").await;
    assert_eq!(status, 200);
    assert!(archive.contains("セキュリティ注意喚起"));
    let res = app.get("/newsletter/archive.atom").await;
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/atom+xml")
    );
    let feed = res.text().await.unwrap();
    assert!(feed.contains("<title>セキュリティ注意喚起</title>"));
    assert!(feed.contains(&format!("/newsletter/archive/{id}")));
    assert_eq!(
        app.get(&format!("/newsletter/archive/{id}")).await.status(),
        200
    );
}

#[tokio::test]
async fn pause_holds_a_sending_campaign_and_a_crash_after_resume_loses_nothing() {
    let smtp = SmtpServer::start().await;
    let app = spawn_app_with(&[("WORKERS", "off"), ("MAIL_RATE", "200")], smtp).await;
    let (_, token) = app.api_token("staff@example.jp", Role::Staff).await;
    let total: usize = 1500;
    let rows = (0..total)
        .map(|i| {
            (
                format!("r{i:04}@example.jp"),
                "active",
                vec!["events".to_string()],
            )
        })
        .collect();
    seed(&app, rows).await;
    let id = create_and_send(&app, &token, "イベントのお知らせ", "本文", &[]).await;
    // The workers run in a `secunity worker` process, through the pause and until it is killed.
    let worker_settings = [("MAIL_LEASE_SECONDS", "2")];
    let mut worker = process::worker(&app, &worker_settings);
    app.smtp.wait_for(100, Duration::from_secs(30)).await;
    let (status, paused) = transition(&app, &token, id, "pause").await;
    assert_eq!(status, 200, "{paused}");
    assert_eq!(paused["status"], "paused");

    // What was in flight goes out; then the campaign's mails stay held, while the worker goes
    // on delivering other mail.
    app.wait_outbox_idle().await;
    let during_pause = issues(&app).len();
    let held = campaign(&app, &token, id).await;
    assert_eq!(held["status"], "paused");
    assert!(
        held["queued"].as_i64().unwrap() > 0 && during_pause < total,
        "the pause held mail back: {during_pause} delivered, {held}"
    );
    enqueue_one(&app, "during-the-pause@example.jp").await;
    app.wait_outbox_idle().await;
    assert!(
        app.smtp
            .messages()
            .iter()
            .any(|m| m.rcpt_to[0] == "during-the-pause@example.jp"),
        "the worker is alive and sending"
    );
    assert_eq!(
        issues(&app).len(),
        during_pause,
        "no issue left during the pause"
    );

    // Resume, then a crash (SIGKILL) in the middle of the rest; a new worker finishes.
    let (status, _) = transition(&app, &token, id, "resume").await;
    assert_eq!(status, 200);
    app.smtp
        .wait_for(during_pause + 1 + 400, Duration::from_secs(60))
        .await;
    worker.kill();
    let mut second = process::worker(&app, &worker_settings);
    wait_campaign(&app, &token, id, total as i64).await;
    app.wait_outbox_drained().await;
    second.kill();

    // Every delivery counts: each subscriber got the issue, and a copy sent again after the
    // crash carries the Message-ID of the first.
    let again = check_redelivery(&issues(&app), total).unwrap();
    // MAIL_CONCURRENCY 4: at most one window of 64 sent but unrecorded messages.
    assert!(again <= 64, "{again} sent twice");
}

#[tokio::test]
async fn japanese_subject_and_body_arrive_intact() {
    let app = spawn_app().await;
    let (_, token) = app.api_token("staff@example.jp", Role::Staff).await;
    seed(
        &app,
        vec![(
            "reader@example.jp".into(),
            "active",
            vec!["subsidies".into()],
        )],
    )
    .await;
    let subject = "【九州IoTコミュニティ】令和8年度 補助金公募のお知らせ ①㈱髙﨑 𠮷野家";
    let body = "# 補助金のご案内\n\nIT導入補助金の**公募**が始まりました。\n\n- 締切: 12月10日\n- [詳細はこちら](https://example.jp/hojo)\n";
    let id = create_and_send(&app, &token, subject, body, &["subsidies"]).await;
    wait_campaign(&app, &token, id, 1).await;
    let m = app
        .smtp
        .messages()
        .into_iter()
        .find(|m| m.raw_header("List-Id").is_some())
        .unwrap();
    let raw_subject = m.raw_header("Subject").unwrap();
    assert!(
        raw_subject.to_ascii_lowercase().starts_with("=?utf-8?"),
        "{raw_subject}"
    );
    let p = parsed(&m);
    assert_eq!(p.subject(), Some(subject));
    let text = p.body_text(0).unwrap();
    assert!(text.contains("■ 補助金のご案内"), "{text}");
    assert!(text.contains("IT導入補助金の公募が始まりました。"));
    assert!(text.contains("・詳細はこちら (https://example.jp/hojo)"));
    let html = p.body_html(0).unwrap();
    assert!(html.contains("<strong>公募</strong>"));
}

#[tokio::test]
async fn a_scheduled_campaign_starts_by_itself_and_a_cancelled_one_sends_nothing() {
    let app = spawn_app().await;
    let (_, token) = app.api_token("staff@example.jp", Role::Staff).await;
    seed(
        &app,
        vec![("later@example.jp".into(), "active", vec!["events".into()])],
    )
    .await;
    let (_, created) = app
        .api(
            "POST",
            &token,
            "/api/v1/campaigns",
            Some(json!({"subject": "予約配信", "body_markdown": "本文"})),
        )
        .await;
    let id = created["id"].as_i64().unwrap();
    let at = secunity::time::rfc3339(secunity::time::now_utc() + chrono::Duration::seconds(2));
    let (status, answer) = app
        .api(
            "POST",
            &token,
            &format!("/api/v1/campaigns/{id}/send"),
            Some(json!({"scheduled_at": at})),
        )
        .await;
    assert_eq!(
        (status, answer["status"].as_str()),
        (202, Some("scheduled"))
    );
    wait_campaign(&app, &token, id, 1).await;

    let (_, created) = app
        .api(
            "POST",
            &token,
            "/api/v1/campaigns",
            Some(json!({"subject": "中止", "body_markdown": "本文"})),
        )
        .await;
    let id = created["id"].as_i64().unwrap();
    let at = secunity::time::rfc3339(secunity::time::now_utc() + chrono::Duration::hours(1));
    app.api(
        "POST",
        &token,
        &format!("/api/v1/campaigns/{id}/send"),
        Some(json!({"scheduled_at": at})),
    )
    .await;
    let (status, answer) = app
        .api(
            "POST",
            &token,
            &format!("/api/v1/campaigns/{id}/cancel"),
            None,
        )
        .await;
    assert_eq!(
        (status, answer["status"].as_str()),
        (200, Some("cancelled"))
    );
    let (status, _) = app
        .api(
            "POST",
            &token,
            &format!("/api/v1/campaigns/{id}/resume"),
            None,
        )
        .await;
    assert_eq!(status, 409);
    let (_, c) = app
        .api("GET", &token, &format!("/api/v1/campaigns/{id}"), None)
        .await;
    assert_eq!(c["queued"], 0);
}

#[tokio::test]
async fn a_campaign_cancelled_while_it_is_sending_stops_its_deliveries() {
    let app = spawn_app_with(&[("MAIL_RATE", "100")], SmtpServer::start().await).await;
    let (_, token) = app.api_token("staff@example.jp", Role::Staff).await;
    // More subscribers than one expansion batch: the campaign is still being queued, too.
    let audience = 2500;
    let rows = (0..audience)
        .map(|i| {
            (
                format!("c{i:04}@example.jp"),
                "active",
                vec!["events".into()],
            )
        })
        .collect();
    seed(&app, rows).await;
    // The listener takes the 30th issue and holds its reply: the campaign is in the middle of
    // its delivery when it is cancelled.
    app.smtp.hold_from(30);
    let id = create_and_send(&app, &token, "配信中止", "本文", &[]).await;
    app.smtp.wait_held(1, Duration::from_secs(60)).await;
    let before = campaign(&app, &token, id).await;
    assert!(before["queued"].as_i64().unwrap() > 0, "{before}");
    let (status, answer) = transition(&app, &token, id, "cancel").await;
    assert_eq!(
        (status, answer["status"].as_str()),
        (200, Some("cancelled"))
    );
    // What had been claimed before the cancellation may still go out; nothing queued may.
    let claimed: i64 = app
        .db(move |c| {
            use secunity::schema::outbox as ob;
            ob::table
                .filter(ob::source.eq(format!("campaign:{id}")))
                .filter(ob::status.ne(secunity::mail::outbox::OutboxStatus::Queued))
                .count()
                .get_result(c)
        })
        .await;
    app.smtp.release();
    app.wait_outbox_drained().await;
    // Another round of the campaign task queues nothing for a cancelled campaign.
    let (links, mailer) = (
        Links::from_config(&app.state.config),
        app.state.mailer.clone(),
    );
    let work = app
        .db(move |c| secunity::newsletter::worker::run_once(c, &links, &mailer, 1000))
        .await;
    assert_eq!(work, 0);
    app.wait_outbox_drained().await;
    let after = campaign(&app, &token, id).await;
    assert_eq!(after["status"], "cancelled");
    assert_eq!(after["queued"], 0);
    let delivered = issues(&app).len();
    assert_eq!(
        delivered as i64, claimed,
        "only what was claimed before the cancellation arrived"
    );
    assert!(delivered < audience, "{delivered} of {audience} arrived");
    assert_eq!(after["sent"].as_i64(), Some(claimed), "{after}");
}

#[tokio::test]
async fn a_campaign_is_built_from_one_template_per_language_with_each_readers_own_parts() {
    use secunity::mail::template;
    use secunity::newsletter::campaigns::{self, Recipient};
    use secunity::schema::outbox as ob;
    let app = spawn_app().await;
    let (_, token) = app.api_token("staff@example.jp", Role::Staff).await;
    let readers = [
        ("yamada@example.jp", "山田 太郎", "ja"),
        ("sato@example.jp", "佐藤 <b>花子</b>", "ja"),
        ("nameless@example.jp", "", "ja"),
        ("smith@example.jp", "Jane Smith", "en"),
    ];
    let links = Links::from_config(&app.state.config);
    let seed_links = links.clone();
    app.db(move |c| {
        c.write_transaction(|c| {
            for (email, name, lang) in readers {
                let nonce = format!("nonce-{email}");
                let hash = seed_links.pref_hash(&nonce);
                let id = q::insert(
                    c,
                    &NewSubscriber {
                        email,
                        name,
                        company: "",
                        prefecture: None,
                        industry: None,
                        status: secunity::newsletter::queries::SubscriberStatus::Active,
                        lang,
                        pref_nonce: &nonce,
                        pref_token_hash: Some(&hash),
                        consent_source: "test",
                    },
                )?
                .expect("new address");
                q::set_topics(c, id, &["events".to_string()])?;
            }
            Ok::<_, diesel::result::Error>(())
        })
    })
    .await;
    let id = create_and_send(
        &app,
        &token,
        "今月のお知らせ",
        "## 補助金\n\n公募が始まりました。",
        &["events"],
    )
    .await;
    wait_campaign(&app, &token, id, 4).await;

    // One template per language; the rows carry only their values.
    let source = format!("campaign:{id}");
    let rows: Vec<(Option<i64>, String, String)> = app
        .db(move |c| {
            ob::table
                .filter(ob::source.eq(source))
                .select((ob::template_id, ob::body_text, ob::headers))
                .load(c)
        })
        .await;
    assert_eq!(rows.len(), 4);
    let templates: HashSet<Option<i64>> = rows.iter().map(|(t, _, _)| *t).collect();
    assert_eq!(templates.len(), 2, "ja and en: {rows:?}");
    assert!(templates.iter().all(Option::is_some));
    assert!(
        rows.iter()
            .all(|(_, text, headers)| text.is_empty() && headers == "[]")
    );

    // Each reader's mail greets them and carries their own links; the rest is the same for
    // every reader of a language.
    let got = issues(&app);
    assert_eq!(got.len(), 4);
    let mut rest_by_lang: std::collections::HashMap<&str, HashSet<(String, String)>> =
        Default::default();
    for (email, name, lang) in readers {
        let m = got
            .iter()
            .find(|m| m.rcpt_to == [email])
            .expect("the reader's issue");
        let nonce = format!("nonce-{email}");
        let preferences = links.preferences_url(&nonce);
        let unsubscribe = links.unsubscribe_url(&nonce);
        let p = parsed(m);
        let text = p.body_text(0).unwrap().replace("\r\n", "\n");
        let html = p.body_html(0).unwrap().to_string();
        let (greeting_text, greeting_html) = match (name, lang) {
            ("", _) => (String::new(), String::new()),
            (_, "en") => (format!("Dear {name},\n\n"), format!("<p>Dear {name},</p>")),
            _ => (
                format!("{name} 様\n\n"),
                format!(
                    "<p>{} 様</p>",
                    name.replace('<', "&lt;").replace('>', "&gt;")
                ),
            ),
        };
        assert!(
            text.starts_with(&format!("{greeting_text}■ 補助金")),
            "{text}"
        );
        assert!(html.contains(&greeting_html), "{html}");
        assert!(!html.contains("<b>花子"), "markup in a name is text");
        assert!(text.contains(&preferences) && html.contains(&preferences));
        assert!(
            m.raw_header("List-Unsubscribe")
                .unwrap()
                .contains(&unsubscribe),
            "the reader's own unsubscribe link"
        );
        let rest = (
            text.replacen(&greeting_text, "", 1)
                .replace(&preferences, "PREFERENCES"),
            html.replacen(&greeting_html, "", 1)
                .replace(&preferences, "PREFERENCES"),
        );
        rest_by_lang.entry(lang).or_default().insert(rest);
    }
    assert_eq!(
        rest_by_lang["ja"].len(),
        1,
        "identical but for the reader's parts"
    );
    assert_eq!(rest_by_lang["en"].len(), 1);

    // A template filled in is exactly the mail rendered for the reader alone.
    let campaign = app
        .db(move |c| campaigns::find(c, id))
        .await
        .expect("the campaign");
    let rendered = campaigns::render(&campaign);
    for (email, name, lang) in readers {
        let to = Recipient {
            id: 1,
            email: email.to_string(),
            name: name.to_string(),
            lang: lang.to_string(),
            nonce: format!("nonce-{email}"),
        };
        let whole = campaigns::issue_mail(&links, &rendered, id, &to);
        let code = views::Lang::from_code(lang).unwrap();
        let parts = campaigns::issue_template(&links, &rendered, id, code);
        let values = campaigns::issue_values(&links, code, &to);
        assert_eq!(template::fill(&parts.text, &values).unwrap(), whole.text);
        assert_eq!(template::fill(&parts.html, &values).unwrap(), whole.html);
        let headers: Vec<(String, String)> = parts
            .headers
            .iter()
            .map(|(n, v)| (n.clone(), template::fill(v, &values).unwrap()))
            .collect();
        assert_eq!(headers, whole.headers);
        assert_eq!(parts.subject, whole.subject);
    }
}
