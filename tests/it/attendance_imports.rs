//! Online attendance from the meeting tools: a Zoom, a Webex and a Teams report (the files in
//! tests/fixtures/attendance/, in each tool's export format: UTF-8 with BOM, UTF-16LE tab
//! separated, Shift_JIS) mark the right online registrants attended with their minutes, through
//! the API and the staff page's upload; importing again changes nothing; name matches wait for
//! staff; a bad file is a 4xx with a message and stores nothing; the report counts them.

use chrono::{Datelike, Duration as Days};
use diesel::prelude::*;
use secunity::accounts::Role;
use secunity::registrations::mail::Notifier;
use secunity::registrations::model::{NewRegistrant, Registration};
use secunity::registrations::queries as rq;
use secunity::schema::{attendance_imports, audit_log, seminars as s};
use secunity::seminars::model::Mode;
use serde_json::Value;

use crate::seminar_scale::person;
use crate::seminars::{data, now, regs, seminar};
use crate::support::{TestApp, spawn_app};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/attendance/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("the fixture")
}

/// An online seminar with confirmed online registrants `(name, email)`.
async fn online_seminar(app: &TestApp, people: &[(&str, &str)]) -> i64 {
    let id = seminar(app, data("online", 0, 50)).await;
    let notifier = Notifier::of(&app.state);
    let people: Vec<NewRegistrant> = people
        .iter()
        .map(|(name, email)| NewRegistrant {
            name: (*name).into(),
            ..person(email, Mode::Online)
        })
        .collect();
    app.db(move |c| {
        for p in &people {
            rq::register(c, &notifier, id, p, now())?;
        }
        Ok::<_, secunity::error::AppError>(())
    })
    .await;
    id
}

/// `POST /api/v1/seminars/{id}/attendance-imports` with the file as the body.
async fn api_import(
    app: &TestApp,
    token: &str,
    id: i64,
    content_type: &str,
    body: Vec<u8>,
) -> (u16, Value) {
    let res = app
        .client
        .post(app.url(&format!("/api/v1/seminars/{id}/attendance-imports")))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn by_email<'a>(list: &'a [Registration], email: &str) -> &'a Registration {
    list.iter().find(|r| r.email == email).unwrap()
}

/// `(email, attended, minutes)` of every registration.
fn attendance(list: &[Registration]) -> Vec<(String, bool, Option<i32>)> {
    list.iter()
        .map(|r| {
            (
                r.email.clone(),
                r.checked_in_at.is_some(),
                r.attended_minutes,
            )
        })
        .collect()
}

async fn audits(app: &TestApp, action: &'static str) -> i64 {
    app.db(move |c| {
        audit_log::table
            .filter(audit_log::action.eq(action))
            .count()
            .get_result::<i64>(c)
    })
    .await
}

async fn imports(app: &TestApp) -> i64 {
    app.db(|c| attendance_imports::table.count().get_result::<i64>(c))
        .await
}

fn unmatched_names(body: &Value) -> Vec<String> {
    body["unmatched"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap().to_string())
        .collect()
}

