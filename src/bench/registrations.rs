//! `secunity bench registrations`: a burst of registrations through the real HTTP form path
//! (CSRF cookie and token included) from many concurrent clients into one seminar, then the
//! public seminar list with 500 seminars against an empty actix-web handler on the same machine.
//!
//! The service runs in this process on a scratch database (see [`ScratchDatabase`]), on a real
//! TCP port, without its background workers (the mails stay queued in the outbox). The clients
//! share the machine's cores with the server, as a load generator on the same host would.

use secrecy::ExposeSecret;
use std::collections::BTreeMap;
use std::net::TcpListener;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use diesel::prelude::*;
use serde::Serialize;

use crate::bench::{
    Latency, Machine, ScratchDatabase, cpu_us_per, per_second, process_cpu_time, round, say,
    threads_cpu_time,
};
use crate::db::Db;
use crate::seminars::model::SeminarData;
use crate::seminars::queries as sq;
use crate::web::AppState;

/// The name of the burst's client threads.
const CLIENT_THREADS: &str = "bench-client";

/// Settings of the registrations benchmark.
#[derive(Debug, Clone, clap::Args)]
pub struct RegistrationBenchArgs {
    /// Registrations in the burst.
    #[arg(long, default_value_t = 2_000)]
    pub registrations: usize,
    /// Concurrent clients.
    #[arg(long, default_value_t = 200)]
    pub clients: usize,
    /// Onsite seats of the seminar (every sixth registration asks for onsite).
    #[arg(long, default_value_t = 100)]
    pub onsite: i32,
    /// Online seats of the seminar.
    #[arg(long, default_value_t = 500)]
    pub online: i32,
    /// Database connections of the service.
    #[arg(long, default_value_t = 16)]
    pub pool: u32,
    /// Seconds to measure the list page (and the empty handler) for.
    #[arg(long, default_value_t = 5)]
    pub list_seconds: u64,
    /// Database: none for a temporary SQLite file, or an administrative PostgreSQL URL
    /// (a scratch database is created on that server and dropped at the end).
    #[arg(long)]
    pub database: Option<String>,
}

/// The figures of one run.
#[derive(Debug, Serialize)]
pub struct RegistrationFigures {
    /// Always "registrations".
    pub bench: &'static str,
    /// sqlite or postgres.
    pub database: &'static str,
    /// The machine.
    pub machine: Machine,
    /// Registrations sent.
    pub registrations: usize,
    /// Concurrent clients.
    pub clients: usize,
    /// Wall time of the burst.
    pub seconds: f64,
    /// Registrations per second.
    pub registrations_per_second: f64,
    /// Latency of one registration as a client saw it.
    pub latency: Latency,
    /// HTTP statuses and how often each came.
    pub statuses: BTreeMap<u16, usize>,
    /// Final stored counts, `mode_status` → n.
    pub counts: BTreeMap<String, i64>,
    /// Transactions that carried the registrations (group commit).
    pub transactions: u64,
    /// Registrations per transaction on average.
    pub registrations_per_transaction: f64,
    /// CPU time of the whole process during the burst per registration, µs: the service (HTTP,
    /// form, CSRF, group commit, mail enqueue, SQLite itself) and the clients, which run in this
    /// process on their own threads. A PostgreSQL server's own CPU is not included.
    pub cpu_us_per_registration: f64,
    /// The service's share of it: the process less the client threads, µs.
    pub server_cpu_us_per_registration: f64,
    /// The clients' share (HTTP client threads of the burst), µs.
    pub client_cpu_us_per_registration: f64,
    /// Seminars behind the list page.
    pub list_page_seminars: usize,
    /// Requests per second of `GET /seminars` (first page, 24 seminars) for a visitor who is
    /// not signed in.
    pub list_page_requests_per_second: f64,
    /// Requests per second of `GET /seminars/{id}` (the seminar of the burst, its seats and
    /// form) for a visitor who is not signed in.
    pub seminar_page_requests_per_second: f64,
    /// Requests per second of `GET /seminars` from a client that takes gzip (as browsers do).
    pub list_page_gzip_requests_per_second: f64,
    /// Requests per second of an empty actix-web handler, same client, same machine.
    pub empty_handler_requests_per_second: f64,
    /// The list page's rate over the empty handler's.
    pub list_ratio: f64,
    /// The seminar page's rate over the empty handler's.
    pub seminar_page_ratio: f64,
    /// Whether the counts were exact and every request was answered 303.
    pub ok: bool,
}

