//! The home page.

use maud::{Markup, html};

use crate::components::with_link;
use crate::layout::{Fragment, PageCtx};

use crate::components::IPA_PHONE;

/// One upcoming seminar as the home page lists it (values already formatted).
#[derive(Debug, Clone)]
pub struct HomeSeminar {
    /// Link to the seminar page.
    pub href: String,
    /// Title.
    pub title: String,
    /// Date and time, e.g. 「2026年12月10日(木) 13:00〜15:00」.
    pub when: String,
    /// Prefecture and format, e.g. 「福岡県・オンライン」.
    pub place: String,
}

/// What the home page shows.
#[derive(Debug, Clone, Default)]
pub struct HomeView {
    /// The next few seminars open for registration.
    pub upcoming: Vec<HomeSeminar>,
}

/// The home page: what the community is, its three services, the next seminars.
pub fn home(ctx: &PageCtx, view: &HomeView) -> Markup {
    home_fragment(ctx, view).page(ctx)
}

/// The content of [`home`], kept in memory per content version.
pub fn home_fragment(ctx: &PageCtx, view: &HomeView) -> Fragment {
    let title = "";
    let content = html! {
        section.hero aria-labelledby="hero-title" {
            p.hero-eyebrow { (ctx.t("home.eyebrow")) }
            h1 #hero-title { (ctx.t("home.title")) }
            p.hero-lead { (ctx.t("home.lead")) }
            p.hero-actions {
                a.button href="/seminars" { (ctx.t("home.cta_seminars")) }
                a.button.button-secondary href="/newsletter" { (ctx.t("home.cta_newsletter")) }
            }
        }
        section aria-labelledby="services-title" {
            h2 #services-title { (ctx.t("home.services_title")) }
            ul.card-grid {
                li.card {
                    h3 { a href="/seminars" { (ctx.t("home.card_seminars_title")) } }
                    p { (ctx.t("home.card_seminars_text")) }
                }
                li.card {
                    h3 { a href="/newsletter" { (ctx.t("home.card_newsletter_title")) } }
                    p { (ctx.t("home.card_newsletter_text")) }
                }
                li.card {
                    h3 { a href="/board" { (ctx.t("home.card_board_title")) } }
                    p { (ctx.t("home.card_board_text")) }
                }
            }
        }
        section aria-labelledby="upcoming-title" {
            h2 #upcoming-title { (ctx.t("home.upcoming_title")) }
            @if view.upcoming.is_empty() {
                (crate::components::empty_state(ctx.t("home.upcoming_empty")))
            } @else {
                ul.item-list {
                    @for s in &view.upcoming {
                        li {
                            a href=(s.href) { (s.title) }
                            p.meta { (s.when) " ・ " (s.place) }
                        }
                    }
                }
            }
        }
        section.callout aria-labelledby="incident-title" {
            h2 #incident-title { (ctx.t("home.incident_title")) }
            p { (with_link(ctx.t("home.incident_text"), IPA_PHONE.1, IPA_PHONE.0)) }
        }
    };
    Fragment::capture(ctx, title, content)
}
