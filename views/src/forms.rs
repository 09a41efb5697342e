//! Form fields with labels, hints, required marks and error messages, accessible by default
//! (`aria-invalid`, `aria-describedby`, an error summary that links to each field).

use maud::{Markup, html};

use crate::layout::PageCtx;

/// Errors of a submitted form: field name → message (already in the page's language).
#[derive(Debug, Clone, Default)]
pub struct FormErrors(pub Vec<(String, String)>);

impl FormErrors {
    /// No errors yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an error for a field (the first error of a field wins).
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        if self.get(field).is_none() {
            self.0.push((field.to_string(), message.into()));
        }
    }

    /// The error of a field.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// What every field needs: its name, label and error.
#[derive(Debug, Clone, Copy)]
pub struct Field<'a> {
    /// `name` attribute (also the `id`, prefixed with `f-`).
    pub name: &'a str,
    /// Visible label.
    pub label: &'a str,
    /// Help text under the label.
    pub hint: Option<&'a str>,
    /// A link in the help text, `(href, text)`: the hint holds `{link}` where it goes.
    pub hint_link: Option<(&'a str, &'a str)>,
    /// Whether the field is required.
    pub required: bool,
    /// The errors of the form.
    pub errors: &'a FormErrors,
}

impl<'a> Field<'a> {
    /// A field with no hint, not required.
    pub fn new(name: &'a str, label: &'a str, errors: &'a FormErrors) -> Self {
        Self {
            name,
            label,
            hint: None,
            hint_link: None,
            required: false,
            errors,
        }
    }

    /// Marks the field required.
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// Adds a hint.
    pub fn hint(mut self, hint: &'a str) -> Self {
        self.hint = Some(hint);
        self
    }

    /// Puts a link where the hint says `{link}`.
    pub fn hint_link(mut self, href: &'a str, text: &'a str) -> Self {
        self.hint_link = Some((href, text));
        self
    }

    fn hint_markup(&self) -> Markup {
        html! {
            @if let Some(hint) = self.hint {
                span.hint id={ (self.id()) "-hint" } {
                    @match self.hint_link {
                        Some((href, text)) => (crate::components::with_link(hint, href, text)),
                        None => (hint),
                    }
                }
            }
        }
    }

    fn id(&self) -> String {
        format!("f-{}", self.name)
    }

    fn error(&self) -> Option<&'a str> {
        self.errors.get(self.name)
    }

    fn described_by(&self) -> Option<String> {
        let mut ids = Vec::new();
        if self.hint.is_some() {
            ids.push(format!("{}-hint", self.id()));
        }
        if self.error().is_some() {
            ids.push(format!("{}-error", self.id()));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }

    fn label_markup(&self, ctx: &PageCtx) -> Markup {
        html! {
            label for=(self.id()) {
                (self.label)
                @if self.required { span.required { (ctx.t("form.required")) } }
            }
            (self.hint_markup())
        }
    }

    fn error_markup(&self) -> Markup {
        html! {
            @if let Some(e) = self.error() { p.field-error id={ (self.id()) "-error" } { (e) } }
        }
    }
}

/// A one-line input (`kind`: text, email, url, number, date, datetime-local, tel, search).
pub fn input(ctx: &PageCtx, f: Field, kind: &str, value: &str) -> Markup {
    html! {
        div.field {
            (f.label_markup(ctx))
            input type=(kind) id=(f.id()) name=(f.name) value=(value)
                required[f.required] aria-invalid=[f.error().map(|_| "true")]
                aria-describedby=[f.described_by()];
            (f.error_markup())
        }
    }
}

/// A multi-line input.
pub fn textarea(ctx: &PageCtx, f: Field, value: &str, rows: u32) -> Markup {
    html! {
        div.field {
            (f.label_markup(ctx))
            textarea id=(f.id()) name=(f.name) rows=(rows)
                required[f.required] aria-invalid=[f.error().map(|_| "true")]
                aria-describedby=[f.described_by()] { (value) }
            (f.error_markup())
        }
    }
}

