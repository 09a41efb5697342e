//! Pages of the matching board: the public board, post forms and pages with their
//! suggestions, "my posts and introductions", and the staff review queue.

pub mod mail;

use maud::{Markup, html};

use crate::components::{Tone, empty_state, notice, table_region};
use crate::forms::{self, Field, FormErrors};
use crate::layout::{Fragment, PageCtx, page};
use crate::staff::staff_page;

/// (value, label) options.
pub type Options = Vec<(String, String)>;

/// Submitted or stored values of a form: a name may occur several times.
#[derive(Debug, Clone, Default)]
pub struct Values(pub Vec<(String, String)>);

impl Values {
    /// The first value of a name.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
    /// Every value of a name.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
    /// Whether a checkbox is ticked.
    pub fn flag(&self, name: &str) -> bool {
        matches!(self.get(name), "1" | "true" | "on")
    }
}

/// A small form with one button and hidden fields.
pub fn post_button(ctx: &PageCtx, path: &str, label: &str, hidden: &[(&str, String)]) -> Markup {
    html! {
        form.inline-form method="post" action=(path) {
            (ctx.csrf_field())
            @for (k, v) in hidden { input type="hidden" name=(k) value=(v); }
            button.button.button-secondary type="submit" { (label) }
        }
    }
}

/// The need form.
#[derive(Debug, Clone, Default)]
pub struct NeedFormView {
    /// Where the form posts.
    pub action: String,
    /// Page heading.
    pub heading: String,
    /// Current values.
    pub values: Values,
    /// Field errors.
    pub errors: FormErrors,
    /// The post described an incident: show the IPA desk notice.
    pub incident: bool,
    /// Category options.
    pub categories: Options,
    /// Prefecture options.
    pub prefectures: Options,
    /// Employee band options.
    pub bands: Options,
    /// Budget options.
    pub budgets: Options,
    /// Urgency options.
    pub urgencies: Options,
    /// Sector options.
    pub sectors: Options,
}

/// The notice for a post that describes an incident in progress.
pub fn incident_notice(ctx: &PageCtx) -> Markup {
    html! {
        div.notice.notice-error role="alert" {
            p { strong { (ctx.t("matching.incident.title")) } }
            p { (ctx.t("matching.incident.text")) }
            ul {
                li {
                    a href="https://www.ipa.go.jp/security/anshin/" { (ctx.t("matching.incident.ipa")) }
                    " " (crate::components::with_link(ctx.t("matching.incident.ipa_phone"), crate::components::IPA_PHONE.1, crate::components::IPA_PHONE.0))
                }
                li { (ctx.t("matching.incident.otasuketai")) }
            }
            p { (ctx.t("matching.incident.not_stored")) }
        }
    }
}

fn submit_buttons(ctx: &PageCtx) -> Markup {
    html! {
        p.form-actions {
            button.button type="submit" name="action" value="submit" { (ctx.t("matching.form.submit_review")) }
            " "
            button.button.button-secondary type="submit" name="action" value="draft" { (ctx.t("matching.form.save_draft")) }
        }
    }
}

