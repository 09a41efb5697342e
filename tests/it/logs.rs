//! Logs carry no personal data: a journey through a `secunity serve` process logging at debug
//! level (registration, newsletter subscription, sign-in by mailed link, a board post, and the
//! mail sender delivering all of it), then a search of everything it logged for the addresses,
//! names and tokens of that journey.

use std::sync::Arc;

use secunity::schema::organizations;

use crate::matching::{form_need, join};
use crate::seminars::{data, seminar};
use crate::support::process::{self, Service};
use crate::support::smtp::{SmtpServer, parsed};
use crate::support::{TestApp, spawn_app_with};

const REGISTRANT: &str = "logs.registrant@example.jp";
const REGISTRANT_NAME: &str = "記録 禁子";
const REGISTRANT_COMPANY: &str = "ログ秘匿商事株式会社";
const READER: &str = "logs.reader@example.jp";
const READER_NAME: &str = "購読 秘太郎";
const MEMBER: &str = "logs.member@example.jp";

/// The first link to the process in the newest mail to `to`.
fn link_to(app: &TestApp, service: &Service, to: &str) -> String {
    let newest = app
        .smtp
        .messages()
        .into_iter()
        .rev()
        .find(|m| m.rcpt_to[0] == to);
    let text = parsed(&newest.unwrap_or_else(|| panic!("a mail to {to}")))
        .body_text(0)
        .unwrap_or_default()
        .to_string();
    links(&text, &service.base)
        .next()
        .unwrap_or_else(|| panic!("a link in the mail to {to}: {text}"))
        .to_string()
}

/// The links to `base` in a text.
fn links<'a>(text: &'a str, base: &'a str) -> impl Iterator<Item = &'a str> {
    text.split(|c: char| c.is_whitespace() || "<>\"'()「」".contains(c))
        .filter(move |piece| piece.starts_with(base))
}

/// The path segments of every link in every mail that look like tokens (long, random).
fn tokens_in_mail(app: &TestApp, service: &Service) -> Vec<String> {
    let mut tokens = Vec::new();
    for m in app.smtp.messages() {
        let text = parsed(&m).body_text(0).unwrap_or_default().to_string();
        for link in links(&text, &service.base) {
            let path = &link[service.base.len()..];
            for segment in path.split(['/', '?', '&', '=']) {
                if segment.len() >= 20
                    && segment
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c))
                {
                    tokens.push(segment.to_string());
                }
            }
        }
    }
    tokens.sort();
    tokens.dedup();
    tokens
}

#[tokio::test]
async fn a_journey_logged_at_debug_level_logs_no_address_name_or_token() {
    // The first delivery is refused for now (451), so the sender's logging of a retry is part
    // of the journey.
    let smtp = SmtpServer::start_with(Arc::new(|n| if n == 0 { 451 } else { 250 })).await;
    let app = spawn_app_with(&[("WORKERS", "off")], smtp).await;
    let id = seminar(&app, data("online", 0, 10)).await;
    let sme = crate::matching::org(&app, "sme", "株式会社ログ確認").await;
    let service = process::serve(&app, &[("RUST_LOG", "debug")]).await;

    // A registration and a newsletter subscription.
    let status = service
        .post_form_from(
            &format!("/seminars/{id}"),
            &format!("/seminars/{id}/registrations"),
            &[
                ("name", REGISTRANT_NAME),
                ("email", REGISTRANT),
                ("company", REGISTRANT_COMPANY),
                ("prefecture", "40"),
                ("industry", "manufacturing"),
                ("mode", "online"),
                ("consent", "1"),
            ],
        )
        .await;
    assert!((300..400).contains(&status), "registration: {status}");
    let status = service
        .post_form_from(
            "/newsletter",
            "/newsletter/subscribe",
            &[
                ("email", READER),
                ("name", READER_NAME),
                ("topics", "events"),
                ("consent", "1"),
            ],
        )
        .await;
    assert_eq!(status, 200, "subscription");

    // Sign-in by mailed link, then a board post as a member of an SME.
    let status = service
        .post_form_from("/login", "/auth/email", &[("email", MEMBER)])
        .await;
    assert!((300..400).contains(&status), "login link: {status}");
    app.wait_outbox_drained().await;
    let link = link_to(&app, &service, MEMBER);
    let path = &link[service.base.len()..];
    let status = service
        .post_form_from(path, path.split('?').next().unwrap(), &[])
        .await;
    assert!((300..400).contains(&status), "sign-in: {status}");
    join(&app, MEMBER, sme).await;
    let status = service
        .post_form_from(
            "/board/needs/new",
            "/board/needs",
            &form_need("ログ確認用の相談", "端末の監視を相談したい"),
        )
        .await;
    assert!((300..400).contains(&status), "board post: {status}");
    let opened = service
        .client
        .get(service.url(&link_to(&app, &service, REGISTRANT)[service.base.len()..]))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(opened, 200, "the registrant's own page");
    app.wait_outbox_drained().await;

    let mut secrets: Vec<String> = [
        REGISTRANT,
        REGISTRANT_NAME,
        REGISTRANT_COMPANY,
        READER,
        READER_NAME,
        MEMBER,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // The addresses as a form or a URL carries them, too.
    for email in [REGISTRANT, READER, MEMBER] {
        secrets.push(email.replace('@', "%40"));
    }
    let tokens = tokens_in_mail(&app, &service);
    assert!(
        tokens.len() >= 3,
        "the personal, confirmation and sign-in links: {tokens:?}"
    );
    secrets.extend(tokens);
    let cookies = service.cookies().expect("the session and CSRF cookies");
    secrets.extend(
        cookies
            .split("; ")
            .filter_map(|c| c.split_once('=').map(|(_, v)| v.to_string()))
            .filter(|v| v.len() >= 20),
    );

    let mut service = service;
    service.kill();
    let log = service.log();
    // What was captured: the start, the sender, the refused delivery. (At debug level the
    // service logs nothing more today; this guards what a future log line would carry.)
    for line in [
        "secunity is serving",
        "mail sender started",
        "mail not accepted",
    ] {
        assert!(log.contains(line), "{line:?} in the log:\n{log}");
    }
    let lower = log.to_lowercase();
    let leaked: Vec<&String> = secrets
        .iter()
        .filter(|s| lower.contains(&s.to_lowercase()))
        .collect();
    assert!(leaked.is_empty(), "logged: {leaked:?}\n{log}");
    let org_name: String = app
        .db(move |c| {
            use diesel::prelude::*;
            organizations::table
                .find(sme)
                .select(organizations::name)
                .first(c)
        })
        .await;
    assert!(
        !log.contains(&org_name),
        "the organization's name was logged"
    );
}
