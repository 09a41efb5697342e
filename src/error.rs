//! `AppError`, the one error type of handlers, and how it becomes a response.
//!
//! A handler returns `Err(AppError::...)`; `error_response` only sets the status (and
//! `Retry-After`), and the error-page middleware in [`crate::web::errors`] turns it into an HTML
//! page in the user's language or, under `/api`, into `{"error": {"code", "message"}}`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

/// A message for the user: a catalog key plus placeholder values, rendered in the user's
/// language when the response is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Catalog key, e.g. `error.invalid_body`.
    pub key: &'static str,
    /// Placeholder values.
    pub args: Vec<(&'static str, String)>,
    /// Technical detail in plain text (e.g. which JSON field was wrong), shown after the message.
    pub detail: Option<String>,
}

impl Message {
    /// A message with no placeholders.
    pub fn new(key: &'static str) -> Self {
        Self {
            key,
            args: Vec::new(),
            detail: None,
        }
    }

    /// Adds a placeholder value.
    pub fn arg(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.args.push((name, value.into()));
        self
    }

    /// Adds a technical detail.
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// The text in `lang`, with the detail appended.
    pub fn render(&self, lang: views::Lang) -> String {
        let args: Vec<(&str, &str)> = self.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let text = lang.tf(self.key, &args);
        match &self.detail {
            Some(d) => format!("{text} ({d})"),
            None => text,
        }
    }
}

/// Everything that can go wrong in a request.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 404: no such page or record (or one the user may not know exists).
    #[error("not found")]
    NotFound,
    /// 400: the request could not be read.
    #[error("bad request: {0:?}")]
    BadRequest(Message),
    /// 422: the request was read but its values are not acceptable.
    #[error("invalid input: {0:?}")]
    Invalid(Message),
    /// 401: sign-in (or a valid API token) is needed.
    #[error("unauthorized")]
    Unauthorized,
    /// 403: signed in, but not allowed.
    #[error("forbidden")]
    Forbidden,
    /// 403: the CSRF token is missing or wrong.
    #[error("csrf token rejected")]
    Csrf,
    /// 409: the request conflicts with the current state.
    #[error("conflict: {0:?}")]
    Conflict(Message),
    /// 405.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 413.
    #[error("payload too large")]
    PayloadTooLarge,
    /// 429 with `Retry-After`.
    #[error("rate limited")]
    RateLimited {
        /// Seconds until the next request is allowed.
        retry_after: u64,
    },
    /// 503: the database (or another dependency) is not reachable.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// 500: a bug or an unexpected failure; the detail is logged, never shown.
    #[error("internal error: {0:#}")]
    Internal(anyhow::Error),
}

impl AppError {
    /// The machine-readable code of the JSON error body.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound => "not_found",
            AppError::BadRequest(_) => "bad_request",
            AppError::Invalid(_) => "invalid_input",
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden => "forbidden",
            AppError::Csrf => "csrf_rejected",
            AppError::Conflict(_) => "conflict",
            AppError::MethodNotAllowed => "method_not_allowed",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::RateLimited { .. } => "rate_limited",
            AppError::Unavailable(_) => "unavailable",
            AppError::Internal(_) => "internal",
        }
    }

    /// The page title key and the message shown to the user.
    pub fn user_message(&self) -> (&'static str, Message) {
        match self {
            AppError::NotFound => ("error.not_found_title", Message::new("error.not_found")),
            AppError::BadRequest(m) => ("error.bad_request_title", m.clone()),
            AppError::Invalid(m) => ("error.validation_title", m.clone()),
            AppError::Unauthorized => (
                "error.unauthorized_title",
                Message::new("error.unauthorized"),
            ),
            AppError::Forbidden => ("error.forbidden_title", Message::new("error.forbidden")),
            AppError::Csrf => ("error.csrf_title", Message::new("error.csrf")),
            AppError::Conflict(m) => ("error.conflict_title", m.clone()),
            AppError::MethodNotAllowed => (
                "error.bad_request_title",
                Message::new("error.method_not_allowed"),
            ),
            AppError::PayloadTooLarge => (
                "error.bad_request_title",
                Message::new("error.payload_too_large"),
            ),
            AppError::RateLimited { retry_after } => (
                "error.rate_limited_title",
                Message::new("error.rate_limited").arg("seconds", retry_after.to_string()),
            ),
            AppError::Unavailable(_) => {
                ("error.unavailable_title", Message::new("error.unavailable"))
            }
            AppError::Internal(_) => ("error.internal_title", Message::new("error.internal")),
        }
    }

    /// A 400 with the generic "could not read" message and a technical detail.
    pub fn unreadable(detail: impl Into<String>) -> Self {
        AppError::BadRequest(Message::new("error.invalid_body").detail(detail))
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let AppError::Internal(e) = self {
            tracing::error!(error = %format!("{e:#}"), "internal error");
        }
        if let AppError::Unavailable(why) = self {
            tracing::warn!(reason = %why, "dependency unavailable");
        }
        let mut response = HttpResponse::build(self.status_code());
        if let AppError::RateLimited { retry_after } = self {
            response.insert_header(("Retry-After", retry_after.to_string()));
        }
        // The body is written by the error-page middleware, which knows the request.
        response.finish()
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => AppError::NotFound,
            other => AppError::Internal(anyhow::Error::new(other).context("database")),
        }
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        AppError::Unavailable(format!("database pool: {e}"))
    }
}

impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> Self {
        AppError::Internal(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_render_in_both_languages() {
        let m = Message::new("error.rate_limited").arg("seconds", "30");
        assert!(m.render(views::Lang::Ja).contains("30秒"));
        assert!(m.render(views::Lang::En).contains("30 seconds"));
        let d = Message::new("error.invalid_body").detail("missing field `title`");
        assert!(
            d.render(views::Lang::En)
                .ends_with("(missing field `title`)")
        );
    }

    #[test]
    fn statuses_match_the_kind_of_error() {
        assert_eq!(AppError::NotFound.status_code(), 404);
        assert_eq!(AppError::Csrf.status_code(), 403);
        assert_eq!(
            AppError::RateLimited { retry_after: 3 }
                .error_response()
                .headers()
                .get("Retry-After")
                .unwrap(),
            "3"
        );
        assert_eq!(
            AppError::from(diesel::result::Error::NotFound).status_code(),
            404
        );
    }
}