/// The form of a need (new or edit).
pub fn need_form(ctx: &PageCtx, v: &NeedFormView) -> Markup {
    let e = &v.errors;
    let val = &v.values;
    let title = Field::new("title", ctx.t("matching.field.title"), e)
        .required()
        .hint(ctx.t("matching.field.need_title_hint"));
    let description = Field::new("description", ctx.t("matching.field.description"), e)
        .required()
        .hint(ctx.t("matching.field.no_personal_data"));
    let categories = Field::new("categories", ctx.t("matching.field.categories"), e).required();
    let prefecture = Field::new("prefecture", ctx.t("matching.field.prefecture"), e).required();
    let onsite_needed = Field::new("onsite_needed", ctx.t("matching.field.onsite_needed"), e);
    let employee_band =
        Field::new("employee_band", ctx.t("matching.field.employee_band"), e).required();
    let device_count = Field::new("device_count", ctx.t("matching.field.device_count"), e);
    let budget_band = Field::new("budget_band", ctx.t("matching.field.budget_band"), e);
    let wants_subsidy = Field::new("wants_subsidy", ctx.t("matching.field.wants_subsidy"), e);
    let urgency = Field::new("urgency", ctx.t("matching.field.urgency"), e);
    let sector = Field::new("sector", ctx.t("matching.field.sector"), e);
    let show_name = Field::new("show_name", ctx.t("matching.field.show_name"), e)
        .hint(ctx.t("matching.field.show_name_hint"));
    page(
        ctx,
        &forms::page_title(ctx, &v.heading, e),
        html! {
            h1 { (v.heading) }
            @if v.incident { (incident_notice(ctx)) }
            (forms::error_summary(ctx, e, &[title, description, categories, prefecture, onsite_needed, employee_band, device_count, budget_band, wants_subsidy, urgency, sector, show_name]))
            p { (ctx.t("matching.form.need_intro")) }
            form method="post" action=(v.action) novalidate {
                (ctx.csrf_field())
                (forms::input(ctx, title, "text", val.get("title")))
                (forms::textarea(ctx, description, val.get("description"), 6))
                (forms::checkboxes(ctx, categories, &v.categories, &val.all("categories")))
                (forms::select(ctx, prefecture, &v.prefectures, val.get("prefecture")))
                (forms::checkbox(ctx, onsite_needed, val.flag("onsite_needed")))
                (forms::select(ctx, employee_band, &v.bands, val.get("employee_band")))
                (forms::input(ctx, device_count, "number", val.get("device_count")))
                (forms::radios(ctx, budget_band, &v.budgets, val.get("budget_band")))
                (forms::checkbox(ctx, wants_subsidy, val.flag("wants_subsidy")))
                (forms::radios(ctx, urgency, &v.urgencies, val.get("urgency")))
                (forms::select(ctx, sector, &v.sectors, val.get("sector")))
                (forms::checkbox(ctx, show_name, val.flag("show_name")))
                (submit_buttons(ctx))
            }
        },
    )
}

/// The offering form.
#[derive(Debug, Clone, Default)]
pub struct OfferingFormView {
    /// Where the form posts.
    pub action: String,
    /// Page heading.
    pub heading: String,
    /// Current values.
    pub values: Values,
    /// Field errors.
    pub errors: FormErrors,
    /// Category options, grouped by family.
    pub categories: Vec<(String, Options)>,
    /// Prefecture options, grouped by region (Kyushu first, with "all of Kyushu").
    pub prefectures: Vec<(String, Options)>,
    /// Employee band options.
    pub bands: Options,
    /// Sector options.
    pub sectors: Options,
    /// Price model options.
    pub price_models: Options,
    /// Capacity options.
    pub capacities: Options,
    /// お助け隊 type options.
    pub otasuketai: Options,
    /// Language options.
    pub languages: Options,
}

