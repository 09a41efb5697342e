//! What every benchmark command (`secunity bench ...`) shares: the subcommand list, a scratch
//! database that the benchmark creates and removes itself, peak and current RSS, percentiles,
//! and the final JSON line.
//!
//! The harness is not production code: it exists only with the cargo feature `bench`
//! (`cargo run --release --features bench -- bench ...`), which `cargo build --release` leaves
//! out. The test suite turns it on (through the package's dev-dependency on itself), because its
//! SMTP listener on loopback ([`sink`]) is also the recording listener of the tests.
//!
//! The contract (DESIGN.md §2): a benchmark prints human-readable lines as it goes and, as its
//! last line on stdout, one JSON object with its figures. Logs go to stderr, so that nothing
//! printed after the figures can hide them. BENCHMARKS.md lists the commands and the figures
//! measured on the project's machine.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use diesel::pg::PgConnection;
use diesel::{Connection, RunQueryDsl};
use serde::Serialize;

use crate::db::{Backend, DbTarget};

pub mod mail;
pub mod matching;
pub mod newsletter;
pub mod registrations;
pub mod scale;
pub mod sink;
pub mod suggestions;

/// The benchmarks, one subcommand each (`secunity bench mail`, ...).
#[derive(Debug, Clone, clap::Subcommand)]
pub enum BenchCommand {
    /// The outbound mail pipeline: enqueue N messages in the outbox and send them through the
    /// real sender to a counting SMTP listener on loopback.
    Mail(mail::MailBenchArgs),
    /// A newsletter campaign from "send" to the last message accepted by a counting SMTP
    /// listener on loopback.
    Newsletter {
        /// Subscribers in the audience.
        #[arg(long, default_value_t = 100_000)]
        subscribers: usize,
        /// SMTP connections.
        #[arg(long, default_value_t = 4)]
        concurrency: u32,
        /// An administrative PostgreSQL URL: the run uses a scratch database on that server
        /// (default: a temporary SQLite file).
        #[arg(long)]
        postgres: Option<String>,
    },
    /// A burst of seminar registrations through the real HTTP form path, then the seminar list
    /// page with 500 seminars against an empty actix-web handler.
    Registrations(registrations::RegistrationBenchArgs),
    /// Two `serve` processes and one `worker` on one PostgreSQL: a registration rush across both
    /// servers and a 10,000-recipient campaign, with exactness and duplicates.
    Scale(scale::ScaleBenchArgs),
    /// The board's suggestions: ranking in memory (N offerings, M needs; p50/p99 for one need
    /// and the time to recompute all), then `GET /api/v1/needs/{id}/suggestions` through the
    /// real server and database with N live offerings stored, while nothing changes and while
    /// offerings are edited.
    Matching {
        /// Offerings.
        #[arg(long, default_value_t = 10_000)]
        offerings: usize,
        /// Needs (ranked in memory).
        #[arg(long, default_value_t = 2_000)]
        needs: usize,
        /// Requests of the request path, per phase.
        #[arg(long, default_value_t = 2_000)]
        requests: usize,
        /// Concurrent clients of the request path.
        #[arg(long, default_value_t = 8)]
        clients: usize,
        /// The database of the request path: an administrative PostgreSQL URL (a scratch
        /// database is created on that server) or none for a temporary SQLite file.
        #[arg(long)]
        database: Option<String>,
    },
}

/// Runs one benchmark and prints its figures as the last line; an error when the benchmark's
/// own checks failed (the figures are printed all the same).
pub async fn run(which: BenchCommand) -> anyhow::Result<()> {
    match which {
        BenchCommand::Mail(args) => {
            let figures = mail::run(&args).await?;
            print_json_line(&figures)?;
            if !figures.ok {
                bail!("the mail benchmark's checks failed (see the lines above)");
            }
            Ok(())
        }
        BenchCommand::Newsletter {
            subscribers,
            concurrency,
            postgres,
        } => {
            let figures = newsletter::run(newsletter::BenchOptions {
                subscribers,
                concurrency,
                postgres_admin_url: postgres,
                ..Default::default()
            })
            .await?;
            print_json_line(&figures)
        }
        BenchCommand::Scale(args) => {
            let figures = scale::run(&args).await?;
            print_json_line(&figures)?;
            if !figures.ok {
                bail!("the scale benchmark's checks failed (see the figures)");
            }
            Ok(())
        }
        BenchCommand::Registrations(args) => {
            let figures = registrations::run(&args).await?;
            print_json_line(&figures)?;
            registrations::check(&figures)
        }
        BenchCommand::Matching {
            offerings,
            needs,
            requests,
            clients,
            database,
        } => {
            let mut figures =
                tokio::task::spawn_blocking(move || matching::run(offerings, needs)).await?;
            let path = suggestions::run(offerings, requests, clients, database.as_deref()).await?;
            figures["request_p99_ms"] = serde_json::json!(path.changing.p99_ms);
            figures["request_p99_unchanged_ms"] = serde_json::json!(path.unchanged.p99_ms);
            figures["request_path"] = serde_json::to_value(&path)?;
            print_json_line(&figures)?;
            if path.failures > 0 {
                bail!("{} suggestion requests failed", path.failures);
            }
            Ok(())
        }
    }
}

