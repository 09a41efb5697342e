//! The seminar desk: the registrant's QR code and the staff check-in it opens, registrations
//! entered by staff, the `.ics` import of drafts, and the registrations-per-day chart.

use std::time::Duration;

use chrono::{Duration as Days, NaiveDateTime};
use diesel::prelude::*;
use secunity::accounts::Role;
use secunity::schema::{audit_log, seminars as s};

use crate::seminars::{data, form, now, personal_link, regs, seminar};
use crate::support::smtp::parsed;
use crate::support::{TestApp, spawn_app};

/// The check-in URL a registrant's page carries next to its QR code.
fn checkin_url(page: &str) -> Option<String> {
    let at = page.find("data-checkin-url=\"")? + "data-checkin-url=\"".len();
    Some(page[at..at + page[at..].find('"')?].to_string())
}

async fn audit_actions(app: &TestApp) -> Vec<(String, String)> {
    app.db(|c| {
        audit_log::table
            .select((audit_log::action, audit_log::detail))
            .load(c)
    })
    .await
}

#[tokio::test]
async fn a_confirmed_onsite_registrant_shows_a_qr_code_that_staff_use_to_check_in() {
    let app = spawn_app().await;
    let id = seminar(&app, data("hybrid", 1, 5)).await;
    let onsite = personal_link(&app, id, "a@example.jp", "onsite").await;
    let waiting = personal_link(&app, id, "b@example.jp", "onsite").await;
    let online = personal_link(&app, id, "c@example.jp", "online").await;

    let (status, page) = app.get_text(&onsite).await;
    assert_eq!(status, 200);
    let url = checkin_url(&page).expect("a check-in URL next to the QR code");
    let qr = &page[page.find("class=\"checkin-qr\"").unwrap()..];
    assert!(qr.contains("<svg") && qr.contains("受付用QRコード"));
    assert!(url.starts_with(&app.url("/staff/checkin/")), "{url}");
    // The personal link's token is not in the check-in URL.
    let token = onsite.rsplit('/').next().unwrap();
    assert!(!url.contains(token));
    // Waitlisted and online registrants have no QR code.
    for link in [&waiting, &online] {
        let (_, page) = app.get_text(link).await;
        assert!(!page.contains("checkin-qr") && checkin_url(&page).is_none());
    }

    let path = url.strip_prefix(&app.base).unwrap().to_string();
    let rid = regs(&app, id).await[0].id;
    // Signed out: the login page; a member: refused, and nothing checked in.
    let res = app.get(&path).await;
    assert_eq!(res.status().as_u16(), 303);
    assert!(
        res.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login")
    );
    app.sign_in("member@example.jp", Role::Member).await;
    assert_eq!(app.get_text(&path).await.0, 403);
    let res = app.post_form_from("/", &path, &[]).await;
    assert_eq!(res.status().as_u16(), 403);
    assert!(regs(&app, id).await[0].checked_in_at.is_none());

    // Staff see who it is and check them in with one tap.
    app.sign_in("staff@example.jp", Role::Staff).await;
    let (status, desk) = app.get_text(&path).await;
    assert_eq!(status, 200);
    for text in [
        "九州 太郎",
        "株式会社テスト",
        "中小製造業向け体験型演習",
        "会場",
        "参加確定",
        "未受付",
        "受付する",
    ] {
        assert!(desk.contains(text), "{text} in {desk}");
    }
    let res = app.post_form_from(&path, &path, &[]).await;
    assert_eq!(res.status().as_u16(), 303);
    let next = res.headers()["location"].to_str().unwrap().to_string();
    let (_, desk) = app.get_text(&next).await;
    assert!(desk.contains("受付しました"));
    assert!(!desk.contains("受付する</button>"));
    let list = regs(&app, id).await;
    assert!(list[0].checked_in_at.is_some());
    let (_, staff_page) = app.get_text(&format!("/staff/seminars/{id}")).await;
    assert!(staff_page.contains("出席確認済み"));
    // Checking in twice changes nothing and still answers.
    let res = app.post_form_from(&path, &path, &[]).await;
    assert_eq!(res.status().as_u16(), 303);
    let actions = audit_actions(&app).await;
    assert!(actions.iter().any(|(a, d)| a == "registration.check_in"
        && d.contains("\"via\":\"qr\"")
        && d.contains(&rid.to_string())));
    assert!(
        actions
            .iter()
            .any(|(a, d)| a == "registration.view" && d.contains("qr"))
    );

    // An altered code, another id or an unknown one: 404, for GET and POST.
    let (base, code) = path.rsplit_once('/').unwrap();
    let mut altered = code.to_string();
    let last = if altered.ends_with('A') { "B" } else { "A" };
    altered.replace_range(altered.len() - 1.., last);
    let other = list[1].id;
    for bad in [
        format!("{base}/{altered}"),
        format!("/staff/checkin/{other}/{code}"),
        format!("/staff/checkin/999999/{code}"),
        format!("{base}/x"),
    ] {
        assert_eq!(app.get_text(&bad).await.0, 404, "{bad}");
        let res = app.post_form_from(&path, &bad, &[]).await;
        assert_eq!(res.status().as_u16(), 404, "{bad}");
    }
    // The waitlisted person's own code opens the page, but there is nothing to check in.
    let secret = secrecy::ExposeSecret::expose_secret(&*app.state.config.secret_key).to_vec();
    let waiting_path = secunity::registrations::checkin::path(&secret, other);
    let (status, desk) = app.get_text(&waiting_path).await;
    assert_eq!(status, 200);
    assert!(desk.contains("キャンセル待ち") && !desk.contains("受付する</button>"));
    let res = app.post_form_from(&waiting_path, &waiting_path, &[]).await;
    assert_eq!(res.status().as_u16(), 409);
    assert!(regs(&app, id).await[1].checked_in_at.is_none());
}

