//! `AppError`, the one error type of handlers, and how it becomes a response.
//!
//! A handler returns `Err(AppError::...)`; `error_response` only sets the status (and
//! `Retry-After`), and the error-page middleware in [`crate::web::errors`] turns it into an HTML
//! page in the user's language or, under `/api`, into `{"error": {"code", "message"}}`, with
//! `"fields": [{"field", "message"}]` when particular fields were wrong (one message each).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

/// A message for the user: a catalog key plus placeholder values, rendered in the user's
/// language when the response is written. Only catalog text reaches the user: no library's
/// error text is ever appended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Catalog key, e.g. `error.invalid_body`.
    pub key: &'static str,
    /// Placeholder values.
    pub args: Vec<(&'static str, String)>,
}

impl Message {
    /// A message with no placeholders.
    pub fn new(key: &'static str) -> Self {
        Self {
            key,
            args: Vec::new(),
        }
    }

    /// Adds a placeholder value.
    pub fn arg(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.args.push((name, value.into()));
        self
    }

    /// The text in `lang`.
    pub fn render(&self, lang: views::Lang) -> String {
        let args: Vec<(&str, &str)> = self.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        lang.tf(self.key, &args)
    }
}

impl From<crate::validate::Invalid> for Message {
    fn from(e: crate::validate::Invalid) -> Self {
        Self {
            key: e.key,
            args: e.args,
        }
    }
}

/// What is wrong with one field of a form, a query or a JSON body (`field` as sent: `title`,
/// `hosts[0]`, `questions[1].label`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name as the client sent it.
    pub field: String,
    /// What is wrong with it.
    pub message: Message,
}

impl FieldError {
    /// The error of `field`.
    pub fn new(field: impl Into<String>, message: impl Into<Message>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The field and its message in `lang`, for a page or a summary: 「title」: この項目は必須です。
    pub fn render(&self, lang: views::Lang) -> String {
        lang.tf(
            "input.field_message",
            &[
                ("field", &self.field),
                ("message", &self.message.render(lang)),
            ],
        )
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
    /// 400: particular fields could not be read (control characters, not UTF-8, repeated,
    /// missing, of the wrong shape); one message per field.
    #[error("unreadable fields: {0:?}")]
    BadFields(Vec<FieldError>),
    /// 422: particular fields were read but are not acceptable; one message per field.
    #[error("invalid fields: {0:?}")]
    InvalidFields(Vec<FieldError>),
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
    /// 415: a JSON body without the JSON content type.
    #[error("unsupported media type")]
    UnsupportedMediaType,
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
            AppError::Invalid(_) | AppError::InvalidFields(_) => "invalid_input",
            AppError::BadFields(_) => "bad_request",
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden => "forbidden",
            AppError::Csrf => "csrf_rejected",
            AppError::Conflict(_) => "conflict",
            AppError::MethodNotAllowed => "method_not_allowed",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::UnsupportedMediaType => "unsupported_media_type",
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
            AppError::BadFields(f) => ("error.bad_request_title", fields_summary(f)),
            AppError::InvalidFields(f) => ("error.validation_title", fields_summary(f)),
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
            AppError::UnsupportedMediaType => (
                "error.bad_request_title",
                Message::new("input.json_content_type"),
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

    /// The fields this error is about (empty for errors of the whole request).
    pub fn fields(&self) -> &[FieldError] {
        match self {
            AppError::BadFields(f) | AppError::InvalidFields(f) => f,
            _ => &[],
        }
    }

    /// A 400: the body as a whole could not be read.
    pub fn unreadable() -> Self {
        AppError::BadRequest(Message::new("error.invalid_body"))
    }

    /// A 400 about one field.
    pub fn bad_field(field: impl Into<String>, message: impl Into<Message>) -> Self {
        AppError::BadFields(vec![FieldError::new(field, message)])
    }

    /// A 422 about one field.
    pub fn invalid_field(field: impl Into<String>, message: impl Into<Message>) -> Self {
        AppError::InvalidFields(vec![FieldError::new(field, message)])
    }

    /// A 422 with every failed check of a form or body, one message per field.
    pub fn invalid_fields<F: Into<String>>(
        errors: impl IntoIterator<Item = (F, crate::validate::Invalid)>,
    ) -> Self {
        AppError::InvalidFields(
            errors
                .into_iter()
                .map(|(f, e)| FieldError::new(f, e))
                .collect(),
        )
    }
}

/// The headline of a field error: which fields to look at.
fn fields_summary(fields: &[FieldError]) -> Message {
    let names = fields
        .iter()
        .map(|f| f.field.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    Message::new("input.check_fields").arg("fields", names)
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) | AppError::BadFields(_) => StatusCode::BAD_REQUEST,
            AppError::Invalid(_) | AppError::InvalidFields(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
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
        let f = FieldError::new("title", Message::new("form.required_field"));
        assert_eq!(f.render(views::Lang::Ja), "「title」: この項目は必須です。");
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
