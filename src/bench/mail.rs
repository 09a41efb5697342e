//! `secunity bench mail`: the throughput of the outbound mail pipeline, end to end.
//!
//! On a scratch database (see [`crate::bench::ScratchDatabase`]) and a counting SMTP listener on
//! loopback ([`crate::bench::sink::SmtpServer::start_counting`]), in one process:
//!
//! 1. the listener's ceiling: pre-built messages sent back to back through the sender's own
//!    SMTP client ([`crate::mail::smtp::SmtpPool`]; no database, no message building) for
//!    `--ceiling-seconds`, on one connection (`ceiling_per_s`, the reference of `ratio`) and on
//!    as many as the sender uses (`ceiling_concurrent_per_s`);
//! 2. the enqueue rate: N newsletter-like messages (Japanese subject, text + HTML bodies,
//!    `List-*` headers, a dedupe key each) written with [`crate::mail::outbox::insert_many`] in
//!    transactions of `--enqueue-batch` rows;
//! 3. the send rate: the real [`crate::mail::worker::Sender`], built from settings like production
//!    (`MAIL_RATE` high enough never to be the limit, `MAIL_CONCURRENCY` from
//!    `--concurrency`), runs until the listener has accepted N messages and the sender has
//!    recorded its last chunk. Then every row must be `sent` and the listener must have accepted
//!    exactly N.
//!
//! The settings come from the command line only, never from `secunity.toml` or the
//! environment: a benchmark must not send 100,000 messages to a real `SMTP_URL`.

use secrecy::ExposeSecret;
use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::Utc;
use serde::Serialize;

use crate::bench::sink::SmtpServer;
use crate::bench::{
    Latency, Machine, ScratchDatabase, cpu_us_per, mib, per_second, process_cpu_time, round, say,
};
use crate::config::Config;
use crate::db::Db;
use crate::mail::outbox::{self, OutboxRow};
use crate::mail::smtp::{SmtpEndpoint, SmtpPool};
use crate::mail::template::{self, Markers, Segment, TemplateParts};
use crate::mail::worker::{Sender, SenderSettings};
use crate::mail::{MailKind, Mailer, OutgoingMail, message};

/// The `MAIL_RATE` of the benchmark: far above what one machine can send, so that the global
/// rate bucket is exercised on every claim but never waits.
pub const UNLIMITED_RATE: u32 = 1_000_000;

/// Options of `secunity bench mail`.
#[derive(Debug, Clone, clap::Args)]
pub struct MailBenchArgs {
    /// Messages to enqueue and send.
    #[arg(long, default_value_t = 100_000)]
    pub n: usize,
    /// Where the outbox lives. Unset: a fresh SQLite file in a temporary directory.
    /// `sqlite://PATH`: a fresh SQLite file at PATH (must not exist). `postgres://...`: an
    /// administrative URL; a fresh database is created on that server and dropped at the end.
    /// Never read from DATABASE_URL.
    #[arg(long)]
    pub database_url: Option<String>,
    /// SMTP connections of the sender (MAIL_CONCURRENCY).
    #[arg(long, default_value_t = 4)]
    pub concurrency: u32,
    /// How long each ceiling (one connection, then `--concurrency`) is measured, in seconds.
    #[arg(long, default_value_t = 3.0)]
    pub ceiling_seconds: f64,
    /// Rows per enqueue transaction.
    #[arg(long, default_value_t = 5_000)]
    pub enqueue_batch: usize,
    /// Store every row with its whole message (as transactional mail is) instead of as a
    /// campaign does: one template and each recipient's values.
    #[arg(long)]
    pub whole_rows: bool,
}

impl Default for MailBenchArgs {
    fn default() -> Self {
        Self {
            n: 100_000,
            database_url: None,
            concurrency: 4,
            ceiling_seconds: 3.0,
            enqueue_batch: 5_000,
            whole_rows: false,
        }
    }
}

