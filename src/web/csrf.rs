//! CSRF protection for every state-changing request (signed double-submit cookie).
//!
//! Every visitor who is shown a form gets a random, HttpOnly `csrf` cookie (the seed). A
//! visitor without the cookie gets one with the first answer that needs it (a page with a form,
//! an error page), not with every answer: a page without a form, kept in memory for everyone
//! (see [`super::kept`]), is then the same bytes for every visitor and costs no random seed,
//! no HMAC and no `Set-Cookie`. Nothing is stored on the server for a visitor. Forms carry
//! `HMAC(secret key, seed)` in a hidden `csrf_token` field, masked anew in every response
//! (see [`token`]). The middleware checks the token on
//! every POST, PUT, PATCH and DELETE before any handler runs, so a new route cannot forget it.
//! Exempt are the JSON API (Bearer tokens, no cookies) and the RFC 8058 one-click unsubscribe.
//! Signing in and out rotates the seed (see [`rotate`]).
//!
//! A request without the seed cookie cannot carry a matching token, so it is refused before a
//! byte of its body is read. Otherwise the token comes from the `X-CSRF-Token` header or the
//! body, which is read only for the two form encodings and only up to their limits: an
//! urlencoded form up to [`FORM_LIMIT`], a multipart upload up to [`UPLOAD_LIMIT`].

use actix_web::body::{EitherBody, MessageBody};
use actix_web::cookie::{Cookie, SameSite, time::Duration};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use secrecy::ExposeSecret;
use sha2::Sha256;
use subtle::ConstantTimeEq;

use super::input::{FORM_LIMIT, UPLOAD_LIMIT, read_limited};
use crate::error::AppError;

/// Name of the form field (and of the `X-CSRF-Token` header alternative).
pub const FIELD: &str = "csrf_token";

/// The seed of this request, in request extensions: the browser's (from the cookie), or one
/// made on first use for a browser that sent none (then the answer sets the cookie).
#[derive(Debug, Clone)]
struct CsrfSeed(std::rc::Rc<SeedCell>);

#[derive(Debug)]
struct SeedCell {
    /// Whether the browser sent no usable seed cookie.
    fresh: bool,
    value: std::cell::OnceCell<String>,
}

impl CsrfSeed {
    fn new(existing: Option<String>) -> Self {
        let value = std::cell::OnceCell::new();
        let fresh = existing.is_none();
        if let Some(seed) = existing {
            let _ = value.set(seed);
        }
        Self(std::rc::Rc::new(SeedCell { fresh, value }))
    }

    fn get(&self) -> &str {
        self.0.value.get_or_init(new_seed)
    }

    /// The seed made during this request for a browser that had none, if one was made.
    fn made(&self) -> Option<&str> {
        if self.0.fresh {
            self.0.value.get().map(String::as_str)
        } else {
            None
        }
    }
}

/// The CSRF seed of the request (made now for a browser that sent none; the answer then sets
/// the cookie). Empty outside the middleware.
pub fn seed(req: &HttpRequest) -> String {
    req.extensions()
        .get::<CsrfSeed>()
        .map(|s| s.get().to_string())
        .unwrap_or_default()
}

/// The seed cookie's name: `__Host-` prefixed over https, so no subdomain can set it.
pub fn cookie_name(https: bool) -> &'static str {
    if https { "__Host-csrf" } else { "csrf" }
}

fn new_seed() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn seed_cookie(value: String, https: bool) -> Cookie<'static> {
    Cookie::build(cookie_name(https), value)
        .path("/")
        .http_only(true)
        .secure(https)
        .same_site(SameSite::Lax)
        .max_age(Duration::days(7))
        .finish()
}

/// A random stand-in for the CSRF token in pages kept in memory (see
/// `views::layout::Fragment`): no content contains it, and each response puts its own token
/// in its place.
pub fn placeholder() -> String {
    format!("csrf-placeholder-{}", new_seed())
}

/// The secret token of a seed: `HMAC(secret key, seed)`. Pages never show it as it is (see
/// [`token`]).
fn real_token(secret: &[u8], seed: &str) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(b"csrf:");
    mac.update(seed.as_bytes());
    mac.finalize().into_bytes().into()
}

/// The token as a page shows it: a fresh random pad, then the pad XOR the secret token
/// (the one-time-pad masking against BREACH). The secret token stays the same for the seed's
/// week, but its masked form differs in every response, so a compressed page that also
/// echoes attacker-chosen text leaks nothing about it through its length.
fn masked(real: &[u8; 32]) -> String {
    let mut out = [0u8; 64];
    let (pad, hidden) = out.split_at_mut(32);
    rand::rng().fill_bytes(pad);
    for ((h, p), r) in hidden.iter_mut().zip(pad.iter()).zip(real) {
        *h = p ^ r;
    }
    URL_SAFE_NO_PAD.encode(out)
}

