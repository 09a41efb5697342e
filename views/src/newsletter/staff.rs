//! The back office of the newsletter: subscribers, import, topics, campaigns.

use maud::{Markup, PreEscaped, html};

use crate::components::{Tone, empty_state, notice, table_region};
use crate::forms::{self, Field, FormErrors};
use crate::layout::PageCtx;
use crate::staff::staff_page;

const SECTION: &str = "/staff/newsletter";

fn table(label: &str, headers: &[&str], rows: &[Vec<Markup>]) -> Markup {
    table_region(
        label,
        html! {
            table {
                thead { tr { @for h in headers { th scope="col" { (h) } } } }
                tbody {
                    @for row in rows { tr { @for cell in row { td { (cell) } } } }
                }
            }
        },
    )
}

fn post_button(ctx: &PageCtx, action: &str, label: &str, class: &str) -> Markup {
    html! {
        form.inline-form method="post" action=(action) {
            (ctx.csrf_field())
            button type="submit" class=(class) { (label) }
        }
    }
}

fn sub_nav(ctx: &PageCtx) -> Markup {
    html! {
        p.button-row {
            a.button href="/staff/newsletter/campaigns/new" { (ctx.t("newsletter.staff.new_campaign")) }
            a.button.button-secondary href="/staff/newsletter/subscribers" { (ctx.t("newsletter.staff.subscribers")) }
            a.button.button-secondary href="/staff/newsletter/import" { (ctx.t("newsletter.staff.import")) }
            a.button.button-secondary href="/staff/newsletter/export.csv" { (ctx.t("newsletter.staff.export")) }
            a.button.button-secondary href="/staff/newsletter/topics" { (ctx.t("newsletter.staff.topics")) }
        }
    }
}

/// A campaign in the list.
#[derive(Debug, Clone)]
pub struct CampaignRow {
    /// Id.
    pub id: i64,
    /// Subject.
    pub subject: String,
    /// Status label.
    pub status: String,
    /// Topics label.
    pub topics: String,
    /// Scheduled or sent time, formatted.
    pub when: String,
}

/// `GET /staff/newsletter`: the campaigns.
pub fn dashboard(ctx: &PageCtx, counts: &[(String, i64)], campaigns: &[CampaignRow]) -> Markup {
    let title = ctx.t("newsletter.staff.title");
    let rows: Vec<Vec<Markup>> = campaigns
        .iter()
        .map(|c| {
            vec![
                html! { a href={ "/staff/newsletter/campaigns/" (c.id) } { (c.subject) } },
                html! { (c.status) },
                html! { (c.topics) },
                html! { (c.when) },
            ]
        })
        .collect();
    staff_page(
        ctx,
        title,
        SECTION,
        html! {
            h1 { (title) }
            (sub_nav(ctx))
            dl.summary { @for (label, n) in counts { dt { (label) } dd { (n) } } }
            h2 { (ctx.t("newsletter.staff.campaigns")) }
            @if rows.is_empty() { (empty_state(ctx.t("newsletter.staff.no_campaigns"))) }
            @else { (table(ctx.t("newsletter.staff.campaigns"), &[ctx.t("newsletter.staff.subject"), ctx.t("newsletter.status"), ctx.t("newsletter.topics"), ctx.t("newsletter.staff.when")], &rows)) }
        },
    )
}

/// A subscriber in the list.
#[derive(Debug, Clone)]
pub struct SubscriberRow {
    /// Id.
    pub id: i64,
    /// Address.
    pub email: String,
    /// Name.
    pub name: String,
    /// Company.
    pub company: String,
    /// Status label.
    pub status: String,
    /// Topics label.
    pub topics: String,
}

/// Search values of the subscriber list.
#[derive(Debug, Clone, Default)]
pub struct SubscriberSearch {
    /// Text in address, name or company.
    pub q: String,
    /// Status filter.
    pub status: String,
    /// Topic filter.
    pub topic: String,
}

