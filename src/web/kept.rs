//! Answers from pages kept in memory (the public pages of the features, see
//! `views::layout::Fragment`): each request gets the kept content in its own frame (CSRF
//! token, language switch, signed-in header).
//!
//! For a visitor who is not signed in, the frame depends only on the path (the language switch
//! comes back to it) and the language (part of what the page is kept under): the whole page is
//! rendered once per path and kept as bytes, cut where the CSRF token goes. A page without a
//! form is then the same bytes for everyone and is answered without copying, without a token
//! and without a CSRF cookie (see [`super::csrf`]); a page with a form gets the visitor's own
//! token (masked anew for every response) between the kept pieces. For a browser that takes
//! gzip, a page without a form token is also compressed once and kept, instead of being
//! compressed again for every request by the `Compress` middleware (which leaves a response
//! that is compressed already alone). A signed-in visitor's page is framed per request.

use std::io::Write;
use std::sync::{Arc, LazyLock, Mutex};

use actix_web::http::header::{self, ContentType, HeaderValue};
use actix_web::web::{Bytes, BytesMut};
use actix_web::{HttpRequest, HttpResponse};
use views::PageCtx;
use views::layout::Fragment;

/// How many paths (the same page under differently written queries) keep their whole page
/// (and, apart, their compressed bytes).
const KEPT_PATHS: usize = 8;

/// Stands for the CSRF token in the whole pages kept: random, so no page contains it.
static PLACEHOLDER: LazyLock<String> = LazyLock::new(super::csrf::placeholder);

/// A page for one path, kept whole: its bytes, cut where the CSRF token goes.
type Pieces = Arc<Vec<Bytes>>;

/// Whole pages (or their compressed bytes) per path, at most [`KEPT_PATHS`] of them.
struct PerPath<T> {
    kept: Mutex<Vec<(String, T)>>,
}

impl<T: Clone> PerPath<T> {
    fn new() -> Self {
        Self {
            kept: Mutex::new(Vec::new()),
        }
    }

    /// The value for `path`, made with `make` the first time (and not kept once
    /// [`KEPT_PATHS`] paths are).
    fn get_or_make(&self, path: &str, make: impl FnOnce() -> Option<T>) -> Option<T> {
        {
            let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((_, value)) = kept.iter().find(|(p, _)| p == path) {
                return Some(value.clone());
            }
            if kept.len() >= KEPT_PATHS {
                return None;
            }
        }
        let value = make()?;
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() < KEPT_PATHS && !kept.iter().any(|(p, _)| p == path) {
            kept.push((path.to_string(), value.clone()));
        }
        Some(value)
    }
}

/// A page kept in memory: its content, and for visitors who are not signed in its whole page
/// and its compressed bytes per path.
pub struct KeptPage {
    fragment: Fragment,
    whole: PerPath<Pieces>,
    gzipped: PerPath<Bytes>,
}

impl KeptPage {
    /// Keeps `fragment`.
    pub fn new(fragment: Fragment) -> Self {
        Self {
            fragment,
            whole: PerPath::new(),
            gzipped: PerPath::new(),
        }
    }

    /// The kept content.
    pub fn fragment(&self) -> &Fragment {
        &self.fragment
    }

    /// The whole page for `ctx` (no user) cut where the token goes, from memory after the
    /// first time.
    fn whole(&self, ctx: &PageCtx) -> Option<Pieces> {
        self.whole.get_or_make(&ctx.path, || {
            let template = PageCtx {
                csrf_token: PLACEHOLDER.clone(),
                ..ctx.clone()
            };
            let html = self.fragment.page(&template).into_string();
            let pieces = html
                .split(PLACEHOLDER.as_str())
                .map(|piece| Bytes::copy_from_slice(piece.as_bytes()))
                .collect();
            Some(Arc::new(pieces))
        })
    }

    /// The whole page for `ctx` (no user, no form token) compressed with gzip, from memory
    /// after the first time.
    fn gzipped(&self, ctx: &PageCtx) -> Option<Bytes> {
        self.gzipped.get_or_make(&ctx.path, || {
            let html = self.fragment.page(ctx).into_string();
            let mut encoder = flate2::write::GzEncoder::new(
                Vec::with_capacity(html.len() / 4),
                flate2::Compression::default(),
            );
            encoder.write_all(html.as_bytes()).ok()?;
            Some(Bytes::from(encoder.finish().ok()?))
        })
    }
}

/// Whether the request's `Accept-Encoding` takes gzip.
fn takes_gzip(req: &HttpRequest) -> bool {
    let Some(accept) = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    accept.split(',').any(|item| {
        let mut parts = item.split(';').map(str::trim);
        let name = parts.next().unwrap_or("");
        let refused = parts.any(|p| {
            p.strip_prefix("q=")
                .and_then(|q| q.parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        name.eq_ignore_ascii_case("gzip") && !refused
    })
}

/// The 200 answer with `kept` framed for this request. The CSRF token is made only when the
/// page shows a form (its content's, or the sign-out form of a signed-in visitor's header).
pub fn respond(req: &HttpRequest, kept: &KeptPage) -> HttpResponse {
    let mut ctx = super::ctx::page_ctx_without_token(req);
    if ctx.user.is_none() {
        if !kept.fragment.takes_token()
            && takes_gzip(req)
            && let Some(bytes) = kept.gzipped(&ctx)
        {
            return HttpResponse::Ok()
                .content_type(ContentType::html())
                .insert_header((header::CONTENT_ENCODING, HeaderValue::from_static("gzip")))
                .insert_header((header::VARY, HeaderValue::from_static("accept-encoding")))
                .body(bytes);
        }
        if let Some(pieces) = kept.whole(&ctx) {
            let body = match pieces.as_slice() {
                [one] => one.clone(),
                pieces => {
                    let token = super::csrf::token(req);
                    let len = pieces.iter().map(Bytes::len).sum::<usize>()
                        + token.len() * pieces.len().saturating_sub(1);
                    let mut body = BytesMut::with_capacity(len);
                    for (i, piece) in pieces.iter().enumerate() {
                        if i > 0 {
                            body.extend_from_slice(token.as_bytes());
                        }
                        body.extend_from_slice(piece);
                    }
                    body.freeze()
                }
            };
            return HttpResponse::Ok()
                .content_type(ContentType::html())
                .body(body);
        }
    }
    ctx.csrf_token = super::csrf::token(req);
    super::ctx::html(kept.fragment.page(&ctx))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_is_taken_unless_refused() {
        let with = |v: &'static str| {
            actix_web::test::TestRequest::default()
                .insert_header((header::ACCEPT_ENCODING, v))
                .to_http_request()
        };
        assert!(takes_gzip(&with("gzip, deflate, br")));
        assert!(takes_gzip(&with("br;q=1.0, GZIP;q=0.5")));
        assert!(!takes_gzip(&with("gzip;q=0")));
        assert!(!takes_gzip(&with("br")));
        assert!(!takes_gzip(
            &actix_web::test::TestRequest::default().to_http_request()
        ));
    }
}
