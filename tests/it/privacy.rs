//! Public forms that must not reveal or change another person's data: the registration form
//! answers a registered address exactly as a new one (the mail tells the rest), and the
//! newsletter form changes nothing stored for a known address until that address confirms.

use std::time::Duration;

use chrono::Duration as Span;
use diesel::prelude::*;
use secunity::newsletter::queries as q;
use secunity::schema::{
    newsletter_consent_events as events, newsletter_subscribers as subs, registrations as r,
};

use crate::seminars::{data, form, personal_link, regs, seminar};
use crate::support::mailbox::{next_registration_link, registration_links};
use crate::support::smtp::parsed;
use crate::support::{TestApp, spawn_app};

fn now() -> chrono::NaiveDateTime {
    secunity::time::now_utc()
}

async fn post_registration(app: &TestApp, id: i64, email: &str) -> (u16, String, String) {
    let res = app
        .post_form_from(
            &format!("/seminars/{id}"),
            &format!("/seminars/{id}/registrations"),
            &form(email, "online"),
        )
        .await;
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, location, res.text().await.unwrap())
}

#[tokio::test]
async fn the_registration_form_answers_a_registered_address_exactly_as_a_new_one() {
    let app = spawn_app().await;
    let id = seminar(&app, data("online", 0, 10)).await;
    let first_link = personal_link(&app, id, "known@example.jp", "online").await;
    // The first mail went a while ago.
    app.db(|c| {
        diesel::update(r::table)
            .set(r::updated_at.eq(now() - Span::minutes(11)))
            .execute(c)
    })
    .await;

    let known = post_registration(&app, id, "known@example.jp").await;
    let new = post_registration(&app, id, "new@example.jp").await;
    assert_eq!(known, new);
    assert_eq!(known.0, 303);
    assert_eq!(known.1, format!("/seminars/{id}/registrations/sent"));
    let (status, page) = app.get_text(&known.1).await;
    assert_eq!(status, 200);
    assert!(page.contains("メールをご確認ください"));
    assert!(page.contains("中小製造業向け体験型演習"));
    assert!(page.contains("迷惑メールフォルダ"));
    assert!(page.contains("ご本人専用のリンク"));
    assert!(!page.contains("お申し込み済み"));

    // The registered address learns it from its mail, with a fresh personal link that
    // replaces the old one; the new address gets its confirmation.
    let fresh = next_registration_link(&app, "known@example.jp", 1).await;
    assert_ne!(fresh, first_link);
    next_registration_link(&app, "new@example.jp", 0).await;
    let mail = app
        .smtp
        .messages()
        .into_iter()
        .rfind(|m| m.rcpt_to[0] == "known@example.jp")
        .unwrap();
    let message = parsed(&mail);
    assert!(
        message
            .subject()
            .unwrap()
            .contains("お申し込み済みのセミナーです")
    );
    let text = message.body_text(0).unwrap().to_string();
    assert!(text.contains("新たな登録はしていません"), "{text}");
    assert!(text.contains("以前のメールのリンクは使えなくなりました"));
    assert_eq!(app.get(&first_link).await.status(), 404);
    let (status, own) = app.get_text(&fresh).await;
    assert_eq!(status, 200);
    assert!(own.contains("参加確定"));
    assert_eq!(regs(&app, id).await.len(), 2);

    // Again within ten minutes (a double click): the same answer and no further mail.
    assert_eq!(post_registration(&app, id, "known@example.jp").await, known);
    app.wait_outbox_drained().await;
    assert_eq!(registration_links(&app, "known@example.jp").len(), 2);
    assert_eq!(app.get(&fresh).await.status(), 200);
}

async fn subscribe_as(app: &TestApp, email: &str, name: &str, topic: &str) -> (u16, String) {
    let res = app
        .post_form_from(
            "/newsletter",
            "/newsletter/subscribe",
            &[
                ("email", email),
                ("name", name),
                ("company", "株式会社テスト"),
                ("prefecture", "40"),
                ("topics", topic),
                ("consent", "1"),
            ],
        )
        .await;
    (res.status().as_u16(), res.text().await.unwrap())
}

/// Everything stored about a subscriber: the row, its topics and its consent history.
async fn stored(app: &TestApp, email: &'static str) -> String {
    app.db(move |c| {
        let s = q::find_by_email(c, email)?.expect("the subscriber");
        let topics = q::topics_of(c, s.id)?;
        let history: i64 = events::table
            .filter(events::subscriber_id.eq(s.id))
            .count()
            .get_result(c)?;
        Ok::<_, diesel::result::Error>(format!("{s:?} {topics:?} {history}"))
    })
    .await
}

