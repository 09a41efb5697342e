//! `secunity bench mail` runs end to end with a tiny N, so the command cannot rot. No timing is
//! asserted: tests never assert speed.

use crate::support::app::on_postgres;

#[test]
fn bench_mail_sends_every_message_and_ends_with_its_json_figures() {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_secunity"));
    command
        .args(["bench", "mail", "--n", "200", "--ceiling-seconds", "0.2"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "warn");
    if on_postgres() {
        // An administrative URL: the benchmark creates its own database there and drops it.
        command.args([
            "--database-url",
            &std::env::var("TEST_DATABASE_URL").unwrap(),
        ]);
    }
    let output = command.output().expect("run secunity bench mail");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "exit {:?}\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let last = stdout.lines().last().expect("some output");
    let figures: serde_json::Value = serde_json::from_str(last).expect("the last line is JSON");
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
