//! What every HTTP request passes through: shared state, the page context, language, CSRF,
//! the strict reading of every input, security headers, request logging, error pages, embedded assets and the few pages that
//! belong to no feature.

pub mod assets;
pub mod confirm;
pub mod csrf;
pub mod ctx;
pub mod errors;
pub mod headers;
pub mod input;
pub mod kept;
pub mod lang;
pub mod logging;
pub mod pages;
pub mod pending;
pub mod ratelimit;
pub mod router;

use std::sync::Arc;

use crate::config::Config;
use crate::content_version::ContentVersion;
use crate::db::Db;
use crate::mail::Mailer;

/// The core services every handler can reach through `web::Data<AppState>`. Feature services
/// (the registrations' group commit and notifier, the personal-data holders) are `app_data` of
/// their own, composed in `lib.rs` ([`crate::Services`]).
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub db: Db,
    /// The settings.
    pub config: Arc<Config>,
    /// The embedded assets and their version.
    pub assets: Arc<assets::AssetIndex>,
    /// The enqueue side of the mail pipeline.
    pub mailer: Mailer,
    /// Rate limits of public forms.
    pub limits: ratelimit::RateLimits,
    /// The content version, read fenced: what the public pages kept in memory are checked
    /// against.
    pub content: ContentVersion,
}

impl AppState {
    /// Builds the state from settings and an open database.
    pub fn new(config: Config, db: Db) -> Self {
        let mailer = Mailer::new(&config);
        Self {
            content: ContentVersion::new(db.clone()),
            db,
            mailer,
            limits: ratelimit::RateLimits::new(
                config.rate_limit_per_minute,
                config.trusted_proxies.clone(),
            ),
            config: Arc::new(config),
            assets: Arc::new(assets::AssetIndex::build()),
        }
    }
}

/// A 303 See Other to `to`: the answer to every successful form post (post, redirect, get), so
/// that a reload does not post again.
pub fn see_other(to: impl Into<String>) -> actix_web::HttpResponse {
    actix_web::HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, to.into()))
        .finish()
}
