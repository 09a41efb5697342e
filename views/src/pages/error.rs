//! Error pages (404, 403, 429, 500, ...) in the user's language.

use maud::{Markup, html};

use crate::layout::{PageCtx, page};

/// An error page: `title`, `message` and `details` (one line per wrong field, may be empty)
/// are already in the page's language.
pub fn error(ctx: &PageCtx, status: u16, title: &str, message: &str, details: &[String]) -> Markup {
    let status_text = status.to_string();
    page(
        ctx,
        title,
        html! {
            section.error-page {
                p.error-code { (ctx.tf("error.status_line", &[("status", &status_text)])) }
                h1 { (title) }
                p { (message) }
                @if !details.is_empty() {
                    ul.error-details {
                        @for d in details { li { (d) } }
                    }
                }
                ul.error-actions {
                    li { a.button href="/" { (ctx.t("error.back_home")) } }
                    li { a href="/seminars" { (ctx.t("error.see_seminars")) } }
                }
            }
        },
    )
}
