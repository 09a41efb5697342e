//! Small pieces shared by pages: notices, empty states, breadcrumbs.

use maud::{Markup, html};

/// The tone of a notice box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Neutral information.
    Info,
    /// Something went well.
    Success,
    /// Something needs attention.
    Warning,
    /// Something failed.
    Error,
}

impl Tone {
    fn class(self) -> &'static str {
        match self {
            Tone::Info => "notice notice-info",
            Tone::Success => "notice notice-success",
            Tone::Warning => "notice notice-warning",
            Tone::Error => "notice notice-error",
        }
    }
}

/// A notice box; errors are announced to screen readers at once.
pub fn notice(tone: Tone, text: &str) -> Markup {
    let role = if tone == Tone::Error {
        "alert"
    } else {
        "status"
    };
    html! { div class=(tone.class()) role=(role) { p { (text) } } }
}

/// What a list shows when it has nothing in it.
pub fn empty_state(text: &str) -> Markup {
    html! { div.empty-state { p { (text) } } }
}

/// Previous / next links of a paged list (nothing when there is one page).
pub fn pager(ctx: &crate::layout::PageCtx, prev: Option<&str>, next: Option<&str>) -> Markup {
    html! {
        @if prev.is_some() || next.is_some() {
            nav.pager aria-label=(ctx.t("pager.label")) {
                @if let Some(href) = prev { a rel="prev" href=(href) { (ctx.t("pager.prev")) } }
                @if let Some(href) = next { a rel="next" href=(href) { (ctx.t("pager.next")) } }
            }
        }
    }
}

/// A breadcrumb trail: each pair is a label and a link, the last one is the current page.
pub fn breadcrumbs(label: &str, trail: &[(&str, &str)]) -> Markup {
    html! {
        nav.breadcrumbs aria-label=(label) {
            ol {
                @for (i, (text, href)) in trail.iter().enumerate() {
                    li {
                        @if i + 1 == trail.len() {
                            span aria-current="page" { (text) }
                        } @else {
                            a href=(href) { (text) }
                        }
                    }
                }
            }
        }
    }
}

/// A sentence of the catalog with one link in it: `template` holds `{link}` where the link
/// goes (the words around it stay in the catalog, in each language's order).
pub fn with_link(template: &str, href: &str, text: &str) -> Markup {
    match template.split_once("{link}") {
        Some((before, after)) => html! { (before) a href=(href) { (text) } (after) },
        None => html! { (template) },
    }
}

/// The IPA 情報セキュリティ安心相談窓口 by phone: as written, and as a `tel:` link a phone can
/// call with one tap.
pub const IPA_PHONE: (&str, &str) = ("03-5978-7509", "tel:+81-3-5978-7509");

/// A table that may be wider than the screen: it scrolls sideways on its own instead of
/// widening the page, and as a named, focusable region keyboard users can scroll it too
/// (axe `scrollable-region-focusable`).
pub fn table_region(label: &str, table: Markup) -> Markup {
    html! { div.table-wrap role="region" aria-label=(label) tabindex="0" { (table) } }
}
