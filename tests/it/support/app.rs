//! `spawn_app()`: the real server on port 0, a fresh database and an SMTP listener.

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use diesel::Connection;
use diesel::RunQueryDsl;
use diesel::pg::PgConnection;
use secunity::accounts::queries;
use secunity::accounts::{CurrentUser, Role};
use secunity::config::Config;
use secunity::db::Db;
use secunity::web::AppState;

use super::smtp::SmtpServer;

/// A fresh PostgreSQL database, dropped when the test ends.
pub struct PgTestDb {
    admin_url: String,
    name: String,
    /// URL of the fresh database.
    pub url: String,
}

/// The URL with `sslmode=disable` added when it points at this machine and says nothing about
/// TLS. TLS over loopback protects nothing, and with it every test connection runs OpenSSL in
/// libpq: when the test process exits, OpenSSL's exit handlers can run while a pool thread of a
/// still-running test server is inside a TLS call, which crashes the process (a failed run with
/// every test passed).
pub fn without_tls_on_loopback(url: &str) -> String {
    let loopback = [
        "@127.0.0.1",
        "@localhost",
        "@[::1]",
        "://127.0.0.1",
        "://localhost",
    ]
    .iter()
    .any(|h| url.contains(h));
    if !loopback || url.contains("sslmode=") {
        return url.to_string();
    }
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}sslmode=disable")
}

impl PgTestDb {
    fn create(admin_url: &str) -> Self {
        let admin_url = &without_tls_on_loopback(admin_url);
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let name = format!(
            "secunity_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst),
            rand::random::<u32>()
        );
        let mut admin = PgConnection::establish(admin_url).expect(
            "TEST_DATABASE_URL is set but PostgreSQL is not reachable: start it or unset the variable",
        );
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .expect("create test database");
        let (base, rest) = admin_url
            .rsplit_once('/')
            .expect("a database URL with a path");
        let query = rest
            .split_once('?')
            .map_or(String::new(), |(_, q)| format!("?{q}"));
        Self {
            admin_url: admin_url.to_string(),
            url: format!("{base}/{name}{query}"),
            name,
        }
    }

    /// Drops the database at once, connections and all (for "database gone" tests).
    pub fn drop_now(&self) {
        if let Ok(mut admin) = PgConnection::establish(&self.admin_url) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut admin);
        }
    }
}

impl Drop for PgTestDb {
    fn drop(&mut self) {
        self.drop_now();
    }
}

/// A running service for one test.
pub struct TestApp {
    /// `http://127.0.0.1:port`.
    pub base: String,
    /// A client with a cookie store that does not follow redirects.
    pub client: reqwest::Client,
    /// The client's cookies.
    pub jar: std::sync::Arc<reqwest::cookie::Jar>,
    /// The service's core state (database, settings).
    pub state: AppState,
    /// The feature services the server runs with (the same group commit, notifier, ...).
    pub services: secunity::Services,
    /// The SMTP listener the service sends to.
    pub smtp: SmtpServer,
    /// The data directory (SQLite file, secrets).
    pub dir: tempfile::TempDir,
    /// The PostgreSQL database, when the suite runs on PostgreSQL (dropped last).
    pub pg: Option<PgTestDb>,
    /// The background workers (mail sender), unless the test asked for none; kept alive for
    /// the test and stopped when it ends.
    _workers: Option<secunity::Workers>,
    server: actix_web::dev::ServerHandle,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let handle = self.server.clone();
        // Stop without waiting: the runtime of the test is going away too.
        drop(handle.stop(false));
        // Every API response of the test against the document (not while already failing).
        let log = self.services.api_log.take();
        if !std::thread::panicking() {
            super::schema::check(&log);
        }
    }
}

/// Whether this run uses PostgreSQL.
#[allow(dead_code)]
pub fn on_postgres() -> bool {
    std::env::var("TEST_DATABASE_URL").is_ok_and(|v| !v.is_empty())
}

/// Starts the service with the default test settings.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[], SmtpServer::start().await).await
}

