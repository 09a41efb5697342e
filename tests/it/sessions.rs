//! Sign-in links and sessions: a new link voids the older ones, sessions end when idle (sooner
//! for staff), the idle clock is written at most once a minute, and deleting an account needs
//! a recent sign-in and says what it erases.

use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use secunity::accounts::{Role, queries};
use secunity::schema::{sessions, users};

use crate::support::smtp::{SmtpServer, parsed};
use crate::support::{TestApp, spawn_app, spawn_app_with};

fn now() -> NaiveDateTime {
    secunity::time::now_utc()
}

/// The path of the sign-in link in the `nth` mail (0-based) to `to`.
fn nth_link(app: &TestApp, to: &str, nth: usize) -> String {
    let mails: Vec<_> = app
        .smtp
        .messages()
        .into_iter()
        .filter(|m| m.rcpt_to[0] == to)
        .collect();
    let text = parsed(&mails[nth]).body_text(0).unwrap().to_string();
    let start = text.find(&app.base).expect("a link in the mail");
    text[start + app.base.len()..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

async fn ask_for_link(app: &TestApp, email: &str, next: &str) {
    let res = app
        .post_form_from("/login", "/auth/email", &[("email", email), ("next", next)])
        .await;
    assert_eq!(res.status(), 303);
}

#[tokio::test]
async fn a_new_sign_in_link_voids_the_older_unused_ones() {
    let app = spawn_app().await;
    ask_for_link(&app, "twice@example.jp", "/account").await;
    ask_for_link(&app, "twice@example.jp", "/account").await;
    app.smtp.wait_for(2, Duration::from_secs(10)).await;
    let old = nth_link(&app, "twice@example.jp", 0);
    let new = nth_link(&app, "twice@example.jp", 1);
    assert_ne!(old, new);
    assert_eq!(app.get(&old).await.status(), 410);
    let res = app
        .post_form_from("/login", old.split('?').next().unwrap(), &[])
        .await;
    assert_eq!(res.status(), 410);
    assert_eq!(app.get("/account").await.status(), 303);
    let res = app
        .post_form_from(
            &new,
            new.split('?').next().unwrap(),
            &[("next", "/account")],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(app.get("/account").await.status(), 200);
}

/// A session of a new user with `role`, its idle clock set back by `idle_minutes`.
async fn idle_session(app: &TestApp, email: &'static str, role: Role, idle_minutes: i64) -> String {
    app.db(move |c| {
        let user = queries::upsert_with_role(c, email, None, role)?;
        let token = queries::create_session(c, user.id)?;
        diesel::update(sessions::table.filter(sessions::user_id.eq(user.id)))
            .set(sessions::last_seen_at.eq(now() - chrono::Duration::minutes(idle_minutes)))
            .execute(c)?;
        Ok::<_, diesel::result::Error>(token)
    })
    .await
}

/// The status of `/account` with this session cookie (200 signed in, 303 to the login page).
async fn account_status(app: &TestApp, token: &str) -> u16 {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url("/account"))
        .header("Cookie", format!("sid={token}"))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn sessions_of(app: &TestApp, email: &'static str) -> Vec<Option<NaiveDateTime>> {
    app.db(move |c| {
        sessions::table
            .inner_join(users::table)
            .filter(users::email.eq(email))
            .select(sessions::last_seen_at)
            .load(c)
    })
    .await
}

#[tokio::test]
async fn an_idle_session_ends_after_two_hours_for_staff_and_seven_days_for_members() {
    let app = spawn_app().await;
    let staff_recent = idle_session(&app, "s1@example.jp", Role::Staff, 100).await;
    let staff_idle = idle_session(&app, "s2@example.jp", Role::Admin, 130).await;
    let member_idle_hours = idle_session(&app, "m1@example.jp", Role::Member, 130).await;
    let member_idle_days = idle_session(&app, "m2@example.jp", Role::Member, 8 * 24 * 60).await;
    assert_eq!(account_status(&app, &staff_recent).await, 200);
    assert_eq!(account_status(&app, &staff_idle).await, 303);
    assert_eq!(account_status(&app, &member_idle_hours).await, 200);
    assert_eq!(account_status(&app, &member_idle_days).await, 303);
    // An ended session is deleted, not just refused.
    assert!(sessions_of(&app, "s2@example.jp").await.is_empty());
    assert!(sessions_of(&app, "m2@example.jp").await.is_empty());
}

#[tokio::test]
async fn the_idle_limits_come_from_the_settings() {
    let settings = [
        ("SESSION_IDLE_MINUTES_STAFF", "30"),
        ("SESSION_IDLE_MINUTES_MEMBER", "60"),
    ];
    let app = spawn_app_with(&settings, SmtpServer::start().await).await;
    let staff = idle_session(&app, "s@example.jp", Role::Staff, 45).await;
    let member_ok = idle_session(&app, "m1@example.jp", Role::Member, 45).await;
    let member_idle = idle_session(&app, "m2@example.jp", Role::Member, 75).await;
    assert_eq!(account_status(&app, &staff).await, 303);
    assert_eq!(account_status(&app, &member_ok).await, 200);
    assert_eq!(account_status(&app, &member_idle).await, 303);
}

#[tokio::test]
async fn use_refreshes_the_idle_clock_without_a_write_on_every_request() {
    let app = spawn_app().await;
    let token = idle_session(&app, "busy@example.jp", Role::Staff, 90).await;
    let before = now();
    assert_eq!(account_status(&app, &token).await, 200);
    let touched = sessions_of(&app, "busy@example.jp").await[0].unwrap();
    assert!(
        touched >= before - chrono::Duration::seconds(1),
        "refreshed"
    );
    // Within the minute the row is not written again.
    for _ in 0..5 {
        assert_eq!(account_status(&app, &token).await, 200);
    }
    assert_eq!(sessions_of(&app, "busy@example.jp").await[0], Some(touched));
}

#[tokio::test]
async fn deleting_an_account_says_what_it_erases_and_needs_a_recent_sign_in() {
    let app = spawn_app().await;
    let user = app.sign_in("leaving@example.jp", Role::Member).await;
    let id = user.id;
    // Signed in half an hour ago.
    app.db(move |c| {
        diesel::update(sessions::table.filter(sessions::user_id.eq(id)))
            .set(sessions::created_at.eq(now() - chrono::Duration::minutes(30)))
            .execute(c)
    })
    .await;
    let (status, page) = app.get_text("/account/delete").await;
    assert_eq!(status, 200);
    assert!(page.contains("セミナーの参加登録 0件"), "{page}");
    assert!(page.contains("あなたに送ったメール"));
    assert!(page.contains("10分以内のログインが必要です"));
    assert!(!page.contains("name=\"confirm\""));
    let res = app
        .post_form_from("/account/delete", "/account/delete", &[("confirm", "1")])
        .await;
    assert_eq!(res.status(), 403);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("確認用のログインリンクを送る")
    );
    let left: i64 = app
        .db(move |c| users::table.find(id).count().get_result(c))
        .await;
    assert_eq!(left, 1, "nothing was deleted");

    // The page's button mails a sign-in link that leads back to the page.
    let token = app.csrf_token("/account/delete").await;
    let res = app
        .post_form(
            "/auth/email",
            &[
                ("email", "leaving@example.jp"),
                ("next", "/account/delete"),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    app.smtp.wait_for(1, Duration::from_secs(10)).await;
    let link = nth_link(&app, "leaving@example.jp", 0);
    let res = app
        .post_form_from(
            &link,
            link.split('?').next().unwrap(),
            &[("next", "/account/delete")],
        )
        .await;
    assert_eq!(res.headers()["location"], "/account/delete");
    let (_, page) = app.get_text("/account/delete").await;
    assert!(page.contains("name=\"confirm\""));
    // Still the box to tick.
    let res = app
        .post_form_from("/account/delete", "/account/delete", &[])
        .await;
    assert_eq!(res.status(), 422);
    let res = app
        .post_form_from("/account/delete", "/account/delete", &[("confirm", "1")])
        .await;
    assert_eq!(res.status(), 200);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("アカウントを削除しました")
    );
    let left: i64 = app
        .db(move |c| users::table.find(id).count().get_result(c))
        .await;
    assert_eq!(left, 0);
}
