//! Group entries (グループ申込): one applicant registers several participants of the same
//! company; the group is confirmed whole or waits whole, a waiting group that does not fit does
//! not block smaller entries behind it, it is promoted whole once it fits, removing a
//! participant frees one seat for the waitlist, every participant gets their own link, mail and
//! `.ics`, a lottery draws a group as one entrant, bad rows get a 422 naming the row; and a
//! control that places members one by one shows the checks would catch a split group.

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use chrono::Duration as Days;
use diesel::prelude::*;
use mail_parser::MimeHeaders;
use secunity::accounts::Role;
use secunity::registrations::mail::Notifier;
use secunity::registrations::model::Registration;
use secunity::registrations::queries as rq;
use secunity::schema::seminars as s;
use serde_json::{Value, json};

use crate::seminars::{data, form, now, regs, seminar};
use crate::support::mailbox::next_registration_link;
use crate::support::process;
use crate::support::smtp::parsed;
use crate::support::{TestApp, spawn_app};

/// A published first-come onsite seminar of `seats` seats taking groups of up to `limit`.
async fn group_seminar(app: &TestApp, seats: i32, limit: i32) -> i64 {
    let mut d = data("onsite", seats, 0);
    d.group_limit = limit;
    seminar(app, d).await
}

/// The form of an applicant (`email`) with further participants (name, email).
fn group_form<'a>(email: &'a str, others: &'a [(String, String)]) -> Vec<(String, String)> {
    let mut f: Vec<(String, String)> = form(email, "onsite")
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    for (i, (name, address)) in others.iter().enumerate() {
        f.push((format!("p{}_name", i + 2), name.clone()));
        f.push((format!("p{}_email", i + 2), address.clone()));
    }
    f
}

/// `n` further participants `{prefix}{i}@example.jp`.
fn others(prefix: &str, n: usize) -> Vec<(String, String)> {
    (0..n)
        .map(|i| {
            (
                format!("参加 {prefix}{i}"),
                format!("{prefix}{i}@example.jp"),
            )
        })
        .collect()
}

/// Posts the public form (with the page's CSRF token); returns the status and the body.
async fn post(app: &TestApp, id: i64, fields: &[(String, String)]) -> (u16, String) {
    let f: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let res = app
        .post_form_from(
            &format!("/seminars/{id}"),
            &format!("/seminars/{id}/registrations"),
            &f,
        )
        .await;
    let status = res.status().as_u16();
    (status, res.text().await.unwrap_or_default())
}

/// Registers one person through the form (303 expected).
async fn single(app: &TestApp, id: i64, email: &str) {
    let (status, body) = post(app, id, &group_form(email, &[])).await;
    assert_eq!(status, 303, "{body}");
}

/// Registers a group through the form (303 expected).
async fn group(app: &TestApp, id: i64, email: &str, rest: &[(String, String)]) {
    let (status, body) = post(app, id, &group_form(email, rest)).await;
    assert_eq!(status, 303, "{body}");
}

fn by_email<'a>(list: &'a [Registration], email: &str) -> &'a Registration {
    list.iter()
        .find(|r| r.email == email)
        .unwrap_or_else(|| panic!("{email} is registered: {list:?}"))
}

/// The check the tests (and the control) rely on: every active member of a group has the
/// status of the others and, while waiting, the same place in line.
fn check_whole(list: &[Registration]) -> Result<(), String> {
    let mut groups: BTreeMap<i64, Vec<&Registration>> = BTreeMap::new();
    for r in list.iter().filter(|r| r.status != "cancelled") {
        if let Some(g) = r.group_id {
            groups.entry(g).or_default().push(r);
        }
    }
    for (g, members) in groups {
        let states: HashSet<(&str, Option<i64>)> = members
            .iter()
            .map(|r| (r.status.as_str(), r.waitlist_seq))
            .collect();
        if states.len() > 1 {
            return Err(format!("group {g} is split: {states:?}"));
        }
    }
    Ok(())
}

fn count(list: &[Registration], status: &str) -> usize {
    list.iter().filter(|r| r.status == status).count()
}

/// Cancels a registration as its owner would (through the service the page calls).
async fn cancel(app: &TestApp, reg_id: i64) {
    let notifier = Notifier::of(&app.state);
    app.db(move |c| rq::cancel(c, &notifier, reg_id, now()))
        .await;
}

