//! The browser tests: Debian's headless Chromium, driven through `chromium-driver` by the
//! WebDriver client `fantoccini`, walks the journeys of the service's people against the
//! real server (`spawn_app()` of the integration tests: port 0, a fresh database, the SMTP
//! listener on loopback), as an SME owner on a phone (390×844) and bureau staff on a desktop
//! (1366×900), in Japanese and in English, with JavaScript on and off. Every page a journey
//! passes through is checked with axe-core at 390 and at 1366 px (no `serious` or
//! `critical` violation) and must not be wider than the phone.
//!
//! Run them with `cargo test --test browser` (`cargo test --workspace` leaves them out to
//! stay fast); they need `apt-get install chromium chromium-driver` and fail without it.

// The support of the integration tests, shared as it is; some of its helpers serve only them.
#[allow(dead_code, unused_imports)]
#[path = "../it/support/mod.rs"]
mod support;

mod checks;
mod chrome;
mod controls;
mod forms;
mod seed;
mod visitor;

mod board;
mod calloff;
mod campaign;
mod newsletter;
mod seminars;
mod staff;
