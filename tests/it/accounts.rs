//! Accounts: email sign-in, sessions and cookies, OAuth2, CSRF on every route, roles, API
//! tokens, audit log, my data and deletion.

use std::time::Duration;

use diesel::prelude::*;
use secunity::accounts::Role;
use secunity::schema::{audit_log, login_tokens, users};

use crate::support::oauth::TestProvider;
use crate::support::smtp::{SmtpServer, parsed};
use crate::support::{TestApp, spawn_app, spawn_app_with};

/// The sign-in link in the newest mail to `to`.
fn link_in_mail(app: &TestApp, to: &str) -> String {
    let mail = app
        .smtp
        .messages()
        .into_iter()
        .rev()
        .find(|m| m.rcpt_to[0] == to)
        .expect("a mail to the address");
    let text = parsed(&mail).body_text(0).unwrap().to_string();
    let start = text.find(&app.base).expect("a link in the mail");
    text[start..].split_whitespace().next().unwrap().to_string()
}

async fn request_link(app: &TestApp, email: &str) -> reqwest::Response {
    app.post_form_from(
        "/login",
        "/auth/email",
        &[("email", email), ("next", "/account")],
    )
    .await
}

#[tokio::test]
async fn known_and_unknown_addresses_get_identical_answers_and_links_work_once() {
    let app = spawn_app().await;
    app.db(|c| {
        secunity::accounts::queries::create_user(c, "known@example.jp", "既知", Role::Member)
    })
    .await;
    let known = request_link(&app, "known@example.jp").await;
    let unknown = request_link(&app, "new@example.jp").await;
    assert_eq!(known.status(), 303);
    assert_eq!(known.status(), unknown.status());
    assert_eq!(known.headers()["location"], unknown.headers()["location"]);
    assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap());
    app.smtp.wait_for(2, Duration::from_secs(10)).await;

    let link = link_in_mail(&app, "known@example.jp");
    let path = &link[app.base.len()..];
    // Opening the link only shows a button: scanners that follow links sign nobody in.
    let (status, page) = app.get_text(path).await;
    assert_eq!(status, 200);
    assert!(page.contains("ログインする"));
    assert_eq!(app.get("/account").await.status(), 303);
    let action = path.split('?').next().unwrap();
    let res = app
        .post_form_from(path, action, &[("next", "/account")])
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/account");
    let (status, account) = app.get_text("/account").await;
    assert_eq!(status, 200);
    assert!(account.contains("known@example.jp"));

    // Used once: the second use fails and changes nothing.
    let res = app.post_form_from("/login", action, &[]).await;
    assert_eq!(res.status(), 410);
    assert!(res.text().await.unwrap().contains("リンクが無効です"));

    // The unknown address got a link that creates the account.
    let link = link_in_mail(&app, "new@example.jp");
    let path = &link[app.base.len()..];
    let action = path.split('?').next().unwrap();
    app.client
        .post(app.url("/auth/logout"))
        .send()
        .await
        .unwrap();
    let res = app.post_form_from(path, action, &[]).await;
    assert_eq!(res.status(), 303);
    let created: i64 = app
        .db(|c| {
            users::table
                .filter(users::email.eq("new@example.jp"))
                .count()
                .get_result(c)
        })
        .await;
    assert_eq!(created, 1);
}

#[tokio::test]
async fn an_expired_link_does_not_work() {
    let app = spawn_app().await;
    request_link(&app, "late@example.jp").await;
    app.smtp.wait_for(1, Duration::from_secs(10)).await;
    app.db(|c| {
        diesel::update(login_tokens::table)
            .set(
                login_tokens::expires_at
                    .eq(chrono::Utc::now().naive_utc() - chrono::Duration::minutes(1)),
            )
            .execute(c)
    })
    .await;
    let link = link_in_mail(&app, "late@example.jp");
    let path = &link[app.base.len()..];
    assert_eq!(app.get(path).await.status(), 410);
    let res = app
        .post_form_from("/login", path.split('?').next().unwrap(), &[])
        .await;
    assert_eq!(res.status(), 410);
}

#[tokio::test]
async fn a_bad_address_is_refused_with_the_form_kept() {
    let app = spawn_app().await;
    let res = request_link(&app, "not-an-address").await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("メールアドレスの形式が正しくありません"));
    assert!(body.contains("value=\"not-an-address\""));
    let n: i64 = app.db(|c| login_tokens::table.count().get_result(c)).await;
    assert_eq!(n, 0);
}

