//! Sign-in through one configurable OAuth2 provider (e.g. gBizID): authorization code with
//! PKCE, a `state` bound to the browser (its CSRF seed), the `oauth2` crate for the protocol.
//! First sign-in links the identity to the user with the same verified address, or creates a
//! member. Every failure lands on the login page with a clear message.

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

use super::{Role, queries, sessions};
use crate::config::OAuthSettings;
use crate::db::DbConn;
use crate::error::AppError;
use crate::schema::{oauth_flows, oauth_identities};
use crate::web::AppState;
use crate::web::csrf::CsrfSeed;
use crate::web::ctx::{Page, html_status};
use crate::web::input::Query;
use crate::web::lang::safe_next;
use crate::{time, tokens};

/// How long a started authorization may take.
const FLOW_MINUTES: i64 = 10;

fn browser_hash(req: &HttpRequest) -> String {
    let seed = req
        .extensions()
        .get::<CsrfSeed>()
        .map(|s| s.0.clone())
        .unwrap_or_default();
    tokens::hash_for("oauth-browser", &seed)
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
        .set_client_secret(ClientSecret::new(settings.client_secret.clone()))
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

/// `GET /auth/oauth/start`: redirects to the provider.
pub async fn start(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: Query<StartQuery>,
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
    let browser = browser_hash(&req);
    let next = safe_next(query.next.as_deref()).to_string();
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
                ))
                .execute(c)
        })
        .await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((LOCATION, url.to_string()))
        .insert_header(("Cache-Control", "no-store"))
        .finish())
}

/// Query of the callback.
#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// Takes the flow of `state` once, if it belongs to this browser and has not expired.
fn take_flow(
    conn: &mut DbConn,
    state: &str,
    browser: &str,
) -> QueryResult<Option<(String, String)>> {
    let hash = tokens::hash_for("oauth-state", state);
    let found: Option<(String, String, String, chrono::NaiveDateTime)> = oauth_flows::table
        .find(&hash)
        .select((
            oauth_flows::browser_hash,
            oauth_flows::pkce_verifier,
            oauth_flows::next_path,
            oauth_flows::expires_at,
        ))
        .first(conn)
        .optional()?;
    diesel::delete(oauth_flows::table.find(&hash)).execute(conn)?;
    Ok(found.and_then(|(b, verifier, next, expires)| {
        (b == browser && expires > time::now_utc()).then_some((verifier, next))
    }))
}

/// What the provider says about the person.
struct Identity {
    subject: String,
    email: String,
    name: String,
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
    if query.error.is_some() {
        return Ok(failure(&page, &state, "login.oauth_denied"));
    }
    let (Some(code), Some(returned_state)) = (query.code.clone(), query.state.clone()) else {
        return Ok(failure(&page, &state, "login.oauth_failed"));
    };
    if returned_state.len() > 200 || code.len() > 2000 {
        return Ok(failure(&page, &state, "login.oauth_failed"));
    }
    let browser = browser_hash(&req);
    let flow = state
        .db
        .run(move |c| take_flow(c, &returned_state, &browser))
        .await?;
    let Some((verifier, next)) = flow else {
        return Ok(failure(&page, &state, "login.oauth_failed"));
    };
    let client = client(&settings, &state.config.base_url)?;
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
            return Ok(failure(&page, &state, "login.oauth_failed"));
        }
    };
    let info: serde_json::Value = match http
        .get(&settings.userinfo_url)
        .bearer_auth(token.access_token().secret())
        .send()
        .await
        .and_then(|r| r.error_for_status())
    {
        Ok(r) => match r.json().await {
            Ok(v) => v,
            Err(_) => return Ok(failure(&page, &state, "login.oauth_failed")),
        },
        Err(e) => {
            tracing::warn!(error = %e, "OAuth userinfo failed");
            return Ok(failure(&page, &state, "login.oauth_failed"));
        }
    };
    let unverified = info.get("email_verified") == Some(&serde_json::Value::Bool(false));
    let identity = match (
        field(&info, &settings.subject_field),
        field(&info, &settings.email_field).and_then(|e| crate::validate::email(&e).ok()),
    ) {
        (Some(subject), Some(email)) if !unverified => Identity {
            subject,
            name: field(&info, &settings.name_field)
                .and_then(|n| crate::validate::line(&n, true, 100).ok())
                .unwrap_or_else(|| email.split('@').next().unwrap_or("").to_string()),
            email,
        },
        _ => return Ok(failure(&page, &state, "login.oauth_no_email")),
    };
    let provider = settings.provider_name.clone();
    let user = state
        .db
        .run(move |c| c.write_transaction(|c| link_or_create(c, &provider, &identity)))
        .await?;
    let Some(user) = user else {
        return Ok(failure(&page, &state, "login.oauth_failed"));
    };
    let mut response = HttpResponse::SeeOther()
        .insert_header((LOCATION, next))
        .finish();
    sessions::start(&req, &state, user.id, &mut response).await?;
    Ok(response)
}

/// The user of an identity: already linked, or the user with the same verified address
/// (linked now), or a new member. `None` for a deactivated user.
fn link_or_create(
    conn: &mut DbConn,
    provider: &str,
    identity: &Identity,
) -> QueryResult<Option<queries::User>> {
    let linked: Option<i64> = oauth_identities::table
        .filter(oauth_identities::provider.eq(provider))
        .filter(oauth_identities::subject.eq(&identity.subject))
        .select(oauth_identities::user_id)
        .first(conn)
        .optional()?;
    let user = match linked {
        Some(id) => queries::find_user(conn, id)?,
        None => {
            let user = match queries::find_user_by_email(conn, &identity.email)? {
                Some(u) => u,
                None => queries::create_user(conn, &identity.email, &identity.name, Role::Member)?,
            };
            diesel::insert_into(oauth_identities::table)
                .values((
                    oauth_identities::user_id.eq(user.id),
                    oauth_identities::provider.eq(provider),
                    oauth_identities::subject.eq(&identity.subject),
                    oauth_identities::created_at.eq(time::now_utc()),
                ))
                .execute(conn)?;
            user
        }
    };
    Ok(user.active.then_some(user))
}
