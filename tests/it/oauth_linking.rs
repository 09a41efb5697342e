//! OAuth2 sign-in cannot take over accounts: an identity is linked to an existing user only
//! for a verified address, never automatically to staff or admins (they link it from their
//! own account page, which also lists and unlinks identities), and an unverified address
//! creates no account.

use diesel::prelude::*;
use secunity::accounts::Role;
use secunity::schema::{audit_log, oauth_identities, users};
use serde_json::json;

use crate::support::oauth::TestProvider;
use crate::support::smtp::SmtpServer;
use crate::support::{TestApp, spawn_app_with};

async fn oauth_app_with(extra: &[(&str, &str)]) -> (TestApp, TestProvider) {
    let provider = TestProvider::start().await;
    let settings = provider.settings();
    let mut pairs: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    pairs.extend_from_slice(extra);
    (
        spawn_app_with(&pairs, SmtpServer::start().await).await,
        provider,
    )
}

/// Follows a redirect to the provider, which answers at once; returns the callback path.
async fn through_provider(app: &TestApp, to_provider: reqwest::Response) -> String {
    assert_eq!(to_provider.status(), 303);
    let url = to_provider.headers()["location"]
        .to_str()
        .unwrap()
        .to_string();
    let res = app.client.get(&url).send().await.unwrap();
    let callback = res.headers()["location"].to_str().unwrap().to_string();
    callback[app.base.len()..].to_string()
}

/// Starts linking from the account page of the signed-in user; returns the callback path.
async fn link_flow(app: &TestApp) -> String {
    let token = app.csrf_token("/account").await;
    let start = app
        .post_form("/account/oauth/link", &[("csrf_token", &token)])
        .await;
    through_provider(app, start).await
}

/// A sign-in through the provider: the callback's answer.
async fn sign_in_with_provider(app: &TestApp) -> reqwest::Response {
    let start = app.get("/auth/oauth/start?next=/account").await;
    let callback = through_provider(app, start).await;
    app.get(&callback).await
}

async fn identities_of(app: &TestApp, email: &'static str) -> i64 {
    app.db(move |c| {
        oauth_identities::table
            .inner_join(users::table)
            .filter(users::email.eq(email))
            .count()
            .get_result(c)
    })
    .await
}

async fn user_count(app: &TestApp, email: &'static str) -> i64 {
    app.db(move |c| {
        users::table
            .filter(users::email.eq(email))
            .count()
            .get_result(c)
    })
    .await
}

async fn create_user(app: &TestApp, email: &'static str, role: Role) {
    app.db(move |c| secunity::accounts::queries::create_user(c, email, "九州 花子", role))
        .await;
}

#[tokio::test]
async fn an_unverified_or_unconfirmed_address_neither_takes_over_an_account_nor_creates_one() {
    let (app, provider) = oauth_app_with(&[]).await;
    create_user(&app, "hanako@example.jp", Role::Member).await;
    for claim in [json!(false), json!("false"), serde_json::Value::Null] {
        let mut info = json!({"sub": "attacker-1", "email": "Hanako@Example.JP", "name": "偽物"});
        if !claim.is_null() {
            info["email_verified"] = claim.clone();
        }
        provider.set_userinfo(info);
        let res = sign_in_with_provider(&app).await;
        assert_eq!(res.status(), 400, "email_verified {claim}");
        let page = res.text().await.unwrap();
        assert!(
            page.contains("gBizIDがこのメールアドレスを確認済みとしていない"),
            "{page}"
        );
        assert!(page.contains("メールアドレスでログインしてください"));
        assert_eq!(identities_of(&app, "hanako@example.jp").await, 0);
        assert_eq!(app.get("/account").await.status(), 303, "not signed in");
    }

    // An unknown, unverified address: no account is created with it.
    provider.set_userinfo(json!({"sub": "new-1", "email": "nobody@example.jp"}));
    let res = sign_in_with_provider(&app).await;
    assert_eq!(res.status(), 400);
    assert_eq!(user_count(&app, "nobody@example.jp").await, 0);

    // The same person with a verified address is linked to the member and signed in.
    provider.set_userinfo(
        json!({"sub": "gbiz-0001", "email": "hanako@example.jp", "email_verified": true}),
    );
    assert_eq!(sign_in_with_provider(&app).await.status(), 303);
    assert_eq!(identities_of(&app, "hanako@example.jp").await, 1);
    let (status, account) = app.get_text("/account").await;
    assert_eq!(status, 200);
    assert!(account.contains("hanako@example.jp"));
}

#[tokio::test]
async fn the_trust_setting_accepts_a_missing_claim_but_never_an_explicit_false() {
    let (app, provider) = oauth_app_with(&[("OAUTH_TRUST_EMAIL", "true")]).await;
    create_user(&app, "hanako@example.jp", Role::Member).await;
    provider.set_userinfo(
        json!({"sub": "gbiz-9", "email": "hanako@example.jp", "email_verified": false}),
    );
    assert_eq!(sign_in_with_provider(&app).await.status(), 400);
    assert_eq!(identities_of(&app, "hanako@example.jp").await, 0);

    provider.set_userinfo(json!({"sub": "gbiz-9", "email": "hanako@example.jp"}));
    assert_eq!(sign_in_with_provider(&app).await.status(), 303);
    assert_eq!(identities_of(&app, "hanako@example.jp").await, 1);
}

