//! Sign-in by email link, sign-out, the account page (profile, API tokens, linked identities,
//! my data) and invitations; deleting the account is in [`super::deletion`].

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::json;
use views::accounts::{AccountView, IdentityRow, LoginView, TokenRow};

use super::{CurrentUser, identities, privacy, queries, sessions};
use crate::audit;
use crate::error::AppError;
use crate::mail::OutgoingMail;
use crate::web::AppState;
use crate::web::ctx::{Page, html, html_status};
use crate::web::input::{Form, Query};
use crate::web::lang::safe_next;
use crate::web::see_other;
use crate::{time, tokens, validate};

/// Query of the login page.
#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

fn login_view(state: &AppState, next: &str) -> LoginView {
    LoginView {
        next: next.to_string(),
        oauth_name: state.config.oauth.as_ref().map(|o| o.provider_name.clone()),
        ..LoginView::default()
    }
}

/// `GET /login`.
pub async fn login_page(
    page: Page,
    state: web::Data<AppState>,
    query: Query<NextQuery>,
) -> HttpResponse {
    let next = safe_next(query.next.as_deref());
    html(views::accounts::login(&page, &login_view(&state, next)))
}

/// The sign-in form.
#[derive(Deserialize)]
pub struct EmailForm {
    email: String,
    next: Option<String>,
}

/// `POST /auth/email`: sends a one-time sign-in link. The answer is the same whether or not
/// the address has an account (unknown addresses get a link that creates one), so the page
/// reveals nothing, and both cases do the same work, so the timing reveals nothing either.
pub async fn request_link(
    req: HttpRequest,
    page: Page,
    state: web::Data<AppState>,
    form: Form<EmailForm>,
) -> Result<HttpResponse, AppError> {
    state.limits.check_ip(&req, "login")?;
    let next = safe_next(form.next.as_deref()).to_string();
    let email = match validate::email(&form.email) {
        Ok(e) => e,
        Err(invalid) => {
            let mut view = login_view(&state, &next);
            view.email = form.email.chars().take(254).collect();
            view.errors.add("email", invalid.message(page.lang));
            return Ok(html_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                views::accounts::login(&page, &view),
            ));
        }
    };
    state.limits.check_address(&email, "login")?;
    let lang = page.lang;
    let base = state.config.base_url.clone();
    let mailer = state.mailer.clone();
    state
        .db
        .run(move |c| {
            c.write_transaction(|c| {
                let token = queries::create_login_token(c, &email, queries::LOGIN_LINK_MINUTES)?;
                let url = format!(
                    "{base}/auth/email/{token}?next={}",
                    views::layout::encode_query(&next)
                );
                let body =
                    views::mail::accounts::login_link(lang, &url, queries::LOGIN_LINK_MINUTES);
                mailer.enqueue(
                    c,
                    &OutgoingMail::transactional(&email, &body.subject, body.text, body.html),
                )?;
                Ok::<_, diesel::result::Error>(())
            })
        })
        .await?;
    Ok(see_other("/login/sent"))
}

/// `GET /login/sent`.
pub async fn link_sent(page: Page) -> HttpResponse {
    html(views::accounts::login_sent(&page))
}

/// `GET /auth/email/{token}`: a page with one button (link scanners do not sign anyone in).
pub async fn confirm_link(
    page: Page,
    state: web::Data<AppState>,
    token: web::Path<String>,
    query: Query<NextQuery>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let check = token.clone();
    let valid = tokens::looks_valid(&token)
        && state
            .db
            .run(move |c| queries::login_token_is_valid(c, &check))
            .await?;
    if !valid {
        return Ok(html_status(
            StatusCode::GONE,
            views::accounts::link_invalid(&page),
        ));
    }
    let next = safe_next(query.next.as_deref());
    Ok(html(views::accounts::login_confirm(
        &page,
        &format!("/auth/email/{token}"),
        next,
    )))
}

/// The confirm button's form.
#[derive(Deserialize)]
pub struct NextForm {
    next: Option<String>,
}