#[tokio::test]
async fn sessions_are_renewed_at_login_and_useless_after_logout() {
    let app = spawn_app().await;
    app.sign_in("staff@example.jp", Role::Staff).await;
    let url: reqwest::Url = app.base.parse().unwrap();
    let cookie = |app: &TestApp| {
        use reqwest::cookie::CookieStore;
        app.jar
            .cookies(&url)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    let before = cookie(&app);
    assert_eq!(app.get("/staff").await.status(), 200);

    // Signing in through a link gives a new session id.
    request_link(&app, "staff@example.jp").await;
    app.smtp.wait_for(1, Duration::from_secs(10)).await;
    let link = link_in_mail(&app, "staff@example.jp");
    let path = &link[app.base.len()..];
    let res = app
        .post_form_from(path, path.split('?').next().unwrap(), &[])
        .await;
    let set_cookie: Vec<String> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    let sid = set_cookie.iter().find(|c| c.starts_with("sid=")).unwrap();
    assert!(sid.contains("HttpOnly"));
    assert!(sid.contains("SameSite=Lax"));
    assert!(sid.contains("Path=/"));
    let after = cookie(&app);
    assert_ne!(before, after);
    let old_sid = before
        .split("; ")
        .find(|c| c.starts_with("sid="))
        .unwrap()
        .to_string();
    let old_client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = old_client
        .get(app.url("/staff"))
        .header("Cookie", &old_sid)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "the old session ended at the new login");

    // After logout the session is gone, even for a copy of the cookie.
    let current_sid = after
        .split("; ")
        .find(|c| c.starts_with("sid="))
        .unwrap()
        .to_string();
    let res = app.post_form_from("/", "/auth/logout", &[]).await;
    assert_eq!(res.status(), 303);
    let res = old_client
        .get(app.url("/staff"))
        .header("Cookie", &current_sid)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
}

#[tokio::test]
async fn cookies_are_secure_and_host_prefixed_over_https() {
    let app = spawn_app_with(
        &[("SECUNITY_BASE_URL", "https://secunity.example")],
        SmtpServer::start().await,
    )
    .await;
    let res = app.get("/").await;
    let csrf = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(csrf.starts_with("__Host-csrf="));
    assert!(csrf.contains("Secure") && csrf.contains("HttpOnly") && csrf.contains("Path=/"));
    assert!(res.headers().contains_key("strict-transport-security"));
}