/// `GET /staff/newsletter/subscribers`.
pub fn subscribers(
    ctx: &PageCtx,
    search: &SubscriberSearch,
    statuses: &[(String, String)],
    topics: &[(String, String)],
    list: &[SubscriberRow],
    notice_key: Option<&'static str>,
) -> Markup {
    let title = ctx.t("newsletter.staff.subscribers");
    let none = FormErrors::new();
    let rows: Vec<Vec<Markup>> = list
        .iter()
        .map(|s| {
            vec![
                html! { a href={ "/staff/newsletter/subscribers/" (s.id) } { (s.email) } },
                html! { (s.name) },
                html! { (s.company) },
                html! { (s.status) },
                html! { (s.topics) },
            ]
        })
        .collect();
    staff_page(
        ctx,
        title,
        SECTION,
        html! {
            h1 { (title) }
            (sub_nav(ctx))
            @if let Some(key) = notice_key { (notice(Tone::Success, ctx.t(key))) }
            form.form.search-form method="get" action="/staff/newsletter/subscribers" {
                (forms::input(ctx, Field::new("q", ctx.t("form.search"), &none), "search", &search.q))
                (forms::filter_select(ctx, Field::new("status", ctx.t("newsletter.status"), &none), statuses, &search.status))
                (forms::filter_select(ctx, Field::new("topic", ctx.t("newsletter.topics"), &none), topics, &search.topic))
                button.button type="submit" { (ctx.t("form.search")) }
            }
            @if rows.is_empty() { (empty_state(ctx.t("newsletter.staff.no_subscribers"))) }
            @else { (table(title, &[ctx.t("newsletter.email"), ctx.t("newsletter.name"), ctx.t("newsletter.company"), ctx.t("newsletter.status"), ctx.t("newsletter.topics")], &rows)) }
        },
    )
}

/// One subscriber with the consent history.
#[derive(Debug, Clone)]
pub struct SubscriberDetail {
    /// Id.
    pub id: i64,
    /// Label/value pairs.
    pub facts: Vec<(String, String)>,
    /// (time, event, source) rows.
    pub history: Vec<(String, String, String)>,
    /// Whether a manual unsubscribe is possible.
    pub can_unsubscribe: bool,
}

/// `GET /staff/newsletter/subscribers/{id}`.
pub fn subscriber(ctx: &PageCtx, d: &SubscriberDetail) -> Markup {
    let title = ctx.t("newsletter.staff.subscriber");
    let rows: Vec<Vec<Markup>> = d
        .history
        .iter()
        .map(|(at, ev, src)| vec![html! { (at) }, html! { (ev) }, html! { (src) }])
        .collect();
    staff_page(
        ctx,
        title,
        SECTION,
        html! {
            h1 { (title) }
            dl.summary { @for (k, v) in &d.facts { dt { (k) } dd { (v) } } }
            @if d.can_unsubscribe {
                a.button.button-danger href={ "/staff/newsletter/subscribers/" (d.id) "/unsubscribe" } { (ctx.t("newsletter.unsubscribe")) }
            }
            h2 { (ctx.t("newsletter.staff.history")) }
            (table(ctx.t("newsletter.staff.history"), &[ctx.t("newsletter.staff.when"), ctx.t("newsletter.staff.event"), ctx.t("newsletter.staff.source")], &rows))
        },
    )
}

/// The import form and its outcome.
#[derive(Debug, Clone, Default)]
pub struct ImportView {
    /// The CSV text.
    pub csv: String,
    /// The consent source.
    pub consent_source: String,
    /// Topic options.
    pub topics: Vec<(String, String)>,
    /// Chosen topics.
    pub chosen: Vec<String>,
    /// Field errors.
    pub errors: FormErrors,
    /// Row errors: (line number, message).
    pub row_errors: Vec<(usize, String)>,
    /// How many were imported (after success).
    pub imported: Option<usize>,
}

/// `GET|POST /staff/newsletter/import`.
pub fn import(ctx: &PageCtx, v: &ImportView) -> Markup {
    let title = ctx.t("newsletter.staff.import");
    let e = &v.errors;
    let csv = Field::new("csv", "CSV", e).required();
    let consent_source = Field::new(
        "consent_source",
        ctx.t("newsletter.staff.consent_source"),
        e,
    )
    .required()
    .hint(ctx.t("newsletter.staff.consent_source_hint"));
    let topics = Field::new("topics", ctx.t("newsletter.topics"), e);
    staff_page(
        ctx,
        &forms::page_title(ctx, title, e),
        SECTION,
        html! {
            h1 { (title) }
            @if let Some(n) = v.imported {
                (notice(Tone::Success, &ctx.tf("newsletter.staff.imported", &[("count", &n.to_string())])))
            }
            (forms::error_summary(ctx, e, &[csv, consent_source, topics]))
            @if !v.row_errors.is_empty() {
                div.notice.notice-error role="alert" {
                    p { strong { (ctx.t("newsletter.staff.import_rejected")) } }
                    ul { @for (line, msg) in &v.row_errors { li { (ctx.tf("newsletter.staff.row", &[("line", &line.to_string())])) ": " (msg) } } }
                }
            }
            p { (ctx.t("newsletter.staff.import_help")) }
            form.form method="post" action="/staff/newsletter/import" {
                (ctx.csrf_field())
                (forms::textarea(ctx, csv, &v.csv, 12))
                (forms::input(ctx, consent_source, "text", &v.consent_source))
                (forms::checkboxes(ctx, topics, &v.topics, &v.chosen))
                button.button type="submit" { (ctx.t("newsletter.staff.import")) }
            }
        },
    )
}

