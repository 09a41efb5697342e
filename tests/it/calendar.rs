//! Calendars stay current (DESIGN.md §3): the `.ics` a confirmed registrant gets is an iTIP
//! `REQUEST` naming organizer and attendee; a change of time, place or join URL (by staff in
//! the back office or through the API) mails each confirmed registrant one update with the same
//! UID and a higher SEQUENCE and says what changed; waitlisted registrants get nothing; a
//! cancelled registration or seminar brings a `METHOD:CANCEL`. Every `.ics` is read back with
//! the `ical` crate's parser and checked against what RFC 5546 requires of its method.

use std::time::Duration;

use chrono::Duration as Days;
use mail_parser::MimeHeaders;
use secunity::accounts::Role;
use secunity::seminars::forms::SeminarForm;
use secunity::seminars::model::SeminarData;
use secunity::seminars::queries as sq;
use serde_json::json;

use crate::seminars::{data, form, seminar};
use crate::support::smtp::{Received, parsed};
use crate::support::{TestApp, spawn_app};

/// What a test reads from a received `.ics`.
#[derive(Debug, Clone)]
struct Invite {
    content_type: String,
    method: String,
    uid: String,
    sequence: i64,
    start: String,
    status: String,
    location: String,
    organizer: String,
    attendee: String,
}

/// The mail's calendar attachment, parsed by the `ical` crate and checked: CRLF line ends,
/// lines of at most 75 octets, one VEVENT with what its method requires (RFC 5546 §3.2).
fn invite(m: &Received) -> Option<Invite> {
    let msg = parsed(m);
    let part = msg
        .attachments()
        .find(|a| a.attachment_name().is_some_and(|n| n.ends_with(".ics")))?;
    let ct = part.content_type().unwrap();
    let content_type = format!(
        "{}/{}; method={}",
        ct.ctype(),
        ct.subtype().unwrap_or(""),
        ct.attribute("method").unwrap_or("")
    );
    let raw = part.contents().to_vec();
    let text = String::from_utf8(raw).unwrap();
    assert!(text.ends_with("\r\n") && !text.replace("\r\n", "").contains('\n'));
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
    assert_eq!(prop(&cal.properties, "VERSION"), "2.0");
    assert!(!prop(&cal.properties, "PRODID").is_empty());
    let method = prop(&cal.properties, "METHOD");
    assert_eq!(cal.events.len(), 1);
    let e = &cal.events[0].properties;
    let required: &[&str] = match method.as_str() {
        "REQUEST" => &[
            "UID",
            "DTSTAMP",
            "DTSTART",
            "SEQUENCE",
            "SUMMARY",
            "ORGANIZER",
            "ATTENDEE",
        ],
        "CANCEL" => &[
            "UID",
            "DTSTAMP",
            "SEQUENCE",
            "ORGANIZER",
            "ATTENDEE",
            "STATUS",
        ],
        other => panic!("a registrant's .ics with METHOD {other}"),
    };
    for name in required {
        assert!(
            !prop(e, name).is_empty(),
            "{method} without {name}:\n{text}"
        );
    }
    let with_cn = |name: &str| {
        let p = e.iter().find(|p| p.name == name).unwrap();
        let cn = p
            .params
            .iter()
            .flatten()
            .find(|(k, _)| k == "CN")
            .map(|(_, v)| v.join(","))
            .unwrap_or_default();
        format!("{cn} <{}>", p.value.clone().unwrap_or_default())
    };
    Some(Invite {
        content_type,
        uid: prop(e, "UID"),
        sequence: prop(e, "SEQUENCE").parse().unwrap(),
        start: prop(e, "DTSTART"),
        status: prop(e, "STATUS"),
        location: prop(e, "LOCATION"),
        organizer: with_cn("ORGANIZER"),
        attendee: with_cn("ATTENDEE"),
        method,
    })
}

fn subject(m: &Received) -> String {
    parsed(m).subject().unwrap_or_default().to_string()
}

fn text(m: &Received) -> String {
    parsed(m).body_text(0).unwrap().to_string()
}

/// Every mail received once the outbox has nothing left to send.
async fn drained(app: &TestApp) -> Vec<Received> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let counts = app.db(|c| secunity::mail::outbox::counts(c, None)).await;
        if counts.queued == 0 && counts.sending == 0 && app.smtp.accepted() as i64 == counts.sent {
            return app.smtp.messages();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "outbox not drained: {counts:?}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// The mails of one recipient among `mails`, oldest first.
fn to<'a>(mails: &'a [Received], email: &str) -> Vec<&'a Received> {
    mails.iter().filter(|m| m.rcpt_to == [email]).collect()
}

/// Registers through the public form; the personal link from the mail.
async fn register(app: &TestApp, id: i64, email: &str, mode: &str) -> String {
    app.post_form_from(
        &format!("/seminars/{id}"),
        &format!("/seminars/{id}/registrations"),
        &form(email, mode),
    )
    .await;
    let mails = drained(app).await;
    let mail = to(&mails, email)[0];
    let body = text(mail);
    let at = body.find("/registrations/").expect("a personal link");
    let rest = &body[at..];
    rest[..rest.find(char::is_whitespace).unwrap_or(rest.len())].to_string()
}

