//! Sign-in through one configurable OAuth2 provider (e.g. gBizID): authorization code with
//! PKCE, a `state` bound to the browser (its CSRF seed), the `oauth2` crate for the protocol.
//! Who an identity signs in, and when it may be linked, is decided in [`super::identities`];
//! a signed-in user links their identity from `/account` through the same flow. Every failure
//! lands on the login page (or the account page, for linking) with a clear message.

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use chrono::Duration;
use diesel::prelude::*;
use oauth2::basic::BasicClient;
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse, TokenUrl,
};
use serde::Deserialize;

use super::{CurrentUser, identities, sessions};
use crate::config::OAuthSettings;
use crate::db::DbConn;
use crate::error::AppError;
use crate::schema::oauth_flows;
use crate::web::AppState;
use crate::web::ctx::{Page, html_status};
use crate::web::input::Query;
use crate::web::lang::safe_next;
use crate::web::see_other;
use crate::{time, tokens};

/// How long a started authorization may take.
const FLOW_MINUTES: i64 = 10;

fn browser_hash(req: &HttpRequest) -> String {
    tokens::hash_for("oauth-browser", &crate::web::csrf::seed(req))
}

/// A login page with an error message, status 400.
fn failure(page: &Page, state: &AppState, key: &'static str) -> HttpResponse {
    let provider = state
        .config
        .oauth
        .as_ref()
        .map(|o| o.provider_name.clone())
        .unwrap_or_default();
    let view = views::accounts::LoginView {
        next: "/".into(),
        oauth_name: state.config.oauth.as_ref().map(|o| o.provider_name.clone()),
        message: Some(page.tf(key, &[("provider", &provider)])),
        ..Default::default()
    };
    html_status(StatusCode::BAD_REQUEST, views::accounts::login(page, &view))
}

type Client = oauth2::Client<
    oauth2::basic::BasicErrorResponse,
    oauth2::basic::BasicTokenResponse,
    oauth2::basic::BasicTokenIntrospectionResponse,
    oauth2::StandardRevocableToken,
    oauth2::basic::BasicRevocationErrorResponse,
    oauth2::EndpointSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointSet,
>;

fn client(settings: &OAuthSettings, base_url: &str) -> Result<Client, AppError> {
    let bad =
        |e: oauth2::url::ParseError| AppError::Internal(anyhow::anyhow!("OAuth setting: {e}"));
    Ok(BasicClient::new(ClientId::new(settings.client_id.clone()))
        .set_client_secret(ClientSecret::new(
            secrecy::ExposeSecret::expose_secret(&settings.client_secret).to_string(),
        ))
        .set_auth_uri(AuthUrl::new(settings.auth_url.clone()).map_err(bad)?)
        .set_token_uri(TokenUrl::new(settings.token_url.clone()).map_err(bad)?)
        .set_redirect_uri(
            RedirectUrl::new(format!("{base_url}/auth/oauth/callback")).map_err(bad)?,
        ))
}

/// Query of the start.
#[derive(Deserialize)]
pub struct StartQuery {
    next: Option<String>,
}

/// Stores a new authorization flow bound to this browser (and, for linking, to the signed-in
/// user) and answers the redirect to the provider.
async fn begin(
    req: &HttpRequest,
    state: &AppState,
    next: String,
    link_user_id: Option<i64>,
) -> Result<HttpResponse, AppError> {
    let settings = state.config.oauth.clone().ok_or(AppError::NotFound)?;
    let client = client(&settings, &state.config.base_url)?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client
        .authorize_url(CsrfToken::new_random)
        .set_pkce_challenge(challenge);
    for scope in &settings.scopes {
        request = request.add_scope(Scope::new(scope.clone()));
    }
    let (url, csrf) = request.url();
    let state_hash = tokens::hash_for("oauth-state", csrf.secret());
    let browser = browser_hash(req);
    let verifier = verifier.secret().clone();
    state
        .db
        .run(move |c| {
            let at = time::now_utc();
            // Old, abandoned flows go first.
            diesel::delete(oauth_flows::table.filter(oauth_flows::expires_at.lt(at))).execute(c)?;
            diesel::insert_into(oauth_flows::table)
                .values((
                    oauth_flows::state_hash.eq(state_hash),
                    oauth_flows::browser_hash.eq(browser),
                    oauth_flows::pkce_verifier.eq(verifier),
                    oauth_flows::next_path.eq(next),
                    oauth_flows::created_at.eq(at),
                    oauth_flows::expires_at.eq(at + Duration::minutes(FLOW_MINUTES)),
                    oauth_flows::link_user_id.eq(link_user_id),
                ))
                .execute(c)
        })
        .await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((LOCATION, url.to_string()))
        .insert_header(("Cache-Control", "no-store"))
        .finish())
}

/// `GET /auth/oauth/start`: redirects to the provider to sign in.
pub async fn start(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: Query<StartQuery>,
) -> Result<HttpResponse, AppError> {
    let next = safe_next(query.next.as_deref()).to_string();
    begin(&req, &state, next, None).await
}

/// `POST /account/oauth/link`: the signed-in user links their identity at the provider to
/// their account (the only way staff and admins get one: sign-in never links them).
pub async fn link_start(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    begin(&req, &state, "/account".into(), Some(user.id)).await
}

/// Query of the callback.
#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// A started authorization, taken back at the callback.
struct Flow {
    verifier: String,
    next: String,
    /// The signed-in user who asked to link an identity, for a link flow.
    link_user_id: Option<i64>,
}

