//! Typed settings: defaults, then an optional `secunity.toml`, then environment variables.
//!
//! The keys are the same everywhere (`DATABASE_URL`, `SECUNITY_BIND`, ...): a key set in the
//! environment wins over the same key in the file, which wins over the default. Secrets that the
//! operator does not give (the key that signs CSRF tokens and cookies) are generated into the data
//! directory on first run, so a fresh checkout starts with no configuration at all.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};

/// The file read when `SECUNITY_CONFIG` does not name another one.
pub const DEFAULT_CONFIG_FILE: &str = "secunity.toml";

/// Every key the service understands, so that a typo in `secunity.toml` is reported, not ignored.
const KNOWN_KEYS: &[&str] = &[
    "DATABASE_URL",
    "DATABASE_POOL_SIZE",
    "SECUNITY_DATA_DIR",
    "SECUNITY_BIND",
    "SECUNITY_BASE_URL",
    "SECUNITY_SECRET_KEY",
    "SECUNITY_WORKERS",
    "SMTP_URL",
    "MAIL_FROM",
    "MAIL_RATE",
    "MAIL_CONCURRENCY",
    "MAIL_LEASE_SECONDS",
    "MAIL_POLL_MS",
    "MAIL_RETRY_BASE_MS",
    "MAIL_MAX_ATTEMPTS",
    "DKIM_DOMAIN",
    "DKIM_SELECTOR",
    "DKIM_PRIVATE_KEY_FILE",
    "OAUTH_PROVIDER_NAME",
    "OAUTH_CLIENT_ID",
    "OAUTH_CLIENT_SECRET",
    "OAUTH_AUTH_URL",
    "OAUTH_TOKEN_URL",
    "OAUTH_USERINFO_URL",
    "OAUTH_SCOPES",
    "OAUTH_SUBJECT_FIELD",
    "OAUTH_EMAIL_FIELD",
    "OAUTH_NAME_FIELD",
    "RATE_LIMIT_PER_MINUTE",
    "MATCHING_INTRODUCTIONS_PER_WEEK",
    "SECUNITY_TRUSTED_PROXIES",
    "OAUTH_TRUST_EMAIL",
    "SESSION_IDLE_MINUTES_STAFF",
    "SESSION_IDLE_MINUTES_MEMBER",
];

/// Default number of introductions a vendor organization may request per 7 days on the
/// matching board (the setting `MATCHING_INTRODUCTIONS_PER_WEEK` overrides it).
pub const DEFAULT_INTRODUCTIONS_PER_WEEK: u32 = 5;

/// A staff session ends after two hours without a request: the back office reaches everyone's
/// personal data, and a forgotten browser on a shared office PC should not stay signed in.
pub const DEFAULT_IDLE_MINUTES_STAFF: u32 = 120;
/// A member's session ends after seven days without a request (the session itself lasts at
/// most 14 days): members come back weekly to the board without signing in each time.
pub const DEFAULT_IDLE_MINUTES_MEMBER: u32 = 7 * 24 * 60;

/// The key that signs CSRF tokens, personal links and check-in codes: shared by every part of
/// the process, printed as `[REDACTED]` by `Debug`.
pub type SecretKey = std::sync::Arc<secrecy::SecretSlice<u8>>;

fn secret_key(bytes: Vec<u8>) -> SecretKey {
    std::sync::Arc::new(bytes.into())
}

/// One configured OAuth2 provider (for example gBizID).
#[derive(Debug, Clone)]
pub struct OAuthSettings {
    /// Name shown on the login button.
    pub provider_name: String,
    /// Client id registered with the provider.
    pub client_id: String,
    /// Client secret registered with the provider.
    pub client_secret: SecretString,
    /// Authorization endpoint.
    pub auth_url: String,
    /// Token endpoint.
    pub token_url: String,
    /// Userinfo endpoint.
    pub userinfo_url: String,
    /// Scopes requested at authorization.
    pub scopes: Vec<String>,
    /// Userinfo field that holds the stable subject id.
    pub subject_field: String,
    /// Userinfo field that holds the verified email address.
    pub email_field: String,
    /// Userinfo field that holds the display name.
    pub name_field: String,
    /// `OAUTH_TRUST_EMAIL`: the provider verifies every address it asserts (by contract, as
    /// gBizID does), so an address without an `email_verified` claim counts as verified. An
    /// explicit `email_verified: false` is never trusted.
    pub trust_email: bool,
}

