//! Back-office pages of accounts: dashboard, users, organizations, mail delivery, audit log.

use maud::{Markup, html};

use crate::components::{Tone, empty_state, notice, table_region};
use crate::forms::{Field, FormErrors, error_summary, input, page_title, select};
use crate::layout::PageCtx;
use crate::staff::staff_page;

/// A figure on the dashboard.
#[derive(Debug, Clone)]
pub struct Stat {
    /// Label, translated.
    pub label: String,
    /// Value, formatted.
    pub value: String,
    /// Where it leads.
    pub href: String,
}

/// The dashboard: figures and what needs attention today.
#[derive(Debug, Clone, Default)]
pub struct DashboardView {
    /// Figures.
    pub stats: Vec<Stat>,
    /// Things to look at: text and link.
    pub attention: Vec<(String, String)>,
}

/// `/staff`.
pub fn dashboard(ctx: &PageCtx, view: &DashboardView) -> Markup {
    staff_page(
        ctx,
        ctx.t("staff.dashboard.title"),
        "/staff",
        html! {
            h1 { (ctx.t("staff.dashboard.title")) }
            ul.stat-grid {
                @for s in &view.stats {
                    li.stat { a href=(s.href) { span.stat-value { (s.value) } span.stat-label { (s.label) } } }
                }
            }
            h2 { (ctx.t("staff.dashboard.attention")) }
            @if view.attention.is_empty() {
                (empty_state(ctx.t("staff.dashboard.nothing")))
            } @else {
                ul { @for (text, href) in &view.attention { li { a href=(href) { (text) } } } }
            }
        },
    )
}

/// A user in the staff list.
#[derive(Debug, Clone)]
pub struct UserRow {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Address.
    pub email: String,
    /// Role code.
    pub role: String,
    /// Organization name.
    pub organization: String,
    /// Active or deactivated.
    pub active: bool,
    /// Last sign-in, formatted.
    pub last_login: String,
}

/// The user list.
#[derive(Debug, Clone, Default)]
pub struct UsersView {
    /// The search text.
    pub query: String,
    /// The users found.
    pub rows: Vec<UserRow>,
    /// Whether the viewer may change roles (admins).
    pub can_change_roles: bool,
    /// A confirmation, translated.
    pub flash: Option<String>,
}

fn role_options(ctx: &PageCtx) -> Vec<(String, String)> {
    ["member", "staff", "admin"]
        .iter()
        .map(|r| (r.to_string(), role_label(ctx, r).to_string()))
        .collect()
}

/// The translated name of a role.
pub fn role_label(ctx: &PageCtx, role: &str) -> &'static str {
    match role {
        "admin" => ctx.t("role.admin"),
        "staff" => ctx.t("role.staff"),
        _ => ctx.t("role.member"),
    }
}

/// `/staff/users`.
pub fn users(ctx: &PageCtx, view: &UsersView) -> Markup {
    staff_page(
        ctx,
        ctx.t("staff.users.title"),
        "/staff/users",
        html! {
            h1 { (ctx.t("staff.users.title")) }
            @if let Some(f) = &view.flash { (notice(Tone::Success, f)) }
            form.filters method="get" action="/staff/users" role="search" {
                div.field {
                    label for="f-q" { (ctx.t("staff.users.search")) }
                    input #f-q type="search" name="q" value=(view.query);
                }
                button.button type="submit" { (ctx.t("form.search")) }
            }
            @if view.rows.is_empty() {
                (empty_state(ctx.t("staff.users.none")))
            } @else {
                (table_region(ctx.t("staff.users.title"), html! { table {
                    thead { tr {
                        th { (ctx.t("staff.users.name")) } th { (ctx.t("staff.users.email")) }
                        th { (ctx.t("staff.users.organization")) } th { (ctx.t("staff.users.role")) }
                        th { (ctx.t("staff.users.last_login")) } th { (ctx.t("staff.users.actions")) }
                    } }
                    tbody { @for u in &view.rows { tr {
                        td { (u.name) @if !u.active { " " span.badge.badge-warn { (ctx.t("staff.users.inactive")) } } }
                        td { (u.email) } td { (u.organization) }
                        td {
                            @if view.can_change_roles {
                                form.actions method="post" action={ "/staff/users/" (u.id) "/role" } {
                                    (ctx.csrf_field())
                                    label.visually-hidden for={ "role-" (u.id) } { (ctx.t("staff.users.role")) }
                                    select id={ "role-" (u.id) } name="role" {
                                        @for (value, label) in role_options(ctx) {
                                            option value=(value) selected[value == u.role] { (label) }
                                        }
                                    }
                                    button.button.button-secondary type="submit" { (ctx.t("staff.users.change_role")) }
                                }
                            } @else { (role_label(ctx, &u.role)) }
                        }
                        td { (u.last_login) }
                        td {
                            @if u.active {
                                a.button.button-secondary href={ "/staff/users/" (u.id) "/deactivate" } {
                                    (ctx.t("staff.users.deactivate"))
                                }
                            }
                        }
                    } } }
                } }))
            }
        },
    )
}