/// The service's settings for the run: the scratch database, a generous rate limit (the burst
/// comes from one address), no SMTP.
pub fn service_config(
    db_url: &str,
    dir: &std::path::Path,
    base: &str,
    pool: u32,
) -> anyhow::Result<crate::config::Config> {
    let env: std::collections::HashMap<String, String> = [
        ("SECUNITY_DATA_DIR", dir.to_string_lossy().to_string()),
        ("DATABASE_URL", db_url.to_string()),
        ("DATABASE_POOL_SIZE", pool.to_string()),
        ("SECUNITY_BASE_URL", base.to_string()),
        (
            "SECUNITY_SECRET_KEY",
            "bench-secret-key-that-is-long-enough-0123456789".into(),
        ),
        ("RATE_LIMIT_PER_MINUTE", "100000000".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    crate::config::Config::from_sources(None, &env).map_err(|e| anyhow::anyhow!("{e}"))
}

/// A database created for one benchmark run and removed when dropped.
///
/// - no URL: a fresh SQLite file in a new temporary directory;
/// - `sqlite://PATH`: a fresh SQLite file at `PATH`, which must not exist yet;
/// - `postgres://USER@HOST/DB`: an *administrative* URL; a fresh database
///   `secunity_bench_<pid>_<random>` is created on that server (the database named in the URL is
///   only used to issue `CREATE DATABASE` and `DROP DATABASE`).
///
/// Either way the benchmark never writes into an existing database.
pub struct ScratchDatabase {
    /// The URL of the fresh database, for `DATABASE_URL`.
    pub url: String,
    /// Its backend.
    pub backend: Backend,
    /// A fresh temporary directory, for `SECUNITY_DATA_DIR` (and the default SQLite file).
    pub dir: PathBuf,
    /// A description without credentials, for the human-readable lines.
    pub description: String,
    sqlite_file: Option<PathBuf>,
    postgres: Option<(String, String)>,
}

impl ScratchDatabase {
    /// Creates the scratch database (see the type's documentation for `url`).
    pub fn create(url: Option<&str>) -> anyhow::Result<Self> {
        let dir = std::env::temp_dir().join(format!(
            "secunity-bench-{}-{:08x}",
            std::process::id(),
            rand::random::<u32>()
        ));
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create the directory {}", dir.display()))?;
        let mut scratch = Self {
            url: String::new(),
            backend: Backend::Sqlite,
            dir,
            description: String::new(),
            sqlite_file: None,
            postgres: None,
        };
        let target = match url {
            None => DbTarget::Sqlite(scratch.dir.join("bench.db")),
            Some(url) => DbTarget::parse(url).map_err(anyhow::Error::msg)?,
        };
        match target {
            DbTarget::Sqlite(path) => {
                if path.exists() {
                    bail!(
                        "{} exists already: the benchmark only runs on a fresh database",
                        path.display()
                    );
                }
                scratch.url = format!("sqlite://{}", path.display());
                scratch.description = format!("SQLite file {}", path.display());
                scratch.sqlite_file = Some(path);
            }
            DbTarget::Postgres(admin_url) => {
                let name = format!(
                    "secunity_bench_{}_{:08x}",
                    std::process::id(),
                    rand::random::<u32>()
                );
                let mut admin = PgConnection::establish(&admin_url)
                    .context("cannot connect to PostgreSQL with the given URL")?;
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .with_context(|| format!("cannot create the database {name}"))?;
                scratch.url = with_database(&admin_url, &name)?;
                scratch.backend = Backend::Postgres;
                scratch.description = format!("PostgreSQL database {name} (dropped at the end)");
                scratch.postgres = Some((admin_url, name));
            }
        }
        Ok(scratch)
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = &self.postgres
            && let Ok(mut admin) = PgConnection::establish(admin_url)
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin);
        }
        if let Some(file) = &self.sqlite_file {
            for suffix in ["", "-wal", "-shm"] {
                let mut name = file.clone().into_os_string();
                name.push(suffix);
                let _ = std::fs::remove_file(PathBuf::from(name));
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `url` with its database name replaced by `name` (user, password, host and query kept).
pub fn with_database(url: &str, name: &str) -> anyhow::Result<String> {
    let (scheme, rest) = url
        .split_once("://")
        .context("a PostgreSQL URL has the form postgres://user@host/database")?;
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (rest, None),
    };
    let authority = rest.split_once('/').map_or(rest, |(a, _)| a);
    let mut out = format!("{scheme}://{authority}/{name}");
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    Ok(out)
}

/// A field of `/proc/self/status` in bytes (`VmHWM`, `VmRSS`); `None` off Linux.
fn proc_status_bytes(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    proc_field_bytes(&status, field)
}

/// A `kB` field of a `/proc/PID/status` text in bytes.
fn proc_field_bytes(status: &str, field: &str) -> Option<u64> {
    status.lines().find_map(|line| {
        let value = line.strip_prefix(field)?.strip_prefix(':')?;
        let kib: u64 = value.trim().trim_end_matches("kB").trim().parse().ok()?;
        Some(kib * 1024)
    })
}

/// Peak resident set size of this process so far (`VmHWM`), in bytes.
pub fn peak_rss_bytes() -> Option<u64> {
    proc_status_bytes("VmHWM")
}

/// Current resident set size of this process (`VmRSS`), in bytes.
pub fn current_rss_bytes() -> Option<u64> {
    proc_status_bytes("VmRSS")
}

/// CPU time this process has used so far, all threads, user and system (`/proc/self/stat`,
/// in clock ticks of 10 ms); `None` off Linux. Less sensitive to other work on the machine than
/// wall-clock rates.
pub fn process_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    cpu_ticks(&stat).map(|ticks| Duration::from_millis(ticks * 10))
}

/// `utime + stime` of a `/proc/PID/stat` line, in clock ticks (USER_HZ, 100 on Linux).
fn cpu_ticks(stat: &str) -> Option<u64> {
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    let (_, rest) = stat.rsplit_once(')')?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // rest starts at field 3 (state); utime and stime are fields 14 and 15.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

/// Microseconds of CPU per event between two [`process_cpu_time`] readings (0 when unknown).
pub fn cpu_us_per(count: usize, before: Option<Duration>, after: Option<Duration>) -> f64 {
    match (before, after) {
        (Some(b), Some(a)) if count > 0 => {
            round(a.saturating_sub(b).as_secs_f64() * 1e6 / count as f64, 1)
        }
        _ => 0.0,
    }
}

/// Bytes in MiB, rounded to one decimal (0 when unknown).
pub fn mib(bytes: Option<u64>) -> f64 {
    round(bytes.unwrap_or(0) as f64 / (1024.0 * 1024.0), 1)
}

/// `x` rounded to `digits` decimals.
pub fn round(x: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    (x * scale).round() / scale
}

/// Events per second (0 for an empty interval).
pub fn per_second(count: usize, elapsed: Duration) -> f64 {
    let secs = elapsed.as_secs_f64();
    if secs > 0.0 { count as f64 / secs } else { 0.0 }
}

/// The `p`-th percentile (0–100) of `samples` by the nearest-rank method; `None` when empty.
/// Sorts `samples` in place.
pub fn percentile(samples: &mut [f64], p: f64) -> Option<f64> {
    if samples.is_empty() {
        return None;
    }
    samples.sort_by(f64::total_cmp);
    let rank = ((p.clamp(0.0, 100.0) / 100.0) * samples.len() as f64).ceil() as usize;
    Some(samples[rank.clamp(1, samples.len()) - 1])
}

/// Percentiles of a set of durations, in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Latency {
    /// Median.
    pub p50_ms: f64,
    /// 90th percentile.
    pub p90_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Largest.
    pub max_ms: f64,
}

impl Latency {
    /// Summarizes `samples` (all zero when empty).
    pub fn of(samples: &[Duration]) -> Self {
        let mut ms: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1e3).collect();
        let mut at = |p| round(percentile(&mut ms, p).unwrap_or(0.0), 2);
        Self {
            p50_ms: at(50.0),
            p90_ms: at(90.0),
            p99_ms: at(99.0),
            max_ms: at(100.0),
        }
    }
}

/// The machine, as benchmarks report it: logical CPUs, CPU model and the 1-minute load average
/// when the run started (other work on the machine skews the figures).
#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    /// Logical CPUs available to this process.
    pub cpus: usize,
    /// `model name` of the first CPU in `/proc/cpuinfo`.
    pub cpu_model: String,
    /// 1-minute load average at the start.
    pub load_1m: f64,
}

