//! Public pages: the seminar list (upcoming and archive), a seminar with its registration form,
//! and the registrant's own page.

use maud::{Markup, PreEscaped, html};

use crate::components::{Tone, breadcrumbs, empty_state, notice, pager};
use crate::forms::{
    Field, FormErrors, checkbox, checkboxes, error_summary, filter_select, input, page_title,
    radios, select, textarea,
};
use crate::layout::{Fragment, PageCtx, page};

/// (value, label) options.
pub type Options = Vec<(String, String)>;

/// One seminar in a list.
#[derive(Debug, Clone)]
pub struct SeminarCard {
    /// Link.
    pub href: String,
    /// Title.
    pub title: String,
    /// Date and time.
    pub when: String,
    /// Prefecture, format.
    pub place: String,
    /// Industry label.
    pub industry: String,
    /// Summary.
    pub summary: String,
    /// Seats left, e.g. 「会場 残り3席 / オンライン 残り120席」.
    pub seats: String,
    /// A note such as 「中止」 or 「受付終了」.
    pub note: Option<String>,
    /// For a series (連続講座) shown as one entry: its label (「連続講座・全3回」)…
    pub series: Option<String>,
    /// …and the date of every session (then shown instead of `when`).
    pub dates: Vec<String>,
}

/// The list page.
#[derive(Debug, Clone, Default)]
pub struct ListView {
    /// The archive of past seminars instead of upcoming ones.
    pub archive: bool,
    /// Seminars.
    pub items: Vec<SeminarCard>,
    /// Industry options.
    pub industries: Options,
    /// Prefecture options.
    pub prefectures: Options,
    /// Format options.
    pub formats: Options,
    /// Selected industry.
    pub industry: String,
    /// Selected prefecture.
    pub prefecture: String,
    /// Selected format.
    pub format: String,
    /// Selected month (YYYY-MM).
    pub month: String,
    /// Link of the matching calendar feed.
    pub feed_href: String,
    /// The previous page, if any.
    pub prev_href: Option<String>,
    /// The next page, if any.
    pub next_href: Option<String>,
}

/// `GET /seminars`.
pub fn list(ctx: &PageCtx, v: &ListView) -> Markup {
    list_fragment(ctx, v).page(ctx)
}

/// The content of [`list`], kept in memory per content version.
pub fn list_fragment(ctx: &PageCtx, v: &ListView) -> Fragment {
    let title = if v.archive {
        ctx.t("seminars.archive_title")
    } else {
        ctx.t("seminars.list_title")
    };
    let none = FormErrors::new();
    let content = html! {
        h1 { (title) }
        form.filters method="get" action="/seminars" role="search" {
            @if v.archive { input type="hidden" name="archive" value="1"; }
            (filter_select(ctx, Field::new("industry", ctx.t("seminars.field_industry"), &none), &v.industries, &v.industry))
            (filter_select(ctx, Field::new("prefecture", ctx.t("seminars.field_prefecture"), &none), &v.prefectures, &v.prefecture))
            (filter_select(ctx, Field::new("format", ctx.t("seminars.field_format"), &none), &v.formats, &v.format))
            (input(ctx, Field::new("month", ctx.t("seminars.field_month"), &none), "month", &v.month))
            button.button type="submit" { (ctx.t("form.search")) }
        }
        p.meta {
            @if v.archive {
                a href="/seminars" { (ctx.t("seminars.see_upcoming")) }
            } @else {
                a href="/seminars?archive=1" { (ctx.t("seminars.see_archive")) }
            }
            " ・ "
            a href=(v.feed_href) { (ctx.t("seminars.feed_link")) }
        }
        @if v.items.is_empty() {
            (empty_state(ctx.t("seminars.list_empty")))
        } @else {
            ul.card-grid.seminar-list {
                @for s in &v.items {
                    li.card {
                        @if let Some(label) = &s.series { p.series-badge { span.badge { (label) } } }
                        h2 { a href=(s.href) { (s.title) } }
                        @if let Some(n) = &s.note { p.seminar-note { strong { (n) } } }
                        @if s.dates.is_empty() {
                            p.meta { (s.when) }
                        } @else {
                            ol.meta.series-dates { @for d in &s.dates { li { (d) } } }
                        }
                        p.meta { (s.place) " ・ " (s.industry) }
                        @if !s.summary.is_empty() { p { (s.summary) } }
                        @if !s.seats.is_empty() { p.seats { (s.seats) } }
                    }
                }
            }
        }
        (pager(ctx, v.prev_href.as_deref(), v.next_href.as_deref()))
    };
    Fragment::capture(ctx, title, content)
}

