//! secunity: the web service of 地域SECUNITY, the regional cybersecurity community that the
//! Kyushu Bureau of Economy, Trade and Industry runs for small and medium enterprises.
//!
//! This crate holds every feature; [`app`] builds the actix application that `main` serves and
//! the integration tests drive.

pub mod accounts;
pub mod api;
pub mod audit;
#[cfg(feature = "bench")]
pub mod bench;
pub mod config;
pub mod content_version;
pub mod csv_file;
pub mod db;
pub mod demo;
pub mod era;
pub mod error;
pub mod mail;
pub mod mail_office;
pub mod markdown;
pub mod matching;
pub mod newsletter;
pub mod pdf;
pub mod privacy;
pub mod private_fs;
pub mod reference;
pub mod registrations;
pub mod reports;
pub mod schema;
pub mod seminars;
#[cfg(feature = "test-seams")]
pub mod test_seams;
pub mod time;
pub mod tokens;
pub mod validate;
pub mod web;
pub mod xlsx;

use std::net::TcpListener;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{Compress, from_fn};
use actix_web::{App, HttpServer, web as aw};

use crate::web::AppState;
use crate::web::router::Router;

/// Everything the application is built from: the core services and each feature's own,
/// composed once per process and shared by the HTTP workers.
#[derive(Clone)]
pub struct Services {
    /// The core: database, settings, assets, mailer, rate limits.
    pub core: AppState,
    /// Registrations: the group commit of the web form and the notifier.
    pub registrations: registrations::Services,
    /// The public pages of the programme, kept in memory per content version.
    pub seminar_pages: std::sync::Arc<seminars::pages::PublicPages>,
    /// The public board lists, kept in memory per content version.
    pub board_pages: std::sync::Arc<matching::pages::BoardPages>,
    /// The board: the offerings held in memory for ranking suggestions.
    pub offerings: std::sync::Arc<matching::index::OfferingIndex>,
    /// Every feature's personal data, for "My data" and the deletion of an account.
    pub personal_data: privacy::Holders,
    /// Test builds: every API response, for the check against the OpenAPI document.
    #[cfg(feature = "test-seams")]
    pub api_log: test_seams::ApiLog,
}

impl Services {
    /// Builds the feature services on the core.
    pub fn new(core: AppState) -> Self {
        Self {
            registrations: registrations::Services::new(&core),
            seminar_pages: Default::default(),
            board_pages: Default::default(),
            offerings: Default::default(),
            personal_data: personal_data(),
            #[cfg(feature = "test-seams")]
            api_log: test_seams::ApiLog::default(),
            core,
        }
    }
}

/// Builds the application: middleware, routes and shared state.
pub fn app(
    services: Services,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let https = services.core.config.is_https();
    let app = App::new()
        .app_data(aw::Data::new(services.core))
        .app_data(aw::Data::from(services.registrations.registrants()))
        .app_data(aw::Data::new(services.registrations.group))
        .app_data(aw::Data::new(services.registrations.notifier))
        .app_data(aw::Data::from(services.offerings))
        .app_data(aw::Data::new(services.personal_data))
        .app_data(aw::Data::from(services.seminar_pages))
        .app_data(aw::Data::from(services.board_pages))
        .app_data(aw::Data::new(pending()))
        // Queries, forms and JSON bodies go through `web::input`; these are for the rest.
        .app_data(aw::PathConfig::default().error_handler(|_, _| error::AppError::NotFound.into()))
        .app_data(aw::PayloadConfig::default().limit(web::input::UPLOAD_LIMIT))
        // Innermost first: CSRF sees the request after the session layer, which sees it after
        // a wrong method got its 405 and after the path check (`web::input`); errors are
        // rendered before compression and headers are added to everything, error pages included.
        .wrap(from_fn(web::csrf::protect))
        .wrap(from_fn(accounts::sessions::load))
        .wrap(from_fn(web::router::allow_methods))
        .wrap(from_fn(web::input::check_path))
        .wrap(web::errors::error_pages());
    // Test builds record every API response as the client gets it (before compression).
    #[cfg(feature = "test-seams")]
    let app = app
        .app_data(aw::Data::new(services.api_log))
        .wrap(from_fn(test_seams::record_api));
    app.wrap(from_fn(web::logging::log_requests))
        .wrap(Compress::default())
        .wrap(from_fn(web::headers::cache_control))
        .wrap(web::headers::security_headers(https))
        .configure(routes)
}

/// The route table of the whole service.
fn routes(cfg: &mut aw::ServiceConfig) {
    let mut router = Router::new(cfg);
    register(&mut router);
    let table = web::router::RouteTable::new(&router.into_list());
    cfg.app_data(aw::Data::new(table));
    cfg.default_service(aw::to(web::errors::not_found));
}

/// Every route of every feature, in one place.
fn register(r: &mut Router) {
    r.get("/healthz", web::pages::healthz)
        .get("/favicon.ico", web::assets::favicon)
        .get("/privacy", web::pages::privacy)
        .get("/lang/{code}", web::lang::switch)
        .get("/assets/{version}/{file:.*}", web::assets::serve)
        .get("/api/openapi.json", openapi_json)
        .get("/api/v1/taxonomy", reference::api::show);
    accounts::routes(r);
    mail_office::routes(r);
    seminars::routes(r);
    registrations::routes(r);
    newsletter::routes(r);
    matching::routes(r);
    reports::routes(r);
}