/// Whether a submitted (masked) token unmasks to the secret token of `seed`.
fn token_matches(secret: &[u8], seed: &str, submitted: &str) -> bool {
    let Ok(submitted) = URL_SAFE_NO_PAD.decode(submitted.trim()) else {
        return false;
    };
    let Some((pad, hidden)) = submitted
        .split_at_checked(32)
        .filter(|(_, h)| h.len() == 32)
    else {
        return false;
    };
    let unmasked: Vec<u8> = pad.iter().zip(hidden).map(|(p, h)| p ^ h).collect();
    bool::from(unmasked.ct_eq(&real_token(secret, seed)))
}

/// The CSRF token for the forms of the page being rendered (masked anew on every call).
pub fn token(req: &HttpRequest) -> String {
    let state = req.app_data::<actix_web::web::Data<super::AppState>>();
    let seed = req.extensions().get::<CsrfSeed>().cloned();
    match (state, seed) {
        (Some(state), Some(seed)) => masked(&real_token(
            state.config.secret_key.expose_secret(),
            seed.get(),
        )),
        _ => String::new(),
    }
}

/// Gives the browser a new seed (at sign-in and sign-out), so tokens seen before do not
/// work after.
pub fn rotate(req: &HttpRequest, response: &mut HttpResponse) {
    let https = req
        .app_data::<actix_web::web::Data<super::AppState>>()
        .is_some_and(|s| s.config.is_https());
    let _ = response.add_cookie(&seed_cookie(new_seed(), https));
}

fn is_state_changing(method: &Method) -> bool {
    !matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

/// Paths whose POSTs carry no CSRF token by design.
fn is_exempt(path: &str) -> bool {
    // The JSON API authenticates with a Bearer token, never with cookies.
    path.starts_with("/api/")
        // RFC 8058 one-click unsubscribe: a mail client POSTs with no page and no cookie.
        || path.starts_with("/newsletter/unsubscribe/")
}

/// The two body encodings a form can carry its token in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FormEncoding {
    Urlencoded,
    Multipart,
}

impl FormEncoding {
    fn of(content_type: &str) -> Option<Self> {
        let media_type = content_type.to_ascii_lowercase();
        if media_type.starts_with("application/x-www-form-urlencoded") {
            Some(Self::Urlencoded)
        } else if media_type.starts_with("multipart/form-data") {
            Some(Self::Multipart)
        } else {
            None
        }
    }

    /// The most the check reads of such a body.
    fn limit(self) -> usize {
        match self {
            Self::Urlencoded => FORM_LIMIT,
            Self::Multipart => UPLOAD_LIMIT,
        }
    }
}

/// Finds `csrf_token` in a urlencoded or multipart body (`content_type` as sent: a multipart
/// boundary is case-sensitive). Only the token is looked for; the strict reading of the other
/// fields is the extractors' (`web::input`).
fn token_in_body(content_type: &str, body: &[u8]) -> Option<String> {
    match FormEncoding::of(content_type)? {
        FormEncoding::Urlencoded => url::form_urlencoded::parse(body)
            .find(|(k, _)| k == FIELD)
            .map(|(_, v)| v.into_owned()),
        FormEncoding::Multipart => token_in_multipart(content_type, body),
    }
}

/// Reads the `csrf_token` part of a multipart body. Written here rather than with a multipart
/// crate because the check needs one small text part from a buffered body, not a stream parser.
fn token_in_multipart(content_type: &str, body: &[u8]) -> Option<String> {
    let boundary = content_type
        .split(';')
        .map(str::trim)
        .find_map(|p| {
            p.get(..9)
                .filter(|k| k.eq_ignore_ascii_case("boundary="))
                .map(|_| &p[9..])
        })?
        .trim_matches('"');
    let delimiter = format!("--{boundary}");
    let text = String::from_utf8_lossy(body);
    for part in text.split(&delimiter) {
        let Some((headers, value)) = part.split_once("\r\n\r\n") else {
            continue;
        };
        let named = headers.lines().any(|l| {
            l.to_ascii_lowercase().starts_with("content-disposition")
                && l.contains(&format!("name=\"{FIELD}\""))
        });
        if named {
            return Some(value.trim_end_matches("\r\n").to_string());
        }
    }
    None
}