const A: &str = "a@example.jp";
const B: &str = "b@example.jp";
const C: &str = "c@example.jp";

/// A seminar with two online seats: A and B confirmed, C on the waitlist.
async fn full_seminar(app: &TestApp) -> (i64, Vec<String>) {
    let id = seminar(app, data("online", 0, 2)).await;
    let mut links = Vec::new();
    for email in [A, B, C] {
        links.push(register(app, id, email, "online").await);
    }
    (id, links)
}

async fn staff_token(app: &TestApp) -> String {
    app.api_token("staff-cal@example.jp", Role::Staff).await.1
}

async fn patch(app: &TestApp, token: &str, id: i64, body: serde_json::Value) {
    let res = app
        .client
        .patch(app.url(&format!("/api/v1/seminars/{id}")))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
}

#[tokio::test]
async fn a_change_of_time_sends_each_confirmed_registrant_one_update() {
    let app = spawn_app().await;
    let (id, _) = full_seminar(&app).await;
    let before = drained(&app).await;
    let confirmation = invite(to(&before, A)[0]).expect("the confirmation carries the .ics");
    assert_eq!(confirmation.method, "REQUEST");
    assert_eq!(confirmation.content_type, "text/calendar; method=REQUEST");
    assert_eq!(confirmation.status, "CONFIRMED");
    assert!(
        confirmation.organizer.contains("<mailto:no-reply@"),
        "{confirmation:?}"
    );
    assert_eq!(confirmation.attendee, format!("九州 太郎 <mailto:{A}>"));
    assert!(
        invite(to(&before, C)[0]).is_none(),
        "the waitlist has no calendar entry"
    );

    // Staff move it a day later through the API.
    let s = app.db(move |c| sq::find(c, id)).await;
    let later = |t: chrono::NaiveDateTime| (t + Days::days(1)).and_utc().to_rfc3339();
    let token = staff_token(&app).await;
    patch(
        &app,
        &token,
        id,
        json!({"starts_at": later(s.starts_at), "ends_at": later(s.ends_at)}),
    )
    .await;
    let after = drained(&app).await;
    let new: Vec<&Received> = after[before.len()..].iter().collect();
    assert_eq!(
        new.len(),
        2,
        "{:?}",
        new.iter().map(|m| &m.rcpt_to).collect::<Vec<_>>()
    );
    for email in [A, B] {
        let mails: Vec<_> = new.iter().filter(|m| m.rcpt_to == [email]).collect();
        assert_eq!(mails.len(), 1, "{email} gets one update");
        let update = invite(mails[0]).unwrap();
        let earlier = invite(to(&before, email)[0]).unwrap();
        assert_eq!(update.method, "REQUEST");
        assert_eq!(update.uid, earlier.uid, "the same calendar entry");
        assert!(
            update.sequence > earlier.sequence,
            "{update:?} after {earlier:?}"
        );
        assert_ne!(update.start, earlier.start);
        let expected = (s.starts_at + Days::days(1))
            .format("%Y%m%dT%H%M%SZ")
            .to_string();
        assert_eq!(update.start, expected);
        assert!(subject(mails[0]).contains("開催内容変更のお知らせ"));
        let body = text(mails[0]);
        let old = secunity::time::format_span(s.starts_at, s.ends_at, views::Lang::Ja);
        let now = secunity::time::format_span(
            s.starts_at + Days::days(1),
            s.ends_at + Days::days(1),
            views::Lang::Ja,
        );
        assert!(body.contains(&format!("日時: {old} → {now}")), "{body}");
    }
    assert!(
        new.iter().all(|m| m.rcpt_to != [C]),
        "the waitlisted get nothing"
    );

    // A change that no calendar holds (the title of the fee) sends nothing.
    patch(&app, &token, id, json!({"fee": "無料(事前登録制)"})).await;
    assert_eq!(drained(&app).await.len(), after.len());
}

