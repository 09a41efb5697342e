//! The public pages served from memory are never stale: the seats on the list and on a
//! seminar's page, a staff edit, publication or cancellation, and an approved board post show
//! on the very next request, also when the write went through another `secunity serve` process
//! on the same database. The control runs the two processes with the content version switched
//! off (`SECUNITY_TEST_NO_CONTENT_VERSION`, a seam that exists only in test builds) and must
//! see the stale page.
//!
//! Every page is fetched twice before a write, so that it is certainly kept in memory when the
//! write happens.

use diesel::prelude::*;
use secunity::accounts::Role;
use secunity::schema::matching_needs;
use serde_json::json;

use crate::matching::{member_token, need_body, org};
use crate::seminars::{data, form, seminar};
use crate::support::process::{self, Service};
use crate::support::smtp::SmtpServer;
use crate::support::{TestApp, spawn_app, spawn_app_with};

/// The switch of the test seam that never reads the content version.
const NO_CONTENT_VERSION: (&str, &str) = ("SECUNITY_TEST_NO_CONTENT_VERSION", "1");

/// A client without cookies: a visitor who is not signed in.
fn visitor() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client")
}

/// `GET base + path` as `client`; the body (the page must answer 200).
async fn page(client: &reqwest::Client, base: &str, path: &str) -> String {
    let res = client
        .get(format!("{base}{path}"))
        .send()
        .await
        .expect("GET");
    assert_eq!(res.status(), 200, "GET {path}");
    res.text().await.expect("a page")
}

/// The seats a page shows for the seminar linked as `/seminars/{id}` (the list) or on its own
/// page: the text of the first `class="seats"` element after `anchor`.
fn seats_after(body: &str, anchor: &str) -> String {
    let from = body
        .find(anchor)
        .unwrap_or_else(|| panic!("{anchor} is on the page"));
    let rest = &body[from..];
    let at = rest.find("class=\"seats\">").expect("the seats are shown") + 14;
    rest[at..at + rest[at..].find('<').expect("the end of the seats")].to_string()
}

/// The seats on the list and on the seminar's page, each fetched twice (the second is served
/// from memory) and the same both times.
async fn seats_shown(client: &reqwest::Client, base: &str, id: i64) -> (String, String) {
    let anchor = format!("href=\"/seminars/{id}\"");
    let mut seen = Vec::new();
    for _ in 0..2 {
        let list = page(client, base, "/seminars").await;
        let own = page(client, base, &format!("/seminars/{id}")).await;
        seen.push((seats_after(&list, &anchor), seats_after(&own, "<h1")));
    }
    assert_eq!(seen[0], seen[1], "the same page twice without a write");
    seen.remove(0)
}

#[tokio::test]
async fn each_registration_changes_the_seats_on_the_list_and_the_page_at_once() {
    let app = spawn_app().await;
    let id = seminar(&app, data("onsite", 3, 0)).await;
    let visitor = visitor();
    let (list, own) = seats_shown(&visitor, &app.base, id).await;
    assert!(list.contains("残り3席"), "{list}");
    assert!(own.contains("残り3席"), "{own}");
    for (n, left) in [(1, "残り2席"), (2, "残り1席"), (3, "満席")] {
        let email = format!("seat{n}@example.jp");
        let res = app
            .post_form_from(
                &format!("/seminars/{id}"),
                &format!("/seminars/{id}/registrations"),
                &form(&email, "onsite"),
            )
            .await;
        assert_eq!(res.status(), 303, "registration {n}");
        let (list, own) = seats_shown(&visitor, &app.base, id).await;
        assert!(list.contains(left), "after {n}: {list}");
        assert!(own.contains(left), "after {n}: {own}");
    }
    // The English pages are kept apart and are as current.
    let en = visitor
        .get(app.url(&format!("/seminars/{id}")))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(seats_after(&en, "<h1").contains("full"), "{en}");
}

#[tokio::test]
async fn a_kept_seminar_page_gives_every_visitor_a_token_of_their_own() {
    let app = spawn_app().await;
    let id = seminar(&app, data("onsite", 5, 0)).await;
    let path = format!("/seminars/{id}");
    let first = page(&visitor(), &app.base, &path).await;
    let second = page(&visitor(), &app.base, &path).await;
    let (a, b) = (
        crate::support::app::extract_csrf(&first).expect("a token"),
        crate::support::app::extract_csrf(&second).expect("a token"),
    );
    assert_ne!(a, b, "each response masks its own token");
    assert!(!first.contains("csrf-placeholder"), "no placeholder leaks");
    // A visitor registers with the token of a page served from memory.
    let res = app
        .post_form_from(
            &path,
            &format!("{path}/registrations"),
            &form("own@example.jp", "onsite"),
        )
        .await;
    assert_eq!(res.status(), 303);
}

