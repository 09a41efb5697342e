//! The newsletter of the 九州IoTコミュニティ (メルマガ): topics, subscribers with double opt-in
//! and a consent history, campaigns expanded into the mail outbox, one-click unsubscribe
//! (RFC 8058), bounces, the public archive with its Atom feed, the back office and the API.
//!
//! Other features: [`subscribe::subscribe_pending`] subscribes a seminar registrant (double
//! opt-in); [`worker::task`] runs in [`crate::Workers`].

pub mod api;
pub mod bounces;
pub mod campaigns;
pub mod csvio;
pub mod feed;
pub mod forms;
pub mod handlers;
pub mod labels;
pub mod links;
pub mod privacy;
pub mod queries;
pub mod requests;
pub mod service;
pub mod staff;
pub mod subscribe;
pub mod upcoming;
pub mod worker;

pub use subscribe::subscribe_pending;

use crate::web::router::Router;

/// The routes of the newsletter.
pub fn routes(r: &mut Router) {
    r.get("/newsletter", handlers::index)
        .post("/newsletter/subscribe", handlers::subscribe)
        .get("/newsletter/confirm/{token}", handlers::confirm_page)
        .post("/newsletter/confirm/{token}", handlers::confirm)
        .get("/newsletter/preferences/{token}", handlers::preferences)
        .post(
            "/newsletter/preferences/{token}",
            handlers::update_preferences,
        )
        .get(
            "/newsletter/unsubscribe/{token}",
            handlers::unsubscribe_page,
        )
        .post("/newsletter/unsubscribe/{token}", handlers::unsubscribe)
        .get("/newsletter/archive", handlers::archive)
        .get("/newsletter/archive.atom", handlers::atom)
        .get("/newsletter/archive/{id}", handlers::issue)
        .get("/staff/newsletter", staff::dashboard)
        .get(
            "/staff/newsletter/subscribers",
            staff::subscribers::subscribers,
        )
        .get(
            "/staff/newsletter/subscribers/{id}",
            staff::subscribers::subscriber,
        )
        .get(
            "/staff/newsletter/subscribers/{id}/unsubscribe",
            staff::subscribers::unsubscribe_page,
        )
        .post(
            "/staff/newsletter/subscribers/{id}/unsubscribe",
            staff::subscribers::unsubscribe,
        )
        .get("/staff/newsletter/export.csv", staff::subscribers::export)
        .get("/staff/newsletter/import", staff::subscribers::import_form)
        .post("/staff/newsletter/import", staff::subscribers::import)
        .get("/staff/newsletter/topics", staff::subscribers::topics)
        .post("/staff/newsletter/topics", staff::subscribers::add_topic)
        .get(
            "/staff/newsletter/campaigns/new",
            staff::campaigns::new_campaign,
        )
        .post(
            "/staff/newsletter/campaigns",
            staff::campaigns::create_campaign,
        )
        .post("/staff/newsletter/preview", staff::campaigns::live_preview)
        .get(
            "/staff/newsletter/campaigns/{id}",
            staff::campaigns::campaign,
        )
        .post(
            "/staff/newsletter/campaigns/{id}",
            staff::campaigns::update_campaign,
        )
        .post(
            "/staff/newsletter/campaigns/{id}/test",
            staff::campaigns::send_test,
        )
        .post(
            "/staff/newsletter/campaigns/{id}/send",
            staff::campaigns::send,
        )
        .post(
            "/staff/newsletter/campaigns/{id}/{action:pause|resume|cancel}",
            staff::campaigns::transition,
        )
        .get("/api/v1/subscribers", api::list_subscribers)
        .post("/api/v1/subscribers", api::create_subscriber)
        .delete("/api/v1/subscribers/{id}", api::delete_subscriber)
        .get("/api/v1/topics", api::list_topics)
        .post("/api/v1/topics", api::create_topic)
        .get("/api/v1/campaigns", api::list_campaigns)
        .post("/api/v1/campaigns", api::create_campaign)
        .get("/api/v1/campaigns/{id}", api::show_campaign)
        .post("/api/v1/campaigns/{id}/send", api::send_campaign)
        .post("/api/v1/campaigns/{id}/pause", api::pause_campaign)
        .post("/api/v1/campaigns/{id}/resume", api::resume_campaign)
        .post("/api/v1/campaigns/{id}/cancel", api::cancel_campaign)
        .post("/api/v1/bounces", api::post_bounce);
}
