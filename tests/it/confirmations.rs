//! Actions that mail many people go through a confirmation page that says exactly what will
//! happen; a POST without the confirmation answers that page and changes nothing; the result is
//! announced on the next page.

use chrono::Days;
use secunity::accounts::Role;
use secunity::registrations::queries as rq;
use serde_json::json;

use crate::seminar_scale::person;
use crate::seminars::{data, now, seminar};
use crate::support::{TestApp, spawn_app};

async fn mails_queued(app: &TestApp) -> i64 {
    use diesel::prelude::*;
    app.db(|c| secunity::schema::outbox::table.count().get_result::<i64>(c))
        .await
}

async fn seminar_status(app: &TestApp, id: i64) -> String {
    app.db(move |c| secunity::seminars::queries::find(c, id))
        .await
        .status
        .to_string()
}

#[tokio::test]
async fn calling_a_seminar_off_asks_first_says_who_is_mailed_and_reports_the_result() {
    let app = spawn_app().await;
    let id = seminar(&app, data("hybrid", 1, 10)).await;
    let notifier = secunity::registrations::mail::Notifier::of(&app.state);
    app.db(move |c| {
        use secunity::seminars::model::Mode;
        for (email, mode) in [
            ("a@example.jp", Mode::Onsite),
            ("b@example.jp", Mode::Online),
            ("c@example.jp", Mode::Onsite),
        ] {
            rq::register(c, &notifier, id, &person(email, mode), now())?;
        }
        Ok::<_, secunity::error::AppError>(())
    })
    .await;
    app.sign_in("desk@example.jp", Role::Staff).await;
    let page = format!("/staff/seminars/{id}");
    let (_, staff_page) = app.get_text(&page).await;
    assert!(
        staff_page.contains("公開中"),
        "the page says it is published"
    );
    assert!(
        staff_page.contains(&format!("href=\"{page}/cancel\"")),
        "the cancel button leads to the confirmation page"
    );
    assert!(
        !staff_page.contains(&format!("action=\"{page}/cancel\"")),
        "no one-click cancel form"
    );

    let (status, confirm) = app.get_text(&format!("{page}/cancel")).await;
    assert_eq!(status, 200);
    assert!(confirm.contains("セミナーを中止しますか"), "{confirm}");
    assert!(
        confirm.contains("申込者 3 名(参加確定 2 名、キャンセル待ち・抽選待ち 1 名)"),
        "{confirm}"
    );
    assert!(confirm.contains("name=\"confirm\" value=\"1\""));

    // A POST without the confirmation is the confirmation page again, and nothing happens.
    let queued = mails_queued(&app).await;
    let res = app
        .post_form_from(&page, &format!("{page}/cancel"), &[])
        .await;
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.text().await.unwrap().contains("申込者 3 名"));
    assert_eq!(seminar_status(&app, id).await, "published");
    assert_eq!(mails_queued(&app).await, queued, "nobody mailed yet");

    let res = app
        .post_form_from(&page, &format!("{page}/cancel"), &[("confirm", "1")])
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with(&page), "{location}");
    assert_eq!(seminar_status(&app, id).await, "cancelled");
    assert_eq!(mails_queued(&app).await, queued + 3, "the three told");
    let (_, after) = app.get_text(&location).await;
    assert!(
        after.contains("セミナーを中止しました。申込者 3 名にお知らせを送ります。"),
        "{after}"
    );
    assert!(after.contains("このセミナーは中止されました。"));
    assert!(!after.contains(&format!("href=\"{page}/cancel\"")));

    // Again: refused, nobody told twice.
    let res = app
        .post_form_from(&page, &format!("{page}/cancel"), &[("confirm", "1")])
        .await;
    assert_eq!(res.status().as_u16(), 409);
    assert_eq!(mails_queued(&app).await, queued + 3);
}

#[tokio::test]
async fn a_seminar_that_has_begun_offers_no_cancel_and_refuses_one() {
    let app = spawn_app().await;
    let mut past = data("online", 0, 10);
    past.starts_at = now() - Days::new(2);
    past.ends_at = past.starts_at + chrono::Duration::hours(2);
    past.registration_closes_at = past.starts_at - Days::new(1);
    let id = seminar(&app, past).await;
    app.sign_in("desk@example.jp", Role::Staff).await;
    let page = format!("/staff/seminars/{id}");
    let (_, staff_page) = app.get_text(&page).await;
    assert!(!staff_page.contains(&format!("href=\"{page}/cancel\"")));
    let (status, confirm) = app.get_text(&format!("{page}/cancel")).await;
    assert_eq!(status, 200);
    assert!(confirm.contains("開始時刻を過ぎたセミナーは中止できません。"));
    assert!(!confirm.contains("name=\"confirm\""), "no final button");
    let res = app
        .post_form_from(&page, &format!("{page}/cancel"), &[("confirm", "1")])
        .await;
    assert_eq!(res.status().as_u16(), 409);
    assert!(res.text().await.unwrap().contains("開始時刻を過ぎた"));
    assert_eq!(seminar_status(&app, id).await, "published");
}

