//! Staff actions on one registration from the seminar's page: check in, promote from the
//! waitlist, cancel; each audited in its transaction.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::accounts::StaffUser;
use crate::audit;
use crate::error::AppError;
use crate::registrations::checkin::check_in_by_staff;
use crate::registrations::mail::Notifier;
use crate::registrations::queries as reg_queries;
use crate::web::{AppState, see_other};

/// `POST /staff/seminars/{id}/registrations/{rid}/{check-in|promote|cancel}`.
pub async fn registration_action(
    user: StaffUser,
    state: web::Data<AppState>,
    notifier: web::Data<Notifier>,
    path: web::Path<(i64, i64, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, rid, action) = path.into_inner();
    let notifier = notifier.get_ref().clone();
    let actor = user.0.clone();
    let action_name = match action.as_str() {
        "check-in" => audit::Action::RegistrationCheckIn,
        "promote" => audit::Action::RegistrationPromote,
        "cancel" => audit::Action::RegistrationCancel,
        _ => return Err(AppError::NotFound),
    };
    state
        .db
        .run(move |c| {
            let reg = reg_queries::find(c, rid)?;
            if reg.seminar_id != id {
                return Err(AppError::NotFound);
            }
            let now = crate::time::now_utc();
            match action.as_str() {
                "check-in" => return check_in_by_staff(c, &actor, &reg, "list", now),
                "promote" => {
                    reg_queries::staff_promote(c, &notifier, rid, now)?;
                }
                _ => {
                    reg_queries::cancel(c, &notifier, rid, now)?;
                }
            }
            audit::record(
                c,
                Some(&actor),
                action_name,
                audit::Target::Registration,
                Some(rid.to_string()),
                json!({"seminar_id": id}),
            )?;
            Ok(())
        })
        .await?;
    Ok(see_other(format!("/staff/seminars/{id}")))
}
