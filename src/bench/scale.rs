//! `secunity bench scale --database postgres://...`: the service as it scales out. Two
//! `secunity serve` processes and one `secunity worker` (this same binary) run on one scratch
//! PostgreSQL database; a registration rush goes to both servers at once, then a newsletter
//! campaign reaches 10,000 subscribers through the three processes' mail senders, into a
//! recording SMTP listener on loopback. The last line says how fast, and whether it was exact:
//! confirmed registrations equal the seats, the waitlist runs 1..n without a gap, and every
//! recipient got exactly one Message-ID (a message delivered twice counts as a duplicate).

use std::collections::{BTreeMap, HashMap};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use diesel::prelude::*;
use serde::Serialize;

use super::registrations::{BurstClient, Registrants, bench_seminar, burst};
use super::sink::SmtpServer;
use super::{Latency, ScratchDatabase, per_second, round, say};
use crate::db::{Db, DbConn};
use crate::newsletter::campaigns;
use crate::newsletter::links::Links;

/// The settings of `secunity bench scale`.
#[derive(Debug, Clone, clap::Args)]
pub struct ScaleBenchArgs {
    /// An administrative PostgreSQL URL: a scratch database is created on that server and
    /// dropped at the end.
    #[arg(long, default_value = "postgres://postgres@127.0.0.1/postgres")]
    pub database: String,
    /// Registrations in the rush, half to each server.
    #[arg(long, default_value_t = 2_000)]
    pub registrations: usize,
    /// Concurrent clients of the rush.
    #[arg(long, default_value_t = 100)]
    pub clients: usize,
    /// Online seats of the seminar (the rest is waitlisted).
    #[arg(long, default_value_t = 500)]
    pub seats: i32,
    /// Subscribers the campaign reaches.
    #[arg(long, default_value_t = 10_000)]
    pub subscribers: usize,
}

/// What the run measured; `ok` when every check held.
#[derive(Debug, Serialize)]
pub struct ScaleFigures {
    /// `scale`.
    pub bench: &'static str,
    /// `serve` processes.
    pub servers: usize,
    /// `worker` processes (each `serve` runs the workers too).
    pub workers: usize,
    /// Registrations sent.
    pub registrations: usize,
    /// Registrations per second across both servers.
    pub registrations_per_second: f64,
    /// Latency of one registration.
    pub latency: Latency,
    /// HTTP statuses of the rush and how often each came.
    pub statuses: BTreeMap<u16, usize>,
    /// Confirmed registrations (must equal the seats).
    pub confirmed: i64,
    /// Waitlisted registrations.
    pub waitlisted: i64,
    /// Whether the waitlist positions are 1..n without gap or repeat.
    pub waitlist_without_gaps: bool,
    /// Campaign recipients.
    pub campaign_recipients: usize,
    /// Campaign messages per second, from "send" to the last one accepted.
    pub campaign_messages_per_second: f64,
    /// Campaign recipients that got more than one Message-ID.
    pub recipients_with_several_message_ids: usize,
    /// Messages accepted more than once with the same Message-ID (resent after a lost reply).
    pub duplicates: usize,
    /// Whether every check held.
    pub ok: bool,
}

/// A child process of this binary, killed when dropped.
struct Process {
    child: Child,
    log: PathBuf,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(subcommand: &str, env: &[(String, String)], log: PathBuf) -> anyhow::Result<Process> {
    let file = std::fs::File::create(&log)?;
    let child = Command::new(std::env::current_exe()?)
        .arg(subcommand)
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env("RUST_LOG", "warn")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::from(file.try_clone()?))
        .stderr(Stdio::from(file))
        .spawn()
        .with_context(|| format!("starting secunity {subcommand}"))?;
    Ok(Process { child, log })
}

