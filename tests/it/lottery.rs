//! The lottery (抽選): applications are `applied` and equal until the draw; the draw confirms
//! exactly the seats, waitlists the rest in drawn order (or tells them they were not drawn),
//! mails everyone, happens once however many draw at once (with a control that draws twice),
//! and can be re-run from its record by `secunity lottery verify`.

use chrono::Duration as Days;
use diesel::prelude::*;
use mail_parser::MimeHeaders;
use secunity::accounts::Role;
use secunity::registrations::allocation::draw::{DrawResult, Outcome};
use secunity::registrations::lottery::queries::{StoredDraw, list_for_seminar};
use secunity::registrations::mail::Notifier;
use secunity::registrations::model::Registration;
use secunity::registrations::queries as rq;
use secunity::schema::{audit_log, lottery_draws, seminars as s};
use secunity::seminars::model::Mode;
use serde_json::Value;

use crate::seminar_scale::person;
use crate::seminars::{data, form, now, regs, seminar};
use crate::support::mailbox::next_registration_link;
use crate::support::process::{self, Service};
use crate::support::smtp::{SmtpServer, parsed};
use crate::support::{TestApp, spawn_app, spawn_app_with};

/// A published lottery seminar, open for registration, drawn at its deadline.
async fn lottery(app: &TestApp, format: &str, onsite: i32, online: i32, waitlist: bool) -> i64 {
    let mut d = data(format, onsite, online);
    d.allocation = "lottery".into();
    d.lottery_waitlist = waitlist;
    seminar(app, d).await
}

/// `n` applications (`who{i}@example.jp`) entered directly, as the form would.
async fn apply(app: &TestApp, id: i64, n: usize, mode: Mode) {
    let notifier = Notifier::of(&app.state);
    app.db(move |c| {
        for i in 0..n {
            rq::register(
                c,
                &notifier,
                id,
                &person(&format!("who{i}@example.jp"), mode),
                now(),
            )?;
        }
        Ok::<_, secunity::error::AppError>(())
    })
    .await;
}

/// The registration deadline passes (as it would by waiting).
async fn close(app: &TestApp, id: i64) {
    app.db(move |c| {
        diesel::update(s::table.find(id))
            .set(s::registration_closes_at.eq(now() - Days::minutes(1)))
            .execute(c)
    })
    .await;
}

async fn draws(app: &TestApp, id: i64) -> Vec<StoredDraw> {
    app.db(move |c| list_for_seminar(c, id)).await
}

fn with(list: &[Registration], status: &str) -> usize {
    list.iter().filter(|r| r.status == status).count()
}

