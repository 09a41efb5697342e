//! The skeleton: health check, home page in both languages, error pages, assets, headers.

use diesel::prelude::*;
use secunity::schema::prefectures;

use crate::support::{app::on_postgres, spawn_app};

#[tokio::test]
async fn healthz_reports_the_backend() {
    let app = spawn_app().await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 200);
    let json: serde_json::Value = res.json().await.unwrap();
    assert_eq!(json["status"], "ok");
    assert_eq!(
        json["database"],
        if on_postgres() { "postgres" } else { "sqlite" }
    );
}

#[tokio::test]
async fn healthz_answers_503_when_the_database_is_gone() {
    let app = spawn_app().await;
    assert_eq!(app.get("/healthz").await.status(), 200);
    match &app.pg {
        Some(pg) => pg.drop_now(),
        None => std::fs::remove_file(app.dir.path().join("secunity.db")).unwrap(),
    }
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 503);
    let json: serde_json::Value = res.json().await.unwrap();
    assert_eq!(json["status"], "unavailable");
}

#[tokio::test]
async fn home_page_is_japanese_by_default_with_landmarks() {
    let app = spawn_app().await;
    let (status, body) = app.get_text("/").await;
    assert_eq!(status, 200);
    assert!(body.contains("<html lang=\"ja\">"));
    assert!(body.contains("地域SECUNITY"));
    assert!(body.contains("九州経済産業局 デジタル経済室"));
    assert!(body.contains("本文へスキップ"));
    for landmark in ["<header", "<nav", "<main id=\"main\"", "<footer"] {
        assert!(body.contains(landmark), "missing {landmark}");
    }
}

#[tokio::test]
async fn english_follows_accept_language_and_the_switch() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/"))
        .header("Accept-Language", "en-GB,en;q=0.9")
        .send()
        .await
        .unwrap();
    let body = res.text().await.unwrap();
    assert!(body.contains("<html lang=\"en\">"));
    assert!(body.contains("Skip to main content"));

    // The switch in the header sets a cookie that wins over Accept-Language from then on.
    let res = app.get("/lang/en?next=/privacy").await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/privacy");
    let (_, body) = app.get_text("/privacy").await;
    assert!(body.contains("Privacy notice"));
    let res = app.get("/lang/ja?next=//evil.example").await;
    assert_eq!(res.headers()["location"], "/");
    let res = app
        .client
        .get(app.url("/"))
        .header("Accept-Language", "en")
        .send()
        .await
        .unwrap();
    assert!(res.text().await.unwrap().contains("<html lang=\"ja\">"));
}

#[tokio::test]
async fn not_found_is_a_page_in_the_users_language_and_json_under_api() {
    let app = spawn_app().await;
    let (status, body) = app.get_text("/no/such/page").await;
    assert_eq!(status, 404);
    assert!(body.contains("ページが見つかりません"));
    assert!(body.contains("<html lang=\"ja\">"));

    let res = app
        .client
        .get(app.url("/no/such/page"))
        .header("Accept-Language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert!(res.text().await.unwrap().contains("Page not found"));

    let res = app.get("/api/v1/nothing-here").await;
    assert_eq!(res.status(), 404);
    let json: serde_json::Value = res.json().await.unwrap();
    assert_eq!(json["error"]["code"], "not_found");
    assert!(json["error"]["message"].as_str().unwrap().len() > 5);
}

#[tokio::test]
async fn assets_are_versioned_and_cached_for_a_year() {
    let app = spawn_app().await;
    let (_, body) = app.get_text("/").await;
    let end = body.find("app.css\"").unwrap() + "app.css".len();
    let start = body[..end].rfind('"').unwrap() + 1;
    let css_url = &body[start..end];
    assert!(css_url.starts_with("/assets/"), "{css_url}");
    let res = app.get(css_url).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/css; charset=utf-8");
    assert_eq!(
        res.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let etag = res.headers()["etag"].clone();
    assert!(res.text().await.unwrap().contains(".skip-link"));

    let res = app
        .client
        .get(app.url(css_url))
        .header("If-None-Match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 304);

    // A stale version still works but is not cached for long.
    let res = app.get("/assets/000000000000/app.css").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-cache");
    assert_eq!(app.get("/assets/x/missing.css").await.status(), 404);
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    for path in ["/", "/missing", "/healthz", "/api/v1/missing"] {
        let res = app.get(path).await;
        let h = res.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert!(h.contains_key("referrer-policy"), "{path}");
    }
}

#[tokio::test]
async fn pages_are_compressed_when_asked() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/"))
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-encoding"], "gzip");
}

#[tokio::test]
async fn a_post_without_csrf_token_is_refused() {
    let app = spawn_app().await;
    // A route that takes POST (a POST to a page that does not is a 405, see `protocols`).
    let res = app
        .post_form("/auth/email", &[("email", "a@example.jp")])
        .await;
    assert_eq!(res.status(), 403);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("フォームの有効期限が切れました")
    );
}

#[tokio::test]
async fn reference_data_is_loaded() {
    let app = spawn_app().await;
    let (all, kyushu): (i64, i64) = app
        .db(|c| {
            let all = prefectures::table.count().get_result::<i64>(c)?;
            let kyushu = prefectures::table
                .filter(prefectures::kyushu.eq(true))
                .count()
                .get_result::<i64>(c)?;
            Ok::<_, diesel::result::Error>((all, kyushu))
        })
        .await;
    assert_eq!((all, kyushu), (47, 7));
    let fukuoka: String = app
        .db(|c| {
            prefectures::table
                .find(40)
                .select(prefectures::name_ja)
                .first::<String>(c)
        })
        .await;
    assert_eq!(fukuoka, "福岡県");
}

#[test]
fn migrations_exist_for_both_databases_in_the_same_order() {
    let list = |dir: &str| {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        names.sort();
        names
    };
    let sqlite = list("migrations/sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, list("migrations/postgres"));
    for name in &sqlite {
        for backend in ["sqlite", "postgres"] {
            for file in ["up.sql", "down.sql"] {
                let path = format!("migrations/{backend}/{name}/{file}");
                assert!(std::path::Path::new(&path).exists(), "{path} is missing");
            }
        }
    }
}
