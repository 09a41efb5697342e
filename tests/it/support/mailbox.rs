//! Links in the mails the SMTP listener received: the registrant's personal link, which the
//! registration form no longer reveals in its answer (it arrives by mail only), and any other
//! link a mail carries (sign-in, newsletter confirmation, invitations).

use std::time::Duration;

use super::TestApp;
use super::smtp::parsed;

/// The paths of the links that start with `prefix` (a path such as `/auth/email/`) in the
/// text part of the mails to `to`, oldest first (the first such link of each mail).
pub fn links(app: &TestApp, to: &str, prefix: &str) -> Vec<String> {
    let prefix = app.url(prefix);
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

/// Waits until more than `seen` links starting with `prefix` have arrived for `to` and returns
/// the newest (panics after ten seconds).
pub async fn next_link(app: &TestApp, to: &str, prefix: &str, seen: usize) -> String {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let found = links(app, to, prefix);
        if found.len() > seen {
            return found.last().cloned().unwrap_or_default();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no new {prefix} link arrived for {to}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The personal-link paths (`/registrations/...`) in the mails to `to`, oldest first.
pub fn registration_links(app: &TestApp, to: &str) -> Vec<String> {
    links(app, to, "/registrations/")
}

/// Waits until more than `seen` personal links have arrived for `to` and returns the newest
/// (panics after ten seconds).
pub async fn next_registration_link(app: &TestApp, to: &str, seen: usize) -> String {
    next_link(app, to, "/registrations/", seen).await
}
