//! The follow-up of a seminar: the reminder at each seminar's own time (the day before, or at
//! once for a seminar created late, never after the start, never when turned off), and the
//! survey after the seminar (one mail per attendee, answered once through the personal link,
//! results and CSV for staff, personal data).

use chrono::{Duration as Days, NaiveDateTime};
use diesel::prelude::*;
use secunity::accounts::Role;
use secunity::registrations::mail::Notifier;
use secunity::registrations::queries as rq;
use secunity::schema::{audit_log, seminar_surveys as sv, seminars as s};
use secunity::seminars::model::Seminar;
use secunity::seminars::queries as sq;
use serde_json::{Value, json};

use crate::seminars::{data, now, personal_link, regs, seminar};
use crate::support::smtp::{Received, parsed};
use crate::support::{TestApp, spawn_app};

fn notifier(app: &TestApp) -> Notifier {
    Notifier {
        mailer: app.state.mailer.clone(),
        base_url: app.base.clone(),
    }
}

/// Runs the reminder pass as if it were `at`.
async fn remind(app: &TestApp, at: NaiveDateTime) -> usize {
    let n = notifier(app);
    app.db(move |c| secunity::registrations::reminders::due_reminders(c, &n, at))
        .await
}

/// Runs the survey pass as if it were `at`.
async fn send_surveys(app: &TestApp, at: NaiveDateTime) -> usize {
    let n = notifier(app);
    app.db(move |c| secunity::registrations::survey::due_surveys(c, &n, at))
        .await
}

async fn find(app: &TestApp, id: i64) -> Seminar {
    app.db(move |c| sq::find(c, id)).await
}

async fn check_in(app: &TestApp, seminar_id: i64, email: &str) {
    let reg = regs(app, seminar_id)
        .await
        .into_iter()
        .find(|r| r.email == email)
        .unwrap();
    let ok = app.db(move |c| rq::check_in(c, reg.id, now())).await;
    assert!(ok, "{email} checked in");
}

fn subject(m: &Received) -> String {
    parsed(m).subject().unwrap_or_default().to_string()
}

fn text(m: &Received) -> String {
    parsed(m).body_text(0).unwrap().to_string()
}

/// Every message received, once the sender has delivered everything queued; there must be
/// `expected`.
async fn all_mail(app: &TestApp, expected: usize) -> Vec<Received> {
    app.wait_outbox_drained().await;
    let got = app.smtp.messages();
    assert_eq!(
        got.len(),
        expected,
        "{:?}",
        got.iter().map(subject).collect::<Vec<_>>()
    );
    got
}

fn recipients(mails: &[&Received]) -> Vec<String> {
    let mut to: Vec<String> = mails.iter().map(|m| m.rcpt_to[0].clone()).collect();
    to.sort();
    to
}

#[tokio::test]
async fn reminders_go_at_each_seminars_time_to_confirmed_registrants_once() {
    let app = spawn_app().await;
    let id = seminar(&app, data("online", 0, 2)).await;
    let mut off = data("online", 0, 5);
    off.title = "リマインダーなしのセミナー".into();
    off.reminder_time = None;
    let off_id = seminar(&app, off).await;
    personal_link(&app, id, "a@example.jp", "online").await;
    personal_link(&app, id, "b@example.jp", "online").await;
    personal_link(&app, id, "c@example.jp", "online").await;
    let d = personal_link(&app, id, "d@example.jp", "online").await;
    let res = app
        .post_form_from(&d, &format!("{d}/cancel"), &[("confirm", "1")])
        .await;
    assert_eq!(res.status(), 303);
    personal_link(&app, off_id, "e@example.jp", "online").await;
    let before = all_mail(&app, 6).await.len();
    let statuses: Vec<String> = regs(&app, id)
        .await
        .into_iter()
        .map(|r| r.status.to_string())
        .collect();
    assert_eq!(
        statuses,
        ["confirmed", "confirmed", "waitlisted", "cancelled"]
    );

    // 10:00 in Tokyo on the day before the seminar.
    let s = find(&app, id).await;
    let at = s.reminder_at().unwrap();
    let local = secunity::time::to_jst(at);
    assert_eq!(local.format("%H:%M").to_string(), "10:00");
    assert_eq!(
        local.date_naive().succ_opt().unwrap(),
        secunity::time::to_jst(s.starts_at).date_naive()
    );
    assert!(find(&app, off_id).await.reminder_at().is_none());

    assert_eq!(remind(&app, at - Days::minutes(1)).await, 0, "not yet");
    assert_eq!(remind(&app, at).await, 2);
    assert_eq!(remind(&app, at + Days::minutes(5)).await, 0, "sent already");
    let got = all_mail(&app, before + 2).await;
    let reminders: Vec<&Received> = got
        .iter()
        .filter(|m| subject(m).contains("明日のセミナーのご案内"))
        .collect();
    assert_eq!(
        recipients(&reminders),
        ["a@example.jp", "b@example.jp"],
        "confirmed ones only; waitlisted, cancelled and the seminar without reminder get none"
    );
    for m in reminders {
        assert!(text(m).contains("https://webex.example.jp/join/123"));
    }
}

