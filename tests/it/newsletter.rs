//! The newsletter: double opt-in, campaigns through the outbox, one-click unsubscribe,
//! pause/resume and restarts, Japanese mail, staff pages, API, bounces.

use std::collections::HashSet;
use std::time::Duration;

use diesel::prelude::*;
use secunity::accounts::Role;
use secunity::newsletter::links::Links;
use secunity::newsletter::queries::{self as q, NewSubscriber};
use secunity::schema::{audit_log, newsletter_subscribers as subs};
use serde_json::{Value, json};

use crate::support::corpus::{corpus, strings};
use crate::support::process;
use crate::support::smtp::{Received, SmtpServer, check_redelivery, parsed};
use crate::support::{TestApp, spawn_app, spawn_app_with};

async fn subscribe(app: &TestApp, email: &str, topics: &[&str]) -> reqwest::Response {
    let mut form = vec![
        ("email", email),
        ("name", "山田 太郎"),
        ("company", "株式会社テスト"),
        ("prefecture", "40"),
        ("consent", "1"),
    ];
    for t in topics {
        form.push(("topics", t));
    }
    app.post_form_from("/newsletter", "/newsletter/subscribe", &form)
        .await
}

async fn status_of(app: &TestApp, email: &str) -> Option<String> {
    let email = email.to_string();
    app.db(move |c| {
        subs::table
            .filter(subs::email.eq(email))
            .select(subs::status)
            .first::<String>(c)
            .optional()
    })
    .await
}

async fn subscriber_count(app: &TestApp) -> i64 {
    app.db(|c| subs::table.count().get_result::<i64>(c)).await
}

fn text_of(m: &Received) -> String {
    parsed(m).body_text(0).unwrap_or_default().to_string()
}

fn link_in(text: &str, marker: &str) -> String {
    let at = text.find(marker).expect("a link in the mail");
    let rest = &text[at..];
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '>' || c == '"')
        .unwrap_or(rest.len());
    rest[..end].to_string()
}

fn unsubscribe_path(m: &Received) -> String {
    let header = m.raw_header("List-Unsubscribe").expect("List-Unsubscribe");
    link_in(&header, "/newsletter/unsubscribe/")
}