/// A seminar's details (values formatted).
#[derive(Debug, Clone, Default)]
pub struct SeminarDetail {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Sanitized HTML of the body.
    pub body_html: String,
    /// Date and time.
    pub when: String,
    /// Registration deadline.
    pub deadline: String,
    /// Prefecture.
    pub prefecture: String,
    /// Industry.
    pub industry: String,
    /// Format label.
    pub format: String,
    /// Venue and address.
    pub venue: String,
    /// Fee.
    pub fee: String,
    /// Hosts (主催).
    pub hosts: Vec<String>,
    /// Co-hosts (共催).
    pub cohosts: Vec<String>,
    /// Speakers.
    pub speakers: Vec<String>,
    /// Seats left, one text.
    pub seats: String,
    /// Why registration is not possible, when it is not.
    pub closed: Option<String>,
    /// Called off: the page says so first and offers no seats, calendar entry or form.
    pub cancelled: bool,
    /// For a session of a series: the series' page, title and number of sessions (the form
    /// registers for the whole series).
    pub series: Option<(String, String, usize)>,
}

/// One extra question of the form.
#[derive(Debug, Clone)]
pub struct QuestionView {
    /// Field name (`q_0`).
    pub name: String,
    /// The question.
    pub label: String,
    /// short, long, single, multiple.
    pub kind: String,
    /// Required.
    pub required: bool,
    /// Options of a choice.
    pub options: Vec<String>,
}

/// The registration form's options, values and errors.
#[derive(Debug, Clone, Default)]
pub struct RegistrationForm {
    /// Field values by name (multiple-choice answers repeat their name).
    pub values: Vec<(String, String)>,
    /// Errors.
    pub errors: FormErrors,
    /// Prefecture options.
    pub prefectures: Options,
    /// Industry options.
    pub industries: Options,
    /// Employee band options.
    pub bands: Options,
    /// Mode options the seminar offers.
    pub modes: Options,
    /// Extra questions.
    pub questions: Vec<QuestionView>,
    /// The optional rows of further participants of a group entry (none when the seminar
    /// takes one person per entry).
    pub participants: Vec<ParticipantRow>,
}

/// One optional row of a further participant of a group entry: participant `number` (the
/// applicant is number 1), with the names and labels of its two fields.
#[derive(Debug, Clone)]
pub struct ParticipantRow {
    /// Its number, from 2.
    pub number: usize,
    /// The name field's name (`p2_name`).
    pub name_field: String,
    /// The email field's name (`p2_email`).
    pub email_field: String,
    /// The name field's label.
    pub name_label: String,
    /// The email field's label.
    pub email_label: String,
}

impl RegistrationForm {
    /// Offers rows for further participants up to `limit` participants in one entry, the
    /// applicant included (nothing for 1). The form works without script: every row is
    /// there, and a row left empty is not sent as a participant.
    pub fn allow_group(&mut self, limit: usize, lang: crate::Lang) {
        self.participants = (2..=limit)
            .map(|number| {
                let n = number.to_string();
                ParticipantRow {
                    number,
                    name_field: format!("p{number}_name"),
                    email_field: format!("p{number}_email"),
                    name_label: lang.tf("groups.field_name", &[("n", &n)]),
                    email_label: lang.tf("groups.field_email", &[("n", &n)]),
                }
            })
            .collect();
    }

