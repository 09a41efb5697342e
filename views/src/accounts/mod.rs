//! Pages of accounts: sign-in, the account page (profile, API tokens, my data), and the staff
//! back office of people and organizations.

pub mod applications;
pub mod staff;

use maud::{Markup, html};

use crate::components::{Tone, notice, table_region};
use crate::forms::{Field, FormErrors, checkbox, error_summary, input, page_title};
use crate::layout::{PageCtx, page};

/// The sign-in page.
#[derive(Debug, Clone, Default)]
pub struct LoginView {
    /// Where to go after signing in.
    pub next: String,
    /// The address typed so far.
    pub email: String,
    /// Errors of the form.
    pub errors: FormErrors,
    /// Name of the OAuth provider (e.g. gBizID), if one is configured.
    pub oauth_name: Option<String>,
    /// A message shown above the form (e.g. a failed OAuth sign-in), already translated.
    pub message: Option<String>,
}

/// `/login`.
pub fn login(ctx: &PageCtx, view: &LoginView) -> Markup {
    let email = Field::new("email", ctx.t("login.email"), &view.errors)
        .required()
        .hint(ctx.t("login.email_hint"));
    page(
        ctx,
        &page_title(ctx, ctx.t("login.title"), &view.errors),
        html! {
            div.form {
                h1 { (ctx.t("login.title")) }
                @if let Some(m) = &view.message { (notice(Tone::Error, m)) }
                (error_summary(ctx, &view.errors, &[email]))
                p { (ctx.t("login.intro")) }
                form method="post" action="/auth/email" novalidate {
                    (ctx.csrf_field())
                    input type="hidden" name="next" value=(view.next);
                    (input(ctx, email, "email", &view.email))
                    button.button type="submit" { (ctx.t("login.send_link")) }
                }
                @if let Some(name) = &view.oauth_name {
                    h2 { (ctx.t("login.or")) }
                    p {
                        a.button.button-secondary href={ "/auth/oauth/start?next=" (crate::layout::encode_query(&view.next)) } {
                            (ctx.tf("login.with_provider", &[("provider", name)]))
                        }
                    }
                }
            }
        },
    )
}

/// After asking for a link: the same page whether or not the address is known.
pub fn login_sent(ctx: &PageCtx) -> Markup {
    page(
        ctx,
        ctx.t("login.sent_title"),
        html! {
            div.form {
                h1 { (ctx.t("login.sent_title")) }
                (notice(Tone::Success, ctx.t("login.sent")))
                p { (ctx.t("login.sent_hint")) }
            }
        },
    )
}

/// The page a sign-in link opens: one button, so that mail scanners that follow links do not
/// use up the link.
pub fn login_confirm(ctx: &PageCtx, action: &str, next: &str) -> Markup {
    page(
        ctx,
        ctx.t("login.confirm_title"),
        html! {
            div.form {
                h1 { (ctx.t("login.confirm_title")) }
                p { (ctx.t("login.confirm_text")) }
                form method="post" action=(action) {
                    (ctx.csrf_field())
                    input type="hidden" name="next" value=(next);
                    button.button type="submit" { (ctx.t("login.confirm_button")) }
                }
            }
        },
    )
}

/// A sign-in or invitation link that is unknown, used or expired.
pub fn link_invalid(ctx: &PageCtx) -> Markup {
    page(
        ctx,
        ctx.t("login.invalid_title"),
        html! {
            div.form {
                h1 { (ctx.t("login.invalid_title")) }
                (notice(Tone::Warning, ctx.t("login.invalid")))
                p { a.button href="/login" { (ctx.t("login.request_new")) } }
            }
        },
    )
}

/// One API token in the account page.
#[derive(Debug, Clone)]
pub struct TokenRow {
    /// Id.
    pub id: i64,
    /// Label.
    pub name: String,
    /// Created, formatted.
    pub created: String,
    /// Last used, formatted, or empty.
    pub last_used: String,
    /// Whether it is revoked.
    pub revoked: bool,
}

