//! Erasure through `/account/delete` across every feature, the outbox included: one person
//! registers for a seminar, subscribes to the newsletter, posts on the board, is the contact
//! of an introduction and receives mails (one of them failed); after deleting the account
//! nothing of them remains in any table, and staff no longer see them on the outbox pages.

use std::sync::atomic::Ordering;

use diesel::prelude::*;
use secunity::accounts::Role;
use secunity::schema::{
    api_tokens, audit_log, login_tokens, matching_introductions as intro, matching_needs,
    newsletter_consent_events as events, newsletter_requests, newsletter_subscribers as subs,
    oauth_identities, outbox, registrations as r, sessions, users,
};
use serde_json::Value;

use crate::matching::{member_token, need_body, offering_body, org, staff_token};
use crate::seminars::{data, seminar};
use crate::support::smtp::{parsed, switchable};
use crate::support::{TestApp, spawn_app_with};

const EMAIL: &str = "erase-me@example.jp";
const NAME: &str = "消去 花子";
const COMPANY: &str = "消去商事株式会社";

/// A page of the back office as a staff member (another browser than the person's).
pub async fn as_staff(app: &TestApp, path: &str) -> String {
    let token = app
        .db(|c| {
            let staff = secunity::accounts::queries::upsert_with_role(
                c,
                "desk@example.jp",
                None,
                Role::Staff,
            )?;
            secunity::accounts::queries::create_session(c, staff.id)
        })
        .await;
    reqwest::Client::new()
        .get(app.url(path))
        .header("Cookie", format!("sid={token}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Rows that still mention the person, per table (should all be zero after the erasure).
async fn traces(app: &TestApp, uid: i64) -> Vec<(&'static str, i64)> {
    app.db(move |c| {
        let like = |s: &str| format!("%{s}%");
        let mut found = vec![
            (
                "users",
                users::table
                    .filter(users::email.eq(EMAIL).or(users::id.eq(uid)))
                    .count()
                    .get_result::<i64>(c)?,
            ),
            (
                "sessions",
                sessions::table
                    .filter(sessions::user_id.eq(uid))
                    .count()
                    .get_result(c)?,
            ),
            (
                "api_tokens",
                api_tokens::table
                    .filter(api_tokens::user_id.eq(uid))
                    .count()
                    .get_result(c)?,
            ),
            (
                "oauth_identities",
                oauth_identities::table
                    .filter(oauth_identities::user_id.eq(uid))
                    .count()
                    .get_result(c)?,
            ),
            (
                "login_tokens",
                login_tokens::table
                    .filter(login_tokens::email.eq(EMAIL))
                    .count()
                    .get_result(c)?,
            ),
            (
                "registrations",
                r::table
                    .filter(
                        r::email
                            .eq(EMAIL)
                            .or(r::name.eq(NAME))
                            .or(r::company.eq(COMPANY))
                            .or(r::answers.like(like(NAME))),
                    )
                    .count()
                    .get_result(c)?,
            ),
            (
                "newsletter_subscribers",
                subs::table
                    .filter(subs::email.eq(EMAIL).or(subs::name.eq(NAME)))
                    .count()
                    .get_result(c)?,
            ),
            (
                "newsletter_consent_events",
                events::table.count().get_result(c)?,
            ),
            (
                "newsletter_requests",
                newsletter_requests::table.count().get_result(c)?,
            ),
            (
                "matching_needs",
                matching_needs::table
                    .filter(matching_needs::created_by.eq(uid))
                    .count()
                    .get_result(c)?,
            ),
            (
                "matching_introductions",
                intro::table
                    .filter(intro::sme_user_id.eq(uid).or(intro::vendor_user_id.eq(uid)))
                    .count()
                    .get_result(c)?,
            ),
            (
                "audit_log",
                audit_log::table
                    .filter(
                        audit_log::actor_id
                            .eq(uid)
                            .or(audit_log::detail.like(like(EMAIL))),
                    )
                    .count()
                    .get_result(c)?,
            ),
        ];
        for marker in [EMAIL, NAME, COMPANY] {
            let n: i64 = outbox::table
                .filter(
                    outbox::recipient
                        .like(like(marker))
                        .or(outbox::recipient_name.like(like(marker)))
                        .or(outbox::body_text.like(like(marker)))
                        .or(outbox::body_html.like(like(marker)))
                        .or(outbox::headers.like(like(marker)))
                        .or(outbox::last_error.like(like(marker))),
                )
                .count()
                .get_result(c)?;
            found.push(("outbox", n));
        }
        // What stays of the person's mails is anonymous: no body, no link, no attachment.
        let kept: i64 = outbox::table
            .filter(outbox::recipient.like("%@erased.invalid"))
            .filter(
                outbox::body_text
                    .ne("")
                    .or(outbox::body_html.ne(""))
                    .or(outbox::attachments.ne("[]"))
                    .or(outbox::headers.ne("[]")),
            )
            .count()
            .get_result(c)?;
        found.push(("outbox content", kept));
        Ok::<_, diesel::result::Error>(found)
    })
    .await
}

#[tokio::test]
async fn deleting_an_account_erases_the_person_from_every_feature_and_the_outbox() {
    let (smtp, failing) = switchable().await;
    let app = spawn_app_with(&[], smtp).await;
    let me = app.sign_in(EMAIL, Role::Member).await;

    // A seminar registration (confirmation mail with the .ics and a personal link).
    let id = seminar(&app, data("online", 0, 10)).await;
    let res = app
        .post_form_from(
            &format!("/seminars/{id}"),
            &format!("/seminars/{id}/registrations"),
            &[
                ("name", NAME),
                ("email", EMAIL),
                ("company", COMPANY),
                ("prefecture", "40"),
                ("industry", "manufacturing"),
                ("employees", ""),
                ("mode", "online"),
                ("q_0", "EDR"),
                ("consent", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);

    // A confirmed newsletter subscription.
    let res = app
        .post_form_from(
            "/newsletter",
            "/newsletter/subscribe",
            &[
                ("email", EMAIL),
                ("name", NAME),
                ("company", COMPANY),
                ("topics", "events"),
                ("consent", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let mails = app
        .smtp
        .wait_for(2, std::time::Duration::from_secs(10))
        .await;
    let confirm = mails
        .iter()
        .find_map(|m| {
            let text = parsed(m).body_text(0)?.to_string();
            let at = text.find("/newsletter/confirm/")?;
            Some(text[at..].split_whitespace().next()?.to_string())
        })
        .expect("the newsletter confirmation");
    assert_eq!(
        app.post_form_from(&confirm, &confirm, &[]).await.status(),
        200
    );

    // A need on the board, and an introduction in which the person is the contact.
    let sme = org(&app, "sme", COMPANY).await;
    let token = member_token(&app, EMAIL, sme).await;
    let (status, need) = app
        .api(
            "POST",
            &token,
            "/api/v1/needs",
            Some(need_body(0, "バックアップの相談", "小さな事務所です")),
        )
        .await;
    assert_eq!(status, 201, "{need}");
    let need_id = need["id"].as_i64().unwrap();
    let vendor = org(&app, "vendor", "博多セキュリティ").await;
    let (_, offering) = app
        .api(
            "POST",
            &staff_token(&app).await,
            "/api/v1/offerings",
            Some(offering_body(vendor, "端末監視", 3000, &[40])),
        )
        .await;
    let offering_id = offering["id"].as_i64().unwrap();
    let uid = me.id;
    app.db(move |c| {
        let at = secunity::time::now_utc();
        diesel::insert_into(intro::table)
            .values((
                intro::need_id.eq(need_id),
                intro::offering_id.eq(offering_id),
                intro::requested_by.eq("sme"),
                intro::sme_user_id.eq(uid),
                intro::history.eq("[]"),
                intro::created_at.eq(at),
                intro::updated_at.eq(at),
            ))
            .execute(c)
    })
    .await;

    // A mail that fails for good, which staff see with the address.
    app.wait_outbox_drained().await;
    failing.store(true, Ordering::SeqCst);
    let res = app
        .post_form_from("/login", "/auth/email", &[("email", EMAIL)])
        .await;
    assert_eq!(res.status(), 303);
    app.wait_outbox_drained().await;
    assert!(as_staff(&app, "/staff/outbox").await.contains(EMAIL));

    // "My data" lists the mails sent to the person (what and when, no bodies).
    let data: Value = app.get("/account/data.json").await.json().await.unwrap();
    let mails = data["mails"].as_array().unwrap();
    assert!(mails.len() >= 3, "{mails:?}");
    assert!(mails.iter().any(|m| {
        m["status"] == "sent"
            && m["subject"]
                .as_str()
                .unwrap()
                .contains("参加申込を受け付けました")
    }));
    assert!(mails.iter().any(|m| m["status"] == "failed"));
    assert!(mails.iter().all(|m| m.get("body_text").is_none()));
    assert!(!data["mails"].to_string().contains("/registrations/"));
    assert_eq!(
        data["features"]["seminar_registrations"]["registrations"][0]["name"],
        NAME
    );

    // Before: the person is everywhere (the check sees them).
    let before = traces(&app, uid).await;
    assert!(
        before.iter().filter(|(_, n)| *n > 0).count() >= 8,
        "{before:?}"
    );

    let res = app
        .post_form_from("/account/delete", "/account/delete", &[("confirm", "1")])
        .await;
    assert_eq!(res.status(), 200);

    let after = traces(&app, uid).await;
    assert!(after.iter().all(|(_, n)| *n == 0), "{after:?}");
    // The board post and the seminar's counts stay, anonymous.
    let (posts, registrations): (i64, i64) = app
        .db(move |c| {
            Ok::<_, diesel::result::Error>((
                matching_needs::table.find(need_id).count().get_result(c)?,
                r::table
                    .filter(r::seminar_id.eq(id))
                    .count()
                    .get_result(c)?,
            ))
        })
        .await;
    assert_eq!((posts, registrations), (1, 1));
    // Staff no longer see the address, on the page or in the API.
    assert!(!as_staff(&app, "/staff/outbox").await.contains(EMAIL));
    let (_, staff) = app.api_token("api-desk@example.jp", Role::Staff).await;
    let api_outbox = reqwest::Client::new()
        .get(app.url("/api/v1/outbox"))
        .bearer_auth(staff)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!api_outbox.contains(EMAIL), "{api_outbox}");
}

#[tokio::test]
async fn removing_a_subscriber_forgets_them_in_the_newsletter_mails_only() {
    let (smtp, failing) = switchable().await;
    let app = spawn_app_with(&[], smtp).await;
    let (_, token) = app.api_token("desk@example.jp", Role::Staff).await;
    // A seminar registration whose confirmation went out, then a campaign that failed.
    let id = seminar(&app, data("online", 0, 10)).await;
    crate::seminars::personal_link(&app, id, EMAIL, "online").await;
    crate::newsletter::seed(&app, vec![(EMAIL.into(), "active", vec!["events".into()])]).await;
    failing.store(true, Ordering::SeqCst);
    crate::newsletter::create_and_send(&app, &token, "お知らせ", "本文", &["events"]).await;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    while !as_staff(&app, "/staff/outbox").await.contains(EMAIL) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the campaign mail did not fail"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    app.wait_outbox_drained().await;

    let sid: i64 = app
        .db(|c| {
            subs::table
                .filter(subs::email.eq(EMAIL))
                .select(subs::id)
                .first(c)
        })
        .await;
    let res = reqwest::Client::new()
        .delete(app.url(&format!("/api/v1/subscribers/{sid}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert!(!as_staff(&app, "/staff/outbox").await.contains(EMAIL));
    let left: Vec<(String, String)> = app
        .db(|c| {
            outbox::table
                .filter(outbox::recipient.eq(EMAIL))
                .select((outbox::kind, outbox::status))
                .load(c)
        })
        .await;
    // The registration's confirmation stays with the registration.
    assert_eq!(left, [("transactional".to_string(), "sent".to_string())]);
}
