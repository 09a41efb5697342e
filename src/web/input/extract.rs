//! The extractors handlers take instead of actix's `web::Query`, `web::Form` and `web::Json`.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::web::{Bytes, BytesMut};
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use futures_util::StreamExt;
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use super::de::from_fields;
use super::json::{JsonInput, parse_json};
use super::urlencoded::decode;
use super::{FORM_LIMIT, Fields, JSON_LIMIT, Origin};
use crate::error::{AppError, Message};

/// Reads a whole body of at most `limit` bytes (413 beyond).
pub async fn read_limited(mut payload: Payload, limit: usize) -> Result<Bytes, AppError> {
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| AppError::unreadable())?;
        if body.len() + chunk.len() > limit {
            return Err(AppError::PayloadTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// The query string, strictly decoded (see [`super`]) into `T`: a struct, or [`Fields`].
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T> Query<T> {
    /// The value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Query<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned> Query<T> {
    /// Decodes a query string.
    pub fn from_query(query: &str) -> Result<Self, AppError> {
        let fields = decode(query.as_bytes(), Origin::Query)?;
        from_fields(&fields).map(Query)
    }
}

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Self::from_query(req.query_string()).map_err(Into::into))
    }
}

/// An urlencoded form body (at most [`FORM_LIMIT`]), strictly decoded into `T`: a struct (each
/// field at most once), or [`Fields`] (whose handler says which names may repeat).
#[derive(Debug)]
pub struct Form<T>(pub T);

impl<T> Form<T> {
    /// The value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Form<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

fn is_urlencoded(req: &HttpRequest) -> bool {
    req.content_type()
        .eq_ignore_ascii_case("application/x-www-form-urlencoded")
}

impl<T: DeserializeOwned + 'static> FromRequest for Form<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let urlencoded = is_urlencoded(req);
        let payload = payload.take();
        Box::pin(async move {
            if !urlencoded {
                return Err(AppError::BadRequest(Message::new("input.form_content_type")).into());
            }
            let body = read_limited(payload, FORM_LIMIT).await?;
            let fields: Fields = decode(&body, Origin::Body)?;
            Ok(Form(from_fields(&fields)?))
        })
    }
}

/// A JSON body (at most [`JSON_LIMIT`]), read but not judged yet: the handler parses it with
/// [`JsonBody::parse`] or [`JsonBody::input`] after its other extractors (the Bearer token)
/// succeeded, so a caller without a valid token hears 401/403 whatever the body.
#[derive(Debug)]
pub struct JsonBody {
    body: Result<Bytes, AppError>,
}

impl JsonBody {
    fn bytes(self) -> Result<Bytes, AppError> {
        self.body
    }

    /// Whether the body is empty (or only white space).
    pub fn is_blank(&self) -> bool {
        self.body
            .as_ref()
            .is_ok_and(|b| b.iter().all(u8::is_ascii_whitespace))
    }

    /// The body as a typed value (see [`parse_json`]).
    pub fn parse<T: DeserializeOwned>(self) -> Result<T, AppError> {
        parse_json(&self.bytes()?)
    }

    /// The body as an object to pick fields from, each with its JSON type.
    pub fn input(self) -> Result<JsonInput, AppError> {
        JsonInput::parse(&self.bytes()?)
    }
}

fn is_json(req: &HttpRequest) -> bool {
    let media = req.content_type().to_ascii_lowercase();
    media == "application/json" || (media.starts_with("application/") && media.ends_with("+json"))
}

impl FromRequest for JsonBody {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = is_json(req);
        let declared = req
            .headers()
            .contains_key(actix_web::http::header::CONTENT_TYPE);
        let payload = payload.take();
        Box::pin(async move {
            let body = read_limited(payload, JSON_LIMIT).await;
            // An empty body (an action without options) may come without a content type.
            let body = body.and_then(|b| {
                if json || (!declared && b.is_empty()) {
                    Ok(b)
                } else {
                    Err(AppError::UnsupportedMediaType)
                }
            });
            Ok(JsonBody { body })
        })
    }
}
