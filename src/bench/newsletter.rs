//! `secunity bench newsletter`: a campaign to many subscribers, from "send" to the last message
//! accepted by an SMTP listener on loopback, on SQLite (a temporary file) or PostgreSQL (a
//! temporary database on the given server). Reports messages per second, time to the first
//! message and the process's peak memory.

use secrecy::ExposeSecret;
use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::Context;
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::bench::sink::SmtpServer;
use crate::config::Config;
use crate::db::{Db, DbConn};
use crate::newsletter::campaigns;
use crate::newsletter::links::Links;
use crate::schema::{newsletter_subscriber_topics as sub_topics, newsletter_subscribers as subs};
use crate::time::now_utc;

/// What to measure.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    /// Subscribers in the audience.
    pub subscribers: usize,
    /// `None`: a temporary SQLite file; `Some(postgres://.../db)`: a temporary database created
    /// next to that one (and dropped afterwards).
    pub postgres_admin_url: Option<String>,
    /// SMTP connections.
    pub concurrency: u32,
    /// Give up after this long.
    pub timeout: Duration,
}

impl Default for BenchOptions {
    fn default() -> Self {
        Self {
            subscribers: 100_000,
            postgres_admin_url: None,
            concurrency: 8,
            timeout: Duration::from_secs(600),
        }
    }
}

/// Peak resident memory of this process (VmHWM), in MiB; 0 where /proc is missing.
pub fn peak_memory_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// How the seeded subscribers' addresses begin (`bench000001@example.jp`).
pub const SUBSCRIBER_PREFIX: &str = "bench";

/// Stores `n` active subscribers of the topic `alerts`, 1,000 per transaction.
pub fn seed(conn: &mut DbConn, links: &Links, n: usize) -> QueryResult<()> {
    let at = now_utc();
    let mut next = 0usize;
    while next < n {
        let end = (next + 1000).min(n);
        conn.transaction(|conn| {
            let rows: Vec<_> = (next..end)
                .map(|i| {
                    let nonce = format!("bench-{i}");
                    (
                        subs::email.eq(format!("{SUBSCRIBER_PREFIX}{i:06}@example.jp")),
                        subs::name.eq(format!("ベンチ {i}")),
                        subs::status.eq(crate::newsletter::queries::SubscriberStatus::Active),
                        subs::pref_token_hash.eq(Some(links.pref_hash(&nonce))),
                        subs::pref_nonce.eq(nonce),
                        subs::consent_source.eq("bench"),
                        subs::created_at.eq(at),
                        subs::updated_at.eq(at),
                    )
                })
                .collect();
            let ids: Vec<i64> = crate::per_backend!(conn, |c| diesel::insert_into(subs::table)
                .values(&rows)
                .returning(subs::id)
                .get_results(c))?;
            let topics: Vec<_> = ids
                .iter()
                .map(|id| {
                    (
                        sub_topics::subscriber_id.eq(*id),
                        sub_topics::topic_code.eq("alerts"),
                    )
                })
                .collect();
            crate::per_backend!(conn, |c| diesel::insert_into(sub_topics::table)
                .values(&topics)
                .execute(c))?;
            Ok::<_, diesel::result::Error>(())
        })?;
        next = end;
    }
    Ok(())
}

/// A temporary PostgreSQL database, dropped at the end.
struct TempPg {
    admin: String,
    name: String,
}

impl Drop for TempPg {
    fn drop(&mut self) {
        if let Ok(mut c) = diesel::pg::PgConnection::establish(&self.admin) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut c);
        }
    }
}

/// Runs the benchmark; the figures as one JSON object.
pub async fn run(opts: BenchOptions) -> anyhow::Result<Value> {
    let dir =
        std::env::temp_dir().join(format!("secunity-bench-newsletter-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let mut _pg = None;
    let database_url = match &opts.postgres_admin_url {
        None => format!("sqlite://{}", dir.join("bench.db").display()),
        Some(admin) => {
            let name = format!("secunity_bench_{}", std::process::id());
            let mut c = diesel::pg::PgConnection::establish(admin).context("PostgreSQL")?;
            diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut c)?;
            let (base, _) = admin
                .rsplit_once('/')
                .context("a database URL with a path")?;
            _pg = Some(TempPg {
                admin: admin.clone(),
                name: name.clone(),
            });
            format!("{base}/{name}")
        }
    };
    let smtp = SmtpServer::start_counting().await;
    let env: HashMap<String, String> = [
        ("SECUNITY_DATA_DIR", dir.to_string_lossy().to_string()),
        ("DATABASE_URL", database_url),
        ("DATABASE_POOL_SIZE", "8".into()),
        ("SMTP_URL", smtp.url()),
        ("MAIL_RATE", "1000000".into()),
        ("MAIL_CONCURRENCY", opts.concurrency.to_string()),
        ("MAIL_POLL_MS", "20".into()),
        (
            "SECUNITY_SECRET_KEY",
            "bench-secret-key-that-is-long-enough-0123456789".into(),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let config = Config::from_sources(None, &env)?;
    let db = Db::connect(
        config.database_url.expose_secret(),
        config.database_pool_size,
    )?;
    db.migrate()?;
    let links = Links::from_config(&config);
    let n = opts.subscribers;
    let seed_started = Instant::now();
    db.run(move |c| seed(c, &links, n)).await?;
    let seed_seconds = seed_started.elapsed().as_secs_f64();
    let id = db
        .run(|c| {
            campaigns::create(
                c,
                "【ベンチマーク】セキュリティ注意喚起",
                "# 注意喚起\n\nOSとソフトウェアを最新の状態に保ってください。\n\n- [IPA](https://www.ipa.go.jp/)\n",
                &["alerts".to_string()],
                None,
            )
        })
        .await?;
    let workers = crate::Workers::start(&config, db.clone())?;
    let started = Instant::now();
    db.run(move |c| campaigns::send(c, id, None)).await?;
    let mut first = None;
    while smtp.accepted() < n {
        if first.is_none() && smtp.accepted() > 0 {
            first = Some(started.elapsed());
        }
        anyhow::ensure!(
            started.elapsed() < opts.timeout,
            "only {} of {n} messages arrived in time",
            smtp.accepted()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let first = first.unwrap_or_default();
    workers.stop().await;
    let backend = db.backend().as_str();
    drop(db);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(json!({
        "benchmark": "newsletter",
        "database": backend,
        "subscribers": n,
        "messages": smtp.accepted(),
        "seconds": (elapsed * 1000.0).round() / 1000.0,
        "messages_per_second": (n as f64 / elapsed).round(),
        "time_to_first_message_ms": first.as_millis(),
        "peak_memory_mb": (peak_memory_mib() * 10.0).round() / 10.0,
        "seed_seconds": (seed_seconds * 100.0).round() / 100.0,
        "smtp_concurrency": opts.concurrency,
    }))
}