/// The figures of one run, printed as the JSON line (field order kept).
#[derive(Debug, Clone, Serialize)]
pub struct MailFigures {
    /// `"mail"`.
    pub bench: &'static str,
    /// `"sqlite"` or `"postgres"`.
    pub backend: &'static str,
    /// Messages enqueued and sent.
    pub n: usize,
    /// Whether every check passed: all rows `sent`, the listener accepted exactly `n`.
    pub ok: bool,
    /// How the rows were stored: `template` (one template, values per row, as a campaign
    /// does) or `whole` (each row its whole message).
    pub rows: &'static str,
    /// Rows written per second by the enqueue phase.
    pub enqueue_per_s: f64,
    /// Duration of each enqueue transaction.
    pub enqueue_tx: Latency,
    /// Messages per second, end to end (claim, build, SMTP, record).
    pub send_per_s: f64,
    /// Seconds the send phase took.
    pub send_seconds: f64,
    /// Messages per second of pre-built messages on one connection.
    pub ceiling_per_s: f64,
    /// `send_per_s / ceiling_per_s`.
    pub ratio: f64,
    /// Messages per second of pre-built messages on `concurrency` connections.
    pub ceiling_concurrent_per_s: f64,
    /// `send_per_s / ceiling_concurrent_per_s`: what the outbox and message building cost.
    pub ratio_concurrent: f64,
    /// CPU time of the whole process (sender and listener) per message in the send phase, µs.
    pub send_cpu_us_per_message: f64,
    /// The same for pre-built messages on `concurrency` connections (the SMTP exchange alone).
    pub ceiling_cpu_us_per_message: f64,
    /// Messages the listener accepted during the send phase.
    pub accepted: usize,
    /// Rows with status `sent` at the end.
    pub sent: i64,
    /// Rows in any other status at the end (must be 0).
    pub not_sent: i64,
    /// Peak resident set size of the whole process (listener included), MiB.
    pub peak_rss_mb: f64,
    /// Size of one message on the wire, bytes.
    pub message_bytes: usize,
    /// `MAIL_CONCURRENCY` of the sender.
    pub concurrency: u32,
    /// Rows claimed at once.
    pub claim_batch: i64,
    /// `MAIL_RATE` of the sender.
    pub mail_rate: u32,
    /// Whether the scratch database sits on a tmpfs.
    pub on_tmpfs: bool,
    /// Where it ran.
    pub machine: Machine,
}

/// The text part, HTML part and `List-Unsubscribe` of a benchmark message to `name` with this
/// unsubscribe link.
fn sample_content(name: &str, unsubscribe: &str) -> (String, String, String) {
    let text = format!(
        "{name} 様\n\n九州IoTコミュニティ メールマガジン ベンチマーク号です。\n\
         今月のセミナー: 中小製造業向け体験型演習(北九州)、機械・金属分野のセキュリティ対策(福岡)。\n\
         お申し込みはウェブサイトから。\n\n配信停止: {unsubscribe}\n"
    );
    let html = format!(
        "<p>{name} 様</p><p>九州IoTコミュニティ メールマガジン ベンチマーク号です。</p>\
         <ul><li>中小製造業向け体験型演習(北九州)</li><li>機械・金属分野のセキュリティ対策(福岡)</li></ul>\
         <p><a href=\"{unsubscribe}\">配信停止</a></p>"
    );
    (text, html, format!("<{unsubscribe}>"))
}

const SAMPLE_SUBJECT: &str = "【九州IoTコミュニティ】メールマガジン ベンチマーク号";
const SAMPLE_LIST_ID: &str = "<news.secunity.example>";

fn sample_name(i: usize) -> String {
    format!("会員 {i}")
}

fn sample_unsubscribe(i: usize) -> String {
    format!("https://secunity.example/newsletter/unsubscribe/{i}")
}

/// One benchmark message: a newsletter issue to subscriber `i`, about 2 KB on the wire.
pub fn sample_mail(i: usize) -> OutgoingMail {
    let (text, html, list_unsubscribe) = sample_content(&sample_name(i), &sample_unsubscribe(i));
    OutgoingMail {
        text,
        html,
        headers: vec![
            ("List-Id".into(), SAMPLE_LIST_ID.into()),
            ("List-Unsubscribe".into(), list_unsubscribe),
            (
                "List-Unsubscribe-Post".into(),
                "List-Unsubscribe=One-Click".into(),
            ),
        ],
        ..sample_envelope(i)
    }
}

