//! The mail room's back office: what staff see of the outbound mail pipeline and what they may
//! do to it (queue a failed message again), as staff pages and in the JSON API.
//!
//! It is a room of its own above the core: the pipeline ([`crate::mail`]: outbox, sender,
//! transports) is what the web layer and every feature enqueue with, so it must not depend on
//! the web layer or the sign-in extractors that these pages need.

pub mod api;
pub mod pages;
pub mod service;

use crate::web::router::Router;

/// The routes of the outbox back office (staff pages and API).
pub fn routes(r: &mut Router) {
    r.get("/staff/outbox", pages::page)
        .post("/staff/outbox/{id}/retry", pages::retry)
        .get("/api/v1/outbox", api::status)
        .post("/api/v1/outbox/{id}/retry", api::retry);
}