/// The form of an offering (new or edit).
pub fn offering_form(ctx: &PageCtx, v: &OfferingFormView) -> Markup {
    let e = &v.errors;
    let val = &v.values;
    let title = Field::new("title", ctx.t("matching.field.title"), e).required();
    let description = Field::new("description", ctx.t("matching.field.description"), e).required();
    let categories =
        Field::new("categories", ctx.t("matching.field.categories_covered"), e).required();
    let onsite_prefectures = Field::new(
        "onsite_prefectures",
        ctx.t("matching.field.onsite_prefectures"),
        e,
    );
    let remote_ok = Field::new("remote_ok", ctx.t("matching.field.remote_ok"), e);
    let price_model = Field::new("price_model", ctx.t("matching.field.price_model"), e).required();
    let price_amount = Field::new("price_amount", ctx.t("matching.field.price_amount"), e)
        .hint(ctx.t("matching.field.price_amount_hint"));
    let target_bands = Field::new("target_bands", ctx.t("matching.field.target_bands"), e);
    let sectors = Field::new("sectors", ctx.t("matching.field.sectors"), e);
    let otasuketai_type = Field::new(
        "otasuketai_type",
        ctx.t("matching.field.otasuketai_type"),
        e,
    );
    let otasuketai_valid_until = Field::new(
        "otasuketai_valid_until",
        ctx.t("matching.field.otasuketai_valid_until"),
        e,
    );
    let subsidy_fiscal_year = Field::new(
        "subsidy_fiscal_year",
        ctx.t("matching.field.subsidy_fiscal_year"),
        e,
    )
    .hint(ctx.t("matching.field.subsidy_hint"));
    let certifications = Field::new("certifications", ctx.t("matching.field.certifications"), e);
    let languages = Field::new("languages", ctx.t("matching.field.languages"), e);
    let capacity = Field::new("capacity", ctx.t("matching.field.capacity"), e);
    page(
        ctx,
        &forms::page_title(ctx, &v.heading, e),
        html! {
            h1 { (v.heading) }
            (forms::error_summary(ctx, e, &[title, description, categories, onsite_prefectures, remote_ok, price_model, price_amount, target_bands, sectors, otasuketai_type, otasuketai_valid_until, subsidy_fiscal_year, certifications, languages, capacity]))
            form method="post" action=(v.action) novalidate {
                (ctx.csrf_field())
                (forms::input(ctx, title, "text", val.get("title")))
                (forms::textarea(ctx, description, val.get("description"), 6))
                (forms::grouped_checkboxes(ctx, categories.hint(ctx.t("matching.field.e1_hint")), &v.categories, &val.all("categories")))
                (forms::grouped_checkboxes(ctx, onsite_prefectures, &v.prefectures, &val.all("onsite_prefectures")))
                (forms::checkbox(ctx, remote_ok, val.flag("remote_ok")))
                (forms::select(ctx, price_model, &v.price_models, val.get("price_model")))
                (forms::input(ctx, price_amount, "number", val.get("price_amount")))
                (forms::checkboxes(ctx, target_bands, &v.bands, &val.all("target_bands")))
                (forms::checkboxes(ctx, sectors, &v.sectors, &val.all("sectors")))
                (forms::select(ctx, otasuketai_type, &v.otasuketai, val.get("otasuketai_type")))
                (forms::input(ctx, otasuketai_valid_until, "date", val.get("otasuketai_valid_until")))
                (forms::input(ctx, subsidy_fiscal_year, "number", val.get("subsidy_fiscal_year")))
                (forms::input(ctx, certifications, "text", val.get("certifications")))
                (forms::checkboxes(ctx, languages, &v.languages, &val.all("languages")))
                (forms::radios(ctx, capacity, &v.capacities, val.get("capacity")))
                (submit_buttons(ctx))
            }
        },
    )
}

/// A card of the board.
#[derive(Debug, Clone, Default)]
pub struct Card {
    /// Link.
    pub href: String,
    /// First line (anonymous summary of a need, vendor name of an offering).
    pub headline: String,
    /// Title.
    pub title: String,
    /// Service categories: (code, label).
    pub categories: Vec<(String, String)>,
    /// Other small tags (urgency, price).
    pub tags: Vec<String>,
}

/// The public board.
#[derive(Debug, Clone, Default)]
pub struct BoardView {
    /// `needs` or `offerings`.
    pub kind: String,
    /// Search text.
    pub q: String,
    /// Selected category.
    pub category: String,
    /// Selected prefecture.
    pub prefecture: String,
    /// Selected sector.
    pub sector: String,
    /// Category options.
    pub categories: Options,
    /// Prefecture options.
    pub prefectures: Options,
    /// Sector options.
    pub sectors: Options,
    /// The cards.
    pub cards: Vec<Card>,
    /// Links to post (shown to members of the right kind).
    pub post_links: Vec<(String, String)>,
    /// Whether the category codes are shown beside their labels (to staff, who work with
    /// the codes of the taxonomy).
    pub show_codes: bool,
}

/// `/board`.
pub fn board(ctx: &PageCtx, v: &BoardView) -> Markup {
    board_fragment(ctx, v).page(ctx)
}

