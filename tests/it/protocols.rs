//! Headers, files and HTTP protocol details: personal pages are never stored, the data
//! directory and its files are the service user's only, HEAD answers like GET, a wrong method
//! is a 405 with `Allow`, the favicon, CSRF tokens masked per response (BREACH), and rate
//! limits behind a trusted reverse proxy.

use std::collections::HashMap;
use std::time::Duration;

use secunity::accounts::Role;

use crate::seminars::{data, form, seminar};
use crate::support::smtp::{SmtpServer, parsed};
use crate::support::{TestApp, app::extract_csrf, spawn_app, spawn_app_with};

/// A route pattern with its parameters filled in from `values` (by name), `1` or `x` otherwise.
fn concrete(pattern: &str, values: &HashMap<&str, String>) -> String {
    pattern
        .split('/')
        .map(|seg| {
            let Some(start) = seg.find('{') else {
                return seg.to_string();
            };
            let end = seg.find('}').unwrap();
            let inner = &seg[start + 1..end];
            let (name, regex) = inner.split_once(':').unwrap_or((inner, ""));
            let value = values.get(name).cloned().unwrap_or_else(|| {
                if regex.contains("needs") {
                    "needs".to_string()
                } else if regex.contains("\\d") || name == "id" || name == "rid" {
                    "1".to_string()
                } else {
                    "x".to_string()
                }
            });
            format!("{}{value}{}", &seg[..start], &seg[end + 1..])
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether answers to a route are personal or for staff (the test's own list: a route added
/// under these prefixes is checked without anyone touching this test).
fn personal(path: &str) -> bool {
    [
        "/staff",
        "/account",
        "/registrations/",
        "/newsletter/preferences/",
        "/newsletter/confirm/",
        "/invitations/",
        "/auth/",
        "/login",
        "/board/mine",
        "/api/v1/",
    ]
    .iter()
    .any(|p| path.starts_with(p))
}

/// A seminar with one registration: the seminar's id and the registration's personal token
/// (from the confirmation mail, as the registrant gets it).
async fn seminar_with_registrant(app: &TestApp, email: &str) -> (i64, String) {
    let id = seminar(app, data("hybrid", 5, 5)).await;
    app.post_form_from(
        &format!("/seminars/{id}"),
        &format!("/seminars/{id}/registrations"),
        &form(email, "online"),
    )
    .await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(m) = app.smtp.messages().iter().find(|m| m.rcpt_to == [email]) {
            let text = parsed(m).body_text(0).unwrap().to_string();
            let at = text.find("/registrations/").expect("the personal link");
            let token: String = text[at + "/registrations/".len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            return (id, token);
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no confirmation mail"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn cache_control(res: &reqwest::Response) -> String {
    res.headers()
        .get("cache-control")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn personal_and_staff_pages_are_never_stored() {
    let app = spawn_app().await;
    let (id, token) = seminar_with_registrant(&app, "cache@example.jp").await;
    app.sign_in("staff-cache@example.jp", Role::Staff).await;
    let values = HashMap::from([("id", id.to_string()), ("token", token.clone())]);
    let mut answered = Vec::new();
    for (method, pattern) in secunity::route_list() {
        if method != "GET" || !personal(pattern) {
            continue;
        }
        let path = concrete(pattern, &values);
        let res = app.get(&path).await;
        assert_eq!(
            cache_control(&res),
            "no-store",
            "GET {path} ({})",
            res.status()
        );
        if res.status() == 200 {
            answered.push(pattern);
        }
    }
    // The pages themselves, not only error pages (which were never cached).
    for pattern in [
        "/staff",
        "/staff/seminars",
        "/staff/seminars/{id:\\d+}",
        "/staff/seminars/{id:\\d+}/edit",
        "/staff/users",
        "/staff/audit",
        "/account",
        "/account/data.json",
        "/registrations/{token}",
    ] {
        assert!(
            answered.contains(&pattern),
            "{pattern} did not answer 200: {answered:?}"
        );
    }
    // The page that shows a new API token (the answer to a POST).
    let res = app
        .post_form_from("/account", "/account/tokens", &[("name", "laptop")])
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(cache_control(&res), "no-store");

    // A public page is personal too for a signed-in user (the header names them); assets keep
    // their long cache either way.
    assert_eq!(cache_control(&app.get("/seminars").await), "no-store");
    let asset = format!("/assets/{}/app.css", app.state.assets.version);
    assert_eq!(
        cache_control(&app.get(&asset).await),
        "public, max-age=31536000, immutable"
    );
    let anonymous = reqwest::Client::new();
    let res = anonymous.get(app.url("/seminars")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(cache_control(&res), "");
}

#[cfg(unix)]
#[tokio::test]
async fn the_data_directory_and_its_files_are_the_owners_only() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    // A data directory that does not exist yet, under a directory anyone may read.
    let base = tempfile::tempdir().unwrap();
    std::fs::set_permissions(base.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let data = base.path().join("var/secunity");
    let data_dir = data.to_string_lossy().to_string();
    let mut settings = vec![("SECUNITY_DATA_DIR", data_dir.as_str()), ("SMTP_URL", "")];
    let sqlite_url = format!("sqlite://{}/secunity.db", data.display());
    if !crate::support::app::on_postgres() {
        settings.push(("DATABASE_URL", &sqlite_url));
    }
    let app = spawn_app_with(&settings, SmtpServer::start().await).await;
    // A sign-in link: the mail written as an .eml file holds it.
    let res = app
        .post_form_from("/login", "/auth/email", &[("email", "perm@example.jp")])
        .await;
    assert!(res.status().is_redirection() || res.status().is_success());
    let outbox = data.join("outbox");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let eml = loop {
        let files: Vec<_> = std::fs::read_dir(&outbox)
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        if let Some(f) = files
            .iter()
            .find(|f| f.extension().is_some_and(|e| e == "eml"))
        {
            break f.clone();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no .eml file written"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(
        std::fs::read_to_string(&eml)
            .unwrap()
            .contains("/auth/email/")
    );
    assert_eq!(mode(&eml), 0o600, "{}", eml.display());
    assert_eq!(mode(&outbox), 0o700);
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&base.path().join("var")), 0o700);
    if !crate::support::app::on_postgres() {
        for name in ["secunity.db", "secunity.db-wal", "secunity.db-shm"] {
            let file = data.join(name);
            assert!(file.exists(), "{name} is missing");
            assert_eq!(mode(&file), 0o600, "{name}");
        }
    }
}

#[tokio::test]
async fn every_get_route_answers_head_like_get_without_a_body() {
    let app = spawn_app().await;
    let (id, token) = seminar_with_registrant(&app, "head@example.jp").await;
    app.sign_in("staff-head@example.jp", Role::Staff).await;
    let values = HashMap::from([
        ("id", id.to_string()),
        ("token", token),
        ("version", app.state.assets.version.clone()),
        ("file", "app.css".to_string()),
        ("code", "en".to_string()),
    ]);
    let mut ok = 0;
    for (method, pattern) in secunity::route_list() {
        if method != "GET" {
            continue;
        }
        let path = concrete(pattern, &values);
        let get = app.get(&path).await;
        let head = app.client.head(app.url(&path)).send().await.unwrap();
        assert_eq!(head.status(), get.status(), "HEAD {path}");
        for name in ["content-type", "cache-control", "location"] {
            assert_eq!(
                head.headers().get(name),
                get.headers().get(name),
                "{name} of HEAD {path}"
            );
        }
        assert!(
            head.bytes().await.unwrap().is_empty(),
            "HEAD {path} has a body"
        );
        if get.status() == 200 {
            ok += 1;
        }
    }
    assert!(ok >= 30, "only {ok} GET routes answered 200");
    let res = app.client.head(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/json");
}

#[tokio::test]
async fn a_method_a_known_path_does_not_take_is_405_with_allow() {
    let app = spawn_app().await;
    let id = seminar(&app, data("online", 0, 5)).await;
    let send = |method: &str, path: &str| {
        app.client
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                app.url(path),
            )
            .header("Accept-Language", "ja")
            .send()
    };
    for (method, path, allow) in [
        ("TRACE", "/".to_string(), "GET, HEAD"),
        ("PUT", "/seminars".to_string(), "GET, HEAD"),
        ("DELETE", format!("/seminars/{id}"), "GET, HEAD"),
        ("POST", "/healthz".to_string(), "GET, HEAD"),
        ("GET", format!("/seminars/{id}/registrations"), "POST"),
        ("OPTIONS", "/account/profile".to_string(), "POST"),
    ] {
        let res = send(method, &path).await.unwrap();
        assert_eq!(res.status(), 405, "{method} {path}");
        assert_eq!(res.headers()["allow"], allow, "{method} {path}");
        assert!(res.text().await.unwrap().contains("<html lang=\"ja\">"));
    }
    // Under /api the answer is the API's JSON error.
    let res = send("DELETE", &format!("/api/v1/seminars/{id}"))
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
    assert_eq!(res.headers()["allow"], "GET, HEAD, PATCH");
    let json: serde_json::Value = res.json().await.unwrap();
    assert_eq!(json["error"]["code"], "method_not_allowed");
    assert!(json["error"]["message"].as_str().unwrap().chars().count() > 5);
    // A path no route has stays a 404.
    assert_eq!(send("TRACE", "/no/such/page").await.unwrap().status(), 404);
    assert_eq!(send("TRACE", "/seminars/abc").await.unwrap().status(), 404);
}

#[tokio::test]
async fn the_favicon_is_served_at_the_root() {
    let app = spawn_app().await;
    let res = app.get("/favicon.ico").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/x-icon");
    assert!(cache_control(&res).starts_with("public"));
    let icon = res.bytes().await.unwrap();
    // An ICO directory of several images, each a PNG.
    assert_eq!(&icon[..4], &[0, 0, 1, 0]);
    let count = u16::from_le_bytes([icon[4], icon[5]]);
    assert!(count >= 2);
    let offset = u32::from_le_bytes(icon[18..22].try_into().unwrap()) as usize;
    assert_eq!(&icon[offset..offset + 8], b"\x89PNG\r\n\x1a\n");
}

#[tokio::test]
async fn csrf_tokens_differ_in_every_page_and_each_one_works() {
    let app = spawn_app().await;
    let first = app.csrf_token("/login").await;
    let (_, page) = app.get_text("/login?next=%2Fstaff").await;
    let second = extract_csrf(&page).unwrap();
    assert_ne!(first, second, "the same token in two responses");
    for (i, token) in [&first, &second].into_iter().enumerate() {
        let email = format!("masked{i}@example.jp");
        let res = app
            .post_form("/auth/email", &[("email", &email), ("csrf_token", token)])
            .await;
        assert_ne!(res.status(), 403, "token {i} refused");
        assert!(res.status().is_redirection() || res.status().is_success());
    }
    // One character changed in the pad or in the masked half: refused.
    for at in [3, first.len() - 5] {
        let mut tampered: Vec<char> = first.chars().collect();
        tampered[at] = if tampered[at] == 'A' { 'B' } else { 'A' };
        let tampered: String = tampered.into_iter().collect();
        let res = app
            .post_form(
                "/auth/email",
                &[("email", "t@example.jp"), ("csrf_token", &tampered)],
            )
            .await;
        assert_eq!(res.status(), 403);
    }
}

/// Posts the sign-in form as a client behind the proxy at `forwarded_for` (a fresh address
/// each time, so only the per-IP limit counts).
async fn login_from(app: &TestApp, forwarded_for: Option<&str>, n: usize) -> u16 {
    let token = app.csrf_token("/login").await;
    let email = format!("proxy{n}@example.jp");
    let mut req = app
        .client
        .post(app.url("/auth/email"))
        .form(&[("email", email.as_str()), ("csrf_token", &token)]);
    if let Some(ip) = forwarded_for {
        req = req.header("X-Forwarded-For", ip);
    }
    req.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_has_its_own_bucket() {
    let app = spawn_app_with(
        &[
            ("RATE_LIMIT_PER_MINUTE", "2"),
            ("SECUNITY_TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1"),
        ],
        SmtpServer::start().await,
    )
    .await;
    // The proxy appends the client it saw; what the client wrote before it is not believed.
    let a = "198.51.100.1, 203.0.113.10";
    assert_ne!(login_from(&app, Some(a), 1).await, 429);
    assert_ne!(login_from(&app, Some(a), 2).await, 429);
    assert_eq!(login_from(&app, Some(a), 3).await, 429);
    assert_eq!(
        login_from(&app, Some("203.0.113.99, 203.0.113.10"), 4).await,
        429
    );
    // Another client behind the same proxy has a bucket of its own.
    assert_ne!(login_from(&app, Some("203.0.113.20"), 5).await, 429);
    assert_ne!(
        login_from(&app, Some("203.0.113.20, 10.1.2.3"), 6).await,
        429
    );
    assert_eq!(login_from(&app, Some("203.0.113.20"), 7).await, 429);
}

#[tokio::test]
async fn without_trusted_proxies_a_forged_forwarded_for_does_not_escape_the_limit() {
    let app = spawn_app_with(&[("RATE_LIMIT_PER_MINUTE", "2")], SmtpServer::start().await).await;
    assert_ne!(login_from(&app, Some("203.0.113.1"), 1).await, 429);
    assert_ne!(login_from(&app, Some("203.0.113.2"), 2).await, 429);
    assert_eq!(login_from(&app, Some("203.0.113.3"), 3).await, 429);
    assert_eq!(login_from(&app, None, 4).await, 429);
}
