//! The request path of the board's suggestions: `GET /api/v1/needs/{id}/suggestions` against
//! the real server and database, with N live offerings stored, from several clients; first
//! while nothing changes, then while a vendor edits an offering ten times a second (each
//! edit bumps the board's content version, so the next requests read what changed).

use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;

use crate::accounts::Role;
use crate::accounts::queries::{self as aq, NewOrganization};
use crate::bench::{Latency, ScratchDatabase, say};
use crate::db::{Db, DbConn};
use crate::matching::forms::{NeedInput, OfferingInput};
use crate::matching::queries::{self as mq, Submit};
use crate::matching::taxonomy::{CATEGORIES, EMPLOYEE_BANDS, PRICE_MODELS, SECTORS, budget_codes};
use crate::schema::{matching_needs as needs, matching_offerings as offerings};
use crate::web::AppState;

/// Vendors the offerings are spread over.
const VENDORS: usize = 500;
/// Needs asked for in turn (each one's ranking is kept once computed).
const NEEDS: usize = 50;
/// One offering edited this often in the second phase: ten edits a second, far more than a
/// regional board sees in a day.
const EDIT_EVERY_MS: u64 = 100;

/// What the request path measured.
#[derive(Debug, Serialize)]
pub struct RequestFigures {
    /// Live offerings stored.
    pub offerings: usize,
    /// Requests per phase.
    pub requests: usize,
    /// Concurrent clients.
    pub clients: usize,
    /// While nothing changes.
    pub unchanged: Latency,
    /// While offerings are edited.
    pub changing: Latency,
    /// Offering edits made during the second phase.
    pub edits: usize,
    /// Answers that were not 200.
    pub failures: usize,
}

fn pick<'a>(rng: &mut StdRng, list: &[&'a str]) -> &'a str {
    list[rng.random_range(0..list.len())]
}

fn offering_input(rng: &mut StdRng, i: usize) -> OfferingInput {
    let model = pick(rng, PRICE_MODELS).to_string();
    OfferingInput {
        title: format!("サービス {i}"),
        description: "中小企業向けのセキュリティ支援です。".into(),
        categories: (0..rng.random_range(1..5))
            .map(|_| pick(rng, CATEGORIES).to_string())
            .collect(),
        onsite_prefectures: (0..rng.random_range(0..4))
            .map(|_| rng.random_range(40..=46))
            .collect(),
        remote_ok: rng.random_bool(0.7),
        price_amount: (model != "quote").then(|| rng.random_range(1..300) * 1_000),
        price_model: model,
        target_bands: vec![pick(rng, EMPLOYEE_BANDS).to_string()],
        sectors: vec![pick(rng, SECTORS).to_string()],
        otasuketai_type: None,
        otasuketai_valid_until: None,
        subsidy_fiscal_year: rng.random_bool(0.3).then_some(2026),
        certifications: String::new(),
        languages: vec!["ja".into()],
        capacity: pick(rng, &["open", "open", "limited"]).to_string(),
    }
}

fn organization(kind: &str, name: String) -> NewOrganization {
    NewOrganization {
        kind: kind.into(),
        name,
        prefecture: Some(43),
        industry: None,
        employee_band: None,
        website: None,
        security_action: "none".into(),
        otasuketai_service: None,
        it_support_provider: false,
        created_at: crate::time::now_utc(),
    }
}

/// Stores the vendors, their offerings and the needs; the needs' ids and a staff token.
fn seed(c: &mut DbConn, offerings: usize) -> anyhow::Result<(Vec<i64>, Vec<i64>, String)> {
    let mut rng = StdRng::seed_from_u64(7);
    let budgets = budget_codes();
    c.write_transaction(|c| {
        let vendors = (0..VENDORS)
            .map(|v| aq::create_organization(c, &organization("vendor", format!("ベンダー {v}"))))
            .collect::<Result<Vec<_>, _>>()?;
        let mut ids = Vec::with_capacity(offerings);
        for i in 0..offerings {
            let input = offering_input(&mut rng, i);
            ids.push(mq::create_offering(
                c,
                vendors[i % VENDORS],
                None,
                &input,
                Submit::Publish,
            )?);
        }
        let sme = aq::create_organization(c, &organization("sme", "相談企業".into()))?;
        let needs = (0..NEEDS)
            .map(|i| {
                let n = NeedInput {
                    title: format!("相談 {i}"),
                    description: "社内のネットワークを見直したい。".into(),
                    categories: (0..rng.random_range(1..4))
                        .map(|_| pick(&mut rng, CATEGORIES).to_string())
                        .collect(),
                    prefecture: rng.random_range(40..=46),
                    onsite_needed: rng.random_bool(0.3),
                    employee_band: pick(&mut rng, EMPLOYEE_BANDS).to_string(),
                    device_count: rng.random_range(0..100),
                    budget_band: pick(&mut rng, &budgets).to_string(),
                    wants_subsidy: rng.random_bool(0.2),
                    urgency: "considering".into(),
                    sector: pick(&mut rng, SECTORS).to_string(),
                    show_name: false,
                };
                mq::create_need(c, sme, None, &n, Submit::Publish)
            })
            .collect::<Result<Vec<_>, _>>()?;
        // A real board's offerings were posted and edited over the past weeks, not in the
        // last seconds: stamp the seeded rows a day back, so that only the edits of the run
        // fall inside the index's reload overlap.
        let a_day_ago = crate::time::now_utc() - chrono::Duration::days(1);
        diesel::update(offerings::table)
            .set(offerings::updated_at.eq(a_day_ago))
            .execute(c)?;
        diesel::update(needs::table)
            .set(needs::updated_at.eq(a_day_ago))
            .execute(c)?;
        let staff = aq::create_user(c, "bench-staff@example.jp", "ベンチ", Role::Staff)?;
        let token = aq::create_api_token(c, staff.id, "bench")?;
        Ok::<_, diesel::result::Error>((ids, needs, token))
    })
    .map_err(Into::into)
}

