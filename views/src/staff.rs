//! The frame of the back office: the site layout with a section menu for staff.

use maud::{Markup, html};

use crate::layout::{PageCtx, page};

/// The sections of the back office: path, message key.
pub const SECTIONS: &[(&str, &str)] = &[
    ("/staff", "staff.nav.dashboard"),
    ("/staff/seminars", "staff.nav.seminars"),
    ("/staff/newsletter", "staff.nav.newsletter"),
    ("/staff/board", "staff.nav.board"),
    ("/staff/reports", "staff.nav.reports"),
    ("/staff/users", "staff.nav.users"),
    ("/staff/organizations", "staff.nav.organizations"),
    ("/staff/applications", "apply.staff_title"),
    ("/staff/outbox", "staff.nav.outbox"),
    ("/staff/audit", "staff.nav.audit"),
];

/// A back-office page: `section` is the path of the active menu entry.
pub fn staff_page(ctx: &PageCtx, title: &str, section: &str, content: Markup) -> Markup {
    page(
        ctx,
        title,
        html! {
            div.staff-layout {
                nav.staff-nav aria-label=(ctx.t("staff.nav.label")) {
                    ul {
                        @for (href, key) in SECTIONS {
                            li {
                                a href=(href) aria-current=[(*href == section).then_some("page")] {
                                    (ctx.t(key))
                                }
                            }
                        }
                    }
                }
                div.staff-content { (content) }
            }
        },
    )
}