/// A drop-down; `options` are (value, label); an empty first option asks to choose.
pub fn select(ctx: &PageCtx, f: Field, options: &[(String, String)], selected: &str) -> Markup {
    select_with_blank(ctx, f, ctx.t("form.choose"), options, selected)
}

/// A drop-down of a search filter: its empty first option means no filter, 「すべて」.
pub fn filter_select(
    ctx: &PageCtx,
    f: Field,
    options: &[(String, String)],
    selected: &str,
) -> Markup {
    select_with_blank(ctx, f, ctx.t("form.all"), options, selected)
}

fn select_with_blank(
    ctx: &PageCtx,
    f: Field,
    blank: &str,
    options: &[(String, String)],
    selected: &str,
) -> Markup {
    html! {
        div.field {
            (f.label_markup(ctx))
            select id=(f.id()) name=(f.name) required[f.required]
                aria-invalid=[f.error().map(|_| "true")] aria-describedby=[f.described_by()] {
                option value="" { (blank) }
                @for (value, label) in options {
                    option value=(value) selected[value == selected] { (label) }
                }
            }
            (f.error_markup())
        }
    }
}

/// Radio buttons in a fieldset.
pub fn radios(ctx: &PageCtx, f: Field, options: &[(String, String)], selected: &str) -> Markup {
    choices(ctx, f, "radio", options, &[selected.to_string()])
}

/// Checkboxes in a fieldset (several values under one name).
pub fn checkboxes(
    ctx: &PageCtx,
    f: Field,
    options: &[(String, String)],
    selected: &[String],
) -> Markup {
    choices(ctx, f, "checkbox", options, selected)
}

fn choices(
    ctx: &PageCtx,
    f: Field,
    kind: &str,
    options: &[(String, String)],
    selected: &[String],
) -> Markup {
    html! {
        fieldset.field aria-describedby=[f.described_by()] {
            legend {
                (f.label)
                @if f.required { span.required { (ctx.t("form.required")) } }
            }
            (f.hint_markup())
            @for (i, (value, label)) in options.iter().enumerate() {
                @let id = choice_id(&f, i);
                label.choice for=(id) {
                    input type=(kind) id=(id) name=(f.name) value=(value)
                        checked[selected.iter().any(|s| s == value)]
                        aria-invalid=[(i == 0 && f.error().is_some()).then_some("true")];
                    span { (label) }
                }
            }
            (f.error_markup())
        }
    }
}

/// Checkboxes in labelled groups (service categories by family, prefectures by region): one
/// field, one legend, each group a fieldset of its own laid out in columns, so that a long list
/// stays short on a desktop and readable on a phone.
pub fn grouped_checkboxes(
    ctx: &PageCtx,
    f: Field,
    groups: &[(String, Vec<(String, String)>)],
    selected: &[String],
) -> Markup {
    // The index of each group's first choice among all of them (the very first carries the
    // field's id).
    let starts: Vec<usize> = groups
        .iter()
        .scan(0, |n, (_, options)| {
            let start = *n;
            *n += options.len();
            Some(start)
        })
        .collect();
    html! {
        fieldset.field.choice-groups aria-describedby=[f.described_by()] {
            legend {
                (f.label)
                @if f.required { span.required { (ctx.t("form.required")) } }
            }
            (f.hint_markup())
            @for ((label, options), start) in groups.iter().zip(&starts) {
                fieldset.choice-group {
                    legend { (label) }
                    div.choice-columns {
                        @for (j, (value, text)) in options.iter().enumerate() {
                            @let id = choice_id(&f, start + j);
                            @let first = start + j == 0;
                            label.choice for=(id) {
                                input type="checkbox" id=(id) name=(f.name) value=(value)
                                    checked[selected.iter().any(|s| s == value)]
                                    aria-invalid=[(first && f.error().is_some()).then_some("true")];
                                span { (text) }
                            }
                        }
                    }
                }
            }
            (f.error_markup())
        }
    }
}

/// The id of the `i`-th choice of a group: the first one carries the field's own id, so that
/// the error summary's link (`#f-{name}`) lands on the group's first choice.
fn choice_id(f: &Field, i: usize) -> String {
    if i == 0 {
        f.id()
    } else {
        format!("{}-{i}", f.id())
    }
}