    /// Puts submitted (or empty) values in; a seminar with one mode has it chosen already.
    pub fn set_values(&mut self, values: Vec<(String, String)>) {
        self.values = values;
        if self.modes.len() == 1 && !self.values.iter().any(|(k, _)| k == "mode") {
            self.values.push(("mode".into(), self.modes[0].0.clone()));
        }
    }

    /// The first value of a field.
    pub fn value(&self, name: &str) -> &str {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    fn all(&self, name: &str) -> Vec<String> {
        self.values
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

fn names(ctx: &PageCtx, key: &'static str, list: &[String]) -> Markup {
    html! {
        @if !list.is_empty() {
            dt { (ctx.t(key)) }
            dd { (list.join("、")) }
        }
    }
}

/// `GET /seminars/{id}` (and the form re-rendered with its errors).
pub fn show(ctx: &PageCtx, s: &SeminarDetail, form: &RegistrationForm) -> Markup {
    show_fragment(ctx, s, form).page(ctx)
}

/// The content of [`show`], kept in memory per content version.
pub fn show_fragment(ctx: &PageCtx, s: &SeminarDetail, form: &RegistrationForm) -> Fragment {
    let e = &form.errors;
    let title = &page_title(ctx, &s.title, e);
    let content = html! {
        (breadcrumbs(ctx.t("seminars.breadcrumbs"), &[(ctx.t("nav.seminars"), "/seminars"), (&s.title, "")]))
        h1 { (s.title) }
        @if s.cancelled {
            div.notice.notice-error.cancelled-banner role="status" {
                p { strong { (ctx.t("seminars.closed_cancelled")) } }
                p { (ctx.t("seminars.cancelled_banner")) }
            }
        }
        @if let Some((href, title, n)) = &s.series {
            div.notice.notice-info.series-notice role="note" {
                p {
                    (ctx.t("series.session_of")) "「"
                    a href=(href) { (title) }
                    "」(" (ctx.tf("series.n_sessions", &[("n", &n.to_string())])) ")"
                    (ctx.t("series.session_register_hint"))
                }
            }
        }
        @if !s.summary.is_empty() { p.lead { (s.summary) } }
        dl.facts {
            dt { (ctx.t("seminars.when")) } dd { (s.when) }
            dt { (ctx.t("seminars.deadline")) } dd { (s.deadline) }
            dt { (ctx.t("seminars.field_format")) } dd { (s.format) }
            dt { (ctx.t("seminars.field_prefecture")) } dd { (s.prefecture) }
            @if !s.venue.is_empty() { dt { (ctx.t("seminars.field_venue")) } dd { (s.venue) } }
            dt { (ctx.t("seminars.field_industry")) } dd { (s.industry) }
            dt { (ctx.t("seminars.field_fee")) } dd { (s.fee) }
            (names(ctx, "seminars.field_hosts", &s.hosts))
            (names(ctx, "seminars.field_cohosts", &s.cohosts))
            (names(ctx, "seminars.field_speakers", &s.speakers))
            @if !s.cancelled { dt { (ctx.t("seminars.seats")) } dd.seats { (s.seats) } }
        }
        @if !s.cancelled {
            p { a href={ "/seminars/" (s.id) ".ics" } { (ctx.t("seminars.add_to_calendar")) } }
        }
        div.prose { (PreEscaped(&s.body_html)) }
        @if !s.cancelled { section aria-labelledby="register-title" {
            h2 #register-title { (ctx.t("seminars.register_title")) }
            @if let Some(why) = &s.closed {
                (notice(Tone::Info, why))
            } @else {
                (registration_form(ctx, form, &format!("/seminars/{}/registrations", s.id), ctx.t("seminars.register_button")))
            }
        } }
    };
    Fragment::capture(ctx, title, content)
}

/// The public registration form posting to `action`, with its error summary: the registrant's
/// fields, the consent and the newsletter tick (a seminar's page and a series' page).
pub fn registration_form(
    ctx: &PageCtx,
    form: &RegistrationForm,
    action: &str,
    button: &str,
) -> Markup {
    let e = &form.errors;
    let fields = RegistrantFields::new(ctx, form);
    let consent = Field::new("consent", ctx.t("seminars.field_consent"), e)
        .required()
        .hint(ctx.t("seminars.consent_hint"))
        .hint_link("/privacy", ctx.t("privacy.title"));
    let subscribe = Field::new("subscribe_newsletter", ctx.t("seminars.field_subscribe"), e)
        .hint(ctx.t("seminars.subscribe_hint"));
    let mut summary = fields.list();
    summary.extend([consent, subscribe]);
    html! {
        (error_summary(ctx, e, &summary))
        form method="post" action=(action) novalidate {
            (ctx.csrf_field())
            (fields.render(ctx))
            (checkbox(ctx, consent, form.value("consent") == "1"))
            (checkbox(ctx, subscribe, form.value("subscribe_newsletter") == "1"))
            button.button type="submit" { (button) }
        }
    }
}

/// The registrant's fields, from the name to the seminar's own questions: the public form and
/// the staff's manual entry ask the same.
pub struct RegistrantFields<'a> {
    name: Field<'a>,
    email: Field<'a>,
    company: Field<'a>,
    prefecture: Field<'a>,
    industry: Field<'a>,
    employees: Field<'a>,
    mode: Field<'a>,
    questions: Vec<(&'a QuestionView, Field<'a>)>,
    participants: Vec<(Field<'a>, Field<'a>)>,
    form: &'a RegistrationForm,
}

impl<'a> RegistrantFields<'a> {
    /// The fields of `form`, labelled in the page's language.
    pub fn new(ctx: &'a PageCtx, form: &'a RegistrationForm) -> Self {
        let e = &form.errors;
        let field = |name, key| Field::new(name, ctx.t(key), e);
        let questions = form
            .questions
            .iter()
            .map(|q| {
                let f = Field::new(&q.name, &q.label, e);
                (q, if q.required { f.required() } else { f })
            })
            .collect();
        Self {
            name: field("name", "seminars.field_name").required(),
            email: field("email", "seminars.field_email").required(),
            company: field("company", "seminars.field_company"),
            prefecture: field("prefecture", "seminars.field_prefecture").required(),
            industry: field("industry", "seminars.field_industry"),
            employees: field("employees", "seminars.field_employees"),
            mode: field("mode", "seminars.field_mode").required(),
            questions,
            participants: form
                .participants
                .iter()
                .map(|p| {
                    (
                        Field::new(&p.name_field, &p.name_label, e),
                        Field::new(&p.email_field, &p.email_label, e),
                    )
                })
                .collect(),
            form,
        }
    }

    /// Every field, in the order of the form (for the error summary).
    pub fn list(&self) -> Vec<Field<'a>> {
        let mut all = vec![
            self.name,
            self.email,
            self.company,
            self.prefecture,
            self.industry,
            self.employees,
            self.mode,
        ];
        all.extend(self.questions.iter().map(|(_, f)| *f));
        all.extend(self.participants.iter().flat_map(|(n, e)| [*n, *e]));
        all
    }

    /// The fields with their values.
    pub fn render(&self, ctx: &PageCtx) -> Markup {
        let form = self.form;
        html! {
            (input(ctx, self.name, "text", form.value("name")))
            (input(ctx, self.email, "email", form.value("email")))
            (input(ctx, self.company, "text", form.value("company")))
            (select(ctx, self.prefecture, &form.prefectures, form.value("prefecture")))
            (select(ctx, self.industry, &form.industries, form.value("industry")))
            (select(ctx, self.employees, &form.bands, form.value("employees")))
            (radios(ctx, self.mode, &form.modes, form.value("mode")))
            @for (q, f) in &self.questions {
                (question(ctx, q, *f, form))
            }
            @if !self.participants.is_empty() {
                fieldset.participants #f-participants {
                    legend { (ctx.tf("groups.legend", &[("max", &(self.participants.len() + 1).to_string())])) }
                    p.hint { (ctx.t("groups.hint_rows")) }
                    @if let Some(message) = form.errors.get("participants") {
                        p.field-error { (message) }
                    }
                    @for (name, email) in &self.participants {
                        div.participant-row {
                            (input(ctx, *name, "text", form.value(name.name)))
                            (input(ctx, *email, "email", form.value(email.name)))
                        }
                    }
                }
            }
        }
    }
}

