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

/// GETs `url` with `client` (its own cookies, no token) and answers the body as text.
pub async fn text_at(client: &reqwest::Client, url: impl reqwest::IntoUrl) -> String {
    client
        .get(url)
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("a text body")
}

/// GETs `url` with `client` (its own cookies, no token) and answers the body as JSON.
pub async fn json_at(client: &reqwest::Client, url: impl reqwest::IntoUrl) -> serde_json::Value {
    client
        .get(url)
        .send()
        .await
        .expect("GET")
        .json()
        .await
        .expect("a JSON body")
}