/// Takes the flow of `state` once, if it belongs to this browser and has not expired.
fn take_flow(conn: &mut DbConn, state: &str, browser: &str) -> QueryResult<Option<Flow>> {
    let hash = tokens::hash_for("oauth-state", state);
    type Row = (String, String, String, chrono::NaiveDateTime, Option<i64>);
    let found: Option<Row> = oauth_flows::table
        .find(&hash)
        .select((
            oauth_flows::browser_hash,
            oauth_flows::pkce_verifier,
            oauth_flows::next_path,
            oauth_flows::expires_at,
            oauth_flows::link_user_id,
        ))
        .first(conn)
        .optional()?;
    diesel::delete(oauth_flows::table.find(&hash)).execute(conn)?;
    Ok(
        found.and_then(|(b, verifier, next, expires, link_user_id)| {
            (b == browser && expires > time::now_utc()).then_some(Flow {
                verifier,
                next,
                link_user_id,
            })
        }),
    )
}

fn field(info: &serde_json::Value, name: &str) -> Option<String> {
    match info.get(name)? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `GET /auth/oauth/callback`.
pub async fn callback(
    req: HttpRequest,
    page: Page,
    state: web::Data<AppState>,
    query: Query<CallbackQuery>,
) -> Result<HttpResponse, AppError> {
    let Some(settings) = state.config.oauth.clone() else {
        return Err(AppError::NotFound);
    };
    let flow = match query.state.clone().filter(|s| s.len() <= 200) {
        Some(returned_state) => {
            let browser = browser_hash(&req);
            state
                .db
                .run(move |c| take_flow(c, &returned_state, &browser))
                .await?
        }
        None => None,
    };
    if query.error.is_some() {
        // Linking was cancelled at the provider: back to the account page, still signed in.
        if flow.as_ref().is_some_and(|f| f.link_user_id.is_some()) {
            return Ok(see_other("/account?done=link_failed"));
        }
        return Ok(failure(&page, &state, "login.oauth_denied"));
    }
    let (Some(code), Some(flow)) = (query.code.clone().filter(|c| c.len() <= 2000), flow) else {
        return Ok(failure(&page, &state, "login.oauth_failed"));
    };
    let info = match userinfo(&settings, &state.config.base_url, code, flow.verifier).await? {
        Some(info) => info,
        None => return Ok(failure(&page, &state, "login.oauth_failed")),
    };
    let Some(subject) = field(&info, &settings.subject_field) else {
        return Ok(failure(&page, &state, "login.oauth_failed"));
    };
    let provider = settings.provider_name.clone();
    if let Some(owner) = flow.link_user_id {
        return finish_link(&req, &state, owner, provider, subject).await;
    }
    let email = field(&info, &settings.email_field).and_then(|e| crate::validate::email(&e).ok());
    let claims = identities::Claims {
        name: field(&info, &settings.name_field)
            .and_then(|n| crate::validate::line(&n, true, 100).ok())
            .or_else(|| {
                email
                    .as_deref()
                    .and_then(|e| e.split('@').next())
                    .map(str::to_string)
            })
            .unwrap_or_default(),
        verified: identities::email_verified(&info, settings.trust_email),
        email,
        subject,
    };
    let user = state
        .db
        .run(move |c| c.write_transaction(|c| identities::sign_in(c, &provider, &claims)))
        .await?;
    let user = match user {
        Ok(user) => user,
        Err(refusal) => return Ok(failure(&page, &state, refusal.message_key())),
    };
    let mut response = see_other(flow.next);
    sessions::start(&req, &state, user.id, &mut response).await?;
    Ok(response)
}

/// Exchanges the code (with the PKCE verifier) and reads the userinfo; `None` when the
/// provider refused either step (logged without personal data).
async fn userinfo(
    settings: &OAuthSettings,
    base_url: &str,
    code: String,
    verifier: String,
) -> Result<Option<serde_json::Value>, AppError> {
    let client = client(settings, base_url)?;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(15))
        .build()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("http client: {e}")))?;
    let token = match client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(PkceCodeVerifier::new(verifier))
        .request_async(&http)
        .await
    {
        Ok(t) => t,
        Err(e) => {
            tracing::warn!(error = %e, "OAuth token exchange failed");
            return Ok(None);
        }
    };
    match http
        .get(&settings.userinfo_url)
        .bearer_auth(token.access_token().secret())
        .send()
        .await
        .and_then(|r| r.error_for_status())
    {
        Ok(r) => Ok(r.json().await.ok()),
        Err(e) => {
            tracing::warn!(error = %e, "OAuth userinfo failed");
            Ok(None)
        }
    }
}

/// The end of a link flow started from `/account`: only the user who started it, still signed
/// in in this browser, gets the identity.
async fn finish_link(
    req: &HttpRequest,
    state: &AppState,
    owner: i64,
    provider: String,
    subject: String,
) -> Result<HttpResponse, AppError> {
    let signed_in = req.extensions().get::<CurrentUser>().cloned();
    let Some(user) = signed_in.filter(|u| u.id == owner) else {
        return Ok(see_other("/account?done=link_failed"));
    };
    let linked = state
        .db
        .run(move |c| c.write_transaction(|c| identities::link_to(c, &user, &provider, &subject)))
        .await?;
    Ok(see_other(match linked {
        identities::Linked::Done | identities::Linked::Already => "/account?done=linked",
        identities::Linked::OtherAccount => "/account?done=link_taken",
    }))
}

/// `POST /account/oauth/{id}/unlink`: the user unlinks one of their identities.
pub async fn unlink(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let done = state
        .db
        .run(move |c| c.write_transaction(|c| identities::unlink(c, &user, id)))
        .await?;
    if !done {
        return Err(AppError::NotFound);
    }
    Ok(see_other("/account?done=unlinked"))
}