fn question(ctx: &PageCtx, q: &QuestionView, f: Field, form: &RegistrationForm) -> Markup {
    let options: Options = q.options.iter().map(|o| (o.clone(), o.clone())).collect();
    match q.kind.as_str() {
        "long" => textarea(ctx, f, form.value(&q.name), 4),
        "single" => radios(ctx, f, &options, form.value(&q.name)),
        "multiple" => checkboxes(ctx, f, &options, &form.all(&q.name)),
        _ => input(ctx, f, "text", form.value(&q.name)),
    }
}

/// After the registration form: the mail is on its way (the same page whether the address was
/// new or registered already, so that it tells nobody else which).
pub fn registration_sent(ctx: &PageCtx, title: &str, seminar_href: &str) -> Markup {
    page(
        ctx,
        ctx.t("registrations.sent_title"),
        html! {
            div.form {
                h1 { (ctx.t("registrations.sent_title")) }
                (notice(Tone::Success, &ctx.tf("registrations.sent_lead", &[("title", title)])))
                p { (ctx.t("registrations.sent_where")) }
                h2 { (ctx.t("registrations.sent_missing_title")) }
                ul {
                    li { (ctx.t("registrations.sent_missing_spam")) }
                    li { (ctx.t("registrations.sent_missing_address")) }
                    li { (ctx.t("registrations.sent_missing_again")) }
                }
                h2 { (ctx.t("registrations.sent_change_title")) }
                p { (ctx.t("registrations.sent_change")) }
                p { a href=(seminar_href) { (ctx.tf("registrations.sent_back", &[("title", title)])) } }
            }
        },
    )
}