/// A multipart upload of the staff page: the CSRF token and the file.
fn upload_body(token: &str, file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----attendance-upload-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"report.csv\"\r\nContent-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Posts the staff page's upload form with `csrf` and the file.
async fn staff_upload(app: &TestApp, id: i64, csrf: &str, file: &[u8]) -> reqwest::Response {
    let (content_type, body) = upload_body(csrf, file);
    app.client
        .post(app.url(&format!("/staff/seminars/{id}/attendance")))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

/// Staff confirm a proposed name match on the attendance page.
async fn confirm(
    app: &TestApp,
    id: i64,
    import: &str,
    line: &str,
    registration: &str,
) -> reqwest::Response {
    app.post_form_from(
        &format!("/staff/seminars/{id}/attendance"),
        &format!("/staff/seminars/{id}/attendance/confirm"),
        &[
            ("import", import),
            ("line", line),
            ("registration", registration),
        ],
    )
    .await
}

#[tokio::test]
async fn a_zoom_report_marks_the_registrants_it_names_attended_and_a_second_import_changes_nothing()
{
    let app = spawn_app().await;
    let id = online_seminar(
        &app,
        &[
            ("九州 太郎", "taro.kyushu@example.co.jp"),
            ("佐賀 花子", "hanako.saga@example.jp"),
            ("伊藤 健", "ken.ito@example.com"),
            ("欠席 する", "absent@example.jp"),
            ("大分 次郎", "jiro.oita@example.jp"),
        ],
    )
    .await;
    let (_, token) = app.api_token("staff@example.jp", Role::Staff).await;
    let file = fixture("zoom_participants_utf8_bom.csv");
    let (status, body) = api_import(&app, &token, id, "text/csv", file.clone()).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["tool"], "zoom");
    assert_eq!(body["matched"], 3, "{body}");
    assert_eq!(body["already"], 0);
    // The host is no registrant; the guest typed no address.
    assert_eq!(unmatched_names(&body), ["地域SECUNITY 事務局", "大分 次郎"]);
    let list = regs(&app, id).await;
    let mut got = attendance(&list);
    got.sort();
    assert_eq!(
        got,
        [
            ("absent@example.jp".into(), false, None),
            ("hanako.saga@example.jp".into(), true, Some(126)),
            ("jiro.oita@example.jp".into(), false, None),
            ("ken.ito@example.com".into(), true, Some(89)),
            ("taro.kyushu@example.co.jp".into(), true, Some(119)),
        ]
    );
    // Again: nothing changes, and the answer says so.
    let (status, again) = api_import(&app, &token, id, "text/csv", file).await;
    assert_eq!(status, 201);
    assert_eq!(
        (again["matched"].clone(), again["already"].clone()),
        (0.into(), 3.into())
    );
    let after = regs(&app, id).await;
    for r in &list {
        let a = by_email(&after, &r.email);
        assert_eq!(
            (a.checked_in_at, a.attended_minutes),
            (r.checked_in_at, r.attended_minutes)
        );
    }
    assert_eq!(audits(&app, "attendance.import").await, 2);
    // The staff page proposes the guest by name; staff confirm, and only then is he attended.
    app.sign_in("desk@example.jp", Role::Staff).await;
    let (status, page) = app
        .get_text(&format!("/staff/seminars/{id}/attendance"))
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("大分 次郎 (jiro.oita@example.jp)"), "{page}");
    let jiro = by_email(&after, "jiro.oita@example.jp").id.to_string();
    let import = again["id"].to_string();
    let line = again["unmatched"][1]["line"].to_string();
    let res = confirm(&app, id, &import, &line, &jiro).await;
    assert_eq!(res.status(), 303);
    let list = regs(&app, id).await;
    let j = by_email(&list, "jiro.oita@example.jp");
    assert_eq!(
        (j.checked_in_at.is_some(), j.attended_minutes),
        (true, Some(66))
    );
    assert_eq!(audits(&app, "attendance.confirm").await, 1);
    // Someone the row does not propose cannot be confirmed through it.
    let absent = by_email(&list, "absent@example.jp").id.to_string();
    let res = confirm(&app, id, &import, &line, &absent).await;
    assert_eq!(res.status(), 404);
    assert!(
        by_email(&regs(&app, id).await, "absent@example.jp")
            .checked_in_at
            .is_none()
    );
    // The fiscal-year report counts them once the seminar is held.
    let start = now() - Days::days(1);
    app.db(move |c| {
        diesel::update(s::table.find(id))
            .set((
                s::registration_closes_at.eq(start - Days::days(1)),
                s::starts_at.eq(start),
                s::ends_at.eq(start + Days::hours(2)),
            ))
            .execute(c)
    })
    .await;
    let local = secunity::time::to_jst(start).date_naive();
    let fy = if local.month() >= 4 {
        local.year()
    } else {
        local.year() - 1
    };
    let report: Value = app
        .api_json(&format!("/api/v1/reports/fiscal-years/{fy}"), &token)
        .await;
    assert_eq!(report["seminars"]["attendees"], 4, "{report}");
}

