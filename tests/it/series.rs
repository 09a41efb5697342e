//! Series (連続講座): one registration holds a seat in every session, with one capacity for the
//! series (all sessions confirmed or all waitlisted), a cancellation frees the seat in every
//! session and promotes the next entry in every session, two registrations for the last seat
//! give exactly one confirmed (and a control that places the sessions one by one without the
//! lock shows the check would catch it), the public list shows the series as one card with all
//! its dates, the mail names every date and its `.ics` (read back with the `ical` crate) has
//! every session, the certificate follows the series' rule, staff build a series on their
//! screen and through the API (audited), and bad input changes nothing.

use std::collections::{BTreeMap, HashSet};

use chrono::Duration as Days;
use diesel::prelude::*;
use mail_parser::MimeHeaders;
use secunity::accounts::Role;
use secunity::registrations::model::Registration;
use secunity::schema::{audit_log, registrations as r, seminar_series, seminars as s};
use secunity::seminars::model::SeminarData;
use serde_json::{Value, json};

use crate::seminars::{data, form, now, regs, seminar};
use crate::support::mailbox::next_registration_link;
use crate::support::process;
use crate::support::smtp::{Received, parsed};
use crate::support::{TestApp, spawn_app};

/// Session `n` (from 0) of a course: a week apart, from ten days ahead, onsite, `seats` seats.
fn session(n: i64, seats: i32) -> SeminarData {
    let mut d = data("onsite", seats, 0);
    d.title = format!("机上演習 第{}回", n + 1);
    d.starts_at += Days::days(7 * n);
    d.ends_at += Days::days(7 * n);
    d.registration_closes_at = now() + Days::days(9);
    d
}

