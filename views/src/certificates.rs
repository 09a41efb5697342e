//! Pages of the attendance certificates: the public check (`/certificates/{serial}`), and for
//! staff the list of a seminar's certificates and the confirmation before revoking one.

use maud::{Markup, html};

use crate::components::{Tone, empty_state, notice, table_region};
use crate::layout::{PageCtx, page};
use crate::staff::staff_page;

/// What the public check shows: the seminar, the date and the name, nothing else.
#[derive(Debug, Clone)]
pub struct CheckView {
    /// The serial.
    pub serial: String,
    /// Seminar title.
    pub seminar: String,
    /// Its date.
    pub date: String,
    /// The holder's name.
    pub name: String,
    /// When revoked, formatted.
    pub revoked_on: Option<String>,
}

/// `/certificates/{serial}`; `None`: no such certificate.
pub fn check(ctx: &PageCtx, v: Option<&CheckView>) -> Markup {
    let title = ctx.t("certificates.check_title");
    page(
        ctx,
        title,
        html! {
            h1 { (title) }
            @match v {
                None => (notice(Tone::Warning, ctx.t("certificates.check_unknown"))),
                Some(v) => {
                    @if let Some(on) = &v.revoked_on {
                        (notice(Tone::Error, ctx.t("certificates.check_revoked")))
                        dl.facts {
                            dt { (ctx.t("certificates.serial")) } dd { (v.serial) }
                            dt { (ctx.t("certificates.revoked_on")) } dd { (on) }
                        }
                    } @else {
                        (notice(Tone::Success, ctx.t("certificates.check_valid")))
                        dl.facts {
                            dt { (ctx.t("certificates.serial")) } dd { (v.serial) }
                            dt { (ctx.t("certificates.seminar")) } dd { (v.seminar) }
                            dt { (ctx.t("certificates.date")) } dd { (v.date) }
                            dt { (ctx.t("certificates.name")) } dd { (v.name) }
                        }
                    }
                }
            }
        },
    )
}

/// A certificate in the staff list.
#[derive(Debug, Clone)]
pub struct StaffCertificate {
    /// Serial.
    pub serial: String,
    /// Holder.
    pub name: String,
    /// Company.
    pub company: String,
    /// Issued, formatted.
    pub issued_at: String,
    /// Revoked, formatted.
    pub revoked_on: Option<String>,
    /// The revoke confirmation page.
    pub revoke_href: String,
    /// The public check page.
    pub check_href: String,
}

/// The staff list of a seminar's certificates.
#[derive(Debug, Clone)]
pub struct StaffList {
    /// Seminar title.
    pub seminar: String,
    /// The seminar's staff page.
    pub seminar_href: String,
    /// The PDF of all certificates.
    pub pdf_href: String,
    /// The certificates issued.
    pub rows: Vec<StaffCertificate>,
    /// A message after an action.
    pub flash: Option<String>,
}

/// `/staff/seminars/{id}/certificates`.
pub fn staff_list(ctx: &PageCtx, v: &StaffList) -> Markup {
    let title = format!("{}: {}", ctx.t("certificates.list_title"), v.seminar);
    staff_page(
        ctx,
        &title,
        "/staff/seminars",
        html! {
            p { a href=(v.seminar_href) { (v.seminar) } }
            h1 { (title) }
            @if let Some(flash) = &v.flash { (notice(Tone::Success, flash)) }
            p { a.button href=(v.pdf_href) { (ctx.t("certificates.staff_all")) } }
            @if v.rows.is_empty() {
                (empty_state(ctx.t("certificates.not_issued")))
            } @else {
                (table_region(ctx.t("certificates.list_title"), html! {
                    table.data {
                        caption { (ctx.t("certificates.list_title")) }
                        thead { tr {
                            th scope="col" { (ctx.t("certificates.serial")) }
                            th scope="col" { (ctx.t("certificates.name")) }
                            th scope="col" { (ctx.t("seminars.field_company")) }
                            th scope="col" { (ctx.t("certificates.issued_at")) }
                            th scope="col" { (ctx.t("certificates.status")) }
                        } }
                        tbody {
                            @for r in &v.rows {
                                tr {
                                    th scope="row" { a href=(r.check_href) { (r.serial) } }
                                    td { (r.name) }
                                    td { (r.company) }
                                    td { (r.issued_at) }
                                    td {
                                        @if let Some(on) = &r.revoked_on {
                                            (ctx.t("certificates.status_revoked")) " (" (on) ")"
                                        } @else {
                                            (ctx.t("certificates.status_valid")) " "
                                            a href=(r.revoke_href) { (ctx.t("certificates.revoke")) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }))
            }
        },
    )
}

/// The confirmation before revoking.
#[derive(Debug, Clone)]
pub struct RevokeView {
    /// The POST target.
    pub action: String,
    /// Back to the list.
    pub back_href: String,
    /// What will happen, in words.
    pub statement: String,
    /// The reason as typed (kept after an error).
    pub reason: String,
    /// The error of the reason field.
    pub error: Option<String>,
}

/// `/staff/certificates/{serial}/revoke`.
pub fn revoke(ctx: &PageCtx, v: &RevokeView) -> Markup {
    let title = ctx.t("certificates.revoke_title");
    staff_page(
        ctx,
        title,
        "/staff/seminars",
        html! {
            h1 { (title) }
            @if let Some(e) = &v.error { (notice(Tone::Error, e)) }
            p { (v.statement) }
            form method="post" action=(v.action) {
                (ctx.csrf_field())
                div.field {
                    label for="reason" { (ctx.t("certificates.revoke_reason")) }
                    p.hint id="reason-hint" { (ctx.t("certificates.revoke_reason_hint")) }
                    textarea id="reason" name="reason" required rows="3" maxlength="500"
                        aria-describedby="reason-hint"
                        aria-invalid=[v.error.as_ref().map(|_| "true")] { (v.reason) }
                }
                button type="submit" class="danger" { (ctx.t("certificates.revoke_submit")) }
                " "
                a href=(v.back_href) { (ctx.t("form.cancel")) }
            }
        },
    )
}
