//! Security headers on every response, and `Cache-Control: no-store` on every personal one.

use actix_web::HttpMessage;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{CACHE_CONTROL, HeaderValue};
use actix_web::middleware::{DefaultHeaders, Next};

/// The Content-Security-Policy: everything from this origin, no inline script or style, no
/// framing, forms only to this origin.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// The headers every response carries (HSTS only when the site is served over https).
pub fn security_headers(https: bool) -> DefaultHeaders {
    let headers = DefaultHeaders::new()
        .add(("Content-Security-Policy", CONTENT_SECURITY_POLICY))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "strict-origin-when-cross-origin"))
        .add((
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), payment=()",
        ))
        .add(("Cross-Origin-Opener-Policy", "same-origin"));
    if https {
        headers.add((
            "Strict-Transport-Security",
            "max-age=31536000; includeSubDomains",
        ))
    } else {
        headers
    }
}

/// Paths whose every answer is personal or for staff: a personal link (registration, newsletter
/// preferences and confirmation, invitation, sign-in link), the account pages (the page that
/// shows a new API token included), the back office, the board's own posts and the JSON API.
const PERSONAL_PREFIXES: &[&str] = &[
    "/registrations/",
    "/newsletter/preferences/",
    "/newsletter/confirm/",
    "/invitations/",
    "/account",
    "/staff",
    "/login",
    "/auth/",
    "/board/mine",
    "/api/v1/",
];

/// Marks a request whose answer is personal wherever its path is (set in request extensions,
/// e.g. by the session layer for a signed-in user, whose name is in every page's header). An
/// answer that says how it may be cached (an asset) keeps that.
#[derive(Debug, Clone, Copy)]
pub struct Personal;

/// Whether answers to `path` are personal by where they are.
pub fn is_personal_path(path: &str) -> bool {
    PERSONAL_PREFIXES.iter().any(|prefix| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| prefix.ends_with('/') || rest.is_empty() || rest.starts_with('/'))
    })
}

/// The middleware: personal answers get `Cache-Control: no-store`, so no browser history,
/// back button on a shared computer or proxy keeps a copy. Only this one place decides it.
pub async fn cache_control(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let by_path = is_personal_path(req.path());
    let mut res = next.call(req).await?;
    let marked = res.request().extensions().get::<Personal>().is_some()
        && !res.headers().contains_key(CACHE_CONTROL);
    if by_path || marked {
        res.headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_paths_are_recognised_by_whole_segments() {
        for path in [
            "/registrations/abc",
            "/newsletter/preferences/t",
            "/account",
            "/account/data.json",
            "/staff",
            "/staff/seminars/1",
            "/login",
            "/login/sent",
            "/auth/email/t",
            "/board/mine",
            "/api/v1/me",
        ] {
            assert!(is_personal_path(path), "{path}");
        }
        for path in [
            "/",
            "/seminars",
            "/staffing",
            "/accounts-help",
            "/newsletter",
            "/board",
        ] {
            assert!(!is_personal_path(path), "{path}");
        }
    }
}