#[tokio::test]
async fn a_webex_report_in_utf16_marks_the_right_people_attended() {
    let app = spawn_app().await;
    let id = online_seminar(
        &app,
        &[
            ("福岡 一郎", "ichiro@example.co.jp"),
            ("長崎 さくら", "sakura.nagasaki@example.jp"),
            ("来ない 人", "noshow@example.jp"),
        ],
    )
    .await;
    let (_, token) = app.api_token("staff@example.jp", Role::Staff).await;
    let (status, body) = api_import(
        &app,
        &token,
        id,
        "text/tab-separated-values",
        fixture("webex_attendees_utf16le.csv"),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["tool"], "webex");
    assert_eq!(
        (body["matched"].clone(), body["already"].clone()),
        (2.into(), 0.into())
    );
    assert_eq!(unmatched_names(&body), ["北九州 事務局", "Call-in User_2"]);
    let list = regs(&app, id).await;
    assert_eq!(
        by_email(&list, "ichiro@example.co.jp").attended_minutes,
        Some(233)
    );
    assert_eq!(
        by_email(&list, "sakura.nagasaki@example.jp").attended_minutes,
        Some(240)
    );
    assert!(by_email(&list, "noshow@example.jp").checked_in_at.is_none());
}

#[tokio::test]
async fn a_teams_report_in_utf16_tab_separated_marks_the_right_people_attended_via_multipart() {
    let app = spawn_app().await;
    let id = online_seminar(
        &app,
        &[
            ("鳥栖 健", "ken.tosu@example.co.jp"),
            ("伊万里 陽子", "yoko.imari@example.jp"),
            ("唐津 みどり", "midori.karatsu@example.jp"),
        ],
    )
    .await;
    let (_, token) = app.api_token("staff@example.jp", Role::Staff).await;
    let (content_type, body) = upload_body("", &fixture("teams_attendance_utf16le.csv"));
    let (status, body) = api_import(&app, &token, id, &content_type, body).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["tool"], "teams");
    assert_eq!(body["matched"], 2, "{body}");
    let list = regs(&app, id).await;
    assert_eq!(
        by_email(&list, "ken.tosu@example.co.jp").attended_minutes,
        Some(112)
    );
    // Teams had her address only as the UPN.
    assert_eq!(
        by_email(&list, "yoko.imari@example.jp").attended_minutes,
        Some(19)
    );
    // The guest is left for staff: no address in the report.
    assert!(
        by_email(&list, "midori.karatsu@example.jp")
            .checked_in_at
            .is_none()
    );
    assert_eq!(
        unmatched_names(&body),
        ["佐賀 事務局", "唐津 みどり (Guest)"]
    );
}