/// Optional DKIM signing of outbound mail.
#[derive(Debug, Clone)]
pub struct DkimSettings {
    /// Signing domain (`d=`).
    pub domain: String,
    /// Selector (`s=`).
    pub selector: String,
    /// PEM file with the private key (RSA or Ed25519).
    pub private_key_file: PathBuf,
}

/// All settings of one running service.
#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite://PATH` or `postgres://...` (secret: a PostgreSQL URL may carry a password).
    pub database_url: SecretString,
    /// Connections in the pool.
    pub database_pool_size: u32,
    /// Directory for the SQLite file, mail files and generated secrets.
    pub data_dir: PathBuf,
    /// Listen address.
    pub bind: String,
    /// Absolute base URL for links in mails and feeds, without a trailing slash.
    pub base_url: String,
    /// Secret key (at least 32 bytes) for CSRF tokens and signed values.
    pub secret_key: SecretKey,
    /// HTTP worker threads (0: one per core).
    pub http_workers: usize,
    /// SMTP server; `None` writes mail as `.eml` files under `data/outbox/`.
    pub smtp_url: Option<SecretString>,
    /// Sender address of every mail.
    pub mail_from: String,
    /// Messages per second, all senders together.
    pub mail_rate: u32,
    /// SMTP connections.
    pub mail_concurrency: u32,
    /// How long a sender's claim on a message lasts before another sender may take it over.
    pub mail_lease_seconds: u32,
    /// How often an idle sender looks for due mail.
    pub mail_poll_ms: u32,
    /// First retry delay after a temporary failure (doubled at each attempt).
    pub mail_retry_base_ms: u32,
    /// Attempts before a temporary failure becomes final.
    pub mail_max_attempts: u32,
    /// DKIM signing, when configured.
    pub dkim: Option<DkimSettings>,
    /// The OAuth2 provider, when configured.
    pub oauth: Option<OAuthSettings>,
    /// Requests per minute and client IP on public forms that write or send mail.
    pub rate_limit_per_minute: u32,
    /// Introductions a vendor organization may request per 7 days on the matching board.
    pub matching_introductions_per_week: u32,
    /// Reverse proxies whose `X-Forwarded-For` names the client (empty: the peer address is
    /// the client).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Minutes without a request after which a staff or admin session ends.
    pub session_idle_minutes_staff: u32,
    /// Minutes without a request after which a member's session ends.
    pub session_idle_minutes_member: u32,
}