/// An organization in the staff list.
#[derive(Debug, Clone)]
pub struct OrgRow {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Kind, translated.
    pub kind: String,
    /// Prefecture name.
    pub prefecture: String,
    /// Members.
    pub members: i64,
}

/// The organization list and the form to add one.
#[derive(Debug, Clone, Default)]
pub struct OrganizationsView {
    /// Search text.
    pub query: String,
    /// Found.
    pub rows: Vec<OrgRow>,
    /// The new-organization form: values.
    pub form: Vec<(String, String)>,
    /// Its errors.
    pub errors: FormErrors,
    /// Prefecture options.
    pub prefectures: Vec<(String, String)>,
    /// Industry options.
    pub industries: Vec<(String, String)>,
    /// Employee band options.
    pub bands: Vec<(String, String)>,
}

impl OrganizationsView {
    /// The submitted value of a field.
    pub fn value(&self, name: &str) -> &str {
        self.form
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
}

/// The fields of an organization (staff's new-organization form and a person's application):
/// the fields for the error summary, and their markup.
pub fn organization_fields<'a>(
    ctx: &'a PageCtx,
    view: &'a OrganizationsView,
) -> (Vec<Field<'a>>, Markup) {
    let kinds = vec![
        ("sme".to_string(), ctx.t("org.kind_sme").to_string()),
        ("vendor".to_string(), ctx.t("org.kind_vendor").to_string()),
    ];
    let actions = vec![
        ("none".to_string(), ctx.t("org.sa_none").to_string()),
        ("one_star".to_string(), ctx.t("org.sa_one").to_string()),
        ("two_star".to_string(), ctx.t("org.sa_two").to_string()),
    ];
    let e = &view.errors;
    let name = Field::new("name", ctx.t("org.name"), e).required();
    let kind = Field::new("kind", ctx.t("org.kind"), e).required();
    let prefecture = Field::new("prefecture", ctx.t("org.prefecture"), e);
    let industry = Field::new("industry", ctx.t("org.industry"), e);
    let employee_band = Field::new("employee_band", ctx.t("org.employees"), e);
    let website = Field::new("website", ctx.t("org.website"), e);
    let security_action = Field::new("security_action", ctx.t("org.security_action"), e);
    let otasuketai_service = Field::new("otasuketai_service", ctx.t("org.otasuketai"), e)
        .hint(ctx.t("org.otasuketai_hint"));
    let markup = html! {
        (input(ctx, name, "text", view.value("name")))
        (select(ctx, kind, &kinds, view.value("kind")))
        (select(ctx, prefecture, &view.prefectures, view.value("prefecture")))
        (select(ctx, industry, &view.industries, view.value("industry")))
        (select(ctx, employee_band, &view.bands, view.value("employee_band")))
        (input(ctx, website, "url", view.value("website")))
        (select(ctx, security_action, &actions, view.value("security_action")))
        (input(ctx, otasuketai_service, "text", view.value("otasuketai_service")))
        div.field { label.choice for="f-it" {
            input #f-it type="checkbox" name="it_support_provider" value="1" checked[view.value("it_support_provider") == "1"];
            span { (ctx.t("org.it_support")) }
        } }
    };
    (
        vec![
            name,
            kind,
            prefecture,
            industry,
            employee_band,
            website,
            security_action,
            otasuketai_service,
        ],
        markup,
    )
}

