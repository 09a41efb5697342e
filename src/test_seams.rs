//! Switches that exist only in test builds, so that the control of a concurrency or crash test
//! can break an invariant on the real code path and show that the test catches it.
//!
//! The module is compiled with the `test-seams` feature only. The test suite turns the feature
//! on through the package's dev-dependency on itself, so `cargo test` builds the library and the
//! `secunity` binary with it, and `cargo build --release` builds neither with it. Each switch is
//! an environment variable that the controls set on a spawned `secunity` process; the test
//! process itself never sets one, so the in-process test servers always run the real thing.

use std::sync::OnceLock;
use std::time::Duration;

/// How long a registration without the seat lock waits between counting the free seats and
/// writing: long enough that the concurrent registrations of a control all count the same seats.
const SEAT_RACE_PAUSE: Duration = Duration::from_millis(100);

/// `SECUNITY_TEST_NO_SEAT_LOCK=1`: registrations, cancellations and the other seat changes run
/// without the seat lock. They leave the transaction out altogether (so neither `BEGIN
/// IMMEDIATE`, nor the process's SQLite writer mutex, nor `FOR UPDATE` holds anything: every
/// statement commits on its own), and public registrations bypass the group-commit lanes, so
/// that not even one process serializes them. With [`pause_between_seat_check_and_write`] this
/// overbooks for certain.
pub fn seat_lock_disabled() -> bool {
    static DISABLED: OnceLock<bool> = OnceLock::new();
    *DISABLED.get_or_init(|| flag("SECUNITY_TEST_NO_SEAT_LOCK"))
}

/// Under [`seat_lock_disabled`], sleeps before a registration counts the free seats (a no-op
/// otherwise): a registration sent at the same moment as a cancellation then counts after the
/// cancellation freed the seat and before the waitlist got it.
pub fn pause_before_seat_check() {
    if seat_lock_disabled() {
        std::thread::sleep(SEAT_RACE_PAUSE / 2);
    }
}

/// Under [`seat_lock_disabled`], sleeps between the count of the free seats and the write that
/// relies on it (a no-op otherwise).
pub fn pause_between_seat_check_and_write() {
    if seat_lock_disabled() {
        std::thread::sleep(SEAT_RACE_PAUSE);
    }
}

/// How long a draw without its claim waits where the claim would be: long enough that the
/// concurrent draws of a control all find the seminar not drawn yet.
const DRAW_RACE_PAUSE: Duration = Duration::from_millis(300);

/// `SECUNITY_TEST_NO_DRAW_CLAIM=1`: a lottery's draw runs without its transaction and without
/// the conditional claim on `seminars.drawn_at` (every draw claims the seminar), so two draws
/// at once both draw. With [`pause_in_draw`] they do for certain.
pub fn draw_claim_disabled() -> bool {
    static DISABLED: OnceLock<bool> = OnceLock::new();
    *DISABLED.get_or_init(|| flag("SECUNITY_TEST_NO_DRAW_CLAIM"))
}

/// Under [`draw_claim_disabled`], sleeps between the check that the seminar is not drawn and
/// the draw (a no-op otherwise).
pub fn pause_in_draw() {
    if draw_claim_disabled() {
        std::thread::sleep(DRAW_RACE_PAUSE);
    }
}

/// `SECUNITY_TEST_SPLIT_GROUPS=1`: a group entry is placed member by member, as if each
/// participant were an entry of their own: a registration confirms as many of a group as seats
/// are free and waitlists the rest, the waitlist's promotion and the lottery take members one
/// by one. So a group facing fewer free seats than it has members is split for certain.
pub fn groups_split() -> bool {
    static SPLIT: OnceLock<bool> = OnceLock::new();
    *SPLIT.get_or_init(|| flag("SECUNITY_TEST_SPLIT_GROUPS"))
}

/// How long a series registration placed session by session waits between a session's count
/// and its write: long enough that the concurrent registrations of a control all count the
/// same seats.
const SERIES_RACE_PAUSE: Duration = Duration::from_millis(150);

/// `SECUNITY_TEST_SERIES_PER_SESSION=1`: a series registration is placed session by session,
/// each on that session's own count, without the transaction that locks every session (every
/// statement commits on its own). With [`pause_in_series_placement`] two registrations for the
/// last seat of a series both take it for certain.
pub fn series_per_session() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| flag("SECUNITY_TEST_SERIES_PER_SESSION"))
}

/// Under [`series_per_session`], sleeps between a session's count and its write (a no-op
/// otherwise).
pub fn pause_in_series_placement() {
    if series_per_session() {
        std::thread::sleep(SERIES_RACE_PAUSE);
    }
}

/// `SECUNITY_TEST_SEND_WINDOW=N`: the mail sender's window of sent but unrecorded messages is
/// `N` instead of `default` (a larger window re-sends more after a crash).
pub fn send_window(default: usize) -> usize {
    static WINDOW: OnceLock<Option<usize>> = OnceLock::new();
    WINDOW
        .get_or_init(|| {
            std::env::var("SECUNITY_TEST_SEND_WINDOW")
                .ok()
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(default)
}

/// `SECUNITY_TEST_NO_CONTENT_VERSION=1`: the content version is never read (it stays 0), so
/// the pages kept in memory are never renewed after a write: the control of the tests that
/// prove cached pages are never stale.
pub fn content_version_disabled() -> bool {
    static DISABLED: OnceLock<bool> = OnceLock::new();
    *DISABLED.get_or_init(|| flag("SECUNITY_TEST_NO_CONTENT_VERSION"))
}

fn flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| v == "1")
}

/// Every `/api/v1` response a test server gave, for the suite's check of each against the
/// OpenAPI document (`tests/it/support/schema.rs`). A test server records into its own log.
#[derive(Clone, Default)]
pub struct ApiLog(std::sync::Arc<std::sync::Mutex<Vec<ApiResponse>>>);

/// One recorded response.
#[derive(Debug, Clone)]
pub struct ApiResponse {
    /// The request's method, in capitals.
    pub method: String,
    /// The route's pattern as registered (`/api/v1/seminars/{id:\d+}`).
    pub pattern: String,
    /// The path as requested.
    pub path: String,
    /// The status.
    pub status: u16,
    /// The `Content-Type`, if any.
    pub content_type: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

impl ApiLog {
    /// Takes what was recorded so far.
    pub fn take(&self) -> Vec<ApiResponse> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// Middleware: records the response of every request to a route under `/api/v1/` (other than
/// HEAD) into the [`ApiLog`] of the app.
pub async fn record_api(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    let log = req.app_data::<actix_web::web::Data<ApiLog>>().cloned();
    let res = next.call(req).await?;
    let pattern = res.request().match_pattern();
    let (Some(log), Some(pattern)) = (log, pattern) else {
        return Ok(res.map_into_boxed_body());
    };
    if !pattern.starts_with("/api/v1/") || res.request().method() == actix_web::http::Method::HEAD {
        return Ok(res.map_into_boxed_body());
    }
    let (req, res) = res.into_parts();
    let status = res.status().as_u16();
    let content_type = res
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let (res, body) = res.into_parts();
    let body = actix_web::body::to_bytes(body).await.map_err(|e| {
        let e: Box<dyn std::error::Error> = e.into();
        actix_web::error::ErrorInternalServerError(e.to_string())
    })?;
    log.0
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(ApiResponse {
            method: req.method().as_str().to_string(),
            pattern,
            path: req.path().to_string(),
            status,
            content_type,
            body: body.to_vec(),
        });
    Ok(actix_web::dev::ServiceResponse::new(
        req,
        res.set_body(body).map_into_boxed_body(),
    ))
}
