//! secunity: the web service of 地域SECUNITY, the regional cybersecurity community that the
//! Kyushu Bureau of Economy, Trade and Industry runs for small and medium enterprises.
//!
//! This crate holds every feature; [`app`] builds the actix application that `main` serves and
//! the integration tests drive.

pub mod accounts;
pub mod api;
pub mod config;
pub mod db;
pub mod error;
pub mod mail;
pub mod matching;
pub mod reference;
pub mod schema;
pub mod time;
pub mod tokens;
pub mod validate;
pub mod web;

use std::net::TcpListener;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{Compress, from_fn};
use actix_web::{App, HttpServer, web as aw};

use crate::web::AppState;
use crate::web::errors::extractor_error;
use crate::web::router::Router;

/// Largest urlencoded form body (the CSRF check buffers up to 8 MiB for uploads).
const FORM_LIMIT: usize = 256 * 1024;
/// Largest JSON body of the API.
const JSON_LIMIT: usize = 1024 * 1024;

/// Builds the application: middleware, routes and shared state.
pub fn app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let https = state.config.is_https();
    App::new()
        .app_data(aw::Data::new(state))
        .app_data(
            aw::FormConfig::default()
                .limit(FORM_LIMIT)
                .error_handler(|e, _| extractor_error(e)),
        )
        .app_data(
            aw::JsonConfig::default()
                .limit(JSON_LIMIT)
                .error_handler(|e, _| extractor_error(e)),
        )
        .app_data(aw::QueryConfig::default().error_handler(|e, _| extractor_error(e)))
        .app_data(aw::PathConfig::default().error_handler(|_, _| error::AppError::NotFound.into()))
        .app_data(aw::PayloadConfig::default().limit(8 * 1024 * 1024))
        // Innermost first: CSRF sees the request after the session layer, errors are rendered
        // before compression and headers are added to everything, error pages included.
        .wrap(from_fn(web::csrf::protect))
        .wrap(from_fn(accounts::sessions::load))
        .wrap(web::errors::error_pages())
        .wrap(from_fn(web::logging::log_requests))
        .wrap(Compress::default())
        .wrap(web::headers::security_headers(https))
        .configure(routes)
}

/// The route table of the whole service.
fn routes(cfg: &mut aw::ServiceConfig) {
    register(&mut Router::new(cfg));
    cfg.default_service(aw::to(web::errors::not_found));
}

/// Every route of every feature, in one place.
fn register(r: &mut Router) {
    r.get("/", web::pages::home)
        .get("/healthz", web::pages::healthz)
        .get("/privacy", web::pages::privacy)
        .get("/lang/{code}", web::lang::switch)
        .get("/assets/{version}/{file:.*}", web::assets::serve)
        .get("/api/openapi.json", api::openapi_json);
    accounts::routes(r);
    mail::routes(r);
    matching::routes(r);
}

/// Every registered route as (method, path pattern), for tests that walk the route table.
pub fn route_list() -> Vec<(&'static str, &'static str)> {
    let mut list = Vec::new();
    let _ = App::new().configure(|cfg| {
        let mut router = Router::new(cfg);
        register(&mut router);
        list = router.into_list();
    });
    list
}

/// The background workers of one process and the switch that stops them.
pub struct Workers {
    shutdown: tokio::sync::watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Workers {
    /// Starts the background workers (the mail sender, the board's reminders) on the current
    /// tokio runtime.
    pub fn start(config: &config::Config, db: db::Db) -> anyhow::Result<Self> {
        let (shutdown, watch) = tokio::sync::watch::channel(false);
        let board = matching::worker::run(
            db.clone(),
            mail::Mailer::new(config),
            config.base_url.clone(),
            watch.clone(),
        );
        let sender = mail::worker::Sender::from_config(config, db)?;
        let tasks = vec![tokio::spawn(sender.run(watch)), tokio::spawn(board)];
        Ok(Self { shutdown, tasks })
    }

    /// Asks every worker to stop after its current batch and waits for them.
    pub async fn stop(mut self) {
        let _ = self.shutdown.send(true);
        for task in std::mem::take(&mut self.tasks) {
            let _ = task.await;
        }
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

/// Starts the HTTP server on an already bound listener (port 0 in tests).
pub fn serve(listener: TcpListener, state: AppState) -> std::io::Result<Server> {
    let workers = match state.config.http_workers {
        0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
        n => n,
    };
    let server = HttpServer::new(move || app(state.clone()))
        .workers(workers)
        .listen(listener)?
        .run();
    Ok(server)
}
