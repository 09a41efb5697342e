//! Attendance certificates and the check-in API: a registrant checked in through
//! `POST /api/v1/registrations/{id}/check-in` downloads a PDF once the seminar has ended, whose
//! text holds their name and the seminar's title; the public check shows seminar, date and
//! name; staff download all certificates and revoke one; refusals are 4xx with a reason.

use chrono::Duration;
use diesel::prelude::*;
use secunity::accounts::Role;
use secunity::schema::{audit_log, registrations as r, seminars as s};
use serde_json::Value;

use crate::seminars::{data, personal_link, regs, seminar};
use crate::support::TestApp;
use crate::support::spawn_app;

fn pdf_text(bytes: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(bytes).expect("a PDF");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages).expect("text")
}

fn path_of(app: &TestApp, link: &str) -> String {
    link.trim_start_matches(&app.base).to_string()
}

async fn audit_actions(app: &TestApp, action: &'static str) -> i64 {
    app.db(move |c| {
        audit_log::table
            .filter(audit_log::action.eq(action))
            .count()
            .get_result::<i64>(c)
    })
    .await
}

async fn end_seminar(app: &TestApp, id: i64) {
    app.db(move |c| {
        let start = secunity::time::now_utc() - Duration::days(2);
        diesel::update(s::table.find(id))
            .set((
                s::starts_at.eq(start),
                s::ends_at.eq(start + Duration::hours(4)),
            ))
            .execute(c)
    })
    .await;
}