#[tokio::test]
async fn staff_publishing_editing_and_calling_off_show_at_once() {
    let app = spawn_app().await;
    let id = app
        .db(|c| {
            secunity::seminars::queries::create(
                c,
                &data("onsite", 10, 0),
                false,
                secunity::time::now_utc(),
            )
        })
        .await;
    let visitor = visitor();
    let seminar_path = format!("/seminars/{id}");
    let anchor = format!("href=\"{seminar_path}\"");
    for _ in 0..2 {
        assert!(
            !page(&visitor, &app.base, "/seminars")
                .await
                .contains(&anchor)
        );
        let res = visitor.get(app.url(&seminar_path)).send().await.unwrap();
        assert_eq!(res.status(), 404, "a draft is not public");
    }

    app.sign_in("staff@example.jp", Role::Staff).await;
    let res = app
        .post_form_from(
            &format!("/staff/seminars/{id}"),
            &format!("/staff/seminars/{id}/publish"),
            &[("from", "seminar")],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert!(
        page(&visitor, &app.base, "/seminars")
            .await
            .contains(&anchor)
    );
    assert!(page(&visitor, &app.base, "/").await.contains(&anchor));
    for _ in 0..2 {
        assert!(
            page(&visitor, &app.base, &seminar_path)
                .await
                .contains("中小製造業向け体験型演習")
        );
    }

    let (_, token) = app.api_token("api-staff@example.jp", Role::Staff).await;
    let res = app
        .client
        .patch(app.url(&format!("/api/v1/seminars/{id}")))
        .bearer_auth(&token)
        .json(&json!({"title": "工場のランサムウェア対策演習"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    assert!(
        page(&visitor, &app.base, &seminar_path)
            .await
            .contains("工場のランサムウェア対策演習")
    );
    assert!(
        page(&visitor, &app.base, "/seminars")
            .await
            .contains("工場のランサムウェア対策演習")
    );
    assert!(
        page(&visitor, &app.base, "/")
            .await
            .contains("工場のランサムウェア対策演習")
    );

    let res = app
        .post_form_from(
            &format!("/staff/seminars/{id}/cancel"),
            &format!("/staff/seminars/{id}/cancel"),
            &[("confirm", "1")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let own = page(&visitor, &app.base, &seminar_path).await;
    assert!(own.contains("cancelled-banner"), "{own}");
}

#[tokio::test]
async fn an_approved_board_post_shows_on_the_board_at_once() {
    let app = spawn_app().await;
    let sme = org(&app, "sme", "株式会社ひまわり薬局").await;
    let member = member_token(&app, "sme@example.jp", sme).await;
    let (status, need) = app
        .api(
            "POST",
            &member,
            "/api/v1/needs",
            Some(need_body(
                sme,
                "端末監視とバックアップを検討",
                "調剤薬局で10台のPCがあります。",
            )),
        )
        .await;
    assert_eq!(status, 201, "{need}");
    let id = need["id"].as_i64().expect("an id");
    // Submitted for review (a draft from the API).
    app.db(move |c| {
        diesel::update(matching_needs::table.find(id))
            .set(matching_needs::status.eq("in_review"))
            .execute(c)
    })
    .await;
    let visitor = visitor();
    for _ in 0..2 {
        assert!(
            !page(&visitor, &app.base, "/board")
                .await
                .contains("端末監視とバックアップを検討")
        );
    }
    app.sign_in("staff@example.jp", Role::Staff).await;
    let res = app
        .post_form_from(
            "/staff/board",
            &format!("/staff/board/needs/{id}/approve"),
            &[],
        )
        .await;
    assert_eq!(res.status(), 303);
    for _ in 0..2 {
        assert!(
            page(&visitor, &app.base, "/board")
                .await
                .contains("端末監視とバックアップを検討")
        );
    }
    // Signed in, the board is the member's own (its links), not the kept one.
    let board = page(&app.client, &app.base, "/board").await;
    assert!(board.contains("端末監視とバックアップを検討"));
}

/// Two `serve` processes on one database, both with `settings`, and a seminar of 5 seats.
async fn two_processes(settings: &[(&str, &str)]) -> (TestApp, i64, Service, Service) {
    let app = spawn_app_with(&[("WORKERS", "off")], SmtpServer::start().await).await;
    let id = seminar(&app, data("onsite", 5, 0)).await;
    let (a, b) = tokio::join!(
        process::serve(&app, settings),
        process::serve(&app, settings)
    );
    (app, id, a, b)
}

/// Registers `n` people through `through` one after the other and returns what `other`
/// showed after each (list, page); before each registration `other` shows its pages twice, so
/// that they are kept.
async fn registrations_seen_elsewhere(
    id: i64,
    through: &Service,
    other: &Service,
    n: usize,
) -> Vec<(String, String)> {
    let visitor = visitor();
    let mut seen = Vec::new();
    for i in 0..n {
        seats_shown(&visitor, &other.base, id).await;
        let path = format!("/seminars/{id}");
        let email = format!("elsewhere{i}@example.jp");
        let status = through
            .post_form_from(
                &path,
                &format!("{path}/registrations"),
                &form(&email, "onsite"),
            )
            .await;
        assert_eq!(status, 303, "registration {i}");
        seen.push(seats_shown(&visitor, &other.base, id).await);
    }
    seen
}

/// What the other process must show after 1, 2 and 3 registrations of 5 seats.
fn current(seen: &[(String, String)]) -> bool {
    ["残り4席", "残り3席", "残り2席"]
        .iter()
        .zip(seen)
        .all(|(left, (list, own))| list.contains(left) && own.contains(left))
}

#[tokio::test]
async fn a_registration_through_one_process_shows_on_the_other_at_once() {
    let (_app, id, a, b) = two_processes(&[]).await;
    let seen = registrations_seen_elsewhere(id, &a, &b, 3).await;
    assert!(current(&seen), "the other process showed {seen:?}");
}

#[tokio::test]
async fn control_without_the_content_version_the_other_process_shows_stale_seats() {
    let (_app, id, a, b) = two_processes(&[NO_CONTENT_VERSION]).await;
    let seen = registrations_seen_elsewhere(id, &a, &b, 3).await;
    assert!(
        !current(&seen),
        "the control must see a stale page: {seen:?}"
    );
    assert!(
        seen.iter()
            .all(|(list, own)| list.contains("残り5席") && own.contains("残り5席")),
        "the kept pages never change: {seen:?}"
    );
}

/// `GET path` taking gzip as a browser does: whether the answer came compressed, and the page.
async fn page_gzip(client: &reqwest::Client, base: &str, path: &str) -> (bool, String) {
    use std::io::Read;
    let res = client
        .get(format!("{base}{path}"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("GET");
    assert_eq!(res.status(), 200, "GET {path}");
    let gzip = res
        .headers()
        .get("content-encoding")
        .is_some_and(|v| v == "gzip");
    let bytes = res.bytes().await.expect("a body");
    if !gzip {
        return (false, String::from_utf8(bytes.to_vec()).expect("UTF-8"));
    }
    let mut html = String::new();
    flate2::read::GzDecoder::new(&bytes[..])
        .read_to_string(&mut html)
        .expect("gzip that decodes");
    (true, html)
}

#[tokio::test]
async fn the_compressed_list_kept_for_browsers_is_as_current_as_the_page() {
    let app = spawn_app().await;
    let id = seminar(&app, data("onsite", 2, 0)).await;
    let visitor = visitor();
    let anchor = format!("href=\"/seminars/{id}\"");
    for _ in 0..2 {
        let (gzip, list) = page_gzip(&visitor, &app.base, "/seminars").await;
        assert!(gzip, "the list comes compressed");
        assert!(seats_after(&list, &anchor).contains("残り2席"), "{list}");
        // The same page as without compression.
        assert_eq!(list, page(&visitor, &app.base, "/seminars").await);
    }
    let res = app
        .post_form_from(
            &format!("/seminars/{id}"),
            &format!("/seminars/{id}/registrations"),
            &form("gzip@example.jp", "onsite"),
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, list) = page_gzip(&visitor, &app.base, "/seminars").await;
    assert!(seats_after(&list, &anchor).contains("残り1席"), "{list}");
    // A page with a form (its own token) is compressed per response, and still current.
    let (_, own) = page_gzip(&visitor, &app.base, &format!("/seminars/{id}")).await;
    assert!(seats_after(&own, "<h1").contains("残り1席"), "{own}");
    assert!(crate::support::app::extract_csrf(&own).is_some());
}