#[tokio::test]
async fn a_seminar_created_after_its_reminder_time_is_reminded_at_once_until_it_starts() {
    let app = spawn_app().await;
    let late = |title: &str| {
        let mut d = data("online", 0, 5);
        d.title = title.into();
        d.starts_at = now() + Days::hours(2);
        d.ends_at = now() + Days::hours(4);
        d.registration_closes_at = now() + Days::hours(1);
        d.reminder_time = Some("00:00".into());
        d
    };
    let id = seminar(&app, late("直前に作成したセミナー")).await;
    let started = seminar(&app, late("開始済みのセミナー")).await;
    personal_link(&app, id, "late@example.jp", "online").await;
    personal_link(&app, started, "started@example.jp", "online").await;
    let before = all_mail(&app, 2).await.len();
    app.db(move |c| {
        diesel::update(s::table.find(started))
            .set(s::starts_at.eq(now() - Days::minutes(1)))
            .execute(c)
    })
    .await;

    let t = now();
    assert_eq!(remind(&app, t).await, 1);
    let got = all_mail(&app, before + 1).await;
    let reminder = got.last().unwrap();
    assert_eq!(reminder.rcpt_to, ["late@example.jp"]);
    let starts = find(&app, id).await.starts_at;
    let expected =
        if secunity::time::to_jst(t).date_naive() == secunity::time::to_jst(starts).date_naive() {
            "本日のセミナーのご案内"
        } else {
            "明日のセミナーのご案内"
        };
    assert!(
        subject(reminder).contains(expected),
        "{}",
        subject(reminder)
    );
    assert!(text(reminder).contains("https://webex.example.jp/join/123"));
}

