//! The language of a request: the `lang` cookie, else `Accept-Language`, else Japanese; and
//! the switch in the header that sets the cookie.

use super::see_other;
use crate::web::input::Query;
use actix_web::cookie::{Cookie, SameSite, time::Duration};
use actix_web::http::header::{ACCEPT_LANGUAGE, LOCATION};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use views::Lang;

/// Name of the cookie that remembers the chosen language.
pub const LANG_COOKIE: &str = "lang";

/// The language for this request.
pub fn negotiate(req: &HttpRequest) -> Lang {
    if let Some(lang) = req
        .cookie(LANG_COOKIE)
        .and_then(|c| Lang::from_code(c.value()))
    {
        return lang;
    }
    req.headers()
        .get(ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_accept_language)
        .unwrap_or_default()
}

/// Query of the language switch.
#[derive(Deserialize)]
pub struct SwitchQuery {
    next: Option<String>,
}

/// Only a path on this site may be a redirect target (no `//host`, no scheme, no backslash).
pub fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control) =>
        {
            n
        }
        _ => "/",
    }
}

/// `GET /lang/{code}?next=/path`: remembers the language for a year and goes back.
pub async fn switch(
    req: HttpRequest,
    code: web::Path<String>,
    query: Query<SwitchQuery>,
) -> HttpResponse {
    let Some(lang) = Lang::from_code(&code) else {
        return see_other("/");
    };
    let cookie = Cookie::build(LANG_COOKIE, lang.code())
        .path("/")
        .max_age(Duration::days(365))
        .same_site(SameSite::Lax)
        .http_only(true)
        .secure(req.connection_info().scheme() == "https")
        .finish();
    HttpResponse::SeeOther()
        .insert_header((LOCATION, safe_next(query.next.as_deref())))
        .cookie(cookie)
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next(Some("/seminars?x=1")), "/seminars?x=1");
        assert_eq!(safe_next(Some("//evil.example/")), "/");
        assert_eq!(safe_next(Some("https://evil.example/")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("/a\r\nSet-Cookie: x")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