#[tokio::test]
async fn staff_upload_a_shift_jis_zoom_report_on_the_seminar_page() {
    let app = spawn_app().await;
    let id = online_seminar(
        &app,
        &[
            ("大分 宇宙", "sora@example.jp"),
            ("高橋 一郎", "takahashi@example.jp"),
        ],
    )
    .await;
    app.sign_in("desk@example.jp", Role::Staff).await;
    let (_, staff_page) = app.get_text(&format!("/staff/seminars/{id}")).await;
    assert!(staff_page.contains(&format!("/staff/seminars/{id}/attendance")));
    let (_, page) = app
        .get_text(&format!("/staff/seminars/{id}/attendance"))
        .await;
    assert!(page.contains("まだ取り込んだレポートはありません"));
    let token = app
        .csrf_token(&format!("/staff/seminars/{id}/attendance"))
        .await;
    let res = staff_upload(&app, id, &token, &fixture("zoom_participants_sjis.csv")).await;
    assert_eq!(res.status(), 303);
    let to = res.headers()["location"].to_str().unwrap().to_string();
    let (_, page) = app.get_text(&to).await;
    assert!(page.contains("レポートを取り込みました"), "{page}");
    // Rows without an address are listed with their names.
    assert!(page.contains("ｶﾀｶﾅ ﾀﾛｳ"), "{page}");
    let list = regs(&app, id).await;
    assert_eq!(
        by_email(&list, "sora@example.jp").attended_minutes,
        Some(124)
    );
    assert_eq!(
        by_email(&list, "takahashi@example.jp").attended_minutes,
        Some(58)
    );
    // Without the CSRF token nothing is imported.
    let res = staff_upload(&app, id, "forged", &fixture("zoom_participants_sjis.csv")).await;
    assert_eq!(res.status(), 403);
    assert_eq!(imports(&app).await, 1);
    // The confirmed online registrants, for the tool's pre-registration import.
    let res = app
        .get(&format!(
            "/staff/seminars/{id}/attendance/preregistration.csv?tool=zoom"
        ))
        .await;
    assert_eq!(res.status(), 200);
    let zoom = res.text().await.unwrap();
    assert!(zoom.starts_with("Email,First Name,Last Name\r\n"), "{zoom}");
    assert!(zoom.contains("sora@example.jp,宇宙,大分"), "{zoom}");
    let res = app
        .get(&format!(
            "/staff/seminars/{id}/attendance/preregistration.csv?tool=webex"
        ))
        .await;
    assert_eq!(res.status(), 200);
    assert!(res.bytes().await.unwrap().starts_with(&[0xFF, 0xFE]));
    assert_eq!(audits(&app, "registration.export").await, 2);
    let res = app
        .get(&format!(
            "/staff/seminars/{id}/attendance/preregistration.csv?tool=skype"
        ))
        .await;
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn a_bad_file_gets_a_4xx_with_a_message_and_nothing_is_stored() {
    let app = spawn_app().await;
    let id = online_seminar(&app, &[("九州 太郎", "taro.kyushu@example.co.jp")]).await;
    let (_, token) = app.api_token("staff@example.jp", Role::Staff).await;
    let cases: [(&str, Vec<u8>, u16, &str); 4] = [
        ("text/csv", Vec::new(), 422, "error"),
        (
            "text/csv",
            b"holiday photos, not a report".to_vec(),
            422,
            "Attendee Email",
        ),
        ("text/csv", b"Name,\x80\xFF\n".to_vec(), 422, "error"),
        ("application/json", b"{}".to_vec(), 415, "error"),
    ];
    for (content_type, body, expected, needle) in cases {
        let (status, answer) = api_import(&app, &token, id, content_type, body).await;
        assert_eq!(status, expected, "{answer}");
        let message = answer["error"]["message"].as_str().unwrap_or_default();
        assert!(!message.is_empty(), "{answer}");
        assert!(answer.to_string().contains(needle), "{answer}");
    }
    // An unknown seminar, no staff token.
    let (status, _) = api_import(
        &app,
        &token,
        id + 1000,
        "text/csv",
        fixture("zoom_participants_utf8_bom.csv"),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = api_import(
        &app,
        "not-a-token",
        id,
        "text/csv",
        fixture("zoom_participants_utf8_bom.csv"),
    )
    .await;
    assert_eq!(status, 401);
    // The staff page answers a bad upload on the page, in the user's language.
    app.sign_in("desk@example.jp", Role::Staff).await;
    let csrf = app
        .csrf_token(&format!("/staff/seminars/{id}/attendance"))
        .await;
    let res = staff_upload(&app, id, &csrf, b"just some text\n").await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("名前 (元の名前)"), "{page}");
    assert_eq!(imports(&app).await, 0);
    assert_eq!(audits(&app, "attendance.import").await, 0);
    assert!(
        regs(&app, id)
            .await
            .iter()
            .all(|r| r.checked_in_at.is_none())
    );
}