/// The account page.
#[derive(Debug, Clone, Default)]
pub struct AccountView {
    /// Display name.
    pub name: String,
    /// Address.
    pub email: String,
    /// Role, translated.
    pub role: String,
    /// Organization name, if any.
    pub organization: Option<String>,
    /// API tokens.
    pub tokens: Vec<TokenRow>,
    /// A token just created (shown once).
    pub new_token: Option<String>,
    /// Errors of the profile form.
    pub errors: FormErrors,
    /// A confirmation shown at the top, translated.
    pub flash: Option<String>,
    /// A problem shown at the top (a failed link to the provider), translated.
    pub alert: Option<String>,
    /// Identities at the OAuth2 provider linked to the account.
    pub identities: Vec<IdentityRow>,
    /// Name of the configured OAuth2 provider, if any (offers linking).
    pub oauth_provider: Option<String>,
}

/// One linked identity in the account page.
#[derive(Debug, Clone)]
pub struct IdentityRow {
    /// Id (for unlinking).
    pub id: i64,
    /// Provider name.
    pub provider: String,
    /// When it was linked, formatted.
    pub linked: String,
}

fn sign_in_section(ctx: &PageCtx, view: &AccountView) -> Markup {
    let linked = |provider: &str| view.identities.iter().any(|i| i.provider == provider);
    html! {
        section aria-labelledby="signin-title" {
            h2 #signin-title { (ctx.t("account.sign_in")) }
            p { (ctx.t("account.sign_in_intro")) }
            @if view.identities.is_empty() {
                (crate::components::empty_state(ctx.t("account.no_identities")))
            } @else {
                (table_region(ctx.t("account.sign_in"), html! { table {
                    thead { tr {
                        th { (ctx.t("account.identity_provider")) } th { (ctx.t("account.identity_linked")) }
                        th { span.visually-hidden { (ctx.t("account.token_actions")) } }
                    } }
                    tbody { @for i in &view.identities { tr {
                        td { (i.provider) } td { (i.linked) }
                        td {
                            form.inline-form method="post" action={ "/account/oauth/" (i.id) "/unlink" } {
                                (ctx.csrf_field())
                                button.button.button-secondary type="submit" { (ctx.tf("account.unlink", &[("provider", &i.provider)])) }
                            }
                        }
                    } } }
                } }))
            }
            @if let Some(provider) = view.oauth_provider.as_deref().filter(|p| !linked(p)) {
                form method="post" action="/account/oauth/link" {
                    (ctx.csrf_field())
                    button.button type="submit" { (ctx.tf("account.link", &[("provider", provider)])) }
                }
            }
        }
    }
}

/// `/account`.
pub fn account(ctx: &PageCtx, view: &AccountView) -> Markup {
    let name = Field::new("name", ctx.t("account.name"), &view.errors).required();
    page(
        ctx,
        &page_title(ctx, ctx.t("account.title"), &view.errors),
        html! {
            h1 { (ctx.t("account.title")) }
            @if let Some(f) = &view.flash { (notice(Tone::Success, f)) }
            @if let Some(a) = &view.alert { (notice(Tone::Error, a)) }
            section aria-labelledby="profile-title" {
                h2 #profile-title { (ctx.t("account.profile")) }
                dl.summary {
                    dt { (ctx.t("account.email")) } dd { (view.email) }
                    dt { (ctx.t("account.role")) } dd { (view.role) }
                    dt { (ctx.t("account.organization")) }
                    dd {
                        @match view.organization.as_deref() {
                            Some(name) => (name),
                            None => {
                                (ctx.t("account.no_organization")) " "
                                a href="/account/organization" { (ctx.t("apply.gate_apply")) }
                            }
                        }
                    }
                }
                form.form method="post" action="/account/profile" novalidate {
                    (ctx.csrf_field())
                    (error_summary(ctx, &view.errors, &[name]))
                    (input(ctx, name, "text", &view.name))
                    button.button type="submit" { (ctx.t("form.save")) }
                }
            }
            section aria-labelledby="tokens-title" {
                h2 #tokens-title { (ctx.t("account.tokens")) }
                p { (ctx.t("account.tokens_intro")) }
                @if let Some(token) = &view.new_token {
                    (notice(Tone::Warning, ctx.t("account.token_once")))
                    code.secret { (token) }
                }
                @if view.tokens.is_empty() {
                    (crate::components::empty_state(ctx.t("account.no_tokens")))
                } @else {
                    (table_region(ctx.t("account.tokens"), html! { table {
                        thead { tr {
                            th { (ctx.t("account.token_name")) } th { (ctx.t("account.token_created")) }
                            th { (ctx.t("account.token_last_used")) } th { span.visually-hidden { (ctx.t("account.token_actions")) } }
                        } }
                        tbody { @for t in &view.tokens { tr {
                            td { (t.name) } td { (t.created) } td { (t.last_used) }
                            td {
                                @if t.revoked { span.badge { (ctx.t("account.token_revoked")) } }
                                @else {
                                    form.inline-form method="post" action={ "/account/tokens/" (t.id) "/revoke" } {
                                        (ctx.csrf_field())
                                        button.button.button-secondary type="submit" { (ctx.t("account.revoke")) }
                                    }
                                }
                            }
                        } } }
                    } }))
                }
                form.filters method="post" action="/account/tokens" {
                    (ctx.csrf_field())
                    div.field {
                        label for="f-token-name" { (ctx.t("account.token_name")) }
                        input #f-token-name type="text" name="name" maxlength="100" required;
                    }
                    button.button type="submit" { (ctx.t("account.create_token")) }
                }
            }
            section aria-labelledby="data-title" {
                h2 #data-title { (ctx.t("account.my_data")) }
                p { (ctx.t("account.my_data_intro")) }
                p { a.button.button-secondary href="/account/data.json" download { (ctx.t("account.download")) } }
                h3 { (ctx.t("account.delete")) }
                p { (ctx.t("account.delete_intro")) }
                p { a.button.button-danger href="/account/delete" { (ctx.t("account.delete_start")) } }
            }
            @if view.oauth_provider.is_some() || !view.identities.is_empty() {
                (sign_in_section(ctx, view))
            }
        },
    )
}

