//! Deleting one's own account: a confirmation page that says exactly what will be erased, and
//! the deletion itself, which asks for a recent sign-in.

use actix_web::http::StatusCode;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use serde::Deserialize;
use views::accounts::DeleteView;

use super::sessions::SignedInAt;
use super::{CurrentUser, privacy, sessions};
use crate::error::AppError;
use crate::time;
use crate::web::AppState;
use crate::web::ctx::{Page, html, html_status};
use crate::web::input::Form;

/// Deleting an account needs a sign-in at most this many minutes old.
///
/// Why a recent sign-in rather than a password or a code typed in: accounts have no password,
/// and signing in again by email link (or through the provider) proves control of the mailbox,
/// which is what the account is. A session left open on a shared office PC, or a stolen
/// cookie, cannot erase someone's data; the honest user clicks one mailed link and is back on
/// the same confirmation page within a minute.
pub const DELETE_REAUTH_MINUTES: i64 = 10;

/// Whether the session of the request began within [`DELETE_REAUTH_MINUTES`].
fn signed_in_recently(req: &HttpRequest) -> bool {
    req.extensions().get::<SignedInAt>().is_some_and(|at| {
        time::now_utc() - at.0 <= chrono::Duration::minutes(DELETE_REAUTH_MINUTES)
    })
}

/// The confirmation page of deleting an account: what will be erased, and either the final
/// button (recent sign-in) or the way to sign in again.
async fn delete_view(
    req: &HttpRequest,
    state: &AppState,
    page: &Page,
    user: &CurrentUser,
) -> Result<DeleteView, AppError> {
    let u = user.clone();
    let holders = req
        .app_data::<web::Data<crate::privacy::Holders>>()
        .map(|h| h.get_ref().clone())
        .ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!("the personal-data holders are not wired"))
        })?;
    let summary = state
        .db
        .run(move |c| privacy::erasure_summary(c, &holders, &u))
        .await?;
    let count = |key: &'static str, n: i64| page.tf(key, &[("n", &n.to_string())]);
    let mut erased = vec![
        page.t("account.erase_account").to_string(),
        count("account.erase_registrations", summary.registrations),
    ];
    if summary.subscribed {
        erased.push(page.t("account.erase_newsletter").to_string());
    }
    erased.push(count("account.erase_posts", summary.board_posts));
    erased.push(count("account.erase_mails", summary.mails));
    erased.push(count("account.erase_tokens", summary.api_tokens));
    if summary.identities > 0 {
        erased.push(count("account.erase_identities", summary.identities));
    }
    Ok(DeleteView {
        email: user.email.clone(),
        erased,
        recent: signed_in_recently(req),
        minutes: DELETE_REAUTH_MINUTES,
        ..DeleteView::default()
    })
}

/// `GET /account/delete`: the confirmation page.
pub async fn page(
    req: HttpRequest,
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let view = delete_view(&req, &state, &page, &user).await?;
    Ok(html(views::accounts::delete_confirm(&page, &view)))
}

/// The deletion form.
#[derive(Deserialize)]
pub struct DeleteForm {
    confirm: Option<String>,
}

/// `POST /account/delete`: deletes the account and erases or anonymises the person's data, if
/// the person ticked the confirmation and signed in within [`DELETE_REAUTH_MINUTES`]
/// (otherwise the confirmation page again, 403, asking to sign in again).
pub async fn delete(
    req: HttpRequest,
    page: Page,
    state: web::Data<AppState>,
    holders: web::Data<crate::privacy::Holders>,
    user: CurrentUser,
    form: Form<DeleteForm>,
) -> Result<HttpResponse, AppError> {
    if !signed_in_recently(&req) {
        let view = delete_view(&req, &state, &page, &user).await?;
        return Ok(html_status(
            StatusCode::FORBIDDEN,
            views::accounts::delete_confirm(&page, &view),
        ));
    }
    if form.confirm.as_deref() != Some("1") {
        let mut view = delete_view(&req, &state, &page, &user).await?;
        view.errors
            .add("confirm", page.t("account.delete_unconfirmed"));
        return Ok(html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            views::accounts::delete_confirm(&page, &view),
        ));
    }
    let u = user.clone();
    let holders = holders.get_ref().clone();
    state
        .db
        .run(move |c| c.write_transaction(|c| privacy::erase(c, &holders, &u)))
        .await?;
    let mut response = html(views::accounts::deleted(&page));
    sessions::end(&req, &state, &mut response).await?;
    Ok(response)
}
