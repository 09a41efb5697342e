//! DKIM signing (RFC 6376): the private key file and the signing configuration.
//!
//! The key is a PEM file: PKCS#8 (`BEGIN PRIVATE KEY`, what `openssl genpkey` and OpenSSL 3's
//! `openssl genrsa` write) or PKCS#1 (`BEGIN RSA PRIVATE KEY`), RSA (at least 1024 bits,
//! RFC 8301) or Ed25519 (RFC 8463). Anything else stops the service with an error that says
//! what the file holds and what is needed. lettre signs; it takes RSA keys as PKCS#1 PEM and
//! Ed25519 keys as the base64 of their 32 bytes, so the key is read here and handed over in
//! that form.
//!
//! Canonicalization is relaxed/relaxed: lettre folds long headers (an RFC 2047 encoded
//! subject, `List-Unsubscribe`) when it writes the message, differently from the text it
//! signed, and only relaxed header canonicalization unfolds before hashing.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use lettre::message::dkim::{
    DkimCanonicalization, DkimCanonicalizationType, DkimConfig, DkimSigningAlgorithm,
    DkimSigningKey,
};
use lettre::message::header::HeaderName;
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey, LineEnding};
use rsa::pkcs8::DecodePrivateKey;
use rsa::traits::PublicKeyParts;

use crate::config::DkimSettings;

/// Headers the signature covers (those the message has; naming an absent one also keeps it
/// from being added later). Not `Content-Type`: lettre writes a multipart message's
/// `Content-Type` from the body part when it formats the message, after signing, so it would
/// sign the header as absent while the message carries it, and verification would fail.
pub const SIGNED_HEADERS: &[&str] = &[
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "MIME-Version",
    "List-Id",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
];

/// The smallest RSA key a verifier accepts (RFC 8301 §3.2).
const MIN_RSA_BITS: usize = 1024;

/// A private key read from PEM.
pub enum PrivateKey {
    /// An RSA key.
    Rsa(rsa::RsaPrivateKey),
    /// An Ed25519 key.
    Ed25519(ed25519_dalek::SigningKey),
}

/// Why a key file cannot be used; the text says what to do.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    /// Not PEM at all.
    #[error(
        "not a PEM key: expected a file that starts with -----BEGIN PRIVATE KEY----- (PKCS#8) \
         or -----BEGIN RSA PRIVATE KEY----- (PKCS#1); make one with \
         `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out dkim.pem`"
    )]
    NotPem,
    /// PEM of another kind (a certificate, a public key, an EC or OpenSSH key, an encrypted key).
    #[error(
        "the file holds a PEM \"{0}\"; DKIM needs an unencrypted RSA or Ed25519 private key \
         (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY)"
    )]
    WrongKind(String),
    /// A PKCS#8 key of an algorithm DKIM does not sign with.
    #[error("the PKCS#8 key is neither RSA nor Ed25519 (DKIM signs with those two only)")]
    WrongAlgorithm,
    /// The PEM label is right but its content is not a valid key.
    #[error("the {0} key in the file is damaged: {1}")]
    Damaged(&'static str, String),
    /// An RSA key too short for verifiers.
    #[error("the RSA key has {0} bits; verifiers refuse keys under 1024 bits (use 2048)")]
    TooShort(usize),
}

impl PrivateKey {
    /// Reads a PEM file's text (see the module documentation for what is accepted). A file
    /// with only the base64 of a 32-byte Ed25519 key (what lettre itself reads) is accepted too.
    pub fn from_pem(text: &str) -> Result<Self, KeyError> {
        let text = text.trim();
        let Some(label) = pem_label(text) else {
            return raw_ed25519(text).ok_or(KeyError::NotPem);
        };
        let key = match label {
            "PRIVATE KEY" => from_pkcs8(text)?,
            "RSA PRIVATE KEY" => PrivateKey::Rsa(
                rsa::RsaPrivateKey::from_pkcs1_pem(text)
                    .map_err(|e| KeyError::Damaged("RSA", e.to_string()))?,
            ),
            other => return Err(KeyError::WrongKind(other.to_string())),
        };
        if let PrivateKey::Rsa(rsa) = &key {
            let bits = rsa.size() * 8;
            if bits < MIN_RSA_BITS {
                return Err(KeyError::TooShort(bits));
            }
        }
        Ok(key)
    }

