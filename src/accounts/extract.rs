//! Extractors that say who may call a handler.
//!
//! Pages: `CurrentUser` (signed in, else a redirect to the login page), `StaffUser`,
//! `AdminUser` (else 403), `MaybeUser`. API: `ApiUser` and `ApiStaff` read
//! `Authorization: Bearer <token>` (401 without a valid token, 403 for a role that may not).

use std::future::{Ready, ready};
use std::ops::Deref;

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, ResponseError};

use super::{CurrentUser, Role};
use crate::error::AppError;
use crate::web::see_other;

/// Sends a visitor who is not signed in to the login page, to come back afterwards.
#[derive(Debug, thiserror::Error)]
#[error("sign-in required")]
pub struct LoginRequired {
    next: String,
}

impl ResponseError for LoginRequired {
    fn status_code(&self) -> StatusCode {
        StatusCode::SEE_OTHER
    }

    fn error_response(&self) -> HttpResponse {
        let next: String = url_encode(&self.next);
        see_other(format!("/login?next={next}"))
    }
}

fn url_encode(s: &str) -> String {
    serde_urlencoded::to_string([("x", s)])
        .map(|q| q[2..].to_string())
        .unwrap_or_default()
}

fn signed_in(req: &HttpRequest) -> Option<CurrentUser> {
    req.extensions().get::<CurrentUser>().cloned()
}

fn login_required(req: &HttpRequest) -> actix_web::Error {
    let next = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    LoginRequired { next }.into()
}

impl FromRequest for CurrentUser {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(signed_in(req).ok_or_else(|| login_required(req)))
    }
}

/// The signed-in user, if any.
pub struct MaybeUser(pub Option<CurrentUser>);

impl FromRequest for MaybeUser {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(MaybeUser(signed_in(req))))
    }
}

macro_rules! role_extractor {
    ($(#[$doc:meta])* $name:ident, $allowed:expr) => {
        $(#[$doc])*
        pub struct $name(pub CurrentUser);

        impl Deref for $name {
            type Target = CurrentUser;
            fn deref(&self) -> &CurrentUser {
                &self.0
            }
        }

        impl FromRequest for $name {
            type Error = actix_web::Error;
            type Future = Ready<Result<Self, Self::Error>>;

            fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
                let allowed: fn(Role) -> bool = $allowed;
                ready(match signed_in(req) {
                    None => Err(login_required(req)),
                    Some(user) if allowed(user.role) => Ok($name(user)),
                    Some(_) => Err(AppError::Forbidden.into()),
                })
            }
        }
    };
}

role_extractor!(
    /// A signed-in staff member or admin (pages of the back office).
    StaffUser,
    |r| r.is_staff()
);
role_extractor!(
    /// A signed-in admin.
    AdminUser,
    |r| r == Role::Admin
);

/// The user of a valid `Authorization: Bearer` API token.
pub struct ApiUser(pub CurrentUser);

impl Deref for ApiUser {
    type Target = CurrentUser;
    fn deref(&self) -> &CurrentUser {
        &self.0
    }
}

/// The token of an `Authorization: Bearer` header, if there is a plausible one.
pub fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
        .filter(|t| !t.is_empty() && t.len() <= 100)
}

impl FromRequest for ApiUser {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    /// Ready at once: the session middleware resolved the token before the handler (so a
    /// missing or wrong token is a 401 whatever the body holds).
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            req.extensions()
                .get::<super::sessions::BearerUser>()
                .map(|b| ApiUser(b.0.clone()))
                .ok_or_else(|| AppError::Unauthorized.into()),
        )
    }
}

/// The user of a valid API token whose role is staff or admin.
pub struct ApiStaff(pub CurrentUser);

impl Deref for ApiStaff {
    type Target = CurrentUser;
    fn deref(&self) -> &CurrentUser {
        &self.0
    }
}

impl FromRequest for ApiStaff {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        ready(
            ApiUser::from_request(req, payload)
                .into_inner()
                .and_then(|ApiUser(user)| {
                    if user.is_staff() {
                        Ok(ApiStaff(user))
                    } else {
                        Err(AppError::Forbidden.into())
                    }
                }),
        )
    }
}
