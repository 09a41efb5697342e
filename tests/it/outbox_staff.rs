//! Failed mail is visible to staff: `/staff/outbox` and `GET /api/v1/outbox` list it with the
//! server's reply (each read audited, the API's too), retry puts it back in the queue, and a
//! campaign counts its failures.

use std::sync::atomic::Ordering;

use diesel::prelude::*;
use secunity::accounts::Role;
use secunity::schema::{audit_log, outbox};
use serde_json::Value;

use crate::newsletter::{create_and_send, seed};
use crate::support::smtp::switchable;
use crate::support::{TestApp, spawn_app_with};

async fn audit_entries(app: &TestApp, action: &'static str) -> Vec<String> {
    app.db(move |c| {
        audit_log::table
            .filter(audit_log::action.eq(action))
            .order(audit_log::id)
            .select(audit_log::detail)
            .load(c)
    })
    .await
}

async fn campaign(app: &TestApp, token: &str, id: i64) -> Value {
    let (status, c) = app
        .api("GET", token, &format!("/api/v1/campaigns/{id}"), None)
        .await;
    assert_eq!(status, 200);
    c
}

async fn retry(app: &TestApp, token: &str, id: i64) -> (u16, Value) {
    let path = format!("/api/v1/outbox/{id}/retry");
    app.api("POST", token, &path, None).await
}

#[tokio::test]
async fn failed_mail_is_listed_for_staff_audited_retried_and_counted_per_campaign() {
    let (smtp, failing) = switchable().await;
    let app = spawn_app_with(&[], smtp).await;
    let (_, token) = app.api_token("desk@example.jp", Role::Staff).await;
    seed(
        &app,
        vec![
            ("a@example.jp".into(), "active", vec!["events".into()]),
            ("b@example.jp".into(), "active", vec!["events".into()]),
        ],
    )
    .await;
    failing.store(true, Ordering::SeqCst);
    let id = create_and_send(&app, &token, "12月のお知らせ", "本文です。", &["events"]).await;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    while campaign(&app, &token, id).await["failed"] != 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the campaign did not fail"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    app.wait_outbox_drained().await;
    let c = campaign(&app, &token, id).await;
    assert_eq!(
        (c["failed"].as_i64(), c["sent"].as_i64()),
        (Some(2), Some(0)),
        "{c}"
    );

    // The API lists both with the server's reply, and the read is in the audit log.
    assert!(audit_entries(&app, "outbox.view_failed").await.is_empty());
    let (status, body) = app.api("GET", &token, "/api/v1/outbox", None).await;
    assert_eq!(status, 200);
    assert_eq!(body["counts"]["failed"], 2);
    let failed = body["failed"].as_array().unwrap();
    let mut recipients: Vec<&str> = failed
        .iter()
        .map(|f| f["recipient"].as_str().unwrap())
        .collect();
    recipients.sort_unstable();
    assert_eq!(recipients, ["a@example.jp", "b@example.jp"]);
    assert!(
        failed
            .iter()
            .all(|f| f["last_error"].as_str().unwrap().contains("550"))
    );
    let reads = audit_entries(&app, "outbox.view_failed").await;
    assert_eq!(reads.len(), 1);
    assert!(reads[0].contains("\"via\":\"api\"") && reads[0].contains("\"rows\":2"));

    // The page shows them too, with a retry button, and is audited as well.
    app.sign_in("desk@example.jp", Role::Staff).await;
    let (status, page) = app.get_text("/staff/outbox").await;
    assert_eq!(status, 200);
    assert!(page.contains("a@example.jp") && page.contains("b@example.jp"));
    assert!(page.contains("550"));
    assert!(page.contains("/retry"));
    assert_eq!(audit_entries(&app, "outbox.view_failed").await.len(), 2);

    // The receiving server is fixed: one is retried through the API, one from the page.
    failing.store(false, Ordering::SeqCst);
    let ids: Vec<i64> = failed.iter().map(|f| f["id"].as_i64().unwrap()).collect();
    let (status, retried) = retry(&app, &token, ids[0]).await;
    assert_eq!(status, 200);
    assert_eq!(retried["status"], "queued");
    let res = app
        .post_form_from(
            "/staff/outbox",
            &format!("/staff/outbox/{}/retry", ids[1]),
            &[],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/staff/outbox?done=retried");
    app.wait_outbox_drained().await;
    let c = campaign(&app, &token, id).await;
    assert_eq!(
        (c["failed"].as_i64(), c["sent"].as_i64()),
        (Some(0), Some(2)),
        "{c}"
    );
    assert_eq!(app.smtp.accepted(), 2);
    assert_eq!(audit_entries(&app, "outbox.retry").await.len(), 2);
    // A sent message cannot be retried; the list is empty and says so.
    let (status, _) = retry(&app, &token, ids[0]).await;
    assert_eq!(status, 404);
    let (_, body) = app.api("GET", &token, "/api/v1/outbox", None).await;
    assert_eq!(body["failed"], serde_json::json!([]));
    let sent: i64 = app
        .db(|c| {
            outbox::table
                .filter(outbox::status.eq("sent"))
                .count()
                .get_result(c)
        })
        .await;
    assert_eq!(sent, 2);
}