async fn wait_healthy(base: &str, process: &mut Process) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(r) = client.get(format!("{base}/healthz")).send().await
            && r.status() == 200
        {
            return Ok(());
        }
        if process.child.try_wait()?.is_some() || Instant::now() > deadline {
            bail!(
                "secunity serve at {base} did not come up: {}",
                std::fs::read_to_string(&process.log).unwrap_or_default()
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn settings(url: &str, dir: &Path, smtp: &SmtpServer) -> Vec<(String, String)> {
    [
        ("DATABASE_URL", url.to_string()),
        ("DATABASE_POOL_SIZE", "8".into()),
        ("SECUNITY_DATA_DIR", dir.display().to_string()),
        (
            "SECUNITY_SECRET_KEY",
            "bench-secret-key-that-is-long-enough-0123456789".into(),
        ),
        ("SMTP_URL", smtp.url()),
        ("MAIL_RATE", "1000000".into()),
        ("MAIL_POLL_MS", "20".into()),
        ("RATE_LIMIT_PER_MINUTE", "100000000".into()),
        ("PATH", std::env::var("PATH").unwrap_or_default()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// Outbox rows not sent yet.
fn unsent(c: &mut DbConn) -> QueryResult<i64> {
    use crate::mail::outbox;
    use crate::schema::outbox as ob;
    ob::table
        .filter(ob::status.eq_any([outbox::OutboxStatus::Queued, outbox::OutboxStatus::Sending]))
        .count()
        .get_result(c)
}

/// Messages the listener accepted for the campaign's subscribers.
fn campaign_messages(smtp: &SmtpServer) -> usize {
    smtp.messages()
        .iter()
        .filter(|m| {
            m.rcpt_to
                .iter()
                .any(|r| r.starts_with(super::newsletter::SUBSCRIBER_PREFIX))
        })
        .count()
}

/// (confirmed, waitlisted, whether the waitlist positions are 1..n).
fn seat_counts(c: &mut DbConn, seminar: i64) -> QueryResult<(i64, i64, bool)> {
    use crate::registrations::model::RegistrationStatus;
    use crate::schema::registrations as r;
    let confirmed: i64 = r::table
        .filter(r::seminar_id.eq(seminar))
        .filter(r::status.eq(RegistrationStatus::Confirmed))
        .count()
        .get_result(c)?;
    // A waitlisted registration's position is its rank by `waitlist_seq` in its mode, so the
    // positions run 1..n without a gap when every one has a place and no two share one.
    let mut places: Vec<Option<i64>> = r::table
        .filter(r::seminar_id.eq(seminar))
        .filter(r::status.eq(RegistrationStatus::Waitlisted))
        .select(r::waitlist_seq)
        .load(c)?;
    let count = places.len();
    places.sort();
    places.dedup();
    let gapless = places.len() == count && places.iter().all(Option::is_some);
    Ok((confirmed, count as i64, gapless))
}

/// Runs the benchmark.
pub async fn run(args: &ScaleBenchArgs) -> anyhow::Result<ScaleFigures> {
    if !args.database.starts_with("postgres") {
        bail!(
            "bench scale runs several processes on one PostgreSQL: give --database postgres://..."
        );
    }
    let scratch = ScratchDatabase::create(Some(&args.database))?;
    say(format!("database: {}", scratch.description));
    let db = Db::connect(&scratch.url, 4)?;
    db.migrate()?;
    let smtp = SmtpServer::start().await;
    let mut processes = Vec::new();
    let mut servers = Vec::new();
    for n in 0..2 {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let base = format!("http://127.0.0.1:{port}");
        let dir = scratch.dir.join(format!("serve-{n}"));
        std::fs::create_dir_all(&dir)?;
        let mut env = settings(&scratch.url, &dir, &smtp);
        env.push(("SECUNITY_BIND".into(), format!("127.0.0.1:{port}")));
        env.push(("SECUNITY_BASE_URL".into(), base.clone()));
        let mut p = spawn("serve", &env, scratch.dir.join(format!("serve-{n}.log")))?;
        wait_healthy(&base, &mut p).await?;
        processes.push(p);
        servers.push(base);
    }
    let dir = scratch.dir.join("worker");
    std::fs::create_dir_all(&dir)?;
    processes.push(spawn(
        "worker",
        &settings(&scratch.url, &dir, &smtp),
        scratch.dir.join("worker.log"),
    )?);
    say("two serve processes and one worker on one database");

    let seats = args.seats;
    let seminar = db
        .run(move |c| {
            crate::seminars::queries::create(
                c,
                &bench_seminar("スケール".into(), 0, seats),
                true,
                crate::time::now_utc(),
            )
        })
        .await?;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(args.clients)
        .build()?;
    let visitors = BurstClient::visit(&client, &servers, seminar, args.clients).await?;
    say(format!(
        "rush: {} registrations from {} clients across both servers into {seats} seats",
        args.registrations, args.clients
    ));
    let who = Registrants {
        prefix: "scale",
        name: "スケール 太郎",
        company: "株式会社スケール",
        mode: |_| "online",
    };
    let (answers, wall) = burst(&client, &visitors, seminar, who, args.registrations).await?;
    let mut statuses = BTreeMap::new();
    for (s, _) in &answers {
        *statuses.entry(*s).or_insert(0) += 1;
    }
    let latencies: Vec<Duration> = answers.iter().map(|(_, t)| *t).collect();
    let (confirmed, waitlisted, gapless) = db.run(move |c| seat_counts(c, seminar)).await?;
    let rate = per_second(args.registrations, wall);
    say(format!(
        "{rate:.0} registrations/s; {confirmed} confirmed, {waitlisted} waitlisted"
    ));

    // The registration mails first, so that the campaign is timed on its own.
    let deadline = Instant::now() + Duration::from_secs(300);
    while db.run(unsent).await? > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let links = Links::from_config(&super::service_config(
        &scratch.url,
        &scratch.dir,
        &servers[0],
        4,
    )?);
    let n = args.subscribers;
    db.run(move |c| super::newsletter::seed(c, &links, n))
        .await?;
    let id = db
        .run(|c| {
            campaigns::create(
                c,
                "【スケール】セキュリティ注意喚起",
                "# 注意喚起\n\nOSとソフトウェアを最新の状態に保ってください。\n",
                &["alerts".to_string()],
                None,
            )
        })
        .await?;
    say(format!("campaign to {n} subscribers"));
    let started = Instant::now();
    db.run(move |c| campaigns::send(c, id, None)).await?;
    let deadline = Instant::now() + Duration::from_secs(600);
    while campaign_messages(&smtp) < n && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let campaign_seconds = started.elapsed();
    // Give a late duplicate the time to show.
    tokio::time::sleep(Duration::from_secs(2)).await;
    drop(processes);

    let mut ids_per_recipient: HashMap<String, Vec<String>> = HashMap::new();
    for m in smtp.messages().iter() {
        let to = m.rcpt_to.join(",");
        if !to.starts_with(super::newsletter::SUBSCRIBER_PREFIX) {
            continue;
        }
        let id = m.raw_header("Message-ID").unwrap_or_default();
        ids_per_recipient.entry(to).or_default().push(id);
    }
    let campaign_recipients = ids_per_recipient.len();
    let several = ids_per_recipient
        .values()
        .filter(|ids| {
            let mut u = (*ids).clone();
            u.sort();
            u.dedup();
            u.len() > 1
        })
        .count();
    let duplicates: usize = ids_per_recipient.values().map(|ids| ids.len() - 1).sum();
    let exact = i64::from(seats).min(args.registrations as i64);
    let ok = statuses.get(&303).copied() == Some(args.registrations)
        && confirmed == exact
        && waitlisted == args.registrations as i64 - exact
        && gapless
        && campaign_recipients == n
        && several == 0;
    Ok(ScaleFigures {
        bench: "scale",
        servers: 2,
        workers: 1,
        registrations: args.registrations,
        registrations_per_second: round(rate, 0),
        latency: Latency::of(&latencies),
        statuses,
        confirmed,
        waitlisted,
        waitlist_without_gaps: gapless,
        campaign_recipients,
        campaign_messages_per_second: round(per_second(n, campaign_seconds), 0),
        recipients_with_several_message_ids: several,
        duplicates,
        ok,
    })
}
