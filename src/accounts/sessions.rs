//! Server-side sessions: the cookie holds a random token, the database its hash and the user.
//! The session id is renewed at sign-in and destroyed at sign-out; the cookie is HttpOnly,
//! SameSite=Lax, and `Secure` with the `__Host-` prefix whenever the base URL is https.
//! A session ends after 14 days, or earlier when unused for longer than its role allows
//! (`SESSION_IDLE_MINUTES_STAFF`, `SESSION_IDLE_MINUTES_MEMBER`).

use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, SameSite, time::Duration};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use views::UserBadge;

use super::queries;
use crate::error::AppError;
use crate::web::AppState;
use crate::web::ctx::CurrentBadge;

/// The session cookie's name.
pub fn cookie_name(https: bool) -> &'static str {
    if https { "__Host-sid" } else { "sid" }
}

fn session_cookie(value: String, https: bool, max_age: Duration) -> Cookie<'static> {
    Cookie::build(cookie_name(https), value)
        .path("/")
        .http_only(true)
        .secure(https)
        .same_site(SameSite::Lax)
        .max_age(max_age)
        .finish()
}

/// The user of a valid `Authorization: Bearer` API token, resolved by [`load`] before any
/// handler runs (see [`crate::accounts::extract::ApiUser`]).
#[derive(Debug, Clone)]
pub struct BearerUser(pub crate::accounts::CurrentUser);

/// When the session of the request began (the sign-in), for actions that ask for a recent
/// sign-in (deleting the account).
#[derive(Debug, Clone, Copy)]
pub struct SignedInAt(pub chrono::NaiveDateTime);

/// The middleware: puts the signed-in user (and the header badge) into request extensions,
/// and the user of a valid API token. Requests without a session cookie or a bearer token touch
/// no database.
///
/// The API token is resolved here rather than in the handler's extractor so that a request
/// without a valid token is answered 401 before its body is even read: an extractor that waits
/// for the database would let a malformed JSON body answer 400 first.
pub async fn load(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if let Some(state) = req.app_data::<web::Data<AppState>>().cloned() {
        if let Some(token) = crate::accounts::extract::bearer(req.request()) {
            let user = state
                .db
                .run(move |c| queries::find_api_token_user(c, &token))
                .await?;
            if let Some(user) = user {
                req.extensions_mut().insert(BearerUser(user.to_current()));
            }
        }
        let https = state.config.is_https();
        if let Some(token) = req
            .cookie(cookie_name(https))
            .map(|c| c.value().to_string())
            && crate::tokens::looks_valid(&token)
        {
            let idle = queries::IdleLimits::of(&state.config);
            let session = state
                .db
                .run(move |c| queries::resume_session(c, &token, idle))
                .await?;
            if let Some(session) = session {
                let current = session.user.to_current();
                req.extensions_mut()
                    .insert(SignedInAt(session.signed_in_at));
                req.extensions_mut().insert(CurrentBadge(UserBadge {
                    name: current.name.clone(),
                    is_staff: current.is_staff(),
                }));
                req.extensions_mut().insert(current);
                req.extensions_mut().insert(crate::web::headers::Personal);
            }
        }
    }
    next.call(req).await
}

/// Signs `user_id` in: ends the browser's previous session, starts a new one (a new id), and
/// rotates the CSRF seed. Adds the cookies to `response`.
pub async fn start(
    req: &HttpRequest,
    state: &AppState,
    user_id: i64,
    response: &mut HttpResponse,
) -> Result<(), AppError> {
    let https = state.config.is_https();
    let old = req
        .cookie(cookie_name(https))
        .map(|c| c.value().to_string());
    let token = state
        .db
        .run(move |c| {
            c.write_transaction(|c| {
                if let Some(old) = old {
                    queries::delete_session(c, &old)?;
                }
                queries::create_session(c, user_id)
            })
        })
        .await?;
    let cookie = session_cookie(token, https, Duration::days(queries::SESSION_DAYS));
    response
        .add_cookie(&cookie)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("cookie: {e}")))?;
    crate::web::csrf::rotate(req, response);
    Ok(())
}

/// Signs out: deletes the session row and clears the cookie.
pub async fn end(
    req: &HttpRequest,
    state: &AppState,
    response: &mut HttpResponse,
) -> Result<(), AppError> {
    let https = state.config.is_https();
    if let Some(token) = req
        .cookie(cookie_name(https))
        .map(|c| c.value().to_string())
    {
        state
            .db
            .run(move |c| queries::delete_session(c, &token))
            .await?;
    }
    let cookie = session_cookie(String::new(), https, Duration::ZERO);
    response
        .add_cookie(&cookie)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("cookie: {e}")))?;
    crate::web::csrf::rotate(req, response);
    Ok(())
}
