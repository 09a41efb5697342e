//! The pages and mails of the 九州IoTコミュニティ newsletter: the subscribe form, confirmation,
//! preferences, unsubscribe, the public archive, and the back office.

pub mod mail;
pub mod staff;

use maud::{Markup, PreEscaped, html};

use crate::components::{Tone, notice};
use crate::forms::{self, Field, FormErrors};
use crate::layout::{PageCtx, page};

/// The values of the subscribe form (kept when it is re-rendered with errors).
#[derive(Debug, Clone, Default)]
pub struct SubscribeValues {
    /// Email address.
    pub email: String,
    /// Name.
    pub name: String,
    /// Company (optional).
    pub company: String,
    /// Prefecture code (optional).
    pub prefecture: String,
    /// Industry code (optional).
    pub industry: String,
    /// Chosen topic codes.
    pub topics: Vec<String>,
    /// Consent box ticked.
    pub consent: bool,
}

/// Everything the subscribe page shows.
#[derive(Debug, Clone, Default)]
pub struct SubscribeView {
    /// Topic options (code, label).
    pub topics: Vec<(String, String)>,
    /// Prefecture options.
    pub prefectures: Vec<(String, String)>,
    /// Industry options.
    pub industries: Vec<(String, String)>,
    /// The values.
    pub values: SubscribeValues,
    /// The errors.
    pub errors: FormErrors,
    /// The "upcoming seminars" block, when the seminars feature provides one.
    pub upcoming: Option<Markup>,
}

/// `GET /newsletter`: what the newsletter is, and the subscribe form.
pub fn subscribe_page(ctx: &PageCtx, v: &SubscribeView) -> Markup {
    let e = &v.errors;
    let s = &v.values;
    let email = Field::new("email", ctx.t("newsletter.email"), e).required();
    let name = Field::new("name", ctx.t("newsletter.name"), e).required();
    let company = Field::new("company", ctx.t("newsletter.company"), e);
    let prefecture = Field::new("prefecture", ctx.t("newsletter.prefecture"), e);
    let industry = Field::new("industry", ctx.t("newsletter.industry"), e);
    let topics = Field::new("topics", ctx.t("newsletter.topics"), e).required();
    let consent = Field::new("consent", ctx.t("newsletter.consent"), e).required();
    page(
        ctx,
        &forms::page_title(ctx, ctx.t("newsletter.title"), e),
        html! {
            h1 { (ctx.t("newsletter.title")) }
            p.lead { (ctx.t("newsletter.lead")) }
            p { a href="/newsletter/archive" { (ctx.t("newsletter.archive_link")) } }
            @if let Some(block) = &v.upcoming { (block) }
            (forms::error_summary(ctx, e, &[email, name, company, prefecture, industry, topics, consent]))
            form.form method="post" action="/newsletter/subscribe" novalidate {
                (ctx.csrf_field())
                (forms::input(ctx, email, "email", &s.email))
                (forms::input(ctx, name, "text", &s.name))
                (forms::input(ctx, company, "text", &s.company))
                (forms::select(ctx, prefecture, &v.prefectures, &s.prefecture))
                (forms::select(ctx, industry, &v.industries, &s.industry))
                (forms::checkboxes(ctx, topics, &v.topics, &s.topics))
                p { a href="/privacy" target="_blank" { (ctx.t("newsletter.privacy_link")) } }
                (forms::checkbox(ctx, consent, s.consent))
                p.hint { (ctx.t("newsletter.double_opt_in_hint")) }
                button.button type="submit" { (ctx.t("newsletter.subscribe")) }
            }
        },
    )
}

/// The "upcoming seminars" block: (title, when, url).
pub fn upcoming_block(ctx: &PageCtx, items: &[(String, String, String)]) -> Markup {
    html! {
        section.upcoming {
            h2 { (ctx.t("newsletter.upcoming_title")) }
            ul { @for (title, when, url) in items { li { (when) " " a href=(url) { (title) } } } }
        }
    }
}

/// After subscribing: the same page whether the address was known or not.
pub fn check_mail_page(ctx: &PageCtx) -> Markup {
    message_page(
        ctx,
        "newsletter.check_mail_title",
        "newsletter.check_mail_text",
        Tone::Success,
    )
}

/// A page with a title and one notice.
pub fn message_page(ctx: &PageCtx, title: &'static str, text: &'static str, tone: Tone) -> Markup {
    page(
        ctx,
        ctx.t(title),
        html! {
            h1 { (ctx.t(title)) }
            (notice(tone, ctx.t(text)))
            p { a href="/newsletter" { (ctx.t("newsletter.back")) } }
        },
    )
}

/// A link that is unknown, used or expired.
pub fn invalid_link_page(ctx: &PageCtx) -> Markup {
    message_page(
        ctx,
        "newsletter.invalid_link_title",
        "newsletter.invalid_link_text",
        Tone::Warning,
    )
}

