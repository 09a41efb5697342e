//! The staff page of a seminar's online attendance: the upload of a meeting tool's attendance
//! report (Zoom, Webex, Teams), the imports so far, and an import's rows that matched nobody by
//! email, with the registrants their name suggests for staff to confirm (no script needed).

use maud::{Markup, html};

use crate::components::{Tone, empty_state, notice, table_region};
use crate::layout::PageCtx;
use crate::staff::staff_page;

/// One import in the list.
#[derive(Debug, Clone)]
pub struct ImportRow {
    /// Its id.
    pub id: i64,
    /// When (Tokyo).
    pub at: String,
    /// The tool's name.
    pub tool: String,
    /// People in the report.
    pub rows: i32,
    /// Newly marked attended.
    pub matched: i32,
    /// Marked so already.
    pub already: i32,
    /// Rows without a match.
    pub unmatched: usize,
}

/// A registrant proposed by name for an unmatched row.
#[derive(Debug, Clone)]
pub struct Proposal {
    /// The registration id.
    pub registration_id: i64,
    /// "name (email)".
    pub label: String,
    /// Whether they are marked attended already.
    pub attended: bool,
}

/// A row of the report that matched nobody by email.
#[derive(Debug, Clone)]
pub struct UnmatchedView {
    /// The line of the file.
    pub line: u64,
    /// The name in the meeting.
    pub name: String,
    /// The address in the report, if any.
    pub email: String,
    /// Minutes attended.
    pub minutes: u32,
    /// Registrants whose name matches.
    pub proposals: Vec<Proposal>,
}

/// What the page shows.
#[derive(Debug, Clone, Default)]
pub struct AttendanceView {
    /// Seminar id.
    pub id: i64,
    /// Seminar title.
    pub title: String,
    /// Confirmed online registrants, and how many of them are marked attended.
    pub online: (usize, usize),
    /// The imports, newest first.
    pub imports: Vec<ImportRow>,
    /// The import shown in detail.
    pub shown: Option<i64>,
    /// Its unmatched rows.
    pub unmatched: Vec<UnmatchedView>,
    /// A message after an action.
    pub flash: Option<(Tone, String)>,
}

/// `GET /staff/seminars/{id}/attendance`.
pub fn page(ctx: &PageCtx, v: &AttendanceView) -> Markup {
    let base = format!("/staff/seminars/{}", v.id);
    let title = format!("{} — {}", ctx.t("attendance_import.title"), v.title);
    staff_page(
        ctx,
        &title,
        "/staff/seminars",
        html! {
            h1 { (ctx.t("attendance_import.title")) }
            p { a href=(base) { (v.title) } }
            @if let Some((tone, text)) = &v.flash { (notice(*tone, text)) }
            p.attendance-counts {
                (ctx.tf("attendance_import.counts", &[("n", &v.online.0.to_string()), ("attended", &v.online.1.to_string())]))
            }
            section aria-labelledby="prereg-title" {
                h2 #prereg-title { (ctx.t("attendance_import.prereg_title")) }
                p { (ctx.t("attendance_import.prereg_hint")) }
                p {
                    a href={ (base) "/attendance/preregistration.csv?tool=zoom" } download { (ctx.t("attendance_import.prereg_zoom")) }
                    " ・ "
                    a href={ (base) "/attendance/preregistration.csv?tool=webex" } download { (ctx.t("attendance_import.prereg_webex")) }
                }
            }
            section aria-labelledby="upload-title" {
                h2 #upload-title { (ctx.t("attendance_import.upload_title")) }
                p { (ctx.t("attendance_import.upload_hint")) }
                form method="post" action={ (base) "/attendance" } enctype="multipart/form-data" {
                    (ctx.csrf_field())
                    div.field {
                        label for="f-file" { (ctx.t("attendance_import.field_file")) }
                        input #f-file type="file" name="file" required accept=".csv,.txt,.tsv,text/csv,text/plain";
                    }
                    button.button type="submit" { (ctx.t("attendance_import.upload_button")) }
                }
            }
            section aria-labelledby="imports-title" {
                h2 #imports-title { (ctx.t("attendance_import.imports_title")) }
                @if v.imports.is_empty() {
                    (empty_state(ctx.t("attendance_import.no_imports")))
                } @else {
                    (table_region(ctx.t("attendance_import.imports_title"), html! { table.data-table.attendance-imports {
                        thead { tr {
                            th scope="col" { (ctx.t("attendance_import.col_at")) }
                            th scope="col" { (ctx.t("attendance_import.col_tool")) }
                            th scope="col" { (ctx.t("attendance_import.col_rows")) }
                            th scope="col" { (ctx.t("attendance_import.col_matched")) }
                            th scope="col" { (ctx.t("attendance_import.col_already")) }
                            th scope="col" { (ctx.t("attendance_import.col_unmatched")) }
                        } }
                        tbody {
                            @for i in &v.imports {
                                tr {
                                    td { a href={ (base) "/attendance?import=" (i.id) } { (i.at) } }
                                    td { (i.tool) }
                                    td { (i.rows) }
                                    td.matched { (i.matched) }
                                    td.already { (i.already) }
                                    td { (i.unmatched) }
                                }
                            }
                        }
                    } }))
                }
            }
            @if let Some(import) = v.shown {
                section aria-labelledby="unmatched-title" {
                    h2 #unmatched-title { (ctx.t("attendance_import.unmatched_title")) }
                    p { (ctx.t("attendance_import.unmatched_hint")) }
                    @if v.unmatched.is_empty() {
                        (empty_state(ctx.t("attendance_import.all_matched")))
                    } @else {
                        (table_region(ctx.t("attendance_import.unmatched_title"), html! { table.data-table.unmatched {
                            thead { tr {
                                th scope="col" { (ctx.t("attendance_import.col_line")) }
                                th scope="col" { (ctx.t("attendance_import.col_name")) }
                                th scope="col" { (ctx.t("seminars.field_email")) }
                                th scope="col" { (ctx.t("attendance_import.col_minutes")) }
                                th scope="col" { (ctx.t("attendance_import.col_proposals")) }
                            } }
                            tbody {
                                @for u in &v.unmatched {
                                    tr {
                                        td { (u.line) }
                                        td { (u.name) }
                                        td { (u.email) }
                                        td { (ctx.tf("attendance_import.minutes", &[("n", &u.minutes.to_string())])) }
                                        td {
                                            @if u.proposals.is_empty() {
                                                (ctx.t("attendance_import.no_proposal"))
                                            }
                                            @for p in &u.proposals {
                                                @if p.attended {
                                                    p { (p.label) " — " (ctx.t("attendance_import.attended")) }
                                                } @else {
                                                    form.inline-form method="post" action={ (base) "/attendance/confirm" } {
                                                        (ctx.csrf_field())
                                                        input type="hidden" name="import" value=(import);
                                                        input type="hidden" name="line" value=(u.line);
                                                        input type="hidden" name="registration" value=(p.registration_id);
                                                        button.button.button-secondary type="submit" {
                                                            (ctx.tf("attendance_import.confirm_button", &[("name", &p.label)]))
                                                        }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        } }))
                    }
                }
            }
        },
    )
}
