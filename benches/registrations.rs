//! `cargo bench --bench registrations`: a burst of registrations through the real HTTP form
//! path (CSRF token included) into one seminar, then the seminar list page with 500 seminars.
//!
//! SQLite by default; PostgreSQL when `BENCH_DATABASE_URL` (an admin URL such as
//! `postgres://postgres@127.0.0.1/postgres`) is set: a fresh database is created and dropped.
//! Settings: `BENCH_REGISTRATIONS` (2000), `BENCH_CLIENTS` (200), `BENCH_POOL` (16).
//! Prints its figures as one JSON object on the last line.

use std::collections::HashMap;
use std::net::TcpListener;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use secunity::config::Config;
use secunity::db::Db;
use secunity::seminars::model::SeminarData;
use secunity::seminars::queries as sq;
use secunity::web::AppState;
use serde_json::json;

fn env_num(key: &str, default: usize) -> usize {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn seminar(title: &str, onsite: i32, online: i32) -> SeminarData {
    let start = secunity::time::now_utc() + chrono::Duration::days(30);
    SeminarData {
        title: title.into(),
        summary: "ベンチマーク".into(),
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
        hosts: "[]".into(),
        cohosts: "[]".into(),
        speakers: "[]".into(),
        fee: "無料".into(),
        questions: "[]".into(),
        reminder_time: None,
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

#[tokio::main]
async fn main() {
    let total = env_num("BENCH_REGISTRATIONS", 2000);
    let clients = env_num("BENCH_CLIENTS", 200);
    let pool = env_num("BENCH_POOL", 16);
    let dir = tempfile::tempdir().expect("temp dir");
    let admin = std::env::var("BENCH_DATABASE_URL")
        .ok()
        .filter(|v| !v.is_empty());
    let pg_name = format!("secunity_bench_{}", std::process::id());
    let database_url = match &admin {
        Some(admin) => {
            let mut c = diesel::PgConnection::establish(admin).expect("postgres");
            diesel::sql_query(format!("CREATE DATABASE {pg_name}"))
                .execute(&mut c)
                .expect("create database");
            format!("{}/{pg_name}", admin.rsplit_once('/').expect("url").0)
        }
        None => format!("sqlite://{}", dir.path().join("bench.db").display()),
    };
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let env: HashMap<String, String> = [
        (
            "SECUNITY_DATA_DIR",
            dir.path().to_string_lossy().to_string(),
        ),
        ("DATABASE_URL", database_url),
        ("DATABASE_POOL_SIZE", pool.to_string()),
        ("SECUNITY_BASE_URL", base.clone()),
        (
            "SECUNITY_SECRET_KEY",
            "bench-secret-key-that-is-long-enough-0123456789".into(),
        ),
        ("RATE_LIMIT_PER_MINUTE", "100000000".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let config = Config::from_sources(None, &env).expect("settings");
    let db = Db::connect(&config.database_url, config.database_pool_size).expect("db");
    db.migrate().expect("migrate");
    let backend = db.backend().as_str();
    let state = AppState::new(config, db.clone());
    let server = secunity::serve(listener, state).expect("server");
    let handle = server.handle();
    tokio::spawn(server);

    let id = db
        .run(|c| {
            sq::create(
                c,
                &seminar("ベンチマーク", 100, 500),
                true,
                secunity::time::now_utc(),
            )
        })
        .await
        .expect("seminar");
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let client = reqwest::Client::builder()
        .cookie_provider(jar)
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(clients)
        .build()
        .expect("client");
    let page = client
        .get(format!("{base}/seminars/{id}"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    let marker = "name=\"csrf_token\" value=\"";
    let at = page.find(marker).expect("csrf field") + marker.len();
    let token = page[at..at + page[at..].find('"').expect("end")].to_string();

    // The burst.
    let started = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for k in 0..clients {
        let client = client.clone();
        let url = format!("{base}/seminars/{id}/registrations");
        let token = token.clone();
        set.spawn(async move {
            let mut out = Vec::new();
            let mut i = k;
            while i < total {
                let email = format!("bench{i}@example.jp");
                let mode = if i % 6 == 0 { "onsite" } else { "online" };
                let form = [
                    ("name", "ベンチ 太郎"),
                    ("email", email.as_str()),
                    ("company", "株式会社ベンチ"),
                    ("prefecture", "40"),
                    ("industry", "manufacturing"),
                    ("mode", mode),
                    ("consent", "1"),
                    ("csrf_token", token.as_str()),
                ];
                let t = Instant::now();
                let status = client
                    .post(&url)
                    .form(&form)
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0);
                out.push((status, t.elapsed().as_secs_f64() * 1000.0));
                i += clients;
            }
            out
        });
    }
    let mut latencies = Vec::new();
    let mut statuses: HashMap<u16, usize> = HashMap::new();
    while let Some(r) = set.join_next().await {
        for (status, ms) in r.expect("task") {
            *statuses.entry(status).or_default() += 1;
            latencies.push(ms);
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    latencies.sort_by(f64::total_cmp);
    let counts: Vec<(String, String, i64)> = db
        .run(move |c| {
            use secunity::schema::registrations as r;
            r::table
                .filter(r::seminar_id.eq(id))
                .group_by((r::mode, r::status))
                .select((r::mode, r::status, diesel::dsl::count_star()))
                .load(c)
        })
        .await
        .expect("counts");
    let counts: serde_json::Map<String, serde_json::Value> = counts
        .into_iter()
        .map(|(m, s, n)| (format!("{m}_{s}"), json!(n)))
        .collect();

    // The list page with 500 seminars.
    db.run(|c| {
        for i in 0..499 {
            sq::create(
                c,
                &seminar(&format!("セミナー {i}"), 30, 100),
                true,
                secunity::time::now_utc(),
            )?;
        }
        Ok::<_, diesel::result::Error>(())
    })
    .await
    .expect("seminars");
    let list_for = Duration::from_secs(5);
    let list_started = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..32 {
        let client = client.clone();
        let url = format!("{base}/seminars");
        set.spawn(async move {
            let mut n = 0usize;
            while list_started.elapsed() < list_for {
                if client
                    .get(&url)
                    .send()
                    .await
                    .map(|r| r.status().is_success())
                    .unwrap_or(false)
                {
                    n += 1;
                }
            }
            n
        });
    }
    let mut pages = 0;
    while let Some(n) = set.join_next().await {
        pages += n.expect("task");
    }
    let list_seconds = list_started.elapsed().as_secs_f64();
    handle.stop(false).await;
    drop(db);
    if let Some(admin) = &admin
        && let Ok(mut c) = diesel::PgConnection::establish(admin)
    {
        let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)"))
            .execute(&mut c);
    }
    let result = json!({
        "bench": "registrations",
        "database": backend,
        "registrations": total,
        "clients": clients,
        "seconds": (seconds * 1000.0).round() / 1000.0,
        "registrations_per_second": (total as f64 / seconds).round(),
        "p50_ms": (percentile(&latencies, 0.5) * 10.0).round() / 10.0,
        "p99_ms": (percentile(&latencies, 0.99) * 10.0).round() / 10.0,
        "statuses": statuses.iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<serde_json::Map<_, _>>(),
        "counts": counts,
        "list_page_seminars": 500,
        "list_page_requests_per_second": (pages as f64 / list_seconds).round(),
    });
    println!("{result}");
}