impl Config {
    /// Reads `secunity.toml` (or the file named by `SECUNITY_CONFIG`) when present and the process
    /// environment, and generates missing secrets into the data directory.
    pub fn load() -> anyhow::Result<Self> {
        let file = std::env::var("SECUNITY_CONFIG").unwrap_or_else(|_| DEFAULT_CONFIG_FILE.into());
        let file_text = match std::fs::read_to_string(&file) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e).with_context(|| format!("reading {file}")),
        };
        let env: HashMap<String, String> = std::env::vars().collect();
        let mut config = Self::from_sources(file_text.as_deref(), &env)?;
        if config.secret_key.expose_secret().is_empty() {
            config.secret_key = secret_key(load_or_create_secret(&config.data_dir)?);
        }
        Ok(config)
    }

    /// Builds the settings from the text of a TOML file and a map of environment variables.
    /// Leaves `secret_key` empty when neither gives one (see [`Config::load`]).
    pub fn from_sources(
        file_text: Option<&str>,
        env: &HashMap<String, String>,
    ) -> anyhow::Result<Self> {
        let mut raw: HashMap<String, String> = HashMap::new();
        if let Some(text) = file_text {
            let table: toml::Table = text.parse().context("secunity.toml is not valid TOML")?;
            for (key, value) in table {
                if !KNOWN_KEYS.contains(&key.as_str()) {
                    bail!("secunity.toml: unknown key {key}");
                }
                let value = match value {
                    toml::Value::String(s) => s,
                    toml::Value::Integer(i) => i.to_string(),
                    toml::Value::Boolean(b) => b.to_string(),
                    other => {
                        bail!("secunity.toml: {key} must be a string or a number, not {other}")
                    }
                };
                raw.insert(key, value);
            }
        }
        for key in KNOWN_KEYS {
            if let Some(value) = env.get(*key).filter(|v| !v.is_empty()) {
                raw.insert((*key).to_string(), value.clone());
            }
        }
        let get = |key: &str| raw.get(key).cloned();
        let number = |key: &str, default: u32| -> anyhow::Result<u32> {
            match raw.get(key) {
                Some(v) => v
                    .trim()
                    .parse()
                    .with_context(|| format!("{key} must be a whole number, not {v:?}")),
                None => Ok(default),
            }
        };

        let flag = |key: &str| -> anyhow::Result<bool> {
            match raw.get(key).map(|v| v.trim().to_ascii_lowercase()) {
                None => Ok(false),
                Some(v) if v == "true" || v == "1" => Ok(true),
                Some(v) if v == "false" || v == "0" => Ok(false),
                Some(v) => bail!("{key} must be true or false, not {v:?}"),
            }
        };

        let data_dir = PathBuf::from(get("SECUNITY_DATA_DIR").unwrap_or_else(|| "data".into()));
        let database_url = SecretString::from(
            get("DATABASE_URL")
                .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("secunity.db").display())),
        );
        let base_url = get("SECUNITY_BASE_URL")
            .unwrap_or_else(|| "http://127.0.0.1:8080".into())
            .trim_end_matches('/')
            .to_string();
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            bail!("SECUNITY_BASE_URL must start with http:// or https://");
        }
        let secret_key_bytes = get("SECUNITY_SECRET_KEY")
            .map(|s| s.into_bytes())
            .unwrap_or_default();
        if !secret_key_bytes.is_empty() && secret_key_bytes.len() < 32 {
            bail!("SECUNITY_SECRET_KEY must be at least 32 characters long");
        }
        let mail_rate = number("MAIL_RATE", 50)?;
        let mail_concurrency = number("MAIL_CONCURRENCY", 4)?;
        if mail_rate == 0 || mail_concurrency == 0 {
            bail!("MAIL_RATE and MAIL_CONCURRENCY must be at least 1");
        }

        let dkim = match (
            get("DKIM_DOMAIN"),
            get("DKIM_SELECTOR"),
            get("DKIM_PRIVATE_KEY_FILE"),
        ) {
            (Some(domain), Some(selector), Some(file)) => Some(DkimSettings {
                domain,
                selector,
                private_key_file: file.into(),
            }),
            (None, None, None) => None,
            _ => bail!("DKIM needs all of DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE"),
        };

        let oauth = match get("OAUTH_CLIENT_ID") {
            None => None,
            Some(client_id) => {
                let required = |key: &str| {
                    get(key)
                        .with_context(|| format!("{key} is required when OAUTH_CLIENT_ID is set"))
                };
                Some(OAuthSettings {
                    provider_name: get("OAUTH_PROVIDER_NAME").unwrap_or_else(|| "OAuth".into()),
                    client_id,
                    client_secret: required("OAUTH_CLIENT_SECRET")?.into(),
                    auth_url: required("OAUTH_AUTH_URL")?,
                    token_url: required("OAUTH_TOKEN_URL")?,
                    userinfo_url: required("OAUTH_USERINFO_URL")?,
                    scopes: get("OAUTH_SCOPES")
                        .unwrap_or_else(|| "openid email profile".into())
                        .split([' ', ','])
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect(),
                    subject_field: get("OAUTH_SUBJECT_FIELD").unwrap_or_else(|| "sub".into()),
                    email_field: get("OAUTH_EMAIL_FIELD").unwrap_or_else(|| "email".into()),
                    name_field: get("OAUTH_NAME_FIELD").unwrap_or_else(|| "name".into()),
                    trust_email: flag("OAUTH_TRUST_EMAIL")?,
                })
            }
        };

        Ok(Self {
            database_url,
            database_pool_size: number("DATABASE_POOL_SIZE", 10)?.max(2),
            data_dir,
            bind: get("SECUNITY_BIND").unwrap_or_else(|| "127.0.0.1:8080".into()),
            base_url,
            secret_key: secret_key(secret_key_bytes),
            http_workers: number("SECUNITY_WORKERS", 0)? as usize,
            smtp_url: get("SMTP_URL").map(SecretString::from),
            mail_from: get("MAIL_FROM")
                .unwrap_or_else(|| "地域SECUNITY <no-reply@localhost>".into()),
            mail_rate,
            mail_concurrency,
            mail_lease_seconds: number("MAIL_LEASE_SECONDS", 120)?.max(1),
            mail_poll_ms: number("MAIL_POLL_MS", 250)?.max(10),
            mail_retry_base_ms: number("MAIL_RETRY_BASE_MS", 30_000)?,
            mail_max_attempts: number("MAIL_MAX_ATTEMPTS", 8)?.max(1),
            dkim,
            oauth,
            rate_limit_per_minute: number("RATE_LIMIT_PER_MINUTE", 20)?.max(1),
            matching_introductions_per_week: number(
                "MATCHING_INTRODUCTIONS_PER_WEEK",
                DEFAULT_INTRODUCTIONS_PER_WEEK,
            )?,
            trusted_proxies: parse_trusted_proxies(
                &get("SECUNITY_TRUSTED_PROXIES").unwrap_or_default(),
            )
            .map_err(|e| anyhow::anyhow!("SECUNITY_TRUSTED_PROXIES: {e}"))?,
            session_idle_minutes_staff: number(
                "SESSION_IDLE_MINUTES_STAFF",
                DEFAULT_IDLE_MINUTES_STAFF,
            )?
            .max(1),
            session_idle_minutes_member: number(
                "SESSION_IDLE_MINUTES_MEMBER",
                DEFAULT_IDLE_MINUTES_MEMBER,
            )?
            .max(1),
        })
    }

    /// Whether links and cookies are served over https (cookies get `Secure` and `__Host-`).
    pub fn is_https(&self) -> bool {
        self.base_url.starts_with("https://")
    }

    /// Directory where mails are written when no SMTP server is configured.
    pub fn outbox_dir(&self) -> PathBuf {
        self.data_dir.join("outbox")
    }
}

