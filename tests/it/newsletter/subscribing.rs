//! A reader's journey: subscribe with double opt-in, confirm, change preferences, unsubscribe.

use super::*;

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
