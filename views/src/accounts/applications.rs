//! Applications for an organization: the applicant's form and standing, the board's answer to a
//! member without an organization, and staff's list and decision page.

use maud::{Markup, html};

use super::staff::{OrganizationsView, organization_fields};
use crate::components::{Tone, empty_state, notice, table_region};
use crate::forms::{Field, FormErrors, error_summary, input, page_title, textarea};
use crate::layout::{PageCtx, page};
use crate::staff::staff_page;

/// An application as its applicant sees it.
#[derive(Debug, Clone, Default)]
pub struct ApplicationSummary {
    /// Organization name.
    pub name: String,
    /// Kind label.
    pub kind: String,
    /// Date submitted.
    pub submitted: String,
}

/// Where a signed-in person stands with organizations.
#[derive(Debug, Clone, Default)]
pub enum Standing {
    /// Belongs to one.
    Member {
        /// Its name.
        organization: String,
        /// Its kind label.
        kind: String,
    },
    /// An application waits for staff.
    Pending(ApplicationSummary),
    /// The last application was refused.
    Refused {
        /// The application.
        application: ApplicationSummary,
        /// Why.
        reason: String,
    },
    /// Neither.
    #[default]
    None,
}

/// The applicant's page.
#[derive(Debug, Clone, Default)]
pub struct ApplyView {
    /// Where the person stands.
    pub standing: Standing,
    /// The form: options, values, errors.
    pub form: OrganizationsView,
    /// A message after submitting.
    pub flash: Option<String>,
}

fn standing_notice(ctx: &PageCtx, standing: &Standing) -> Markup {
    html! {
        @match standing {
            Standing::Member { organization, kind } => {
                (notice(Tone::Info, &ctx.tf("apply.member", &[("organization", organization), ("kind", kind)])))
                p { a href="/board/mine" { (ctx.t("apply.to_board")) } }
            }
            Standing::Pending(a) => {
                (notice(Tone::Info, &ctx.tf("apply.pending", &[("name", &a.name), ("kind", &a.kind), ("date", &a.submitted)])))
            }
            Standing::Refused { application, reason } => {
                div.notice.notice-warning {
                    p { (ctx.tf("apply.refused", &[("name", &application.name), ("date", &application.submitted)])) }
                    p { strong { (ctx.t("apply.reason")) ": " } (reason) }
                    p { (ctx.t("apply.again")) }
                }
            }
            Standing::None => {}
        }
    }
}

/// `GET /account/organization`.
pub fn apply(ctx: &PageCtx, v: &ApplyView) -> Markup {
    let e = &v.form.errors;
    let title = ctx.t("apply.title");
    let open = matches!(v.standing, Standing::None | Standing::Refused { .. });
    let (mut fields, org_markup) = organization_fields(ctx, &v.form);
    let sa_id = Field::new("security_action_id", ctx.t("apply.security_action_id"), e)
        .hint(ctx.t("apply.security_action_id_hint"));
    let note = Field::new("note", ctx.t("apply.note"), e)
        .required()
        .hint(ctx.t("apply.note_hint"));
    fields.push(sa_id);
    fields.push(note);
    page(
        ctx,
        &page_title(ctx, title, e),
        html! {
            div.form {
                h1 { (title) }
                @if let Some(f) = &v.flash { (notice(Tone::Success, f)) }
                (standing_notice(ctx, &v.standing))
                @if open {
                    p { (ctx.t("apply.intro")) }
                    (error_summary(ctx, e, &fields))
                    form method="post" action="/account/organization" novalidate {
                        (ctx.csrf_field())
                        (org_markup)
                        (input(ctx, sa_id, "text", v.form.value("security_action_id")))
                        (textarea(ctx, note, v.form.value("note"), 5))
                        button.button type="submit" { (ctx.t("apply.submit")) }
                    }
                }
            }
        },
    )
}

