//! Test helpers: the running app, the test database and the SMTP listener.

pub mod app;
pub mod corpus;
pub mod mailbox;
pub mod oauth;
pub mod process;
pub mod schema;
pub mod smtp;

#[allow(unused_imports)]
pub use app::{TestApp, spawn_app, spawn_app_with};