fn staff_form(email: &str, send_mail: bool) -> Vec<(&str, &str)> {
    let mut f = form(email, "onsite");
    f.push(("mail_lang", "ja"));
    if send_mail {
        f.push(("send_mail", "1"));
    }
    f
}

#[tokio::test]
async fn staff_enter_registrations_by_hand_without_overbooking() {
    let app = spawn_app().await;
    let mut d = data("onsite", 1, 0);
    // The public form requires this answer; staff may leave it out.
    d.questions = r#"[{"label":"関心のあるテーマ","kind":"short","required":true}]"#.into();
    let id = seminar(&app, d).await;
    let page = format!("/staff/seminars/{id}/registrations/new");
    let path = page.clone();

    // Not staff: refused, nothing stored.
    app.sign_in("member@example.jp", Role::Member).await;
    assert_eq!(app.get_text(&page).await.0, 403);
    let res = app
        .post_form_from("/", &path, &staff_form("m@example.jp", true))
        .await;
    assert_eq!(res.status().as_u16(), 403);

    app.sign_in("staff@example.jp", Role::Staff).await;
    let (status, body) = app.get_text(&page).await;
    assert_eq!(status, 200);
    assert!(body.contains("申込の追加") && body.contains("関心のあるテーマ"));
    // Without the CSRF token: 403.
    let res = app
        .post_form(&path, &staff_form("a@example.jp", true))
        .await;
    assert_eq!(res.status().as_u16(), 403);
    // A bad address: 422 with the message, values kept, nothing stored or sent.
    let res = app
        .post_form_from(&page, &path, &staff_form("not-an-address", true))
        .await;
    assert_eq!(res.status().as_u16(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("メールアドレスの形式が正しくありません"));
    assert!(body.contains("value=\"not-an-address\"") && body.contains("株式会社テスト"));
    assert!(regs(&app, id).await.is_empty());

    // With the mail: confirmed, and the person gets the confirmation with their link.
    let res = app
        .post_form_from(&page, &path, &staff_form("a@example.jp", true))
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let next = res.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(next, format!("/staff/seminars/{id}?added=confirmed"));
    let (_, staff_page) = app.get_text(&next).await;
    assert!(staff_page.contains("申込を登録しました(参加確定)"));
    assert!(staff_page.contains("a@example.jp"));
    let got = app.smtp.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(got[0].rcpt_to, vec!["a@example.jp".to_string()]);
    let text = parsed(&got[0]).body_text(0).unwrap().to_string();
    assert!(text.contains(&app.url("/registrations/")), "{text}");

    // The only seat is taken: the next one waits, and without the mail gets none.
    let res = app
        .post_form_from(&page, &path, &staff_form("b@example.jp", false))
        .await;
    assert_eq!(res.status().as_u16(), 303);
    assert!(
        res.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with("added=waitlisted")
    );
    let list = regs(&app, id).await;
    assert_eq!(
        list.iter().map(|r| r.status.as_str()).collect::<Vec<_>>(),
        vec!["confirmed", "waitlisted"]
    );

    // The same address again: reported, nothing new.
    let res = app
        .post_form_from(&page, &path, &staff_form("A@example.jp", true))
        .await;
    assert_eq!(res.status().as_u16(), 409);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("既に登録されています(状態: 参加確定")
    );
    assert_eq!(regs(&app, id).await.len(), 2);

    // After the public deadline the public is turned away, staff may still add (waitlisted:
    // never overbooked).
    app.db(move |c| {
        diesel::update(s::table.find(id))
            .set(s::registration_closes_at.eq(now() - Days::hours(1)))
            .execute(c)
    })
    .await;
    let mut late = form("late@example.jp", "onsite");
    late.push(("q_0", "EDR"));
    let res = app
        .post_form_from(
            &format!("/seminars/{id}"),
            &format!("/seminars/{id}/registrations"),
            &late,
        )
        .await;
    assert_eq!(res.status().as_u16(), 409);
    let res = app
        .post_form_from(&page, &path, &staff_form("phone@example.jp", false))
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let list = regs(&app, id).await;
    assert_eq!(list.len(), 3);
    assert_eq!(list.iter().filter(|r| r.status == "confirmed").count(), 1);

    app.wait_outbox_drained().await;
    assert_eq!(app.smtp.messages().len(), 1, "only the one asked for");
    let added = audit_actions(&app)
        .await
        .into_iter()
        .filter(|(a, _)| a == "registration.staff_add")
        .count();
    assert_eq!(added, 3);

    // The registrations-per-day chart: today, three registrations.
    let (_, staff_page) = app.get_text(&format!("/staff/seminars/{id}")).await;
    let chart = &staff_page[staff_page.find("chart-timeline").expect("the chart")..];
    assert!(chart.contains("<title>申込日別の申込数(キャンセルを除く)</title>"));
    let today = secunity::time::to_jst(now()).format("%-m/%-d").to_string();
    assert!(
        chart.contains(&format!("<title>{today}: 3</title>")),
        "{chart}"
    );
}