/// A series of `n` published sessions (each of `session_seats` seats) for `capacity` people,
/// created through the API; its id and the sessions' ids in the order they are held.
async fn course(app: &TestApp, n: i64, capacity: i32, session_seats: i32) -> (i64, Vec<i64>) {
    let mut ids = Vec::new();
    for i in 0..n {
        ids.push(seminar(app, session(i, session_seats)).await);
    }
    let (_, token) = app.api_token("series-staff@example.jp", Role::Staff).await;
    let res = app
        .client
        .post(app.url("/api/v1/series"))
        .bearer_auth(&token)
        .json(&json!({
            "title": "中小企業向け机上演習 3回コース",
            "title_en": "Tabletop exercises in three sessions",
            "description": "ランサムウェア被害を想定した机上演習を3回に分けて行います。",
            "capacity": capacity,
            "certificate_min_sessions": 2,
            "seminar_ids": ids,
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 201);
    let body: Value = res.json().await.unwrap();
    let got: Vec<i64> = body["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    assert_eq!(got, ids, "{body}");
    (body["id"].as_i64().unwrap(), ids)
}

/// Registers `email` through the series' page (303 to the "mail sent" page).
async fn register(app: &TestApp, series: i64, email: &str) {
    let res = app
        .post_form_from(
            &format!("/series/{series}"),
            &format!("/series/{series}/registrations"),
            &form(email, "onsite"),
        )
        .await;
    assert_eq!(res.status().as_u16(), 303, "{}", res.text().await.unwrap());
    assert_eq!(
        res.headers()["location"],
        format!("/series/{series}/registrations/sent").as_str()
    );
}

/// Every registration of the sessions, by session.
async fn all(app: &TestApp, sessions: &[i64]) -> BTreeMap<i64, Vec<Registration>> {
    let mut out = BTreeMap::new();
    for id in sessions {
        out.insert(*id, regs(app, *id).await);
    }
    out
}

/// The check the tests (and the control) rely on: each person holds one registration per
/// session, all with one status (all confirmed, all waitlisted or all cancelled), and no
/// session confirms more than `capacity` people.
fn check_series(
    by_session: &BTreeMap<i64, Vec<Registration>>,
    capacity: usize,
) -> Result<(), String> {
    let mut people: BTreeMap<String, Vec<&Registration>> = BTreeMap::new();
    for (id, list) in by_session {
        let confirmed = list.iter().filter(|r| r.status == "confirmed").count();
        if confirmed > capacity {
            return Err(format!(
                "session {id}: {confirmed} confirmed for {capacity} seats"
            ));
        }
        for reg in list {
            people.entry(reg.email.clone()).or_default().push(reg);
        }
    }
    for (email, held) in people {
        if held.len() != by_session.len() {
            return Err(format!(
                "{email} holds {} of {} sessions",
                held.len(),
                by_session.len()
            ));
        }
        let states: HashSet<&str> = held.iter().map(|r| r.status.as_str()).collect();
        if states.len() > 1 {
            return Err(format!("{email} is split across the sessions: {states:?}"));
        }
        let entries: HashSet<Option<i64>> = held.iter().map(|r| r.series_entry_id).collect();
        if entries.len() != 1 || entries.contains(&None) {
            return Err(format!("{email} is not one series entry: {entries:?}"));
        }
    }
    Ok(())
}

fn statuses(by_session: &BTreeMap<i64, Vec<Registration>>, email: &str) -> Vec<String> {
    by_session
        .values()
        .map(|list| {
            list.iter()
                .find(|r| r.email == email)
                .map_or_else(|| "missing".to_string(), |r| r.status.to_string())
        })
        .collect()
}

/// The mails to `to`.
fn mails_to(app: &TestApp, to: &str) -> Vec<Received> {
    app.smtp
        .messages()
        .into_iter()
        .filter(|m| m.rcpt_to.iter().any(|r| r == to))
        .collect()
}

/// The events of a mail's `.ics`, read with the `ical` crate: (METHOD, [(UID, DTSTART)]).
fn calendar_events(m: &Received) -> (String, Vec<(String, String)>) {
    let msg = parsed(m);
    let part = msg
        .attachments()
        .find(|a| a.attachment_name().is_some_and(|n| n.ends_with(".ics")))
        .expect("a calendar attachment");
    let text = String::from_utf8(part.contents().to_vec()).unwrap();
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "a line of {} octets: {line}", line.len());
    }
    let calendars: Vec<_> = ical::IcalParser::new(text.as_bytes()).collect();
    assert_eq!(calendars.len(), 1, "{text}");
    let cal = calendars
        .into_iter()
        .next()
        .unwrap()
        .expect("a valid calendar");
    let prop = |props: &[ical::property::Property], name: &str| {
        props
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.clone())
            .unwrap_or_default()
    };
    let method = prop(&cal.properties, "METHOD");
    let events = cal
        .events
        .iter()
        .map(|e| {
            for name in ["UID", "DTSTAMP", "SEQUENCE", "ORGANIZER", "ATTENDEE"] {
                assert!(!prop(&e.properties, name).is_empty(), "no {name}:\n{text}");
            }
            (prop(&e.properties, "UID"), prop(&e.properties, "DTSTART"))
        })
        .collect();
    (method, events)
}

async fn starts(app: &TestApp, ids: &[i64]) -> Vec<chrono::NaiveDateTime> {
    let ids = ids.to_vec();
    app.db(move |c| {
        s::table
            .filter(s::id.eq_any(&ids))
            .order(s::starts_at)
            .select(s::starts_at)
            .load::<chrono::NaiveDateTime>(c)
    })
    .await
}