#[tokio::test]
async fn a_checked_in_registrant_gets_a_certificate_that_the_public_page_confirms() {
    let app = spawn_app().await;
    let id = seminar(&app, data("hybrid", 10, 10)).await;
    let link = personal_link(&app, id, "taro@example.jp", "onsite").await;
    let page = path_of(&app, &link);
    let other = personal_link(&app, id, "hanako@example.jp", "online").await;
    let pdf = format!("{page}/certificate.pdf");

    // Before the end: a clear refusal, no certificate link.
    let (status, body) = app.get_text(&pdf).await;
    assert_eq!(status, 409);
    assert!(body.contains("終了後"), "{body}");

    // Check-in through the API on the day: idempotent, audited, reflected in the list.
    crate::seminars::held_now(&app, id).await;
    let (_, token) = app.api_token("kiosk@example.jp", Role::Staff).await;
    let reg_id = regs(&app, id)
        .await
        .iter()
        .find(|r| r.email == "taro@example.jp")
        .unwrap()
        .id;
    let mut first = None;
    for _ in 0..2 {
        let res = app
            .client
            .post(app.url(&format!("/api/v1/registrations/{reg_id}/check-in")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let v: Value = res.json().await.unwrap();
        assert_eq!(v["checked_in"], true);
        assert_eq!(v["id"], reg_id);
        let at = v["checked_in_at"].as_str().unwrap().to_string();
        assert!(at.ends_with("+09:00"), "{at}");
        assert_eq!(
            first.get_or_insert(at.clone()),
            &at,
            "the first time is kept"
        );
    }
    assert_eq!(audit_actions(&app, "registration.check_in").await, 2);
    let list: Value = app
        .api_json(&format!("/api/v1/seminars/{id}/registrations"), &token)
        .await;
    let checked: Vec<(String, bool)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["email"].as_str().unwrap().to_string(),
                r["checked_in"].as_bool().unwrap(),
            )
        })
        .collect();
    assert!(checked.contains(&("taro@example.jp".into(), true)));
    assert!(checked.contains(&("hanako@example.jp".into(), false)));
    // Bad ids and members.
    let res = app
        .client
        .post(app.url("/api/v1/registrations/999999/check-in"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let (_, member) = app.api_token("member@example.jp", Role::Member).await;
    let res = app
        .client
        .post(app.url(&format!("/api/v1/registrations/{reg_id}/check-in")))
        .bearer_auth(&member)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);

    end_seminar(&app, id).await;
    // Not checked in: refused with the reason.
    let (status, body) = app
        .get_text(&format!("{}/certificate.pdf", path_of(&app, &other)))
        .await;
    assert_eq!(status, 409);
    assert!(body.contains("出席を確認"), "{body}");

    // The personal page links to it; the PDF holds the name and the title as text.
    let (_, html) = app.get_text(&page).await;
    assert!(html.contains(&format!("href=\"{pdf}\"")), "{html}");
    let res = app.get(&pdf).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let bytes = res.bytes().await.unwrap();
    let text = pdf_text(&bytes);
    let compact: String = text.split_whitespace().collect();
    assert!(compact.contains("九州太郎"), "{text}");
    assert!(compact.contains("中小製造業向け体験型演習"), "{text}");
    let serial = text
        .split_whitespace()
        .find(|w| w.starts_with("SEC-"))
        .map(|w| {
            w.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '-')
                .to_string()
        })
        .expect("the serial is printed");
    // The same serial the second time.
    let again = pdf_text(&app.get(&pdf).await.bytes().await.unwrap());
    assert!(again.contains(&serial));
    assert_eq!(audit_actions(&app, "certificate.issue").await, 1);

    // The public check: seminar, date, name; nothing else. Lower case and no hyphens work too.
    let (status, check) = app.get_text(&format!("/certificates/{serial}")).await;
    assert_eq!(status, 200);
    assert!(check.contains("九州 太郎") && check.contains("中小製造業向け体験型演習"));
    assert!(!check.contains("taro@example.jp") && !check.contains("株式会社テスト"));
    let typed = serial.to_lowercase().replace('-', "");
    assert_eq!(
        app.get(&format!("/certificates/{typed}")).await.status(),
        200
    );
    for bad in ["SEC-2026-XXXX", "nothing", "SEC-2026-0000-0000-0000-0000"] {
        let (status, body) = app.get_text(&format!("/certificates/{bad}")).await;
        assert_eq!(status, 404, "{bad}");
        assert!(body.contains("見つかりません"), "{bad}");
    }

    // Staff: all certificates, one page each (only the one who attended).
    app.sign_in("staff@example.jp", Role::Staff).await;
    let res = app
        .get(&format!("/staff/seminars/{id}/certificates.pdf"))
        .await;
    assert_eq!(res.status(), 200);
    let bytes = res.bytes().await.unwrap();
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    assert_eq!(doc.get_pages().len(), 1);
    assert_eq!(audit_actions(&app, "certificate.export").await, 1);

    // Revoking: a confirmation page, the POST needs its CSRF token and a reason.
    let list = format!("/staff/seminars/{id}/certificates");
    let (status, html) = app.get_text(&list).await;
    assert_eq!(status, 200);
    assert!(html.contains(&serial));
    let confirm = format!("/staff/certificates/{serial}/revoke");
    let (status, html) = app.get_text(&confirm).await;
    assert_eq!(status, 200);
    assert!(html.contains("取り消します"));
    let res = app
        .post_form(&confirm, &[("reason", "誤って出席登録")])
        .await;
    assert_eq!(res.status(), 403, "no CSRF token");
    let res = app
        .post_form_from(&confirm, &confirm, &[("reason", " ")])
        .await;
    assert_eq!(res.status(), 422);
    let res = app
        .post_form_from(&confirm, &confirm, &[("reason", "誤って出席登録")])
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers()["location"],
        format!("{list}?done=revoked").as_str()
    );
    assert_eq!(audit_actions(&app, "certificate.revoke").await, 1);
    let (status, check) = app.get_text(&format!("/certificates/{serial}")).await;
    assert_eq!(status, 200);
    assert!(check.contains("取り消されています"));
    assert!(!check.contains("九州 太郎"));
    let (status, _) = app.get_text(&pdf).await;
    assert_eq!(status, 409);
    let revoked: Option<chrono::NaiveDateTime> = app
        .db(move |c| {
            r::table
                .find(reg_id)
                .select(r::checked_in_at)
                .first::<Option<chrono::NaiveDateTime>>(c)
        })
        .await;
    assert!(revoked.is_some(), "revoking keeps the attendance");
}

#[tokio::test]
async fn certificates_of_a_seminar_are_for_staff_only() {
    let app = spawn_app().await;
    let id = seminar(&app, data("online", 0, 10)).await;
    let res = app
        .get(&format!("/staff/seminars/{id}/certificates.pdf"))
        .await;
    assert!(matches!(res.status().as_u16(), 303 | 401));
    app.sign_in("member@example.jp", Role::Member).await;
    for path in [
        format!("/staff/seminars/{id}/certificates.pdf"),
        format!("/staff/seminars/{id}/certificates"),
        "/staff/certificates/SEC-2026-0000-0000-0000-0000/revoke".to_string(),
    ] {
        assert_eq!(app.get(&path).await.status(), 403, "{path}");
    }
    app.sign_in("staff@example.jp", Role::Staff).await;
    // Nobody attended yet: an explanation, not an empty PDF.
    let (status, body) = app
        .get_text(&format!("/staff/seminars/{id}/certificates.pdf"))
        .await;
    assert_eq!(status, 409);
    assert!(body.contains("受講証明書を出せる参加者がまだいません"));
    assert_eq!(
        app.get("/staff/seminars/999999/certificates.pdf")
            .await
            .status(),
        404
    );
    assert_eq!(
        app.get("/staff/certificates/not-a-serial/revoke")
            .await
            .status(),
        404
    );
}
