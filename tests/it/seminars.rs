//! Seminars and registrations: no overbooking under concurrency (with a control), one
//! registration per address, waitlist promotion exactly once, mails with the .ics, calendar
//! feeds, bad input, staff pages and the API.

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

#[tokio::test]
async fn two_hundred_registrations_for_fifty_seats_confirm_exactly_fifty_in_order() {
    let app = spawn_app().await;
    let id = seminar(&app, data("onsite", 50, 0)).await;
    let emails: Vec<String> = (0..200).map(|i| format!("p{i}@example.jp")).collect();
    let statuses = register_all(&app, id, emails, "onsite").await;
    assert!(statuses.iter().all(|s| *s == 303), "{statuses:?}");
    let list = regs(&app, id).await;
    assert_eq!(list.len(), 200);
    assert_no_overbooking(&list, 50).unwrap();
    assert_eq!(count(&list, "confirmed"), 50);
    assert_eq!(count(&list, "waitlisted"), 150);
    // Arrival order: every confirmed one came before every waitlisted one, and the waitlist
    // runs 1..=150 in the order the registrations were stored.
    let last_confirmed = list
        .iter()
        .filter(|r| r.status == "confirmed")
        .map(|r| r.id)
        .max();
    let first_waiting = list
        .iter()
        .filter(|r| r.status == "waitlisted")
        .map(|r| r.id)
        .min();
    assert!(last_confirmed < first_waiting);
    let mut waiting: Vec<&Registration> =
        list.iter().filter(|r| r.status == "waitlisted").collect();
    waiting.sort_by_key(|r| r.id);
    let seqs: Vec<i64> = waiting.iter().filter_map(|r| r.waitlist_seq).collect();
    assert_eq!(seqs, (1..=150).collect::<Vec<i64>>());
    let (_, body) = app.get_text(&format!("/api/v1/seminars/{id}")).await;
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        v["seats"]["onsite"],
        json!({"capacity": 50, "confirmed": 50, "waitlisted": 150, "applied": 0, "cancelled": 0, "checked_in": 0})
    );
}

#[tokio::test]
async fn control_an_unlocked_check_then_write_overbooks_and_the_check_catches_it() {
    // The same count-then-insert as the real path, but without the serializing transaction:
    // six writers all read "0 confirmed" before any of them writes.
    let app = spawn_app().await;
    let id = seminar(&app, data("onsite", 3, 0)).await;
    let writers = 6;
    let barrier = Arc::new(Barrier::new(writers));
    let mut handles = Vec::new();
    for i in 0..writers {
        let db = app.state.db.clone();
        let barrier = barrier.clone();
        handles.push(std::thread::spawn(move || {
            let mut c = db.get().unwrap();
            let taken = rq::count(&mut c, id, Mode::Onsite, "confirmed").unwrap();
            barrier.wait();
            let status = if taken < 3 { "confirmed" } else { "waitlisted" };
            diesel::insert_into(r::table)
                .values((
                    r::seminar_id.eq(id),
                    r::name.eq("x"),
                    r::email.eq(format!("c{i}@example.jp")),
                    r::mode.eq("onsite"),
                    r::status.eq(status),
                    r::token_hash.eq(format!("h{i}")),
                    r::created_at.eq(now()),
                    r::updated_at.eq(now()),
                ))
                .execute(&mut *c)
                .unwrap();
        }));
    }
    for h in handles {
        h.join().unwrap();
    }
    let list = regs(&app, id).await;
    assert!(
        assert_no_overbooking(&list, 3).is_err(),
        "the control must overbook"
    );
}

#[tokio::test]
async fn two_requests_for_the_last_seat_give_one_seat_and_one_waitlist_place() {
    let app = spawn_app().await;
    let id = seminar(&app, data("hybrid", 1, 5)).await;
    let statuses = register_all(
        &app,
        id,
        vec!["a@example.jp".into(), "b@example.jp".into()],
        "onsite",
    )
    .await;
    assert_eq!(statuses, vec![303, 303]);
    let list = regs(&app, id).await;
    assert_eq!(count(&list, "confirmed"), 1);
    assert_eq!(count(&list, "waitlisted"), 1);
    let (_, page) = app.get_text(&format!("/seminars/{id}")).await;
    assert!(page.contains("会場 満席"), "{page}");
    assert!(page.contains("オンライン 残り5席"));
}