/// A published hybrid seminar in 30 days with these seats.
pub(super) fn bench_seminar(title: String, onsite: i32, online: i32) -> SeminarData {
    let start = crate::time::now_utc() + chrono::Duration::days(30);
    SeminarData {
        title,
        summary: "ベンチマーク用のセミナーです。".into(),
        body_md: String::new(),
        industry: "manufacturing".into(),
        prefecture: 40,
        format: "hybrid".into(),
        venue: "福岡市".into(),
        address: String::new(),
        online_url: "https://example.jp/join".into(),
        starts_at: start,
        ends_at: start + chrono::Duration::hours(2),
        registration_opens_at: None,
        registration_closes_at: start - chrono::Duration::days(1),
        capacity_onsite: onsite,
        capacity_online: online,
        hosts: r#"["九州経済産業局"]"#.into(),
        cohosts: "[]".into(),
        speakers: "[]".into(),
        fee: "無料".into(),
        questions: "[]".into(),
        reminder_time: Some("10:00".into()),
        allocation: "first_come".into(),
        draw_at: None,
        lottery_waitlist: true,
        group_limit: 1,
    }
}

/// The CSRF cookie and form token a browser would get from the seminar page.
async fn csrf_of(client: &reqwest::Client, page_url: &str) -> anyhow::Result<(String, String)> {
    let res = client.get(page_url).send().await?;
    let cookie = res
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("csrf="))
        .and_then(|v| v.split(';').next())
        .context("the seminar page set no csrf cookie")?
        .to_string();
    let page = res.text().await?;
    let marker = "name=\"csrf_token\" value=\"";
    let at = page.find(marker).context("no csrf field on the page")? + marker.len();
    let end = page[at..].find('"').context("unterminated csrf field")?;
    Ok((cookie, page[at..at + end].to_string()))
}

/// A client of a burst: the server it posts to and the CSRF cookie and form token it got from
/// that server's seminar page, as a browser of its own would.
#[derive(Debug, Clone)]
pub(super) struct BurstClient {
    /// The server's base URL, `http://127.0.0.1:PORT`.
    pub base: String,
    /// The `csrf=...` cookie.
    pub cookie: String,
    /// The form's `csrf_token`.
    pub token: String,
}

impl BurstClient {
    /// `clients` clients spread over the servers (client k on server k mod n), each having
    /// visited seminar `seminar`'s page for its own CSRF pair.
    pub async fn visit(
        client: &reqwest::Client,
        bases: &[String],
        seminar: i64,
        clients: usize,
    ) -> anyhow::Result<Vec<BurstClient>> {
        if bases.is_empty() {
            bail!("a burst needs at least one server");
        }
        let mut out = Vec::with_capacity(clients);
        for k in 0..clients {
            let base = &bases[k % bases.len()];
            let (cookie, token) = csrf_of(client, &format!("{base}/seminars/{seminar}")).await?;
            out.push(BurstClient {
                base: base.clone(),
                cookie,
                token,
            });
        }
        Ok(out)
    }
}

/// Who registers in a burst: registration `i` is `{prefix}{i}@example.jp`, with this name and
/// company, attending in `mode(i)`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Registrants {
    /// The local part of the addresses, before the number.
    pub prefix: &'static str,
    /// The name on every form.
    pub name: &'static str,
    /// The company on every form.
    pub company: &'static str,
    /// The mode of registration `i` (`onsite` or `online`).
    pub mode: fn(usize) -> &'static str,
}

/// Fires the burst into seminar `seminar`, one task per client (see [`BurstClient::visit`]),
/// registration i from client i mod the number of clients. Returns (status, latency) per
/// registration and the wall time.
pub(super) async fn burst(
    client: &reqwest::Client,
    clients: &[BurstClient],
    seminar: i64,
    who: Registrants,
    total: usize,
) -> anyhow::Result<(Vec<(u16, Duration)>, Duration)> {
    let started = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    let n = clients.len().max(1);
    for (k, server) in clients.iter().cloned().enumerate() {
        let client = client.clone();
        set.spawn(async move {
            let url = format!("{}/seminars/{seminar}/registrations", server.base);
            let mut out = Vec::new();
            for i in (k..total).step_by(n) {
                let email = format!("{}{i}@example.jp", who.prefix);
                let form = [
                    ("name", who.name),
                    ("email", email.as_str()),
                    ("company", who.company),
                    ("prefecture", "40"),
                    ("industry", "manufacturing"),
                    ("mode", (who.mode)(i)),
                    ("consent", "1"),
                    ("csrf_token", server.token.as_str()),
                ];
                let t = Instant::now();
                let status = client
                    .post(&url)
                    .header(reqwest::header::COOKIE, &server.cookie)
                    .form(&form)
                    .send()
                    .await
                    .map_or(0, |r| r.status().as_u16());
                out.push((status, t.elapsed()));
            }
            out
        });
    }
    let mut all = Vec::with_capacity(total);
    while let Some(part) = set.join_next().await {
        all.extend(part?);
    }
    Ok((all, started.elapsed()))
}