#[tokio::test]
async fn a_draft_says_so_and_is_published_from_its_own_page() {
    let app = spawn_app().await;
    let d = data("online", 0, 10);
    let id = app
        .db(move |c| secunity::seminars::queries::create(c, &d, false, now()))
        .await;
    app.sign_in("desk@example.jp", Role::Staff).await;
    let page = format!("/staff/seminars/{id}");
    let (_, staff_page) = app.get_text(&page).await;
    assert!(staff_page.contains("下書き"));
    assert!(staff_page.contains("公開するまで一般には表示されず"));
    assert!(staff_page.contains(&format!("action=\"{page}/publish\"")));
    let res = app
        .post_form_from(&page, &format!("{page}/publish"), &[("from", "seminar")])
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let (_, after) = app.get_text(&location).await;
    assert!(after.contains("セミナーを公開しました。"));
    assert!(after.contains("公開中"));
    assert!(!after.contains(&format!("action=\"{page}/publish\"")));
}

#[tokio::test]
async fn sending_a_campaign_says_how_many_subscribers_of_which_topic_first() {
    let app = spawn_app().await;
    let (_, token) = app.api_token("editor@example.jp", Role::Staff).await;
    for (email, topics) in [
        ("s1@example.jp", vec!["subsidies"]),
        ("s2@example.jp", vec!["subsidies", "events"]),
        ("s3@example.jp", vec!["subsidies"]),
        ("e1@example.jp", vec!["events"]),
    ] {
        let (status, body) = app
            .api(
                "POST",
                &token,
                "/api/v1/subscribers",
                Some(
                    json!({"email": email, "name": "九州 花子", "topics": topics,
                "confirmed": true, "consent_source": "2026年11月 福岡セミナー"}),
                ),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let (status, created) = app.api("POST", &token, "/api/v1/campaigns",
        Some(
            json!({"subject": "公募のお知らせ", "body_markdown": "本文", "topics": ["subsidies"]}),
        ),
    )
    .await;
    assert_eq!(status, 201);
    let id = created["id"].as_i64().unwrap();
    app.sign_in("desk@example.jp", Role::Staff).await;
    let page = format!("/staff/newsletter/campaigns/{id}");
    let (_, campaign) = app.get_text(&page).await;
    assert!(
        campaign.contains("<dt>配信対象(現時点)</dt><dd>3</dd>"),
        "the audience before sending is whom the topics reach now: {campaign}"
    );

    let res = app
        .post_form_from(&page, &format!("{page}/send"), &[])
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let confirm = res.text().await.unwrap();
    assert!(
        confirm.contains("「補助金・公募情報」の購読者 3 名に配信します。"),
        "{confirm}"
    );
    assert!(confirm.contains("公募のお知らせ"));
    let (_, shown) = app
        .api("GET", &token, &format!("/api/v1/campaigns/{id}"), None)
        .await;
    assert_eq!(
        shown["status"], "draft",
        "nothing sent without the confirmation"
    );

    // Scheduling asks too, and carries the time to the final button.
    let res = app
        .post_form_from(
            &page,
            &format!("{page}/send"),
            &[("scheduled_at", "2099-01-05T10:00")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let confirm = res.text().await.unwrap();
    assert!(confirm.contains("2099"), "{confirm}");
    assert!(confirm.contains("name=\"scheduled_at\" value=\"2099-01-05T10:00\""));

    let res = app
        .post_form_from(&page, &format!("{page}/send"), &[("confirm", "1")])
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let (_, after) = app.get_text(&location).await;
    assert!(after.contains("配信を開始しました。"));
    assert!(after.contains("<dt>配信対象</dt><dd>3</dd>"), "{after}");
}

#[tokio::test]
async fn a_campaign_that_reaches_nobody_cannot_be_sent() {
    let app = spawn_app().await;
    let (_, token) = app.api_token("editor@example.jp", Role::Staff).await;
    let (_, created) = app
        .api(
            "POST",
            &token,
            "/api/v1/campaigns",
            Some(json!({"subject": "注意喚起", "body_markdown": "本文", "topics": ["alerts"]})),
        )
        .await;
    let id = created["id"].as_i64().unwrap();
    app.sign_in("desk@example.jp", Role::Staff).await;
    let page = format!("/staff/newsletter/campaigns/{id}");
    let res = app
        .post_form_from(&page, &format!("{page}/send"), &[])
        .await;
    let confirm = res.text().await.unwrap();
    assert!(
        confirm.contains("購読者がいないため、配信できません"),
        "{confirm}"
    );
    assert!(!confirm.contains("name=\"confirm\""));
}

async fn is_active(app: &TestApp, id: i64) -> bool {
    app.db(move |c| secunity::accounts::queries::find_user(c, id))
        .await
        .active
}

#[tokio::test]
async fn deactivating_an_account_asks_first_and_says_what_it_does() {
    let app = spawn_app().await;
    let member = app
        .db(|c| {
            secunity::accounts::queries::upsert_with_role(
                c,
                "member@example.jp",
                Some("博多 次郎"),
                Role::Member,
            )
        })
        .await;
    let me = app.sign_in("desk@example.jp", Role::Staff).await;
    let confirm = format!("/staff/users/{}/deactivate", member.id);
    let (_, users) = app.get_text("/staff/users").await;
    assert!(users.contains(&format!("href=\"{confirm}\"")), "{users}");
    assert!(
        !users.contains(&format!("action=\"{confirm}\"")),
        "no one-click form"
    );

    let (status, page) = app.get_text(&confirm).await;
    assert_eq!(status, 200);
    assert!(page.contains("このアカウントの利用を停止しますか"));
    assert!(page.contains("博多 次郎 &lt;member@example.jp&gt;"));
    assert!(page.contains("この人はログインできなくなります。"));
    assert!(page.contains("name=\"confirm\" value=\"1\""));
    // A POST without the final button answers the same page and changes nothing.
    let res = app.post_form_from("/staff/users", &confirm, &[]).await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("利用を停止する"));
    assert!(is_active(&app, member.id).await);

    let res = app
        .post_form_from("/staff/users", &confirm, &[("confirm", "1")])
        .await;
    assert_eq!(res.status(), 303);
    let to = res.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(to, "/staff/users?done=deactivated");
    let (_, after) = app.get_text(&to).await;
    assert!(after.contains("利用を停止しました。"));
    assert!(!is_active(&app, member.id).await);
    // Done once: the page now says so and offers no button; one's own account never.
    let (_, again) = app.get_text(&confirm).await;
    assert!(again.contains("すでに利用を停止しています"));
    assert!(!again.contains("name=\"confirm\""));
    let (_, own) = app
        .get_text(&format!("/staff/users/{}/deactivate", me.id))
        .await;
    assert!(!own.contains("name=\"confirm\""));
    let res = app
        .post_form_from(
            "/staff/users",
            &format!("/staff/users/{}/deactivate", me.id),
            &[("confirm", "1")],
        )
        .await;
    assert_eq!(res.status(), 409);
}

#[tokio::test]
async fn a_manual_unsubscribe_asks_first_and_says_what_it_does() {
    let app = spawn_app().await;
    crate::newsletter::seed(
        &app,
        vec![("sato@example.jp".into(), "active", vec!["events".into()])],
    )
    .await;
    let id = app
        .db(|c| secunity::newsletter::queries::find_by_email(c, "sato@example.jp"))
        .await
        .unwrap()
        .id;
    app.sign_in("desk@example.jp", Role::Staff).await;
    let detail = format!("/staff/newsletter/subscribers/{id}");
    let confirm = format!("{detail}/unsubscribe");
    let (_, page) = app.get_text(&detail).await;
    assert!(page.contains(&format!("href=\"{confirm}\"")));
    assert!(!page.contains(&format!("action=\"{confirm}\"")));
    let (status, ask) = app.get_text(&confirm).await;
    assert_eq!(status, 200);
    assert!(ask.contains("この登録者への配信を停止しますか"));
    assert!(ask.contains("sato@example.jp"));
    assert!(ask.contains("メールマガジンを送らなくなります"));
    let res = app.post_form_from(&detail, &confirm, &[]).await;
    assert_eq!(res.status(), 200);
    let status_now = || async {
        app.db(|c| secunity::newsletter::queries::find_by_email(c, "sato@example.jp"))
            .await
            .unwrap()
            .status
    };
    assert_eq!(status_now().await, "active");
    let res = app
        .post_form_from(&detail, &confirm, &[("confirm", "1")])
        .await;
    assert_eq!(res.status(), 303);
    let to = res.headers()["location"].to_str().unwrap().to_string();
    let (_, list) = app.get_text(&to).await;
    assert!(list.contains("配信を停止しました。"), "{list}");
    assert_eq!(status_now().await, "unsubscribed");
    let (_, again) = app.get_text(&confirm).await;
    assert!(again.contains("すでに停止しています"));
    assert!(!again.contains("name=\"confirm\""));
    let en = app
        .client
        .get(app.url(&confirm))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(en.contains("This subscriber is unsubscribed already."));
}