/// `/staff/organizations`.
pub fn organizations(ctx: &PageCtx, view: &OrganizationsView) -> Markup {
    let e = &view.errors;
    let (fields, markup) = organization_fields(ctx, view);
    staff_page(
        ctx,
        &page_title(ctx, ctx.t("staff.orgs.title"), e),
        "/staff/organizations",
        html! {
            h1 { (ctx.t("staff.orgs.title")) }
            form.filters method="get" action="/staff/organizations" role="search" {
                div.field {
                    label for="f-q" { (ctx.t("staff.orgs.search")) }
                    input #f-q type="search" name="q" value=(view.query);
                }
                button.button type="submit" { (ctx.t("form.search")) }
            }
            @if view.rows.is_empty() {
                (empty_state(ctx.t("staff.orgs.none")))
            } @else {
                (table_region(ctx.t("staff.orgs.title"), html! { table {
                    thead { tr {
                        th { (ctx.t("org.name")) } th { (ctx.t("org.kind")) }
                        th { (ctx.t("org.prefecture")) } th { (ctx.t("staff.orgs.members")) }
                    } }
                    tbody { @for o in &view.rows { tr {
                        td { a href={ "/staff/organizations/" (o.id) } { (o.name) } }
                        td { (o.kind) } td { (o.prefecture) } td { (o.members) }
                    } } }
                } }))
            }
            h2 #new { (ctx.t("staff.orgs.new")) }
            form.form method="post" action="/staff/organizations" novalidate {
                (ctx.csrf_field())
                (error_summary(ctx, e, &fields))
                (markup)
                button.button type="submit" { (ctx.t("staff.orgs.create")) }
            }
        },
    )
}

/// One organization with its members and invitations.
#[derive(Debug, Clone, Default)]
pub struct OrganizationView {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Facts: label and value, translated.
    pub facts: Vec<(String, String)>,
    /// Members: name and address.
    pub members: Vec<(String, String)>,
    /// Pending invitations: address and expiry.
    pub invitations: Vec<(String, String)>,
    /// The invite form's address and errors.
    pub invite_email: String,
    /// Errors of the invite form.
    pub errors: FormErrors,
    /// A confirmation, translated.
    pub flash: Option<String>,
}

/// `/staff/organizations/{id}`.
pub fn organization(ctx: &PageCtx, view: &OrganizationView) -> Markup {
    let email = Field::new("email", ctx.t("staff.orgs.invite_email"), &view.errors).required();
    staff_page(
        ctx,
        &page_title(ctx, &view.name, &view.errors),
        "/staff/organizations",
        html! {
            h1 { (view.name) }
            @if let Some(f) = &view.flash { (notice(Tone::Success, f)) }
            dl.summary { @for (k, v) in &view.facts { dt { (k) } dd { (v) } } }
            h2 { (ctx.t("staff.orgs.members")) }
            @if view.members.is_empty() { (empty_state(ctx.t("staff.orgs.no_members"))) }
            @else { ul { @for (name, email) in &view.members { li { (name) " <" (email) ">" } } } }
            h2 { (ctx.t("staff.orgs.invitations")) }
            @if !view.invitations.is_empty() {
                ul { @for (email, until) in &view.invitations { li { (email) " — " (ctx.tf("staff.orgs.valid_until", &[("date", until)])) } } }
            }
            form.form method="post" action={ "/staff/organizations/" (view.id) "/invitations" } novalidate {
                (ctx.csrf_field())
                (error_summary(ctx, &view.errors, &[email]))
                (input(ctx, email, "email", &view.invite_email))
                button.button type="submit" { (ctx.t("staff.orgs.invite")) }
            }
        },
    )
}

/// A failed message in the delivery view.
#[derive(Debug, Clone)]
pub struct FailedRow {
    /// Outbox id.
    pub id: i64,
    /// Recipient.
    pub recipient: String,
    /// Subject.
    pub subject: String,
    /// Attempts.
    pub attempts: i32,
    /// Last server reply.
    pub error: String,
    /// Queued at, formatted.
    pub created: String,
}

/// Mail delivery: counts by status and the failed messages.
#[derive(Debug, Clone, Default)]
pub struct OutboxView {
    /// Counts: label and number.
    pub counts: Vec<(String, i64)>,
    /// Failed messages.
    pub failed: Vec<FailedRow>,
    /// A confirmation, translated.
    pub flash: Option<String>,
}