#[tokio::test]
async fn staff_are_never_linked_by_sign_in_and_link_unlink_from_their_account_page() {
    let (app, _provider) = oauth_app_with(&[("OAUTH_TRUST_EMAIL", "true")]).await;
    create_user(&app, "hanako@example.jp", Role::Admin).await;
    // A verified address of an admin: refused with the way to link it.
    let res = sign_in_with_provider(&app).await;
    assert_eq!(res.status(), 400);
    let page = res.text().await.unwrap();
    assert!(page.contains("事務局のアカウント"), "{page}");
    assert!(page.contains("アカウントのページから"));
    assert_eq!(identities_of(&app, "hanako@example.jp").await, 0);
    assert_eq!(app.get("/staff").await.status(), 303);

    // Signed in (by email link in real life), the admin links the identity from /account.
    app.sign_in("hanako@example.jp", Role::Admin).await;
    let (_, account) = app.get_text("/account").await;
    assert!(
        account.contains("gBizIDのアカウントを連携する"),
        "{account}"
    );
    assert!(account.contains("連携している外部のアカウントはありません"));
    let callback = link_flow(&app).await;
    let res = app.get(&callback).await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/account?done=linked");
    assert_eq!(identities_of(&app, "hanako@example.jp").await, 1);
    let (_, account) = app.get_text("/account?done=linked").await;
    assert!(account.contains("gBizIDのアカウントを連携しました"));
    assert!(account.contains("gBizIDの連携を解除"));
    assert!(!account.contains("gBizIDのアカウントを連携する"));

    // Now the provider signs the admin in.
    app.post_form_from("/", "/auth/logout", &[]).await;
    assert_eq!(sign_in_with_provider(&app).await.status(), 303);
    assert_eq!(app.get("/staff").await.status(), 200);

    // Unlinking removes it, with audit entries for both.
    let id: i64 = app
        .db(|c| {
            oauth_identities::table
                .select(oauth_identities::id)
                .first(c)
        })
        .await;
    let res = app
        .post_form_from("/account", &format!("/account/oauth/{id}/unlink"), &[])
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/account?done=unlinked");
    assert_eq!(identities_of(&app, "hanako@example.jp").await, 0);
    let actions: Vec<String> = app
        .db(|c| {
            audit_log::table
                .filter(audit_log::action.like("oauth_identity.%"))
                .order(audit_log::id)
                .select(audit_log::action)
                .load(c)
        })
        .await;
    assert_eq!(actions, ["oauth_identity.link", "oauth_identity.unlink"]);
    app.post_form_from("/", "/auth/logout", &[]).await;
    assert_eq!(sign_in_with_provider(&app).await.status(), 400);
}

#[tokio::test]
async fn a_link_flow_links_only_to_the_user_who_started_it_and_only_a_free_identity() {
    let (app, provider) = oauth_app_with(&[]).await;
    create_user(&app, "hanako@example.jp", Role::Member).await;
    // Hanako signs in through the provider: the identity is hers.
    assert_eq!(sign_in_with_provider(&app).await.status(), 303);
    app.post_form_from("/", "/auth/logout", &[]).await;

    // Staff member Taro tries to link the same identity to himself: refused.
    app.sign_in("taro@example.jp", Role::Staff).await;
    let callback = link_flow(&app).await;
    let res = app.get(&callback).await;
    assert_eq!(res.headers()["location"], "/account?done=link_taken");
    let (_, page) = app.get_text("/account?done=link_taken").await;
    assert!(page.contains("別のアカウントに連携されています"));
    assert_eq!(identities_of(&app, "taro@example.jp").await, 0);

    // A link flow finished by another signed-in user (the session changed in between) links
    // nothing to either of them.
    provider.set_userinfo(
        json!({"sub": "gbiz-taro", "email": "taro@example.jp", "email_verified": true}),
    );
    let callback = link_flow(&app).await;
    app.sign_in("jiro@example.jp", Role::Member).await;
    let res = app.get(&callback).await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/account?done=link_failed");
    let (_, page) = app.get_text("/account?done=link_failed").await;
    assert!(page.contains("gBizIDの連携を完了できませんでした"));
    assert_eq!(identities_of(&app, "taro@example.jp").await, 0);
    assert_eq!(identities_of(&app, "jiro@example.jp").await, 0);

    // Finished after signing out (which renews the browser's binding): refused, nothing linked.
    app.sign_in("taro@example.jp", Role::Staff).await;
    let callback = link_flow(&app).await;
    app.post_form_from("/", "/auth/logout", &[]).await;
    assert_eq!(app.get(&callback).await.status(), 400);
    assert_eq!(identities_of(&app, "taro@example.jp").await, 0);
    assert_eq!(app.get("/staff").await.status(), 303);

    // Cancelled at the provider: back to the account page, nothing linked.
    app.sign_in("taro@example.jp", Role::Staff).await;
    let token = app.csrf_token("/account").await;
    let start = app
        .post_form("/account/oauth/link", &[("csrf_token", &token)])
        .await;
    let to_provider = start.headers()["location"].to_str().unwrap().to_string();
    let state = to_provider
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("state="))
        .unwrap()
        .to_string();
    let res = app
        .get(&format!(
            "/auth/oauth/callback?error=access_denied&state={state}"
        ))
        .await;
    assert_eq!(res.headers()["location"], "/account?done=link_failed");
    assert_eq!(identities_of(&app, "taro@example.jp").await, 0);
    app.post_form_from("/", "/auth/logout", &[]).await;

    // Linking needs a signed-in user (and its CSRF token).
    let token = app.csrf_token("/login").await;
    let res = app
        .post_form("/account/oauth/link", &[("csrf_token", &token)])
        .await;
    assert_eq!(res.status(), 303);
    assert!(
        res.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login")
    );
}
