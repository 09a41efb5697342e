//! The page context: language, current path, asset version, CSRF token and signed-in user,
//! taken from the request for the `views` crate.

use std::future::{Ready, ready};
use std::ops::Deref;

use actix_web::dev::Payload;
use actix_web::http::header::ContentType;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, web};
use views::{Markup, PageCtx, UserBadge};

use super::{AppState, csrf, lang};

/// The signed-in user's badge, put into request extensions by the session layer.
#[derive(Debug, Clone)]
pub struct CurrentBadge(pub UserBadge);

/// Builds the page context of a request.
pub fn page_ctx(req: &HttpRequest) -> PageCtx {
    PageCtx {
        csrf_token: csrf::token(req),
        ..page_ctx_without_token(req)
    }
}

/// The page context of a request without a CSRF token (empty), for an answer that makes the
/// token only if its page shows a form (pages kept in memory, see [`super::kept`]).
pub fn page_ctx_without_token(req: &HttpRequest) -> PageCtx {
    let asset_version = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.assets.version.clone())
        .unwrap_or_default();
    let path = match req.uri().path_and_query() {
        Some(pq) => pq.as_str().to_string(),
        None => req.path().to_string(),
    };
    PageCtx {
        lang: lang::negotiate(req),
        path,
        asset_version,
        csrf_token: String::new(),
        user: req.extensions().get::<CurrentBadge>().map(|b| b.0.clone()),
    }
}

/// Extractor: `page: Page` in a handler gives the page context.
pub struct Page(pub PageCtx);

impl Deref for Page {
    type Target = PageCtx;
    fn deref(&self) -> &PageCtx {
        &self.0
    }
}

impl FromRequest for Page {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Page(page_ctx(req))))
    }
}

/// A 200 HTML response.
pub fn html(markup: Markup) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(ContentType::html())
        .body(markup.into_string())
}

/// An HTML response with another status (a form re-rendered with its errors, say).
pub fn html_status(status: actix_web::http::StatusCode, markup: Markup) -> HttpResponse {
    HttpResponse::build(status)
        .content_type(ContentType::html())
        .body(markup.into_string())
}