/// `requests` GETs of the needs' suggestions from `clients`, the needs in turn.
async fn phase(
    client: &reqwest::Client,
    urls: Arc<Vec<String>>,
    token: &str,
    requests: usize,
    clients: usize,
) -> (Vec<Duration>, usize) {
    let mut set = tokio::task::JoinSet::new();
    for k in 0..clients {
        let (client, urls, auth) = (client.clone(), urls.clone(), format!("Bearer {token}"));
        let share = requests / clients + usize::from(k < requests % clients);
        set.spawn(async move {
            let mut times = Vec::with_capacity(share);
            let mut failures = 0;
            for i in 0..share {
                let url = &urls[(k + i * clients) % urls.len()];
                let t = Instant::now();
                let ok = match client.get(url).header("authorization", &auth).send().await {
                    Ok(r) => r.status() == 200 && r.bytes().await.is_ok(),
                    Err(_) => false,
                };
                times.push(t.elapsed());
                failures += usize::from(!ok);
            }
            (times, failures)
        });
    }
    let (mut all, mut failures) = (Vec::with_capacity(requests), 0);
    while let Some(part) = set.join_next().await {
        if let Ok((t, f)) = part {
            all.extend(t);
            failures += f;
        }
    }
    (all, failures)
}

/// Runs the request path: seeds `offerings`, serves, measures both phases.
pub async fn run(
    offerings: usize,
    requests: usize,
    clients: usize,
    database: Option<&str>,
) -> anyhow::Result<RequestFigures> {
    let scratch = ScratchDatabase::create(database)?;
    say(format!("database: {}", scratch.description));
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let base = format!("http://{}", listener.local_addr()?);
    let config = super::service_config(&scratch.url, &scratch.dir, &base, 8)?;
    let db = Db::connect(
        secrecy::ExposeSecret::expose_secret(&config.database_url),
        config.database_pool_size,
    )?;
    db.migrate()?;
    say(format!("seeding {offerings} live offerings"));
    let (offering_ids, needs, token) = db.run(move |c| seed(c, offerings)).await?;
    let server = crate::serve(
        listener,
        crate::Services::new(AppState::new(config, db.clone())),
    )?;
    let handle = server.handle();
    tokio::spawn(server);
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .build()?;
    let urls: Arc<Vec<String>> = Arc::new(
        needs
            .iter()
            .map(|id| format!("{base}/api/v1/needs/{id}/suggestions"))
            .collect(),
    );
    // Warm up: the first request of each need ranks it.
    let _ = phase(&client, urls.clone(), &token, urls.len(), 1).await;
    say(format!("{requests} requests, nothing changing"));
    let (unchanged, f1) = phase(&client, urls.clone(), &token, requests, clients).await;

    say(format!("{requests} requests while offerings are edited"));
    let stop = Arc::new(AtomicBool::new(false));
    let editor = {
        let (db, stop) = (db.clone(), stop.clone());
        tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(3);
            let mut edits = 0usize;
            while !stop.load(Ordering::Relaxed) {
                let id = offering_ids[rng.random_range(0..offering_ids.len())];
                let input = offering_input(&mut rng, edits);
                let done = db
                    .run(move |c| {
                        mq::update_offering(c, id, &input, Submit::Publish)?;
                        Ok::<_, diesel::result::Error>(())
                    })
                    .await;
                edits += usize::from(done.is_ok());
                tokio::time::sleep(Duration::from_millis(EDIT_EVERY_MS)).await;
            }
            edits
        })
    };
    let (changing, f2) = phase(&client, urls.clone(), &token, requests, clients).await;
    stop.store(true, Ordering::Relaxed);
    let edits = editor.await.unwrap_or(0);
    handle.stop(false).await;
    Ok(RequestFigures {
        offerings,
        requests,
        clients,
        unchanged: Latency::of(&unchanged),
        changing: Latency::of(&changing),
        edits,
        failures: f1 + f2,
    })
}