/// Adds subscribers straight to the database: (email, status, topics).
pub async fn seed(app: &TestApp, rows: Vec<(String, &'static str, Vec<String>)>) {
    let links = Links::from_config(&app.state.config);
    app.db(move |c| {
        c.write_transaction(|c| {
            for (i, (email, status, topics)) in rows.iter().enumerate() {
                let nonce = format!("nonce-{i}-{email}");
                let hash = links.pref_hash(&nonce);
                let id = q::insert(
                    c,
                    &NewSubscriber {
                        email,
                        name: "テスト",
                        company: "",
                        prefecture: None,
                        industry: None,
                        status,
                        lang: "ja",
                        pref_nonce: &nonce,
                        pref_token_hash: Some(&hash),
                        consent_source: "test",
                    },
                )?
                .expect("new address");
                q::set_topics(c, id, topics)?;
            }
            Ok::<_, diesel::result::Error>(())
        })
    })
    .await;
}

pub async fn api(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = app.client.request(method, app.url(path)).bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

pub async fn create_and_send(
    app: &TestApp,
    token: &str,
    subject: &str,
    body: &str,
    topics: &[&str],
) -> i64 {
    let (status, created) = api(
        app,
        token,
        reqwest::Method::POST,
        "/api/v1/campaigns",
        Some(json!({ "subject": subject, "body_markdown": body, "topics": topics })),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    let (status, _) = api(
        app,
        token,
        reqwest::Method::POST,
        &format!("/api/v1/campaigns/{id}/send"),
        None,
    )
    .await;
    assert_eq!(status, 202);
    id
}

async fn wait_campaign(app: &TestApp, token: &str, id: i64, sent: i64) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    loop {
        let (_, c) = api(
            app,
            token,
            reqwest::Method::GET,
            &format!("/api/v1/campaigns/{id}"),
            None,
        )
        .await;
        if c["status"] == "sent" && c["sent"].as_i64() == Some(sent) && c["queued"] == 0 {
            return c;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "campaign stuck: {c}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn subscribe_confirm_and_links_that_no_longer_work() {
    let app = spawn_app().await;
    let (_, page) = app.get_text("/newsletter").await;
    assert!(page.contains("補助金・公募情報") && page.contains("href=\"/privacy\""));
    let res = subscribe(&app, "Taro@Example.JP", &["subsidies", "alerts"]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        status_of(&app, "taro@example.jp").await.as_deref(),
        Some("pending")
    );

    let mails = app.smtp.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(mails[0].rcpt_to, vec!["taro@example.jp".to_string()]);
    let text = text_of(&mails[0]);
    let link = link_in(&text, "/newsletter/confirm/");
    // The link only shows a button: a mail scanner following it confirms nothing.
    let (status, body) = app.get_text(&link).await;
    assert_eq!(status, 200);
    assert!(body.contains("登録を完了する"));
    assert_eq!(
        status_of(&app, "taro@example.jp").await.as_deref(),
        Some("pending")
    );
    let res = app.post_form_from(&link, &link, &[]).await;
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    assert!(body.contains("/newsletter/preferences/"));
    assert_eq!(
        status_of(&app, "taro@example.jp").await.as_deref(),
        Some("active")
    );

    // A used link confirms nothing again: it says the address is subscribed and links the
    // preferences (issue 13), and the welcome mail brings the preference link.
    let (status, again) = app.get_text(&link).await;
    assert_eq!(status, 200);
    assert!(again.contains("すでに登録済みです"), "{again}");
    assert!(again.contains("/newsletter/preferences/"));
    assert!(
        !again.contains("登録を完了する"),
        "no button to confirm twice"
    );
    let res = app.post_form_from("/newsletter", &link, &[]).await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("すでに登録済みです"));
    let mails = app.smtp.wait_for(2, Duration::from_secs(10)).await;
    assert_eq!(mails.len(), 2, "one welcome mail, not one per opening");
    let welcome = text_of(&mails[1]);
    assert!(
        parsed(&mails[1])
            .subject()
            .unwrap()
            .contains("ご登録ありがとうございます")
    );
    assert!(welcome.contains("/newsletter/preferences/"), "{welcome}");

    // An expired link does not confirm.
    subscribe(&app, "late@example.jp", &["events"]).await;
    let mails = app.smtp.wait_for(3, Duration::from_secs(10)).await;
    let late = mails
        .iter()
        .find(|m| m.rcpt_to[0] == "late@example.jp")
        .unwrap();
    let link = link_in(&text_of(late), "/newsletter/confirm/");
    app.db(|c| {
        diesel::update(subs::table.filter(subs::email.eq("late@example.jp")))
            .set(
                subs::confirm_expires_at
                    .eq(Some(secunity::time::now_utc() - chrono::Duration::hours(1))),
            )
            .execute(c)
    })
    .await;
    assert_eq!(app.get(&link).await.status(), 404);
    assert_eq!(
        app.post_form_from("/newsletter", &link, &[]).await.status(),
        404
    );
    assert_eq!(
        status_of(&app, "late@example.jp").await.as_deref(),
        Some("pending")
    );
    // ...and the expired subscription is forgotten.
    let gone = app.db(q::expire_pending).await;
    assert_eq!(gone, 1);
    assert_eq!(status_of(&app, "late@example.jp").await, None);
    assert_eq!(
        app.get("/newsletter/confirm/not-a-token").await.status(),
        404
    );
}

#[tokio::test]
async fn a_second_subscribe_sends_nothing_and_reveals_nothing() {
    let app = spawn_app().await;
    let first = subscribe(&app, "known@example.jp", &["events"])
        .await
        .text()
        .await
        .unwrap();
    app.smtp.wait_for(1, Duration::from_secs(10)).await;
    let again = subscribe(&app, "KNOWN@example.jp", &["alerts"]).await;
    assert_eq!(again.status(), 200);
    let again = again.text().await.unwrap();
    let unknown = subscribe(&app, "someone-else@example.jp", &["events"])
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(first, again);
    assert_eq!(first, unknown);
    app.wait_outbox_drained().await;
    assert_eq!(app.smtp.messages().len(), 2, "one confirmation each");
    let to_known = app
        .smtp
        .messages()
        .iter()
        .filter(|m| m.rcpt_to[0] == "known@example.jp")
        .count();
    assert_eq!(to_known, 1, "no second confirmation within the window");
    assert_eq!(subscriber_count(&app).await, 2);
}

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
    let (status, again) = api(
        &app,
        &token,
        reqwest::Method::POST,
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
    let (_, c) = api(
        &app,
        &token,
        reqwest::Method::GET,
        &format!("/api/v1/campaigns/{id}"),
        None,
    )
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

/// The newsletter issues the listener received (not the other mails).
fn issues(app: &TestApp) -> Vec<Received> {
    app.smtp
        .messages()
        .into_iter()
        .filter(|m| m.raw_header("List-Id").is_some())
        .collect()
}

/// Queues one transactional mail straight into the outbox.
async fn enqueue_one(app: &TestApp, to: &str) {
    let mailer = app.state.mailer.clone();
    let mail = secunity::mail::OutgoingMail::transactional(
        to,
        "お知らせ",
        "本文\n".into(),
        "<p>本文</p>".into(),
    );
    app.db(move |c| mailer.enqueue(c, &mail)).await;
}

async fn campaign(app: &TestApp, token: &str, id: i64) -> Value {
    api(
        app,
        token,
        reqwest::Method::GET,
        &format!("/api/v1/campaigns/{id}"),
        None,
    )
    .await
    .1
}

async fn transition(app: &TestApp, token: &str, id: i64, action: &str) -> (u16, Value) {
    api(
        app,
        token,
        reqwest::Method::POST,
        &format!("/api/v1/campaigns/{id}/{action}"),
        None,
    )
    .await
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
async fn preferences_change_topics_pause_and_unsubscribe() {
    let app = spawn_app().await;
    let links = Links::from_config(&app.state.config);
    seed(
        &app,
        vec![("pref@example.jp".into(), "active", vec!["events".into()])],
    )
    .await;
    let path = links
        .preferences_url("nonce-0-pref@example.jp")
        .replace(&app.base, "");
    let (status, page) = app.get_text(&path).await;
    assert_eq!(status, 200);
    assert!(page.contains("pref@example.jp"));
    let res = app
        .post_form_from(
            &path,
            &path,
            &[
                ("action", "save"),
                ("topics", "alerts"),
                ("topics", "subsidies"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .post_form_from(&path, &path, &[("action", "save"), ("topics", "bogus")])
        .await;
    assert_eq!(res.status(), 422);
    let topics = app
        .db(|c| {
            let s = q::find_by_email(c, "pref@example.jp")?.unwrap();
            q::topics_of(c, s.id)
        })
        .await;
    assert_eq!(topics, vec!["alerts", "subsidies"]);
    app.post_form_from(&path, &path, &[("action", "pause")])
        .await;
    assert_eq!(
        status_of(&app, "pref@example.jp").await.as_deref(),
        Some("paused")
    );
    app.post_form_from(&path, &path, &[("action", "resume")])
        .await;
    assert_eq!(
        status_of(&app, "pref@example.jp").await.as_deref(),
        Some("active")
    );
    app.post_form_from(&path, &path, &[("action", "unsubscribe")])
        .await;
    assert_eq!(
        status_of(&app, "pref@example.jp").await.as_deref(),
        Some("unsubscribed")
    );
    assert_eq!(
        app.get("/newsletter/preferences/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
            .await
            .status(),
        404
    );
    // Without a CSRF token the preference form is refused.
    assert_eq!(
        app.post_form(&path, &[("action", "pause")]).await.status(),
        403
    );
}

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
    let post = reqwest::Method::POST;
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
        let (status, answer) = api(
            &app,
            &token,
            post.clone(),
            "/api/v1/subscribers",
            Some(body.clone()),
        )
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
        let (status, _) = api(
            &app,
            &token,
            post.clone(),
            "/api/v1/campaigns",
            Some(body.clone()),
        )
        .await;
        assert!((400..500).contains(&status), "{body} → {status}");
    }
    for body in [
        json!({"code": "Bad Code", "label_ja": "a", "label_en": "a"}),
        json!({"code": "ok", "label_ja": "", "label_en": "a"}),
        json!({"code": "subsidies", "label_ja": "a", "label_en": "a"}),
    ] {
        let (status, _) = api(
            &app,
            &token,
            post.clone(),
            "/api/v1/topics",
            Some(body.clone()),
        )
        .await;
        assert!((400..500).contains(&status), "{body} → {status}");
    }
    for date in strings(&c, &["dates"])
        .into_iter()
        .filter(|d| d != "9999-12-31T23:59:59Z" && d != "1900-01-01T00:00:00Z")
    {
        let (_, created) = api(
            &app,
            &token,
            post.clone(),
            "/api/v1/campaigns",
            Some(json!({"subject": "s", "body_markdown": "b"})),
        )
        .await;
        let id = created["id"].as_i64().unwrap();
        let (status, _) = api(
            &app,
            &token,
            post.clone(),
            &format!("/api/v1/campaigns/{id}/send"),
            Some(json!({"scheduled_at": date})),
        )
        .await;
        assert_eq!(status, 422, "{date}");
    }
    let (status, _) = api(
        &app,
        &token,
        post.clone(),
        "/api/v1/campaigns/999999/send",
        None,
    )
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

#[tokio::test]
async fn markup_in_a_name_is_stored_as_text_and_never_rendered() {
    let app = spawn_app().await;
    let markup = strings(&corpus(), &["markup"]);
    for (i, name) in markup.iter().enumerate() {
        let res = app
            .post_form_from(
                "/newsletter",
                "/newsletter/subscribe",
                &[
                    ("email", &format!("markup{i}@example.jp")),
                    ("name", name),
                    ("topics", "events"),
                    ("consent", "1"),
                ],
            )
            .await;
        assert_eq!(res.status(), 200, "{name:?} is a name like any other");
    }
    let stored: Vec<String> = app
        .db(|c| {
            subs::table
                .order(subs::email)
                .select(subs::name)
                .load::<String>(c)
        })
        .await;
    assert_eq!(stored, markup, "stored as typed, as text");
    // The confirmation mails greet each by name: as text in the HTML part, never as markup.
    app.wait_outbox_drained().await;
    let mails = app.smtp.messages();
    assert_eq!(mails.len(), markup.len());
    let tags: Vec<&String> = markup.iter().filter(|n| n.contains('<')).collect();
    for m in &mails {
        let html = parsed(m).body_html(0).expect("an HTML part").to_string();
        for name in &tags {
            assert!(!html.contains(name.as_str()), "{name:?} rendered in {html}");
        }
    }
    assert!(
        mails.iter().any(|m| parsed(m)
            .body_html(0)
            .unwrap()
            .contains("&lt;script&gt;alert(1)&lt;/script&gt;")),
        "the name is in the mail, escaped"
    );
    // Staff see the names as text in the subscriber list.
    app.sign_in("staff@example.jp", Role::Staff).await;
    let (status, page) = app.get_text("/staff/newsletter/subscribers").await;
    assert_eq!(status, 200);
    for name in &tags {
        assert!(
            !page.contains(name.as_str()),
            "{name:?} rendered on the staff page"
        );
    }
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{page}"
    );
}

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
        let (status, _) = api(&app, &member_token, method.clone(), path, Some(json!({}))).await;
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
    assert_eq!(res.status(), 303);
    assert!(app.get_text("/newsletter").await.1.contains("DX支援"));
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
    assert_eq!(res.status(), 422);
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
async fn bounces_suppress_hard_at_once_and_soft_after_three() {
    let app = spawn_app().await;
    let (_, token) = app.api_token("staff@example.jp", Role::Staff).await;
    seed(
        &app,
        vec![
            ("gone@example.jp".into(), "active", vec!["events".into()]),
            ("full@example.jp".into(), "active", vec!["events".into()]),
        ],
    )
    .await;
    let dsn = |addr: &str, status: &str| {
        format!(
            "From: MAILER-DAEMON@mx.example.jp\r\nSubject: failure\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.jp\r\n\r\nFinal-Recipient: rfc822; {addr}\r\nAction: failed\r\nStatus: {status}\r\n\r\n--B--\r\n"
        )
    };
    let post = |body: String| {
        app.client
            .post(app.url("/api/v1/bounces"))
            .bearer_auth(&token)
            .header("Content-Type", "message/rfc822")
            .body(body)
            .send()
    };
    assert_eq!(
        post(dsn("gone@example.jp", "5.1.1"))
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        status_of(&app, "gone@example.jp").await.as_deref(),
        Some("suppressed")
    );
    for i in 0..3 {
        assert_eq!(
            status_of(&app, "full@example.jp").await.as_deref(),
            Some("active"),
            "after {i}"
        );
        post(dsn("full@example.jp", "4.2.2")).await.unwrap();
    }
    assert_eq!(
        status_of(&app, "full@example.jp").await.as_deref(),
        Some("suppressed")
    );

    // The CLI reads DSN files.
    seed(
        &app,
        vec![
            ("cli@example.jp".into(), "active", vec!["events".into()]),
            ("leaving@example.jp".into(), "active", vec!["events".into()]),
        ],
    )
    .await;
    let file = app.dir.path().join("bounce.eml");
    std::fs::write(&file, dsn("cli@example.jp", "5.7.1")).unwrap();
    // An unsubscribe request sent to the mailto: of List-Unsubscribe (seed row 1's token).
    let leaving = Links::from_config(&app.state.config).pref_token("nonce-1-leaving@example.jp");
    let request = app.dir.path().join("unsubscribe.eml");
    std::fs::write(
        &request,
        format!("From: leaving@example.jp\r\nSubject: unsubscribe {leaving}\r\n\r\n"),
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_secunity"))
        .args(["bounces", "import"])
        .arg(&file)
        .arg(&request)
        .env(
            "DATABASE_URL",
            secrecy::ExposeSecret::expose_secret(&app.state.config.database_url),
        )
        .env("SECUNITY_DATA_DIR", app.dir.path())
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let last = String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap_or("")
        .to_string();
    let summary: Value = serde_json::from_str(&last).unwrap();
    assert_eq!(summary["suppressed"], 1);
    assert_eq!(summary["unsubscribed"], 1);
    assert_eq!(
        status_of(&app, "cli@example.jp").await.as_deref(),
        Some("suppressed")
    );
    assert_eq!(
        status_of(&app, "leaving@example.jp").await.as_deref(),
        Some("unsubscribed")
    );
}

#[tokio::test]
async fn the_seminar_box_subscribes_with_double_opt_in_and_privacy_functions_work() {
    let app = spawn_app().await;
    let mailer = app.state.mailer.clone();
    let base = app.state.config.base_url.clone();
    let outcome = app
        .db(move |c| {
            c.write_transaction(|c| {
                secunity::newsletter::subscribe_pending(
                    c,
                    &mailer,
                    &base,
                    "Seminar@Example.jp",
                    "九州 花子",
                    views::Lang::Ja,
                    "seminar:1",
                )
            })
        })
        .await;
    assert_eq!(
        outcome,
        secunity::newsletter::subscribe::Outcome::ConfirmationSent
    );
    assert_eq!(
        status_of(&app, "seminar@example.jp").await.as_deref(),
        Some("pending")
    );
    let mails = app.smtp.wait_for(1, Duration::from_secs(10)).await;
    assert!(text_of(&mails[0]).contains("/newsletter/confirm/"));
    let exported = app
        .db(|c| secunity::newsletter::privacy::export_person(c, "seminar@example.jp"))
        .await;
    assert_eq!(exported["status"], "pending");
    assert_eq!(exported["history"][0]["source"], "seminar:1");
    app.db(|c| secunity::newsletter::privacy::erase_person(c, "seminar@example.jp"))
        .await;
    assert_eq!(status_of(&app, "seminar@example.jp").await, None);
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

fn bench_options(subscribers: usize) -> secunity::bench::newsletter::BenchOptions {
    secunity::bench::newsletter::BenchOptions {
        subscribers,
        postgres_admin_url: std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|v| !v.is_empty())
            .map(|url| crate::support::app::without_tls_on_loopback(&url)),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_newsletter_benchmark_delivers_every_message() {
    let figures = secunity::bench::newsletter::run(bench_options(500))
        .await
        .unwrap();
    assert_eq!(figures["messages"], 500);
    assert!(figures["messages_per_second"].as_f64().unwrap() > 0.0);
    assert!(figures["peak_memory_mb"].as_f64().unwrap() > 0.0);
}

/// The full benchmark (100,000 subscribers, or BENCH_SUBSCRIBERS; SMTP connections from
/// BENCH_CONCURRENCY, default 8): run with
/// `cargo test --release --test it -- --ignored --nocapture newsletter_benchmark_full`.
#[tokio::test(flavor = "multi_thread")]
#[ignore]
async fn newsletter_benchmark_full() {
    let n = std::env::var("BENCH_SUBSCRIBERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let mut options = bench_options(n);
    if let Some(c) = std::env::var("BENCH_CONCURRENCY")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        options.concurrency = c;
    }
    let figures = secunity::bench::newsletter::run(options).await.unwrap();
    println!("{figures}");
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
    let post = reqwest::Method::POST;
    let (_, created) = api(
        &app,
        &token,
        post.clone(),
        "/api/v1/campaigns",
        Some(json!({"subject": "予約配信", "body_markdown": "本文"})),
    )
    .await;
    let id = created["id"].as_i64().unwrap();
    let at = secunity::time::rfc3339(secunity::time::now_utc() + chrono::Duration::seconds(2));
    let (status, answer) = api(
        &app,
        &token,
        post.clone(),
        &format!("/api/v1/campaigns/{id}/send"),
        Some(json!({"scheduled_at": at})),
    )
    .await;
    assert_eq!(
        (status, answer["status"].as_str()),
        (202, Some("scheduled"))
    );
    wait_campaign(&app, &token, id, 1).await;

    let (_, created) = api(
        &app,
        &token,
        post.clone(),
        "/api/v1/campaigns",
        Some(json!({"subject": "中止", "body_markdown": "本文"})),
    )
    .await;
    let id = created["id"].as_i64().unwrap();
    let at = secunity::time::rfc3339(secunity::time::now_utc() + chrono::Duration::hours(1));
    api(
        &app,
        &token,
        post.clone(),
        &format!("/api/v1/campaigns/{id}/send"),
        Some(json!({"scheduled_at": at})),
    )
    .await;
    let (status, answer) = api(
        &app,
        &token,
        post.clone(),
        &format!("/api/v1/campaigns/{id}/cancel"),
        None,
    )
    .await;
    assert_eq!(
        (status, answer["status"].as_str()),
        (200, Some("cancelled"))
    );
    let (status, _) = api(
        &app,
        &token,
        post.clone(),
        &format!("/api/v1/campaigns/{id}/resume"),
        None,
    )
    .await;
    assert_eq!(status, 409);
    let (_, c) = api(
        &app,
        &token,
        reqwest::Method::GET,
        &format!("/api/v1/campaigns/{id}"),
        None,
    )
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
                .filter(ob::status.ne(secunity::mail::outbox::QUEUED))
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
async fn an_unsubscribe_mail_to_the_mailto_address_unsubscribes_by_its_token() {
    let app = spawn_app().await;
    let (_, token) = app.api_token("staff@example.jp", Role::Staff).await;
    seed(
        &app,
        vec![("mailto@example.jp".into(), "active", vec!["events".into()])],
    )
    .await;
    // The List-Unsubscribe header the subscriber's mails carry (the seed's nonce of row 0).
    let links = Links::from_config(&app.state.config);
    let header = links.list_headers("nonce-0-mailto@example.jp")[1].1.clone();
    let mailto = link_in(&header, "mailto:");
    let subject = mailto
        .split_once("?subject=")
        .expect("a subject in the mailto link")
        .1
        .replace("%20", " ");
    assert!(subject.starts_with("unsubscribe "), "{subject}");
    let post = |raw: String| {
        app.client
            .post(app.url("/api/v1/bounces"))
            .bearer_auth(&token)
            .header("Content-Type", "message/rfc822")
            .body(raw)
            .send()
    };
    let mail = |from: &str, subject: &str| {
        format!("From: {from}\r\nTo: no-reply@secunity.example\r\nSubject: {subject}\r\n\r\n\r\n")
    };
    // A request with no token, or a stranger's guess, ends nothing.
    let res = post(mail("mailto@example.jp", "unsubscribe"))
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let guess = format!("unsubscribe {}", secunity::tokens::new_token());
    let res = post(mail("mailto@example.jp", &guess)).await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["unsubscribed"], 0);
    assert_eq!(
        status_of(&app, "mailto@example.jp").await.as_deref(),
        Some("active")
    );
    // The mail the client writes from the header (a reply prefix does not matter).
    let res = post(mail("other-alias@example.jp", &format!("Re: {subject}")))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["unsubscribed"], 1);
    assert_eq!(
        status_of(&app, "mailto@example.jp").await.as_deref(),
        Some("unsubscribed")
    );
    let history: Vec<String> = app
        .db(|c| {
            secunity::schema::newsletter_consent_events::table
                .select(secunity::schema::newsletter_consent_events::source)
                .load(c)
        })
        .await;
    assert!(history.iter().any(|s| s == "mailto:api"), "{history:?}");
}

#[tokio::test]
async fn staff_cancel_a_campaign_from_its_page_once_and_it_is_audited() {
    let app = spawn_app().await;
    let (_, token) = app.api_token("api-staff@example.jp", Role::Staff).await;
    let (_, created) = api(
        &app,
        &token,
        reqwest::Method::POST,
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
