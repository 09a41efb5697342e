//! Series (連続講座): the public page of a series with its sessions and its registration form,
//! and the staff screens that create a series and add or remove its sessions.

use maud::{Markup, html};

use super::public::{RegistrationForm, registration_form};
use crate::components::{Tone, breadcrumbs, empty_state, notice, table_region};
use crate::forms::{Field, FormErrors, error_summary, input, page_title, select, textarea};
use crate::layout::{Fragment, PageCtx};
use crate::staff::staff_page;

/// One session of a series as a list shows it.
#[derive(Debug, Clone, Default)]
pub struct SessionRow {
    /// The session's page.
    pub href: String,
    /// Its number in the series, from 1.
    pub number: usize,
    /// Title.
    pub title: String,
    /// Date and time.
    pub when: String,
    /// Place.
    pub place: String,
    /// A note such as 「中止」.
    pub note: Option<String>,
}

/// The public page of a series.
#[derive(Debug, Clone, Default)]
pub struct SeriesDetail {
    /// Id.
    pub id: i64,
    /// Title in the page's language.
    pub title: String,
    /// Description (plain text).
    pub description: String,
    /// The sessions, in the order they are held.
    pub sessions: Vec<SessionRow>,
    /// Seats left for the series, one text.
    pub seats: String,
    /// 「全3回のうち2回以上の出席で修了証を発行します」.
    pub certificate: String,
    /// Why registration is not possible, when it is not.
    pub closed: Option<String>,
}

/// `GET /series/{id}` (and the form re-rendered with its errors).
pub fn show(ctx: &PageCtx, s: &SeriesDetail, form: &RegistrationForm) -> Markup {
    show_fragment(ctx, s, form).page(ctx)
}

/// The content of [`show`], kept in memory per content version.
pub fn show_fragment(ctx: &PageCtx, s: &SeriesDetail, form: &RegistrationForm) -> Fragment {
    let title = &page_title(ctx, &s.title, &form.errors);
    let content = html! {
        (breadcrumbs(ctx.t("seminars.breadcrumbs"), &[(ctx.t("nav.seminars"), "/seminars"), (&s.title, "")]))
        p.series-badge { span.badge { (ctx.t("series.badge")) } }
        h1 { (s.title) }
        @if !s.description.is_empty() {
            @for para in s.description.split("\n\n") { p.lead { (para) } }
        }
        dl.facts {
            dt { (ctx.t("series.sessions_count")) } dd { (ctx.tf("series.n_sessions", &[("n", &s.sessions.len().to_string())])) }
            dt { (ctx.t("seminars.seats")) } dd.seats { (s.seats) }
            dt { (ctx.t("series.certificate")) } dd { (s.certificate) }
        }
        section aria-labelledby="sessions-title" {
            h2 #sessions-title { (ctx.t("series.sessions_title")) }
            ol.series-sessions {
                @for row in &s.sessions {
                    li {
                        a href=(row.href) { (row.title) }
                        @if let Some(n) = &row.note { " " strong { (n) } }
                        br;
                        span.meta { (row.when) " ・ " (row.place) }
                    }
                }
            }
            p { a href={ "/series/" (s.id) ".ics" } { (ctx.t("series.add_to_calendar")) } }
        }
        section aria-labelledby="register-title" {
            h2 #register-title { (ctx.t("series.register_title")) }
            p { (ctx.t("series.register_lead")) }
            @if let Some(why) = &s.closed {
                (notice(Tone::Info, why))
            } @else {
                (registration_form(ctx, form, &format!("/series/{}/registrations", s.id), ctx.t("series.register_button")))
            }
        }
    };
    Fragment::capture(ctx, title, content)
}

/// One series in the staff list.
#[derive(Debug, Clone)]
pub struct StaffSeriesRow {
    /// The series' staff page.
    pub href: String,
    /// Title.
    pub title: String,
    /// 「3回」.
    pub sessions: String,
    /// 「12 / 20名」.
    pub seats: String,
}

/// The values and errors of the series form.
#[derive(Debug, Clone, Default)]
pub struct SeriesFormView {
    /// Field values by name.
    pub values: Vec<(String, String)>,
    /// Errors.
    pub errors: FormErrors,
}