/// The OpenAPI 3.1 document's own part: its title, the error body, and the routes outside
/// any feature. Each feature's `api::Doc` adds its paths and their schemas ([`api_document`]).
#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "地域SECUNITY API",
        description = "Seminars, registrations, newsletter and matching board of 地域SECUNITY. Times are RFC 3339 with offset (Asia/Tokyo); prefectures are JIS X 0401 codes. Every error answers with `ErrorBody`."
    ),
    components(schemas(api::ErrorBody)),
    tags(
        (name = "accounts", description = "The token's user, API tokens, organizations and their members"),
        (name = "seminars", description = "The programme"),
        (name = "registrations", description = "Registrations, check-in and surveys"),
        (name = "newsletter", description = "Subscribers, topics, campaigns and returned mail"),
        (name = "matching", description = "The board: needs, offerings and introductions"),
        (name = "mail", description = "Mail delivery"),
        (name = "reports", description = "Fiscal-year figures"),
        (name = "reference", description = "Codes and their labels")
    )
)]
pub struct ApiDoc;

/// The API document: [`ApiDoc`] with every feature's paths, for the server at `base_url`.
pub fn api_document(base_url: &str) -> serde_json::Value {
    use utoipa::OpenApi;
    let mut doc = ApiDoc::openapi();
    for part in [
        accounts::api::Doc::openapi(),
        reference::api::Doc::openapi(),
        mail_office::api::Doc::openapi(),
        seminars::api::Doc::openapi(),
        registrations::api::Doc::openapi(),
        newsletter::api::Doc::openapi(),
        matching::api::Doc::openapi(),
        reports::api::Doc::openapi(),
    ] {
        doc.merge(part);
    }
    api::finish(&mut doc, base_url);
    // The character rules of the input as patterns, on the serialized document: the walk
    // over every schema is plain JSON there, and utoipa's types have no `propertyNames`.
    let mut value = serde_json::to_value(&doc).expect("the API document serializes");
    api::text_rules::apply(&mut value);
    value
}

/// `GET /api/openapi.json`: the API document.
async fn openapi_json(state: aw::Data<AppState>) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok().json(api_document(&state.config.base_url))
}

/// What waits for staff, feature by feature, for the dashboard's 「今日の確認事項」.
pub fn pending() -> web::pending::Pending {
    web::pending::Pending(vec![
        matching::staff::pending,
        accounts::applications::pending,
        newsletter::campaigns::pending,
        mail_office::service::pending,
    ])
}

/// Every feature that holds personal data, for "My data" and the deletion of an account.
pub fn personal_data() -> privacy::Holders {
    privacy::Holders::new(vec![
        Box::new(registrations::privacy::Holder),
        Box::new(newsletter::privacy::Holder),
        Box::new(matching::privacy::Holder),
    ])
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
    /// Starts the background workers on the current tokio runtime: the mail sender, seminar
    /// reminders, newsletter campaigns, the board's reminders and follow-ups, housekeeping.
    pub fn start(config: &config::Config, db: db::Db) -> anyhow::Result<Self> {
        let (shutdown, watch) = tokio::sync::watch::channel(false);
        let sender = mail::worker::Sender::from_config(config, db.clone())?;
        let reminders = registrations::reminders::run_reminders(config, db.clone(), watch.clone());
        let lottery = registrations::lottery::service::run(
            registrations::mail::Notifier {
                mailer: mail::Mailer::new(config),
                base_url: config.base_url.trim_end_matches('/').to_string(),
            },
            db.clone(),
            watch.clone(),
        );
        let campaigns = newsletter::worker::task(config, db.clone(), watch.clone());
        let board = matching::worker::run(
            db.clone(),
            mail::Mailer::new(config),
            config.base_url.clone(),
            watch.clone(),
        );
        let tasks = vec![
            tokio::spawn(sender.run(watch.clone())),
            tokio::spawn(reminders),
            tokio::spawn(lottery),
            tokio::spawn(campaigns),
            tokio::spawn(board),
            tokio::spawn(maintenance(db, watch)),
        ];
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

/// Hourly housekeeping: expired sessions, sign-in links and OAuth flows are deleted, and the
/// content of mails sent more than [`mail::outbox::SENT_CONTENT_DAYS`] days ago is emptied.
async fn maintenance(db: db::Db, mut shutdown: tokio::sync::watch::Receiver<bool>) {
    loop {
        match db.run(accounts::queries::purge_expired).await {
            Ok(n) if n > 0 => tracing::info!(rows = n, "expired sign-in data purged"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "housekeeping failed"),
        }
        let before = time::now_utc() - chrono::Duration::days(mail::outbox::SENT_CONTENT_DAYS);
        match db.run(move |c| mail::outbox::scrub_sent(c, before)).await {
            Ok(n) if n > 0 => tracing::info!(rows = n, "content of old sent mails emptied"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "outbox housekeeping failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(std::time::Duration::from_secs(3600)) => {}
            _ = shutdown.changed() => return,
        }
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

/// Starts the HTTP server on an already bound listener (port 0 in tests).
pub fn serve(listener: TcpListener, services: Services) -> std::io::Result<Server> {
    let workers = match services.core.config.http_workers {
        0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
        n => n,
    };
    let server = HttpServer::new(move || app(services.clone()))
        .workers(workers)
        .listen(listener)?
        .run();
    Ok(server)
}
