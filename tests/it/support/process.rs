//! The real `secunity` binary as a child process on the database, data directory and SMTP
//! listener of a [`TestApp`]: `secunity serve` on a port of its own, or `secunity worker`.
//!
//! Several processes on one database are what the database locks are for (inside one process
//! the group-commit lanes and the SQLite writer mutex serialize already), and a process is what
//! a crash test can kill for real. A process is killed with SIGKILL when dropped: no cleanup
//! runs, as in a crash. What it logs (stdout and stderr) goes to a file that [`Service::log`]
//! reads.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use secunity::accounts::{Role, queries};

use super::app::{TestApp, extract_csrf};

/// The switch of the test seam that runs registrations without the seat lock
/// (`src/test_seams.rs`).
pub const NO_SEAT_LOCK: (&str, &str) = ("SECUNITY_TEST_NO_SEAT_LOCK", "1");

/// A running `secunity` process.
pub struct Service {
    child: Child,
    /// `http://127.0.0.1:port` (a `serve` process; empty for a worker).
    pub base: String,
    /// A client of its own (cookie store, no redirects).
    pub client: reqwest::Client,
    jar: std::sync::Arc<reqwest::cookie::Jar>,
    log: PathBuf,
}

impl Drop for Service {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The settings of a child process: those of the app (database, data directory, secret key,
/// SMTP listener, mail pacing), then `extra`.
fn command(app: &TestApp, subcommand: &str, extra: &[(&str, &str)], log: &PathBuf) -> Command {
    let config = &app.state.config;
    let file = std::fs::File::create(log).expect("a log file for the process");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_secunity"));
    cmd.arg(subcommand)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env(
            "DATABASE_URL",
            secrecy::ExposeSecret::expose_secret(&config.database_url),
        )
        .env("DATABASE_POOL_SIZE", config.database_pool_size.to_string())
        .env("SECUNITY_DATA_DIR", &config.data_dir)
        .env(
            "SECUNITY_SECRET_KEY",
            String::from_utf8(secrecy::ExposeSecret::expose_secret(&*config.secret_key).to_vec())
                .expect("a text secret key"),
        )
        .env("SECUNITY_WORKERS", "2")
        .env("SMTP_URL", app.smtp.url())
        .env("MAIL_RATE", config.mail_rate.to_string())
        .env("MAIL_POLL_MS", config.mail_poll_ms.to_string())
        .env("MAIL_RETRY_BASE_MS", config.mail_retry_base_ms.to_string())
        .env(
            "RATE_LIMIT_PER_MINUTE",
            config.rate_limit_per_minute.to_string(),
        )
        .env("NO_COLOR", "1")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::from(file.try_clone().expect("log file handle")))
        .stderr(Stdio::from(file));
    for (k, v) in extra {
        cmd.env(k, v);
    }
    cmd
}

fn log_path(app: &TestApp, subcommand: &str) -> PathBuf {
    app.dir
        .path()
        .join(format!("{subcommand}-{}.log", rand::random::<u32>()))
}

fn client(jar: &std::sync::Arc<reqwest::cookie::Jar>) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client")
}

/// Starts `secunity serve` on a free port of its own and waits until `/healthz` answers.
pub async fn serve(app: &TestApp, extra: &[(&str, &str)]) -> Service {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let bind = format!("127.0.0.1:{port}");
    let mut settings = vec![
        ("SECUNITY_BIND", bind.as_str()),
        ("SECUNITY_BASE_URL", base.as_str()),
    ];
    settings.extend_from_slice(extra);
    let log = log_path(app, "serve");
    let child = command(app, "serve", &settings, &log)
        .spawn()
        .expect("start secunity serve");
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let mut service = Service {
        child,
        client: client(&jar),
        jar,
        base,
        log,
    };
    service.wait_healthy().await;
    service
}

/// Runs a one-shot `secunity` command (`args`, the subcommand first) on the app's database and
/// returns what it printed and how it exited.
pub fn run(app: &TestApp, args: &[&str]) -> std::process::Output {
    let log = log_path(app, "run");
    let mut cmd = command(app, args[0], &[], &log);
    cmd.args(&args[1..])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd.output().expect("run secunity")
}

/// Starts `secunity worker` (only the background workers).
pub fn worker(app: &TestApp, extra: &[(&str, &str)]) -> Service {
    let log = log_path(app, "worker");
    let child = command(app, "worker", extra, &log)
        .spawn()
        .expect("start secunity worker");
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    Service {
        child,
        client: client(&jar),
        jar,
        base: String::new(),
        log,
    }
}

#[allow(dead_code)]
impl Service {
    async fn wait_healthy(&mut self) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(res) = self.client.get(self.url("/healthz")).send().await
                && res.status() == 200
            {
                return;
            }
            if let Ok(Some(exit)) = self.child.try_wait() {
                panic!(
                    "secunity serve exited ({exit}) before it answered:\n{}",
                    self.log()
                );
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "secunity serve did not answer /healthz within a minute:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Absolute URL of a path on this process.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// The CSRF token of the forms on a page of this process (which also sets the cookie).
    pub async fn csrf_token(&self, path: &str) -> String {
        let body = self
            .client
            .get(self.url(path))
            .send()
            .await
            .expect("GET")
            .text()
            .await
            .expect("a page");
        extract_csrf(&body).unwrap_or_else(|| panic!("{path} has a csrf_token field"))
    }

    /// POSTs a form with the CSRF token of `page` added; returns the status.
    pub async fn post_form_from(&self, page: &str, path: &str, form: &[(&str, &str)]) -> u16 {
        let token = self.csrf_token(page).await;
        let mut fields = form.to_vec();
        fields.push(("csrf_token", &token));
        self.post(path, &fields).await
    }

    /// POSTs a urlencoded form (with its CSRF token); returns the status.
    pub async fn post<K: serde::Serialize, V: serde::Serialize>(
        &self,
        path: &str,
        fields: &[(K, V)],
    ) -> u16 {
        self.client
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .expect("POST")
            .status()
            .as_u16()
    }

    /// Creates a user with `role` (or promotes it) in the app's database and signs this
    /// process's client in as that user.
    pub async fn sign_in(&self, app: &TestApp, email: &str, role: Role) {
        let email = email.to_string();
        let token = app
            .db(move |c| {
                let user = queries::upsert_with_role(c, &email, None, role)?;
                queries::create_session(c, user.id)
            })
            .await;
        let url: reqwest::Url = self.base.parse().expect("the base URL");
        self.jar
            .add_cookie_str(&format!("sid={token}; Path=/"), &url);
    }

    /// The cookies this process set on the client (`name=value; ...`).
    pub fn cookies(&self) -> Option<String> {
        use reqwest::cookie::CookieStore;
        let url: reqwest::Url = self.base.parse().ok()?;
        let header = self.jar.cookies(&url)?;
        header.to_str().ok().map(str::to_string)
    }

    /// Kills the process with SIGKILL (no cleanup: a crash) and reaps it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Everything the process wrote to stdout and stderr so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}