/// `GET /staff/newsletter/topics`.
pub fn topics(
    ctx: &PageCtx,
    list: &[(String, String, String)],
    values: &(String, String, String),
    errors: &FormErrors,
) -> Markup {
    let title = ctx.t("newsletter.staff.topics");
    let code = Field::new("code", ctx.t("newsletter.staff.code"), errors)
        .required()
        .hint(ctx.t("newsletter.staff.code_hint"));
    let label_ja = Field::new("label_ja", ctx.t("newsletter.staff.label_ja"), errors).required();
    let label_en = Field::new("label_en", ctx.t("newsletter.staff.label_en"), errors).required();
    let rows: Vec<Vec<Markup>> = list
        .iter()
        .map(|(c, ja, en)| vec![html! { code { (c) } }, html! { (ja) }, html! { (en) }])
        .collect();
    staff_page(
        ctx,
        &forms::page_title(ctx, title, errors),
        SECTION,
        html! {
            h1 { (title) }
            (table(title, &[ctx.t("newsletter.staff.code"), ctx.t("newsletter.staff.label_ja"), ctx.t("newsletter.staff.label_en")], &rows))
            h2 { (ctx.t("newsletter.staff.add_topic")) }
            (forms::error_summary(ctx, errors, &[code, label_ja, label_en]))
            form.form method="post" action="/staff/newsletter/topics" {
                (ctx.csrf_field())
                (forms::input(ctx, code, "text", &values.0))
                (forms::input(ctx, label_ja, "text", &values.1))
                (forms::input(ctx, label_en, "text", &values.2))
                button.button type="submit" { (ctx.t("newsletter.staff.add_topic")) }
            }
        },
    )
}

/// The compose form.
#[derive(Debug, Clone, Default)]
pub struct ComposeView {
    /// Where the form posts.
    pub action: String,
    /// Subject.
    pub subject: String,
    /// Markdown body.
    pub body_markdown: String,
    /// Topic options.
    pub topics: Vec<(String, String)>,
    /// Chosen topics (none: all subscribers).
    pub chosen: Vec<String>,
    /// Errors.
    pub errors: FormErrors,
    /// The preview: sanitized HTML and plain text.
    pub preview: Option<(String, String)>,
}

/// `GET /staff/newsletter/campaigns/new` and the draft editor.
pub fn compose(ctx: &PageCtx, v: &ComposeView) -> Markup {
    let title = ctx.t("newsletter.staff.compose");
    let e = &v.errors;
    staff_page(
        ctx,
        &forms::page_title(ctx, title, e),
        SECTION,
        html! {
            h1 { (title) }
            (compose_form(ctx, v, e))
            @let (html_part, text_part) = v.preview.clone().unwrap_or_default();
            (preview_boxes(ctx, &html_part, &text_part))
        },
    )
}

/// The preview of an issue (HTML already sanitized); the live preview script updates it.
fn preview_boxes(ctx: &PageCtx, html_part: &str, text_part: &str) -> Markup {
    html! {
        h2 { (ctx.t("newsletter.staff.preview_html")) }
        div.preview.prose #live-preview-html aria-live="polite" { (PreEscaped(html_part)) }
        h2 { (ctx.t("newsletter.staff.preview_text")) }
        pre.preview-text #live-preview-text { (text_part) }
    }
}