/// The registrant's own page.
#[derive(Debug, Clone, Default)]
pub struct RegistrationPage {
    /// Base path of the forms (`/registrations/{token}`).
    pub base: String,
    /// Seminar title.
    pub title: String,
    /// Link to the seminar.
    pub seminar_href: String,
    /// Date and time.
    pub when: String,
    /// Place.
    pub place: String,
    /// Registrant's name.
    pub name: String,
    /// confirmed, waitlisted, cancelled.
    pub status: String,
    /// Status as text.
    pub status_label: String,
    /// Waitlist position.
    pub position: Option<i64>,
    /// When the lottery's results come, while the application awaits the draw.
    pub results_at: Option<String>,
    /// Mode label.
    pub mode_label: String,
    /// Join URL (confirmed only).
    pub join_url: Option<String>,
    /// Modes to change to (empty when not possible).
    pub other_modes: Options,
    /// Whether cancelling is possible.
    pub can_cancel: bool,
    /// Whether the attendance code form is shown.
    pub attendance: bool,
    /// Whether checked in.
    pub checked_in: bool,
    /// The survey, while it waits for an answer.
    pub survey_href: Option<String>,
    /// The attendance certificate, once the seminar ended for a checked-in registrant.
    pub certificate_href: Option<String>,
    /// The QR code to show at the venue's reception (confirmed onsite registrations).
    pub checkin: Option<CheckinQr>,
    /// A message after an action.
    pub flash: Option<(Tone, String)>,
    /// The participants of the group entry, for its applicant (empty otherwise).
    pub group: Vec<GroupMemberView>,
    /// The participants the applicant may still remove: `(registration id, "name (email)")`.
    pub removable: Options,
    /// For a further participant of a group: who registered them.
    pub registered_by: Option<String>,
    /// For a registration of a series: the series' title and page, and each session with this
    /// person's status in it (cancelling cancels every session).
    pub series: Option<SeriesRegistration>,
}