/// Starts the service with extra settings and a given SMTP listener. The pseudo-setting
/// `("WORKERS", "off")` starts no background workers (the test runs its own).
pub async fn spawn_app_with(settings: &[(&str, &str)], smtp: SmtpServer) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let pg = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|v| !v.is_empty())
        .map(|admin| PgTestDb::create(&admin));
    let database_url = match &pg {
        Some(pg) => pg.url.clone(),
        None => format!("sqlite://{}", dir.path().join("secunity.db").display()),
    };
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind http");
    let port = listener.local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");

    let mut env: HashMap<String, String> = HashMap::new();
    for (k, v) in [
        (
            "SECUNITY_DATA_DIR",
            dir.path().to_string_lossy().to_string(),
        ),
        ("DATABASE_URL", database_url),
        ("DATABASE_POOL_SIZE", "8".into()),
        ("SECUNITY_BASE_URL", base.clone()),
        (
            "SECUNITY_SECRET_KEY",
            "test-secret-key-that-is-long-enough-0123456789".into(),
        ),
        ("SECUNITY_WORKERS", "2".into()),
        ("SMTP_URL", smtp.url()),
        ("MAIL_RATE", "1000".into()),
        ("MAIL_POLL_MS", "20".into()),
        ("MAIL_RETRY_BASE_MS", "50".into()),
        // Tests come from one address; the rate-limit test sets its own low limit.
        ("RATE_LIMIT_PER_MINUTE", "1000000".into()),
    ] {
        env.insert(k.to_string(), v);
    }
    let mut start_workers = true;
    for (k, v) in settings {
        if *k == "WORKERS" {
            start_workers = *v != "off";
            continue;
        }
        env.insert(k.to_string(), v.to_string());
    }
    let config = Config::from_sources(None, &env).expect("test settings");
    let db = Db::connect(
        secrecy::ExposeSecret::expose_secret(&config.database_url),
        config.database_pool_size,
    )
    .expect("database");
    db.migrate().expect("migrations");
    let workers =
        start_workers.then(|| secunity::Workers::start(&config, db.clone()).expect("workers"));
    let services = secunity::Services::new(AppState::new(config, db));
    let state = services.core.clone();
    let server = secunity::serve(listener, services.clone()).expect("server");
    let handle = server.handle();
    tokio::spawn(server);

    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let client = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    TestApp {
        base,
        client,
        jar,
        state,
        services,
        smtp,
        dir,
        pg,
        _workers: workers,
        server: handle,
    }
}

#[allow(dead_code)]
impl TestApp {
    /// Absolute URL of a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// GET a path.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    /// GET an API path with a Bearer token and return the JSON answer.
    pub async fn api_json(&self, path: &str, token: &str) -> serde_json::Value {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("GET")
            .json()
            .await
            .expect("a JSON answer")
    }

    /// Sends an API request with a Bearer token and `body` as JSON (if any); answers the
    /// status and the JSON answer (null for an empty body, a string for one that is not JSON).
    pub async fn api(
        &self,
        method: &str,
        token: &str,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("an HTTP method");
        let mut req = self
            .client
            .request(method, self.url(path))
            .bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.expect("an API answer");
        let status = res.status().as_u16();
        let text = res.text().await.expect("an API body");
        let value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(_) if text.is_empty() => serde_json::Value::Null,
            Err(_) => serde_json::Value::String(text),
        };
        (status, value)
    }

    /// Runs `f` on the app's database (on a blocking thread) and unwraps its result.
    pub async fn db<T, E, F>(&self, f: F) -> T
    where
        F: FnOnce(&mut secunity::db::DbConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: Into<secunity::error::AppError> + Send + 'static,
    {
        self.state.db.run(f).await.unwrap()
    }

    /// GET a path and return status and body.
    pub async fn get_text(&self, path: &str) -> (u16, String) {
        let res = self.get(path).await;
        let status = res.status().as_u16();
        (status, res.text().await.unwrap())
    }

    /// The CSRF token of the forms on a page (loads the page, which also sets the cookie).
    pub async fn csrf_token(&self, path: &str) -> String {
        let (_, body) = self.get_text(path).await;
        extract_csrf(&body).expect("the page has a csrf_token field")
    }

    /// Creates a user with `role` (or promotes it) and signs this client in as that user.
    pub async fn sign_in(&self, email: &str, role: Role) -> CurrentUser {
        let email = email.to_string();
        let (user, token) = self
            .state
            .db
            .run(move |c| {
                let user = queries::upsert_with_role(c, &email, None, role)?;
                let token = queries::create_session(c, user.id)?;
                Ok::<_, diesel::result::Error>((user, token))
            })
            .await
            .expect("sign in");
        let url: reqwest::Url = self.base.parse().unwrap();
        self.jar
            .add_cookie_str(&format!("sid={token}; Path=/"), &url);
        user.to_current()
    }

    /// Creates a user with `role` and an API token for it.
    pub async fn api_token(&self, email: &str, role: Role) -> (CurrentUser, String) {
        let email = email.to_string();
        let (user, token) = self
            .state
            .db
            .run(move |c| {
                let user = queries::upsert_with_role(c, &email, None, role)?;
                let token = queries::create_api_token(c, user.id, "test")?;
                Ok::<_, diesel::result::Error>((user, token))
            })
            .await
            .expect("api token");
        (user.to_current(), token)
    }

    /// POST a form with the CSRF token of `page` added.
    pub async fn post_form_from(
        &self,
        page: &str,
        path: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        let token = self.csrf_token(page).await;
        let mut fields: Vec<(&str, &str)> = form.to_vec();
        fields.push(("csrf_token", &token));
        self.post_form(path, &fields).await
    }

    /// POST a urlencoded form (add the token yourself).
    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .form(form)
            .send()
            .await
            .expect("POST")
    }
}

