//! The staff import of seminars from an `.ics` file: the upload form with the defaults the
//! calendar does not carry, and the result (drafts created, events skipped with the reason).

use maud::{Markup, html};

use crate::components::{Tone, empty_state, notice, table_region};
use crate::forms::{Field, FormErrors, error_summary, input, page_title, select};
use crate::layout::PageCtx;
use crate::staff::staff_page;

use super::public::Options;

/// A draft made from an event.
#[derive(Debug, Clone, Default)]
pub struct Created {
    /// Title.
    pub title: String,
    /// Date and time.
    pub when: String,
    /// Its edit page.
    pub href: String,
}

/// An event that was not imported.
#[derive(Debug, Clone, Default)]
pub struct Skipped {
    /// Its title (or 「(無題)」).
    pub title: String,
    /// Date and time, when readable.
    pub when: Option<String>,
    /// Why it was skipped.
    pub reason: String,
    /// The seminar it duplicates, if any.
    pub href: Option<String>,
}

/// What an import did.
#[derive(Debug, Clone, Default)]
pub struct ImportResult {
    /// Drafts created, in file order.
    pub created: Vec<Created>,
    /// Events skipped, in file order.
    pub skipped: Vec<Skipped>,
}

/// The import page.
#[derive(Debug, Clone, Default)]
pub struct ImportView {
    /// Values of the default fields.
    pub values: Vec<(String, String)>,
    /// Errors (the file's under `file`).
    pub errors: FormErrors,
    /// Industry options.
    pub industries: Options,
    /// Prefecture options.
    pub prefectures: Options,
    /// Format options.
    pub formats: Options,
    /// The largest file, in MB.
    pub max_mb: usize,
    /// The result of the import just made.
    pub result: Option<ImportResult>,
}

impl ImportView {
    fn v(&self, name: &str) -> &str {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

fn result(ctx: &PageCtx, r: &ImportResult) -> Markup {
    html! {
        section.import-result aria-labelledby="import-result-title" {
            h2 #import-result-title { (ctx.t("seminars.import.result_title")) }
            (notice(Tone::Success, &ctx.tf("seminars.import.summary", &[
                ("created", &r.created.len().to_string()),
                ("skipped", &r.skipped.len().to_string()),
            ])))
            h3 { (ctx.t("seminars.import.created_title")) }
            @if r.created.is_empty() {
                (empty_state(ctx.t("seminars.import.none_created")))
            } @else {
                p { (ctx.t("seminars.import.created_hint")) }
                (table_region(ctx.t("seminars.import.created_title"), html! { table.data-table.import-created {
                    thead { tr {
                        th { (ctx.t("seminars.field_title")) }
                        th { (ctx.t("seminars.when")) }
                    } }
                    tbody {
                        @for c in &r.created {
                            tr { td { a href=(c.href) { (c.title) } } td { (c.when) } }
                        }
                    }
                } }))
            }
            @if !r.skipped.is_empty() {
                h3 { (ctx.t("seminars.import.skipped_title")) }
                (table_region(ctx.t("seminars.import.skipped_title"), html! { table.data-table.import-skipped {
                    thead { tr {
                        th { (ctx.t("seminars.field_title")) }
                        th { (ctx.t("seminars.when")) }
                        th { (ctx.t("seminars.import.reason")) }
                    } }
                    tbody {
                        @for s in &r.skipped {
                            tr {
                                td {
                                    @match &s.href {
                                        Some(href) => { a href=(href) { (s.title) } }
                                        None => { (s.title) }
                                    }
                                }
                                td { @if let Some(w) = &s.when { (w) } @else { "–" } }
                                td { (s.reason) }
                            }
                        }
                    }
                } }))
            }
        }
    }
}

/// `GET /staff/seminars/import`, and the page after an upload (with its result or errors).
pub fn page(ctx: &PageCtx, v: &ImportView) -> Markup {
    let title = ctx.t("seminars.import.title");
    let e = &v.errors;
    let file_hint = ctx.tf(
        "seminars.import.file_hint",
        &[("mb", &v.max_mb.to_string())],
    );
    let file = Field::new("file", ctx.t("seminars.import.field_file"), e)
        .required()
        .hint(&file_hint);
    let industry = Field::new("industry", ctx.t("seminars.field_industry"), e).required();
    let prefecture = Field::new("prefecture", ctx.t("seminars.field_prefecture"), e).required();
    let format = Field::new("format", ctx.t("seminars.field_format"), e).required();
    let capacity_onsite = Field::new(
        "capacity_onsite",
        ctx.t("seminars.field_capacity_onsite"),
        e,
    );
    let capacity_online = Field::new(
        "capacity_online",
        ctx.t("seminars.field_capacity_online"),
        e,
    );
    let fields = [
        file,
        industry,
        prefecture,
        format,
        capacity_onsite,
        capacity_online,
    ];
    staff_page(
        ctx,
        &page_title(ctx, title, e),
        "/staff/seminars",
        html! {
            h1 { (title) }
            @if let Some(r) = &v.result { (result(ctx, r)) }
            p { (ctx.t("seminars.import.lead")) }
            (error_summary(ctx, e, &fields))
            form method="post" action="/staff/seminars/import" enctype="multipart/form-data" novalidate {
                (ctx.csrf_field())
                (input(ctx, file, "file", ""))
                fieldset {
                    legend { (ctx.t("seminars.import.defaults")) }
                    (select(ctx, industry, &v.industries, v.v("industry")))
                    (select(ctx, prefecture, &v.prefectures, v.v("prefecture")))
                    (select(ctx, format, &v.formats, v.v("format")))
                    (input(ctx, capacity_onsite, "number", v.v("capacity_onsite")))
                    (input(ctx, capacity_online, "number", v.v("capacity_online")))
                }
                button.button type="submit" { (ctx.t("seminars.import.button")) }
            }
        },
    )
}
