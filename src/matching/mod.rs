//! The matching board (ニーズとシーズのマッチング): needs of SMEs, offerings of vendors,
//! explainable suggestions, and introductions that reveal contact details only when both
//! sides agreed.
//!
//! `scoring` is pure (filters, weighted components, ranking); `queries` holds the database
//! work; `handlers` the pages, `introductions` the consent flow, `staff` the review queue and
//! `api` the JSON endpoints.

pub mod api;
pub mod api_types;
pub mod demo;
pub mod forms;
pub mod handlers;
pub mod index;
pub mod introductions;
pub mod labels;
pub mod pages;
pub mod posts;
pub mod privacy;
pub mod queries;
pub mod scoring;
pub mod search;
pub mod service;
pub mod staff;
pub mod taxonomy;
pub mod view;
pub mod worker;

use crate::web::router::Router;

/// The routes of the board.
pub fn routes(r: &mut Router) {
    r.get("/board", handlers::board)
        .get("/board/mine", handlers::mine)
        .get("/board/{kind:needs|offerings}/new", handlers::new_post)
        .post("/board/{kind:needs|offerings}", handlers::create)
        .get("/board/{kind:needs|offerings}/{id:\\d+}", handlers::show)
        .get(
            "/board/{kind:needs|offerings}/{id:\\d+}/edit",
            handlers::edit,
        )
        .post("/board/{kind:needs|offerings}/{id:\\d+}", handlers::update)
        .post(
            "/board/{kind:needs|offerings}/{id:\\d+}/{action:renew|close}",
            handlers::lifecycle,
        )
        .post("/board/introductions", introductions::request_page)
        .post(
            "/board/introductions/{id}/accept",
            introductions::accept_page,
        )
        .post(
            "/board/introductions/{id}/decline",
            introductions::decline_page,
        )
        .post("/board/introductions/{id}/stage", introductions::stage_page)
        .post(
            "/board/introductions/{id}/withdraw",
            introductions::withdraw_page,
        )
        .get("/staff/board", staff::index)
        .post("/staff/board/{kind}/{id}/approve", staff::approve)
        .post("/staff/board/{kind}/{id}/reject", staff::reject)
        .post(
            "/staff/board/needs/{id}/overrides",
            staff::override_suggestion,
        )
        .post("/api/v1/needs", api::create_need)
        .get("/api/v1/needs/{id}", api::show_need)
        .get("/api/v1/needs/{id}/suggestions", api::suggestions)
        .post("/api/v1/offerings", api::create_offering)
        .get("/api/v1/offerings/{id}", api::show_offering)
        .post("/api/v1/introductions", api::request_introduction)
        .get("/api/v1/introductions/{id}", api::show_introduction)
        .post(
            "/api/v1/introductions/{id}/accept",
            api::accept_introduction,
        )
        .post(
            "/api/v1/introductions/{id}/decline",
            api::decline_introduction,
        )
        .post("/api/v1/introductions/{id}/stage", api::introduction_stage)
        .get("/api/v1/offerings/{id}/needs", api::offering_needs);
}

/// Today in Asia/Tokyo, for filters (fiscal year) and the daily rotation.
pub fn match_context() -> scoring::MatchContext {
    scoring::MatchContext {
        today: crate::time::to_jst(crate::time::now_utc()).date_naive(),
    }
}
