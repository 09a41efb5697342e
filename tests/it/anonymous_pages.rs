//! A visitor who is not signed in and is served pages kept in memory: a page without a form
//! costs them no cookie and the server no stored state (no session row, no CSRF seed); a page
//! with a form gives them a seed cookie and a token of their own, and every state-changing
//! form still needs both, matching.

use diesel::prelude::*;
use secunity::schema::{registrations, sessions};

use crate::seminars::{data, form, seminar};
use crate::support::app::extract_csrf;
use crate::support::{TestApp, spawn_app};

/// A client without cookies: a visitor who is not signed in.
fn visitor() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client")
}

/// `GET path` as a new visitor: status, the cookies set (`name=value`) and the body.
async fn visit(app: &TestApp, path: &str) -> (u16, Vec<String>, String) {
    let res = visitor().get(app.url(path)).send().await.expect("GET");
    let status = res.status().as_u16();
    let cookies = res
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .map(str::to_string)
        .collect();
    (status, cookies, res.text().await.expect("a body"))
}

async fn session_rows(app: &TestApp) -> i64 {
    app.db(|c| sessions::table.count().get_result::<i64>(c))
        .await
}

async fn registration_rows(app: &TestApp, id: i64) -> i64 {
    app.db(move |c| {
        registrations::table
            .filter(registrations::seminar_id.eq(id))
            .count()
            .get_result::<i64>(c)
    })
    .await
}

#[tokio::test]
async fn pages_without_a_form_set_no_cookie_and_store_nothing() {
    let app = spawn_app().await;
    let id = seminar(&app, data("onsite", 5, 0)).await;
    for path in ["/seminars", "/", "/board", "/seminars?page=1"] {
        // Twice: the second answer is the page kept whole in memory.
        for _ in 0..2 {
            let (status, cookies, body) = visit(&app, path).await;
            assert_eq!(status, 200, "GET {path}");
            assert!(cookies.is_empty(), "GET {path} set {cookies:?}");
            assert!(extract_csrf(&body).is_none(), "no form on {path}");
            assert!(!body.contains("csrf-placeholder"), "no placeholder leaks");
        }
    }
    assert!(
        visit(&app, "/seminars")
            .await
            .2
            .contains(&format!("href=\"/seminars/{id}\"")),
        "the list shows the seminar"
    );
    assert_eq!(session_rows(&app).await, 0, "no session for a visitor");
}

#[tokio::test]
async fn each_kept_page_comes_back_to_its_own_path() {
    let app = spawn_app().await;
    seminar(&app, data("onsite", 5, 0)).await;
    // The language switch of a page leads back to the path it was asked under, also when
    // several paths show the same kept page.
    for _ in 0..2 {
        for (path, next) in [
            ("/seminars", "next=/seminars\""),
            ("/seminars?page=1", "next=/seminars%3Fpage%3D1\""),
        ] {
            let (_, _, body) = visit(&app, path).await;
            assert!(body.contains(next), "GET {path}: {body}");
        }
    }
}

#[tokio::test]
async fn a_page_with_a_form_gives_a_cookie_and_a_token_that_works_only_together() {
    let app = spawn_app().await;
    let id = seminar(&app, data("onsite", 5, 0)).await;
    let path = format!("/seminars/{id}");
    // Twice: the second answer is the page kept whole in memory.
    let mut visits = Vec::new();
    for _ in 0..2 {
        let (status, cookies, body) = visit(&app, &path).await;
        assert_eq!(status, 200);
        let seed = cookies
            .iter()
            .find(|c| c.starts_with("csrf="))
            .cloned()
            .unwrap_or_else(|| panic!("a seed cookie: {cookies:?}"));
        assert!(!cookies.iter().any(|c| c.starts_with("sid=")), "no session");
        let token = extract_csrf(&body).expect("a token in the form");
        visits.push((seed, token));
    }
    let ((seed_a, token_a), (seed_b, token_b)) = (&visits[0], &visits[1]);
    assert_ne!(seed_a, seed_b, "each visitor a seed of their own");
    assert_ne!(token_a, token_b);
    assert_eq!(session_rows(&app).await, 0, "no session for a visitor");

    let post = |cookie: Option<&str>, token: Option<&str>, email: &str| {
        let mut fields = form(email, "onsite")
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<Vec<_>>();
        if let Some(t) = token {
            fields.push(("csrf_token".into(), t.to_string()));
        }
        let mut req = visitor()
            .post(app.url(&format!("{path}/registrations")))
            .form(&fields);
        if let Some(c) = cookie {
            req = req.header(reqwest::header::COOKIE, c);
        }
        async move { req.send().await.expect("POST").status().as_u16() }
    };
    // Refused: no cookie, no token, another visitor's token.
    assert_eq!(post(None, Some(token_a), "none@example.jp").await, 403);
    assert_eq!(post(Some(seed_a), None, "none@example.jp").await, 403);
    assert_eq!(
        post(Some(seed_a), Some(token_b), "none@example.jp").await,
        403
    );
    assert_eq!(registration_rows(&app, id).await, 0, "nothing stored");
    // Each visitor with their own cookie and token.
    assert_eq!(post(Some(seed_a), Some(token_a), "a@example.jp").await, 303);
    assert_eq!(post(Some(seed_b), Some(token_b), "b@example.jp").await, 303);
    assert_eq!(registration_rows(&app, id).await, 2);
    assert_eq!(session_rows(&app).await, 0, "still no session");
}

#[tokio::test]
async fn an_error_page_gives_a_new_visitor_the_seed_cookie() {
    let app = spawn_app().await;
    // An error page is rendered after the CSRF layer; its header may carry a form, so the
    // seed cookie comes with it.
    let (status, cookies, _) = visit(&app, "/seminars/999999").await;
    assert_eq!(status, 404);
    assert!(
        cookies.iter().any(|c| c.starts_with("csrf=")),
        "{cookies:?}"
    );
}
