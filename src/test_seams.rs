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

fn flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| v == "1")
}