#[tokio::test]
async fn ten_registrations_with_one_address_store_one_and_send_one_mail() {
    let app = spawn_app().await;
    let id = seminar(&app, data("online", 0, 100)).await;
    let emails = (0..10)
        .map(|i| {
            if i % 2 == 0 {
                "Same@Example.jp".to_string()
            } else {
                "same@example.jp".to_string()
            }
        })
        .collect();
    let statuses = register_all(&app, id, emails, "online").await;
    // The same answer for the new registration and the nine repeats.
    assert!(statuses.iter().all(|s| *s == 303), "{statuses:?}");
    assert_eq!(regs(&app, id).await.len(), 1);
    app.wait_outbox_drained().await;
    assert_eq!(app.smtp.messages().len(), 1);
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

#[tokio::test]
async fn the_confirmation_mail_carries_the_ics_and_the_join_url_only_when_confirmed() {
    let app = spawn_app().await;
    let id = seminar(&app, data("online", 0, 1)).await;
    let link = personal_link(&app, id, "first@example.jp", "online").await;
    personal_link(&app, id, "second@example.jp", "online").await;
    let got = app.smtp.wait_for(2, Duration::from_secs(10)).await;
    let first = got
        .iter()
        .find(|m| m.rcpt_to == vec!["first@example.jp".to_string()])
        .unwrap();
    let msg = parsed(first);
    assert!(msg.subject().unwrap().contains("参加申込を受け付けました"));
    let text = msg.body_text(0).unwrap().to_string();
    assert!(text.contains("https://webex.example.jp/join/123"));
    assert!(text.contains(&app.url(&link)), "{text}");
    let ics = msg
        .attachments()
        .find(|a| a.attachment_name().is_some_and(|n| n.ends_with(".ics")))
        .expect("an .ics attachment");
    let ics = String::from_utf8(ics.contents().to_vec()).unwrap();
    assert!(ics.contains(&format!("UID:seminar-{id}@127.0.0.1")));
    let second = got
        .iter()
        .find(|m| m.rcpt_to == vec!["second@example.jp".to_string()])
        .unwrap();
    let text = parsed(second).body_text(0).unwrap().to_string();
    assert!(!text.contains("webex.example.jp"));
    assert!(text.contains("1番目"));
    // The personal page shows the join URL to the confirmed registrant.
    let (status, page) = app.get_text(&link).await;
    assert_eq!(status, 200);
    assert!(page.contains("https://webex.example.jp/join/123"));
    assert_eq!(
        app.get_text("/registrations/not-a-real-token-at-all-xxxxxxxxxxxxxxxx")
            .await
            .0,
        404
    );
}

#[tokio::test]
async fn a_cancellation_promotes_the_first_waitlisted_person_once() {
    let app = spawn_app().await;
    let id = seminar(&app, data("onsite", 1, 0)).await;
    let link = personal_link(&app, id, "a@example.jp", "onsite").await;
    personal_link(&app, id, "b@example.jp", "onsite").await;
    personal_link(&app, id, "c@example.jp", "onsite").await;
    app.smtp.wait_for(3, Duration::from_secs(10)).await;
    // Without the confirmation tick nothing happens.
    let res = app
        .post_form_from(&link, &format!("{link}/cancel"), &[])
        .await;
    assert_eq!(res.status().as_u16(), 422);
    assert_eq!(count(&regs(&app, id).await, "confirmed"), 1);
    // Cancelling twice at once frees one seat once.
    let token = app.csrf_token(&link).await;
    let path = format!("{link}/cancel");
    let fields = [("confirm", "1"), ("csrf_token", token.as_str())];
    let (a, b) = tokio::join!(app.post_form(&path, &fields), app.post_form(&path, &fields));
    assert_eq!((a.status().as_u16(), b.status().as_u16()), (303, 303));
    let list = regs(&app, id).await;
    let by = |e: &str| list.iter().find(|r| r.email == e).unwrap().status.clone();
    assert_eq!(
        (
            by("a@example.jp").as_str(),
            by("b@example.jp").as_str(),
            by("c@example.jp").as_str()
        ),
        ("cancelled", "confirmed", "waitlisted")
    );
    // 3 registration mails + 1 cancellation + 1 promotion.
    app.wait_outbox_drained().await;
    let got = app.smtp.messages();
    assert_eq!(got.len(), 5);
    let promoted: Vec<_> = got
        .iter()
        .filter(|m| parsed(m).subject().unwrap().contains("参加が確定しました"))
        .collect();
    assert_eq!(promoted.len(), 1);
    assert_eq!(promoted[0].rcpt_to, vec!["b@example.jp".to_string()]);
}

#[tokio::test]
async fn two_cancellations_at_once_promote_two_people_in_order() {
    let app = spawn_app().await;
    let id = seminar(&app, data("onsite", 2, 0)).await;
    let l1 = personal_link(&app, id, "a@example.jp", "onsite").await;
    let l2 = personal_link(&app, id, "b@example.jp", "onsite").await;
    for e in ["c@example.jp", "d@example.jp", "e@example.jp"] {
        personal_link(&app, id, e, "onsite").await;
    }
    let token = app.csrf_token(&l1).await;
    let (p1, p2) = (format!("{l1}/cancel"), format!("{l2}/cancel"));
    let fields = [("confirm", "1"), ("csrf_token", token.as_str())];
    let (a, b) = tokio::join!(app.post_form(&p1, &fields), app.post_form(&p2, &fields));
    assert_eq!((a.status().as_u16(), b.status().as_u16()), (303, 303));
    let list = regs(&app, id).await;
    let st = |e: &str| list.iter().find(|r| r.email == e).unwrap().status.clone();
    assert_eq!(st("c@example.jp"), "confirmed");
    assert_eq!(st("d@example.jp"), "confirmed");
    assert_eq!(st("e@example.jp"), "waitlisted");
    assert_no_overbooking(&list, 2).unwrap();
}

#[tokio::test]
async fn no_promotion_after_the_deadline() {
    let app = spawn_app().await;
    let id = seminar(&app, data("onsite", 1, 0)).await;
    let link = personal_link(&app, id, "a@example.jp", "onsite").await;
    personal_link(&app, id, "b@example.jp", "onsite").await;
    app.db(move |c| {
        diesel::update(s::table.find(id))
            .set(s::registration_closes_at.eq(now() - Days::hours(1)))
            .execute(c)
    })
    .await;
    let token = app.csrf_token(&link).await;
    let res = app
        .post_form(
            &format!("{link}/cancel"),
            &[("confirm", "1"), ("csrf_token", &token)],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let list = regs(&app, id).await;
    assert_eq!(count(&list, "confirmed"), 0);
    assert_eq!(count(&list, "waitlisted"), 1);
    // And registration itself is closed (the closed page has no form: take the token elsewhere).
    let mut f = form("z@example.jp", "onsite");
    f.push(("csrf_token", &token));
    let res = app
        .post_form(&format!("/seminars/{id}/registrations"), &f)
        .await;
    assert_eq!(res.status().as_u16(), 409);
}

#[tokio::test]
async fn changing_mode_respects_seats() {
    let app = spawn_app().await;
    let id = seminar(&app, data("hybrid", 1, 1)).await;
    let a = personal_link(&app, id, "a@example.jp", "onsite").await;
    personal_link(&app, id, "b@example.jp", "online").await;
    personal_link(&app, id, "c@example.jp", "onsite").await;
    // Online is full: a keeps the onsite seat.
    let res = app
        .post_form_from(&a, &format!("{a}/mode"), &[("mode", "online")])
        .await;
    assert_eq!(res.status().as_u16(), 409);
    let res = app
        .post_form_from(&a, &format!("{a}/mode"), &[("mode", "teleport")])
        .await;
    assert_eq!(res.status().as_u16(), 422);
    let list = regs(&app, id).await;
    assert_eq!(
        list.iter()
            .find(|r| r.email == "a@example.jp")
            .unwrap()
            .mode,
        "onsite"
    );
}

/// The `Location` of a redirect.
fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_string()
}

#[tokio::test]
async fn the_registrants_page_redirects_after_each_change_and_says_what_was_done() {
    let app = spawn_app().await;
    let id = seminar(&app, data("hybrid", 2, 2)).await;
    let link = personal_link(&app, id, "a@example.jp", "onsite").await;
    // Changing the way of attending: 303 to the page, which says so; a reload posts nothing.
    let res = app
        .post_form_from(&link, &format!("{link}/mode"), &[("mode", "online")])
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let to = location(&res);
    assert_eq!(to, format!("{link}?done=mode"));
    let (status, body) = app.get_text(&to).await;
    assert_eq!(status, 200);
    assert!(body.contains("参加方法を変更しました。"), "{body}");
    assert_eq!(regs(&app, id).await[0].mode, "online");
    // The page without the result says nothing of it; an unknown result is no message.
    let (_, plain) = app.get_text(&link).await;
    assert!(!plain.contains("参加方法を変更しました。"));
    let (status, odd) = app.get_text(&format!("{link}?done=hacked")).await;
    assert_eq!(status, 200);
    assert!(!odd.contains("参加方法を変更しました。"));
    // Cancelling: 303, then the page says the registration is cancelled, in English too.
    let res = app
        .post_form_from(&link, &format!("{link}/cancel"), &[("confirm", "1")])
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let to = location(&res);
    assert_eq!(to, format!("{link}?done=cancelled"));
    let (_, body) = app.get_text(&to).await;
    assert!(body.contains("お申し込みをキャンセルしました。"), "{body}");
    let en = app
        .client
        .get(app.url(&to))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(en.contains("Your registration has been cancelled."), "{en}");
    assert_eq!(regs(&app, id).await[0].status, "cancelled");
}

#[tokio::test]
async fn bad_form_input_is_refused_with_messages_and_values_kept() {
    let app = spawn_app().await;
    let id = seminar(&app, data("online", 0, 10)).await;
    let page = format!("/seminars/{id}");
    let post = format!("/seminars/{id}/registrations");
    let long = "あ".repeat(5000);
    let cases: Vec<Vec<(&str, &str)>> = vec![
        vec![
            ("name", "<script>alert(1)</script>"),
            ("email", "not-an-email"),
            ("mode", "online"),
            ("consent", "1"),
            ("prefecture", "40"),
        ],
        vec![
            ("name", "名前\r\nBcc: victim@example.jp"),
            ("email", "a@example.jp"),
            ("mode", "online"),
            ("consent", "1"),
            ("prefecture", "40"),
        ],
        vec![
            ("name", &long),
            ("email", "a@example.jp"),
            ("mode", "online"),
            ("consent", "1"),
            ("prefecture", "40"),
        ],
        vec![
            ("name", "太郎"),
            ("email", "a@example.jp"),
            ("mode", "teleport"),
            ("consent", "1"),
            ("prefecture", "40"),
        ],
        vec![
            ("name", "太郎"),
            ("email", "a@example.jp"),
            ("mode", "onsite"),
            ("consent", "1"),
            ("prefecture", "40"),
        ],
        vec![
            ("name", "太郎"),
            ("email", "a@example.jp"),
            ("mode", "online"),
            ("prefecture", "40"),
        ],
        vec![
            ("name", "太郎"),
            ("email", "a@example.jp"),
            ("mode", "online"),
            ("consent", "1"),
            ("prefecture", "99"),
        ],
        vec![
            ("name", "太郎"),
            ("email", "a@example.jp"),
            ("mode", "online"),
            ("consent", "1"),
            ("prefecture", "40"),
            ("q_0", "<script>"),
        ],
        vec![
            ("name", "太郎"),
            ("email", "user@example.jp\r\n"),
            ("mode", "online"),
            ("consent", "1"),
            ("prefecture", "40"),
            ("employees", "a lot"),
        ],
    ];
    for case in cases {
        let res = app.post_form_from(&page, &post, &case).await;
        assert_eq!(res.status().as_u16(), 422, "{case:?}");
        let body = res.text().await.unwrap();
        assert!(body.contains("入力内容に誤りがあります"), "{case:?}");
        assert!(!body.contains("<script>alert(1)</script>"));
        if case[0].1 == "<script>alert(1)</script>" {
            assert!(body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        }
    }
    assert!(regs(&app, id).await.is_empty());
    assert_eq!(app.get_text("/seminars?month=2026-13").await.0, 400);
    assert_eq!(app.get_text("/seminars?format=party").await.0, 400);
    assert_eq!(app.get_text("/seminars/999999").await.0, 404);
}

#[tokio::test]
async fn feeds_round_trip_through_a_real_parser() {
    let app = spawn_app().await;
    let mut d = data("online", 0, 10);
    d.title = "製造業,セキュリティ;演習\n第2回 長いタイトルでも七十五オクテットで折り返されることを確認します".into();
    // 13:00 JST = 04:00 UTC.
    let start = secunity::time::parse_local_input("2030-12-10T13:00").unwrap();
    d.starts_at = start;
    d.ends_at = start + Days::hours(4);
    d.registration_closes_at = start - Days::days(1);
    let id = seminar(&app, d).await;
    for path in [
        format!("/seminars/{id}.ics"),
        "/seminars.ics?industry=manufacturing&prefecture=40".to_string(),
    ] {
        let res = app.get(&path).await;
        assert_eq!(
            res.headers()["content-type"],
            "text/calendar; charset=utf-8"
        );
        let body = res.text().await.unwrap();
        for line in body.split("\r\n") {
            assert!(line.len() <= 75, "{line}");
        }
        let mut parser = ical::IcalParser::new(body.as_bytes());
        let cal = parser.next().unwrap().unwrap();
        assert_eq!(cal.events.len(), 1);
        let prop = |name: &str| {
            cal.events[0]
                .properties
                .iter()
                .find(|p| p.name == name)
                .and_then(|p| p.value.clone())
                .unwrap()
        };
        assert_eq!(prop("DTSTART"), "20301210T040000Z");
        assert_eq!(prop("UID"), format!("seminar-{id}@127.0.0.1"));
        let summary = prop("SUMMARY");
        assert_eq!(
            summary,
            "製造業\\,セキュリティ\\;演習\\n第2回 長いタイトルでも七十五オクテットで折り返されることを確認します"
        );
    }
    let (_, other) = app.get_text("/seminars.ics?industry=agriculture").await;
    assert!(!other.contains("BEGIN:VEVENT"));
}

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
async fn the_api_creates_shows_patches_and_lists_registrations() {
    let app = spawn_app().await;
    let (_, token) = app.api_token("staff@example.jp", Role::Staff).await;
    let body = json!({
        "title": "福岡 機械・金属 セキュリティセミナー", "industry": "machinery_metal", "prefecture": 40,
        "format": "hybrid", "starts_at": "2030-12-10T13:00:00+09:00", "ends_at": "2030-12-10T15:00:00+09:00",
        "capacity_onsite": 30, "capacity_online": 100, "registration_closes_at": "2030-12-09T17:00:00+09:00",
        "published": true, "hosts": ["九州経済産業局"]
    });
    let res = app
        .client
        .post(app.url("/api/v1/seminars"))
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 201);
    let created: Value = res.json().await.unwrap();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["starts_at"], "2030-12-10T13:00:00+09:00");
    personal_link(&app, id, "a@example.jp", "online").await;
    let v: Value = app
        .client
        .get(app.url(&format!("/api/v1/seminars/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        v["seats"]["online"],
        json!({"capacity": 100, "confirmed": 1, "waitlisted": 0, "applied": 0, "cancelled": 0, "checked_in": 0})
    );
    assert_eq!(v["seats"]["onsite"]["capacity"], 30);
    assert!(v.get("online_url").is_none());
    let res = app
        .client
        .patch(app.url(&format!("/api/v1/seminars/{id}")))
        .bearer_auth(&token)
        .json(&json!({"capacity_online": 50}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["sequence"], 1);
    assert_eq!(v["capacity_online"], 50);
    let list: Value = app
        .client
        .get(app.url(&format!("/api/v1/seminars/{id}/registrations")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list[0]["email"], "a@example.jp");
    assert_eq!(list[0]["status"], "confirmed");
    assert_eq!(list[0]["checked_in"], false);
    let public: Value = app
        .client
        .get(app.url("/api/v1/seminars"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(public.as_array().unwrap().len(), 1);
    // Bad input: 4xx with a message, nothing stored.
    let bad = [
        json!({"title": "x"}),
        json!({"title": "x", "industry": "machinery_metal", "prefecture": 40, "format": "hybrid", "starts_at": "2030-12-10T13:00:00+09:00", "ends_at": "2030-12-10T15:00:00+09:00", "capacity_onsite": 3, "capacity_online": 3, "registration_closes_at": "2030-12-11T17:00:00+09:00"}),
        json!({"title": "x", "industry": "machinery_metal", "prefecture": 40, "format": "party", "starts_at": "2030-12-10T13:00:00+09:00", "ends_at": "2030-12-10T15:00:00+09:00", "registration_closes_at": "2030-12-09T17:00:00+09:00"}),
        json!({"title": "a\r\nb", "industry": "space", "prefecture": 99, "format": "online", "starts_at": "tomorrow", "ends_at": "2030-12-10T15:00:00+09:00", "capacity_online": -1, "registration_closes_at": "2030-12-09T17:00:00+09:00"}),
        json!({"title": ["x"]}),
        json!("just a string"),
    ];
    for b in bad {
        let res = app
            .client
            .post(app.url("/api/v1/seminars"))
            .bearer_auth(&token)
            .json(&b)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        assert!((400..500).contains(&status), "{b} → {status}");
        let e: Value = res.json().await.unwrap();
        assert!(!e["error"]["message"].as_str().unwrap().is_empty());
    }
    let res = app
        .client
        .post(app.url("/api/v1/seminars"))
        .bearer_auth(&token)
        .body("{not json")
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    let n: i64 = app.db(|c| s::table.count().get_result(c)).await;
    assert_eq!(n, 1);
    let doc: Value = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for p in [
        "/api/v1/seminars",
        "/api/v1/seminars/{id}",
        "/api/v1/seminars/{id}/registrations",
    ] {
        assert!(doc["paths"].get(p).is_some(), "{p}");
    }
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

/// Staff call a seminar off from its confirmation page (the client is signed in as staff).
async fn call_off(app: &TestApp, id: i64) -> reqwest::Response {
    let page = format!("/staff/seminars/{id}");
    app.post_form_from(&page, &format!("{page}/cancel"), &[("confirm", "1")])
        .await
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
        .map(|r| (r.email, r.status))
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
async fn home_lists_published_upcoming_seminars_and_privacy_erases() {
    let app = spawn_app().await;
    let id = seminar(&app, data("online", 0, 10)).await;
    let (_, home) = app.get_text("/").await;
    assert!(home.contains(&format!("/seminars/{id}")));
    personal_link(&app, id, "me@example.jp", "online").await;
    let exported = app
        .db(|c| secunity::registrations::privacy::export_person(c, "ME@example.jp"))
        .await;
    assert_eq!(exported["registrations"][0]["name"], "九州 太郎");
    app.db(|c| secunity::registrations::privacy::erase_person(c, "me@example.jp"))
        .await;
    let list = regs(&app, id).await;
    assert_eq!(list[0].name, "");
    assert!(!list[0].email.contains("me@example.jp"));
    let (_, listing) = app.get_text("/seminars").await;
    assert!(listing.contains("中小製造業向け体験型演習"));
}

#[tokio::test]
async fn staff_promote_and_cancel_by_hand_without_overbooking() {
    let app = spawn_app().await;
    let id = seminar(&app, data("onsite", 1, 0)).await;
    personal_link(&app, id, "a@example.jp", "onsite").await;
    personal_link(&app, id, "b@example.jp", "onsite").await;
    app.sign_in("staff@example.jp", Role::Staff).await;
    let list = regs(&app, id).await;
    let (a, b) = (list[0].id, list[1].id);
    let page = format!("/staff/seminars/{id}");
    // No free seat: staff cannot overbook either.
    let res = app
        .post_form_from(&page, &format!("{page}/registrations/{b}/promote"), &[])
        .await;
    assert_eq!(res.status().as_u16(), 409);
    let res = app
        .post_form_from(&page, &format!("{page}/registrations/{a}/cancel"), &[])
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let list = regs(&app, id).await;
    assert_eq!(
        list[1].status, "confirmed",
        "the waitlisted person got the seat"
    );
    let res = app
        .post_form_from(&page, &format!("{page}/registrations/{b}/explode"), &[])
        .await;
    assert_eq!(res.status().as_u16(), 404);
    let (_, body) = app
        .get_text(&format!("{page}?q=b%40example&status=confirmed"))
        .await;
    assert!(body.contains("b@example.jp"));
    assert!(!body.contains("a@example.jp"));
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

#[tokio::test]
async fn online_attendees_check_in_with_the_code_during_the_seminar() {
    let app = spawn_app().await;
    let (id, link, code) = registered_for_a_seminar_about_to_start(&app).await;
    let res = app
        .post_form_from(&link, &format!("{link}/attend"), &[("code", "000000x")])
        .await;
    assert_eq!(res.status().as_u16(), 422);
    let res = app
        .post_form_from(&link, &format!("{link}/attend"), &[("code", &code)])
        .await;
    assert_eq!(res.status().as_u16(), 303);
    assert!(regs(&app, id).await[0].checked_in_at.is_some());
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
    let res = app
        .post_form_from(
            &page,
            &format!("{page}/message"),
            &[("audience", "everyone"), ("subject", "x"), ("body", "y")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);
    let res = app
        .post_form_from(
            &page,
            &format!("{page}/message"),
            &[
                ("audience", "confirmed"),
                ("subject", "a\r\nBcc: x@y.z"),
                ("body", "y"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);
    let res = app
        .post_form_from(
            &page,
            &format!("{page}/message"),
            &[
                ("audience", "confirmed"),
                ("subject", "会場のご案内"),
                ("body", "受付は12:30からです。"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    app.wait_outbox_drained().await;
    let got = app.smtp.messages();
    assert_eq!(got.len(), 3);
    let msg = got
        .iter()
        .find(|m| parsed(m).subject().unwrap().contains("会場のご案内"))
        .unwrap();
    assert_eq!(msg.rcpt_to, vec!["a@example.jp".to_string()]);
}

#[tokio::test]
async fn the_list_filters_by_industry_prefecture_format_and_month_and_keeps_an_archive() {
    let app = spawn_app().await;
    let mut a = data("online", 0, 10);
    a.title = "福岡 機械・金属".into();
    a.industry = "machinery_metal".into();
    let start = secunity::time::parse_local_input("2031-03-10T13:00").unwrap();
    a.starts_at = start;
    a.ends_at = start + Days::hours(2);
    a.registration_closes_at = start - Days::days(1);
    seminar(&app, a).await;
    let mut b = data("onsite", 10, 0);
    b.title = "大分 宇宙産業".into();
    b.industry = "space".into();
    b.prefecture = 44;
    seminar(&app, b).await;
    let mut past = data("online", 0, 10);
    past.title = "過去の演習".into();
    past.starts_at = now() - Days::days(30);
    past.ends_at = now() - Days::days(30) + Days::hours(2);
    past.registration_closes_at = now() - Days::days(31);
    seminar(&app, past).await;
    let mut draft = data("online", 0, 10);
    draft.title = "下書きのセミナー".into();
    app.db(move |c| sq::create(c, &draft, false, now())).await;
    let titles = |body: &str| {
        [
            "福岡 機械・金属",
            "大分 宇宙産業",
            "過去の演習",
            "下書きのセミナー",
        ]
        .iter()
        .filter(|t| body.contains(*t))
        .map(|t| t.to_string())
        .collect::<Vec<_>>()
    };
    let (_, all) = app.get_text("/seminars").await;
    assert_eq!(titles(&all), vec!["福岡 機械・金属", "大分 宇宙産業"]);
    assert!(all.contains("オンライン 残り10席"));
    assert_eq!(
        titles(&app.get_text("/seminars?industry=space").await.1),
        vec!["大分 宇宙産業"]
    );
    assert_eq!(
        titles(&app.get_text("/seminars?prefecture=40").await.1),
        vec!["福岡 機械・金属"]
    );
    assert_eq!(
        titles(&app.get_text("/seminars?format=onsite").await.1),
        vec!["大分 宇宙産業"]
    );
    assert_eq!(
        titles(&app.get_text("/seminars?month=2031-03").await.1),
        vec!["福岡 機械・金属"]
    );
    assert_eq!(
        titles(&app.get_text("/seminars?archive=1").await.1),
        vec!["過去の演習"]
    );
    let (_, en) = app.get_text("/seminars?industry=space&lang=en").await;
    assert!(en.contains("大分 宇宙産業"));
}

#[tokio::test]
async fn the_unticked_box_subscribes_nobody_and_the_ticked_one_starts_double_opt_in() {
    use secunity::schema::newsletter_subscribers as ns;
    let app = spawn_app().await;
    let id = seminar(&app, data("online", 0, 100)).await;
    let path = format!("/seminars/{id}");
    let (_, page) = app.get_text(&path).await;
    assert!(page.contains("name=\"subscribe_newsletter\""));
    assert!(!page.contains("name=\"subscribe_newsletter\" value=\"1\" checked"));

    let plain = form("plain@example.jp", "online");
    let res = app
        .post_form_from(&path, &format!("{path}/registrations"), &plain)
        .await;
    assert_eq!(res.status(), 303);
    let mut ticked = form("reader@example.jp", "online");
    ticked.push(("subscribe_newsletter", "1"));
    let res = app
        .post_form_from(&path, &format!("{path}/registrations"), &ticked)
        .await;
    assert_eq!(res.status(), 303);

    let mails = app.smtp.wait_for(3, Duration::from_secs(30)).await;
    let to_reader = mails
        .iter()
        .filter(|m| m.rcpt_to[0] == "reader@example.jp")
        .count();
    let to_plain = mails
        .iter()
        .filter(|m| m.rcpt_to[0] == "plain@example.jp")
        .count();
    assert_eq!(
        (to_reader, to_plain),
        (2, 1),
        "registration + newsletter confirmation"
    );
    let subscribers: Vec<(String, String)> = app
        .db(|c| ns::table.select((ns::email, ns::status)).load(c))
        .await;
    assert_eq!(
        subscribers,
        vec![("reader@example.jp".to_string(), "pending".to_string())]
    );
}

#[tokio::test]
async fn guessing_the_attendance_code_is_rate_limited() {
    let app = spawn_app_with(
        &[("RATE_LIMIT_PER_MINUTE", "3")],
        crate::support::smtp::SmtpServer::start().await,
    )
    .await;
    let (id, link, code) = registered_for_a_seminar_about_to_start(&app).await;
    let wrong = if code == "000000" { "000001" } else { "000000" };
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let res = app
            .post_form_from(&link, &format!("{link}/attend"), &[("code", wrong)])
            .await;
        statuses.push((
            res.status().as_u16(),
            res.headers().get("retry-after").is_some(),
        ));
    }
    assert_eq!(statuses[0], (422, false), "a wrong code is a form error");
    assert_eq!(statuses[3], (429, true), "{statuses:?}");
    // Once limited, even the right code checks nobody in until the wait is over.
    let res = app
        .post_form_from(&link, &format!("{link}/attend"), &[("code", &code)])
        .await;
    assert_eq!(res.status().as_u16(), 429);
    assert!(regs(&app, id).await[0].checked_in_at.is_none());
}