#[tokio::test]
async fn the_reminder_time_is_checked_shown_and_kept_on_the_staff_form_api_and_duplicate() {
    let app = spawn_app().await;
    app.sign_in("staff@example.jp", Role::Staff).await;
    let fields = |reminder: &'static str| {
        vec![
            ("title", "宮崎 林業 セキュリティセミナー"),
            ("industry", "forestry"),
            ("prefecture", "45"),
            ("format", "online"),
            ("starts_at", "2030-02-05T13:00"),
            ("ends_at", "2030-02-05T15:00"),
            ("registration_closes_at", "2030-02-04T17:00"),
            ("capacity_online", "100"),
            ("reminder_time", reminder),
        ]
    };
    let new = "/staff/seminars/new";
    let (_, form) = app.get_text(new).await;
    assert!(
        form.contains("value=\"10:00\" selected"),
        "10:00 by default"
    );
    assert!(form.contains("送らない"));
    for bad in [
        "25:00",
        "7pm",
        "10:00\r\nBcc: x@example.jp",
        "<script>",
        "10:00:00",
    ] {
        let res = app.post_form_from(new, new, &fields(bad)).await;
        assert_eq!(res.status(), 422, "{bad:?}");
        let body = res.text().await.unwrap();
        assert!(body.contains("href=\"#f-reminder_time\""), "{bad:?}");
        assert!(body.contains("リマインダーの時刻は"), "{bad:?}");
        assert!(
            body.contains("宮崎 林業 セキュリティセミナー"),
            "values kept"
        );
    }
    let res = app.post_form_from(new, new, &fields("")).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("この項目は必須です"));
    app.get("/lang/en").await;
    let res = app.post_form_from(new, new, &fields("25:00")).await;
    assert_eq!(res.status(), 422);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Enter the reminder time")
    );
    app.get("/lang/ja").await;
    let count = |app: &TestApp| {
        let db = app.state.db.clone();
        async move {
            db.run(|c| s::table.count().get_result::<i64>(c))
                .await
                .unwrap()
        }
    };
    assert_eq!(count(&app).await, 0, "nothing stored");

    let res = app.post_form_from(new, new, &fields("18:30")).await;
    assert_eq!(res.status(), 303);
    let id: i64 = app.db(|c| s::table.select(s::id).first(c)).await;
    let page = format!("/staff/seminars/{id}");
    let (_, body) = app.get_text(&page).await;
    assert!(body.contains("前日 18:30"), "shown on the staff page");
    let (_, edit) = app.get_text(&format!("{page}/edit")).await;
    assert!(edit.contains("value=\"18:30\" selected"));

    // A copy keeps it.
    let res = app
        .post_form_from(&page, &format!("{page}/duplicate"), &[])
        .await;
    assert_eq!(res.status(), 303);
    let copy: Option<String> = app
        .db(move |c| {
            s::table
                .filter(s::id.ne(id))
                .select(s::reminder_time)
                .first(c)
        })
        .await;
    assert_eq!(copy.as_deref(), Some("18:30"));

    // Turned off.
    let edit_path = format!("{page}/edit");
    let res = app
        .post_form_from(&edit_path, &edit_path, &fields("none"))
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(find(&app, id).await.reminder_time, None);
    assert!(app.get_text(&page).await.1.contains("送らない"));

    // The API: default, a time, null, and bad values refused with nothing changed.
    let (_, token) = app.api_token("api@example.jp", Role::Staff).await;
    let body = json!({
        "title": "大分 宇宙産業 セキュリティセミナー", "industry": "space", "prefecture": 44,
        "format": "online", "starts_at": "2030-11-10T13:00:00+09:00", "ends_at": "2030-11-10T15:00:00+09:00",
        "capacity_online": 100, "registration_closes_at": "2030-11-09T17:00:00+09:00", "published": true
    });
    let (status, created) = app
        .api("POST", &token, "/api/v1/seminars", Some(body.clone()))
        .await;
    assert_eq!(status, 201);
    assert_eq!(created["reminder_time"], "10:00");
    let mut with_time = body.clone();
    with_time["reminder_time"] = json!("07:45");
    let (status, created) = app
        .api("POST", &token, "/api/v1/seminars", Some(with_time))
        .await;
    assert_eq!(status, 201);
    assert_eq!(created["reminder_time"], "07:45");
    let api_id = created["id"].as_i64().unwrap();
    let path = format!("/api/v1/seminars/{api_id}");
    let (status, patched) = app
        .api("PATCH", &token, &path, Some(json!({"reminder_time": null})))
        .await;
    assert_eq!(status, 200);
    assert_eq!(patched["reminder_time"], Value::Null);
    for bad in [json!("7pm"), json!("24:00"), json!(930), json!(["10:00"])] {
        let (status, e) = app
            .api("PATCH", &token, &path, Some(json!({"reminder_time": bad})))
            .await;
        assert_eq!(status, 422, "{bad}");
        assert!(!e["error"]["message"].as_str().unwrap().is_empty());
    }
    let (status, shown) = app.api("GET", &token, &path, Some(json!({}))).await;
    assert_eq!(status, 200);
    assert_eq!(
        shown["reminder_time"],
        Value::Null,
        "unchanged by the refused patches"
    );
    let doc: Value = app.get("/api/openapi.json").await.json().await.unwrap();
    assert!(
        doc["components"]["schemas"]["SeminarInput"]["properties"]["reminder_time"].is_object()
    );
}