/// The subjects of the mails to `to`, oldest first.
fn subjects(app: &TestApp, to: &str) -> Vec<String> {
    app.smtp
        .messages()
        .iter()
        .filter(|m| m.rcpt_to.iter().any(|r| r == to))
        .map(|m| parsed(m).subject().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn a_group_of_four_facing_three_free_seats_waits_whole_while_a_single_behind_it_gets_a_seat()
{
    let app = spawn_app().await;
    let id = group_seminar(&app, 5, 4).await;
    // The public form offers rows for the three further participants, without script.
    let (_, page) = app.get_text(&format!("/seminars/{id}")).await;
    for field in ["p2_name", "p2_email", "p4_name", "p4_email"] {
        assert!(page.contains(&format!("name=\"{field}\"")), "{field}");
    }
    assert!(
        !page.contains("name=\"p5_name\""),
        "no row beyond the limit"
    );
    assert!(page.contains("申込者を含めて4名まで"), "{page}");
    single(&app, id, "first@example.jp").await;
    single(&app, id, "second@example.jp").await;
    // 3 seats left: the group of 4 waits, whole.
    let rest = others("g", 3);
    group(&app, id, "lead@example.jp", &rest).await;
    let list = regs(&app, id).await;
    check_whole(&list).unwrap();
    let lead = by_email(&list, "lead@example.jp");
    assert_eq!(lead.status, "waitlisted");
    assert_eq!(lead.group_id, Some(lead.id));
    for (_, email) in &rest {
        let m = by_email(&list, email);
        assert_eq!(
            (m.status.as_str(), m.group_id),
            ("waitlisted", Some(lead.id))
        );
    }
    // The single behind it gets a seat: the waiting group does not block it.
    single(&app, id, "behind@example.jp").await;
    let list = regs(&app, id).await;
    assert_eq!(by_email(&list, "behind@example.jp").status, "confirmed");
    assert_eq!(count(&list, "confirmed"), 3);
    assert_eq!(count(&list, "waitlisted"), 4);
    check_whole(&list).unwrap();
    // The group keeps first place; its members share it.
    let (_, api) = app.api_token("staff@example.jp", Role::Staff).await;
    let rows: Value = app
        .api_json(&format!("/api/v1/seminars/{id}/registrations"), &api)
        .await;
    let rows = rows.as_array().unwrap();
    let row = |email: &str| rows.iter().find(|r| r["email"] == email).unwrap().clone();
    let lead_row = row("lead@example.jp");
    assert_eq!(lead_row["group_id"], json!(lead.id));
    assert_eq!(lead_row["waitlist_position"], 1);
    assert_eq!(lead_row["participants"].as_array().unwrap().len(), 3);
    let member = row("g0@example.jp");
    assert_eq!(member["group_id"], json!(lead.id));
    assert_eq!(member["waitlist_position"], 1);
    assert_eq!(member["participants"], json!([]));
    assert_eq!(row("first@example.jp")["group_id"], Value::Null);
    // The staff page shows the group together, labelled.
    app.sign_in("desk@example.jp", Role::Staff).await;
    let (_, staff) = app.get_text(&format!("/staff/seminars/{id}")).await;
    let label = format!("グループ #{}・4名", lead.id);
    assert_eq!(staff.matches(&label).count(), 4, "{staff}");
    let at = |needle: &str| staff.find(needle).unwrap();
    let (l, g2, b) = (
        at("lead@example.jp"),
        at("g2@example.jp"),
        at("behind@example.jp"),
    );
    assert!(l < g2 && g2 < b, "the group's rows follow each other");
}

#[tokio::test]
async fn when_four_seats_free_up_the_waiting_group_is_promoted_whole() {
    let app = spawn_app().await;
    let id = group_seminar(&app, 4, 4).await;
    for who in ["a", "b"] {
        single(&app, id, &format!("{who}@example.jp")).await;
    }
    let rest = others("g", 3);
    group(&app, id, "lead@example.jp", &rest).await;
    for who in ["c", "d", "e"] {
        single(&app, id, &format!("{who}@example.jp")).await;
    }
    let list = regs(&app, id).await;
    // a b c d have the seats; the group and e wait, the group first.
    assert_eq!(count(&list, "confirmed"), 4);
    assert_eq!(by_email(&list, "e@example.jp").status, "waitlisted");
    // One seat frees up: the group does not fit, e behind it does.
    cancel(&app, by_email(&list, "a@example.jp").id).await;
    let list = regs(&app, id).await;
    assert_eq!(by_email(&list, "e@example.jp").status, "confirmed");
    assert_eq!(by_email(&list, "lead@example.jp").status, "waitlisted");
    // Three more: still not four.
    for who in ["b", "c", "d"] {
        cancel(&app, by_email(&list, &format!("{who}@example.jp")).id).await;
        let now_list = regs(&app, id).await;
        check_whole(&now_list).unwrap();
        assert_eq!(by_email(&now_list, "lead@example.jp").status, "waitlisted");
    }
    // The fourth: the group goes, whole, and each member is told with a new link of their own.
    cancel(&app, by_email(&list, "e@example.jp").id).await;
    let list = regs(&app, id).await;
    check_whole(&list).unwrap();
    assert_eq!(count(&list, "confirmed"), 4);
    for email in
        std::iter::once("lead@example.jp".to_string()).chain(rest.iter().map(|r| r.1.clone()))
    {
        assert_eq!(by_email(&list, &email).status, "confirmed", "{email}");
    }
    app.wait_outbox_drained().await;
    for email in ["lead@example.jp", "g0@example.jp", "g2@example.jp"] {
        let subjects = subjects(&app, email);
        assert!(
            subjects.last().unwrap().contains("参加が確定しました"),
            "{email}: {subjects:?}"
        );
    }
}

#[tokio::test]
async fn the_applicant_removes_a_participant_and_the_freed_seat_goes_to_the_waitlist() {
    let app = spawn_app().await;
    let id = group_seminar(&app, 4, 4).await;
    let rest = others("g", 3);
    group(&app, id, "lead@example.jp", &rest).await;
    single(&app, id, "waiting@example.jp").await;
    let list = regs(&app, id).await;
    assert_eq!(count(&list, "confirmed"), 4);
    assert_eq!(by_email(&list, "waiting@example.jp").status, "waitlisted");
    let link = next_registration_link(&app, "lead@example.jp", 0).await;
    // The applicant's page lists the group and offers to remove the others.
    let (_, page) = app.get_text(&link).await;
    assert!(page.contains("グループの参加者"), "{page}");
    for (name, _) in &rest {
        assert!(page.contains(name.as_str()), "{name}");
    }
    assert!(page.contains("参加者を外す"));
    // A participant's own page says who registered them and offers no removal.
    let member_link = next_registration_link(&app, "g1@example.jp", 0).await;
    let (_, member_page) = app.get_text(&member_link).await;
    assert!(member_page.contains("九州 太郎さんのグループ申込みで登録されています"));
    assert!(!member_page.contains("参加者を外す"));
    // Someone outside the group cannot be removed through it: 422, nothing changes.
    let outsider = by_email(&list, "waiting@example.jp").id.to_string();
    let res = app
        .post_form_from(
            &link,
            &format!("{link}/participants/remove"),
            &[("participant", &outsider), ("confirm", "1")],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("外す参加者を選んでください")
    );
    // Without the confirmation tick: 422, nothing changes.
    let target = by_email(&list, "g1@example.jp").id.to_string();
    let res = app
        .post_form_from(
            &link,
            &format!("{link}/participants/remove"),
            &[("participant", target.as_str())],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(regs(&app, id).await.len(), 5);
    assert_eq!(count(&regs(&app, id).await, "confirmed"), 4);
    let res = app
        .post_form_from(
            &link,
            &format!("{link}/participants/remove"),
            &[("participant", target.as_str()), ("confirm", "1")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let to = res.headers()["location"].to_str().unwrap().to_string();
    assert!(to.ends_with("?done=removed"), "{to}");
    let (_, after) = app.get_text(&to).await;
    assert!(after.contains("参加者を外しました"));
    let list = regs(&app, id).await;
    assert_eq!(by_email(&list, "g1@example.jp").status, "cancelled");
    // The seat went to the waitlist, as a cancellation's does.
    assert_eq!(by_email(&list, "waiting@example.jp").status, "confirmed");
    assert_eq!(count(&list, "confirmed"), 4);
    app.wait_outbox_drained().await;
    let removed = subjects(&app, "g1@example.jp");
    assert!(
        removed.last().unwrap().contains("キャンセルしました"),
        "{removed:?}"
    );
    let promoted = subjects(&app, "waiting@example.jp");
    assert!(
        promoted.last().unwrap().contains("参加が確定しました"),
        "{promoted:?}"
    );
}

#[tokio::test]
async fn each_participant_gets_their_own_mail_with_their_own_link_and_calendar_entry() {
    let app = spawn_app().await;
    let id = group_seminar(&app, 10, 3).await;
    let rest = others("g", 2);
    group(&app, id, "lead@example.jp", &rest).await;
    let emails = ["lead@example.jp", "g0@example.jp", "g1@example.jp"];
    let mut links = HashSet::new();
    for email in emails {
        let link = next_registration_link(&app, email, 0).await;
        assert!(links.insert(link.clone()), "a link of their own: {link}");
        let mails: Vec<_> = app
            .smtp
            .messages()
            .into_iter()
            .filter(|m| m.rcpt_to == vec![email.to_string()])
            .collect();
        assert_eq!(mails.len(), 1, "one mail to {email}");
        let msg = parsed(&mails[0]);
        assert!(msg.subject().unwrap().contains("参加申込を受け付けました"));
        let ics = msg
            .attachments()
            .find(|a| a.attachment_name().is_some_and(|n| n.ends_with(".ics")))
            .expect("an .ics attachment");
        let ics = String::from_utf8(ics.contents().to_vec()).unwrap();
        assert!(ics.contains(&format!("UID:seminar-{id}@127.0.0.1")));
        // The link opens that participant's own registration.
        let (status, page) = app.get_text(&link).await;
        assert_eq!(status, 200);
        let name = if email == "lead@example.jp" {
            "九州 太郎".to_string()
        } else {
            format!("参加 {}", &email[..2])
        };
        assert!(page.contains(&name), "{email}: {name}");
    }
    // The reminder the day before goes to each of them.
    let start = app
        .db(move |c| {
            s::table
                .find(id)
                .select(s::starts_at)
                .first::<chrono::NaiveDateTime>(c)
        })
        .await;
    let notifier = Notifier::of(&app.state);
    let queued = app
        .db(move |c| {
            secunity::registrations::reminders::due_reminders(c, &notifier, start - Days::hours(2))
        })
        .await;
    assert_eq!(queued, 3);
    app.wait_outbox_drained().await;
    for email in emails {
        assert_eq!(subjects(&app, email).len(), 2, "{email}");
    }
}

#[tokio::test]
async fn bad_participant_rows_get_a_422_that_names_the_row_and_nothing_is_stored() {
    let app = spawn_app().await;
    let id = group_seminar(&app, 10, 4).await;
    let bad_email = vec![
        ("佐藤".to_string(), "sato@example.jp".to_string()),
        ("鈴木".to_string(), "not-an-address".to_string()),
    ];
    let (status, body) = post(&app, id, &group_form("lead@example.jp", &bad_email)).await;
    assert_eq!(status, 422);
    assert!(body.contains("参加者3: "), "{body}");
    assert!(
        body.contains("value=\"sato@example.jp\""),
        "values are kept"
    );
    let twice = vec![
        ("佐藤".to_string(), "sato@example.jp".to_string()),
        ("佐藤".to_string(), "Sato@Example.jp".to_string()),
    ];
    let (status, body) = post(&app, id, &group_form("lead@example.jp", &twice)).await;
    assert_eq!(status, 422);
    assert!(body.contains("参加者3: このメールアドレスは"), "{body}");
    let applicant_again = vec![("本人".to_string(), "lead@example.jp".to_string())];
    let (status, body) = post(&app, id, &group_form("lead@example.jp", &applicant_again)).await;
    assert_eq!(status, 422);
    assert!(body.contains("参加者2: "), "{body}");
    let no_name = vec![(String::new(), "sato@example.jp".to_string())];
    let (status, body) = post(&app, id, &group_form("lead@example.jp", &no_name)).await;
    assert_eq!(status, 422);
    assert!(body.contains("参加者2: "), "{body}");
    // A fifth participant for a limit of four.
    let too_many = others("g", 4);
    let (status, body) = post(&app, id, &group_form("lead@example.jp", &too_many)).await;
    assert_eq!(status, 422);
    assert!(body.contains("申込者を含めて4名まで"), "{body}");
    // In the user's language.
    let token = app.csrf_token(&format!("/seminars/{id}")).await;
    let mut f = group_form("lead@example.jp", &bad_email);
    f.push(("csrf_token".into(), token));
    let res = app
        .client
        .post(app.url(&format!("/seminars/{id}/registrations")))
        .header("accept-language", "en")
        .form(&f)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("Participant 3: "));
    assert!(regs(&app, id).await.is_empty(), "nothing stored");
    // A seminar without groups refuses participant rows.
    let one = group_seminar(&app, 10, 1).await;
    let (status, body) = post(&app, one, &group_form("lead@example.jp", &others("g", 1))).await;
    assert_eq!(status, 422);
    assert!(body.contains("申込者を含めて1名まで"), "{body}");
    assert!(regs(&app, one).await.is_empty());
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(app.smtp.messages().is_empty(), "no mail");
}

#[tokio::test]
async fn staff_set_the_group_limit_in_the_api_and_a_bad_one_is_refused() {
    let app = spawn_app().await;
    let (_, api) = app.api_token("staff@example.jp", Role::Staff).await;
    let start = now() + Days::days(20);
    let body = |limit: Value| {
        json!({
            "title": "グループ演習", "industry": "manufacturing", "prefecture": 40,
            "format": "onsite", "venue": "北九州", "starts_at": secunity::time::rfc3339(start),
            "ends_at": secunity::time::rfc3339(start + Days::hours(3)),
            "registration_closes_at": secunity::time::rfc3339(start - Days::days(1)),
            "capacity_onsite": 30, "capacity_online": 0, "published": true, "group_limit": limit
        })
    };
    let post = |b: Value| {
        app.client
            .post(app.url("/api/v1/seminars"))
            .bearer_auth(&api)
            .json(&b)
            .send()
    };
    let res = post(body(json!(5))).await.unwrap();
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["group_limit"], 5);
    let id = created["id"].as_i64().unwrap();
    let (_, page) = app.get_text(&format!("/seminars/{id}")).await;
    assert!(page.contains("name=\"p5_email\""));
    for bad in [json!(0), json!(21), json!("many")] {
        let res = post(body(bad.clone())).await.unwrap();
        assert_eq!(res.status(), 422, "{bad}");
        let err: Value = res.json().await.unwrap();
        assert!(err.to_string().contains("group_limit"), "{err}");
    }
    // Left out: one person per registration.
    let mut plain = body(json!(1));
    plain.as_object_mut().unwrap().remove("group_limit");
    let res = post(plain).await.unwrap();
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["group_limit"], 1);
}

#[tokio::test]
async fn in_a_lottery_a_group_is_one_entrant_and_is_placed_whole() {
    let app = spawn_app().await;
    let mut d = data("onsite", 4, 0);
    d.allocation = "lottery".into();
    d.group_limit = 3;
    let id = seminar(&app, d).await;
    let rest = others("g", 2);
    group(&app, id, "lead@example.jp", &rest).await;
    for i in 0..5 {
        single(&app, id, &format!("who{i}@example.jp")).await;
    }
    let list = regs(&app, id).await;
    assert_eq!(count(&list, "applied"), 8);
    let lead = by_email(&list, "lead@example.jp").id;
    app.db(move |c| {
        diesel::update(s::table.find(id))
            .set(s::registration_closes_at.eq(now() - Days::minutes(1)))
            .execute(c)
    })
    .await;
    let (_, api) = app.api_token("staff@example.jp", Role::Staff).await;
    let res = app
        .client
        .post(app.url(&format!("/api/v1/seminars/{id}/draw")))
        .bearer_auth(&api)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let summary: Value = res.json().await.unwrap();
    assert_eq!(
        summary["entrants"], 6,
        "the group is one entrant: {summary}"
    );
    let list = regs(&app, id).await;
    check_whole(&list).unwrap();
    assert!(count(&list, "confirmed") <= 4);
    assert_eq!(count(&list, "confirmed") + count(&list, "waitlisted"), 8);
    // The record holds the group as one entrant of size 3, and re-runs to the same result.
    let stored = app
        .db(move |c| secunity::registrations::lottery::queries::list_for_seminar(c, id))
        .await;
    let record: Value = serde_json::from_str(&stored[0].record).unwrap();
    let entrants = record["entrants"].as_array().unwrap();
    assert_eq!(entrants.len(), 6);
    let g = entrants.iter().find(|e| e["id"] == json!(lead)).unwrap();
    assert_eq!(g["size"], 3);
    let checked = app
        .db(move |c| secunity::registrations::lottery::service::verify(c, id))
        .await;
    assert!(checked[0].matches, "{:?}", checked[0].findings);
}

/// The control: a server that places group members one by one (the test seam) splits the
/// group of 4 facing 3 seats, and the check above catches it.
#[tokio::test]
async fn control_placing_members_one_by_one_splits_the_group_and_the_check_catches_it() {
    let app = spawn_app().await;
    let id = group_seminar(&app, 3, 4).await;
    let split = process::serve(&app, &[("SECUNITY_TEST_SPLIT_GROUPS", "1")]).await;
    let rest = others("g", 3);
    let fields = group_form("lead@example.jp", &rest);
    let f: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let status = split
        .post_form_from(
            &format!("/seminars/{id}"),
            &format!("/seminars/{id}/registrations"),
            &f,
        )
        .await;
    assert_eq!(status, 303, "{}", split.log());
    let list = regs(&app, id).await;
    let caught = check_whole(&list).expect_err("the control must split the group");
    assert!(caught.contains("split"), "{caught}");
    assert_eq!(count(&list, "confirmed"), 3, "{list:?}");
}