/// The content of [`board`], kept in memory per content version.
pub fn board_fragment(ctx: &PageCtx, v: &BoardView) -> Fragment {
    let none = FormErrors::new();
    let tab = |kind: &str, key: &'static str| {
        html! {
            a.tab href={ "/board?kind=" (kind) } aria-current=[(v.kind == kind).then_some("page")] { (ctx.t(key)) }
        }
    };
    let title = ctx.t("matching.board.title");
    let content = html! {
        h1 { (ctx.t("matching.board.title")) }
        p { (ctx.t("matching.board.lead")) }
        @if !v.post_links.is_empty() {
            p { @for (href, label) in &v.post_links { a.button href=(href) { (label) } " " } }
        }
        nav.tabs { (tab("needs", "matching.board.needs")) " " (tab("offerings", "matching.board.offerings")) }
        form.search-form method="get" action="/board" role="search" {
            input type="hidden" name="kind" value=(v.kind);
            (forms::input(ctx, Field::new("q", ctx.t("matching.board.search"), &none).hint(ctx.t("matching.board.search_hint")), "search", &v.q))
            (forms::filter_select(ctx, Field::new("category", ctx.t("matching.field.categories"), &none), &v.categories, &v.category))
            (forms::filter_select(ctx, Field::new("prefecture", ctx.t("matching.field.prefecture"), &none), &v.prefectures, &v.prefecture))
            (forms::filter_select(ctx, Field::new("sector", ctx.t("matching.field.sector"), &none), &v.sectors, &v.sector))
            button.button type="submit" { (ctx.t("form.search")) }
        }
        @if v.cards.is_empty() {
            (empty_state(ctx.t("matching.board.empty")))
        } @else {
            ul.card-grid.board-cards {
                @for c in &v.cards {
                    li.card {
                        p.card-eyebrow { (c.headline) }
                        h2 { a href=(c.href) { (c.title) } }
                        ul.tags {
                            @for (code, label) in &c.categories {
                                li.tag.tag-category {
                                    @if v.show_codes { span.tag-code { (code) } " " }
                                    (label)
                                }
                            }
                            @for t in &c.tags { li.tag { (t) } }
                        }
                    }
                }
            }
        }
    };
    Fragment::capture(ctx, title, content)
}

/// What can be done with a suggestion.
#[derive(Debug, Clone, Default)]
pub enum SuggestionAction {
    /// Nothing.
    #[default]
    None,
    /// Request an introduction: the form posts `need_id` and `offering_id`.
    Request {
        /// Need.
        need_id: i64,
        /// Offering.
        offering_id: i64,
    },
    /// An introduction exists already: its stage.
    Existing(String),
}

/// One suggestion (an offering for a need, or a need for an offering).
#[derive(Debug, Clone, Default)]
pub struct SuggestionView {
    /// Link to the other post.
    pub href: String,
    /// Its title.
    pub title: String,
    /// Vendor name or anonymous need summary.
    pub subtitle: String,
    /// Score out of 100.
    pub score: u32,
    /// Reasons.
    pub reasons: Vec<String>,
    /// Cautions.
    pub cautions: Vec<String>,
    /// Staff note of a pin.
    pub note: Option<String>,
    /// Request or stage.
    pub action: SuggestionAction,
    /// Staff may pin/remove: (need id, offering id).
    pub staff_override: Option<(i64, i64)>,
}

/// A vendor's offering and why it is (not) suggested for a need.
#[derive(Debug, Clone, Default)]
pub struct ExplainView {
    /// Offering title.
    pub title: String,
    /// The explanation.
    pub text: Vec<String>,
    /// Request an introduction, if allowed.
    pub action: SuggestionAction,
}

/// The page of one post.
#[derive(Debug, Clone, Default)]
pub struct PostView {
    /// Title.
    pub title: String,
    /// Anonymous summary or vendor name.
    pub headline: String,
    /// Label and value rows.
    pub details: Vec<(String, String)>,
    /// Description.
    pub description: String,
    /// Status for the owner and staff.
    pub status: Option<String>,
    /// Staff's reason for a rejection (shown to the owner).
    pub reject_reason: Option<String>,
    /// Edit link for the owner.
    pub edit_href: Option<String>,
    /// Lifecycle actions for the owner: (path, label).
    pub owner_actions: Vec<(String, String)>,
    /// Heading of the suggestions.
    pub suggestions_title: Option<String>,
    /// Suggestions.
    pub suggestions: Vec<SuggestionView>,
    /// Version of the weights.
    pub weights_version: String,
    /// Removed suggestions with staff notes (staff only).
    pub removed: Vec<String>,
    /// The viewer's offerings explained against this need.
    pub explanations: Vec<ExplainView>,
    /// Banner after an action.
    pub flash: Option<String>,
}

