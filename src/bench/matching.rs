//! `secunity bench matching`: ranks synthetic needs against synthetic offerings in memory,
//! the same functions the board uses, and prints the figures as one JSON object.
//!
//! Wiring (the `Bench` subcommand lives on another branch): add a `Matching { offerings,
//! needs }` variant next to `Mail` and call `println!("{}", secunity::bench::matching::run(
//! offerings, needs))`.

use std::time::Instant;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use crate::matching::scoring::{
    Capacity, NeedProfile, OfferingProfile, Overrides, PriceModel, TOP_N, rank_offerings,
};
use crate::matching::taxonomy::{CATEGORIES, EMPLOYEE_BANDS, SECTORS, budget_codes};

fn pick<'a>(rng: &mut StdRng, list: &[&'a str]) -> &'a str {
    list[rng.random_range(0..list.len())]
}

/// Synthetic offerings, spread over Kyushu and the categories.
pub fn offerings(n: usize, seed: u64) -> Vec<OfferingProfile> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..n)
        .map(|i| {
            let cats = (0..rng.random_range(1..5))
                .map(|_| pick(&mut rng, CATEGORIES).to_string())
                .collect();
            OfferingProfile {
                id: i as i64 + 1,
                organization_id: (i / 3) as i64 + 1,
                live: true,
                categories: cats,
                onsite_prefectures: (0..rng.random_range(0..4))
                    .map(|_| rng.random_range(40..=46))
                    .collect(),
                remote_ok: rng.random_bool(0.7),
                price: match rng.random_range(0..4) {
                    0 => PriceModel::MonthlyPerNetwork(rng.random_range(5..100) * 1_000),
                    1 => PriceModel::PerDevice(rng.random_range(1..10) * 500),
                    2 => PriceModel::OneOff(rng.random_range(10..300) * 10_000),
                    _ => PriceModel::Quote,
                },
                target_bands: vec![pick(&mut rng, EMPLOYEE_BANDS).to_string()],
                sectors: vec![pick(&mut rng, SECTORS).to_string()],
                languages: vec!["ja".into()],
                otasuketai_valid: rng.random_bool(0.1),
                subsidy_fiscal_year: rng.random_bool(0.3).then_some(2026),
                capacity: match rng.random_range(0..10) {
                    0 => Capacity::Full,
                    1 | 2 => Capacity::Limited,
                    _ => Capacity::Open,
                },
                age_days: rng.random_range(0..180),
                response_rate: rng.random_bool(0.5).then(|| rng.random_range(0.0..1.0)),
                contracted: rng.random_range(0..4),
            }
        })
        .collect()
}

/// Synthetic needs.
pub fn needs(n: usize, seed: u64) -> Vec<NeedProfile> {
    let mut rng = StdRng::seed_from_u64(seed);
    let budgets = budget_codes();
    (0..n)
        .map(|i| NeedProfile {
            id: i as i64 + 1,
            categories: (0..rng.random_range(1..4))
                .map(|_| pick(&mut rng, CATEGORIES).to_string())
                .collect(),
            prefecture: rng.random_range(40..=46),
            onsite_needed: rng.random_bool(0.3),
            employee_band: pick(&mut rng, EMPLOYEE_BANDS).to_string(),
            device_count: rng.random_range(0..100),
            budget_band: pick(&mut rng, &budgets).to_string(),
            wants_subsidy: rng.random_bool(0.2),
            sector: pick(&mut rng, SECTORS).to_string(),
        })
        .collect()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Ranks every need against every offering; the figures as JSON (milliseconds).
pub fn run(offering_count: usize, need_count: usize) -> Value {
    let all = offerings(offering_count, 7);
    let list = needs(need_count, 11);
    let ctx = crate::matching::match_context();
    let none = Overrides::default();
    let started = Instant::now();
    let mut times: Vec<f64> = Vec::with_capacity(list.len());
    let mut shown = 0usize;
    for n in &list {
        let t = Instant::now();
        let ranked = rank_offerings(n, &all, &none, &ctx);
        shown += ranked.len().min(TOP_N);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let total = started.elapsed().as_secs_f64() * 1000.0;
    times.sort_by(f64::total_cmp);
    json!({
        "bench": "matching",
        "offerings": offering_count,
        "needs": need_count,
        "rank_one_need_ms": {"p50": percentile(&times, 0.5), "p99": percentile(&times, 0.99), "max": percentile(&times, 1.0)},
        "recompute_all_ms": total,
        "suggestions_shown": shown,
        "target_p99_ms": 10
    })
}

#[cfg(test)]
mod tests {
    /// The full benchmark: `cargo test --release --lib matching::bench -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn full_size() {
        println!("{}", super::run(10_000, 2_000));
    }

    #[test]
    fn runs_on_a_small_set() {
        let v = super::run(200, 20);
        assert_eq!(v["needs"], 20);
        assert!(v["rank_one_need_ms"]["p99"].as_f64().is_some());
    }
}
