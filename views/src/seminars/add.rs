//! Staff enter a registration by hand (phone, FAX, walk-in): the public form's fields plus
//! whether to send the confirmation mail and in which language.

use maud::{Markup, html};

use crate::components::{Tone, notice};
use crate::forms::{Field, checkbox, error_summary, page_title, select};
use crate::layout::PageCtx;
use crate::staff::staff_page;

use super::public::{Options, RegistrantFields, RegistrationForm};

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
    let fields = RegistrantFields::new(ctx, form);
    let consent = Field::new("consent", ctx.t("seminars.add.field_consent"), e).required();
    let send_mail = Field::new("send_mail", ctx.t("seminars.add.field_send_mail"), e)
        .hint(ctx.t("seminars.add.send_mail_hint"));
    let mail_lang = Field::new("mail_lang", ctx.t("seminars.add.field_mail_lang"), e).required();
    let mut summary = fields.list();
    summary.extend([consent, send_mail, mail_lang]);
    staff_page(
        ctx,
        &page_title(ctx, title, e),
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
                (error_summary(ctx, e, &summary))
                form method="post" action=(v.action) novalidate {
                    (ctx.csrf_field())
                    (fields.render(ctx))
                    (checkbox(ctx, consent, form.value("consent") == "1"))
                    (checkbox(ctx, send_mail, form.value("send_mail") == "1"))
                    (select(ctx, mail_lang, &v.langs, form.value("mail_lang")))
                    button.button type="submit" { (ctx.t("seminars.add.button")) }
                }
            }
        },
    )
}