/// A series registration on the registrant's page.
#[derive(Debug, Clone, Default)]
pub struct SeriesRegistration {
    /// The series' title.
    pub title: String,
    /// Its public page.
    pub href: String,
    /// Each session: its link, title, date, status and whether attended.
    pub sessions: Vec<SeriesSessionView>,
    /// 「2回出席（修了証は2回以上）」.
    pub attendance: String,
}

/// One session of a series registration.
#[derive(Debug, Clone, Default)]
pub struct SeriesSessionView {
    /// The session's page.
    pub href: String,
    /// Title.
    pub title: String,
    /// Date and time.
    pub when: String,
    /// Status as text.
    pub status_label: String,
    /// Whether attendance was recorded.
    pub attended: bool,
}

fn series_section(ctx: &PageCtx, v: &SeriesRegistration) -> Markup {
    html! {
        section.series-registration aria-labelledby="series-title" {
            h2 #series-title { (ctx.t("series.registration_title")) " " a href=(v.href) { (v.title) } }
            p { (ctx.t("series.registration_lead")) }
            table.table {
                thead { tr {
                    th scope="col" { (ctx.t("seminars.field_title")) }
                    th scope="col" { (ctx.t("seminars.when")) }
                    th scope="col" { (ctx.t("seminars.status")) }
                    th scope="col" { (ctx.t("series.attended")) }
                } }
                tbody {
                    @for s in &v.sessions {
                        tr {
                            td { a href=(s.href) { (s.title) } }
                            td { (s.when) }
                            td.status { (s.status_label) }
                            td { @if s.attended { "✓" } }
                        }
                    }
                }
            }
            p.series-attendance { (v.attendance) }
        }
    }
}

/// One participant of a group entry on its applicant's page.
#[derive(Debug, Clone, Default)]
pub struct GroupMemberView {
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Status as text.
    pub status_label: String,
    /// Whether this is the applicant.
    pub applicant: bool,
}

/// The group entry on its applicant's page: every participant with their status, and the form
/// that removes one of them (with a confirmation tick, as cancelling has).
fn group_section(ctx: &PageCtx, v: &RegistrationPage) -> Markup {
    let none = FormErrors::new();
    html! {
        section.group-entry aria-labelledby="group-title" {
            h2 #group-title { (ctx.t("groups.title")) }
            p { (ctx.t("groups.lead")) }
            table.table {
                thead { tr {
                    th scope="col" { (ctx.t("seminars.field_name")) }
                    th scope="col" { (ctx.t("seminars.field_email")) }
                    th scope="col" { (ctx.t("seminars.status")) }
                } }
                tbody {
                    @for m in &v.group {
                        tr {
                            td { (m.name) @if m.applicant { " " span.badge { (ctx.t("groups.applicant")) } } }
                            td { (m.email) }
                            td.status { (m.status_label) }
                        }
                    }
                }
            }
            @if !v.removable.is_empty() {
                form.no-print method="post" action={ (v.base) "/participants/remove" } {
                    (ctx.csrf_field())
                    (radios(ctx, Field::new("participant", ctx.t("groups.remove_which"), &none).required(), &v.removable, ""))
                    p { (ctx.t("groups.remove_hint")) }
                    (checkbox(ctx, Field::new("confirm", ctx.t("groups.remove_confirm"), &none).required(), false))
                    button.button.button-danger type="submit" { (ctx.t("groups.remove_button")) }
                }
            }
        }
    }
}

/// The check-in QR code of a registrant's page.
#[derive(Debug, Clone, Default)]
pub struct CheckinQr {
    /// The absolute staff check-in URL it encodes.
    pub url: String,
    /// The QR code as an inline `<svg>` element, drawn by the server from `url` alone.
    pub svg: String,
}

