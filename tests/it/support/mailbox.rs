//! Links in the mails the SMTP listener received: the registrant's personal link, which the
//! registration form no longer reveals in its answer (it arrives by mail only).

use std::time::Duration;

use super::TestApp;
use super::smtp::parsed;

/// The personal-link paths (`/registrations/...`) in the mails to `to`, oldest first.
pub fn registration_links(app: &TestApp, to: &str) -> Vec<String> {
    let prefix = app.url("/registrations/");
    app.smtp
        .messages()
        .iter()
        .filter(|m| m.rcpt_to.iter().any(|r| r == to))
        .filter_map(|m| {
            let text = parsed(m).body_text(0)?.to_string();
            let start = text.find(&prefix)?;
            let link = text[start..].split_whitespace().next()?;
            Some(link[app.base.len()..].to_string())
        })
        .collect()
}

/// Waits until more than `seen` personal links have arrived for `to` and returns the newest
/// (panics after ten seconds).
pub async fn next_registration_link(app: &TestApp, to: &str, seen: usize) -> String {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let links = registration_links(app, to);
        if links.len() > seen {
            return links.last().cloned().unwrap_or_default();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no new personal link arrived for {to}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