    /// The key in the form lettre signs with.
    fn signing_key(&self) -> Result<DkimSigningKey, String> {
        let (text, algorithm) = match self {
            PrivateKey::Rsa(key) => (
                key.to_pkcs1_pem(LineEnding::LF)
                    .map_err(|e| e.to_string())?
                    .to_string(),
                DkimSigningAlgorithm::Rsa,
            ),
            PrivateKey::Ed25519(key) => (
                STANDARD.encode(key.to_bytes()),
                DkimSigningAlgorithm::Ed25519,
            ),
        };
        DkimSigningKey::new(&text, algorithm).map_err(|e| e.to_string())
    }

    /// The DNS TXT record that publishes the public key (`v=DKIM1; k=...; p=...`).
    pub fn dns_record(&self) -> String {
        match self {
            PrivateKey::Rsa(key) => {
                use rsa::pkcs8::EncodePublicKey;
                let der = key
                    .to_public_key()
                    .to_public_key_der()
                    .map(|d| STANDARD.encode(d.as_bytes()))
                    .unwrap_or_default();
                format!("v=DKIM1; k=rsa; p={der}")
            }
            PrivateKey::Ed25519(key) => format!(
                "v=DKIM1; k=ed25519; p={}",
                STANDARD.encode(key.verifying_key().to_bytes())
            ),
        }
    }
}

/// The label of the first PEM block (`-----BEGIN PRIVATE KEY-----` → `PRIVATE KEY`).
fn pem_label(text: &str) -> Option<&str> {
    let start = text.find("-----BEGIN ")? + "-----BEGIN ".len();
    let len = text[start..].find("-----")?;
    Some(&text[start..start + len])
}

fn from_pkcs8(text: &str) -> Result<PrivateKey, KeyError> {
    if let Ok(rsa) = rsa::RsaPrivateKey::from_pkcs8_pem(text) {
        return Ok(PrivateKey::Rsa(rsa));
    }
    match ed25519_dalek::SigningKey::from_pkcs8_pem(text) {
        Ok(key) => Ok(PrivateKey::Ed25519(key)),
        // Valid PKCS#8 of another algorithm (an EC key, say), or damaged content.
        Err(ed25519_dalek::pkcs8::Error::KeyMalformed | ed25519_dalek::pkcs8::Error::Asn1(_)) => {
            Err(KeyError::Damaged(
                "PKCS#8",
                "not a readable private key".into(),
            ))
        }
        Err(_) => Err(KeyError::WrongAlgorithm),
    }
}

/// lettre's own Ed25519 form: the base64 of the 32-byte private key, alone in the file.
fn raw_ed25519(text: &str) -> Option<PrivateKey> {
    let bytes: [u8; 32] = STANDARD.decode(text).ok()?.try_into().ok()?;
    Some(PrivateKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(
        &bytes,
    )))
}