/// A multipart body with text fields and one file, as a browser sends it.
fn multipart(fields: &[(&str, &str)], file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----secunity-test-boundary-7MA4YWxk";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"seminars.ics\"\r\nContent-Type: text/calendar\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

pub async fn import(app: &TestApp, defaults: &[(&str, &str)], file: &[u8]) -> (u16, String) {
    let token = app.csrf_token("/staff/seminars/import").await;
    let mut fields = vec![("csrf_token", token.as_str())];
    fields.extend_from_slice(defaults);
    post_import(app, &fields, file).await
}

/// Posts the import form as built (with or without a CSRF token).
async fn post_import(app: &TestApp, fields: &[(&str, &str)], file: &[u8]) -> (u16, String) {
    let (content_type, body) = multipart(fields, file);
    let res = app
        .client
        .post(app.url("/staff/seminars/import"))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.text().await.unwrap())
}

pub const DEFAULTS: [(&str, &str); 5] = [
    ("industry", "manufacturing"),
    ("prefecture", "40"),
    ("format", "hybrid"),
    ("capacity_onsite", "30"),
    ("capacity_online", "100"),
];

const CALENDAR: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example//Calendar//JA\r\n\
BEGIN:VEVENT\r\nUID:kyushu-2030-1@example.jp\r\nDTSTAMP:20291201T000000Z\r\n\
DTSTART;TZID=Asia/Tokyo:20300210T130000\r\nDTEND;TZID=Asia/Tokyo:20300210T170000\r\n\
SUMMARY:福岡 機械・金属\\, セキュリティ演習\\; 入門編\r\n\
DESCRIPTION:工場ネットワークの演習です。\\n持ち物: ノートPC\r\nLOCATION:北九州国際会議場\r\n\
URL:https://webex.example.jp/j/2030\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:kyushu-2030-2@example.jp\r\nDTSTAMP:20291201T000000Z\r\n\
DTSTART:20300311T050000Z\r\nDTEND:20300311T070000Z\r\nSUMMARY:大分 宇宙産業セミナー\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:kyushu-2030-3@example.jp\r\nDTSTAMP:20291201T000000Z\r\n\
DTSTART;VALUE=DATE:20300401\r\nDTEND;VALUE=DATE:20300402\r\nSUMMARY:年度初めの休館日\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";

async fn seminar_rows(
    app: &TestApp,
) -> Vec<(
    String,
    String,
    NaiveDateTime,
    NaiveDateTime,
    NaiveDateTime,
    String,
    String,
)> {
    app.db(|c| {
        s::table
            .order(s::id)
            .select((
                s::title,
                s::status,
                s::starts_at,
                s::ends_at,
                s::registration_closes_at,
                s::venue,
                s::online_url,
            ))
            .load(c)
    })
    .await
}