/// Reads `SECUNITY_TRUSTED_PROXIES`: addresses or CIDR ranges, separated by commas or spaces.
pub fn parse_trusted_proxies(value: &str) -> Result<Vec<ipnet::IpNet>, String> {
    value
        .split([',', ' '])
        .filter(|s| !s.is_empty())
        .map(|item| {
            item.parse::<ipnet::IpNet>()
                .or_else(|_| item.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| format!("{item:?} is neither an IP address nor a CIDR range"))
        })
        .collect()
}

/// Reads `secret.key` from the data directory, or creates it with 64 random bytes (owner-only).
fn load_or_create_secret(data_dir: &Path) -> anyhow::Result<Vec<u8>> {
    let path = data_dir.join("secret.key");
    match std::fs::read(&path) {
        Ok(bytes) if bytes.len() >= 32 => return Ok(bytes),
        Ok(_) => bail!("{} is shorter than 32 bytes", path.display()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    }
    crate::private_fs::create_dir_all(data_dir)
        .with_context(|| format!("creating the data directory {}", data_dir.display()))?;
    let mut key = vec![0u8; 64];
    rand::rng().fill_bytes(&mut key);
    crate::private_fs::write_new(&path, &key)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_settings_never_print_their_secrets() {
        let c = Config::from_sources(
            None,
            &env(&[
                ("SECUNITY_SECRET_KEY", "k-0123456789-0123456789-0123456789"),
                ("SMTP_URL", "smtp://user:pa55word@mail.example.jp:587"),
                (
                    "DATABASE_URL",
                    "postgres://app:db-pa55@db.example.jp/secunity",
                ),
                ("OAUTH_CLIENT_ID", "client"),
                ("OAUTH_CLIENT_SECRET", "oauth-s3cret"),
                ("OAUTH_AUTH_URL", "https://id.example.jp/auth"),
                ("OAUTH_TOKEN_URL", "https://id.example.jp/token"),
                ("OAUTH_USERINFO_URL", "https://id.example.jp/userinfo"),
            ]),
        )
        .unwrap();
        let printed = format!("{c:?}");
        for secret in ["0123456789", "pa55word", "oauth-s3cret", "db-pa55"] {
            assert!(!printed.contains(secret), "{secret} in {printed}");
        }
        assert!(printed.contains("REDACTED"));
        assert_eq!(
            c.smtp_url.as_ref().map(|u| u.expose_secret().to_string()),
            Some("smtp://user:pa55word@mail.example.jp:587".to_string())
        );
    }

    #[test]
    fn defaults_follow_the_contract() {
        let c = Config::from_sources(None, &env(&[])).unwrap();
        assert_eq!(c.database_url.expose_secret(), "sqlite://data/secunity.db");
        assert_eq!(c.bind, "127.0.0.1:8080");
        assert_eq!(c.base_url, "http://127.0.0.1:8080");
        assert_eq!(c.mail_rate, 50);
        assert_eq!(c.mail_concurrency, 4);
        assert_eq!(c.mail_from, "地域SECUNITY <no-reply@localhost>");
        assert!(c.smtp_url.is_none() && c.oauth.is_none() && c.dkim.is_none());
    }

    #[test]
    fn environment_wins_over_file() {
        let file = "SECUNITY_BIND = \"0.0.0.0:9000\"\nMAIL_RATE = 10\n";
        let c = Config::from_sources(Some(file), &env(&[("MAIL_RATE", "7")])).unwrap();
        assert_eq!(c.bind, "0.0.0.0:9000");
        assert_eq!(c.mail_rate, 7);
    }

    #[test]
    fn data_dir_moves_the_default_database() {
        let c = Config::from_sources(None, &env(&[("SECUNITY_DATA_DIR", "/tmp/x")])).unwrap();
        assert_eq!(
            c.database_url.expose_secret(),
            "sqlite:///tmp/x/secunity.db"
        );
    }

    #[test]
    fn mistakes_are_reported() {
        assert!(Config::from_sources(Some("DATABSE_URL = \"x\""), &env(&[])).is_err());
        assert!(Config::from_sources(None, &env(&[("MAIL_RATE", "fast")])).is_err());
        assert!(Config::from_sources(None, &env(&[("OAUTH_CLIENT_ID", "x")])).is_err());
        assert!(Config::from_sources(None, &env(&[("SECUNITY_SECRET_KEY", "short")])).is_err());
    }

    #[test]
    fn trusted_proxies_are_addresses_or_ranges() {
        assert_eq!(parse_trusted_proxies("").unwrap(), vec![]);
        assert_eq!(
            parse_trusted_proxies("127.0.0.1 ::1,10.0.0.0/8")
                .unwrap()
                .len(),
            3
        );
        assert!(parse_trusted_proxies("10.0.0.0/33").is_err());
        assert!(parse_trusted_proxies("proxy.example.jp").is_err());
    }

    #[test]
    fn idle_limits_and_email_trust_have_safe_defaults() {
        let c = Config::from_sources(None, &env(&[])).unwrap();
        assert_eq!(c.session_idle_minutes_staff, 120);
        assert_eq!(c.session_idle_minutes_member, 7 * 24 * 60);
        let oauth = [
            ("OAUTH_CLIENT_ID", "id"),
            ("OAUTH_CLIENT_SECRET", "s"),
            ("OAUTH_AUTH_URL", "https://p.example.jp/a"),
            ("OAUTH_TOKEN_URL", "https://p.example.jp/t"),
            ("OAUTH_USERINFO_URL", "https://p.example.jp/u"),
        ];
        let trust = |value: Option<&str>| {
            let mut pairs = oauth.to_vec();
            pairs.extend(value.map(|v| ("OAUTH_TRUST_EMAIL", v)));
            Config::from_sources(None, &env(&pairs)).map(|c| c.oauth.unwrap().trust_email)
        };
        assert!(!trust(None).unwrap());
        assert!(trust(Some("true")).unwrap());
        assert!(!trust(Some("false")).unwrap());
        assert!(trust(Some("yes please")).is_err());
    }

    #[test]
    fn secret_is_generated_once() {
        let dir = std::env::temp_dir().join(format!("secunity-secret-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let first = load_or_create_secret(&dir).unwrap();
        let second = load_or_create_secret(&dir).unwrap();
        assert_eq!(first.len(), 64);
        assert_eq!(first, second);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