fn action_markup(ctx: &PageCtx, a: &SuggestionAction) -> Markup {
    match a {
        SuggestionAction::None => html! {},
        SuggestionAction::Request {
            need_id,
            offering_id,
        } => post_button(
            ctx,
            "/board/introductions",
            ctx.t("matching.intro.request"),
            &[
                ("need_id", need_id.to_string()),
                ("offering_id", offering_id.to_string()),
            ],
        ),
        SuggestionAction::Existing(stage) => html! { p.tag { (stage) } },
    }
}

/// `/board/needs/{id}` and `/board/offerings/{id}`.
pub fn post_page(ctx: &PageCtx, v: &PostView) -> Markup {
    let none = FormErrors::new();
    page(
        ctx,
        &v.title,
        html! {
            @if let Some(f) = &v.flash { (notice(Tone::Success, f)) }
            p.card-eyebrow { (v.headline) }
            h1 { (v.title) }
            @if let Some(s) = &v.status { p { (ctx.t("matching.post.status")) ": " strong { (s) } } }
            @if let Some(r) = &v.reject_reason {
                (notice(Tone::Warning, &ctx.tf("matching.post.rejected_because", &[("reason", r)])))
            }
            dl.details {
                @for (k, val) in &v.details { dt { (k) } dd { (val) } }
            }
            div.description { @for line in v.description.lines() { p { (line) } } }
            @if v.edit_href.is_some() || !v.owner_actions.is_empty() {
                div.owner-actions {
                    @if let Some(h) = &v.edit_href { a.button href=(h) { (ctx.t("matching.post.edit")) } " " }
                    @for (path, label) in &v.owner_actions { (post_button(ctx, path, label, &[])) }
                }
            }
            @if let Some(t) = &v.suggestions_title {
                section aria-labelledby="suggestions-title" {
                    h2 #suggestions-title { (t) }
                    p.hint { (ctx.tf("matching.suggest.weights", &[("version", &v.weights_version)])) }
                    @if v.suggestions.is_empty() { (empty_state(ctx.t("matching.suggest.none"))) }
                    ol.suggestions {
                        @for s in &v.suggestions {
                            li.card.suggestion {
                                p.score { (ctx.tf("matching.suggest.score", &[("score", &s.score.to_string())])) }
                                h3 { a href=(s.href) { (s.title) } }
                                p.card-eyebrow { (s.subtitle) }
                                @if let Some(n) = &s.note { p.hint { (n) } }
                                ul.reasons { @for r in &s.reasons { li { (r) } } }
                                @if !s.cautions.is_empty() {
                                    ul.cautions { @for c in &s.cautions { li { "⚠ " (c) } } }
                                }
                                (action_markup(ctx, &s.action))
                                @if let Some((need_id, offering_id)) = s.staff_override {
                                    form.inline-form method="post" action={ "/staff/board/needs/" (need_id) "/overrides" } {
                                        (ctx.csrf_field())
                                        input type="hidden" name="offering_id" value=(offering_id);
                                        (forms::input(ctx, Field::new("note", ctx.t("matching.staff.note"), &none), "text", ""))
                                        button.button.button-secondary type="submit" name="action" value="pin" { (ctx.t("matching.staff.pin")) }
                                        " "
                                        button.button.button-secondary type="submit" name="action" value="remove" { (ctx.t("matching.staff.remove")) }
                                    }
                                }
                            }
                        }
                    }
                    @if !v.removed.is_empty() {
                        h3 { (ctx.t("matching.staff.removed")) }
                        ul { @for r in &v.removed { li { (r) } } }
                    }
                }
            }
            @if !v.explanations.is_empty() {
                section aria-labelledby="explain-title" {
                    h2 #explain-title { (ctx.t("matching.explain.title")) }
                    @for x in &v.explanations {
                        div.card {
                            h3 { (x.title) }
                            ul { @for t in &x.text { li { (t) } } }
                            (action_markup(ctx, &x.action))
                        }
                    }
                }
            }
        },
    )
}

