//! The board's suggestions come from offerings held in memory (src/matching/index.rs): they
//! must follow every change at once, also one made through another process on the same
//! database, and when time alone ends an offering's life.

use diesel::prelude::*;
use secunity::schema::matching_offerings;
use serde_json::Value;

use crate::matching::{need_body, offering_body, org, staff_token};
use crate::support::process::{self, Service};
use crate::support::{TestApp, spawn_app};

/// The ids of a need's suggestions, asked of another `serve` process.
async fn suggested_by(service: &Service, token: &str, need: i64) -> Vec<i64> {
    let res = service
        .client
        .get(format!("{}/api/v1/needs/{need}/suggestions", service.base))
        .bearer_auth(token)
        .send()
        .await
        .expect("the other process answers");
    assert_eq!(res.status(), 200);
    ids(&res.json::<Value>().await.expect("JSON"))
}

fn ids(list: &Value) -> Vec<i64> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|s| s["offering_id"].as_i64().expect("an id"))
        .collect()
}

/// A need and one offering that suits it; (staff token, vendor, need, offering).
async fn board(app: &TestApp) -> (String, i64, i64, i64) {
    let staff = staff_token(app).await;
    let sme = org(app, "sme", "株式会社テスト").await;
    let vendor = org(app, "vendor", "ベンダー株式会社").await;
    let (_, need) = app
        .api(
            "POST",
            &staff,
            "/api/v1/needs",
            Some(need_body(sme, "医療端末の監視", "説明")),
        )
        .await;
    let (_, off) = app
        .api(
            "POST",
            &staff,
            "/api/v1/offerings",
            Some(offering_body(vendor, "医療向け監視サービス", 4000, &[40])),
        )
        .await;
    (
        staff,
        vendor,
        need["id"].as_i64().expect("need"),
        off["id"].as_i64().expect("offering"),
    )
}

/// Posts a second offering through this process while `other` holds the board in memory;
/// what `other` suggests right after.
async fn second_offering_seen_by(app: &TestApp, other: &Service) -> (Vec<i64>, Vec<i64>, i64) {
    let (staff, vendor, need, first) = board(app).await;
    let before = suggested_by(other, &staff, need).await;
    assert_eq!(
        before,
        vec![first],
        "the other process ranks the first offering"
    );
    let (status, off) = app
        .api(
            "POST",
            &staff,
            "/api/v1/offerings",
            Some(offering_body(vendor, "もっと安い監視サービス", 1000, &[40])),
        )
        .await;
    assert_eq!(status, 201);
    let after = suggested_by(other, &staff, need).await;
    (before, after, off["id"].as_i64().expect("offering"))
}

#[tokio::test]
async fn an_offering_posted_through_one_process_is_suggested_by_another_at_once() {
    let app = spawn_app().await;
    let other = process::serve(&app, &[]).await;
    let (_, after, second) = second_offering_seen_by(&app, &other).await;
    assert!(
        after.contains(&second),
        "the new offering is suggested on the very next request: {after:?}"
    );
}

/// The control: with the content version switched off (the index is never renewed), the
/// same steps leave the other process suggesting what it held, so the test above would catch
/// a stale index.
#[tokio::test]
async fn control_without_the_content_version_the_other_process_stays_stale() {
    let app = spawn_app().await;
    let other = process::serve(&app, &[("SECUNITY_TEST_NO_CONTENT_VERSION", "1")]).await;
    let (before, after, second) = second_offering_seen_by(&app, &other).await;
    assert!(!after.contains(&second), "stale as expected: {after:?}");
    assert_eq!(before, after);
}

#[tokio::test]
async fn an_offering_leaves_the_suggestions_when_its_time_runs_out_without_any_write() {
    let app = spawn_app().await;
    let (staff, _, need, offering) = board(&app).await;
    // Its reconfirmation is due in two seconds (a write: the index reloads and learns when
    // the offering stops being live).
    let due = chrono::Utc::now().naive_utc() + chrono::Duration::seconds(2);
    app.db(move |c| {
        diesel::update(matching_offerings::table.find(offering))
            .set(matching_offerings::reconfirm_by.eq(due))
            .execute(c)
    })
    .await;
    let path = format!("/api/v1/needs/{need}/suggestions");
    assert_eq!(
        ids(&app.api("GET", &staff, &path, None).await.1),
        vec![offering]
    );
    tokio::time::sleep(std::time::Duration::from_millis(2_500)).await;
    // Nothing was written since: time alone ends it.
    assert_eq!(
        ids(&app.api("GET", &staff, &path, None).await.1),
        Vec::<i64>::new()
    );
}

#[tokio::test]
async fn a_closed_offering_and_a_reranked_one_show_on_the_next_request() {
    let app = spawn_app().await;
    let (staff, vendor, need, first) = board(&app).await;
    let path = format!("/api/v1/needs/{need}/suggestions");
    let (_, cheaper) = app
        .api(
            "POST",
            &staff,
            "/api/v1/offerings",
            Some(offering_body(vendor, "安い監視サービス", 500, &[40])),
        )
        .await;
    let cheaper = cheaper["id"].as_i64().expect("offering");
    let ranked = ids(&app.api("GET", &staff, &path, None).await.1);
    assert_eq!(ranked.len(), 2);
    // The vendor closes the first offering: gone at once.
    app.db(move |c| {
        diesel::update(matching_offerings::table.find(first))
            .set(matching_offerings::status.eq("closed"))
            .execute(c)
    })
    .await;
    assert_eq!(
        ids(&app.api("GET", &staff, &path, None).await.1),
        vec![cheaper]
    );
}