impl Machine {
    /// Reads the machine's description now.
    pub fn describe() -> Self {
        let cpu_model = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|text| {
                text.lines()
                    .find_map(|l| l.strip_prefix("model name"))
                    .and_then(|l| l.split_once(':'))
                    .map(|(_, m)| m.trim().to_string())
            })
            .unwrap_or_else(|| "unknown".into());
        let load_1m = std::fs::read_to_string("/proc/loadavg")
            .ok()
            .and_then(|l| l.split_whitespace().next().and_then(|v| v.parse().ok()))
            .unwrap_or(0.0);
        Self {
            cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
            cpu_model,
            load_1m,
        }
    }
}

/// The figures as one line of JSON.
pub fn json_line<T: Serialize>(figures: &T) -> anyhow::Result<String> {
    let line = serde_json::to_string(figures)?;
    debug_assert!(!line.contains('\n'));
    Ok(line)
}

/// Prints the figures as one line of JSON on stdout and flushes it: the benchmark's last line.
pub fn print_json_line<T: Serialize>(figures: &T) -> anyhow::Result<()> {
    use std::io::Write;
    let line = json_line(figures)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")?;
    out.flush()?;
    Ok(())
}

/// Prints one human-readable line on stdout (before the JSON line).
pub fn say(line: impl AsRef<str>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", line.as_ref());
    let _ = out.flush();
}

