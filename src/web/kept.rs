//! Answers from pages kept in memory (the public pages of the features, see
//! `views::layout::Fragment`): each request gets the kept content in its own frame (CSRF
//! token, language switch, signed-in header). For a visitor who is not signed in and whose
//! browser takes gzip, a page without a form token is the same bytes for everyone who asks for
//! the same path: those are compressed once and kept with the page, instead of being compressed
//! again for every request by the `Compress` middleware (which leaves a response that is
//! compressed already alone).

use std::io::Write;
use std::sync::Mutex;

use actix_web::http::header::{self, ContentType, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use views::PageCtx;
use views::layout::Fragment;

/// How many paths (the same page under differently written queries) keep compressed bytes.
const COMPRESSED_PATHS: usize = 8;

/// A page kept in memory: its content, and its compressed bytes per path for visitors who are
/// not signed in.
pub struct KeptPage {
    fragment: Fragment,
    gzipped: Mutex<Vec<(String, Bytes)>>,
}

impl KeptPage {
    /// Keeps `fragment`.
    pub fn new(fragment: Fragment) -> Self {
        Self {
            fragment,
            gzipped: Mutex::new(Vec::new()),
        }
    }

    /// The kept content.
    pub fn fragment(&self) -> &Fragment {
        &self.fragment
    }

    /// The whole page for `ctx` compressed with gzip, from memory after the first time.
    fn gzipped(&self, ctx: &PageCtx) -> Option<Bytes> {
        {
            let kept = self.gzipped.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((_, bytes)) = kept.iter().find(|(path, _)| *path == ctx.path) {
                return Some(bytes.clone());
            }
            if kept.len() >= COMPRESSED_PATHS {
                return None;
            }
        }
        let html = self.fragment.page(ctx).into_string();
        let mut encoder = flate2::write::GzEncoder::new(
            Vec::with_capacity(html.len() / 4),
            flate2::Compression::default(),
        );
        encoder.write_all(html.as_bytes()).ok()?;
        let bytes = Bytes::from(encoder.finish().ok()?);
        let mut kept = self.gzipped.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() < COMPRESSED_PATHS && !kept.iter().any(|(path, _)| *path == ctx.path) {
            kept.push((ctx.path.clone(), bytes.clone()));
        }
        Some(bytes)
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

/// The 200 answer with `kept` framed for this request.
pub fn respond(req: &HttpRequest, ctx: &PageCtx, kept: &KeptPage) -> HttpResponse {
    let same_for_everyone = ctx.user.is_none() && !kept.fragment.takes_token();
    if same_for_everyone
        && takes_gzip(req)
        && let Some(bytes) = kept.gzipped(ctx)
    {
        return HttpResponse::Ok()
            .content_type(ContentType::html())
            .insert_header((header::CONTENT_ENCODING, HeaderValue::from_static("gzip")))
            .insert_header((header::VARY, HeaderValue::from_static("accept-encoding")))
            .body(bytes);
    }
    super::ctx::html(kept.fragment.page(ctx))
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
