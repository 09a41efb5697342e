//! Staff at the seminar desk: create, check in, export, call off, message, and who may not.

use super::*;

#[tokio::test]
async fn members_get_403_on_staff_pages_and_the_staff_api() {
    let app = spawn_app().await;
    let id = seminar(&app, data("online", 0, 10)).await;
    app.sign_in("member@example.jp", Role::Member).await;
    for path in [
        "/staff/seminars".to_string(),
        format!("/staff/seminars/{id}"),
        format!("/staff/seminars/{id}/registrations.csv"),
        "/staff/seminars/new".into(),
    ] {
        assert_eq!(app.get_text(&path).await.0, 403, "{path}");
    }
    let res = app
        .post_form_from("/", &format!("/staff/seminars/{id}/cancel"), &[])
        .await;
    assert_eq!(res.status().as_u16(), 403);
    let (_, token) = app.api_token("member2@example.jp", Role::Member).await;
    let res = app
        .client
        .post(app.url("/api/v1/seminars"))
        .bearer_auth(&token)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    let res = app
        .client
        .get(app.url(&format!("/api/v1/seminars/{id}/registrations")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    let res = app
        .client
        .patch(app.url(&format!("/api/v1/seminars/{id}")))
        .bearer_auth(&token)
        .json(&json!({"title": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
}

#[tokio::test]
async fn staff_create_check_in_export_and_cancel_are_audited() {
    let app = spawn_app().await;
    app.sign_in("staff@example.jp", Role::Staff).await;
    let good = [
        ("title", "熊本 農業 セキュリティセミナー"),
        ("industry", "agriculture"),
        ("prefecture", "43"),
        ("format", "onsite"),
        ("venue", "熊本市"),
        ("starts_at", "2030-01-20T13:00"),
        ("ends_at", "2030-01-20T15:00"),
        ("registration_closes_at", "2030-01-19T17:00"),
        ("capacity_onsite", "20"),
        (
            "questions",
            r#"[{"label":"ご質問","kind":"short","required":false}]"#,
        ),
    ];
    // A deadline after the start: 422, values kept, nothing stored.
    let mut bad = good.to_vec();
    bad[7] = ("registration_closes_at", "2030-01-21T17:00");
    let res = app
        .post_form_from("/staff/seminars/new", "/staff/seminars/new", &bad)
        .await;
    assert_eq!(res.status().as_u16(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("申込締切は開始日時より前にしてください"));
    assert!(body.contains("熊本 農業 セキュリティセミナー"));
    let n: i64 = app.db(|c| s::table.count().get_result(c)).await;
    assert_eq!(n, 0);
    let res = app
        .post_form_from("/staff/seminars/new", "/staff/seminars/new", &good)
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let id: i64 = app.db(|c| s::table.select(s::id).first(c)).await;
    // A draft is not public until published.
    assert_eq!(app.get_text(&format!("/seminars/{id}")).await.0, 404);
    let res = app
        .post_form_from(
            "/staff/seminars",
            &format!("/staff/seminars/{id}/publish"),
            &[],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let mut f = form("=cmd@example.jp", "onsite");
    f.push(("q_0", "=HYPERLINK(\"http://example.invalid\")"));
    f[0] = ("name", "+81-90-0000-0000");
    let res = app
        .post_form_from(
            &format!("/seminars/{id}"),
            &format!("/seminars/{id}/registrations"),
            &f,
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let rid = regs(&app, id).await[0].id;
    let (status, page) = app.get_text(&format!("/staff/seminars/{id}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("=cmd@example.jp"));
    assert!(page.contains("<svg") && page.contains("都道府県別の申込数"));
    // Ten days before the seminar, attendance cannot be recorded yet, and the page says when.
    assert!(page.contains("出席の記録は"), "{page}");
    assert!(!page.contains(&format!("/registrations/{rid}/check-in")));
    let (staff_page, check_in_path) = (
        format!("/staff/seminars/{id}"),
        format!("/staff/seminars/{id}/registrations/{rid}/check-in"),
    );
    let check_in = || app.post_form_from(&staff_page, &check_in_path, &[]);
    let res = check_in().await;
    assert_eq!(res.status().as_u16(), 409);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("セミナー当日から終了後7日まで")
    );
    assert!(regs(&app, id).await[0].checked_in_at.is_none());
    held_now(&app, id).await;
    let (_, page) = app.get_text(&format!("/staff/seminars/{id}")).await;
    assert!(page.contains(&format!("/registrations/{rid}/check-in")));
    assert!(!page.contains("出席の記録は"));
    let res = check_in().await;
    assert_eq!(res.status().as_u16(), 303);
    assert!(regs(&app, id).await[0].checked_in_at.is_some());
    let res = app
        .get(&format!("/staff/seminars/{id}/registrations.csv"))
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()));
    let csv = String::from_utf8(bytes.to_vec()).unwrap();
    assert!(csv.contains("\r\n"));
    assert!(csv.contains(",'+81-90-0000-0000,"));
    assert!(csv.contains("'=cmd@example.jp"));
    assert!(csv.contains("\"'=HYPERLINK(\"\"http://example.invalid\"\")\""));
    assert!(csv.lines().next().unwrap().contains("ご質問"));
    // Back to ten days ahead, where it can still be called off.
    app.db(move |c| {
        let start = now() + Days::days(10);
        diesel::update(s::table.find(id))
            .set((
                s::starts_at.eq(start),
                s::ends_at.eq(start + Days::hours(4)),
                s::registration_closes_at.eq(start - Days::days(1)),
            ))
            .execute(c)
    })
    .await;
    let res = call_off(&app, id).await;
    assert_eq!(res.status().as_u16(), 303);
    app.wait_outbox_drained().await;
    let called_off: Vec<Vec<String>> = app
        .smtp
        .messages()
        .iter()
        .filter(|m| parsed(m).subject().unwrap().contains("中止"))
        .map(|m| m.rcpt_to.clone())
        .collect();
    assert_eq!(called_off, vec![vec!["=cmd@example.jp".to_string()]]);
    let actions: Vec<String> = app
        .db(|c| audit_log::table.select(audit_log::action).load(c))
        .await;
    for a in [
        "seminar.create",
        "seminar.publish",
        "registration.view",
        "registration.check_in",
        "registration.export",
        "seminar.cancel",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
    }
    // Registration is closed now, and the home page lists nothing cancelled.
    let res = app
        .post_form_from(
            "/staff/seminars",
            &format!("/seminars/{id}/registrations"),
            &form("late@example.jp", "onsite"),
        )
        .await;
    assert_eq!(res.status().as_u16(), 409);
}

#[tokio::test]
async fn calling_off_a_seminar_tells_every_active_registrant_once_with_the_calendar_entry() {
    use crate::seminar_scale::person;
    let app = spawn_app().await;
    let id = seminar(&app, data("hybrid", 1, 1)).await;
    let notifier = secunity::registrations::mail::Notifier::of(&app.state);
    app.db(move |c| {
        for (email, mode) in [
            ("onsite@example.jp", Mode::Onsite),
            ("online@example.jp", Mode::Online),
            ("waiting@example.jp", Mode::Onsite),
            ("gone@example.jp", Mode::Online),
        ] {
            rq::register(c, &notifier, id, &person(email, mode), now())?;
        }
        // Waiting online, then cancelled: no longer a registrant to tell.
        let gone = rq::find_by_email(c, id, "gone@example.jp")?.expect("registered");
        rq::cancel(c, &notifier, gone.id, now())?;
        Ok::<_, secunity::error::AppError>(())
    })
    .await;
    let statuses: Vec<(String, String)> = regs(&app, id)
        .await
        .into_iter()
        .map(|r| (r.email, r.status.to_string()))
        .collect();
    assert_eq!(
        statuses,
        [
            ("onsite@example.jp", "confirmed"),
            ("online@example.jp", "confirmed"),
            ("waiting@example.jp", "waitlisted"),
            ("gone@example.jp", "cancelled"),
        ]
        .map(|(e, s)| (e.to_string(), s.to_string()))
    );
    app.wait_outbox_drained().await;
    let before = app.smtp.messages().len();

    app.sign_in("staff@example.jp", Role::Staff).await;
    let res = call_off(&app, id).await;
    assert_eq!(res.status().as_u16(), 303);
    app.wait_outbox_drained().await;
    let called_off: Vec<_> = app.smtp.messages().split_off(before);
    let mut told: Vec<String> = called_off.iter().map(|m| m.rcpt_to[0].clone()).collect();
    told.sort();
    assert_eq!(
        told,
        [
            "online@example.jp",
            "onsite@example.jp",
            "waiting@example.jp"
        ],
        "every confirmed and waitlisted registrant once, nobody who had cancelled"
    );
    for m in &called_off {
        let msg = parsed(m);
        assert!(
            msg.subject().unwrap().contains("中止"),
            "{:?}",
            msg.subject()
        );
        let ics = msg
            .attachments()
            .find(|a| a.attachment_name().is_some_and(|n| n.ends_with(".ics")));
        // Only confirmed registrants hold the seminar in their calendar; the waitlisted one is
        // told by mail and has no entry to remove.
        if m.rcpt_to[0] == "waiting@example.jp" {
            assert!(ics.is_none(), "no calendar entry for the waitlisted");
            continue;
        }
        let ics = String::from_utf8(
            ics.expect("the calendar entry is attached")
                .contents()
                .to_vec(),
        )
        .unwrap();
        assert!(
            ics.contains(&format!("UID:seminar-{id}@127.0.0.1")),
            "{ics}"
        );
        assert!(ics.contains("METHOD:CANCEL"), "{ics}");
        assert!(ics.contains("STATUS:CANCELLED"), "{ics}");
        let sequence: u32 = ics
            .lines()
            .find_map(|l| l.strip_prefix("SEQUENCE:"))
            .and_then(|v| v.trim().parse().ok())
            .expect("a SEQUENCE");
        assert!(sequence >= 1, "the sequence went up: {ics}");
    }
    // Calling it off again tells nobody again.
    let res = call_off(&app, id).await;
    assert!(res.status().is_redirection() || res.status().is_client_error());
    app.wait_outbox_drained().await;
    assert_eq!(app.smtp.messages().len(), before + 3);
}

#[tokio::test]
async fn staff_form_refuses_each_bad_field_and_keeps_the_values() {
    let app = spawn_app().await;
    app.sign_in("staff@example.jp", Role::Staff).await;
    let base = [
        ("title", "佐賀 医療・薬局"),
        ("industry", "medical_pharmacy"),
        ("prefecture", "41"),
        ("format", "online"),
        ("starts_at", "2030-01-20T13:00"),
        ("ends_at", "2030-01-20T15:00"),
        ("registration_closes_at", "2030-01-19T17:00"),
        ("capacity_online", "100"),
    ];
    let long = "x".repeat(5000);
    let bad: Vec<(&str, &str)> = vec![
        ("title", &long),
        ("title", "a\r\nb"),
        ("title", ""),
        ("industry", "<script>"),
        ("prefecture", "0"),
        ("format", "party"),
        ("starts_at", "tomorrow"),
        ("ends_at", "2030-01-20T12:00"),
        ("registration_closes_at", "2030-01-21T10:00"),
        ("capacity_online", "-5"),
        ("capacity_online", "0"),
        ("online_url", "javascript:alert(1)"),
        ("questions", "[{\"label\":\"x\",\"kind\":\"essay\"}]"),
        ("hosts", "名前\u{202e}byte"),
        ("online_url", "http://"),
        ("online_url", "http://exa mple.jp/"),
        ("starts_at", "1900-01-01T13:00"),
        ("ends_at", "2999-01-20T15:00"),
        ("registration_opens_at", "0000-01-01T00:00"),
    ];
    for (field, value) in bad {
        let mut f: Vec<(&str, &str)> = base.iter().filter(|(k, _)| *k != field).copied().collect();
        f.push((field, value));
        let res = app
            .post_form_from("/staff/seminars/new", "/staff/seminars/new", &f)
            .await;
        assert_eq!(res.status().as_u16(), 422, "{field}={value:?}");
        let body = res.text().await.unwrap();
        assert!(
            body.contains(&format!("href=\"#f-{field}\"")),
            "{field}: no message"
        );
        assert!(body.contains("佐賀 医療・薬局") || field == "title");
    }
    // A NUL cannot be stored at all: the form is refused before it is read, naming the field.
    let mut f: Vec<(&str, &str)> = base.to_vec();
    f.push(("hosts", "名前\u{0}byte"));
    let res = app
        .post_form_from("/staff/seminars/new", "/staff/seminars/new", &f)
        .await;
    assert_eq!(res.status().as_u16(), 400);
    let body = res.text().await.unwrap();
    assert!(body.contains("「hosts」: 使えない制御文字"), "{body}");
    let n: i64 = app.db(|c| s::table.count().get_result(c)).await;
    assert_eq!(n, 0);
}

#[tokio::test]
async fn staff_message_goes_to_the_chosen_audience_only() {
    let app = spawn_app().await;
    let id = seminar(&app, data("onsite", 1, 0)).await;
    personal_link(&app, id, "a@example.jp", "onsite").await;
    personal_link(&app, id, "b@example.jp", "onsite").await;
    app.smtp.wait_for(2, Duration::from_secs(10)).await;
    app.sign_in("staff@example.jp", Role::Staff).await;
    let page = format!("/staff/seminars/{id}");
    // An unknown audience and a header in the subject are refused; then the real message.
    for (audience, subject, body, expected) in [
        ("everyone", "x", "y", 422),
        ("confirmed", "a\r\nBcc: x@y.z", "y", 422),
        ("confirmed", "会場のご案内", "受付は12:30からです。", 303),
    ] {
        let res = app
            .post_form_from(
                &page,
                &format!("{page}/message"),
                &[("audience", audience), ("subject", subject), ("body", body)],
            )
            .await;
        assert_eq!(res.status().as_u16(), expected, "{audience} {subject}");
    }
    app.wait_outbox_drained().await;
    let got = app.smtp.messages();
    assert_eq!(got.len(), 3);
    let msg = got
        .iter()
        .find(|m| parsed(m).subject().unwrap().contains("会場のご案内"))
        .unwrap();
    assert_eq!(msg.rcpt_to, vec!["a@example.jp".to_string()]);
}
