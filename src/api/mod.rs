//! The JSON API's shared parts: the error body every endpoint answers with, the enums of codes
//! ([`api_enum!`]), and the conventions added to the OpenAPI 3.1 document that `lib.rs`
//! composes from every feature's part ([`finish`]). The endpoints themselves live with their
//! feature (`accounts::api`, ...); this module knows no feature.

pub mod text_rules;

use serde::Serialize;
use utoipa::ToSchema;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, ResponseBuilder, Server};

/// An enum of codes as the API sends and takes them and the database stores them: serde and the
/// OpenAPI schema use the code, diesel reads and writes it as `Text` on every backend (SQLite,
/// PostgreSQL and the connection over both: `needs::status.eq(PostStatus::Published)`), `as_str`
/// gives it to forms, `parse` reads one, `ALL` lists them. A stored value that is none of the
/// codes fails the read with the value in the error; the stored strings are those of the
/// migrations, so no column changes.
///
/// ```ignore
/// api_enum! {
///     /// The status of a seminar.
///     pub enum SeminarStatus { Draft = "draft", Published = "published" }
/// }
/// ```
#[macro_export]
macro_rules! api_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident {
        $($(#[$vmeta:meta])* $variant:ident = $code:literal),+ $(,)?
    }) => {
        $(#[$meta])*
        #[derive(
            Debug,
            Clone,
            Copy,
            PartialEq,
            Eq,
            Hash,
            serde::Serialize,
            serde::Deserialize,
            diesel::expression::AsExpression,
            diesel::deserialize::FromSqlRow,
        )]
        #[diesel(sql_type = diesel::sql_types::Text)]
        $vis enum $name {
            $($(#[$vmeta])* #[serde(rename = $code)] $variant),+
        }

        // By hand: utoipa's derive does not see a `rename` that comes through a macro.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::RefOr::T(utoipa::openapi::schema::Schema::Object(
                    utoipa::openapi::schema::ObjectBuilder::new()
                        .schema_type(utoipa::openapi::schema::Type::String)
                        .enum_values(Some([$($code),+]))
                        .build(),
                ))
            }
        }

        impl utoipa::ToSchema for $name {}

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The code.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }

            /// The value of a code.
            pub fn parse(code: &str) -> Option<Self> {
                match code {
                    $($code => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// Every code, in order.
            pub fn codes() -> Vec<&'static str> {
                Self::ALL.iter().map(|v| v.as_str()).collect()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        // A value equals its code, so that what reads rows back (the tests, a comparison with
        // what a form sent) can say `r.status == "confirmed"`.
        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        // Once for every backend: the code as the backend's own `str`.
        impl<DB> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
        {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, DB>,
            ) -> diesel::serialize::Result {
                <str as diesel::serialize::ToSql<diesel::sql_types::Text, DB>>::to_sql(
                    self.as_str(),
                    out,
                )
            }
        }

        impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                let stored =
                    <String as diesel::deserialize::FromSql<diesel::sql_types::Text, DB>>::from_sql(
                        bytes,
                    )?;
                Self::parse(&stored).ok_or_else(|| {
                    format!("{stored:?} is not a stored {}", stringify!($name)).into()
                })
            }
        }
    };
}

api_enum! {
    /// What went wrong, for programs (the message is for people).
    pub enum ErrorCode {
        /// 400: the request could not be read.
        BadRequest = "bad_request",
        /// 401: no valid Bearer token.
        Unauthorized = "unauthorized",
        /// 403: the token's user may not do this.
        Forbidden = "forbidden",
        /// 404: no such record or route.
        NotFound = "not_found",
        /// 405: the path does not take this method (see `Allow`).
        MethodNotAllowed = "method_not_allowed",
        /// 409: conflicts with the current state.
        Conflict = "conflict",
        /// 413: the body is too large.
        PayloadTooLarge = "payload_too_large",
        /// 415: the body is not of the expected type.
        UnsupportedMediaType = "unsupported_media_type",
        /// 422: a value is not acceptable.
        InvalidInput = "invalid_input",
        /// 429: too many requests (see `Retry-After`).
        RateLimited = "rate_limited",
        /// 503: the service cannot answer now.
        Unavailable = "unavailable",
        /// 500: an error of the service.
        Internal = "internal",
    }
}