/// `POST /api/v1/seminars/{id}/draw` with a staff token: the status and the JSON answer.
async fn api_draw(client: &reqwest::Client, base: &str, id: i64, token: &str) -> (u16, Value) {
    let res = client
        .post(format!("{base}/api/v1/seminars/{id}/draw"))
        .bearer_auth(token)
        .send()
        .await
        .expect("POST draw");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// The subjects of the mails to `to`.
fn subjects(app: &TestApp, to: &str) -> Vec<String> {
    app.smtp
        .messages()
        .iter()
        .filter(|m| m.rcpt_to.iter().any(|r| r == to))
        .map(|m| parsed(m).subject().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn applications_are_equal_until_the_draw_and_the_pages_and_mails_say_lottery() {
    let app = spawn_app().await;
    let id = lottery(&app, "online", 0, 2, true).await;
    let token = app.csrf_token(&format!("/seminars/{id}")).await;
    for i in 0..5 {
        let email = format!("early{i}@example.jp");
        let mut f = form(&email, "online");
        f.push(("csrf_token", &token));
        let res = app
            .post_form(&format!("/seminars/{id}/registrations"), &f)
            .await;
        assert_eq!(res.status(), 303);
    }
    // However early, nobody has a seat or a place in line before the draw.
    let list = regs(&app, id).await;
    assert_eq!(with(&list, "applied"), 5, "{list:?}");
    assert!(list.iter().all(|r| r.waitlist_seq.is_none()));
    // The public page says lottery, and when the results come.
    let (_, page) = app.get_text(&format!("/seminars/{id}")).await;
    assert!(page.contains("抽選"), "{page}");
    assert!(page.contains("にメールでお知らせします"), "{page}");
    // The API: allocation, draw time, and status applied.
    let seminar: Value = app
        .get(&format!("/api/v1/seminars/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seminar["allocation"], "lottery");
    assert!(seminar["draw_at"].is_string(), "{seminar}");
    assert_eq!(seminar["seats"]["online"]["applied"], 5);
    assert_eq!(seminar["seats"]["online"]["confirmed"], 0);
    let (_, api) = app.api_token("api@example.jp", Role::Staff).await;
    let list: Value = app
        .api_json(&format!("/api/v1/seminars/{id}/registrations"), &api)
        .await;
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|r| r["status"] == "applied" && r["waitlist_position"].is_null()),
        "{list}"
    );
    // The mail and the personal page say 抽選 and when the result comes; no calendar yet.
    let link = next_registration_link(&app, "early0@example.jp", 0).await;
    let mail = app
        .smtp
        .messages()
        .into_iter()
        .find(|m| m.rcpt_to.iter().any(|r| r == "early0@example.jp"))
        .unwrap();
    let mail = parsed(&mail);
    assert!(mail.subject().unwrap().contains("抽選申込受付"));
    assert!(mail.body_text(0).unwrap().contains("抽選結果は"));
    assert!(
        mail.attachments().all(|a| !a
            .content_type()
            .is_some_and(|t| t.ctype() == "text" && t.subtype() == Some("calendar"))),
        "no calendar entry before the draw"
    );
    let (_, mine) = app.get_text(&link).await;
    assert!(mine.contains("抽選待ち"), "{mine}");
    assert!(mine.contains("抽選結果のお知らせ"), "{mine}");
    // Drawing while registration is open is refused, and changes nothing.
    let (status, body) = api_draw(&app.client, &app.base, id, &api).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(with(&regs(&app, id).await, "applied"), 5);
}

#[tokio::test]
async fn three_hundred_applications_for_fifty_seats_confirm_fifty_and_waitlist_the_rest_in_drawn_order()
 {
    let app = spawn_app().await;
    let id = lottery(&app, "online", 0, 50, true).await;
    apply(&app, id, 300, Mode::Online).await;
    close(&app, id).await;
    let (_, api) = app.api_token("api@example.jp", Role::Staff).await;
    let (status, body) = api_draw(&app.client, &app.base, id, &api).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["entrants"], 300);
    assert_eq!(body["confirmed"], 50);
    assert_eq!(body["waitlisted"], 250);
    let list = regs(&app, id).await;
    assert_eq!(with(&list, "confirmed"), 50);
    assert_eq!(with(&list, "waitlisted"), 250);
    assert_eq!(with(&list, "applied"), 0);
    // The waitlist is the drawn order of those not drawn, places 1..=250.
    let stored = draws(&app, id).await;
    assert_eq!(stored.len(), 1);
    let result: DrawResult = serde_json::from_str(&stored[0].result).unwrap();
    let drawn_rest: Vec<i64> = result
        .drawn
        .iter()
        .filter(|d| d.outcome != Outcome::Confirmed)
        .map(|d| d.entry.id)
        .collect();
    let mut waiting: Vec<&Registration> =
        list.iter().filter(|r| r.status == "waitlisted").collect();
    waiting.sort_by_key(|r| r.waitlist_seq);
    assert_eq!(waiting.iter().map(|r| r.id).collect::<Vec<_>>(), drawn_rest);
    let places: Vec<Option<i64>> = {
        let mut p = Vec::new();
        for r in &waiting {
            let r = (*r).clone();
            p.push(app.db(move |c| rq::waitlist_position(c, &r)).await);
        }
        p
    };
    assert_eq!(places, (1..=250).map(Some).collect::<Vec<_>>());
    // The winners are the first 50 drawn, not the first 50 to arrive.
    let winners: Vec<i64> = result.confirmed().map(|d| d.entry.id).collect();
    let first_arrivals: Vec<i64> = {
        let mut ids: Vec<i64> = list.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.truncate(50);
        ids
    };
    assert_ne!(winners, first_arrivals);
    // Once only.
    let (status, body) = api_draw(&app.client, &app.base, id, &api).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["code"], "conflict");
    assert_eq!(draws(&app, id).await.len(), 1);
    // The audit entry holds the seed and the algorithm.
    let detail: String = app
        .db(move |c| {
            audit_log::table
                .filter(audit_log::action.eq("seminar.draw"))
                .filter(audit_log::target_id.eq(id.to_string()))
                .select(audit_log::detail)
                .first(c)
        })
        .await;
    let detail: Value = serde_json::from_str(&detail).unwrap();
    assert_eq!(detail["seed"], stored[0].seed.as_str());
    assert_eq!(detail["algorithm"], "fisher-yates-chacha20");
    // The command re-runs it from the record and says it matches.
    let out = process::run(&app, &["lottery", "verify", &id.to_string()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("matches its record"), "{text}");
    assert!(text.contains("the same 50 winners"), "{text}");
}

#[tokio::test]
async fn verify_says_so_when_the_stored_result_is_not_what_the_record_gives() {
    let app = spawn_app().await;
    let id = lottery(&app, "online", 0, 3, true).await;
    apply(&app, id, 10, Mode::Online).await;
    close(&app, id).await;
    let (_, api) = app.api_token("api@example.jp", Role::Staff).await;
    assert_eq!(api_draw(&app.client, &app.base, id, &api).await.0, 200);
    // A record changed afterwards (another seed: someone picked the winners) no longer re-runs
    // to the stored result.
    app.db(move |c| {
        let record: String = lottery_draws::table
            .filter(lottery_draws::seminar_id.eq(id))
            .select(lottery_draws::record)
            .first(c)?;
        let mut v: Value = serde_json::from_str(&record).unwrap();
        v["seed"] = Value::String("ab".repeat(32));
        diesel::update(lottery_draws::table.filter(lottery_draws::seminar_id.eq(id)))
            .set((
                lottery_draws::record.eq(v.to_string()),
                lottery_draws::seed.eq("ab".repeat(32)),
            ))
            .execute(c)
    })
    .await;
    let out = process::run(&app, &["lottery", "verify", &id.to_string()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("does NOT match"), "{text}");
    // A seminar without a draw: nothing to verify.
    let other = lottery(&app, "online", 0, 3, true).await;
    let out = process::run(&app, &["lottery", "verify", &other.to_string()]);
    assert_eq!(out.status.code(), Some(1));
}

#[tokio::test]
async fn winners_get_the_calendar_the_rest_their_place_and_a_freed_seat_goes_to_the_next_drawn() {
    let app = spawn_app().await;
    let id = lottery(&app, "onsite", 2, 0, true).await;
    apply(&app, id, 5, Mode::Onsite).await;
    close(&app, id).await;
    let (_, api) = app.api_token("api@example.jp", Role::Staff).await;
    assert_eq!(api_draw(&app.client, &app.base, id, &api).await.0, 200);
    app.wait_outbox_drained().await;
    let list = regs(&app, id).await;
    for r in &list {
        let got = subjects(&app, &r.email);
        let last = got.last().cloned().unwrap_or_default();
        match r.status.as_str() {
            "confirmed" => {
                assert!(last.contains("当選・参加確定"), "{got:?}");
                let m = app
                    .smtp
                    .messages()
                    .into_iter()
                    .rfind(|m| m.rcpt_to.contains(&r.email))
                    .unwrap();
                let raw = String::from_utf8_lossy(&m.data).to_string();
                assert!(
                    raw.contains("method=REQUEST"),
                    "the winner's calendar entry"
                );
            }
            "waitlisted" => assert!(last.contains("抽選結果・キャンセル待ち"), "{got:?}"),
            other => panic!("unexpected status {other}"),
        }
    }
    // A winner cancels after the deadline: the first one in drawn order gets the seat.
    let stored = draws(&app, id).await;
    let result: DrawResult = serde_json::from_str(&stored[0].result).unwrap();
    let winner = result.confirmed().next().unwrap().entry.id;
    let next = result
        .drawn
        .iter()
        .find(|d| d.outcome == (Outcome::Waitlisted { position: 1 }))
        .unwrap()
        .entry
        .id;
    let notifier = Notifier::of(&app.state);
    app.db(move |c| rq::cancel(c, &notifier, winner, now()))
        .await;
    let list = regs(&app, id).await;
    let status_of = |rid: i64| list.iter().find(|r| r.id == rid).unwrap().status;
    assert_eq!(status_of(next), "confirmed");
    assert_eq!(with(&list, "confirmed"), 2);
    assert_eq!(with(&list, "waitlisted"), 2);
}

#[tokio::test]
async fn a_lottery_without_waitlist_tells_the_others_they_were_not_drawn() {
    let app = spawn_app().await;
    let id = lottery(&app, "online", 0, 1, false).await;
    apply(&app, id, 3, Mode::Online).await;
    close(&app, id).await;
    let (_, api) = app.api_token("api@example.jp", Role::Staff).await;
    let (status, body) = api_draw(&app.client, &app.base, id, &api).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["not_drawn"], 2);
    app.wait_outbox_drained().await;
    let list = regs(&app, id).await;
    assert_eq!(with(&list, "confirmed"), 1);
    assert_eq!(with(&list, "not_drawn"), 2);
    for r in list.iter().filter(|r| r.status == "not_drawn") {
        let got = subjects(&app, &r.email);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[1].starts_with("【抽選結果】"), "{got:?}");
    }
}

#[tokio::test]
async fn staff_draw_early_through_a_confirmation_page_and_see_the_record() {
    let app = spawn_app().await;
    let mut d = data("online", 0, 2);
    d.allocation = "lottery".into();
    d.draw_at = Some(d.registration_closes_at + Days::hours(6));
    let id = seminar(&app, d).await;
    apply(&app, id, 4, Mode::Online).await;
    app.sign_in("staff@example.jp", Role::Staff).await;
    // Still open: the page says why it cannot be drawn, and a draw is refused.
    let (_, page) = app.get_text(&format!("/staff/seminars/{id}/lottery")).await;
    assert!(page.contains("締切の後に抽選できます"), "{page}");
    let token = app
        .csrf_token(&format!("/staff/seminars/{id}/lottery"))
        .await;
    let res = app
        .post_form(
            &format!("/staff/seminars/{id}/draw"),
            &[("csrf_token", token.as_str()), ("confirm", "1")],
        )
        .await;
    assert_eq!(res.status(), 409);
    close(&app, id).await;
    // After the deadline and before the draw time: the confirmation says what will happen.
    let (status, confirm) = app.get_text(&format!("/staff/seminars/{id}/draw")).await;
    assert_eq!(status, 200);
    assert!(confirm.contains("抽選待ちの申込み 4件"), "{confirm}");
    assert!(confirm.contains("やり直せません"), "{confirm}");
    // Without the final button nothing is drawn; without the CSRF token neither.
    let res = app
        .post_form(
            &format!("/staff/seminars/{id}/draw"),
            &[("csrf_token", token.as_str())],
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .post_form(&format!("/staff/seminars/{id}/draw"), &[("confirm", "1")])
        .await;
    assert_eq!(res.status(), 403);
    assert!(draws(&app, id).await.is_empty());
    let res = app
        .post_form(
            &format!("/staff/seminars/{id}/draw"),
            &[("csrf_token", token.as_str()), ("confirm", "1")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let (_, page) = app.get_text(&location).await;
    let stored = draws(&app, id).await;
    assert_eq!(stored.len(), 1);
    assert!(page.contains("抽選しました"), "{page}");
    assert!(page.contains(&stored[0].seed), "the page shows the seed");
    assert!(page.contains("fisher-yates-chacha20"), "{page}");
    assert_eq!(page.matches("<td>当選</td>").count(), 2, "{page}");
    assert!(stored[0].drawn_by.is_some(), "drawn by the staff member");
    // The seminar's staff page says it was drawn, and links to the record.
    let (_, seminar_page) = app.get_text(&format!("/staff/seminars/{id}")).await;
    assert!(seminar_page.contains("抽選済み"), "{seminar_page}");
    // The worker, when the draw time comes, finds nothing more to draw.
    let notifier = Notifier::of(&app.state);
    let later = now() + Days::days(1);
    let drawn = app
        .db(move |c| secunity::registrations::lottery::service::draw_due(c, &notifier, later))
        .await;
    assert_eq!(drawn, 0);
    assert_eq!(draws(&app, id).await.len(), 1);
}

#[tokio::test]
async fn the_staff_form_sets_a_lottery_and_refuses_a_draw_time_before_the_deadline() {
    let app = spawn_app().await;
    app.sign_in("staff@example.jp", Role::Staff).await;
    let id = seminar(&app, data("online", 0, 30)).await;
    let (_, edit) = app.get_text(&format!("/staff/seminars/{id}/edit")).await;
    assert!(edit.contains("name=\"allocation\""), "{edit}");
    let token = crate::support::app::extract_csrf(&edit).unwrap();
    let d = app
        .db(move |c| secunity::seminars::queries::find(c, id))
        .await;
    let mut form =
        secunity::seminars::forms::SeminarForm::of(&secunity::seminars::model::SeminarData::of(&d));
    form.allocation = "lottery".into();
    form.draw_at = secunity::time::local_input_value(d.registration_closes_at - Days::hours(1));
    let fields = |f: &secunity::seminars::forms::SeminarForm| {
        vec![
            ("title", f.title.clone()),
            ("industry", f.industry.clone()),
            ("prefecture", f.prefecture.clone()),
            ("format", f.format.clone()),
            ("starts_at", f.starts_at.clone()),
            ("ends_at", f.ends_at.clone()),
            ("registration_closes_at", f.registration_closes_at.clone()),
            ("capacity_onsite", f.capacity_onsite.clone()),
            ("capacity_online", f.capacity_online.clone()),
            ("reminder_time", f.reminder_time.clone()),
            ("allocation", f.allocation.clone()),
            ("draw_at", f.draw_at.clone()),
            ("lottery_rest", "not_drawn".to_string()),
            ("csrf_token", token.clone()),
        ]
    };
    let res = app
        .client
        .post(app.url(&format!("/staff/seminars/{id}/edit")))
        .form(&fields(&form))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("申込締切以降"));
    form.draw_at = secunity::time::local_input_value(d.registration_closes_at + Days::hours(1));
    let res = app
        .client
        .post(app.url(&format!("/staff/seminars/{id}/edit")))
        .form(&fields(&form))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let after = app
        .db(move |c| secunity::seminars::queries::find(c, id))
        .await;
    assert_eq!(after.allocation, "lottery");
    assert!(!after.lottery_waitlist);
    assert_eq!(
        after.draw_at.map(|t| t.and_utc().timestamp() / 60),
        Some(
            (d.registration_closes_at + Days::hours(1))
                .and_utc()
                .timestamp()
                / 60
        )
    );
}

/// A lottery past its deadline, drawn early (its draw time is tomorrow, so the processes'
/// own workers leave it alone), and two `serve` processes with `settings`.
async fn two_processes(settings: &[(&str, &str)]) -> (TestApp, i64, String, Service, Service) {
    let app = spawn_app_with(&[("WORKERS", "off")], SmtpServer::start().await).await;
    let id = lottery(&app, "online", 0, 5, true).await;
    apply(&app, id, 20, Mode::Online).await;
    close(&app, id).await;
    app.db(move |c| {
        diesel::update(s::table.find(id))
            .set(s::draw_at.eq(now() + Days::days(1)))
            .execute(c)
    })
    .await;
    let (_, api) = app.api_token("api@example.jp", Role::Staff).await;
    let (a, b) = tokio::join!(
        process::serve(&app, settings),
        process::serve(&app, settings)
    );
    (app, id, api, a, b)
}

/// Draw requests sent at once, half to each process: their statuses.
async fn draw_rush(a: &Service, b: &Service, id: i64, api: &str) -> Vec<u16> {
    let mut requests = Vec::new();
    for i in 0..8 {
        let service = if i % 2 == 0 { a } else { b };
        requests.push(api_draw(&service.client, &service.base, id, api));
    }
    futures_util::future::join_all(requests)
        .await
        .into_iter()
        .map(|(status, _)| status)
        .collect()
}

/// One draw: one 200, the others 409, one record, exactly the seats confirmed.
fn check_once(
    statuses: &[u16],
    stored: &[StoredDraw],
    list: &[Registration],
) -> Result<(), String> {
    let mut problems = Vec::new();
    let ok = statuses.iter().filter(|s| **s == 200).count();
    if ok != 1 || statuses.iter().any(|s| *s != 200 && *s != 409) {
        problems.push(format!("statuses {statuses:?}"));
    }
    if stored.len() != 1 {
        problems.push(format!("{} draws recorded", stored.len()));
    }
    if with(list, "confirmed") != 5 || with(list, "waitlisted") != 15 {
        problems.push(format!(
            "{} confirmed, {} waitlisted",
            with(list, "confirmed"),
            with(list, "waitlisted")
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

#[tokio::test]
async fn draws_at_once_through_two_processes_draw_once() {
    let (app, id, api, a, b) = two_processes(&[]).await;
    let statuses = draw_rush(&a, &b, id, &api).await;
    check_once(&statuses, &draws(&app, id).await, &regs(&app, id).await).unwrap();
}

#[tokio::test]
async fn control_draws_at_once_without_the_claim_draw_more_than_once() {
    let (app, id, api, a, b) = two_processes(&[("SECUNITY_TEST_NO_DRAW_CLAIM", "1")]).await;
    let statuses = draw_rush(&a, &b, id, &api).await;
    let stored = draws(&app, id).await;
    let failed = check_once(&statuses, &stored, &regs(&app, id).await)
        .expect_err("without the claim the check must fail");
    assert!(stored.len() > 1, "the control must draw twice: {failed}");
}

#[tokio::test]
async fn two_workers_at_the_draw_time_draw_once() {
    let app = spawn_app_with(&[("WORKERS", "off")], SmtpServer::start().await).await;
    let id = lottery(&app, "online", 0, 5, true).await;
    apply(&app, id, 20, Mode::Online).await;
    close(&app, id).await;
    let _a = process::worker(&app, &[]);
    let _b = process::worker(&app, &[]);
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
    while draws(&app, id).await.is_empty() {
        assert!(tokio::time::Instant::now() < deadline, "no worker drew");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // Both workers have made their first round once every result mail is out.
    app.wait_outbox_drained().await;
    let list = regs(&app, id).await;
    assert_eq!(draws(&app, id).await.len(), 1);
    assert_eq!(with(&list, "confirmed"), 5);
    assert_eq!(with(&list, "waitlisted"), 15);
    let stored = draws(&app, id).await;
    assert!(stored[0].drawn_by.is_none(), "drawn by the system");
}

#[tokio::test]
async fn an_applicant_who_erases_their_data_before_the_draw_is_not_drawn() {
    let app = spawn_app().await;
    let id = lottery(&app, "online", 0, 5, true).await;
    apply(&app, id, 3, Mode::Online).await;
    app.db(|c| secunity::registrations::privacy::erase_person(c, "who1@example.jp"))
        .await;
    close(&app, id).await;
    let (_, api) = app.api_token("api@example.jp", Role::Staff).await;
    let (status, body) = api_draw(&app.client, &app.base, id, &api).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["entrants"], 2);
    let list = regs(&app, id).await;
    assert_eq!(with(&list, "confirmed"), 2);
    assert_eq!(with(&list, "cancelled"), 1);
}

#[tokio::test]
async fn a_lottery_turned_into_first_come_before_the_draw_places_the_applications_as_they_came() {
    let app = spawn_app().await;
    let id = lottery(&app, "online", 0, 2, true).await;
    apply(&app, id, 3, Mode::Online).await;
    let (_, api) = app.api_token("api@example.jp", Role::Staff).await;
    let res = app
        .client
        .patch(app.url(&format!("/api/v1/seminars/{id}")))
        .bearer_auth(&api)
        .json(&serde_json::json!({"allocation": "first_come"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["allocation"], "first_come");
    assert!(v["draw_at"].is_null());
    let mut list = regs(&app, id).await;
    list.sort_by_key(|r| r.id);
    let statuses: Vec<&str> = list.iter().map(|r| r.status.as_str()).collect();
    assert_eq!(statuses, ["confirmed", "confirmed", "waitlisted"]);
    // A bad value is refused with the field named.
    let res = app
        .client
        .patch(app.url(&format!("/api/v1/seminars/{id}")))
        .bearer_auth(&api)
        .json(&serde_json::json!({"allocation": "raffle"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("allocation"));
}

#[tokio::test]
async fn staff_can_write_to_the_applicants_of_a_lottery_until_it_is_drawn() {
    let app = spawn_app().await;
    let id = lottery(&app, "onsite", 1, 0, true).await;
    apply(&app, id, 2, Mode::Onsite).await;
    let first_come = seminar(&app, data("onsite", 1, 0)).await;
    app.sign_in("staff@example.jp", Role::Staff).await;
    let page = format!("/staff/seminars/{id}");
    let (status, body) = app.get_text(&page).await;
    assert_eq!(status, 200);
    assert!(body.contains("抽選をお待ちの方"), "{body}");
    let message = |seminar: i64| {
        let page = format!("/staff/seminars/{seminar}");
        let app = &app;
        async move {
            app.post_form_from(
                &page,
                &format!("{page}/message"),
                &[
                    ("audience", "applied"),
                    ("subject", "抽選日のご案内"),
                    ("body", "抽選は予定どおり行います。"),
                ],
            )
            .await
            .status()
            .as_u16()
        }
    };
    // A first-come seminar has no applicants to write to: the choice is refused.
    assert_eq!(message(first_come).await, 422);
    assert_eq!(message(id).await, 303);
    app.wait_outbox_drained().await;
    let mut told: Vec<String> = app
        .smtp
        .messages()
        .iter()
        .filter(|m| parsed(m).subject().unwrap().contains("抽選日のご案内"))
        .flat_map(|m| m.rcpt_to.clone())
        .collect();
    told.sort();
    assert_eq!(told, vec!["who0@example.jp", "who1@example.jp"]);
}