/// What a benchmark row carries besides its content.
fn sample_envelope(i: usize) -> OutgoingMail {
    OutgoingMail {
        kind: MailKind::Newsletter,
        to: format!("member{i}@example.jp"),
        to_name: Some(sample_name(i)),
        subject: SAMPLE_SUBJECT.into(),
        text: String::new(),
        html: String::new(),
        headers: Vec::new(),
        attachments: Vec::new(),
        dedupe_key: Some(format!("campaign:bench:subscriber:{i}")),
        source: Some("campaign:bench".into()),
    }
}

/// The benchmark message as a campaign stores it: one template, the subscriber's name and
/// unsubscribe link per row (slots 0 and 1; both need no escaping in HTML).
pub fn sample_template() -> TemplateParts {
    let m = Markers::new();
    let (text, html, list_unsubscribe) = sample_content(&m.slot(0), &m.slot(1));
    TemplateParts {
        subject: SAMPLE_SUBJECT.into(),
        text: m.split(&text, |n| n),
        html: m.split(&html, |n| n),
        headers: vec![
            ("List-Id".into(), vec![Segment::Text(SAMPLE_LIST_ID.into())]),
            ("List-Unsubscribe".into(), m.split(&list_unsubscribe, |n| n)),
            (
                "List-Unsubscribe-Post".into(),
                vec![Segment::Text("List-Unsubscribe=One-Click".into())],
            ),
        ],
    }
}

/// The values of [`sample_template`]'s slots for subscriber `i`.
pub fn sample_values(i: usize) -> Vec<String> {
    vec![sample_name(i), sample_unsubscribe(i)]
}