/// Requests per second of `GET url` from 32 clients for `seconds`, each response read to its
/// end as a browser reads a page (a response left unread also costs its connection).
async fn requests_per_second(client: &reqwest::Client, url: &str, seconds: u64) -> f64 {
    requests_per_second_with(client, url, seconds, None).await
}

/// [`requests_per_second`] with one more request header.
async fn requests_per_second_with(
    client: &reqwest::Client,
    url: &str,
    seconds: u64,
    header: Option<(&'static str, &'static str)>,
) -> f64 {
    let window = Duration::from_secs(seconds);
    let started = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..32 {
        let (client, url) = (client.clone(), url.to_string());
        set.spawn(async move {
            let mut n = 0usize;
            while started.elapsed() < window {
                let mut request = client.get(&url);
                if let Some((name, value)) = header {
                    request = request.header(name, value);
                }
                let ok = match request.send().await {
                    Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                    _ => false,
                };
                n += usize::from(ok);
            }
            n
        });
    }
    let mut done = 0;
    while let Some(n) = set.join_next().await {
        done += n.unwrap_or(0);
    }
    per_second(done, started.elapsed())
}

/// An actix-web server with one empty handler, the ceiling of any page on this machine.
fn empty_server() -> anyhow::Result<(String, actix_web::dev::ServerHandle)> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://{}/", listener.local_addr()?);
    let server = actix_web::HttpServer::new(|| {
        actix_web::App::new().route(
            "/",
            actix_web::web::get().to(|| async { actix_web::HttpResponse::Ok().finish() }),
        )
    })
    .listen(listener)?
    .run();
    let handle = server.handle();
    tokio::spawn(server);
    Ok((url, handle))
}

/// Stored registrations of the seminar by `mode_status`.
fn counts_of(c: &mut crate::db::DbConn, id: i64) -> QueryResult<BTreeMap<String, i64>> {
    use crate::schema::registrations as r;
    let rows: Vec<(String, String, i64)> = r::table
        .filter(r::seminar_id.eq(id))
        .group_by((r::mode, r::status))
        .select((r::mode, r::status, diesel::dsl::count_star()))
        .load(c)?;
    Ok(rows
        .into_iter()
        .map(|(m, s, n)| (format!("{m}_{s}"), n))
        .collect())
}

/// The counts the burst must end with: seats filled in order, the rest waitlisted.
fn expected_counts(args: &RegistrationBenchArgs) -> BTreeMap<String, i64> {
    let onsite = (0..args.registrations).filter(|i| i % 6 == 0).count() as i64;
    let online = args.registrations as i64 - onsite;
    let mut want = BTreeMap::new();
    for (mode, asked, seats) in [
        ("onsite", onsite, i64::from(args.onsite)),
        ("online", online, i64::from(args.online)),
    ] {
        let confirmed = asked.min(seats);
        if confirmed > 0 {
            want.insert(format!("{mode}_confirmed"), confirmed);
        }
        if asked > confirmed {
            want.insert(format!("{mode}_waitlisted"), asked - confirmed);
        }
    }
    want
}