/// A page with one button that POSTs to `action` (so that link scanners change nothing).
pub fn confirm_button_page(
    ctx: &PageCtx,
    title: &'static str,
    text: &'static str,
    button: &'static str,
    action: &str,
) -> Markup {
    page(
        ctx,
        ctx.t(title),
        html! {
            h1 { (ctx.t(title)) }
            p { (ctx.t(text)) }
            form method="post" action=(action) {
                (ctx.csrf_field())
                button.button type="submit" { (ctx.t(button)) }
            }
        },
    )
}

/// Confirmed (`just_now`), or the link opened again after confirming: subscribed, with the
/// preference link.
pub fn confirmed_page(ctx: &PageCtx, preferences_url: &str, just_now: bool) -> Markup {
    let (title, text) = if just_now {
        ("newsletter.confirmed_title", "newsletter.confirmed_text")
    } else {
        (
            "newsletter.welcome.already_title",
            "newsletter.welcome.already_text",
        )
    };
    page(
        ctx,
        ctx.t(title),
        html! {
            h1 { (ctx.t(title)) }
            (notice(Tone::Success, ctx.t(text)))
            p { a href=(preferences_url) { (ctx.t("newsletter.preferences_link")) } }
        },
    )
}

/// The preference page of one subscriber.
#[derive(Debug, Clone)]
pub struct PreferencesView {
    /// The address (the owner of the link sees it).
    pub email: String,
    /// Status label.
    pub status_label: String,
    /// Whether the subscription is paused.
    pub paused: bool,
    /// Whether the subscription has ended (unsubscribed or suppressed).
    pub ended: bool,
    /// Topic options.
    pub topics: Vec<(String, String)>,
    /// Chosen topics.
    pub chosen: Vec<String>,
    /// Where the form posts.
    pub action: String,
    /// A notice after a change.
    pub saved: Option<&'static str>,
    /// Errors.
    pub errors: FormErrors,
}

/// `GET /newsletter/preferences/{token}`.
pub fn preferences_page(ctx: &PageCtx, v: &PreferencesView) -> Markup {
    let topics = Field::new("topics", ctx.t("newsletter.topics"), &v.errors).required();
    page(
        ctx,
        &forms::page_title(ctx, ctx.t("newsletter.preferences_title"), &v.errors),
        html! {
            h1 { (ctx.t("newsletter.preferences_title")) }
            @if let Some(key) = v.saved { (notice(Tone::Success, ctx.t(key))) }
            (forms::error_summary(ctx, &v.errors, &[topics]))
            dl.summary {
                dt { (ctx.t("newsletter.email")) } dd { (v.email) }
                dt { (ctx.t("newsletter.status")) } dd { (v.status_label) }
            }
            @if v.ended {
                p { (ctx.t("newsletter.ended_text")) }
                p { a.button href="/newsletter" { (ctx.t("newsletter.subscribe_again")) } }
            } @else {
                form.form method="post" action=(v.action) {
                    (ctx.csrf_field())
                    (forms::checkboxes(ctx, topics, &v.topics, &v.chosen))
                    div.button-row {
                        button.button type="submit" name="action" value="save" { (ctx.t("newsletter.save_topics")) }
                        @if v.paused {
                            button.button.button-secondary type="submit" name="action" value="resume" { (ctx.t("newsletter.resume")) }
                        } @else {
                            button.button.button-secondary type="submit" name="action" value="pause" { (ctx.t("newsletter.pause")) }
                        }
                        button.button.button-danger type="submit" name="action" value="unsubscribe" { (ctx.t("newsletter.unsubscribe")) }
                    }
                }
            }
        },
    )
}

/// One issue in the archive list.
#[derive(Debug, Clone)]
pub struct ArchiveItem {
    /// Link.
    pub href: String,
    /// Subject.
    pub subject: String,
    /// Date sent, formatted.
    pub date: String,
}

/// `GET /newsletter/archive`.
pub fn archive_page(ctx: &PageCtx, items: &[ArchiveItem]) -> Markup {
    page(
        ctx,
        ctx.t("newsletter.archive_title"),
        html! {
            h1 { (ctx.t("newsletter.archive_title")) }
            p { a href="/newsletter/archive.atom" { (ctx.t("newsletter.feed")) } " · " a href="/newsletter" { (ctx.t("newsletter.subscribe")) } }
            @if items.is_empty() {
                (crate::components::empty_state(ctx.t("newsletter.archive_empty")))
            } @else {
                ul.archive-list {
                    @for item in items {
                        li { time { (item.date) } " " a href=(item.href) { (item.subject) } }
                    }
                }
            }
        },
    )
}

/// `GET /newsletter/archive/{id}`: one issue, its body already sanitized HTML.
pub fn issue_page(ctx: &PageCtx, subject: &str, date: &str, body_html: &str) -> Markup {
    page(
        ctx,
        subject,
        html! {
            article.prose {
                p { a href="/newsletter/archive" { (ctx.t("newsletter.archive_title")) } }
                h1 { (subject) }
                p.meta { time { (date) } }
                (PreEscaped(body_html))
            }
        },
    )
}