impl SeriesFormView {
    fn value(&self, name: &str) -> &str {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// The series form's fields (create and edit).
fn series_fields(ctx: &PageCtx, f: &SeriesFormView) -> Markup {
    let e = &f.errors;
    html! {
        (input(ctx, Field::new("title", ctx.t("series.field_title"), e).required(), "text", f.value("title")))
        (input(ctx, Field::new("title_en", ctx.t("series.field_title_en"), e), "text", f.value("title_en")))
        (textarea(ctx, Field::new("description", ctx.t("series.field_description"), e), f.value("description"), 4))
        (textarea(ctx, Field::new("description_en", ctx.t("series.field_description_en"), e), f.value("description_en"), 4))
        (input(ctx, Field::new("capacity", ctx.t("series.field_capacity"), e).required().hint(ctx.t("series.hint_capacity")), "number", f.value("capacity")))
        (input(ctx, Field::new("certificate_min_sessions", ctx.t("series.field_min_sessions"), e).required().hint(ctx.t("series.hint_min_sessions")), "number", f.value("certificate_min_sessions")))
    }
}

/// `GET /staff/series`: the series and the form that creates one.
pub fn staff_list(ctx: &PageCtx, rows: &[StaffSeriesRow], form: &SeriesFormView) -> Markup {
    let e = &form.errors;
    staff_page(
        ctx,
        &page_title(ctx, ctx.t("series.staff_title"), e),
        "/staff/seminars",
        html! {
            h1 { (ctx.t("series.staff_title")) }
            p { a href="/staff/seminars" { (ctx.t("series.back_to_seminars")) } }
            @if rows.is_empty() {
                (empty_state(ctx.t("series.none")))
            } @else {
                (table_region(ctx.t("series.staff_title"), html! { table.data-table.series-list {
                    caption { (ctx.t("series.staff_title")) }
                    thead { tr {
                        th scope="col" { (ctx.t("series.field_title")) }
                        th scope="col" { (ctx.t("series.sessions_count")) }
                        th scope="col" { (ctx.t("series.field_capacity")) }
                    } }
                    tbody {
                        @for r in rows {
                            tr { td { a href=(r.href) { (r.title) } } td { (r.sessions) } td { (r.seats) } }
                        }
                    }
                } }))
            }
            section aria-labelledby="new-series-title" {
                h2 #new-series-title { (ctx.t("series.new_title")) }
                (error_summary(ctx, e, &[]))
                form method="post" action="/staff/series" novalidate {
                    (ctx.csrf_field())
                    (series_fields(ctx, form))
                    button.button type="submit" { (ctx.t("series.create_button")) }
                }
            }
        },
    )
}

/// One session on the series' staff page.
#[derive(Debug, Clone)]
pub struct StaffSessionRow {
    /// The seminar's id.
    pub id: i64,
    /// The seminar's staff page.
    pub href: String,
    /// Title.
    pub title: String,
    /// Date and time.
    pub when: String,
    /// 「確定 12名 / キャンセル待ち 3名」.
    pub counts: String,
}

/// The series' staff page.
#[derive(Debug, Clone, Default)]
pub struct StaffSeriesView {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// The public page.
    pub public_href: String,
    /// 「確定 12名 / 20名・キャンセル待ち 3名」.
    pub seats: String,
    /// The sessions.
    pub sessions: Vec<StaffSessionRow>,
    /// Seminars that may be added: (id, "12月10日 … タイトル").
    pub addable: Vec<(String, String)>,
    /// The edit form.
    pub form: SeriesFormView,
    /// The error of the add form.
    pub add_error: FormErrors,
    /// A message after an action.
    pub flash: Option<(Tone, String)>,
}

/// `GET /staff/series/{id}`.
pub fn staff_page_of(ctx: &PageCtx, v: &StaffSeriesView) -> Markup {
    let e = &v.form.errors;
    let base = format!("/staff/series/{}", v.id);
    staff_page(
        ctx,
        &page_title(ctx, &v.title, e),
        "/staff/seminars",
        html! {
            p { a href="/staff/series" { (ctx.t("series.staff_title")) } }
            h1 { (v.title) }
            @if let Some((tone, text)) = &v.flash { (notice(*tone, text)) }
            dl.facts {
                dt { (ctx.t("seminars.seats")) } dd.series-seats { (v.seats) }
                dt { (ctx.t("series.public_page")) } dd { a href=(v.public_href) { (v.public_href) } }
            }
            section aria-labelledby="sessions-title" {
                h2 #sessions-title { (ctx.t("series.sessions_title")) }
                @if v.sessions.is_empty() {
                    (empty_state(ctx.t("series.no_sessions")))
                } @else {
                    (table_region(ctx.t("series.sessions_title"), html! { table.data-table.series-sessions {
                        caption { (ctx.t("series.sessions_title")) }
                        thead { tr {
                            th scope="col" { (ctx.t("seminars.field_title")) }
                            th scope="col" { (ctx.t("seminars.when")) }
                            th scope="col" { (ctx.t("series.registrations")) }
                            th scope="col" { span.visually-hidden { (ctx.t("series.remove_button")) } }
                        } }
                        tbody {
                            @for s in &v.sessions {
                                tr {
                                    td { a href=(s.href) { (s.title) } }
                                    td { (s.when) }
                                    td { (s.counts) }
                                    td {
                                        form method="post" action={ (base) "/sessions/" (s.id) "/remove" } {
                                            (ctx.csrf_field())
                                            button.button.button-secondary type="submit" { (ctx.t("series.remove_button")) }
                                        }
                                    }
                                }
                            }
                        }
                    } }))
                }
                h3 { (ctx.t("series.add_title")) }
                @if v.addable.is_empty() {
                    p { (ctx.t("series.none_addable")) }
                } @else {
                    form method="post" action={ (base) "/sessions" } novalidate {
                        (ctx.csrf_field())
                        (select(ctx, Field::new("seminar_id", ctx.t("series.field_seminar"), &v.add_error).required().hint(ctx.t("series.hint_add")), &v.addable, ""))
                        button.button type="submit" { (ctx.t("series.add_button")) }
                    }
                }
            }
            section aria-labelledby="edit-series-title" {
                h2 #edit-series-title { (ctx.t("series.edit_title")) }
                (error_summary(ctx, e, &[]))
                form method="post" action=(base) novalidate {
                    (ctx.csrf_field())
                    (series_fields(ctx, &v.form))
                    button.button type="submit" { (ctx.t("series.save_button")) }
                }
            }
        },
    )
}
