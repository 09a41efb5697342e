//! Where messages go: an SMTP server through a pool of lettre connections
//! ([`super::smtp::SmtpPool`]), or `.eml` files under `data/outbox/` when no `SMTP_URL` is set.

use std::path::PathBuf;
use std::time::Duration;

use lettre::Message;
use rand::RngCore;

use super::smtp::{SmtpEndpoint, SmtpPool};
use crate::config::Config;

/// Why a send did not go through.
#[derive(Debug, Clone)]
pub struct SendError {
    /// A 5xx reply: retrying will not help.
    pub permanent: bool,
    /// The server's reply, or the connection error.
    pub message: String,
    /// The SMTP reply code, when there was one.
    pub code: Option<u16>,
}

impl SendError {
    /// A temporary failure without an SMTP reply (connection refused, timeout).
    pub fn temporary(message: String) -> Self {
        Self {
            permanent: false,
            message: truncate(&message, 1000),
            code: None,
        }
    }

    /// The failure lettre reported: permanent for a 5xx reply, temporary otherwise.
    pub fn from_smtp(e: &lettre::transport::smtp::Error) -> Self {
        Self {
            permanent: e.is_permanent(),
            message: truncate(&e.to_string(), 1000),
            code: e
                .status()
                .map(|c| c.to_string().parse::<u16>().unwrap_or(0)),
        }
    }
}

/// The transport chosen by the settings.
pub enum Transport {
    /// A pool of SMTP connections.
    Smtp(SmtpPool),
    /// `.eml` files in a directory.
    Files(MailDir),
}

/// A directory of `.eml` files, one per message, readable by the service's user only (they
/// hold sign-in links). Written here rather than with lettre's file transport, which creates
/// its files with the process's default mode.
pub struct MailDir {
    dir: PathBuf,
}

impl MailDir {
    /// Creates the directory (owner-only) when missing.
    pub fn open(dir: PathBuf) -> anyhow::Result<Self> {
        crate::private_fs::create_dir_all(&dir).map_err(|e| {
            anyhow::anyhow!("cannot create the mail directory {}: {e}", dir.display())
        })?;
        Ok(Self { dir })
    }

    /// Writes one message as `<random>.eml` (complete or not at all).
    async fn write(&self, message: &Message) -> std::io::Result<()> {
        let mut name = [0u8; 16];
        rand::rng().fill_bytes(&mut name);
        let name: String = name.iter().map(|b| format!("{b:02x}")).collect();
        let path = self.dir.join(format!("{name}.eml"));
        let bytes = message.formatted();
        tokio::task::spawn_blocking(move || crate::private_fs::write_new(&path, &bytes))
            .await
            .map_err(std::io::Error::other)?
    }
}

impl Transport {
    /// Builds the transport: SMTP from `SMTP_URL` (TLS and auth as the URL says) with
    /// `MAIL_CONCURRENCY` pooled connections, else files under the data directory.
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        match &config.smtp_url {
            Some(url) => {
                let endpoint = SmtpEndpoint::parse(secrecy::ExposeSecret::expose_secret(url))
                    .map_err(|e| anyhow::anyhow!("SMTP_URL is not usable: {e}"))?;
                Ok(Transport::Smtp(SmtpPool::new(
                    endpoint,
                    config.mail_concurrency as usize,
                    Duration::from_secs(30),
                    Duration::from_secs(60),
                )))
            }
            None => Ok(Transport::Files(MailDir::open(config.outbox_dir())?)),
        }
    }

    /// Sends one message.
    pub async fn send(&self, message: Message) -> Result<(), SendError> {
        match self {
            Transport::Smtp(pool) => pool.send(message.envelope(), &message.formatted()).await,
            Transport::Files(files) => files
                .write(&message)
                .await
                .map_err(|e| SendError::temporary(e.to_string())),
        }
    }
}

fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}