/// Runs the benchmark.
pub async fn run(args: &RegistrationBenchArgs) -> anyhow::Result<RegistrationFigures> {
    let machine = Machine::describe();
    let scratch = ScratchDatabase::create(args.database.as_deref())?;
    say(format!("database: {}", scratch.description));
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let base = format!("http://{}", listener.local_addr()?);
    let config = super::service_config(&scratch.url, &scratch.dir, &base, args.pool)?;
    let db = Db::connect(
        config.database_url.expose_secret(),
        config.database_pool_size,
    )?;
    db.migrate()?;
    let services = crate::Services::new(AppState::new(config, db.clone()));
    let group = services.registrations.group.clone();
    let server = crate::serve(listener, services)?;
    let handle = server.handle();
    tokio::spawn(server);

    let (onsite, online) = (args.onsite, args.online);
    let id = db
        .run(move |c| {
            sq::create(
                c,
                &bench_seminar("ベンチマーク".into(), onsite, online),
                true,
                crate::time::now_utc(),
            )
        })
        .await?;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(args.clients)
        .build()?;
    let visitors =
        BurstClient::visit(&client, std::slice::from_ref(&base), id, args.clients).await?;
    say(format!(
        "burst: {} registrations from {} clients into {} onsite + {} online seats",
        args.registrations, args.clients, args.onsite, args.online
    ));
    // The clients run on a runtime of their own, on threads named for it, so that their CPU
    // time can be told from the service's.
    let (total, clients) = (args.registrations, args.clients);
    let cpu_before = process_cpu_time();
    let (answers, wall, client_cpu) = tokio::task::spawn_blocking(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name(CLIENT_THREADS)
            .enable_all()
            .build()?;
        let (answers, wall) = rt.block_on(async move {
            let client = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .pool_max_idle_per_host(clients)
                .build()?;
            let who = Registrants {
                prefix: "bench",
                name: "ベンチ 太郎",
                company: "株式会社ベンチ",
                mode: |i| if i % 6 == 0 { "onsite" } else { "online" },
            };
            burst(&client, &visitors, id, who, total).await
        })?;
        let client_cpu = threads_cpu_time(CLIENT_THREADS);
        Ok::<_, anyhow::Error>((answers, wall, client_cpu))
    })
    .await??;
    let cpu_after = process_cpu_time();
    let cpu_us = cpu_us_per(total, cpu_before, cpu_after);
    let client_us = client_cpu.map_or(0.0, |d| {
        round(d.as_secs_f64() * 1e6 / total.max(1) as f64, 1)
    });
    let server_us = round((cpu_us - client_us).max(0.0), 1);
    say(format!(
        "CPU per registration: {cpu_us:.0} µs in this process = service {server_us:.0} µs + clients {client_us:.0} µs"
    ));
    let mut statuses = BTreeMap::new();
    for (status, _) in &answers {
        *statuses.entry(*status).or_insert(0) += 1;
    }
    let latencies: Vec<Duration> = answers.iter().map(|(_, t)| *t).collect();
    let counts = db.run(move |c| counts_of(c, id)).await?;
    let stats = group.stats();
    let rate = per_second(args.registrations, wall);
    say(format!(
        "{rate:.0} registrations/s, {} transactions, counts {counts:?}, statuses {statuses:?}",
        stats.groups
    ));

    let seminars = 500;
    db.run(move |c| {
        for i in 1..seminars {
            sq::create(
                c,
                &bench_seminar(format!("セミナー {i}"), 30, 100),
                true,
                crate::time::now_utc(),
            )?;
        }
        Ok::<_, diesel::result::Error>(())
    })
    .await?;
    let list = requests_per_second(&client, &format!("{base}/seminars"), args.list_seconds).await;
    say(format!(
        "GET /seminars with {seminars} seminars: {list:.0} req/s"
    ));
    let list_gzip = requests_per_second_with(
        &client,
        &format!("{base}/seminars"),
        args.list_seconds,
        Some(("accept-encoding", "gzip")),
    )
    .await;
    say(format!("GET /seminars taking gzip: {list_gzip:.0} req/s"));
    let seminar_page =
        requests_per_second(&client, &format!("{base}/seminars/{id}"), args.list_seconds).await;
    say(format!("GET /seminars/{id}: {seminar_page:.0} req/s"));
    handle.stop(false).await;
    let (empty_url, empty_handle) = empty_server()?;
    let empty = requests_per_second(&client, &empty_url, args.list_seconds).await;
    empty_handle.stop(false).await;
    say(format!("empty actix-web handler: {empty:.0} req/s"));
    drop(db);

    let ok =
        counts == expected_counts(args) && statuses.get(&303).copied() == Some(args.registrations);
    Ok(RegistrationFigures {
        bench: "registrations",
        database: scratch.backend.as_str(),
        machine,
        registrations: args.registrations,
        clients: args.clients,
        seconds: round(wall.as_secs_f64(), 3),
        registrations_per_second: round(rate, 0),
        latency: Latency::of(&latencies),
        statuses,
        counts,
        transactions: stats.groups,
        registrations_per_transaction: round(
            stats.registrations as f64 / stats.groups.max(1) as f64,
            1,
        ),
        cpu_us_per_registration: cpu_us,
        server_cpu_us_per_registration: server_us,
        client_cpu_us_per_registration: client_us,
        list_page_seminars: seminars,
        list_page_requests_per_second: round(list, 0),
        seminar_page_requests_per_second: round(seminar_page, 0),
        list_page_gzip_requests_per_second: round(list_gzip, 0),
        empty_handler_requests_per_second: round(empty, 0),
        list_ratio: round(list / empty.max(1.0), 3),
        seminar_page_ratio: round(seminar_page / empty.max(1.0), 3),
        ok,
    })
}

/// Fails the command when the run's own checks failed (after its figures were printed).
pub fn check(figures: &RegistrationFigures) -> anyhow::Result<()> {
    if !figures.ok {
        bail!(
            "the registrations benchmark's checks failed: counts {:?}, statuses {:?}",
            figures.counts,
            figures.statuses
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expected_counts_fill_the_seats_and_waitlist_the_rest() {
        let args = RegistrationBenchArgs {
            registrations: 2_000,
            clients: 200,
            onsite: 100,
            online: 500,
            pool: 16,
            list_seconds: 5,
            database: None,
        };
        let want = expected_counts(&args);
        assert_eq!(want["onsite_confirmed"], 100);
        assert_eq!(want["onsite_waitlisted"], 334 - 100);
        assert_eq!(want["online_confirmed"], 500);
        assert_eq!(want["online_waitlisted"], 1_666 - 500);
    }
}