/// `POST /auth/email/{token}`: uses the link once and signs in (creating the account on first
/// use).
pub async fn use_link(
    req: HttpRequest,
    page: Page,
    state: web::Data<AppState>,
    token: web::Path<String>,
    form: Form<NextForm>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    if !tokens::looks_valid(&token) {
        return Ok(html_status(
            StatusCode::GONE,
            views::accounts::link_invalid(&page),
        ));
    }
    let lang = page.lang.code().to_string();
    let user = state
        .db
        .run(move |c| {
            c.write_transaction(|c| {
                let Some(email) = queries::consume_login_token(c, &token)? else {
                    return Ok(None);
                };
                let user = match queries::find_user_by_email(c, &email)? {
                    Some(u) if u.active => u,
                    Some(_) => return Ok(None),
                    None => {
                        let name = email.split('@').next().unwrap_or(&email).to_string();
                        let user = queries::create_user(c, &email, &name, super::Role::Member)?;
                        queries::set_lang(c, user.id, &lang)?;
                        user
                    }
                };
                Ok::<_, diesel::result::Error>(Some(user))
            })
        })
        .await?;
    let Some(user) = user else {
        return Ok(html_status(
            StatusCode::GONE,
            views::accounts::link_invalid(&page),
        ));
    };
    let next = safe_next(form.next.as_deref()).to_string();
    let mut response = see_other(next);
    sessions::start(&req, &state, user.id, &mut response).await?;
    Ok(response)
}

/// `POST /auth/logout`.
pub async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let mut response = see_other("/");
    sessions::end(&req, &state, &mut response).await?;
    Ok(response)
}

async fn account_view(
    state: &AppState,
    page: &Page,
    user: &CurrentUser,
) -> Result<AccountView, AppError> {
    let (id, org) = (user.id, user.organization_id);
    let (tokens, organization, linked) = state
        .db
        .run(move |c| {
            let tokens = queries::list_api_tokens(c, id)?;
            let organization = match org {
                Some(o) => Some(queries::find_organization(c, o)?.name),
                None => None,
            };
            let linked = identities::list(c, id)?;
            Ok::<_, diesel::result::Error>((tokens, organization, linked))
        })
        .await?;
    let lang = page.lang;
    Ok(AccountView {
        name: user.name.clone(),
        email: user.email.clone(),
        role: views::accounts::staff::role_label(page, user.role.as_str()).to_string(),
        organization,
        tokens: tokens
            .into_iter()
            .map(|t| TokenRow {
                id: t.id,
                name: t.name,
                created: time::format_datetime(t.created_at, lang),
                last_used: t
                    .last_used_at
                    .map(|d| time::format_datetime(d, lang))
                    .unwrap_or_default(),
                revoked: t.revoked_at.is_some(),
            })
            .collect(),
        identities: linked
            .into_iter()
            .map(|i| IdentityRow {
                id: i.id,
                provider: i.provider,
                linked: time::format_datetime(i.created_at, lang),
            })
            .collect(),
        oauth_provider: state.config.oauth.as_ref().map(|o| o.provider_name.clone()),
        ..AccountView::default()
    })
}

/// Query of the account page (a confirmation after a redirect).
#[derive(Deserialize)]
pub struct FlashQuery {
    done: Option<String>,
}

/// `GET /account`.
pub async fn account(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    query: Query<FlashQuery>,
) -> Result<HttpResponse, AppError> {
    let mut view = account_view(&state, &page, &user).await?;
    let provider = view.oauth_provider.clone().unwrap_or_default();
    let with_provider = |key| page.tf(key, &[("provider", &provider)]);
    view.flash = match query.done.as_deref() {
        Some("saved") => Some(page.t("account.saved").to_string()),
        Some("revoked") => Some(page.t("account.token_revoked_flash").to_string()),
        Some("linked") => Some(with_provider("account.linked_flash")),
        Some("unlinked") => Some(page.t("account.unlinked_flash").to_string()),
        _ => None,
    };
    view.alert = match query.done.as_deref() {
        Some("link_failed") => Some(with_provider("account.link_failed")),
        Some("link_taken") => Some(with_provider("account.link_taken")),
        _ => None,
    };
    Ok(html(views::accounts::account(&page, &view)))
}

/// The profile form.
#[derive(Deserialize)]
pub struct ProfileForm {
    name: String,
}