/// The middleware: sets the seed cookie when missing and the answer needs it (a token was
/// made, or the answer is an error page, rendered after this layer), and rejects
/// state-changing requests without a valid token with 403, before their handler runs.
pub async fn protect(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let Some(state) = req
        .app_data::<actix_web::web::Data<super::AppState>>()
        .cloned()
    else {
        return next.call(req).await.map(|r| r.map_into_left_body());
    };
    let https = state.config.is_https();
    let existing = req
        .cookie(cookie_name(https))
        .map(|c| c.value().to_string())
        .filter(|v| v.len() >= 32 && v.len() <= 64);
    let fresh = existing.is_none();
    let seed = CsrfSeed::new(existing);
    req.extensions_mut().insert(seed.clone());

    if is_state_changing(req.method()) && !is_exempt(req.path()) {
        // A fresh seed means the browser sent no cookie: no token can match it, so the body
        // is not even read.
        if fresh {
            return Ok(req.error_response(AppError::Csrf).map_into_right_body());
        }
        let header_token = req
            .headers()
            .get("X-CSRF-Token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let content_type = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let submitted = match (header_token, FormEncoding::of(&content_type)) {
            (Some(t), _) => Some(t),
            (None, Some(encoding)) => {
                let body = match read_limited(req.take_payload(), encoding.limit()).await {
                    Ok(body) => body,
                    Err(e) => {
                        return Ok(req.error_response(e).map_into_right_body());
                    }
                };
                let found = token_in_body(&content_type, &body);
                req.set_payload(Payload::from(body));
                found
            }
            // Any other body cannot carry the token: not read.
            (None, None) => None,
        };
        let valid = submitted.is_some_and(|t| {
            token_matches(state.config.secret_key.expose_secret(), seed.get(), &t)
        });
        if !valid {
            return Ok(req.error_response(AppError::Csrf).map_into_right_body());
        }
    }

    let mut res = next.call(req).await?;
    // An error page is rendered after this layer (`web::errors`), with a header that may
    // carry a form: its seed is made here, so that the cookie goes with it.
    if fresh && res.status().as_u16() >= 400 {
        seed.get();
    }
    if let Some(made) = seed.made() {
        let _ = res
            .response_mut()
            .add_cookie(&seed_cookie(made.to_string(), https));
    }
    Ok(res.map_into_left_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_bound_to_seed_and_key() {
        let t = masked(&real_token(b"key-one", "seed-a"));
        assert!(token_matches(b"key-one", "seed-a", &t));
        assert!(!token_matches(b"key-one", "seed-b", &t));
        assert!(!token_matches(b"key-two", "seed-a", &t));
        assert!(!token_matches(b"key-one", "seed-a", ""));
        assert!(!token_matches(b"key-one", "seed-a", "not base64 !!"));
    }

    #[test]
    fn masked_tokens_differ_every_time_and_only_unmask_to_the_real_one() {
        let real = real_token(b"key-one", "seed-a");
        let (a, b) = (masked(&real), masked(&real));
        assert_ne!(a, b);
        assert!(token_matches(b"key-one", "seed-a", &a));
        assert!(token_matches(b"key-one", "seed-a", &b));
        // The secret token itself, unmasked, is not accepted: pages never show it.
        assert!(!token_matches(
            b"key-one",
            "seed-a",
            &URL_SAFE_NO_PAD.encode(real)
        ));
        // One flipped bit in the pad or in the masked half is refused.
        let mut bytes = URL_SAFE_NO_PAD.decode(&a).unwrap();
        for at in [0, 40] {
            bytes[at] ^= 1;
            assert!(!token_matches(
                b"key-one",
                "seed-a",
                &URL_SAFE_NO_PAD.encode(&bytes)
            ));
            bytes[at] ^= 1;
        }
        // Too short or too long.
        assert!(!token_matches(
            b"key-one",
            "seed-a",
            &URL_SAFE_NO_PAD.encode(&bytes[..63])
        ));
        bytes.push(0);
        assert!(!token_matches(
            b"key-one",
            "seed-a",
            &URL_SAFE_NO_PAD.encode(&bytes)
        ));
    }

    #[test]
    fn token_is_found_in_forms_and_multipart() {
        assert_eq!(
            token_in_body(
                "application/x-www-form-urlencoded",
                b"name=a&csrf_token=abc%2Bd"
            ),
            Some("abc+d".into())
        );
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\ntok123\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nx\r\n--XyZ--\r\n";
        assert_eq!(
            token_in_body("multipart/form-data; boundary=XyZ", body.as_bytes()),
            Some("tok123".into())
        );
        assert_eq!(token_in_body("application/json", b"{}"), None);
        // Browsers' boundaries are mixed case, and the boundary is case-sensitive.
        let body = "------WebKitFormBoundaryAbC\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\ntok456\r\n------WebKitFormBoundaryAbC--\r\n";
        assert_eq!(
            token_in_body(
                "Multipart/Form-Data; Boundary=----WebKitFormBoundaryAbC",
                body.as_bytes()
            ),
            Some("tok456".into())
        );
    }

    #[test]
    fn api_and_one_click_unsubscribe_are_exempt() {
        assert!(is_exempt("/api/v1/seminars"));
        assert!(is_exempt("/newsletter/unsubscribe/abc"));
        assert!(!is_exempt("/seminars/1/registrations"));
        assert!(!is_exempt("/apiary"));
    }
}
