//! The links and list headers of newsletter mails: confirmation and preference URLs, and the
//! `List-Id`, `List-Unsubscribe` and `List-Unsubscribe-Post` headers (RFC 2369, RFC 8058).
//!
//! The preference (and one-click unsubscribe) token of a subscriber is
//! `HMAC-SHA256(secret key, "newsletter-pref:" + nonce)`: every issue can carry it without the
//! database ever holding it, and a stolen database opens nothing. Only its hash is stored, for
//! the lookup. Changing the nonce revokes it.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::config::Config;
use crate::tokens;

/// Token purpose of preference links.
pub const PREF_PURPOSE: &str = "newsletter-pref";
/// Token purpose of confirmation links.
pub const CONFIRM_PURPOSE: &str = "newsletter-confirm";

/// Everything needed to put links into newsletter mails.
#[derive(Clone)]
pub struct Links {
    base_url: String,
    secret: crate::config::SecretKey,
    /// `List-Id` value, e.g. `<kyushu-iot.example.jp>`.
    pub list_id: String,
    /// The mailto address of `List-Unsubscribe`; the subject it fills in carries the
    /// subscriber's preference token (see [`crate::newsletter::bounces::unsubscribe_request`]).
    pub mailto: String,
}

impl Links {
    /// From the settings.
    pub fn from_config(config: &Config) -> Self {
        let domain = crate::mail::message::sender_domain(&config.mail_from);
        let address = config
            .mail_from
            .rsplit_once('<')
            .map(|(_, a)| a.trim_end_matches('>').trim().to_string())
            .unwrap_or_else(|| config.mail_from.trim().to_string());
        Self {
            base_url: config.base_url.trim_end_matches('/').to_string(),
            secret: config.secret_key.clone(),
            list_id: format!("<kyushu-iot.{domain}>"),
            mailto: address,
        }
    }

    /// The preference token of a subscriber with this nonce.
    pub fn pref_token(&self, nonce: &str) -> String {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(secrecy::ExposeSecret::expose_secret(&*self.secret))
                .expect("HMAC takes any key length");
        mac.update(PREF_PURPOSE.as_bytes());
        mac.update(b":");
        mac.update(nonce.as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    /// The stored hash of the preference token of this nonce.
    pub fn pref_hash(&self, nonce: &str) -> String {
        tokens::hash_for(PREF_PURPOSE, &self.pref_token(nonce))
    }

    /// An absolute URL of a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// The preference page of a subscriber.
    pub fn preferences_url(&self, nonce: &str) -> String {
        self.url(&format!(
            "/newsletter/preferences/{}",
            self.pref_token(nonce)
        ))
    }

    /// The one-click unsubscribe URL of a subscriber.
    pub fn unsubscribe_url(&self, nonce: &str) -> String {
        self.url(&format!(
            "/newsletter/unsubscribe/{}",
            self.pref_token(nonce)
        ))
    }

    /// The list headers of a newsletter mail to the subscriber with this nonce.
    pub fn list_headers(&self, nonce: &str) -> Vec<(String, String)> {
        vec![
            ("List-Id".into(), self.list_id.clone()),
            (
                "List-Unsubscribe".into(),
                format!(
                    "<{}>, <mailto:{}?subject=unsubscribe%20{}>",
                    self.unsubscribe_url(nonce),
                    self.mailto,
                    self.pref_token(nonce)
                ),
            ),
            (
                "List-Unsubscribe-Post".into(),
                "List-Unsubscribe=One-Click".into(),
            ),
        ]
    }
}

/// The URL of a confirmation link.
pub fn confirm_url(base_url: &str, token: &str) -> String {
    format!(
        "{}/newsletter/confirm/{token}",
        base_url.trim_end_matches('/')
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links() -> Links {
        Links {
            base_url: "https://secunity.example".into(),
            secret: std::sync::Arc::new(b"k".to_vec().into()),
            list_id: "<kyushu-iot.secunity.example>".into(),
            mailto: "no-reply@secunity.example".into(),
        }
    }

    #[test]
    fn pref_tokens_are_stable_per_nonce_and_look_like_tokens() {
        let l = links();
        assert_eq!(l.pref_token("a"), l.pref_token("a"));
        assert_ne!(l.pref_token("a"), l.pref_token("b"));
        assert!(tokens::looks_valid(&l.pref_token("a")));
        let h = l.list_headers("a");
        assert_eq!(h[2].1, "List-Unsubscribe=One-Click");
        assert!(
            h[1].1
                .starts_with("<https://secunity.example/newsletter/unsubscribe/")
        );
        assert!(h[1].1.ends_with(&format!(
            "<mailto:no-reply@secunity.example?subject=unsubscribe%20{}>",
            l.pref_token("a")
        )));
    }
}