/// Loads the key file and prepares the signing configuration (relaxed/relaxed).
pub fn dkim_config(settings: &DkimSettings) -> anyhow::Result<DkimConfig> {
    let file = settings.private_key_file.display();
    let text = std::fs::read_to_string(&settings.private_key_file)
        .map_err(|e| anyhow::anyhow!("cannot read DKIM_PRIVATE_KEY_FILE {file}: {e}"))?;
    let key = PrivateKey::from_pem(&text)
        .map_err(|e| anyhow::anyhow!("DKIM_PRIVATE_KEY_FILE {file}: {e}"))?;
    let signing = key
        .signing_key()
        .map_err(|e| anyhow::anyhow!("DKIM_PRIVATE_KEY_FILE {file}: {e}"))?;
    let headers = SIGNED_HEADERS
        .iter()
        .filter_map(|h| HeaderName::new_from_ascii(h.to_string()).ok())
        .collect();
    Ok(DkimConfig::new(
        settings.selector.clone(),
        settings.domain.clone(),
        signing,
        headers,
        DkimCanonicalization {
            header: DkimCanonicalizationType::Relaxed,
            body: DkimCanonicalizationType::Relaxed,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::pkcs8::EncodePrivateKey;

    /// An EC P-256 key as `openssl genpkey -algorithm EC` writes it (made for this test).
    const EC_KEY: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgbdEOsqYq8XJ1pVjK
5eDdZDB/WQn0Nn1CY2XVJrzBlIOhRANCAASOMS3aHYWtPaGNRwptX8Akm/wMB2XL
xNIYFVtubCr9Dwr9cP6nfvwC3agzeupFUVqwXKLip4xe2nqsAraGgxXR
-----END PRIVATE KEY-----
";

    fn rsa_key(bits: usize) -> rsa::RsaPrivateKey {
        rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, bits).unwrap()
    }

    #[test]
    fn rsa_keys_are_read_from_pkcs8_and_pkcs1() {
        let key = rsa_key(1024);
        let pkcs8 = key.to_pkcs8_pem(LineEnding::LF).unwrap();
        let pkcs1 = key.to_pkcs1_pem(LineEnding::CRLF).unwrap();
        for pem in [pkcs8.as_str(), pkcs1.as_str()] {
            let read = PrivateKey::from_pem(pem).unwrap();
            assert!(matches!(&read, PrivateKey::Rsa(k) if *k == key));
            assert!(read.signing_key().is_ok());
            assert!(
                read.dns_record()
                    .starts_with("v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GN")
            );
        }
    }

    #[test]
    fn ed25519_keys_are_read_from_pkcs8_and_lettres_base64() {
        let key = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
        let pem = key.to_pkcs8_pem(LineEnding::LF).unwrap();
        let record = format!(
            "v=DKIM1; k=ed25519; p={}",
            STANDARD.encode(key.verifying_key().to_bytes())
        );
        for text in [pem.to_string(), STANDARD.encode([7u8; 32])] {
            let read = PrivateKey::from_pem(&text).unwrap();
            assert!(matches!(&read, PrivateKey::Ed25519(k) if k.to_bytes() == [7u8; 32]));
            assert!(read.signing_key().is_ok());
            assert_eq!(read.dns_record(), record);
        }
    }

    #[test]
    fn other_files_get_an_error_that_says_what_is_needed() {
        assert_eq!(
            PrivateKey::from_pem(EC_KEY).err(),
            Some(KeyError::WrongAlgorithm)
        );
        let public = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n";
        assert_eq!(
            PrivateKey::from_pem(public).err(),
            Some(KeyError::WrongKind("PUBLIC KEY".into()))
        );
        let encrypted = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMCowBQ==\n-----END ENCRYPTED PRIVATE KEY-----\n";
        assert!(matches!(
            PrivateKey::from_pem(encrypted),
            Err(KeyError::WrongKind(_))
        ));
        let damaged = "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n";
        assert!(matches!(
            PrivateKey::from_pem(damaged),
            Err(KeyError::Damaged("RSA", _))
        ));
        let damaged = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
        assert!(matches!(
            PrivateKey::from_pem(damaged),
            Err(KeyError::Damaged("PKCS#8", _))
        ));
        assert_eq!(PrivateKey::from_pem("hello").err(), Some(KeyError::NotPem));
        let short = rsa_key(512).to_pkcs8_pem(LineEnding::LF).unwrap();
        assert_eq!(
            PrivateKey::from_pem(&short).err(),
            Some(KeyError::TooShort(512))
        );
        let message = KeyError::NotPem.to_string();
        assert!(message.contains("openssl genpkey"), "{message}");
    }
}
