//! The background task of the newsletter: starts scheduled campaigns, expands sending ones
//! into the outbox batch by batch, and forgets unconfirmed subscriptions after their link
//! expired.

use std::time::{Duration, Instant};

use tokio::sync::watch;

use super::campaigns;
use super::links::Links;
use super::queries;
use crate::config::Config;
use crate::db::Db;
use crate::mail::Mailer;

/// Subscribers queued per transaction.
pub const BATCH: i64 = 1000;
/// How often unconfirmed subscriptions are cleaned up.
const EXPIRE_EVERY: Duration = Duration::from_secs(300);

/// Does one round: every due campaign gets one batch. Returns how much work was done (rows
/// queued, plus one per campaign that has more to do); zero means idle.
pub fn run_once(
    conn: &mut crate::db::DbConn,
    links: &Links,
    mailer: &Mailer,
    batch: i64,
) -> diesel::QueryResult<usize> {
    let mut work = 0;
    for id in campaigns::due(conn)? {
        let (n, done) = campaigns::expand_batch(conn, links, mailer, id, batch)?;
        // A batch that was queued before (a restart) inserts nothing but is still progress.
        work += n + usize::from(!done);
    }
    Ok(work)
}

/// The campaign task of [`crate::Workers`], built from the settings.
pub fn task(
    config: &Config,
    db: Db,
    shutdown: watch::Receiver<bool>,
) -> impl Future<Output = ()> + Send + 'static {
    let idle =
        Duration::from_millis(u64::from(config.mail_poll_ms) * 4).max(Duration::from_millis(50));
    run_campaigns(
        db,
        Links::from_config(config),
        Mailer::new(config),
        idle,
        shutdown,
    )
}

/// Runs until `shutdown` turns true: while campaigns are sending it expands them batch after
/// batch, otherwise it polls every few poll intervals of the mail sender.
pub async fn run_campaigns(
    db: Db,
    links: Links,
    mailer: Mailer,
    idle: Duration,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut last_expiry: Option<Instant> = None;
    loop {
        if *shutdown.borrow() {
            break;
        }
        if last_expiry.is_none_or(|t| t.elapsed() >= EXPIRE_EVERY) {
            last_expiry = Some(Instant::now());
            if let Err(e) = db.run(queries::expire_pending).await {
                tracing::warn!(error = %e, "newsletter: expiring pending subscriptions failed");
            }
        }
        let (links, mailer) = (links.clone(), mailer.clone());
        let worked = db.run(move |c| run_once(c, &links, &mailer, BATCH)).await;
        let pause = match worked {
            Ok(0) => idle,
            Ok(_) => Duration::ZERO,
            Err(e) => {
                tracing::warn!(error = %e, "newsletter: campaign expansion failed");
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
}