#[tokio::test]
async fn a_series_registration_holds_a_seat_in_every_session_with_one_mail_naming_every_date_and_an_ics_of_every_session()
 {
    let app = spawn_app().await;
    let (series, sessions) = course(&app, 3, 20, 30).await;
    register(&app, series, "a@example.jp").await;
    let by_session = all(&app, &sessions).await;
    check_series(&by_session, 20).unwrap();
    assert_eq!(statuses(&by_session, "a@example.jp"), ["confirmed"; 3]);

    // One mail, naming the series and every date, whose calendar file has every session.
    app.wait_outbox_drained().await;
    let mails = mails_to(&app, "a@example.jp");
    assert_eq!(mails.len(), 1, "one mail for the whole series");
    let msg = parsed(&mails[0]);
    assert!(
        msg.subject()
            .unwrap_or_default()
            .contains("中小企業向け机上演習 3回コース"),
        "{:?}",
        msg.subject()
    );
    let text = msg.body_text(0).unwrap().to_string();
    for start in starts(&app, &sessions).await {
        let day = secunity::time::format_span(start, start + Days::hours(4), views::Lang::Ja);
        assert!(text.contains(&day), "the mail names {day}:\n{text}");
    }
    assert!(text.contains("第3回"), "{text}");
    let (method, events) = calendar_events(&mails[0]);
    assert_eq!(method, "REQUEST");
    assert_eq!(events.len(), 3, "one VEVENT per session");
    let uids: HashSet<&str> = events.iter().map(|(u, _)| u.as_str()).collect();
    for id in &sessions {
        assert!(
            uids.iter()
                .any(|u| u.starts_with(&format!("seminar-{id}@"))),
            "session {id} in {uids:?}"
        );
    }

    // From a session's page too: the form there registers for the whole series.
    let second = sessions[1];
    let (_, page) = app.get_text(&format!("/seminars/{second}")).await;
    assert!(
        page.contains(&format!("href=\"/series/{series}\"")),
        "{page}"
    );
    let res = app
        .post_form_from(
            &format!("/seminars/{second}"),
            &format!("/seminars/{second}/registrations"),
            &form("b@example.jp", "onsite"),
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(
        res.headers()["location"],
        format!("/series/{series}/registrations/sent").as_str()
    );
    let by_session = all(&app, &sessions).await;
    check_series(&by_session, 20).unwrap();
    assert_eq!(statuses(&by_session, "b@example.jp"), ["confirmed"; 3]);

    // The seminar's JSON names its series; the series' counts one person per entry.
    let (_, token) = app.api_token("reader@example.jp", Role::Staff).await;
    let one = app
        .api_json(&format!("/api/v1/seminars/{second}"), &token)
        .await;
    assert_eq!(one["series_id"], json!(series));
    let x = app
        .api_json(&format!("/api/v1/series/{series}"), &token)
        .await;
    assert_eq!(x["seats"]["confirmed"], 2, "{x}");

    // The registrant's page lists every session; the public calendar of the series has all.
    let link = next_registration_link(&app, "a@example.jp", 0).await;
    let (_, mine) = app.get_text(&link).await;
    for n in 1..=3 {
        assert!(mine.contains(&format!("机上演習 第{n}回")), "{mine}");
    }
    let (status, ics) = app.get_text(&format!("/series/{series}.ics")).await;
    assert_eq!(status, 200);
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 3);
}

#[tokio::test]
async fn when_the_series_is_full_the_next_waits_in_every_session_and_a_cancellation_promotes_it_in_every_session()
 {
    let app = spawn_app().await;
    let (series, sessions) = course(&app, 3, 1, 30).await;
    register(&app, series, "first@example.jp").await;
    register(&app, series, "second@example.jp").await;
    let by_session = all(&app, &sessions).await;
    check_series(&by_session, 1).unwrap();
    assert_eq!(statuses(&by_session, "first@example.jp"), ["confirmed"; 3]);
    assert_eq!(
        statuses(&by_session, "second@example.jp"),
        ["waitlisted"; 3]
    );
    let (_, list) = app.get_text("/seminars").await;
    assert!(list.contains("満席"), "the card says the series is full");

    // The first cancels from their page: every session cancelled, the next one promoted in
    // every session and told by one mail with every session's calendar entry.
    let link = next_registration_link(&app, "first@example.jp", 0).await;
    let waiting_link = next_registration_link(&app, "second@example.jp", 0).await;
    let (_, waiting_page) = app.get_text(&waiting_link).await;
    assert!(waiting_page.contains("キャンセル待ち"), "{waiting_page}");
    let res = app
        .post_form_from(&link, &format!("{link}/cancel"), &[("confirm", "1")])
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let by_session = all(&app, &sessions).await;
    check_series(&by_session, 1).unwrap();
    assert_eq!(statuses(&by_session, "first@example.jp"), ["cancelled"; 3]);
    assert_eq!(statuses(&by_session, "second@example.jp"), ["confirmed"; 3]);

    app.wait_outbox_drained().await;
    let cancelled = mails_to(&app, "first@example.jp");
    assert_eq!(cancelled.len(), 2, "the confirmation and one cancellation");
    let (method, events) = calendar_events(&cancelled[1]);
    assert_eq!((method.as_str(), events.len()), ("CANCEL", 3));
    let promoted = mails_to(&app, "second@example.jp");
    assert_eq!(promoted.len(), 2, "the waitlist mail and one promotion");
    let (method, events) = calendar_events(&promoted[1]);
    assert_eq!((method.as_str(), events.len()), ("REQUEST", 3));
    assert!(
        calendar_attachment_absent(&promoted[0]),
        "no calendar while waiting"
    );
}

