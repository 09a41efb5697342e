//! The back office of seminars: list, create and edit, registrations with check-in.

use maud::{Markup, html};

use crate::components::{Tone, empty_state, notice, table_region};
use crate::forms::{
    Field, FormErrors, error_summary, filter_select, input, page_title, select, textarea,
};
use crate::layout::PageCtx;
use crate::staff::staff_page;

use super::public::Options;

const SECTION: &str = "/staff/seminars";

/// One seminar in the staff list.
#[derive(Debug, Clone)]
pub struct StaffRow {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Date and time.
    pub when: String,
    /// draft, published, cancelled.
    pub status: String,
    /// Status label.
    pub status_label: String,
    /// Seats summary.
    pub seats: String,
    /// Checked in ÷ confirmed, e.g. 「18 / 20(90%)」.
    pub turnout: String,
}

fn post_button(ctx: &PageCtx, action: &str, label: &str, class: &str) -> Markup {
    html! {
        form.inline-form method="post" action=(action) {
            (ctx.csrf_field())
            button type="submit" class=(class) { (label) }
        }
    }
}

/// The registrations-per-day chart and the bar charts, side by side.
fn charts_block(ctx: &PageCtx, timeline: &[(String, i64)], charts: &[Chart]) -> Markup {
    html! {
        div.charts {
            @if !timeline.is_empty() {
                (super::charts::timeline(ctx.t("seminars.timeline.title"), timeline,
                    ctx.t("seminars.timeline.daily"), ctx.t("seminars.timeline.total")))
            }
            @for (title, rows) in charts { (super::charts::bars(title, rows)) }
        }
    }
}

/// A bar chart: its title and (label, count) rows.
pub type Chart = (String, Vec<(String, i64)>);

/// The programme at a glance on the staff seminar list: registrations of the recent past.
#[derive(Debug, Clone, Default)]
pub struct Overview {
    /// Registrations per day (label, count), days with none included.
    pub timeline: Vec<(String, i64)>,
    /// By prefecture, industry and employee band.
    pub charts: Vec<Chart>,
}

/// `GET /staff/seminars`.
pub fn list(ctx: &PageCtx, rows: &[StaffRow], overview: &Overview, flash: Option<&str>) -> Markup {
    let title = ctx.t("seminars.staff_title");
    staff_page(
        ctx,
        title,
        SECTION,
        html! {
            h1 { (title) }
            @if let Some(f) = flash { (notice(Tone::Success, f)) }
            p.actions {
                a.button href="/staff/seminars/new" { (ctx.t("seminars.new_button")) }
                a.button.button-secondary href="/staff/seminars/import" { (ctx.t("seminars.import.link")) }
                a.button.button-secondary href="/staff/series" { (ctx.t("series.staff_title")) }
            }
            @if rows.is_empty() {
                (empty_state(ctx.t("seminars.list_empty")))
            } @else {
                (table_region(title, html! { table.data-table {
                    thead { tr {
                        th { (ctx.t("seminars.field_title")) }
                        th { (ctx.t("seminars.when")) }
                        th { (ctx.t("seminars.status")) }
                        th { (ctx.t("seminars.seats")) }
                        th { (ctx.t("seminars.turnout")) }
                        th { (ctx.t("seminars.actions")) }
                    } }
                    tbody {
                        @for r in rows {
                            tr {
                                td { a href={ "/staff/seminars/" (r.id) } { (r.title) } }
                                td { (r.when) }
                                td.status-cell { (r.status_label) }
                                td { (r.seats) }
                                td.nowrap { (r.turnout) }
                                td {
                                    a href={ "/staff/seminars/" (r.id) "/edit" } { (ctx.t("seminars.edit")) }
                                    " "
                                    @if r.status == "draft" {
                                        (post_button(ctx, &format!("/staff/seminars/{}/publish", r.id), ctx.t("seminars.publish"), "link-button"))
                                    }
                                    (post_button(ctx, &format!("/staff/seminars/{}/duplicate", r.id), ctx.t("seminars.duplicate"), "link-button"))
                                }
                            }
                        }
                    }
                } }))
            }
            section.overview aria-labelledby="overview-title" {
                h2 #overview-title { (ctx.t("seminars.timeline.overview_title")) }
                @if overview.timeline.is_empty() {
                    (empty_state(ctx.t("seminars.timeline.overview_empty")))
                } @else {
                    (charts_block(ctx, &overview.timeline, &overview.charts))
                }
            }
        },
    )
}

