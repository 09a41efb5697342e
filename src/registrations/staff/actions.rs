//! Staff actions on one registration from the seminar's page: check in, promote from the
//! waitlist, cancel (see [`crate::registrations::service::act_on_registration`]).

use actix_web::{HttpResponse, web};

use crate::accounts::StaffUser;
use crate::error::AppError;
use crate::registrations::mail::Notifier;
use crate::registrations::service::{self, StaffAction};
use crate::web::{AppState, see_other};

/// `POST /staff/seminars/{id}/registrations/{rid}/{check-in|promote|cancel}`.
pub async fn registration_action(
    user: StaffUser,
    state: web::Data<AppState>,
    notifier: web::Data<Notifier>,
    path: web::Path<(i64, i64, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, rid, action) = path.into_inner();
    let action = StaffAction::of_path(&action).ok_or(AppError::NotFound)?;
    let notifier = notifier.get_ref().clone();
    let actor = user.0.clone();
    state
        .db
        .run(move |c| {
            let now = crate::time::now_utc();
            service::act_on_registration(c, &notifier, &actor, id, rid, action, now)
        })
        .await?;
    Ok(see_other(format!("/staff/seminars/{id}")))
}