/// The survey link in a survey mail.
fn survey_link(app: &TestApp, m: &Received) -> String {
    let body = text(m);
    let start = body
        .find(&app.url("/registrations/"))
        .expect("a personal link");
    let link = body[start..].split_whitespace().next().unwrap();
    assert!(link.ends_with("/survey"), "{link}");
    link.trim_start_matches(&app.base).to_string()
}

#[tokio::test]
async fn checked_in_registrants_get_one_survey_mail_after_the_end_in_their_language() {
    let app = spawn_app().await;
    let id = seminar(&app, data("online", 0, 4)).await;
    let a_link = personal_link(&app, id, "a@example.jp", "online").await;
    personal_link(&app, id, "b@example.jp", "online").await;
    personal_link(&app, id, "c@example.jp", "online").await;
    app.get("/lang/en").await;
    personal_link(&app, id, "en@example.jp", "online").await;
    app.get("/lang/ja").await;
    personal_link(&app, id, "waiting@example.jp", "online").await;
    for p in ["a@example.jp", "b@example.jp", "en@example.jp"] {
        check_in(&app, id, p).await;
    }
    let before = all_mail(&app, 5).await.len();
    let end = find(&app, id).await.ends_at;

    assert_eq!(
        send_surveys(&app, end - Days::minutes(1)).await,
        0,
        "before the end"
    );
    assert_eq!(
        send_surveys(&app, end + Days::minutes(30)).await,
        0,
        "an hour after"
    );
    assert_eq!(send_surveys(&app, end + Days::hours(1)).await, 3);
    assert_eq!(send_surveys(&app, end + Days::hours(2)).await, 0, "once");
    // A late check-in after two weeks gets no survey any more.
    check_in(&app, id, "c@example.jp").await;
    assert_eq!(send_surveys(&app, end + Days::days(15)).await, 0);

    let got = all_mail(&app, before + 3).await;
    let surveys: Vec<&Received> = got[before..].iter().collect();
    assert_eq!(
        recipients(&surveys),
        ["a@example.jp", "b@example.jp", "en@example.jp"]
    );
    for m in &surveys {
        let link = survey_link(&app, m);
        if m.rcpt_to[0] == "en@example.jp" {
            assert!(subject(m).contains("A short survey"), "{}", subject(m));
        } else {
            assert!(subject(m).contains("アンケートご協力のお願い"));
            assert!(text(m).contains("アンケートには次のリンクから回答できます"));
        }
        let (status, page) = app.get_text(&link).await;
        assert_eq!(status, 200);
        assert!(page.contains("name=\"satisfaction\""));
    }
    // The survey mail carries a fresh personal link: the old one no longer opens anything.
    assert_eq!(app.get_text(&a_link).await.0, 404);
    let sent: i64 = app.db(|c| sv::table.count().get_result(c)).await;
    assert_eq!(sent, 3);
}