/// The board's page for a member without an organization (instead of a bare 403).
pub fn board_gate(ctx: &PageCtx, standing: &Standing) -> Markup {
    page(
        ctx,
        ctx.t("apply.gate_title"),
        html! {
            h1 { (ctx.t("apply.gate_title")) }
            @match standing {
                Standing::None => {
                    p { (ctx.t("apply.gate_none")) }
                    p { a.button href="/account/organization" { (ctx.t("apply.gate_apply")) } }
                }
                Standing::Refused { .. } => {
                    (standing_notice(ctx, standing))
                    p { a.button href="/account/organization" { (ctx.t("apply.gate_apply")) } }
                }
                _ => {
                    (standing_notice(ctx, standing))
                    p { a href="/account/organization" { (ctx.t("apply.gate_see")) } }
                }
            }
            p { a href="/board" { (ctx.t("apply.gate_back")) } }
        },
    )
}

/// A pending application on staff's pages.
#[derive(Debug, Clone, Default)]
pub struct StaffApplication {
    /// Id.
    pub id: i64,
    /// Organization name.
    pub name: String,
    /// Applicant: name and address.
    pub applicant: String,
    /// When submitted.
    pub submitted: String,
    /// Everything to judge it: label and value.
    pub facts: Vec<(String, String)>,
    /// Errors of the refusal form.
    pub errors: FormErrors,
    /// The reason typed so far.
    pub reason: String,
}

/// Staff's list of pending applications.
#[derive(Debug, Clone, Default)]
pub struct StaffApplicationsView {
    /// Pending, oldest first.
    pub rows: Vec<StaffApplication>,
    /// A message after a decision.
    pub flash: Option<String>,
}

const SECTION: &str = "/staff/applications";

/// `GET /staff/applications`.
pub fn staff_list(ctx: &PageCtx, v: &StaffApplicationsView) -> Markup {
    let title = ctx.t("apply.staff_title");
    staff_page(
        ctx,
        title,
        SECTION,
        html! {
            h1 { (title) }
            @if let Some(f) = &v.flash { (notice(Tone::Success, f)) }
            @if v.rows.is_empty() {
                (empty_state(ctx.t("apply.staff_none")))
            } @else {
                (table_region(title, html! { table.data-table {
                    thead { tr {
                        th { (ctx.t("org.name")) } th { (ctx.t("apply.applicant")) } th { (ctx.t("apply.submitted")) }
                    } }
                    tbody { @for r in &v.rows { tr {
                        td { a href={ "/staff/applications/" (r.id) } { (r.name) } }
                        td { (r.applicant) } td { (r.submitted) }
                    } } }
                } }))
            }
        },
    )
}

/// `GET /staff/applications/{id}`: the facts, approve, refuse with a reason.
pub fn staff_one(ctx: &PageCtx, r: &StaffApplication) -> Markup {
    let reason = Field::new("reason", ctx.t("apply.reason"), &r.errors)
        .required()
        .hint(ctx.t("apply.reason_hint"));
    let base = format!("/staff/applications/{}", r.id);
    staff_page(
        ctx,
        &page_title(ctx, &r.name, &r.errors),
        SECTION,
        html! {
            h1 { (r.name) }
            p.meta { (ctx.t("apply.applicant")) ": " (r.applicant) " ・ " (ctx.t("apply.submitted")) ": " (r.submitted) }
            dl.facts { @for (k, val) in &r.facts { dt { (k) } dd { (val) } } }
            h2 { (ctx.t("apply.approve_title")) }
            p { (ctx.t("apply.approve_explain")) }
            form method="post" action={ (base) "/approve" } {
                (ctx.csrf_field())
                button.button type="submit" { (ctx.t("apply.approve")) }
            }
            h2 { (ctx.t("apply.refuse_title")) }
            (error_summary(ctx, &r.errors, &[reason]))
            form.form method="post" action={ (base) "/refuse" } novalidate {
                (ctx.csrf_field())
                (textarea(ctx, reason, &r.reason, 4))
                button.button.button-danger type="submit" { (ctx.t("apply.refuse")) }
            }
            p { a href="/staff/applications" { (ctx.t("apply.staff_back")) } }
        },
    )
}
