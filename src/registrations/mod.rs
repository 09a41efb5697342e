//! Registrations for seminars: the public form, seats per mode, the waitlist, cancellation,
//! the registrant's own page, check-in, reminders, the survey after the seminar, the staff
//! export and personal data.

pub mod allocation;
pub mod api;
pub mod attendance;
pub mod bench;
pub mod certificates;
pub mod checkin;
pub mod export;
pub mod forms;
pub mod group;
pub mod handlers;
pub mod lottery;
pub mod mail;
pub mod manual;
pub mod model;
pub mod privacy;
pub mod queries;
pub mod reminders;
pub mod survey;

use crate::web::AppState;
use crate::web::router::Router;

/// The services of registrations that live as long as the process, each its own `app_data`:
/// the group commit of the web form and the mails to registrants.
#[derive(Clone)]
pub struct Services {
    /// Registrations from the web, committed in groups under a burst.
    pub group: group::GroupCommit,
    /// The mails to registrants.
    pub notifier: mail::Notifier,
}

impl Services {
    /// Built on the core services.
    pub fn new(core: &AppState) -> Self {
        let notifier = mail::Notifier::of(core);
        Self {
            group: group::GroupCommit::new(core.db.clone(), notifier.clone()),
            notifier,
        }
    }
}

/// The routes of registrations: the form's POST and the page after it, the registrant's own page
/// and survey, the QR check-in, the staff's manual entry and exports, the survey in the API.
pub fn routes(r: &mut Router) {
    r.post("/seminars/{id:\\d+}/registrations", handlers::register)
        .get("/seminars/{id:\\d+}/registrations/sent", handlers::sent)
        .get("/staff/seminars/{id:\\d+}/registrations.csv", export::csv)
        .get("/staff/seminars/{id:\\d+}/survey.csv", survey::csv)
        .get("/api/v1/seminars/{id:\\d+}/survey", survey::api)
        .get("/registrations/{token}", handlers::page)
        .post("/registrations/{token}/cancel", handlers::cancel)
        .post("/registrations/{token}/mode", handlers::change_mode)
        .post("/registrations/{token}/attend", handlers::attend)
        .get("/registrations/{token}/survey", survey::page)
        .post("/registrations/{token}/survey", survey::answer)
        .get("/staff/checkin/{id:\\d+}/{code}", checkin::page)
        .post("/staff/checkin/{id:\\d+}/{code}", checkin::check_in)
        .get("/staff/seminars/{id:\\d+}/registrations/new", manual::form)
        .post(
            "/staff/seminars/{id:\\d+}/registrations/new",
            manual::create,
        )
        .post("/api/v1/registrations/{id:\\d+}/check-in", api::check_in)
        .get("/staff/seminars/{id:\\d+}/lottery", lottery::staff::page)
        .get(
            "/staff/seminars/{id:\\d+}/draw",
            lottery::staff::confirm_page,
        )
        .post("/staff/seminars/{id:\\d+}/draw", lottery::staff::draw)
        .post("/api/v1/seminars/{id:\\d+}/draw", lottery::api::draw)
        .get(
            "/registrations/{token}/certificate.pdf",
            certificates::handlers::download,
        )
        .get("/certificates/{serial}", certificates::handlers::check)
        .get(
            "/staff/seminars/{id:\\d+}/certificates.pdf",
            certificates::handlers::seminar_pdf,
        )
        .get(
            "/staff/seminars/{id:\\d+}/certificates",
            certificates::handlers::staff_list,
        )
        .get(
            "/staff/certificates/{serial}/revoke",
            certificates::handlers::revoke_form,
        )
        .post(
            "/staff/certificates/{serial}/revoke",
            certificates::handlers::revoke,
        );
}