#[tokio::test]
async fn the_survey_is_answered_once_through_the_link_and_staff_see_the_results() {
    let app = spawn_app().await;
    let id = seminar(&app, data("online", 0, 3)).await;
    let old_link = personal_link(&app, id, "a@example.jp", "online").await;
    personal_link(&app, id, "b@example.jp", "online").await;
    personal_link(&app, id, "absent@example.jp", "online").await;
    check_in(&app, id, "a@example.jp").await;
    check_in(&app, id, "b@example.jp").await;
    // Before the survey mail there is nothing to answer.
    let (_, before) = app.get_text(&old_link).await;
    assert!(!before.contains("アンケートに回答する"));
    let early = format!("{old_link}/survey");
    let (status, body) = app.get_text(&early).await;
    assert_eq!(status, 200);
    assert!(body.contains("出席された方にメールでご案内します"));
    let res = app
        .post_form_from(
            &old_link,
            &early,
            &[("satisfaction", "5"), ("usefulness", "5")],
        )
        .await;
    assert_eq!(res.status(), 409);
    let end = find(&app, id).await.ends_at;
    assert_eq!(send_surveys(&app, end + Days::hours(1)).await, 2);
    let got = all_mail(&app, 5).await;
    let link_of = |email: &str| {
        let m = got
            .iter()
            .find(|m| m.rcpt_to[0] == email && subject(m).contains("アンケート"))
            .unwrap();
        survey_link(&app, m)
    };
    let (a, b) = (link_of("a@example.jp"), link_of("b@example.jp"));
    let (_, b_page) = app.get_text(b.trim_end_matches("/survey")).await;
    assert!(
        b_page.contains("アンケートに回答する"),
        "linked from the registrant's page"
    );

    let answers = |app: &TestApp| {
        let db = app.state.db.clone();
        async move {
            db.run(|c| {
                sv::table
                    .order(sv::registration_id)
                    .select((
                        sv::answered_at.is_not_null(),
                        sv::satisfaction,
                        sv::comments,
                    ))
                    .load::<(bool, Option<i32>, String)>(c)
            })
            .await
            .unwrap()
        }
    };
    // Bad input: 422 with the form and a message, nothing stored.
    let long = "あ".repeat(2001);
    let mut bad: Vec<Vec<(&str, &str)>> = vec![
        vec![("satisfaction", "0"), ("usefulness", "3")],
        vec![("satisfaction", "9"), ("usefulness", "3")],
        vec![("satisfaction", "5")],
        vec![
            ("satisfaction", "5"),
            ("usefulness", "3"),
            ("comments", &long),
        ],
        vec![
            ("satisfaction", "5"),
            ("usefulness", "3"),
            ("topics", "名前\u{202e}byte"),
        ],
    ];
    let corpus = crate::support::corpus::corpus();
    let numbers = crate::support::corpus::strings(&corpus, &["numbers", "sql_metacharacters"]);
    for n in &numbers {
        bad.push(vec![("satisfaction", n), ("usefulness", "3")]);
    }
    for case in &bad {
        let res = app.post_form_from(&a, &a, case).await;
        assert_eq!(res.status(), 422, "{case:?}");
        let body = res.text().await.unwrap();
        assert!(body.contains("入力内容に誤りがあります"), "{case:?}");
        assert!(body.contains("name=\"satisfaction\""), "the form again");
    }
    let res = app
        .post_form_from(
            &a,
            &a,
            &[
                ("satisfaction", "5"),
                ("usefulness", "3"),
                ("comments", &long),
            ],
        )
        .await;
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("2000文字以内で入力してください")
    );
    app.get("/lang/en").await;
    let res = app
        .post_form_from(&a, &a, &[("satisfaction", "0"), ("usefulness", "3")])
        .await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("There is a problem with your input"));
    assert!(body.contains("Overall, how satisfied"));
    app.get("/lang/ja").await;
    // No CSRF token: refused before anything runs.
    let res = app
        .post_form(&a, &[("satisfaction", "5"), ("usefulness", "5")])
        .await;
    assert_eq!(res.status(), 403);
    assert!(
        answers(&app)
            .await
            .iter()
            .all(|(answered, s, _)| !answered && s.is_none())
    );

    // A good answer, then a second one that is refused and changes nothing.
    let comment = "<script>alert(1)</script>\n大変参考になりました";
    let res = app
        .post_form_from(
            &a,
            &a,
            &[
                ("satisfaction", "5"),
                ("usefulness", "4"),
                ("topics", "ランサムウェア対策"),
                ("comments", comment),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], a.as_str());
    let (_, done) = app.get_text(&a).await;
    assert!(done.contains("ご回答ありがとうございました"));
    assert!(!done.contains("name=\"satisfaction\""));
    let res = app
        .post_form_from(&b, &a, &[("satisfaction", "1"), ("usefulness", "1")])
        .await;
    assert_eq!(res.status(), 409);
    assert!(res.text().await.unwrap().contains("回答済み"));
    let stored = answers(&app).await;
    assert_eq!(
        stored[0],
        (
            true,
            Some(5),
            "<script>alert(1)</script>\n大変参考になりました".into()
        )
    );
    let res = app
        .post_form_from(
            &b,
            &b,
            &[
                ("satisfaction", "4"),
                ("usefulness", "2"),
                ("topics", "=HYPERLINK(\"http://example.invalid\")"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, a_page) = app.get_text(a.trim_end_matches("/survey")).await;
    assert!(!a_page.contains("アンケートに回答する"), "answered");

    // Staff see counts, averages, distributions and the texts, escaped.
    app.sign_in("staff@example.jp", Role::Staff).await;
    let (status, page) = app.get_text(&format!("/staff/seminars/{id}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("アンケート結果"));
    assert!(page.contains("<dd class=\"survey-sent\">2</dd>"));
    assert!(page.contains("<dd class=\"survey-answered\">2</dd>"));
    assert!(page.contains("100%"));
    assert!(page.contains("<dd class=\"survey-satisfaction\">4.5</dd>"));
    assert!(page.contains("<dd class=\"survey-usefulness\">3.0</dd>"));
    assert!(page.contains("満足度の分布") && page.contains("<svg"));
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!page.contains("<script>alert(1)</script>"));
    assert!(page.contains("大変参考になりました"));
    assert!(page.contains("ランサムウェア対策"));

    let res = app.get(&format!("/staff/seminars/{id}/survey.csv")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()));
    let csv = String::from_utf8(bytes.to_vec()).unwrap();
    assert!(csv.lines().next().unwrap().contains("回答日時"));
    assert_eq!(csv.matches("\r\n").count(), 3, "header and two answers");
    assert!(csv.contains("\"'=HYPERLINK(\"\"http://example.invalid\"\")\""));
    assert!(
        !csv.contains("a@example.jp") && !csv.contains("九州 太郎"),
        "no names"
    );
    let actions: Vec<String> = app
        .db(|c| audit_log::table.select(audit_log::action).load(c))
        .await;
    assert!(actions.iter().any(|a| a == "survey.export"));

    // The same results through the API, for staff tokens only, without names.
    let (_, staff_token) = app.api_token("api-staff@example.jp", Role::Staff).await;
    let (_, member_token) = app.api_token("api-member@example.jp", Role::Member).await;
    let survey_url = app.url(&format!("/api/v1/seminars/{id}/survey"));
    let res = app
        .client
        .get(&survey_url)
        .bearer_auth(&member_token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = app
        .client
        .get(&survey_url)
        .bearer_auth(&staff_token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let results: serde_json::Value = res.json().await.unwrap();
    assert_eq!(results["sent"], 2);
    assert_eq!(results["answered"], 2);
    assert_eq!(results["satisfaction_average"], 4.5);
    assert_eq!(results["usefulness_average"], 3.0);
    assert_eq!(results["answers"].as_array().unwrap().len(), 2);
    assert!(!results.to_string().contains("a@example.jp"), "no names");
    let res = app
        .client
        .get(app.url("/api/v1/seminars/999999/survey"))
        .bearer_auth(&staff_token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    app.sign_in("member@example.jp", Role::Member).await;
    assert_eq!(
        app.get_text(&format!("/staff/seminars/{id}/survey.csv"))
            .await
            .0,
        403
    );

    // My data carries the answer; deleting the account removes the texts (the scores stay as
    // anonymous statistics) and the link.
    let exported = app
        .db(|c| secunity::registrations::privacy::export_person(c, "a@example.jp"))
        .await;
    let survey = &exported["registrations"][0]["survey"];
    assert_eq!(survey["satisfaction"], 5);
    assert_eq!(survey["topics"], "ランサムウェア対策");
    app.db(|c| secunity::registrations::privacy::erase_person(c, "a@example.jp"))
        .await;
    let stored = answers(&app).await;
    assert_eq!(stored[0], (true, Some(5), String::new()));
    assert_eq!(app.get_text(&a).await.0, 404);
}
