//! The confirmation step of actions that mail many people or delete: a page that says exactly
//! what will happen, with the final button (a plain form, so it works without JavaScript) and a
//! way back. When the action is not possible any more, the page says why and offers no button.

use maud::{Markup, html};

use crate::components::{Tone, notice};
use crate::layout::PageCtx;
use crate::staff::staff_page;

/// A confirmation page.
#[derive(Debug, Clone, Default)]
pub struct Confirmation {
    /// Page title and heading, e.g. 「セミナーを中止しますか」.
    pub title: String,
    /// What the action is about (the seminar's title, the campaign's subject).
    pub subject: String,
    /// The consequences, one a line, e.g. 「申込者 124 名に中止のお知らせを送ります。」.
    pub consequences: Vec<String>,
    /// Where the final button posts.
    pub action: String,
    /// Hidden fields carried to the final POST (besides `confirm=1` and the CSRF token).
    pub hidden: Vec<(String, String)>,
    /// The final button, e.g. 「中止してメールを送る」.
    pub button: String,
    /// Whether the action destroys or mails (a red button).
    pub danger: bool,
    /// Where "back" leads, and its text.
    pub back: (String, String),
    /// Why the action cannot be done (no button then).
    pub blocked: Option<String>,
    /// The staff navigation section the page belongs to.
    pub section: &'static str,
}

/// The confirmation page.
pub fn confirmation(ctx: &PageCtx, v: &Confirmation) -> Markup {
    staff_page(
        ctx,
        &v.title,
        v.section,
        html! {
            div.confirmation {
                h1 { (v.title) }
                p.confirm-subject { strong { (v.subject) } }
                @if let Some(why) = &v.blocked {
                    (notice(Tone::Warning, why))
                } @else {
                    ul.consequences { @for line in &v.consequences { li { (line) } } }
                    form method="post" action=(v.action) {
                        (ctx.csrf_field())
                        input type="hidden" name="confirm" value="1";
                        @for (name, value) in &v.hidden {
                            input type="hidden" name=(name) value=(value);
                        }
                        div.button-row {
                            button type="submit" class=(if v.danger { "button button-danger" } else { "button" }) { (v.button) }
                            a.button.button-secondary href=(v.back.0) { (v.back.1) }
                        }
                    }
                }
                @if v.blocked.is_some() {
                    p { a href=(v.back.0) { (v.back.1) } }
                }
            }
        },
    )
}