fn calendar_attachment_absent(m: &Received) -> bool {
    !parsed(m)
        .attachments()
        .any(|a| a.attachment_name().is_some_and(|n| n.ends_with(".ics")))
}

/// Fires one registration per address at `base` at once (one CSRF token of the series' page);
/// returns the statuses.
async fn race(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    series: i64,
    emails: &[&str],
) -> Vec<u16> {
    let mut set = tokio::task::JoinSet::new();
    for email in emails {
        let client = client.clone();
        let url = format!("{base}/series/{series}/registrations");
        let token = token.to_string();
        let email = email.to_string();
        set.spawn(async move {
            let mut f = form(&email, "onsite");
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

#[tokio::test]
async fn two_registrations_at_once_for_the_last_seat_give_exactly_one_confirmed_in_every_session() {
    let app = spawn_app().await;
    let (series, sessions) = course(&app, 3, 1, 30).await;
    let token = app.csrf_token(&format!("/series/{series}")).await;
    let codes = race(
        &app.client,
        &app.base,
        &token,
        series,
        &["x@example.jp", "y@example.jp"],
    )
    .await;
    assert_eq!(codes, [303, 303]);
    let by_session = all(&app, &sessions).await;
    check_series(&by_session, 1).unwrap();
    for list in by_session.values() {
        assert_eq!(list.iter().filter(|r| r.status == "confirmed").count(), 1);
        assert_eq!(list.iter().filter(|r| r.status == "waitlisted").count(), 1);
    }
}

/// The control: a server that places the sessions one by one without the lock (the test
/// seam) gives the last seat to both, and the check above catches it.
#[tokio::test]
async fn control_placing_the_sessions_one_by_one_without_the_lock_overbooks_and_the_check_catches_it()
 {
    let app = spawn_app().await;
    let (series, sessions) = course(&app, 3, 1, 30).await;
    let racy = process::serve(&app, &[("SECUNITY_TEST_SERIES_PER_SESSION", "1")]).await;
    let token = racy.csrf_token(&format!("/series/{series}")).await;
    let codes = race(
        &racy.client,
        &racy.base,
        &token,
        series,
        &["x@example.jp", "y@example.jp"],
    )
    .await;
    assert_eq!(codes, [303, 303], "{}", racy.log());
    let by_session = all(&app, &sessions).await;
    let caught = check_series(&by_session, 1).expect_err("the control must overbook");
    assert!(caught.contains("2 confirmed for 1 seats"), "{caught}");
}

#[tokio::test]
async fn the_public_list_shows_a_series_as_one_card_with_all_its_dates_and_its_page_lists_the_sessions()
 {
    let app = spawn_app().await;
    let (series, sessions) = course(&app, 3, 20, 30).await;
    let mut lone = data("online", 0, 50);
    lone.title = "単発のセミナー".into();
    let single = seminar(&app, lone).await;
    let (status, list) = app.get_text("/seminars").await;
    assert_eq!(status, 200);
    assert_eq!(
        list.matches(&format!("href=\"/series/{series}\"")).count(),
        1,
        "one card for the series"
    );
    for id in &sessions {
        assert!(
            !list.contains(&format!("href=\"/seminars/{id}\"")),
            "no card for session {id}"
        );
    }
    assert!(list.contains(&format!("href=\"/seminars/{single}\"")));
    assert!(list.contains("連続講座・全3回"), "{list}");
    for start in starts(&app, &sessions).await {
        let day = secunity::time::format_span(start, start + Days::hours(4), views::Lang::Ja);
        assert!(list.contains(&day), "the card names {day}");
    }

    // The series' page lists every session with a link, and says how the certificate goes.
    let (status, page) = app.get_text(&format!("/series/{series}")).await;
    assert_eq!(status, 200);
    for id in &sessions {
        assert!(page.contains(&format!("href=\"/seminars/{id}\"")), "{page}");
    }
    assert!(page.contains("全3回のうち2回以上"), "{page}");
    assert!(page.contains("name=\"csrf_token\""));

    // A kept page is never stale: a new title shows at once, in the list and on the page.
    let (_, token) = app.api_token("editor@example.jp", Role::Staff).await;
    let res = app
        .client
        .patch(app.url(&format!("/api/v1/series/{series}")))
        .bearer_auth(&token)
        .json(&json!({"title": "机上演習 春の3回コース"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let (_, list) = app.get_text("/seminars").await;
    assert!(list.contains("机上演習 春の3回コース"), "{list}");
    let (_, page) = app.get_text(&format!("/series/{series}")).await;
    assert!(page.contains("机上演習 春の3回コース"));
    let english = app
        .client
        .get(app.url(&format!("/series/{series}")))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        english.contains("Tabletop exercises in three sessions"),
        "{english}"
    );
}

/// Moves every session into the past (a week ago and before), as after the course.
async fn held(app: &TestApp, sessions: &[i64]) {
    for (i, id) in sessions.iter().enumerate() {
        let id = *id;
        let back = Days::days(30 - 7 * i as i64);
        app.db(move |c| {
            diesel::update(s::table.find(id))
                .set((
                    s::registration_closes_at.eq(now() - back - Days::days(1)),
                    s::starts_at.eq(now() - back),
                    s::ends_at.eq(now() - back + Days::hours(4)),
                ))
                .execute(c)
        })
        .await;
    }
}

/// Records attendance of `email` in the given sessions, as the check-in does.
async fn attend(app: &TestApp, email: &str, sessions: &[i64]) {
    for id in sessions {
        let id = *id;
        let email = email.to_string();
        app.db(move |c| {
            let reg: i64 = r::table
                .filter(r::seminar_id.eq(id))
                .filter(r::email.eq(&email))
                .select(r::id)
                .first(c)?;
            secunity::registrations::queries::check_in(c, reg, now())
        })
        .await;
    }
}

#[tokio::test]
async fn the_certificate_is_for_the_series_once_enough_sessions_were_attended_and_not_otherwise() {
    let app = spawn_app().await;
    let (series, sessions) = course(&app, 3, 20, 30).await;
    register(&app, series, "keen@example.jp").await;
    register(&app, series, "busy@example.jp").await;
    let keen = next_registration_link(&app, "keen@example.jp", 0).await;
    let busy = next_registration_link(&app, "busy@example.jp", 0).await;
    held(&app, &sessions).await;
    attend(&app, "keen@example.jp", &sessions[..2]).await;
    attend(&app, "busy@example.jp", &sessions[2..]).await;

    // Two of three attended: the series' certificate, the same one every time.
    let (_, page) = app.get_text(&keen).await;
    assert!(page.contains("certificate.pdf"), "{page}");
    assert!(page.contains("全3回のうち2回出席"), "{page}");
    for _ in 0..2 {
        let res = app.get(&format!("{keen}/certificate.pdf")).await;
        assert_eq!(res.status().as_u16(), 200);
        assert_eq!(res.headers()["content-type"], "application/pdf");
    }
    let issued: i64 = app
        .db(|c| secunity::schema::certificates::table.count().get_result(c))
        .await;
    assert_eq!(issued, 1, "one certificate for the series");

    // One of three: none for the series, with the reason, and none for the session attended.
    let (_, page) = app.get_text(&busy).await;
    assert!(!page.contains("certificate.pdf"), "{page}");
    let (status, body) = app.get_text(&format!("{busy}/certificate.pdf")).await;
    assert_eq!(status, 409);
    assert!(body.contains("回数が足りない"), "{body}");
    let issued: i64 = app
        .db(|c| secunity::schema::certificates::table.count().get_result(c))
        .await;
    assert_eq!(issued, 1);
}

#[tokio::test]
async fn staff_build_a_series_on_their_screen_with_every_change_audited() {
    let app = spawn_app().await;
    app.sign_in("staff@example.jp", Role::Staff).await;
    let first = seminar(&app, session(0, 30)).await;
    let second = seminar(&app, session(1, 30)).await;
    let res = app
        .post_form_from(
            "/staff/series",
            "/staff/series",
            &[
                ("title", "机上演習 2回コース"),
                ("title_en", ""),
                ("description", ""),
                ("description_en", ""),
                ("capacity", "12"),
                ("certificate_min_sessions", "2"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let to = res.headers()["location"].to_str().unwrap().to_string();
    let page = to.split('?').next().unwrap().to_string();
    let series: i64 = page.rsplit('/').next().unwrap().parse().unwrap();
    for id in [first, second] {
        let res = app
            .post_form_from(
                &page,
                &format!("{page}/sessions"),
                &[("seminar_id", &id.to_string())],
            )
            .await;
        assert_eq!(res.status().as_u16(), 303);
    }
    let (_, body) = app.get_text(&format!("{page}?done=added")).await;
    assert!(body.contains("回を追加しました。"), "{body}");
    assert!(body.contains("机上演習 第2回"));
    let in_series: Vec<Option<i64>> = app
        .db(move |c| {
            s::table
                .filter(s::id.eq_any([first, second]))
                .select(s::series_id)
                .load(c)
        })
        .await;
    assert_eq!(in_series, [Some(series), Some(series)]);

    // Removing a session, then the audit log holds every change.
    let res = app
        .post_form_from(&page, &format!("{page}/sessions/{second}/remove"), &[])
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let actions: Vec<String> = app
        .db(|c| {
            audit_log::table
                .filter(audit_log::action.like("series.%"))
                .order(audit_log::id)
                .select(audit_log::action)
                .load(c)
        })
        .await;
    assert_eq!(
        actions,
        [
            "series.create",
            "series.add_session",
            "series.add_session",
            "series.remove_session"
        ]
    );

    // A session with registrations of the series cannot be removed (409, said on the page).
    register(&app, series, "p@example.jp").await;
    let res = app
        .post_form_from(&page, &format!("{page}/sessions/{first}/remove"), &[])
        .await;
    assert_eq!(res.status().as_u16(), 409);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("連続講座の申込みがある回は外せません。")
    );
}

#[tokio::test]
async fn bad_input_gets_a_clear_answer_in_the_users_language_and_stores_nothing() {
    let app = spawn_app().await;
    let (series, sessions) = course(&app, 2, 5, 30).await;
    let (_, token) = app.api_token("bad@example.jp", Role::Staff).await;

    // The public form without a name or a valid address: 422 with the form and its messages.
    let mut f = form("not-an-address", "onsite");
    f.retain(|(k, _)| *k != "name");
    let res = app
        .post_form_from(
            &format!("/series/{series}"),
            &format!("/series/{series}/registrations"),
            &f,
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("id=\"error-summary\""), "{body}");
    assert!(body.contains("この項目は必須です。"), "{body}");
    let english = {
        let token = app.csrf_token(&format!("/series/{series}")).await;
        let mut f = f.clone();
        f.push(("csrf_token", &token));
        app.client
            .post(app.url(&format!("/series/{series}/registrations")))
            .header("accept-language", "en")
            .form(&f)
            .send()
            .await
            .unwrap()
    };
    assert_eq!(english.status().as_u16(), 422);
    let english = english.text().await.unwrap();
    assert!(english.contains("There is a problem"), "{english}");
    let stored: i64 = app.db(|c| r::table.count().get_result(c)).await;
    assert_eq!(stored, 0);

    // An unknown series: 404.
    assert_eq!(app.get_text("/series/999999").await.0, 404);

    // The API: every wrong field named, nothing created.
    let res = app
        .client
        .post(app.url("/api/v1/series"))
        .bearer_auth(&token)
        .json(&json!({"title": " ", "capacity": 0, "certificate_min_sessions": "2"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 422);
    let err: Value = res.json().await.unwrap();
    let fields: HashSet<&str> = err["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        HashSet::from(["title", "capacity", "certificate_min_sessions"]),
        "{err}"
    );
    let count: i64 = app
        .db(|c| seminar_series::table.count().get_result(c))
        .await;
    assert_eq!(count, 1, "only the course");

    // A lottery cannot be a session: 409 with the reason in English, and nothing changed.
    let mut lottery = data("onsite", 30, 0);
    lottery.allocation = "lottery".into();
    let lottery = seminar(&app, lottery).await;
    let res = app
        .client
        .patch(app.url(&format!("/api/v1/series/{series}")))
        .bearer_auth(&token)
        .header("accept-language", "en")
        .json(&json!({"capacity": 9, "seminar_ids": [sessions[0], lottery]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 409);
    let err: Value = res.json().await.unwrap();
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("lottery"),
        "{err}"
    );
    let x = app
        .api_json(&format!("/api/v1/series/{series}"), &token)
        .await;
    assert_eq!(x["capacity"], 5);
    assert_eq!(x["sessions"].as_array().unwrap().len(), 2);

    // Staff's form: a capacity that is no number is said on the form (422), nothing stored.
    app.sign_in("staff@example.jp", Role::Staff).await;
    let res = app
        .post_form_from(
            "/staff/series",
            "/staff/series",
            &[
                ("title", "x"),
                ("capacity", "たくさん"),
                ("certificate_min_sessions", "1"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("1から100000までの数で入力してください。")
    );
    let count: i64 = app
        .db(|c| seminar_series::table.count().get_result(c))
        .await;
    assert_eq!(count, 1);
}

/// The rows of a staff CSV export (BOM, CRLF, no quoted commas in these values).
async fn csv_rows(app: &TestApp, path: &str) -> Vec<Vec<String>> {
    let res = app.get(path).await;
    assert_eq!(res.status().as_u16(), 200);
    let text = res.text().await.unwrap();
    text.trim_start_matches('\u{feff}')
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .map(|l| {
            l.split(',')
                .map(|c| c.trim_matches('"').to_string())
                .collect()
        })
        .collect()
}

fn column<'a>(rows: &'a [Vec<String>], row: usize, name: &str) -> &'a str {
    let i = rows[0]
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}: {:?}", rows[0]));
    &rows[row][i]
}

#[tokio::test]
async fn the_registration_export_names_the_group_and_the_series() {
    let app = spawn_app().await;
    let (series, sessions) = course(&app, 2, 20, 30).await;
    register(&app, series, "a@example.jp").await;
    let mut d = data("onsite", 10, 0);
    d.group_limit = 3;
    let grouped = seminar(&app, d).await;
    let mut f = form("lead@example.jp", "onsite");
    f.extend([("p2_name", "参加 次郎"), ("p2_email", "p2@example.jp")]);
    let res = app
        .post_form_from(
            &format!("/seminars/{grouped}"),
            &format!("/seminars/{grouped}/registrations"),
            &f,
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    app.sign_in("staff@example.jp", Role::Staff).await;

    let rows = csv_rows(
        &app,
        &format!("/staff/seminars/{grouped}/registrations.csv"),
    )
    .await;
    let lead = rows
        .iter()
        .position(|r| r.contains(&"lead@example.jp".to_string()))
        .unwrap();
    let member = rows
        .iter()
        .position(|r| r.contains(&"p2@example.jp".to_string()))
        .unwrap();
    let group = column(&rows, lead, "グループ").to_string();
    assert!(
        group.starts_with('#') && group.ends_with("九州 太郎"),
        "{group}"
    );
    assert_eq!(
        column(&rows, member, "グループ"),
        group,
        "one group, one value"
    );
    assert_eq!(column(&rows, lead, "連続講座"), "");

    let rows = csv_rows(
        &app,
        &format!("/staff/seminars/{}/registrations.csv", sessions[1]),
    )
    .await;
    let entry = app
        .db(move |c| {
            r::table
                .filter(r::email.eq("a@example.jp"))
                .select(r::series_entry_id)
                .first::<Option<i64>>(c)
        })
        .await
        .unwrap();
    assert_eq!(
        column(&rows, 1, "連続講座"),
        format!("中小企業向け机上演習 3回コース #{entry}")
    );
    assert_eq!(column(&rows, 1, "グループ"), "");
}
