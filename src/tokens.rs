//! Secret tokens for links and cookies: 256 random bits, URL-safe, stored only as a SHA-256
//! hash so that a copy of the database opens nothing.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A new random token (43 URL-safe characters, 256 bits).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The stored form of a token: hex SHA-256.
pub fn hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A token with a purpose prefix, so a token made for one purpose is useless for another
/// (`hash_for("unsubscribe", t)` never equals `hash_for("cancel", t)`).
pub fn hash_for(purpose: &str, token: &str) -> String {
    hash(&format!("{purpose}:{token}"))
}

/// Whether a string looks like a token this module made (cheap check before a lookup).
pub fn looks_valid(token: &str) -> bool {
    (32..=64).contains(&token.len())
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashes_purpose_bound() {
        let a = new_token();
        assert_eq!(a.len(), 43);
        assert!(looks_valid(&a));
        assert_ne!(a, new_token());
        assert_eq!(hash(&a).len(), 64);
        assert_ne!(hash_for("cancel", &a), hash_for("unsubscribe", &a));
        assert!(!looks_valid("short"));
        assert!(!looks_valid(&"x".repeat(40).replace('x', "<")));
    }
}
