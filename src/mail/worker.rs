//! The sender: claims due rows with a lease, sends them concurrently outside any transaction,
//! and records each result. Runs inside `secunity serve` and alone in `secunity worker`.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use futures_util::StreamExt;
use lettre::message::Mailbox;
use lettre::message::dkim::DkimConfig;
use rand::Rng;
use tokio::sync::watch;

use super::message;
use super::outbox::{self, OutboxRow, Outcome};
use super::transport::Transport;
use crate::config::Config;
use crate::db::Db;

/// How a sender paces itself.
#[derive(Debug, Clone)]
pub struct SenderSettings {
    /// Messages per second, all senders together.
    pub rate: u32,
    /// Messages in flight at once (SMTP connections).
    pub concurrency: usize,
    /// Rows claimed at once.
    pub batch: i64,
    /// How long a claim is valid; a sender that dies leaves its rows to others after this.
    pub lease: Duration,
    /// Sleep between polls when nothing is due.
    pub idle_poll: Duration,
    /// First retry delay; doubled at each attempt, with ±20 % jitter.
    pub retry_base: Duration,
    /// Longest retry delay.
    pub retry_max: Duration,
    /// Attempts before a temporary failure becomes final.
    pub max_attempts: i32,
}

impl SenderSettings {
    /// Production pacing from the settings.
    pub fn from_config(config: &Config) -> Self {
        Self {
            rate: config.mail_rate,
            concurrency: config.mail_concurrency as usize,
            batch: 500,
            lease: Duration::from_secs(config.mail_lease_seconds.into()),
            idle_poll: Duration::from_millis(config.mail_poll_ms.into()),
            retry_base: Duration::from_millis(config.mail_retry_base_ms.into()),
            retry_max: Duration::from_secs(6 * 3600),
            max_attempts: config.mail_max_attempts as i32,
        }
    }

    /// When to try again after `attempts` attempts.
    pub fn backoff(&self, attempts: i32) -> Duration {
        let exp = 2f64.powi((attempts - 1).clamp(0, 30));
        let base = (self.retry_base.as_secs_f64() * exp).min(self.retry_max.as_secs_f64());
        let jitter = rand::rng().random_range(0.8..1.2);
        Duration::from_secs_f64(base * jitter)
    }
}

/// One sender.
pub struct Sender {
    db: Db,
    transport: Arc<Transport>,
    from: Mailbox,
    dkim: Option<Arc<DkimConfig>>,
    settings: SenderSettings,
    owner: String,
}

impl Sender {
    /// Builds a sender from the settings (transport, sender address, DKIM key).
    pub fn from_config(config: &Config, db: Db) -> anyhow::Result<Self> {
        let from: Mailbox = config
            .mail_from
            .parse()
            .map_err(|e| anyhow::anyhow!("MAIL_FROM is not a valid address: {e}"))?;
        let dkim = match &config.dkim {
            Some(settings) => Some(Arc::new(message::dkim_config(settings)?)),
            None => None,
        };
        Ok(Self::new(
            db,
            Arc::new(Transport::from_config(config)?),
            from,
            dkim,
            SenderSettings::from_config(config),
        ))
    }

    /// Builds a sender from its parts.
    pub fn new(
        db: Db,
        transport: Arc<Transport>,
        from: Mailbox,
        dkim: Option<Arc<DkimConfig>>,
        settings: SenderSettings,
    ) -> Self {
        let owner = format!(
            "{}-{}-{:08x}",
            hostname(),
            std::process::id(),
            rand::random::<u32>()
        );
        Self {
            db,
            transport,
            from,
            dkim,
            settings,
            owner,
        }
    }

    /// Sends until `shutdown` turns true; a batch in flight is finished first.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        tracing::info!(owner = %self.owner, "mail sender started");
        loop {
            if *shutdown.borrow() {
                break;
            }
            let pause = match self.run_once().await {
                Ok(0) => self.settings.idle_poll,
                Ok(_) => Duration::ZERO,
                Err(e) => {
                    tracing::warn!(error = %format!("{e:#}"), "mail sender: claim failed");
                    Duration::from_secs(2)
                }
            };
            if !pause.is_zero() {
                tokio::select! {
                    _ = tokio::time::sleep(pause) => {}
                    _ = shutdown.changed() => {}
                }
            }
        }
        tracing::info!(owner = %self.owner, "mail sender stopped");
    }

    /// Claims one batch, sends it and records the results; returns how many rows it handled.
    pub async fn run_once(&self) -> anyhow::Result<usize> {
        let owner = self.owner.clone();
        let batch = self.settings.batch;
        let rate = f64::from(self.settings.rate);
        let lease = chrono::Duration::from_std(self.settings.lease)?;
        let rows = self
            .db
            .run(move |c| outbox::claim(c, &owner, batch, rate, lease))
            .await?;
        let count = rows.len();
        // Record in chunks, so a crash re-sends at most one chunk's worth.
        let chunk = (self.settings.concurrency * 16).max(16);
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let part: Vec<OutboxRow> = rows.by_ref().take(chunk).collect();
            let outcomes: Vec<(i64, Outcome)> = futures_util::stream::iter(part)
                .map(|row| async move {
                    let outcome = self.attempt(&row).await;
                    (row.id, outcome)
                })
                .buffer_unordered(self.settings.concurrency)
                .collect()
                .await;
            let owner = self.owner.clone();
            self.db
                .run(move |c| outbox::record(c, &owner, &outcomes))
                .await?;
        }
        Ok(count)
    }

    async fn attempt(&self, row: &OutboxRow) -> Outcome {
        let message = match message::build(row, &self.from, self.dkim.as_deref()) {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!(outbox_id = row.id, "mail cannot be built");
                return Outcome::Failed { error: e.0 };
            }
        };
        match self.transport.send(message).await {
            Ok(()) => Outcome::Sent,
            Err(e) => {
                let attempts = row.attempts + 1;
                tracing::info!(
                    outbox_id = row.id,
                    code = e.code,
                    permanent = e.permanent,
                    attempts,
                    "mail not accepted"
                );
                if e.permanent || attempts >= self.settings.max_attempts {
                    Outcome::Failed { error: e.message }
                } else {
                    let delay = chrono::Duration::from_std(self.settings.backoff(attempts))
                        .unwrap_or(chrono::Duration::hours(1));
                    Outcome::Retry {
                        at: Utc::now().naive_utc() + delay,
                        error: e.message,
                    }
                }
            }
        }
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "host".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_a_cap() {
        let s = SenderSettings {
            rate: 10,
            concurrency: 1,
            batch: 10,
            lease: Duration::from_secs(60),
            idle_poll: Duration::from_millis(100),
            retry_base: Duration::from_secs(30),
            retry_max: Duration::from_secs(3600),
            max_attempts: 8,
        };
        let first = s.backoff(1).as_secs_f64();
        assert!((24.0..=36.0).contains(&first), "{first}");
        let third = s.backoff(3).as_secs_f64();
        assert!((96.0..=144.0).contains(&third), "{third}");
        assert!(s.backoff(30).as_secs_f64() <= 3600.0 * 1.2);
    }
}
