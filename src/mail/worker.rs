//! The sender: claims due rows with a lease, sends them concurrently outside any transaction,
//! and records each result. Runs inside `secunity serve` and alone in `secunity worker`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use futures_util::StreamExt;
use lettre::message::Mailbox;
use lettre::message::dkim::DkimConfig;
use rand::Rng;
use tokio::sync::{Notify, Semaphore, watch};

use super::message;
use super::outbox::{self, OutboxRow, Outcome};
use super::template::{self, Prepared, TemplateCache};
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
    templates: Arc<TemplateCache>,
}

impl Sender {
    /// Builds a sender from the settings (transport, sender address, DKIM key).
    pub fn from_config(config: &Config, db: Db) -> anyhow::Result<Self> {
        let from: Mailbox = config
            .mail_from
            .parse()
            .map_err(|e| anyhow::anyhow!("MAIL_FROM is not a valid address: {e}"))?;
        let dkim = match &config.dkim {
            Some(settings) => Some(Arc::new(super::dkim::dkim_config(settings)?)),
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
            templates: Arc::default(),
        }
    }

    /// Sends until `shutdown` turns true; the batch in flight (and the one claimed ahead of it)
    /// is finished first.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        tracing::info!(owner = %self.owner, "mail sender started");
        let mut ahead: Option<Vec<OutboxRow>> = None;
        loop {
            if *shutdown.borrow() && ahead.is_none() {
                break;
            }
            let rows = match ahead.take() {
                Some(rows) => Ok(rows),
                None => self.claim().await,
            };
            let pause = match rows {
                Ok(rows) if rows.is_empty() => self.settings.idle_poll,
                Ok(rows) => {
                    let claim_ahead = !*shutdown.borrow();
                    let (sent, next) = self.send_batch(rows, claim_ahead).await;
                    ahead = next;
                    match sent {
                        Ok(()) => Duration::ZERO,
                        Err(e) => {
                            tracing::warn!(error = %format!("{e:#}"), "mail sender: recording failed");
                            Duration::from_secs(2)
                        }
                    }
                }
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
        let rows = self.claim().await?;
        let count = rows.len();
        self.send_batch(rows, false).await.0?;
        Ok(count)
    }

    /// Claims the next batch with a lease.
    async fn claim(&self) -> anyhow::Result<Vec<OutboxRow>> {
        let owner = self.owner.clone();
        let batch = self.settings.batch;
        let rate = f64::from(self.settings.rate);
        let lease = chrono::Duration::from_std(self.settings.lease)?;
        let templates = self.templates.clone();
        Ok(self
            .db
            .run(move |c| {
                let rows = outbox::claim(c, &owner, batch, rate, lease)?;
                // The templates of the batch that this sender has not prepared yet: one query.
                let missing = templates.missing(rows.iter().filter_map(|r| r.template_id));
                if !missing.is_empty() {
                    templates.insert(template::load(c, &missing)?);
                }
                Ok::<_, diesel::result::Error>(rows)
            })
            .await?)
    }

    /// The prepared template of a row (loaded now if the cache let it go since the claim).
    async fn template(&self, id: i64) -> Result<Arc<Result<Prepared, String>>, String> {
        if let Some(t) = self.templates.get(id) {
            return Ok(t);
        }
        let templates = self.templates.clone();
        let loaded = self
            .db
            .run(move |c| template::load(c, &[id]))
            .await
            .map_err(|e| format!("cannot load mail template {id}: {e}"))?;
        if loaded.is_empty() {
            return Ok(Arc::new(Err(format!("mail template {id} does not exist"))));
        }
        templates.insert(loaded);
        templates
            .get(id)
            .ok_or_else(|| format!("mail template {id} was not kept"))
    }

    /// Sends a claimed batch and records every outcome.
    ///
    /// At most one chunk (`MAIL_CONCURRENCY × 16` messages) is ever sent without its outcome
    /// being recorded: a message takes a slot of that window before it is sent and gives it back
    /// only once its outcome is committed, so a crash re-sends at most one chunk. Within the
    /// window, sending goes on while the outcomes collected so far are committed (a sliding
    /// window rather than stop-and-wait, so the SMTP connections do not idle during each
    /// commit). All database work of the batch happens in one place, one statement at a time:
    /// recording, and with `claim_ahead` the claim of the next batch once the last chunk of this
    /// one is under way (a claimed row that is never sent is no duplicate: its lease expires
    /// and it is sent once, later). The next batch is returned, claimed.
    async fn send_batch(
        &self,
        rows: Vec<OutboxRow>,
        claim_ahead: bool,
    ) -> (anyhow::Result<()>, Option<Vec<OutboxRow>>) {
        let chunk = (self.settings.concurrency * 16).max(16);
        #[cfg(feature = "test-seams")]
        let chunk = crate::test_seams::send_window(chunk);
        let window = &Semaphore::new(chunk);
        let pending: &Mutex<Vec<(i64, Outcome)>> = &Mutex::new(Vec::new());
        let wake = &Notify::new();
        let sending_done = &AtomicBool::new(false);
        let near_end = &AtomicBool::new(false);
        let near_end_at = rows.len().saturating_sub(chunk);
        let half = chunk / 2;

        let sending = async {
            futures_util::stream::iter(rows.into_iter().enumerate())
                .map(|(i, row)| async move {
                    if i == near_end_at {
                        near_end.store(true, Ordering::SeqCst);
                        wake.notify_one();
                    }
                    // Closed when recording failed: leave the rest to a later claim.
                    let Ok(slot) = window.acquire().await else {
                        return;
                    };
                    let outcome = self.attempt(&row).await;
                    // The slot comes back when the outcome is committed.
                    slot.forget();
                    lock(pending).push((row.id, outcome));
                    wake.notify_one();
                })
                .buffer_unordered(self.settings.concurrency)
                .collect::<()>()
                .await;
            sending_done.store(true, Ordering::SeqCst);
            wake.notify_one();
        };

        let database = async {
            let mut ahead = None;
            let mut claimed_ahead = !claim_ahead;
            loop {
                let finished = sending_done.load(Ordering::SeqCst);
                // Half a window at a time (or what is left at the end): large enough to keep the
                // commits few, small enough that sending goes on during each one.
                let outcomes = {
                    let mut pending = lock(pending);
                    if pending.len() >= half || (finished && !pending.is_empty()) {
                        std::mem::take(&mut *pending)
                    } else {
                        Vec::new()
                    }
                };
                if !outcomes.is_empty() {
                    let done = outcomes.len();
                    if let Err(e) = self.record(outcomes).await {
                        window.close();
                        return (Err(e), ahead);
                    }
                    window.add_permits(done);
                    continue;
                }
                if !claimed_ahead && near_end.load(Ordering::SeqCst) {
                    claimed_ahead = true;
                    match self.claim().await {
                        Ok(next) if !next.is_empty() => ahead = Some(next),
                        Ok(_) => {}
                        Err(e) => {
                            tracing::warn!(error = %format!("{e:#}"), "mail sender: claim failed");
                        }
                    }
                    continue;
                }
                if finished {
                    return (Ok(()), ahead);
                }
                wake.notified().await;
            }
        };

        let ((), result) = tokio::join!(sending, database);
        result
    }

    /// Commits the outcomes of sent messages.
    async fn record(&self, outcomes: Vec<(i64, Outcome)>) -> anyhow::Result<()> {
        let owner = self.owner.clone();
        self.db
            .run(move |c| outbox::record(c, &owner, &outcomes))
            .await?;
        Ok(())
    }

    async fn attempt(&self, row: &OutboxRow) -> Outcome {
        let built = match row.template_id {
            None => message::build(row, &self.from, self.dkim.as_deref()),
            Some(id) => match self.template(id).await {
                Ok(t) => match t.as_ref() {
                    Ok(prepared) => {
                        message::build_templated(row, prepared, &self.from, self.dkim.as_deref())
                    }
                    Err(e) => Err(message::BuildError(e.clone())),
                },
                // The database is away: like a connection error, try again later.
                Err(error) => return self.retry_or_fail(row, error),
            },
        };
        let message = match built {
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
                if e.permanent {
                    Outcome::Failed { error: e.message }
                } else {
                    self.retry_or_fail(row, e.message)
                }
            }
        }
    }

    /// A temporary failure: retry with backoff, or give up after the last attempt.
    fn retry_or_fail(&self, row: &OutboxRow, error: String) -> Outcome {
        let attempts = row.attempts + 1;
        if attempts >= self.settings.max_attempts {
            Outcome::Failed { error }
        } else {
            let delay = chrono::Duration::from_std(self.settings.backoff(attempts))
                .unwrap_or(chrono::Duration::hours(1));
            Outcome::Retry {
                at: Utc::now().naive_utc() + delay,
                error,
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
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