/// `POST /account/profile`.
pub async fn save_profile(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    form: Form<ProfileForm>,
) -> Result<HttpResponse, AppError> {
    let name = match validate::line(&form.name, true, 100) {
        Ok(n) => n,
        Err(invalid) => {
            let mut view = account_view(&state, &page, &user).await?;
            view.name = form.name.chars().take(200).collect();
            view.errors.add("name", invalid.message(page.lang));
            return Ok(html_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                views::accounts::account(&page, &view),
            ));
        }
    };
    let id = user.id;
    state
        .db
        .run(move |c| queries::set_name(c, id, &name))
        .await?;
    Ok(see_other("/account?done=saved"))
}

/// The new-token form.
#[derive(Deserialize)]
pub struct TokenForm {
    name: String,
}

/// `POST /account/tokens`: creates a token and shows it once.
pub async fn create_token(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    form: Form<TokenForm>,
) -> Result<HttpResponse, AppError> {
    let name = validate::line(&form.name, true, 100)
        .map_err(|i| AppError::Invalid(crate::error::Message::new(i.key)))?;
    let actor = user.clone();
    let token = state
        .db
        .run(move |c| {
            c.write_transaction(|c| {
                let token = queries::create_api_token(c, actor.id, &name)?;
                audit::record(
                    c,
                    Some(&actor),
                    audit::Action::ApiTokenCreate,
                    audit::Target::User,
                    Some(actor.id.to_string()),
                    json!({ "name": name }),
                )?;
                Ok::<_, diesel::result::Error>(token)
            })
        })
        .await?;
    let mut view = account_view(&state, &page, &user).await?;
    view.new_token = Some(token);
    Ok(html(views::accounts::account(&page, &view)))
}

/// `POST /account/tokens/{id}/revoke`: the owner revokes one of their tokens.
pub async fn revoke_token(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let actor = user.clone();
    // Admins may revoke anyone's token; everyone else only their own.
    let owner = (user.role != super::Role::Admin).then_some(user.id);
    let revoked = state
        .db
        .run(move |c| {
            c.write_transaction(|c| {
                let revoked = queries::revoke_api_token(c, id, owner)?;
                if revoked {
                    audit::record(
                        c,
                        Some(&actor),
                        audit::Action::ApiTokenRevoke,
                        audit::Target::ApiToken,
                        Some(id.to_string()),
                        json!({}),
                    )?;
                }
                Ok::<_, diesel::result::Error>(revoked)
            })
        })
        .await?;
    if !revoked {
        return Err(AppError::NotFound);
    }
    Ok(see_other("/account?done=revoked"))
}

/// `GET /account/data.json`: everything the service holds about the signed-in person.
pub async fn my_data(
    state: web::Data<AppState>,
    holders: web::Data<crate::privacy::Holders>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let u = user.clone();
    let holders = holders.get_ref().clone();
    let data = state
        .db
        .run(move |c| privacy::export(c, &holders, &u))
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"secunity-my-data.json\"",
        ))
        .insert_header(("Cache-Control", "no-store"))
        .json(data))
}

/// `GET /invitations/{token}`.
pub async fn invitation(
    page: Page,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let check = token.clone();
    let found = if tokens::looks_valid(&token) {
        state
            .db
            .run(move |c| queries::find_invitation(c, &check))
            .await?
    } else {
        None
    };
    match found {
        Some((_, organization)) => Ok(html(views::accounts::invitation(
            &page,
            &organization,
            &format!("/invitations/{token}"),
        ))),
        None => Ok(html_status(
            StatusCode::GONE,
            views::accounts::link_invalid(&page),
        )),
    }
}

/// `POST /invitations/{token}`: joins the organization, creating the account if needed, and
/// signs in (the link came by mail to that address, which proves it).
pub async fn accept_invitation(
    req: HttpRequest,
    page: Page,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    if !tokens::looks_valid(&token) {
        return Ok(html_status(
            StatusCode::GONE,
            views::accounts::link_invalid(&page),
        ));
    }
    let user = state
        .db
        .run(move |c| c.write_transaction(|c| queries::accept_invitation(c, &token)))
        .await?;
    let Some(user) = user else {
        return Ok(html_status(
            StatusCode::GONE,
            views::accounts::link_invalid(&page),
        ));
    };
    let mut response = see_other("/account");
    sessions::start(&req, &state, user.id, &mut response).await?;
    Ok(response)
}