#[tokio::test]
async fn a_change_of_place_or_join_url_in_the_back_office_is_mailed_too() {
    let app = spawn_app().await;
    let id = seminar(&app, data("hybrid", 1, 1)).await;
    register(&app, id, A, "onsite").await;
    register(&app, id, B, "online").await;
    let before = drained(&app).await.len();
    app.sign_in("staff-edit@example.jp", Role::Staff).await;
    let s = app.db(move |c| sq::find(c, id)).await;
    let mut f = SeminarForm::of(&SeminarData::of(&s));
    f.venue = "AIMビル 3階 会議室".into();
    f.address = "北九州市小倉北区浅野3-8-1".into();
    f.online_url = "https://webex.example.jp/join/456".into();
    let fields = [
        ("title", f.title),
        ("summary", f.summary),
        ("body_md", f.body_md),
        ("industry", f.industry),
        ("prefecture", f.prefecture),
        ("format", f.format),
        ("venue", f.venue),
        ("address", f.address),
        ("online_url", f.online_url),
        ("starts_at", f.starts_at),
        ("ends_at", f.ends_at),
        ("registration_opens_at", f.registration_opens_at),
        ("registration_closes_at", f.registration_closes_at),
        ("capacity_onsite", f.capacity_onsite),
        ("capacity_online", f.capacity_online),
        ("hosts", f.hosts),
        ("cohosts", f.cohosts),
        ("speakers", f.speakers),
        ("fee", f.fee),
        ("questions", f.questions),
        ("reminder_time", f.reminder_time),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let edit = format!("/staff/seminars/{id}/edit");
    let res = app.post_form_from(&edit, &edit, &fields).await;
    assert_eq!(res.status(), 303);
    let mails = drained(&app).await;
    assert_eq!(mails.len(), before + 2);
    for email in [A, B] {
        let mine = to(&mails, email);
        let update = mine.last().unwrap();
        let body = text(update);
        assert!(
            body.contains("会場: 北九州国際会議場 北九州市小倉北区浅野3-9-30 / オンライン → AIMビル 3階 会議室 北九州市小倉北区浅野3-8-1 / オンライン"),
            "{body}"
        );
        assert!(body.contains(
            "オンライン参加URL: https://webex.example.jp/join/123 → https://webex.example.jp/join/456"
        ));
        let ics = invite(update).unwrap();
        assert!(ics.location.contains("AIMビル"), "{ics:?}");
        assert!(ics.sequence > invite(mine[0]).unwrap().sequence);
    }
    // The audit entry of the change says how many were told.
    let detail: String = app
        .db(|c| {
            use diesel::prelude::*;
            use secunity::schema::audit_log as a;
            a::table
                .filter(a::action.eq("seminar.update"))
                .select(a::detail)
                .first(c)
        })
        .await;
    assert!(detail.contains("\"told\":2"), "{detail}");
}

#[tokio::test]
async fn a_cancelled_registration_or_seminar_brings_a_method_cancel() {
    let app = spawn_app().await;
    let (id, links) = full_seminar(&app).await;
    let before = drained(&app).await;
    let confirmation = invite(to(&before, A)[0]).unwrap();

    // A cancels: a CANCEL for A's entry; C moves up and gets the entry (REQUEST).
    let res = app
        .post_form_from(
            &links[0],
            &format!("{}/cancel", links[0]),
            &[("confirm", "1")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let mails = drained(&app).await;
    let cancel = invite(to(&mails, A).last().unwrap()).expect("a CANCEL");
    assert_eq!(cancel.method, "CANCEL");
    assert_eq!(cancel.content_type, "text/calendar; method=CANCEL");
    assert_eq!(cancel.status, "CANCELLED");
    assert_eq!(cancel.uid, confirmation.uid);
    assert!(cancel.sequence > confirmation.sequence);
    assert_eq!(cancel.attendee, format!("九州 太郎 <mailto:{A}>"));
    assert_eq!(cancel.organizer, confirmation.organizer);
    let promoted = invite(to(&mails, C).last().unwrap()).expect("the promotion carries the entry");
    assert_eq!(promoted.method, "REQUEST");
    assert!(promoted.sequence >= cancel.sequence);

    // Registering again after the cancel: a REQUEST above the CANCEL, or the client ignores it.
    app.db(move |c| {
        use diesel::prelude::*;
        use secunity::schema::seminars as s;
        diesel::update(s::table.find(id))
            .set(s::capacity_online.eq(3))
            .execute(c)
    })
    .await;
    register(&app, id, A, "online").await;
    let again = drained(&app).await;
    let back = invite(to(&again, A).last().unwrap()).unwrap();
    assert_eq!(back.method, "REQUEST");
    assert!(back.sequence > cancel.sequence, "{back:?} after {cancel:?}");

    // Staff call the seminar off: every confirmed registrant gets a CANCEL.
    app.sign_in("staff-cancel@example.jp", Role::Staff).await;
    let page = format!("/staff/seminars/{id}");
    let res = app
        .post_form_from(&page, &format!("{page}/cancel"), &[("confirm", "1")])
        .await;
    assert_eq!(res.status(), 303);
    let last = drained(&app).await;
    let new = &last[again.len()..];
    assert_eq!(new.len(), 3);
    for email in [A, B, C] {
        let mine = to(new, email);
        assert_eq!(mine.len(), 1, "{email}");
        let ics = invite(mine[0]).expect("a CANCEL");
        assert_eq!(
            (ics.method.as_str(), ics.status.as_str()),
            ("CANCEL", "CANCELLED")
        );
        assert_eq!(ics.uid, confirmation.uid);
        assert!(ics.sequence > back.sequence);
        assert!(subject(mine[0]).contains("セミナー中止のお知らせ"));
    }
}
