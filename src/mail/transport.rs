//! Where messages go: an SMTP server through a pool of lettre connections
//! ([`super::smtp::SmtpPool`]), or `.eml` files under `data/outbox/` (lettre's file transport)
//! when no `SMTP_URL` is set.

use std::time::Duration;

use lettre::{AsyncFileTransport, AsyncTransport, Message, Tokio1Executor};

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
    Files(AsyncFileTransport<Tokio1Executor>),
}

impl Transport {
    /// Builds the transport: SMTP from `SMTP_URL` (TLS and auth as the URL says) with
    /// `MAIL_CONCURRENCY` pooled connections, else files under the data directory.
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        match &config.smtp_url {
            Some(url) => {
                let endpoint = SmtpEndpoint::parse(url)
                    .map_err(|e| anyhow::anyhow!("SMTP_URL is not usable: {e}"))?;
                Ok(Transport::Smtp(SmtpPool::new(
                    endpoint,
                    config.mail_concurrency as usize,
                    Duration::from_secs(30),
                    Duration::from_secs(60),
                )))
            }
            None => {
                let dir = config.outbox_dir();
                std::fs::create_dir_all(&dir).map_err(|e| {
                    anyhow::anyhow!("cannot create the mail directory {}: {e}", dir.display())
                })?;
                Ok(Transport::Files(AsyncFileTransport::new(dir)))
            }
        }
    }

    /// Sends one message.
    pub async fn send(&self, message: Message) -> Result<(), SendError> {
        match self {
            Transport::Smtp(pool) => pool.send(message.envelope(), &message.formatted()).await,
            Transport::Files(files) => {
                files
                    .send(message)
                    .await
                    .map(|_| ())
                    .map_err(|e| SendError {
                        permanent: false,
                        message: truncate(&e.to_string(), 1000),
                        code: None,
                    })
            }
        }
    }
}

fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}