#[tokio::test]
async fn every_state_changing_route_refuses_a_request_without_a_valid_csrf_token() {
    let app = spawn_app().await;
    app.sign_in("admin@example.jp", Role::Admin).await;
    let audit_rows = |app: &TestApp| {
        let db = app.state.db.clone();
        async move {
            db.run(|c| audit_log::table.count().get_result::<i64>(c))
                .await
                .unwrap()
        }
    };
    let before = audit_rows(&app).await;
    let routes = secunity::route_list();
    let mut checked = 0;
    for (method, path) in routes {
        if method == "GET"
            || path.starts_with("/api/")
            || path.starts_with("/newsletter/unsubscribe/")
        {
            continue;
        }
        let concrete: String = path
            .split('/')
            .map(|seg| {
                if seg.starts_with('{') {
                    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".to_string()
                } else {
                    seg.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("/")
            .replace("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/role", "1/role");
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        for token in [None, Some("forged-token")] {
            let mut form = vec![("name", "x"), ("email", "x@example.jp")];
            if let Some(t) = token {
                form.push(("csrf_token", t));
            }
            let res = app
                .client
                .request(m.clone(), app.url(&concrete))
                .form(&form)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 403, "{method} {path} without a valid token");
        }
        checked += 1;
    }
    assert!(checked >= 10, "the walk covered {checked} routes");
    assert_eq!(audit_rows(&app).await, before, "nothing changed");
}

#[tokio::test]
async fn every_api_route_is_in_the_openapi_document() {
    let app = spawn_app().await;
    let doc: serde_json::Value = app.get("/api/openapi.json").await.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    for (method, path) in secunity::route_list() {
        if !path.starts_with("/api/v1/") {
            continue;
        }
        // `{id:\d+}` in a route is `{id}` in the document.
        let documented: String = path
            .split('/')
            .map(|seg| match seg.split_once(':') {
                Some((name, _)) if seg.starts_with('{') => format!("{name}}}"),
                _ => seg.to_string(),
            })
            .collect::<Vec<_>>()
            .join("/");
        let op = &doc["paths"][documented.as_str()][method.to_lowercase()];
        assert!(
            op.is_object(),
            "{method} {path} is not in the OpenAPI document"
        );
    }
}

#[tokio::test]
async fn members_cannot_reach_staff_pages_or_staff_api() {
    let app = spawn_app().await;
    // Not signed in: pages send to the login page, the API answers 401.
    let res = app.get("/staff/users").await;
    assert_eq!(res.status(), 303);
    assert!(
        res.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login?next=")
    );
    let res = app.get("/api/v1/me").await;
    assert_eq!(res.status(), 401);
    let json: serde_json::Value = res.json().await.unwrap();
    assert_eq!(json["error"]["code"], "unauthorized");

    app.sign_in("member@example.jp", Role::Member).await;
    for path in [
        "/staff",
        "/staff/users",
        "/staff/organizations",
        "/staff/outbox",
        "/staff/audit",
    ] {
        assert_eq!(app.get(path).await.status(), 403, "{path}");
    }
    let (_, token) = app.api_token("member2@example.jp", Role::Member).await;
    let res = app
        .client
        .get(app.url("/api/v1/outbox"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let me: serde_json::Value = app.api_json("/api/v1/me", &token).await;
    assert_eq!(me["email"], "member2@example.jp");
    assert_eq!(me["role"], "member");
}

#[tokio::test]
async fn staff_manage_organizations_and_invitations_with_an_audit_trail() {
    let app = spawn_app().await;
    app.sign_in("staff@example.jp", Role::Staff).await;
    let res = app
        .post_form_from(
            "/staff/organizations",
            "/staff/organizations",
            &[
                ("name", "株式会社博多テクノ"),
                ("kind", "sme"),
                ("prefecture", "40"),
                ("security_action", "one_star"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let org_path = location.split('?').next().unwrap().to_string();
    let (_, page) = app.get_text(&location).await;
    assert!(page.contains("株式会社博多テクノ"));
    assert!(page.contains("福岡県"));

    // Bad input: the form comes back with the values and nothing is stored.
    let res = app
        .post_form_from(
            "/staff/organizations",
            "/staff/organizations",
            &[
                ("name", "<script>x</script>"),
                ("kind", "bank"),
                ("prefecture", "99"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("&lt;script&gt;x&lt;/script&gt;"));
    assert!(!body.contains("<script>x</script>"));

    let res = app
        .post_form_from(
            &org_path,
            &format!("{org_path}/invitations"),
            &[("email", "worker@example.jp")],
        )
        .await;
    assert_eq!(res.status(), 303);
    app.smtp.wait_for(1, Duration::from_secs(10)).await;
    let link = link_in_mail(&app, "worker@example.jp");
    let path = link[app.base.len()..].to_string();
    let invited = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = crate::support::text_at(&invited, app.url(&path)).await;
    let token = crate::support::app::extract_csrf(&page).unwrap();
    let res = invited
        .post(app.url(&path))
        .form(&[("csrf_token", token)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let account = crate::support::text_at(&invited, app.url("/account")).await;
    assert!(account.contains("株式会社博多テクノ"));

    let (_, audit) = app.get_text("/staff/audit?action=organization.").await;
    assert!(audit.contains("組織を登録"));
    assert!(audit.contains("組織にメンバーを招待"));
}

/// Every audit entry as stored, every column.
async fn audit_rows(app: &crate::support::TestApp) -> serde_json::Value {
    let entries = app
        .db(|c| secunity::audit::list(c, &secunity::audit::AuditFilter::default(), 100))
        .await;
    serde_json::to_value(entries).unwrap()
}

/// Runs a statement and returns the database's error, if any, as text.
async fn refusal<F>(app: &crate::support::TestApp, statement: F) -> Option<String>
where
    F: FnOnce(&mut secunity::db::DbConn) -> diesel::QueryResult<usize> + Send + 'static,
{
    app.db(move |c| Ok::<_, diesel::result::Error>(statement(c).err().map(|e| e.to_string())))
        .await
}

#[tokio::test]
async fn the_audit_log_cannot_be_edited() {
    let app = spawn_app().await;
    let staff = app.sign_in("staff@example.jp", Role::Staff).await;
    app.db(move |c| {
        secunity::audit::record(
            c,
            Some(&staff),
            secunity::audit::Action::SeminarUpdate,
            secunity::audit::Target::Seminar,
            Some("42".into()),
            serde_json::json!({"seminar_id": 7}),
        )
    })
    .await;
    let before = audit_rows(&app).await;
    assert_eq!(before.as_array().map(Vec::len), Some(1));
    let edits: Vec<(&str, Option<String>)> = vec![
        (
            "change the action",
            refusal(&app, |c| {
                diesel::update(audit_log::table)
                    .set(audit_log::action.eq("changed"))
                    .execute(c)
            })
            .await,
        ),
        (
            "change the detail along with the actor's removal",
            refusal(&app, |c| {
                diesel::update(audit_log::table)
                    .set((
                        audit_log::actor_id.eq(None::<i64>),
                        audit_log::detail.eq("{}"),
                    ))
                    .execute(c)
            })
            .await,
        ),
        (
            "delete the row",
            refusal(&app, |c| diesel::delete(audit_log::table).execute(c)).await,
        ),
    ];
    for (edit, error) in edits {
        let error = error.unwrap_or_else(|| panic!("{edit}: the database allowed it"));
        assert!(
            error.contains("the audit log is append-only"),
            "{edit}: refused by the trigger, not by something else: {error}"
        );
    }
    assert_eq!(audit_rows(&app).await, before, "the row is unchanged");
    // The one change the trigger lets through: a deleted account's id goes, the fact stays.
    let erased = refusal(&app, |c| {
        diesel::update(audit_log::table)
            .set(audit_log::actor_id.eq(None::<i64>))
            .execute(c)
    })
    .await;
    assert_eq!(erased, None);
    let mut expected = before.clone();
    expected[0]["actor_id"] = serde_json::Value::Null;
    assert_eq!(audit_rows(&app).await, expected);
}

#[tokio::test]
async fn my_data_downloads_and_deletion_keeps_the_fact_not_the_person() {
    let app = spawn_app().await;
    let user = app.sign_in("self@example.jp", Role::Member).await;
    let res = app.get("/account/data.json").await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let data: serde_json::Value = res.json().await.unwrap();
    assert_eq!(data["account"]["email"], "self@example.jp");

    // Without the confirmation box nothing happens.
    let res = app.post_form_from("/account", "/account/delete", &[]).await;
    assert_eq!(res.status(), 422);
    let res = app
        .post_form_from("/account", "/account/delete", &[("confirm", "1")])
        .await;
    assert_eq!(res.status(), 200);
    let id = user.id;
    let (users_left, facts) = app
        .db(move |c| {
            let users_left = users::table
                .filter(users::id.eq(id))
                .count()
                .get_result::<i64>(c)?;
            let facts: Vec<(Option<i64>, String)> = audit_log::table
                .filter(audit_log::target_id.eq(id.to_string()))
                .select((audit_log::actor_id, audit_log::action))
                .load(c)?;
            Ok::<_, diesel::result::Error>((users_left, facts))
        })
        .await;
    assert_eq!(users_left, 0);
    assert!(
        facts
            .iter()
            .any(|(actor, action)| action == "user.delete" && actor.is_none())
    );
    assert_eq!(app.get("/account").await.status(), 303);
}

#[tokio::test]
async fn api_tokens_are_listed_and_revocable_by_their_owner() {
    let app = spawn_app().await;
    app.sign_in("owner@example.jp", Role::Member).await;
    let res = app
        .post_form_from("/account", "/account/tokens", &[("name", "集計スクリプト")])
        .await;
    assert_eq!(res.status(), 200);
    let page = res.text().await.unwrap();
    let start = page.find("sct_").unwrap();
    let token = page[start..start + 47].to_string();
    let me = app
        .client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    let list: serde_json::Value = app.api_json("/api/v1/tokens", &token).await;
    let id = list[0]["id"].as_i64().unwrap();
    assert!(
        !list.to_string().contains(&token),
        "the secret is never listed"
    );

    // Another member cannot revoke it.
    app.api_token("other@example.jp", Role::Member).await;
    let other_user = app
        .db(|c| {
            let u =
                secunity::accounts::queries::find_user_by_email(c, "other@example.jp")?.unwrap();
            secunity::accounts::queries::create_session(c, u.id)
        })
        .await;
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    jar.add_cookie_str(
        &format!("sid={other_user}; Path=/"),
        &app.base.parse().unwrap(),
    );
    let other = reqwest::Client::builder()
        .cookie_provider(jar)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = crate::support::text_at(&other, app.url("/account")).await;
    let csrf = crate::support::app::extract_csrf(&page).unwrap();
    let res = other
        .post(app.url(&format!("/account/tokens/{id}/revoke")))
        .form(&[("csrf_token", csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404, "another member cannot revoke it");
    let res = app
        .post_form_from("/account", &format!("/account/tokens/{id}/revoke"), &[])
        .await;
    assert_eq!(res.status(), 303);
    let me = app
        .client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 401);
}

#[tokio::test]
async fn public_forms_are_rate_limited() {
    let app = spawn_app_with(&[("RATE_LIMIT_PER_MINUTE", "3")], SmtpServer::start().await).await;
    let mut statuses = Vec::new();
    for i in 0..5 {
        let res = request_link(&app, &format!("r{i}@example.jp")).await;
        statuses.push((
            res.status().as_u16(),
            res.headers().get("retry-after").is_some(),
        ));
    }
    assert_eq!(statuses[0].0, 303);
    assert!(statuses.iter().any(|(s, retry)| *s == 429 && *retry));
}

async fn oauth_app() -> (TestApp, TestProvider) {
    let provider = TestProvider::start().await;
    let settings = provider.settings();
    let pairs: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    (
        spawn_app_with(&pairs, SmtpServer::start().await).await,
        provider,
    )
}

/// Starts the flow and lets the provider answer; returns the callback path.
async fn authorize(app: &TestApp) -> String {
    let res = app.get("/auth/oauth/start?next=/account").await;
    assert_eq!(res.status(), 303);
    let to_provider = res.headers()["location"].to_str().unwrap().to_string();
    assert!(to_provider.contains("code_challenge="));
    assert!(to_provider.contains("state="));
    let res = app.client.get(&to_provider).send().await.unwrap();
    let callback = res.headers()["location"].to_str().unwrap().to_string();
    callback[app.base.len()..].to_string()
}

#[tokio::test]
async fn oauth_sign_in_links_creates_and_rejects_what_it_must() {
    let (app, _provider) = oauth_app().await;
    let (_, login) = app.get_text("/login").await;
    assert!(login.contains("gBizIDでログイン"));

    let callback = authorize(&app).await;
    let res = app.get(&callback).await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    let (status, account) = app.get_text("/account").await;
    assert_eq!(status, 200);
    assert!(account.contains("hanako@example.jp"));
    assert!(account.contains("九州 花子"));

    // The same code again: the provider refuses, the service shows a clear page.
    app.client
        .post(app.url("/auth/logout"))
        .send()
        .await
        .unwrap();
    let (status, page) = app.get_text(&callback).await;
    assert_eq!(status, 400);
    assert!(page.contains("gBizIDでのログインを完了できませんでした"));

    // A wrong state.
    let callback = authorize(&app).await;
    let forged = callback.replace("state=", "state=x");
    let (status, _) = app.get_text(&forged).await;
    assert_eq!(status, 400);

    // A state from another browser.
    let callback = authorize(&app).await;
    let other = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = other.get(app.url(&callback)).send().await.unwrap();
    assert_eq!(res.status(), 400);

    // The provider reports an error (consent denied).
    let (status, page) = app
        .get_text("/auth/oauth/callback?error=access_denied&state=abc")
        .await;
    assert_eq!(status, 400);
    assert!(page.contains("キャンセルされました"));

    // Second sign-in links to the same user, no duplicate.
    let callback = authorize(&app).await;
    assert_eq!(app.get(&callback).await.status(), 303);
    let count: i64 = app
        .db(|c| {
            users::table
                .filter(users::email.eq("hanako@example.jp"))
                .count()
                .get_result(c)
        })
        .await;
    assert_eq!(count, 1);
}

#[tokio::test]
async fn the_cli_creates_admins_and_tokens() {
    let app = spawn_app_with(&[("WORKERS", "off")], SmtpServer::start().await).await;
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_secunity"))
            .args(args)
            .env(
                "DATABASE_URL",
                secrecy::ExposeSecret::expose_secret(&app.state.config.database_url),
            )
            .env("SECUNITY_DATA_DIR", app.dir.path())
            .env("SECUNITY_BASE_URL", &app.base)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?} exited with {}: {} {}",
            out.status,
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stdout)
            .unwrap()
            .trim()
            .lines()
            .last()
            .unwrap()
            .to_string()
    };
    let url = run(&[
        "admin",
        "create",
        "--email",
        "Chief@Example.JP",
        "--name",
        "局長",
    ]);
    assert!(url.starts_with(&format!("{}/auth/email/", app.base)));
    let path = &url[app.base.len()..];
    let res = app
        .post_form_from(path, path.split('?').next().unwrap(), &[("next", "/staff")])
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(app.get("/staff/users").await.status(), 200);

    let token = run(&["token", "create", "--email", "chief@example.jp"]);
    let me: serde_json::Value = app.api_json("/api/v1/me", &token).await;
    assert_eq!(me["role"], "admin");
}