/// Whether a path is on a tmpfs (RAM), which flatters SQLite's write figures; for the report.
pub fn on_tmpfs(path: &Path) -> bool {
    let Ok(mounts) = std::fs::read_to_string("/proc/self/mounts") else {
        return false;
    };
    let Ok(path) = path.canonicalize() else {
        return false;
    };
    mounts
        .lines()
        .filter_map(|l| {
            let mut parts = l.split_whitespace();
            let _device = parts.next()?;
            let mount = parts.next()?;
            let fstype = parts.next()?;
            Some((mount, fstype))
        })
        .filter(|(mount, _)| path.starts_with(mount))
        .max_by_key(|(mount, _)| mount.len())
        .is_some_and(|(_, fstype)| fstype == "tmpfs")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let mut v: Vec<f64> = (1..=100).rev().map(f64::from).collect();
        assert_eq!(percentile(&mut v, 50.0), Some(50.0));
        assert_eq!(percentile(&mut v, 99.0), Some(99.0));
        assert_eq!(percentile(&mut v, 100.0), Some(100.0));
        assert_eq!(percentile(&mut v, 0.0), Some(1.0));
        assert_eq!(percentile(&mut [], 50.0), None);
        assert_eq!(percentile(&mut [7.0], 90.0), Some(7.0));
    }

    #[test]
    fn latency_summary_in_milliseconds() {
        let samples: Vec<Duration> = (1..=10).map(Duration::from_millis).collect();
        let l = Latency::of(&samples);
        assert_eq!((l.p50_ms, l.p90_ms, l.max_ms), (5.0, 9.0, 10.0));
        assert_eq!(Latency::of(&[]), Latency::default());
    }

    #[test]
    fn proc_status_fields_are_read_in_bytes() {
        let status = "Name:\tsecunity\nVmHWM:\t   51234 kB\nVmRSS:\t   40000 kB\n";
        assert_eq!(proc_field_bytes(status, "VmHWM"), Some(51234 * 1024));
        assert_eq!(proc_field_bytes(status, "VmRSS"), Some(40000 * 1024));
        assert_eq!(proc_field_bytes(status, "VmSwap"), None);
        assert!(peak_rss_bytes().is_some_and(|b| b > 0));
    }

    #[test]
    fn cpu_time_is_read_from_proc_stat() {
        let stat =
            "1234 (secunity (bench)) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 40 0 0 20 0 6 0";
        assert_eq!(cpu_ticks(stat), Some(290));
        assert!(process_cpu_time().is_some());
        assert_eq!(
            cpu_us_per(
                10,
                Some(Duration::from_millis(10)),
                Some(Duration::from_millis(20))
            ),
            1000.0
        );
    }

    #[test]
    fn the_scratch_database_replaces_only_the_name() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1/postgres", "b1").unwrap(),
            "postgres://postgres@127.0.0.1/b1"
        );
        assert_eq!(
            with_database("postgresql://u:p@db:5433/admin?sslmode=disable", "b2").unwrap(),
            "postgresql://u:p@db:5433/b2?sslmode=disable"
        );
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1", "b3").unwrap(),
            "postgres://postgres@127.0.0.1/b3"
        );
    }

    #[test]
    fn figures_are_one_line() {
        #[derive(Serialize)]
        struct F {
            bench: &'static str,
            text: &'static str,
        }
        let line = json_line(&F {
            bench: "x",
            text: "a\nb",
        })
        .unwrap();
        assert_eq!(line, r#"{"bench":"x","text":"a\nb"}"#);
    }
}