/// `GET /registrations/{token}`.
pub fn registration(ctx: &PageCtx, v: &RegistrationPage) -> Markup {
    let none = FormErrors::new();
    page(
        ctx,
        ctx.t("seminars.my_registration"),
        html! {
            h1 { (ctx.t("seminars.my_registration")) }
            @if let Some((tone, text)) = &v.flash { (notice(*tone, text)) }
            dl.facts {
                dt { (ctx.t("seminars.field_title")) } dd { a href=(v.seminar_href) { (v.title) } }
                dt { (ctx.t("seminars.when")) } dd { (v.when) }
                dt { (ctx.t("seminars.place")) } dd { (v.place) }
                dt { (ctx.t("seminars.field_name")) } dd { (v.name) }
                dt { (ctx.t("seminars.field_mode")) } dd { (v.mode_label) }
                dt { (ctx.t("seminars.status")) } dd.status { (v.status_label) }
                @if let Some(p) = v.position {
                    dt { (ctx.t("seminars.position")) } dd { (p) }
                }
                @if let Some(when) = &v.results_at {
                    dt { (ctx.t("lottery.results_at")) } dd.results-at { (when) }
                }
                @if let Some(url) = &v.join_url {
                    dt { (ctx.t("seminars.join_url")) } dd { a.join-url href=(url) { (url) } }
                }
                @if v.checked_in { dt { (ctx.t("seminars.checked_in")) } dd { "✓" } }
            }
            @if let Some(by) = &v.registered_by {
                p.registered-by { (ctx.tf("groups.registered_by", &[("name", by)])) }
            }
            @if let Some(href) = &v.survey_href {
                p { a.button href=(href) { (ctx.t("seminars.survey_answer_link")) } }
            }
            @if !v.group.is_empty() {
                (group_section(ctx, v))
            }
            @if let Some(series) = &v.series {
                (series_section(ctx, series))
            }
            @if let Some(href) = &v.certificate_href {
                p { a href=(href) download { (ctx.t("certificates.download")) } }
            }
            @if let Some(qr) = &v.checkin {
                section.checkin-qr aria-labelledby="checkin-title" data-checkin-url=(qr.url) {
                    h2 #checkin-title { (ctx.t("seminars.checkin.qr_title")) }
                    p { (ctx.t("seminars.checkin.qr_hint")) }
                    div.qr-image role="img" aria-label=(ctx.t("seminars.checkin.qr_alt")) {
                        (PreEscaped(&qr.svg))
                    }
                    p.no-print.meta { (ctx.t("seminars.checkin.qr_print")) }
                }
            }
            @if v.attendance && !v.checked_in {
                form.no-print method="post" action={ (v.base) "/attend" } {
                    (ctx.csrf_field())
                    (input(ctx, Field::new("code", ctx.t("seminars.attendance_code"), &none).required(), "text", ""))
                    button.button type="submit" { (ctx.t("seminars.attend_button")) }
                }
            }
            @if !v.other_modes.is_empty() {
                form.no-print method="post" action={ (v.base) "/mode" } {
                    (ctx.csrf_field())
                    (radios(ctx, Field::new("mode", ctx.t("seminars.change_mode"), &none), &v.other_modes, ""))
                    button.button.button-secondary type="submit" { (ctx.t("seminars.change_mode_button")) }
                }
            }
            @if v.can_cancel {
                form.no-print method="post" action={ (v.base) "/cancel" } {
                    (ctx.csrf_field())
                    @if v.series.is_some() { p { (ctx.t("series.cancel_hint")) } }
                    (checkbox(ctx, Field::new("confirm", ctx.t("seminars.cancel_confirm"), &none).required(), false))
                    button.button.button-danger type="submit" { (ctx.t("seminars.cancel_button")) }
                }
            }
        },
    )
}
