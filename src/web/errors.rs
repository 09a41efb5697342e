//! Error pages: every 4xx and 5xx without a body of its own becomes an HTML page in the user's
//! language, or a JSON error under `/api`.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{HttpRequest, HttpResponse};

use crate::error::{AppError, FieldError, Message};

/// The middleware that writes error bodies.
pub fn error_pages<B: MessageBody + 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler(render)
}

/// Whether the path belongs to the JSON API.
pub fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

fn render<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let has_error = res.response().error().is_some();
    let has_own_body = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html") || ct.starts_with("application/json"));
    // A handler that rendered its own page (a form with its errors) keeps it.
    if has_own_body && !has_error {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let app_error = res
        .response()
        .error()
        .and_then(|e| e.as_error::<AppError>());
    let (title_key, message) = match app_error {
        Some(app_error) => app_error.user_message(),
        None => generic_message(status),
    };
    let fields = app_error.map(|e| e.fields().to_vec()).unwrap_or_default();
    let (req, old) = res.into_parts();
    let mut new = error_body(&req, status, title_key, &message, &fields);
    for name in [header::RETRY_AFTER, header::ALLOW, header::SET_COOKIE] {
        for value in old.headers().get_all(&name) {
            new.headers_mut().append(name.clone(), value.clone());
        }
    }
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, new).map_into_right_body::<B>(),
    ))
}

/// Title and message for errors that did not come from an `AppError` (routing, extractors).
fn generic_message(status: StatusCode) -> (&'static str, Message) {
    match status.as_u16() {
        404 => ("error.not_found_title", Message::new("error.not_found")),
        405 => (
            "error.bad_request_title",
            Message::new("error.method_not_allowed"),
        ),
        413 => (
            "error.bad_request_title",
            Message::new("error.payload_too_large"),
        ),
        415 => (
            "error.bad_request_title",
            Message::new("input.json_content_type"),
        ),
        401 => (
            "error.unauthorized_title",
            Message::new("error.unauthorized"),
        ),
        403 => ("error.forbidden_title", Message::new("error.forbidden")),
        429 => (
            "error.rate_limited_title",
            Message::new("error.rate_limited").arg("seconds", "60"),
        ),
        503 => ("error.unavailable_title", Message::new("error.unavailable")),
        s if s >= 500 => ("error.internal_title", Message::new("error.internal")),
        _ => ("error.bad_request_title", Message::new("error.bad_request")),
    }
}

/// The body of an error response for this request: JSON under `/api`
/// (`{"error": {"code", "message", "fields": [{"field", "message"}]}}`, `fields` only when
/// particular fields were wrong), a page elsewhere (with a line per field).
pub fn error_body(
    req: &HttpRequest,
    status: StatusCode,
    title_key: &'static str,
    message: &Message,
    fields: &[FieldError],
) -> HttpResponse<BoxBody> {
    let ctx = super::ctx::page_ctx(req);
    let text = message.render(ctx.lang);
    if is_api(req.path()) {
        let body = crate::api::ErrorBody {
            error: crate::api::ErrorDetail {
                code: crate::api::ErrorCode::of_status(status.as_u16()),
                message: text,
                fields: fields
                    .iter()
                    .map(|f| crate::api::FieldMessage {
                        field: f.field.to_string(),
                        message: f.message.render(ctx.lang),
                    })
                    .collect(),
            },
        };
        return HttpResponse::build(status)
            .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
            .json(body);
    }
    let details: Vec<String> = fields.iter().map(|f| f.render(ctx.lang)).collect();
    let markup =
        views::pages::error::error(&ctx, status.as_u16(), ctx.t(title_key), &text, &details);
    HttpResponse::build(status)
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .content_type(header::ContentType::html())
        .body(markup.into_string())
}

/// The default service: anything no route matched is a 404.
pub async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::{App, test, web};

    async fn boom() -> Result<HttpResponse, AppError> {
        Err(AppError::Internal(anyhow::anyhow!("secret detail")))
    }

    #[actix_web::test]
    async fn internal_errors_are_pages_without_detail() {
        let app = test::init_service(
            App::new()
                .wrap(error_pages())
                .route("/boom", web::get().to(boom))
                .route("/api/boom", web::get().to(boom)),
        )
        .await;
        let req = test::TestRequest::get()
            .uri("/boom")
            .insert_header(("Accept-Language", "en"))
            .to_request();
        let res = test::call_service(&app, req).await;
        assert_eq!(res.status(), 500);
        let body = String::from_utf8(test::read_body(res).await.to_vec()).unwrap();
        assert!(body.contains("A system error occurred"));
        assert!(!body.contains("secret detail"));

        let req = test::TestRequest::get().uri("/api/boom").to_request();
        let res = test::call_service(&app, req).await;
        assert_eq!(res.status(), 500);
        let json: serde_json::Value = test::read_body_json(res).await;
        assert_eq!(json["error"]["code"], "internal");
        assert!(
            json["error"]["message"]
                .as_str()
                .unwrap()
                .contains("サーバーで問題が発生しました")
        );
    }
}
