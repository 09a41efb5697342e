//! Where messages go: an SMTP server through lettre's pooled async transport, or `.eml` files
//! under `data/outbox/` (lettre's file transport) when no `SMTP_URL` is set.

use std::time::Duration;

use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

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

/// The transport chosen by the settings.
pub enum Transport {
    /// A pool of SMTP connections.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// `.eml` files in a directory.
    Files(AsyncFileTransport<Tokio1Executor>),
}

impl Transport {
    /// Builds the transport: SMTP from `SMTP_URL` (TLS and auth as the URL says) with
    /// `MAIL_CONCURRENCY` pooled connections, else files under the data directory.
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        match &config.smtp_url {
            Some(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| anyhow::anyhow!("SMTP_URL is not usable: {e}"))?
                    .timeout(Some(Duration::from_secs(30)))
                    .pool_config(
                        PoolConfig::new()
                            .max_size(config.mail_concurrency)
                            .idle_timeout(Duration::from_secs(60)),
                    )
                    .build();
                Ok(Transport::Smtp(transport))
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
            Transport::Smtp(smtp) => smtp.send(message).await.map(|_| ()).map_err(|e| {
                let code = e.status().map(|c| {
                    let text = c.to_string();
                    text.parse::<u16>().unwrap_or(0)
                });
                SendError {
                    permanent: e.is_permanent(),
                    message: truncate(&e.to_string(), 1000),
                    code,
                }
            }),
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
