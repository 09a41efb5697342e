//! `cargo bench --bench registrations`: the same run as `secunity bench registrations`
//! (see `secunity::registrations::bench`), with its settings from the environment:
//! `BENCH_DATABASE_URL` (an administrative PostgreSQL URL; SQLite when unset),
//! `BENCH_REGISTRATIONS` (2000), `BENCH_CLIENTS` (200), `BENCH_POOL` (16).
//! Prints its figures as one JSON object on the last line.

use secunity::bench::registrations::{RegistrationBenchArgs, check, run};

fn env_num<T: std::str::FromStr>(key: &str, default: T) -> T {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = RegistrationBenchArgs {
        registrations: env_num("BENCH_REGISTRATIONS", 2_000),
        clients: env_num("BENCH_CLIENTS", 200),
        onsite: 100,
        online: 500,
        pool: env_num("BENCH_POOL", 16),
        list_seconds: 5,
        database: std::env::var("BENCH_DATABASE_URL")
            .ok()
            .filter(|v| !v.is_empty()),
    };
    let figures = run(&args).await?;
    secunity::bench::print_json_line(&figures)?;
    check(&figures)
}