/// The `nth` (0-based) newsletter confirmation link mailed to `to`, waiting for it.
async fn confirm_link(app: &TestApp, to: &str, nth: usize) -> String {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let links: Vec<String> = app
            .smtp
            .messages()
            .iter()
            .filter(|m| m.rcpt_to[0] == to)
            .filter_map(|m| {
                let text = parsed(m).body_text(0)?.to_string();
                let at = text.find("/newsletter/confirm/")?;
                Some(text[at..].split_whitespace().next()?.to_string())
            })
            .collect();
        if let Some(link) = links.get(nth) {
            return link.clone();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no confirmation mail"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_subscribe_post_changes_nothing_stored_for_a_known_address_until_it_confirms() {
    let app = spawn_app().await;
    // A pending subscriber and one who unsubscribed, with their own details and consent.
    subscribe_as(&app, "pending@example.jp", "本人 花子", "events").await;
    let pending_link = confirm_link(&app, "pending@example.jp", 0).await;
    subscribe_as(&app, "left@example.jp", "本人 次郎", "events").await;
    let left_link = confirm_link(&app, "left@example.jp", 0).await;
    app.post_form_from(&left_link, &left_link, &[]).await;
    app.db(|c| {
        let s = q::find_by_email(c, "left@example.jp")?.unwrap();
        q::end_subscription(c, &s, q::SubscriberStatus::Unsubscribed, "web")?;
        // The last confirmation mails went long ago (outside the resend window).
        diesel::update(subs::table)
            .set(subs::confirm_sent_at.eq(Some(now() - Span::hours(2))))
            .execute(c)
    })
    .await;
    let pending_before = stored(&app, "pending@example.jp").await;
    let left_before = stored(&app, "left@example.jp").await;

    // A stranger posts the form with their addresses and other details.
    let on_pending = subscribe_as(&app, "pending@example.jp", "なりすまし", "alerts").await;
    let on_left = subscribe_as(&app, "left@example.jp", "なりすまし", "alerts").await;
    let on_unknown = subscribe_as(&app, "fresh@example.jp", "新規", "alerts").await;
    assert_eq!(
        on_pending, on_unknown,
        "the same answer for known and unknown"
    );
    assert_eq!(on_left, on_unknown);
    assert_eq!(stored(&app, "pending@example.jp").await, pending_before);
    assert_eq!(stored(&app, "left@example.jp").await, left_before);
    assert_eq!(
        app.db(|c| q::find_by_email(c, "left@example.jp"))
            .await
            .unwrap()
            .status,
        "unsubscribed"
    );

    // The pending person's own first link still confirms their own details.
    let res = app.post_form_from(&pending_link, &pending_link, &[]).await;
    assert_eq!(res.status(), 200);
    let s = app
        .db(|c| q::find_by_email(c, "pending@example.jp"))
        .await
        .unwrap();
    assert_eq!(
        (s.status.as_str(), s.name.as_str()),
        ("active", "本人 花子")
    );
    let topics = app.db(move |c| q::topics_of(c, s.id)).await;
    assert_eq!(topics, ["events"]);

    // The request reached only the address's mailbox; followed from there, it applies what
    // was submitted, with the consent and its history.
    let request_link = confirm_link(&app, "left@example.jp", 1).await;
    assert_ne!(request_link, left_link);
    let (status, _) = app.get_text(&request_link).await;
    assert_eq!(status, 200);
    assert_eq!(stored(&app, "left@example.jp").await, left_before);
    let res = app.post_form_from(&request_link, &request_link, &[]).await;
    assert_eq!(res.status(), 200);
    let s = app
        .db(|c| q::find_by_email(c, "left@example.jp"))
        .await
        .unwrap();
    assert_eq!(
        (s.status.as_str(), s.name.as_str()),
        ("active", "なりすまし")
    );
    let id = s.id;
    let (topics, history) = app
        .db(move |c| Ok::<_, diesel::result::Error>((q::topics_of(c, id)?, q::history(c, id)?)))
        .await;
    assert_eq!(topics, ["alerts"]);
    let last: Vec<&str> = history
        .iter()
        .rev()
        .take(2)
        .map(|e| e.event.as_str())
        .collect();
    assert_eq!(last, ["confirmed", "subscribed"]);
    // Used once: opened again, it confirms nothing and says the address is subscribed.
    let (status, again) = app.get_text(&request_link).await;
    assert_eq!(status, 200);
    assert!(again.contains("すでに登録済みです"));
    assert!(!again.contains("登録を完了する"));
}