/// How long the outbox may take to drain before a test fails: generous, it bounds only a hang.
const OUTBOX_DRAIN_TIMEOUT: Duration = Duration::from_secs(90);

#[allow(dead_code)]
impl TestApp {
    /// Waits until the mail sender has nothing left to do: no outbox row is queued or being sent
    /// (fails the test after a generous timeout). Every mail is queued in the transaction of
    /// the change that causes it, and the SMTP listener records a message before the sender
    /// can mark it sent, so from here on the listener holds every mail the test caused and
    /// nothing more is on its way: count them, instead of sleeping and hoping.
    pub async fn wait_outbox_drained(&self) {
        self.wait_outbox(|pending| pending.queued + pending.sending == 0)
            .await;
    }

    /// Like [`wait_outbox_drained`](Self::wait_outbox_drained), but mails held for later (a
    /// paused campaign's) may stay queued: waits until nothing is being sent and nothing is due
    /// within the hour.
    pub async fn wait_outbox_idle(&self) {
        self.wait_outbox(|pending| pending.due_soon + pending.sending == 0)
            .await;
    }

    async fn wait_outbox(&self, done: impl Fn(&OutboxPending) -> bool) {
        let deadline = tokio::time::Instant::now() + OUTBOX_DRAIN_TIMEOUT;
        loop {
            let pending = self.db(OutboxPending::read).await;
            if done(&pending) {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the outbox did not drain: {pending:?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// What the outbox still has to send.
#[derive(Debug)]
struct OutboxPending {
    queued: i64,
    due_soon: i64,
    sending: i64,
}

impl OutboxPending {
    /// Reads every unsent row in one statement: counting `queued` and `sending` in two would
    /// let a message refused with a 4xx move from `sending` back to `queued` between them and
    /// look drained while it waits for its retry.
    fn read(c: &mut secunity::db::DbConn) -> diesel::QueryResult<Self> {
        use diesel::prelude::*;
        use secunity::mail::outbox::OutboxStatus;
        const QUEUED: &str = OutboxStatus::Queued.as_str();
        const SENDING: &str = OutboxStatus::Sending.as_str();
        use secunity::schema::outbox as ob;
        let soon = secunity::time::now_utc() + chrono::Duration::hours(1);
        let rows: Vec<(String, chrono::NaiveDateTime)> = ob::table
            .filter(ob::status.eq_any([QUEUED, SENDING]))
            .select((ob::status, ob::next_attempt_at))
            .load(c)?;
        let queued = rows.iter().filter(|(s, _)| s == QUEUED);
        Ok(Self {
            queued: queued.clone().count() as i64,
            due_soon: queued.filter(|(_, at)| *at < soon).count() as i64,
            sending: rows.iter().filter(|(s, _)| s == SENDING).count() as i64,
        })
    }
}

/// The value of the first `csrf_token` hidden field in a page.
pub fn extract_csrf(html: &str) -> Option<String> {
    let at = html.find("name=\"csrf_token\" value=\"")?;
    let rest = &html[at + "name=\"csrf_token\" value=\"".len()..];
    Some(rest[..rest.find('"')?].to_string())
}
