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
            @if let Some(hint) = self.hint { span.hint id={ (self.id()) "-hint" } { (hint) } }
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
    html! {
        div.field {
            (f.label_markup(ctx))
            select id=(f.id()) name=(f.name) required[f.required]
                aria-invalid=[f.error().map(|_| "true")] aria-describedby=[f.described_by()] {
                option value="" { (ctx.t("form.choose")) }
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
            @if let Some(hint) = f.hint { span.hint id={ (f.id()) "-hint" } { (hint) } }
            @for (i, (value, label)) in options.iter().enumerate() {
                label.choice for={ (f.id()) "-" (i) } {
                    input type=(kind) id={ (f.id()) "-" (i) } name=(f.name) value=(value)
                        checked[selected.iter().any(|s| s == value)];
                    span { (label) }
                }
            }
            (f.error_markup())
        }
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
            @if let Some(hint) = f.hint { span.hint id={ (f.id()) "-hint" } { (hint) } }
            (f.error_markup())
        }
    }
}

/// The box at the top of a form that lists every error with a link to its field.
pub fn error_summary(ctx: &PageCtx, errors: &FormErrors) -> Markup {
    html! {
        @if !errors.is_empty() {
            div.notice.notice-error role="alert" aria-labelledby="error-summary-title" {
                p #error-summary-title { strong { (ctx.t("form.error_summary")) } }
                ul {
                    @for (field, message) in &errors.0 {
                        li { a href={ "#f-" (field) } { (message) } }
                    }
                }
            }
        }
    }
}