fn utc(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
}

#[tokio::test]
async fn staff_import_drafts_from_an_ics_file_once() {
    let app = spawn_app().await;
    app.sign_in("member@example.jp", Role::Member).await;
    assert_eq!(app.get_text("/staff/seminars/import").await.0, 403);
    app.sign_in("staff@example.jp", Role::Staff).await;
    let (status, page) = app.get_text("/staff/seminars/import").await;
    assert_eq!(status, 200);
    assert!(page.contains("enctype=\"multipart/form-data\""));

    let (status, page) = import(&app, &DEFAULTS, CALENDAR.as_bytes()).await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("2件の下書きを作成し、1件の予定を取り込みませんでした"),
        "{page}"
    );
    assert!(
        page.contains("年度初めの休館日") && page.contains("終日の予定のため取り込みませんでした")
    );
    let rows = seminar_rows(&app).await;
    assert_eq!(rows.len(), 2);
    let (title, status, start, end, closes, venue, url) = &rows[0];
    assert_eq!(title, "福岡 機械・金属, セキュリティ演習; 入門編");
    assert_eq!(status, "draft");
    assert_eq!(*start, utc("2030-02-10 04:00"), "13:00 in Tokyo");
    assert_eq!(*end, utc("2030-02-10 08:00"));
    assert_eq!(*closes, *start - Days::days(1));
    assert_eq!(venue, "北九州国際会議場");
    assert_eq!(url, "https://webex.example.jp/j/2030");
    assert_eq!(rows[1].0, "大分 宇宙産業セミナー");
    assert_eq!(rows[1].2, utc("2030-03-11 05:00"));
    // The draft opens in the edit form with Tokyo times; it is not public yet.
    let first: i64 = app
        .db(|c| s::table.order(s::id).select(s::id).first(c))
        .await;
    assert!(page.contains(&format!("/staff/seminars/{first}/edit")));
    let (_, edit) = app.get_text(&format!("/staff/seminars/{first}/edit")).await;
    assert!(edit.contains("2030-02-10T13:00"));
    assert_eq!(app.get_text(&format!("/seminars/{first}")).await.0, 404);

    // The same file again: nothing new, each event reported as imported before.
    let (status, page) = import(&app, &DEFAULTS, CALENDAR.as_bytes()).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("0件の下書きを作成し、3件の予定を取り込みませんでした"),
        "{page}"
    );
    assert_eq!(page.matches("取り込み済みです").count(), 2);
    assert_eq!(seminar_rows(&app).await.len(), 2);

    // Bad uploads: a 4xx with the message and the form again, nothing stored.
    let no_events = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n";
    let too_big = vec![b'A'; 1024 * 1024 + 10];
    let mut no_industry = DEFAULTS.to_vec();
    no_industry[0] = ("industry", "");
    for (defaults, file, code, message) in [
        (
            DEFAULTS.to_vec(),
            b"<html>not a calendar</html>".as_slice(),
            422,
            "カレンダーファイル(.ics)として読み取れませんでした",
        ),
        (
            DEFAULTS.to_vec(),
            [0xffu8, 0xfe, 0x00, 0x01].as_slice(),
            422,
            "文字コードがUTF-8",
        ),
        (
            DEFAULTS.to_vec(),
            no_events.as_bytes(),
            422,
            "予定(VEVENT)がありません",
        ),
        (
            DEFAULTS.to_vec(),
            b"".as_slice(),
            422,
            "カレンダーファイル(.ics)を選んでください",
        ),
        (
            DEFAULTS.to_vec(),
            too_big.as_slice(),
            413,
            "ファイルが大きすぎます(1MBまで)",
        ),
        (no_industry, CALENDAR.as_bytes(), 422, "この項目は必須です"),
    ] {
        let (status, page) = import(&app, &defaults, file).await;
        assert_eq!(status, code, "{message}: {page}");
        assert!(page.contains(message), "{message}");
        assert!(page.contains("enctype=\"multipart/form-data\""));
    }
    assert_eq!(seminar_rows(&app).await.len(), 2);
    let imports = audit_actions(&app)
        .await
        .into_iter()
        .filter(|(a, _)| a == "seminar.import")
        .count();
    assert_eq!(imports, 2, "one entry per import that ran");
    // Without the CSRF token: 403 before the file is read.
    let (status, _) = post_import(&app, &DEFAULTS, CALENDAR.as_bytes()).await;
    assert_eq!(status, 403);
    assert_eq!(seminar_rows(&app).await.len(), 2);
}
