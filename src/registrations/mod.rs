//! Registrations for seminars: the public form, seats per mode, the waitlist, cancellation,
//! the registrant's own page, check-in, reminders, the survey after the seminar, the staff
//! export and personal data.

pub mod allocation;
pub mod api;
pub mod attendance;
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
pub mod series;
pub mod service;
pub mod staff;
pub mod survey;

use crate::seminars::registrants::Registrants;
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
    /// What seminars see of their registrants (told of a change or a call-off), for
    /// `web::Data<dyn seminars::registrants::Registrants>`.
    pub fn registrants(&self) -> std::sync::Arc<dyn Registrants> {
        std::sync::Arc::new(self.notifier.clone())
    }

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
/// and survey, the QR check-in, the staff's seminar list and pages, manual entry and exports,
/// the registrations and the survey in the API.
pub fn routes(r: &mut Router) {
    r.get("/staff/seminars", staff::overview::list)
        .get(
            "/staff/seminars/{id:\\d+}",
            staff::seminar_page::registrations,
        )
        .post("/staff/seminars/{id:\\d+}/message", staff::message::message)
        .post(
            "/staff/seminars/{id:\\d+}/registrations/{rid:\\d+}/{action}",
            staff::actions::registration_action,
        )
        .get(
            "/api/v1/seminars/{id:\\d+}/registrations",
            api::registrations,
        )
        .post("/seminars/{id:\\d+}/registrations", handlers::register)
        .post("/series/{id:\\d+}/registrations", handlers::register_series)
        .get(
            "/series/{id:\\d+}/registrations/sent",
            handlers::series_sent,
        )
        .get("/seminars/{id:\\d+}/registrations/sent", handlers::sent)
        .get("/staff/seminars/{id:\\d+}/registrations.csv", export::csv)
        .get("/staff/seminars/{id:\\d+}/survey.csv", survey::csv)
        .get("/api/v1/seminars/{id:\\d+}/survey", survey::api)
        .get("/registrations/{token}", handlers::page)
        .post("/registrations/{token}/cancel", handlers::cancel)
        .post(
            "/registrations/{token}/participants/remove",
            handlers::remove_participant,
        )
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
            "/staff/seminars/{id:\\d+}/attendance",
            attendance::staff::page,
        )
        .post(
            "/staff/seminars/{id:\\d+}/attendance",
            attendance::staff::upload,
        )
        .get(
            "/staff/seminars/{id:\\d+}/attendance/preregistration.csv",
            attendance::staff::preregistration,
        )
        .post(
            "/staff/seminars/{id:\\d+}/attendance/confirm",
            attendance::staff::confirm,
        )
        .post(
            "/api/v1/seminars/{id:\\d+}/attendance-imports",
            attendance::api::import,
        )
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

impl Registrants for mail::Notifier {
    fn update_seminar(
        &self,
        c: &mut crate::db::DbConn,
        id: i64,
        data: &crate::seminars::model::SeminarData,
        now: chrono::NaiveDateTime,
    ) -> diesel::QueryResult<usize> {
        queries::update_seminar(c, self, id, data, now)
    }

    fn call_off(
        &self,
        c: &mut crate::db::DbConn,
        id: i64,
        now: chrono::NaiveDateTime,
    ) -> Result<usize, crate::error::AppError> {
        queries::cancel_seminar(c, self, id, now)
    }
}
