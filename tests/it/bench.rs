//! `secunity bench mail`, `registrations`, `matching` and `scale` run end to end with a tiny
//! N, so the commands cannot rot. No timing is asserted: tests never assert speed.

use crate::support::app::{on_postgres, without_tls_on_loopback};

/// Runs `secunity bench ARGS...` (on the test database's server when the tests run on
/// PostgreSQL, through the benchmark's `database_flag`), checks it succeeded, and returns the
/// figures of its last line.
fn run_bench(args: &[&str], database_flag: &str) -> serde_json::Value {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_secunity"));
    command
        .arg("bench")
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "warn");
    if on_postgres() {
        // An administrative URL: the benchmark creates its own database there and drops it.
        let admin = without_tls_on_loopback(&std::env::var("TEST_DATABASE_URL").unwrap());
        command.args([database_flag, &admin]);
    }
    let output = command.output().expect("run secunity bench");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "exit {:?}\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let last = stdout.lines().last().expect("some output");
    serde_json::from_str(last).expect("the last line is JSON")
}

#[test]
fn bench_mail_sends_every_message_and_ends_with_its_json_figures() {
    let figures = run_bench(
        &["mail", "--n", "200", "--ceiling-seconds", "0.2"],
        "--database-url",
    );
    let last = figures.to_string();
    assert_eq!(figures["bench"], "mail");
    assert_eq!(
        figures["backend"],
        if on_postgres() { "postgres" } else { "sqlite" }
    );
    assert_eq!(figures["n"], 200);
    assert_eq!(figures["ok"], true);
    assert_eq!(figures["accepted"], 200);
    assert_eq!(figures["sent"], 200);
    assert_eq!(figures["not_sent"], 0);
    for key in [
        "enqueue_per_s",
        "send_per_s",
        "ceiling_per_s",
        "ratio",
        "peak_rss_mb",
    ] {
        assert!(figures[key].is_number(), "{key} in {last}");
    }
}

#[test]
fn bench_registrations_fills_the_seats_exactly_and_ends_with_its_json_figures() {
    let figures = run_bench(
        &[
            "registrations",
            "--registrations",
            "60",
            "--clients",
            "12",
            "--onsite",
            "4",
            "--online",
            "20",
            "--list-seconds",
            "1",
        ],
        "--database",
    );
    assert_eq!(figures["bench"], "registrations");
    assert_eq!(
        figures["database"],
        if on_postgres() { "postgres" } else { "sqlite" }
    );
    assert_eq!(figures["ok"], true);
    assert_eq!(figures["statuses"]["303"], 60);
    // Every sixth asks for onsite: 10 onsite (4 seats), 50 online (20 seats).
    assert_eq!(
        figures["counts"],
        serde_json::json!({
            "onsite_confirmed": 4, "onsite_waitlisted": 6,
            "online_confirmed": 20, "online_waitlisted": 30,
        })
    );
    assert!(figures["transactions"].as_u64().unwrap() >= 1);
    for key in [
        "registrations_per_second",
        "list_page_requests_per_second",
        "seminar_page_requests_per_second",
        "empty_handler_requests_per_second",
        "list_ratio",
    ] {
        assert!(figures[key].is_number(), "{key} in {figures}");
    }
}

#[test]
fn bench_matching_ranks_in_memory_and_through_the_request_path() {
    let figures = run_bench(
        &[
            "matching",
            "--offerings",
            "300",
            "--needs",
            "20",
            "--requests",
            "40",
            "--clients",
            "4",
        ],
        "--database",
    );
    assert_eq!(figures["bench"], "matching");
    assert_eq!(figures["request_path"]["failures"], 0);
    assert_eq!(figures["request_path"]["offerings"], 300);
    for key in ["request_p99_ms", "request_p99_unchanged_ms"] {
        assert!(figures[key].is_number(), "{key} in {figures}");
    }
}

/// Several processes on one database are a PostgreSQL setup: on PostgreSQL the scale run is
/// exact; asked for SQLite it refuses with the reason.
#[test]
fn bench_scale_is_exact_across_processes_on_postgres() {
    if !on_postgres() {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_secunity"))
            .args([
                "bench",
                "scale",
                "--database",
                "sqlite:///tmp/secunity-scale.db",
            ])
            .env("RUST_LOG", "warn")
            .output()
            .expect("run secunity bench scale");
        assert!(!output.status.success());
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("PostgreSQL"),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        return;
    }
    let figures = run_bench(
        &[
            "scale",
            "--registrations",
            "80",
            "--clients",
            "10",
            "--seats",
            "30",
            "--subscribers",
            "200",
        ],
        "--database",
    );
    assert_eq!(figures["bench"], "scale");
    assert_eq!(figures["ok"], true, "{figures}");
    assert_eq!(figures["confirmed"], 30);
    assert_eq!(figures["waitlisted"], 50);
    assert_eq!(figures["waitlist_without_gaps"], true);
    assert_eq!(figures["campaign_recipients"], 200);
    assert_eq!(figures["recipients_with_several_message_ids"], 0);
}