impl ErrorCode {
    /// The code of an HTTP status.
    pub fn of_status(status: u16) -> Self {
        match status {
            401 => Self::Unauthorized,
            403 => Self::Forbidden,
            404 => Self::NotFound,
            405 => Self::MethodNotAllowed,
            409 => Self::Conflict,
            413 => Self::PayloadTooLarge,
            415 => Self::UnsupportedMediaType,
            422 => Self::InvalidInput,
            429 => Self::RateLimited,
            503 => Self::Unavailable,
            s if s >= 500 => Self::Internal,
            _ => Self::BadRequest,
        }
    }
}

/// The body of every API error.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// The error itself.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// For programs.
    pub code: ErrorCode,
    /// In the caller's language (Accept-Language); names the wrong fields, if any.
    pub message: String,
    /// When particular fields were wrong (400 unreadable, 422 not acceptable): one entry per
    /// field, in the order of the body.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(required = false)]
    pub fields: Vec<FieldMessage>,
}

/// One wrong field.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldMessage {
    /// As sent: `title`, `hosts[0]`, `questions[1].label`, or a query parameter.
    #[schema(example = "ends_at")]
    pub field: String,
    /// What is wrong with it, in the caller's language.
    #[schema(example = "この項目は必須です。")]
    pub message: String,
}

/// The description of an error status, as every operation documents it.
fn describe(status: u16) -> &'static str {
    match status {
        400 => {
            "The request could not be read: not UTF-8, a control character, a repeated field or query parameter, a value of the wrong JSON type."
        }
        401 => "No valid Bearer token.",
        403 => "The token's user may not do this.",
        404 => "No such record.",
        409 => "Conflicts with the current state.",
        413 => "The body is too large.",
        415 => "The body is not of the documented type (Content-Type).",
        422 => "A value is not acceptable.",
        _ => "Error.",
    }
}

/// Whether an operation needs the Bearer token (no `security` of its own means the document's).
fn secured(op: &Operation) -> bool {
    op.security
        .as_ref()
        .is_none_or(|list| list.iter().any(|r| *r != SecurityRequirement::default()))
}

/// Adds the error answers the server gives on every route of that kind, where the operation
/// does not document them itself: 400 (an unreadable query or body), 401 and 403 (with a
/// token), 404 (with a path parameter), 413 and 415 (with a body).
fn add_conventional_errors(path: &str, op: &mut Operation) {
    let mut statuses = vec![400];
    if secured(op) {
        statuses.extend([401, 403]);
    }
    if path.contains('{') {
        statuses.push(404);
    }
    if let Some(body) = &op.request_body {
        statuses.push(413);
        if body.content.contains_key("application/json") {
            statuses.push(415);
        }
    }
    for status in statuses {
        op.responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| error_response(status).into());
    }
}

/// An error answer of the document: [`ErrorBody`] with the status's description.
pub fn error_response(status: u16) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(describe(status))
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build()
}

/// Completes the composed document: the server, the Bearer scheme, and the conventional
/// error answers of every operation ([`ErrorBody`] is among the document's own schemas).
pub fn finish(doc: &mut OpenApi, base_url: &str) {
    doc.servers = Some(vec![Server::new(base_url.trim_end_matches('/'))]);
    doc.security = Some(vec![SecurityRequirement::new(
        "bearer",
        Vec::<String>::new(),
    )]);
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
    );
    for (path, item) in doc.paths.paths.iter_mut() {
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            add_conventional_errors(path, op);
        }
    }
}
