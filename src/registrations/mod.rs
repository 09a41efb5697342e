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
pub mod mail;
pub mod manual;
pub mod model;
pub mod privacy;
pub mod queries;
pub mod reminders;
pub mod survey;

use crate::web::router::Router;

/// The routes of the page after registering, the registrant's own page and survey (the form's
/// POST is with the seminar routes), of the QR check-in and of the staff's manual entry.
pub fn routes(r: &mut Router) {
    r.get("/seminars/{id:\\d+}/registrations/sent", handlers::sent)
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
