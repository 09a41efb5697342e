//! Seminars and registrations: no overbooking under concurrency (with a control), one
//! registration per address, waitlist promotion exactly once, mails with the .ics, calendar
//! feeds, bad input, staff pages and the API.

mod api;
mod check_in;
mod public;
mod registrant;
mod rush;
mod staff;

use std::sync::{Arc, Barrier};
use std::time::Duration;

use chrono::{Duration as Days, NaiveDateTime};
use diesel::prelude::*;
use secunity::accounts::Role;
use secunity::registrations::model::Registration;
use secunity::registrations::queries as rq;
use secunity::schema::{audit_log, registrations as r, seminars as s};
use secunity::seminars::model::{Mode, SeminarData};
use secunity::seminars::queries as sq;
use serde_json::{Value, json};

use mail_parser::MimeHeaders;

use crate::support::mailbox::{next_registration_link, registration_links};
use crate::support::smtp::parsed;
use crate::support::{TestApp, spawn_app, spawn_app_with};

pub fn now() -> NaiveDateTime {
    secunity::time::now_utc()
}

pub fn data(format: &str, onsite: i32, online: i32) -> SeminarData {
    let start = now() + Days::days(10);
    SeminarData {
        title: "中小製造業向け体験型演習".into(),
        summary: "工場のネットワークを題材にした演習です。".into(),
        body_md: "## 内容\n\n- 演習".into(),
        industry: "manufacturing".into(),
        prefecture: 40,
        format: format.into(),
        venue: "北九州国際会議場".into(),
        address: "北九州市小倉北区浅野3-9-30".into(),
        online_url: "https://webex.example.jp/join/123".into(),
        starts_at: start,
        ends_at: start + Days::hours(4),
        registration_opens_at: None,
        registration_closes_at: start - Days::days(1),
        capacity_onsite: onsite,
        capacity_online: online,
        hosts: r#"["九州大学サイバーセキュリティセンター","九州経済産業局"]"#.into(),
        cohosts: r#"["北九州産業学術推進機構"]"#.into(),
        speakers: "[]".into(),
        fee: "無料".into(),
        questions: r#"[{"label":"関心のあるテーマ","kind":"multiple","required":false,"options":["EDR","UTM"]}]"#.into(),
        reminder_time: Some("10:00".into()),
        allocation: "first_come".into(),
        draw_at: None,
        lottery_waitlist: true,
        group_limit: 1,
    }
}

/// Moves a seminar to now (begun half an hour ago, over in three hours): the day staff may
/// record attendance.
pub async fn held_now(app: &TestApp, id: i64) {
    app.db(move |c| {
        diesel::update(s::table.find(id))
            .set((
                s::registration_closes_at.eq(now() - Days::hours(1)),
                s::starts_at.eq(now() - Days::minutes(30)),
                s::ends_at.eq(now() + Days::hours(3)),
            ))
            .execute(c)
    })
    .await;
}

pub async fn seminar(app: &TestApp, d: SeminarData) -> i64 {
    app.db(move |c| sq::create(c, &d, true, now())).await
}

pub async fn regs(app: &TestApp, id: i64) -> Vec<Registration> {
    app.db(move |c| rq::list_for_seminar(c, id)).await
}

pub fn form<'a>(email: &'a str, mode: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", "九州 太郎"),
        ("email", email),
        ("company", "株式会社テスト"),
        ("prefecture", "40"),
        ("industry", "manufacturing"),
        ("employees", ""),
        ("mode", mode),
        ("consent", "1"),
    ]
}

/// Fires `emails.len()` registrations at once; returns the HTTP statuses.
pub(crate) async fn register_all(
    app: &TestApp,
    id: i64,
    emails: Vec<String>,
    mode: &'static str,
) -> Vec<u16> {
    let token = app.csrf_token(&format!("/seminars/{id}")).await;
    let mut set = tokio::task::JoinSet::new();
    for email in emails {
        let client = app.client.clone();
        let url = app.url(&format!("/seminars/{id}/registrations"));
        let token = token.clone();
        set.spawn(async move {
            let mut f = form(&email, mode);
            f.push(("csrf_token", &token));
            client
                .post(url)
                .form(&f)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        });
    }
    let mut out = Vec::new();
    while let Some(s) = set.join_next().await {
        out.push(s.unwrap());
    }
    out
}

fn count(list: &[Registration], status: &str) -> usize {
    list.iter().filter(|r| r.status == status).count()
}

/// The overbooking check the concurrency tests (and the control) rely on.
fn assert_no_overbooking(list: &[Registration], capacity: usize) -> Result<(), String> {
    let confirmed = count(list, "confirmed");
    if confirmed > capacity {
        return Err(format!("{confirmed} confirmed for {capacity} seats"));
    }
    Ok(())
}

/// Registers `email` through the public form and returns the personal link from the mail it
/// gets (the form's answer is the same for everyone and carries no link).
pub async fn personal_link(app: &TestApp, id: i64, email: &str, mode: &str) -> String {
    let seen = registration_links(app, email).len();
    let res = app
        .post_form_from(
            &format!("/seminars/{id}"),
            &format!("/seminars/{id}/registrations"),
            &form(email, mode),
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(
        res.headers()["location"],
        format!("/seminars/{id}/registrations/sent").as_str()
    );
    next_registration_link(app, email, seen).await
}

/// The `Location` of a redirect.
fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_string()
}

/// Staff call a seminar off from its confirmation page (the client is signed in as staff).
async fn call_off(app: &TestApp, id: i64) -> reqwest::Response {
    let page = format!("/staff/seminars/{id}");
    app.post_form_from(&page, &format!("{page}/cancel"), &[("confirm", "1")])
        .await
}

/// An online seminar starting in an hour (its attendance code is valid), with one registrant:
/// (seminar id, the registrant's personal link, the attendance code).
async fn registered_for_a_seminar_about_to_start(app: &TestApp) -> (i64, String, String) {
    let mut d = data("online", 0, 10);
    d.starts_at = now() + Days::hours(1);
    d.ends_at = now() + Days::hours(3);
    d.registration_closes_at = now() + Days::minutes(30);
    let id = seminar(app, d).await;
    let link = personal_link(app, id, "a@example.jp", "online").await;
    let code: String = app
        .db(move |c| s::table.find(id).select(s::attendance_code).first(c))
        .await;
    (id, link, code)
}
