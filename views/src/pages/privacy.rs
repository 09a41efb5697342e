//! The privacy notice that every form asks consent to.

use maud::{Markup, html};

use crate::layout::{PageCtx, page};

/// The privacy notice (個人情報の取扱いについて).
pub fn privacy(ctx: &PageCtx) -> Markup {
    let sections: [(&'static str, &'static str); 6] = [
        ("privacy.purpose_title", "privacy.purpose_text"),
        ("privacy.items_title", "privacy.items_text"),
        ("privacy.sharing_title", "privacy.sharing_text"),
        ("privacy.mail_title", "privacy.mail_text"),
        ("privacy.retention_title", "privacy.retention_text"),
        ("privacy.rights_title", "privacy.rights_text"),
    ];
    page(
        ctx,
        ctx.t("privacy.title"),
        html! {
            article.prose {
                h1 { (ctx.t("privacy.title")) }
                p { (ctx.t("privacy.intro")) }
                @for (title, text) in sections {
                    h2 { (ctx.t(title)) }
                    p { (ctx.t(text)) }
                }
            }
        },
    )
}