/// `/staff/outbox`.
pub fn outbox(ctx: &PageCtx, view: &OutboxView) -> Markup {
    staff_page(
        ctx,
        ctx.t("staff.outbox.title"),
        "/staff/outbox",
        html! {
            h1 { (ctx.t("staff.outbox.title")) }
            @if let Some(f) = &view.flash { (notice(Tone::Success, f)) }
            ul.stat-grid { @for (label, n) in &view.counts { li.stat { span.stat-value { (n) } span.stat-label { (label) } } } }
            h2 { (ctx.t("staff.outbox.failed")) }
            @if view.failed.is_empty() {
                (empty_state(ctx.t("staff.outbox.no_failed")))
            } @else {
                (table_region(ctx.t("staff.outbox.failed"), html! { table {
                    thead { tr {
                        th { (ctx.t("staff.outbox.recipient")) } th { (ctx.t("staff.outbox.subject")) }
                        th { (ctx.t("staff.outbox.attempts")) } th { (ctx.t("staff.outbox.error")) }
                        th { (ctx.t("staff.outbox.queued_at")) } th { (ctx.t("staff.users.actions")) }
                    } }
                    tbody { @for f in &view.failed { tr {
                        td { (f.recipient) } td { (f.subject) } td { (f.attempts) }
                        td { code { (f.error) } } td { (f.created) }
                        td { form.inline-form method="post" action={ "/staff/outbox/" (f.id) "/retry" } {
                            (ctx.csrf_field())
                            button.button.button-secondary type="submit" { (ctx.t("staff.outbox.retry")) }
                        } }
                    } } }
                } }))
            }
        },
    )
}

/// One audit entry, in words.
#[derive(Debug, Clone)]
pub struct AuditRow {
    /// When.
    pub at: String,
    /// Who (name or "deleted account" or "system").
    pub actor: String,
    /// What happened, in words (「セミナーを中止」).
    pub action: String,
    /// The record: its kind in words and its number (「セミナー #12」).
    pub target: String,
    /// The staff page of the record, where there is one.
    pub target_href: Option<String>,
    /// The detail as (label, value) lines.
    pub detail: Vec<(String, String)>,
}

/// The audit log with its filters, each chosen from a list.
#[derive(Debug, Clone, Default)]
pub struct AuditView {
    /// Action filter (a stored name).
    pub action: String,
    /// Record kind filter.
    pub target_kind: String,
    /// Person filter (a user id).
    pub actor: String,
    /// The actions: (stored name, words).
    pub actions: Vec<(String, String)>,
    /// The kinds of record: (stored name, words).
    pub kinds: Vec<(String, String)>,
    /// The people in the log: (id, name).
    pub actors: Vec<(String, String)>,
    /// Entries.
    pub rows: Vec<AuditRow>,
}

/// `/staff/audit`.
pub fn audit(ctx: &PageCtx, view: &AuditView) -> Markup {
    let none = FormErrors::new();
    let filter =
        |name: &'static str, key: &'static str, options: &[(String, String)], selected: &str| {
            crate::forms::filter_select(ctx, Field::new(name, ctx.t(key), &none), options, selected)
        };
    staff_page(
        ctx,
        ctx.t("staff.audit.title"),
        "/staff/audit",
        html! {
            h1 { (ctx.t("staff.audit.title")) }
            p { (ctx.t("staff.audit.intro")) }
            form.filters method="get" action="/staff/audit" role="search" {
                (filter("action", "staff.audit.action", &view.actions, &view.action))
                (filter("target_kind", "staff.audit.target_kind", &view.kinds, &view.target_kind))
                (filter("actor_id", "staff.audit.actor", &view.actors, &view.actor))
                button.button type="submit" { (ctx.t("form.search")) }
            }
            @if view.rows.is_empty() {
                (empty_state(ctx.t("staff.audit.none")))
            } @else {
                (table_region(ctx.t("staff.audit.title"), html! { table {
                    thead { tr {
                        th scope="col" { (ctx.t("staff.audit.at")) } th scope="col" { (ctx.t("staff.audit.actor")) }
                        th scope="col" { (ctx.t("staff.audit.action")) } th scope="col" { (ctx.t("staff.audit.target")) }
                        th scope="col" { (ctx.t("staff.audit.detail")) }
                    } }
                    tbody { @for r in &view.rows { tr {
                        td { (r.at) } td { (r.actor) } td { (r.action) }
                        td { @if let Some(href) = &r.target_href { a href=(href) { (r.target) } } @else { (r.target) } }
                        td { @if !r.detail.is_empty() { dl.audit-detail { @for (k, v) in &r.detail { dt { (k) } dd { (v) } } } } }
                    } } }
                } }))
            }
        },
    )
}