/// The settings the benchmark's sender runs with; only the command line decides them.
fn bench_config(
    scratch: &ScratchDatabase,
    smtp: &SmtpServer,
    concurrency: u32,
) -> anyhow::Result<Config> {
    let env: HashMap<String, String> = [
        ("DATABASE_URL", scratch.url.clone()),
        ("DATABASE_POOL_SIZE", "4".into()),
        ("SECUNITY_DATA_DIR", scratch.dir.display().to_string()),
        (
            "SECUNITY_SECRET_KEY",
            "benchmark-secret-key-not-used-for-anything-0123".into(),
        ),
        ("SMTP_URL", smtp.url()),
        (
            "MAIL_FROM",
            "地域SECUNITY <no-reply@secunity.example>".into(),
        ),
        ("MAIL_RATE", UNLIMITED_RATE.to_string()),
        ("MAIL_CONCURRENCY", concurrency.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    Config::from_sources(None, &env).context("the benchmark's settings")
}

/// A formatted copy of [`sample_mail`] 0, as the sender would build it: envelope and bytes.
fn prebuilt(config: &Config) -> anyhow::Result<(lettre::address::Envelope, Vec<u8>)> {
    let mail = sample_mail(0);
    let row = OutboxRow {
        id: 0,
        kind: mail.kind,
        recipient: mail.to.clone(),
        recipient_name: mail.to_name.clone(),
        subject: mail.subject.clone(),
        body_text: mail.text.clone(),
        body_html: mail.html.clone(),
        headers: serde_json::to_string(&mail.headers)?,
        attachments: "[]".into(),
        message_id: Mailer::new(config).new_message_id(),
        attempts: 0,
        created_at: Utc::now().naive_utc(),
        template_id: None,
        template_values: None,
    };
    let from = config
        .mail_from
        .parse()
        .context("MAIL_FROM of the benchmark")?;
    let message = message::build(&row, &from, None)?;
    Ok((message.envelope().clone(), message.formatted()))
}

/// Sends pre-built copies of one message back to back on `connections` connections of the
/// sender's own SMTP client for `seconds`; messages per second.
async fn ceiling(
    smtp: &SmtpServer,
    prebuilt: &(lettre::address::Envelope, Vec<u8>),
    connections: usize,
    seconds: f64,
) -> anyhow::Result<f64> {
    let (envelope, bytes) = prebuilt;
    let endpoint = SmtpEndpoint::parse(&smtp.url()).map_err(anyhow::Error::msg)?;
    let pool = SmtpPool::new(
        endpoint,
        connections,
        Duration::from_secs(30),
        Duration::from_secs(60),
    );
    let send = || async {
        pool.send(envelope, bytes)
            .await
            .map_err(|e| anyhow::anyhow!("the listener did not accept: {}", e.message))
    };
    // The first message on each connection opens it; the clock starts after them.
    futures_util::future::try_join_all((0..connections).map(|_| send())).await?;
    let started = Instant::now();
    let limit = Duration::from_secs_f64(seconds.max(0.01));
    let counts = futures_util::future::try_join_all((0..connections).map(|_| async {
        let mut sent = 0usize;
        while started.elapsed() < limit {
            send().await?;
            sent += 1;
        }
        Ok::<_, anyhow::Error>(sent)
    }))
    .await?;
    Ok(per_second(counts.iter().sum(), started.elapsed()))
}

/// Runs the benchmark and returns its figures (printing human-readable lines as it goes).
pub async fn run(args: &MailBenchArgs) -> anyhow::Result<MailFigures> {
    let machine = Machine::describe();
    let scratch = ScratchDatabase::create(args.database_url.as_deref())?;
    let tmpfs = crate::bench::on_tmpfs(&scratch.dir);
    say(format!(
        "bench mail: n={} concurrency={} on {} ({} CPUs, {}, load {:.2})",
        args.n,
        args.concurrency,
        scratch.description,
        machine.cpus,
        machine.cpu_model,
        machine.load_1m
    ));
    let smtp = SmtpServer::start_counting().await;
    let config = bench_config(&scratch, &smtp, args.concurrency.max(1))?;
    let db = Db::connect(
        config.database_url.expose_secret(),
        config.database_pool_size,
    )?;
    db.migrate()?;

    // 1. The listener's ceiling: on one connection, and on as many as the sender uses.
    let prebuilt = prebuilt(&config)?;
    let message_bytes = prebuilt.1.len();
    let connections = config.mail_concurrency as usize;
    let ceiling_per_s = ceiling(&smtp, &prebuilt, 1, args.ceiling_seconds).await?;
    let (cpu_before, accepted_before) = (process_cpu_time(), smtp.accepted());
    let ceiling_concurrent_per_s =
        ceiling(&smtp, &prebuilt, connections, args.ceiling_seconds).await?;
    let ceiling_cpu_us_per_message = cpu_us_per(
        smtp.accepted() - accepted_before,
        cpu_before,
        process_cpu_time(),
    );
    say(format!(
        "ceiling: {ceiling_per_s:.0} messages/s on one connection, \
         {ceiling_concurrent_per_s:.0} on {connections} (pre-built {message_bytes}-byte messages)"
    ));

    // 2. Enqueue.
    let mailer = Mailer::new(&config);
    let batch = args.enqueue_batch.max(1);
    let mut tx_times = Vec::new();
    let started = Instant::now();
    let mut inserted = 0usize;
    for start in (0..args.n).step_by(batch) {
        let end = (start + batch).min(args.n);
        let mailer = mailer.clone();
        let whole = args.whole_rows;
        let (count, took) = db
            .run(move |c| {
                let t = Instant::now();
                let count = if whole {
                    let mails: Vec<(OutgoingMail, String)> = (start..end)
                        .map(|i| (sample_mail(i), mailer.new_message_id()))
                        .collect();
                    c.write_transaction(|c| outbox::insert_many(c, &mails))?
                } else {
                    let mails: Vec<(OutgoingMail, String, Vec<String>)> = (start..end)
                        .map(|i| {
                            (
                                sample_envelope(i),
                                mailer.new_message_id(),
                                sample_values(i),
                            )
                        })
                        .collect();
                    c.write_transaction(|c| {
                        let id = template::store(c, "campaign:bench", &sample_template())?;
                        outbox::insert_many_templated(c, id, &mails)
                    })?
                };
                Ok::<_, diesel::result::Error>((count, t.elapsed()))
            })
            .await?;
        inserted += count;
        tx_times.push(took);
    }
    let enqueue_elapsed = started.elapsed();
    let enqueue_per_s = per_second(inserted, enqueue_elapsed);
    let enqueue_tx = Latency::of(&tx_times);
    say(format!(
        "enqueue: {inserted} rows in {:.2} s = {enqueue_per_s:.0} rows/s \
         ({batch} rows per transaction, p50 {:.1} ms, p99 {:.1} ms)",
        enqueue_elapsed.as_secs_f64(),
        enqueue_tx.p50_ms,
        enqueue_tx.p99_ms
    ));
    if inserted != args.n {
        anyhow::bail!("only {inserted} of {} rows were inserted", args.n);
    }

    // 3. Send: the real sender, until the listener has them all and the sender has stopped.
    let settings = SenderSettings::from_config(&config);
    let claim_batch = settings.batch;
    let sender = Sender::from_config(&config, db.clone())?;
    let before = smtp.accepted();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let cpu_before = process_cpu_time();
    let started = Instant::now();
    let task = tokio::spawn(sender.run(stopped));
    // Generous: 5 ms a message plus half a minute, so a stuck sender ends the run.
    let deadline = started + Duration::from_secs_f64(30.0 + 0.005 * args.n as f64);
    while smtp.accepted() - before < args.n && Instant::now() < deadline && !task.is_finished() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let _ = stop.send(true);
    task.await.context("the sender task failed")?;
    let send_elapsed = started.elapsed();
    let cpu_after = process_cpu_time();
    let accepted = smtp.accepted() - before;
    let counts = db.run(|c| outbox::counts(c, None)).await?;
    let send_per_s = per_second(accepted, send_elapsed);
    let share = |ceiling: f64| {
        if ceiling > 0.0 {
            send_per_s / ceiling
        } else {
            0.0
        }
    };
    let ratio = share(ceiling_per_s);
    let ratio_concurrent = share(ceiling_concurrent_per_s);
    let send_cpu_us_per_message = cpu_us_per(accepted, cpu_before, cpu_after);
    let not_sent = counts.queued + counts.sending + counts.failed;
    let ok = accepted == args.n && counts.sent == args.n as i64 && not_sent == 0;
    say(format!(
        "send: {accepted} accepted in {:.2} s = {send_per_s:.0} messages/s \
         (MAIL_CONCURRENCY {}, claim batch {claim_batch}); \
         {:.0} % of the one-connection ceiling, {:.0} % of the {}-connection one",
        send_elapsed.as_secs_f64(),
        config.mail_concurrency,
        ratio * 100.0,
        ratio_concurrent * 100.0,
        connections
    ));
    say(format!(
        "CPU: {send_cpu_us_per_message:.0} µs a message end to end (both sides: sender and \
         listener), {ceiling_cpu_us_per_message:.0} µs for a pre-built one"
    ));
    say(format!(
        "outbox: {} sent, {} queued, {} sending, {} failed; listener accepted {accepted} of {}{}",
        counts.sent,
        counts.queued,
        counts.sending,
        counts.failed,
        args.n,
        if ok { "" } else { "  <-- CHECK FAILED" }
    ));
    let peak_rss_mb = mib(crate::bench::peak_rss_bytes());
    say(format!("peak RSS: {peak_rss_mb:.1} MiB"));
    let backend = scratch.backend.as_str();
    drop(db);
    drop(scratch);
    Ok(MailFigures {
        bench: "mail",
        backend,
        n: args.n,
        ok,
        rows: if args.whole_rows { "whole" } else { "template" },
        enqueue_per_s: round(enqueue_per_s, 0),
        enqueue_tx,
        send_per_s: round(send_per_s, 0),
        send_seconds: round(send_elapsed.as_secs_f64(), 3),
        ceiling_per_s: round(ceiling_per_s, 0),
        ratio: round(ratio, 3),
        ceiling_concurrent_per_s: round(ceiling_concurrent_per_s, 0),
        ratio_concurrent: round(ratio_concurrent, 3),
        send_cpu_us_per_message,
        ceiling_cpu_us_per_message,
        accepted,
        sent: counts.sent,
        not_sent,
        peak_rss_mb,
        message_bytes,
        concurrency: config.mail_concurrency,
        claim_batch,
        mail_rate: config.mail_rate,
        on_tmpfs: tmpfs,
        machine,
    })
}
