//! The newsletter: double opt-in, campaigns through the outbox, one-click unsubscribe,
//! pause/resume and restarts, Japanese mail, staff pages, API, bounces.

mod bad_input;
mod bench;
mod campaigns;
mod returned;
mod staff;
mod subscribing;

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
                        status: q::SubscriberStatus::parse(status).expect("a subscriber status"),
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

pub async fn create_and_send(
    app: &TestApp,
    token: &str,
    subject: &str,
    body: &str,
    topics: &[&str],
) -> i64 {
    let (status, created) = app
        .api(
            "POST",
            token,
            "/api/v1/campaigns",
            Some(json!({ "subject": subject, "body_markdown": body, "topics": topics })),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    let (status, _) = app
        .api("POST", token, &format!("/api/v1/campaigns/{id}/send"), None)
        .await;
    assert_eq!(status, 202);
    id
}

async fn wait_campaign(app: &TestApp, token: &str, id: i64, sent: i64) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    loop {
        let (_, c) = app
            .api("GET", token, &format!("/api/v1/campaigns/{id}"), None)
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
    app.api("GET", token, &format!("/api/v1/campaigns/{id}"), None)
        .await
        .1
}

async fn transition(app: &TestApp, token: &str, id: i64, action: &str) -> (u16, Value) {
    app.api(
        "POST",
        token,
        &format!("/api/v1/campaigns/{id}/{action}"),
        None,
    )
    .await
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