/// The create/edit form.
#[derive(Debug, Clone, Default)]
pub struct SeminarFormView {
    /// Where the form posts.
    pub action: String,
    /// Page title.
    pub title: String,
    /// Values by field name.
    pub values: Vec<(&'static str, String)>,
    /// Errors.
    pub errors: FormErrors,
    /// Industry options.
    pub industries: Options,
    /// Prefecture options.
    pub prefectures: Options,
    /// Format options.
    pub formats: Options,
    /// Reminder time options (none, then times on the day before).
    pub reminder_times: Options,
    /// Allocation options (first come, lottery).
    pub allocations: Options,
    /// What a lottery does with those it does not draw.
    pub lottery_rests: Options,
}

impl SeminarFormView {
    fn v(&self, name: &str) -> &str {
        self.values
            .iter()
            .find(|(k, _)| *k == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// `GET /staff/seminars/new`, `/staff/seminars/{id}/edit`.
pub fn form(ctx: &PageCtx, f: &SeminarFormView) -> Markup {
    let e = &f.errors;
    let field = |name: &'static str, key: &'static str| Field::new(name, ctx.t(key), e);
    let title = field("title", "seminars.field_title").required();
    let summary = field("summary", "seminars.field_summary");
    let body = field("body_md", "seminars.field_body").hint(ctx.t("seminars.hint_markdown"));
    let industry = field("industry", "seminars.field_industry").required();
    let prefecture = field("prefecture", "seminars.field_prefecture").required();
    let format = field("format", "seminars.field_format").required();
    let venue = field("venue", "seminars.field_venue");
    let address = field("address", "seminars.field_address");
    let online_url = field("online_url", "seminars.field_online_url");
    let starts_at = field("starts_at", "seminars.field_starts_at").required();
    let ends_at = field("ends_at", "seminars.field_ends_at").required();
    let opens_at = field("registration_opens_at", "seminars.field_opens_at");
    let closes_at = field("registration_closes_at", "seminars.field_closes_at").required();
    let reminder = field("reminder_time", "seminars.field_reminder")
        .required()
        .hint(ctx.t("seminars.hint_reminder"));
    let allocation = field("allocation", "lottery.field_allocation")
        .required()
        .hint(ctx.t("lottery.hint_allocation"));
    let draw_at = field("draw_at", "lottery.field_draw_at").hint(ctx.t("lottery.hint_draw_at"));
    let lottery_rest = field("lottery_rest", "lottery.field_rest");
    let group_limit = field("group_limit", "groups.field_limit").hint(ctx.t("groups.hint_limit"));
    let capacity_onsite = field("capacity_onsite", "seminars.field_capacity_onsite");
    let capacity_online = field("capacity_online", "seminars.field_capacity_online");
    let lines = ctx.t("seminars.hint_lines");
    let hosts = field("hosts", "seminars.field_hosts").hint(lines);
    let cohosts = field("cohosts", "seminars.field_cohosts").hint(lines);
    let speakers = field("speakers", "seminars.field_speakers").hint(lines);
    let fee = field("fee", "seminars.field_fee");
    let questions =
        field("questions", "seminars.field_questions").hint(ctx.t("seminars.hint_questions"));
    let all = [
        title,
        summary,
        body,
        industry,
        prefecture,
        format,
        venue,
        address,
        online_url,
        starts_at,
        ends_at,
        opens_at,
        closes_at,
        reminder,
        capacity_onsite,
        capacity_online,
        allocation,
        draw_at,
        lottery_rest,
        group_limit,
        hosts,
        cohosts,
        speakers,
        fee,
        questions,
    ];
    let text = |field: Field, kind: &str| input(ctx, field, kind, f.v(field.name));
    staff_page(
        ctx,
        &page_title(ctx, &f.title, e),
        SECTION,
        html! {
            h1 { (f.title) }
            (error_summary(ctx, e, &all))
            form method="post" action=(f.action) novalidate {
                (ctx.csrf_field())
                (text(title, "text"))
                (textarea(ctx, summary, f.v("summary"), 3))
                (textarea(ctx, body, f.v("body_md"), 10))
                (select(ctx, industry, &f.industries, f.v("industry")))
                (select(ctx, prefecture, &f.prefectures, f.v("prefecture")))
                (select(ctx, format, &f.formats, f.v("format")))
                (text(venue, "text"))
                (text(address, "text"))
                (text(online_url, "url"))
                (text(starts_at, "datetime-local"))
                (text(ends_at, "datetime-local"))
                (text(opens_at, "datetime-local"))
                (text(closes_at, "datetime-local"))
                (select(ctx, reminder, &f.reminder_times, f.v("reminder_time")))
                (text(capacity_onsite, "number"))
                (text(capacity_online, "number"))
                (select(ctx, allocation, &f.allocations, f.v("allocation")))
                (text(draw_at, "datetime-local"))
                (select(ctx, lottery_rest, &f.lottery_rests, f.v("lottery_rest")))
                (text(group_limit, "number"))
                (textarea(ctx, hosts, f.v("hosts"), 3))
                (textarea(ctx, cohosts, f.v("cohosts"), 3))
                (textarea(ctx, speakers, f.v("speakers"), 3))
                (text(fee, "text"))
                (textarea(ctx, questions, f.v("questions"), 5))
                button.button type="submit" { (ctx.t("form.save")) }
            }
        },
    )
}

/// One registration in the staff table.
#[derive(Debug, Clone)]
pub struct RegRow {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Company.
    pub company: String,
    /// Email.
    pub email: String,
    /// Mode label.
    pub mode: String,
    /// Status (confirmed, waitlisted, cancelled).
    pub status: String,
    /// Status label.
    pub status_label: String,
    /// Waitlist position.
    pub position: Option<i64>,
    /// Checked in.
    pub checked_in: bool,
    /// Answers in question order.
    pub answers: Vec<String>,
    /// The group entry it belongs to, as shown (`グループ #12・4名・申込者`); rows of one
    /// group follow each other.
    pub group: Option<String>,
    /// Minutes in the online meeting, from an imported attendance report.
    pub minutes: Option<i32>,
}

/// The registrations page of a seminar.
#[derive(Debug, Clone, Default)]
pub struct RegistrationsView {
    /// Seminar id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Date and time.
    pub when: String,
    /// draft, published, cancelled.
    pub status: String,
    /// Status label (下書き, 公開中, 中止).
    pub status_label: String,
    /// Whether staff may still call it off (not begun, not called off).
    pub can_cancel: bool,
    /// Whether attendance may be recorded now (the check-in buttons show only then).
    pub check_in_open: bool,
    /// When it may be, while it may not.
    pub check_in_window: Option<String>,
    /// Seats summary.
    pub seats: String,
    /// Attendance code of online attendees.
    pub attendance_code: String,
    /// Question labels (answer columns).
    pub questions: Vec<String>,
    /// Rows.
    pub rows: Vec<RegRow>,
    /// Search text.
    pub q: String,
    /// Status filter.
    pub status_filter: String,
    /// Status options.
    pub statuses: Options,
    /// A message after an action.
    pub flash: Option<String>,
    /// Audiences of a message to registrants.
    pub audiences: Options,
    /// Active registrations by prefecture, industry and employee band (chart title, rows).
    pub charts: Vec<Chart>,
    /// Active registrations per day (date label, count), days with none included.
    pub timeline: Vec<(String, i64)>,
    /// The reminder time, e.g. 「前日 10:00」.
    pub reminder: String,
    /// The survey after the seminar.
    pub survey: SurveySummary,
    /// A lottery's state (「抽選: 12月3日 18:00」, 「抽選済み」), linking to its page; `None` for
    /// first come.
    pub lottery: Option<String>,
    /// Whether the seminar has online attendees (the attendance import is offered).
    pub online: bool,
}

/// The answers to the survey after a seminar, without names.
#[derive(Debug, Clone, Default)]
pub struct SurveySummary {
    /// Surveys sent.
    pub sent: i64,
    /// Surveys answered.
    pub answered: i64,
    /// Answered ÷ sent, e.g. 「60%」.
    pub rate: String,
    /// Mean satisfaction, e.g. 「4.3」.
    pub satisfaction: String,
    /// Mean usefulness.
    pub usefulness: String,
    /// Distributions of the two scores (chart title, rows).
    pub charts: Vec<Chart>,
    /// Answers about the topics wanted next (non-empty ones).
    pub topics: Vec<String>,
    /// Comments (non-empty ones).
    pub comments: Vec<String>,
}

/// Free texts as a list, line breaks kept.
fn texts(list: &[String]) -> Markup {
    html! {
        ul.survey-texts {
            @for text in list {
                li { @for (i, line) in text.lines().enumerate() { @if i > 0 { br; } (line) } }
            }
        }
    }
}

/// The survey section of a seminar's staff page.
fn survey(ctx: &PageCtx, base: &str, s: &SurveySummary) -> Markup {
    html! {
        section.survey aria-labelledby="survey-title" {
            h2 #survey-title { (ctx.t("seminars.survey_results")) }
            @if s.sent == 0 {
                (empty_state(ctx.t("seminars.survey_none_sent")))
            } @else {
                dl.facts {
                    dt { (ctx.t("seminars.survey_sent")) } dd.survey-sent { (s.sent) }
                    dt { (ctx.t("seminars.survey_answers")) } dd.survey-answered { (s.answered) }
                    dt { (ctx.t("seminars.survey_rate")) } dd { (s.rate) }
                    dt { (ctx.t("seminars.survey_avg_satisfaction")) } dd.survey-satisfaction { (s.satisfaction) }
                    dt { (ctx.t("seminars.survey_avg_usefulness")) } dd.survey-usefulness { (s.usefulness) }
                }
                @if s.answered == 0 {
                    (empty_state(ctx.t("seminars.survey_no_answers")))
                } @else {
                    p { a href={ (base) "/survey.csv" } { (ctx.t("seminars.survey_csv")) } }
                    div.charts {
                        @for (title, rows) in &s.charts { (super::charts::bars(title, rows)) }
                    }
                    @if !s.topics.is_empty() {
                        h3 { (ctx.t("seminars.survey_q_topics")) }
                        (texts(&s.topics))
                    }
                    @if !s.comments.is_empty() {
                        h3 { (ctx.t("seminars.survey_q_comments")) }
                        (texts(&s.comments))
                    }
                }
            }
        }
    }
}

/// `GET /staff/seminars/{id}`.
pub fn registrations(ctx: &PageCtx, v: &RegistrationsView) -> Markup {
    let none = FormErrors::new();
    let base = format!("/staff/seminars/{}", v.id);
    staff_page(
        ctx,
        &v.title,
        SECTION,
        html! {
            h1 { (v.title) }
            @if let Some(f) = &v.flash { (notice(Tone::Success, f)) }
            p.meta { (v.when) " ・ " (v.seats) }
            p.meta { (ctx.t("seminars.attendance_code")) ": " strong.attendance-code { (v.attendance_code) } }
            p.meta { (ctx.t("seminars.field_reminder")) ": " span.reminder-time { (v.reminder) } }
            @if let Some(lottery) = &v.lottery {
                p.meta.lottery-state { a href={ (base) "/lottery" } { (lottery) } }
            }
            p {
                a href={ (base) "/edit" } { (ctx.t("seminars.edit")) } " ・ "
                a href={ (base) "/registrations/new" } { (ctx.t("seminars.add.link")) } " ・ "
                a href={ (base) "/registrations.csv" } { (ctx.t("seminars.export_csv")) } " ・ "
                @if v.online {
                    a href={ (base) "/attendance" } { (ctx.t("attendance_import.link")) } " ・ "
                }
                a href={ "/seminars/" (v.id) } { (ctx.t("seminars.public_page")) }
            }
            p.seminar-state {
                (ctx.t("seminars.status")) ": "
                span class={ "badge seminar-status " (match v.status.as_str() { "published" => "badge-ok", "cancelled" => "badge-error", _ => "badge-warn" }) } { (v.status_label) }
            }
            @if v.status == "draft" {
                (notice(Tone::Info, ctx.t("seminars.extra.draft_hint")))
                form.inline-form method="post" action={ (base) "/publish" } {
                    (ctx.csrf_field())
                    input type="hidden" name="from" value="seminar";
                    button.button type="submit" { (ctx.t("seminars.publish")) }
                }
            }
            @if v.status == "cancelled" {
                (notice(Tone::Warning, ctx.t("seminars.cancel.is_cancelled")))
            }
            @if v.can_cancel {
                p { a.button.button-danger href={ (base) "/cancel" } { (ctx.t("seminars.cancel_seminar")) } }
            }
            details.message-form {
                summary { (ctx.t("seminars.message_title")) }
                form method="post" action={ (base) "/message" } {
                    (ctx.csrf_field())
                    (select(ctx, Field::new("audience", ctx.t("seminars.message_audience"), &none).required(), &v.audiences, ""))
                    (input(ctx, Field::new("subject", ctx.t("seminars.message_subject"), &none).required(), "text", ""))
                    (textarea(ctx, Field::new("body", ctx.t("seminars.message_body"), &none).required(), "", 6))
                    button.button type="submit" { (ctx.t("seminars.message_send")) }
                }
            }
            form.filters method="get" action=(base) role="search" {
                (input(ctx, Field::new("q", ctx.t("form.search"), &none), "search", &v.q))
                (filter_select(ctx, Field::new("status", ctx.t("seminars.status"), &none), &v.statuses, &v.status_filter))
                button.button type="submit" { (ctx.t("form.search")) }
            }
            @if !v.rows.is_empty() {
                (charts_block(ctx, &v.timeline, &v.charts))
            }
            @if let Some(window) = &v.check_in_window {
                (notice(Tone::Info, window))
            }
            @if v.rows.is_empty() {
                (empty_state(ctx.t("seminars.no_registrations")))
            } @else {
                (table_region(&v.title, html! { table.data-table {
                    thead { tr {
                        th { (ctx.t("seminars.field_name")) }
                        th { (ctx.t("seminars.field_company")) }
                        th { (ctx.t("seminars.field_email")) }
                        th { (ctx.t("seminars.field_mode")) }
                        th { (ctx.t("seminars.status")) }
                        @for q in &v.questions { th { (q) } }
                        th { (ctx.t("seminars.actions")) }
                    } }
                    tbody {
                        @for r in &v.rows {
                            tr.group-member[r.group.is_some()] {
                                td {
                                    (r.name)
                                    @if let Some(g) = &r.group { br; span.badge.group-badge { (g) } }
                                }
                                td { (r.company) }
                                td { (r.email) }
                                td { (r.mode) }
                                td {
                                    (r.status_label)
                                    @if let Some(p) = r.position { " (" (p) ")" }
                                }
                                @for a in &r.answers { td { (a) } }
                                td {
                                    @if r.status == "confirmed" {
                                        @if r.checked_in {
                                            span.checked-in { (ctx.t("seminars.checked_in")) }
                                            @if let Some(m) = r.minutes { " " span.minutes { (ctx.tf("attendance_import.minutes", &[("n", &m.to_string())])) } }
                                        } @else if v.check_in_open {
                                            (post_button(ctx, &format!("{base}/registrations/{}/check-in", r.id), ctx.t("seminars.check_in"), "button"))
                                        }
                                    }
                                    @if r.status == "waitlisted" {
                                        (post_button(ctx, &format!("{base}/registrations/{}/promote", r.id), ctx.t("seminars.promote"), "link-button"))
                                    }
                                    @if r.status != "cancelled" {
                                        (post_button(ctx, &format!("{base}/registrations/{}/cancel", r.id), ctx.t("seminars.cancel_registration"), "link-button"))
                                    }
                                }
                            }
                        }
                    }
                } }))
            }
            (survey(ctx, &base, &v.survey))
        },
    )
}