/// A post of the viewer's organization.
#[derive(Debug, Clone, Default)]
pub struct MyPost {
    /// Link.
    pub href: String,
    /// Title.
    pub title: String,
    /// Need or offering.
    pub kind: String,
    /// Status label.
    pub status: String,
    /// Until when it is shown.
    pub until: String,
    /// Staff's reason for a rejection.
    pub reject_reason: Option<String>,
}

/// An introduction as one side sees it.
#[derive(Debug, Clone, Default)]
pub struct MyIntroduction {
    /// Id.
    pub id: i64,
    /// Need title (link).
    pub need: (String, String),
    /// Offering title (link).
    pub offering: (String, String),
    /// Stage label.
    pub stage: String,
    /// Who asked.
    pub requested_by_us: bool,
    /// The viewer may accept or decline.
    pub can_answer: bool,
    /// The viewer may report progress.
    pub can_progress: bool,
    /// The viewer may withdraw.
    pub can_withdraw: bool,
    /// Decline reason.
    pub decline_reason: Option<String>,
    /// The other side's organization, name and email once both consented.
    pub contact: Option<(String, String, String)>,
    /// Options of the stage form.
    pub stages: Options,
}

/// `/board/mine`.
#[derive(Debug, Clone, Default)]
pub struct MineView {
    /// The organization's posts.
    pub posts: Vec<MyPost>,
    /// Its introductions.
    pub introductions: Vec<MyIntroduction>,
    /// Banner after an action.
    pub flash: Option<String>,
}

/// `/board/mine`: my posts and introductions.
pub fn mine(ctx: &PageCtx, v: &MineView) -> Markup {
    let none = FormErrors::new();
    page(
        ctx,
        ctx.t("matching.mine.title"),
        html! {
            @if let Some(f) = &v.flash { (notice(Tone::Success, f)) }
            h1 { (ctx.t("matching.mine.title")) }
            h2 { (ctx.t("matching.mine.posts")) }
            @if v.posts.is_empty() { (empty_state(ctx.t("matching.mine.no_posts"))) }
            (table_region(ctx.t("matching.mine.posts"), html! { table.table {
                thead { tr { th { (ctx.t("matching.field.title")) } th { (ctx.t("matching.mine.kind")) } th { (ctx.t("matching.post.status")) } th { (ctx.t("matching.mine.until")) } } }
                tbody {
                    @for p in &v.posts {
                        tr {
                            td { a href=(p.href) { (p.title) }
                                @if let Some(r) = &p.reject_reason { p.field-error { (ctx.tf("matching.post.rejected_because", &[("reason", r)])) } } }
                            td { (p.kind) } td { (p.status) } td { (p.until) }
                        }
                    }
                }
            } }))
            h2 { (ctx.t("matching.mine.introductions")) }
            @if v.introductions.is_empty() { (empty_state(ctx.t("matching.mine.no_introductions"))) }
            @for i in &v.introductions {
                div.card.introduction id={ "intro-" (i.id) } {
                    p { a href=(i.need.1) { (i.need.0) } " ⇄ " a href=(i.offering.1) { (i.offering.0) } }
                    p { (ctx.t("matching.intro.stage")) ": " strong { (i.stage) } " "
                        @if i.requested_by_us { (ctx.t("matching.intro.by_us")) } @else { (ctx.t("matching.intro.by_them")) } }
                    @if let Some(r) = &i.decline_reason { p { (ctx.tf("matching.intro.declined_because", &[("reason", r)])) } }
                    @if let Some((org, name, email)) = &i.contact {
                        div.notice.notice-success {
                            p { strong { (ctx.t("matching.intro.contact")) } }
                            p { (org) " " (name) " " a href={ "mailto:" (email) } { (email) } }
                        }
                    } @else {
                        p.hint { (ctx.t("matching.intro.contact_hidden")) }
                    }
                    @if i.can_answer {
                        (post_button(ctx, &format!("/board/introductions/{}/accept", i.id), ctx.t("matching.intro.accept"), &[]))
                        form.inline-form method="post" action={ "/board/introductions/" (i.id) "/decline" } {
                            (ctx.csrf_field())
                            (forms::input(ctx, Field::new("reason", ctx.t("matching.intro.decline_reason"), &none).required(), "text", ""))
                            button.button.button-secondary type="submit" { (ctx.t("matching.intro.decline")) }
                        }
                    }
                    @if i.can_progress {
                        form.inline-form method="post" action={ "/board/introductions/" (i.id) "/stage" } {
                            (ctx.csrf_field())
                            (forms::select(ctx, Field::new("stage", ctx.t("matching.intro.report_stage"), &none), &i.stages, ""))
                            button.button.button-secondary type="submit" { (ctx.t("form.save")) }
                        }
                    }
                    @if i.can_withdraw {
                        (post_button(ctx, &format!("/board/introductions/{}/withdraw", i.id), ctx.t("matching.intro.withdraw"), &[]))
                    }
                }
            }
        },
    )
}