/// One checkbox with its label (consent, "subscribe too").
pub fn checkbox(ctx: &PageCtx, f: Field, checked: bool) -> Markup {
    html! {
        div.field {
            label.choice for=(f.id()) {
                input type="checkbox" id=(f.id()) name=(f.name) value="1" checked[checked]
                    aria-invalid=[f.error().map(|_| "true")] aria-describedby=[f.described_by()];
                span {
                    (f.label)
                    @if f.required { span.required { (ctx.t("form.required")) } }
                }
            }
            (f.hint_markup())
            (f.error_markup())
        }
    }
}

/// The title of a form's page: 「エラー: 」 in front when the form came back with errors, so
/// that the first thing a screen reader (and the browser tab) says is that it failed.
pub fn page_title(ctx: &PageCtx, title: &str, errors: &FormErrors) -> String {
    if errors.is_empty() {
        title.to_string()
    } else {
        format!("{}{title}", ctx.t("form.error_title_prefix"))
    }
}

/// The box at the top of a form that lists every error with the name of its field and a link
/// to it; `fields` are the form's fields (a field missing there is listed with its message
/// alone).
///
/// The box takes the focus when the page loads (`autofocus`, no script needed), so that a
/// phone shows it, not the top of a long page, after a failed submit.
pub fn error_summary(ctx: &PageCtx, errors: &FormErrors, fields: &[Field]) -> Markup {
    let label_of = |name: &str| fields.iter().find(|f| f.name == name).map(|f| f.label);
    html! {
        @if !errors.is_empty() {
            div #error-summary .notice.notice-error.error-summary role="alert" tabindex="-1" autofocus
                aria-labelledby="error-summary-title" {
                p #error-summary-title { strong { (ctx.t("form.error_summary")) } }
                ul {
                    @for (field, message) in &errors.0 {
                        li {
                            a href={ "#f-" (field) } {
                                @match label_of(field) {
                                    Some(label) => (ctx.tf("form.error_item", &[("label", label), ("message", message)])),
                                    None => (message),
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn ctx() -> PageCtx {
        PageCtx {
            lang: Lang::Ja,
            path: "/".into(),
            asset_version: "v".into(),
            csrf_token: "t".into(),
            user: None,
        }
    }

    #[test]
    fn the_summary_names_each_field_and_links_to_an_element_that_exists() {
        let ctx = ctx();
        let mut e = FormErrors::new();
        e.add("name", "この項目は必須です。");
        e.add("mode", "この項目は必須です。");
        let modes = vec![
            ("onsite".to_string(), "会場".to_string()),
            ("online".to_string(), "オンライン".to_string()),
        ];
        let (name, mode) = (
            Field::new("name", "お名前", &e),
            Field::new("mode", "参加方法", &e),
        );
        let page = html! {
            (error_summary(&ctx, &e, &[name, mode]))
            (input(&ctx, name, "text", ""))
            (radios(&ctx, mode, &modes, ""))
        }
        .into_string();
        assert!(
            page.contains(r##"<a href="#f-name">お名前：この項目は必須です。</a>"##),
            "{page}"
        );
        assert!(
            page.contains(r##"<a href="#f-mode">参加方法：この項目は必須です。</a>"##),
            "{page}"
        );
        // Both targets exist: the text input and the first radio button of the group.
        assert!(page.contains(r#"type="text" id="f-name""#), "{page}");
        assert!(
            page.contains(r#"type="radio" id="f-mode" name="mode" value="onsite""#),
            "{page}"
        );
        assert!(page.contains(r#"id="f-mode-1""#), "{page}");
        assert!(
            page.contains(r#"id="error-summary""#) && page.contains("autofocus"),
            "{page}"
        );
    }

    #[test]
    fn a_form_with_errors_says_so_first_in_its_title() {
        let ctx = ctx();
        let mut e = FormErrors::new();
        assert_eq!(page_title(&ctx, "お申し込み", &e), "お申し込み");
        e.add("name", "この項目は必須です。");
        assert_eq!(page_title(&ctx, "お申し込み", &e), "エラー: お申し込み");
    }
}