/// The confirmation page of deleting an account.
#[derive(Debug, Clone, Default)]
pub struct DeleteView {
    /// The account's address (where a new sign-in link goes).
    pub email: String,
    /// What will be erased, one translated line each.
    pub erased: Vec<String>,
    /// Whether the person signed in recently enough to delete now.
    pub recent: bool,
    /// How recent a sign-in must be, in minutes.
    pub minutes: i64,
    /// Errors of the form.
    pub errors: FormErrors,
}

/// `/account/delete`: exactly what will be erased, then the final button after a recent
/// sign-in, or the way to sign in again.
pub fn delete_confirm(ctx: &PageCtx, view: &DeleteView) -> Markup {
    let confirm = Field::new("confirm", ctx.t("account.delete_confirm"), &view.errors).required();
    page(
        ctx,
        &page_title(ctx, ctx.t("account.delete"), &view.errors),
        html! {
            div.form {
                h1 { (ctx.t("account.delete")) }
                (error_summary(ctx, &view.errors, &[confirm]))
                p { (ctx.t("account.erase_intro")) }
                ul { @for line in &view.erased { li { (line) } } }
                p { (ctx.t("account.erase_kept")) }
                @if view.recent {
                    form method="post" action="/account/delete" novalidate {
                        (ctx.csrf_field())
                        (checkbox(ctx, confirm, false))
                        button.button.button-danger type="submit" data-confirm=(ctx.t("account.delete_really")) {
                            (ctx.t("account.delete_button"))
                        }
                    }
                } @else {
                    (notice(Tone::Warning, &ctx.tf("account.reauth", &[("minutes", &view.minutes.to_string())])))
                    form method="post" action="/auth/email" {
                        (ctx.csrf_field())
                        input type="hidden" name="email" value=(view.email);
                        input type="hidden" name="next" value="/account/delete";
                        button.button type="submit" { (ctx.t("account.reauth_button")) }
                    }
                }
                p { a href="/account" { (ctx.t("account.delete_cancel")) } }
            }
        },
    )
}

/// The page after deleting an account.
pub fn deleted(ctx: &PageCtx) -> Markup {
    page(
        ctx,
        ctx.t("account.deleted_title"),
        html! {
            h1 { (ctx.t("account.deleted_title")) }
            (notice(Tone::Success, ctx.t("account.deleted")))
            p { a href="/" { (ctx.t("error.back_home")) } }
        },
    )
}

/// The page an invitation link opens.
pub fn invitation(ctx: &PageCtx, organization: &str, action: &str) -> Markup {
    page(
        ctx,
        ctx.t("invite.title"),
        html! {
            div.form {
                h1 { (ctx.t("invite.title")) }
                p { (ctx.tf("invite.text", &[("organization", organization)])) }
                form method="post" action=(action) {
                    (ctx.csrf_field())
                    button.button type="submit" { (ctx.t("invite.accept")) }
                }
            }
        },
    )
}