/// A post waiting for review.
#[derive(Debug, Clone, Default)]
pub struct ReviewItem {
    /// Need or offering.
    pub kind: String,
    /// Title (link).
    pub title: String,
    /// Link to the post.
    pub href: String,
    /// Organization.
    pub organization: String,
    /// Path prefix of the actions (`/staff/board/needs/3`).
    pub action_base: String,
}

/// `/staff/board`.
#[derive(Debug, Clone, Default)]
pub struct StaffBoardView {
    /// The review queue.
    pub queue: Vec<ReviewItem>,
    /// KPI rows: (what, status label, count).
    pub kpis: Vec<(String, String, i64)>,
    /// A bar chart of the introduction stages (server-drawn SVG).
    pub chart: Option<Markup>,
    /// Banner after an action.
    pub flash: Option<String>,
}

/// `/staff/board`: review queue and KPIs.
pub fn staff_board(ctx: &PageCtx, v: &StaffBoardView) -> Markup {
    let none = FormErrors::new();
    staff_page(
        ctx,
        ctx.t("matching.staff.title"),
        "/staff/board",
        html! {
            @if let Some(f) = &v.flash { (notice(Tone::Success, f)) }
            h1 { (ctx.t("matching.staff.title")) }
            h2 { (ctx.t("matching.staff.queue")) }
            @if v.queue.is_empty() { (empty_state(ctx.t("matching.staff.queue_empty"))) }
            @for item in &v.queue {
                div.card {
                    p.card-eyebrow { (item.kind) " · " (item.organization) }
                    h3 { a href=(item.href) { (item.title) } }
                    (post_button(ctx, &format!("{}/approve", item.action_base), ctx.t("matching.staff.approve"), &[]))
                    form.inline-form method="post" action={ (item.action_base) "/reject" } {
                        (ctx.csrf_field())
                        (forms::input(ctx, Field::new("reason", ctx.t("matching.staff.reject_reason"), &none).required(), "text", ""))
                        button.button.button-secondary type="submit" { (ctx.t("matching.staff.reject")) }
                    }
                }
            }
            h2 { (ctx.t("matching.staff.kpis")) }
            @if let Some(c) = &v.chart { figure.chart { (c) } }
            (table_region(ctx.t("matching.staff.kpis"), html! { table.table {
                tbody { @for (what, status, n) in &v.kpis { tr { td { (what) } td { (status) } td { (n) } } } }
            } }))
        },
    )
}

/// A horizontal bar chart as inline SVG (no script): (label, value) rows.
pub fn bar_chart(title: &str, rows: &[(String, i64)]) -> Markup {
    let max = rows.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let height = rows.len() * 24 + 8;
    html! {
        svg xmlns="http://www.w3.org/2000/svg" width="480" height=(height) role="img" aria-label=(title) {
            title { (title) }
            @for (i, (label, value)) in rows.iter().enumerate() {
                @let y = i * 24 + 4;
                @let w = (*value as f64 / max as f64 * 260.0).round() as i64;
                text x="0" y=(y + 15) font-size="13" { (label) }
                rect x="160" y=(y) width=(w.max(1)) height="18" fill="#0031d8" {}
                text x=(165 + w) y=(y + 15) font-size="13" { (value) }
            }
        }
    }
}
