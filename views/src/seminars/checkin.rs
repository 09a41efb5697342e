//! The staff page a registrant's QR code opens: who it is, and a one-tap check-in. Made for a
//! phone at the reception desk: the content comes first, in large type.

use maud::{Markup, html};

use crate::components::{Tone, notice};
use crate::layout::{PageCtx, page};

/// A registration as the reception sees it.
#[derive(Debug, Clone, Default)]
pub struct CheckinView {
    /// Where the check-in form posts (the page's own path).
    pub action: String,
    /// The seminar's staff page.
    pub seminar_href: String,
    /// Seminar title.
    pub seminar_title: String,
    /// Date and time.
    pub when: String,
    /// Registrant's name.
    pub name: String,
    /// Company.
    pub company: String,
    /// Mode label.
    pub mode: String,
    /// Status label.
    pub status_label: String,
    /// Whether the registration is confirmed (only then can it be checked in).
    pub confirmed: bool,
    /// When checked in, if so.
    pub checked_in_at: Option<String>,
    /// Right after checking in.
    pub done: bool,
    /// Whether attendance may be recorded now.
    pub open: bool,
    /// When it may be, while it may not (「出席の記録は … から … までできます。」).
    pub window: Option<String>,
}

/// `GET /staff/checkin/{id}/{code}`.
pub fn show(ctx: &PageCtx, v: &CheckinView) -> Markup {
    let title = ctx.t("seminars.checkin.title");
    page(
        ctx,
        title,
        html! {
            div.checkin {
                h1 { (title) }
                @if v.done {
                    (notice(Tone::Success, ctx.t("seminars.checkin.done")))
                } @else if v.checked_in_at.is_some() {
                    (notice(Tone::Info, ctx.t("seminars.checkin.already")))
                } @else if !v.confirmed {
                    (notice(Tone::Warning, ctx.t("seminars.checkin.not_confirmed")))
                } @else if let Some(window) = &v.window {
                    (notice(Tone::Warning, window))
                }
                p.checkin-name { (v.name) }
                dl.facts {
                    dt { (ctx.t("seminars.field_company")) } dd { @if v.company.is_empty() { "–" } @else { (v.company) } }
                    dt { (ctx.t("seminars.field_title")) } dd { a href=(v.seminar_href) { (v.seminar_title) } }
                    dt { (ctx.t("seminars.when")) } dd { (v.when) }
                    dt { (ctx.t("seminars.field_mode")) } dd { (v.mode) }
                    dt { (ctx.t("seminars.status")) } dd.status { (v.status_label) }
                    dt { (ctx.t("seminars.checkin.state")) }
                    dd.checkin-state {
                        @match &v.checked_in_at {
                            Some(at) => { "✓ " (at) }
                            None => { (ctx.t("seminars.checkin.not_yet")) }
                        }
                    }
                }
                @if v.confirmed && v.open && v.checked_in_at.is_none() {
                    form method="post" action=(v.action) {
                        (ctx.csrf_field())
                        button.button.checkin-button type="submit" { (ctx.t("seminars.checkin.button")) }
                    }
                }
            }
        },
    )
}
