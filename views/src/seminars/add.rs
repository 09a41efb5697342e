//! Staff enter a registration by hand (phone, FAX, walk-in): the public form's fields plus
//! whether to send the confirmation mail and in which language.

use maud::{Markup, html};

use crate::components::{Tone, notice};
use crate::forms::{Field, checkbox, error_summary, select};
use crate::layout::PageCtx;
use crate::staff::staff_page;

use super::public::{Options, RegistrationForm, registrant_fields};

/// The manual entry page.
#[derive(Debug, Clone, Default)]
pub struct AddView {
    /// Where the form posts.
    pub action: String,
    /// The seminar's staff page.
    pub seminar_href: String,
    /// Seminar title.
    pub title: String,
    /// Date and time.
    pub when: String,
    /// Seats left, one text.
    pub seats: String,
    /// The registrant's fields, values and errors.
    pub form: RegistrationForm,
    /// Languages of the mail (code, label).
    pub langs: Options,
    /// Why no registration can be entered now, if so (the form is not shown).
    pub closed: Option<String>,
    /// A message about the last attempt (e.g. the address is registered already).
    pub notice: Option<(Tone, String)>,
}

/// `GET /staff/seminars/{id}/registrations/new` (and the form again after a POST).
pub fn page(ctx: &PageCtx, v: &AddView) -> Markup {
    let title = ctx.t("seminars.add.title");
    let form = &v.form;
    let e = &form.errors;
    staff_page(
        ctx,
        title,
        "/staff/seminars",
        html! {
            h1 { (title) }
            p.meta { a href=(v.seminar_href) { (v.title) } }
            p.meta { (v.when) " ・ " (v.seats) }
            @if let Some((tone, text)) = &v.notice { (notice(*tone, text)) }
            @if let Some(why) = &v.closed {
                (notice(Tone::Info, why))
            } @else {
                p { (ctx.t("seminars.add.lead")) }
                (error_summary(ctx, e))
                form method="post" action=(v.action) novalidate {
                    (ctx.csrf_field())
                    (registrant_fields(ctx, form))
                    (checkbox(ctx, Field::new("consent", ctx.t("seminars.add.field_consent"), e).required(), form.value("consent") == "1"))
                    (checkbox(ctx, Field::new("send_mail", ctx.t("seminars.add.field_send_mail"), e).hint(ctx.t("seminars.add.send_mail_hint")), form.value("send_mail") == "1"))
                    (select(ctx, Field::new("mail_lang", ctx.t("seminars.add.field_mail_lang"), e).required(), &v.langs, form.value("mail_lang")))
                    button.button type="submit" { (ctx.t("seminars.add.button")) }
                }
            }
        },
    )
}
