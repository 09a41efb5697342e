//! Returned mail: bounces and unsubscribe requests by mail.

use super::*;

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
