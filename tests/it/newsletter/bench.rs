//! The newsletter benchmark, run small.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_newsletter_benchmark_delivers_every_message() {
    let figures = secunity::bench::newsletter::run(bench_options(500))
        .await
        .unwrap();
    assert_eq!(figures["messages"], 500);
    assert!(figures["messages_per_second"].as_f64().unwrap() > 0.0);
    assert!(figures["peak_memory_mb"].as_f64().unwrap() > 0.0);
}

/// The full benchmark (100,000 subscribers, or BENCH_SUBSCRIBERS; SMTP connections from
/// BENCH_CONCURRENCY, default 8): run with
/// `cargo test --release --test it -- --ignored --nocapture newsletter_benchmark_full`.
#[tokio::test(flavor = "multi_thread")]
#[ignore]
async fn newsletter_benchmark_full() {
    let n = std::env::var("BENCH_SUBSCRIBERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let mut options = bench_options(n);
    if let Some(c) = std::env::var("BENCH_CONCURRENCY")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        options.concurrency = c;
    }
    let figures = secunity::bench::newsletter::run(options).await.unwrap();
    println!("{figures}");
}