fn compose_form(ctx: &PageCtx, v: &ComposeView, e: &FormErrors) -> Markup {
    let subject = Field::new("subject", ctx.t("newsletter.staff.subject"), e).required();
    let body_markdown = Field::new("body_markdown", ctx.t("newsletter.staff.body"), e)
        .required()
        .hint(ctx.t("newsletter.staff.body_hint"));
    let topics = Field::new("topics", ctx.t("newsletter.topics"), e)
        .hint(ctx.t("newsletter.staff.topics_hint"));
    html! {
        (forms::error_summary(ctx, e, &[subject, body_markdown, topics]))
        form.form method="post" action=(v.action) {
            (ctx.csrf_field())
            (forms::input(ctx, subject, "text", &v.subject))
            (forms::textarea(ctx, body_markdown, &v.body_markdown, 16))
            (forms::checkboxes(ctx, topics, &v.topics, &v.chosen))
            script src=(ctx.asset("newsletter.js")) defer {}
            div.button-row {
                button.button.button-secondary type="submit" name="action" value="preview" { (ctx.t("newsletter.staff.preview")) }
                button.button.button-secondary type="submit" name="action" value="insert_upcoming" { (ctx.t("newsletter.staff.insert_upcoming")) }
                button.button type="submit" name="action" value="save" { (ctx.t("form.save")) }
            }
        }
    }
}

/// One campaign with its counts and actions.
#[derive(Debug, Clone, Default)]
pub struct CampaignView {
    /// Id.
    pub id: i64,
    /// Status code.
    pub status: String,
    /// Label/value facts (status, topics, audience, queued, sent, failed, unsubscribed since).
    pub facts: Vec<(String, String)>,
    /// The editor (drafts only).
    pub editor: Option<ComposeView>,
    /// Preview of the saved body (HTML, text).
    pub preview: (String, String),
    /// A notice after an action.
    pub notice: Option<&'static str>,
    /// Error of the schedule field.
    pub errors: FormErrors,
}

/// `GET /staff/newsletter/campaigns/{id}`.
pub fn campaign(ctx: &PageCtx, v: &CampaignView) -> Markup {
    let title = ctx.t("newsletter.staff.campaign");
    let base = format!("/staff/newsletter/campaigns/{}", v.id);
    let s = v.status.as_str();
    // One of the page's two forms came back: the schedule or the editor.
    let errors = match &v.editor {
        Some(editor) if !editor.errors.is_empty() => &editor.errors,
        _ => &v.errors,
    };
    let scheduled_at = Field::new(
        "scheduled_at",
        ctx.t("newsletter.staff.scheduled_at"),
        &v.errors,
    )
    .required();
    staff_page(
        ctx,
        &forms::page_title(ctx, title, errors),
        SECTION,
        html! {
            h1 { (title) }
            @if let Some(key) = v.notice { (notice(Tone::Success, ctx.t(key))) }
            dl.summary { @for (k, val) in &v.facts { dt { (k) } dd { (val) } } }
            div.button-row {
                (post_button(ctx, &format!("{base}/test"), ctx.t("newsletter.staff.send_test"), "button button-secondary"))
                @if matches!(s, "draft" | "scheduled") {
                    (post_button(ctx, &format!("{base}/send"), ctx.t("newsletter.staff.send_now"), "button"))
                }
                @if matches!(s, "sending" | "scheduled") {
                    (post_button(ctx, &format!("{base}/pause"), ctx.t("newsletter.pause"), "button button-secondary"))
                }
                @if s == "paused" {
                    (post_button(ctx, &format!("{base}/resume"), ctx.t("newsletter.resume"), "button"))
                }
                @if matches!(s, "draft" | "scheduled" | "sending" | "paused") {
                    (post_button(ctx, &format!("{base}/cancel"), ctx.t("newsletter.staff.cancel"), "button button-danger"))
                }
            }
            @if s == "draft" {
                h2 { (ctx.t("newsletter.staff.schedule")) }
                (forms::error_summary(ctx, &v.errors, &[scheduled_at]))
                form.form method="post" action={ (base) "/send" } {
                    (ctx.csrf_field())
                    (forms::input(ctx, scheduled_at, "datetime-local", ""))
                    button.button type="submit" { (ctx.t("newsletter.staff.schedule")) }
                }
            }
            @if let Some(editor) = &v.editor {
                h2 { (ctx.t("newsletter.staff.edit")) }
                (compose_form(ctx, editor, &editor.errors))
            }
            (preview_boxes(ctx, &v.preview.0, &v.preview.1))
        },
    )
}
