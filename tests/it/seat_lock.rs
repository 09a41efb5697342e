//! No overbooking on the real path, where only the database lock can prevent it: registrations
//! through two `secunity serve` processes on one database, staff entering registrations by
//! hand while the public registers, and a freed seat while someone else registers. Each runs
//! again as a control on processes started with the seat lock switched off
//! (`SECUNITY_TEST_NO_SEAT_LOCK`, a seam that exists only in test builds), and the control must
//! see the check fail.
//!
//! Inside one process the group-commit lanes serialize a seminar's public registrations and
//! the SQLite writer mutex serializes its writers, whatever the database does; across
//! processes, and between the lanes and the staff paths, the seat lock (SQLite: `BEGIN
//! IMMEDIATE`; PostgreSQL: the seminar's row `FOR UPDATE`) is all there is.

use secunity::accounts::Role;
use secunity::registrations::mail::Notifier;
use secunity::registrations::model::Registration;
use secunity::registrations::queries as rq;
use secunity::seminars::model::Mode;

use crate::seminar_scale::person;
use crate::seminars::{data, form, now, regs, seminar};
use crate::support::process::{self, NO_SEAT_LOCK, Service};
use crate::support::smtp::SmtpServer;
use crate::support::{TestApp, spawn_app_with};

/// Seats of the rushed seminars.
const CAPACITY: usize = 20;
/// Registrations sent to each process at once.
const PER_PROCESS: usize = 60;

fn is_redirect(status: u16) -> bool {
    (300..400).contains(&status)
}

fn confirmed(list: &[Registration]) -> usize {
    list.iter().filter(|r| r.status == "confirmed").count()
}

/// What a rush of `expected` registrations for `capacity` seats must leave: every request
/// answered with a redirect and stored once, exactly `capacity` confirmed, and the others on
/// the waitlist in places 1..=n, without gaps or duplicates.
fn check_seats(
    statuses: &[u16],
    list: &[Registration],
    capacity: usize,
    expected: usize,
) -> Result<(), String> {
    let mut problems = Vec::new();
    let refused: Vec<&u16> = statuses.iter().filter(|s| !is_redirect(**s)).collect();
    if !refused.is_empty() {
        problems.push(format!(
            "{} requests were not stored: {refused:?}",
            refused.len()
        ));
    }
    if list.len() != expected {
        problems.push(format!(
            "{} registrations stored, {expected} sent",
            list.len()
        ));
    }
    let confirmed = confirmed(list);
    if confirmed != capacity {
        problems.push(format!("{confirmed} confirmed for {capacity} seats"));
    }
    let mut places: Vec<i64> = list
        .iter()
        .filter(|r| r.status == "waitlisted")
        .map(|r| r.waitlist_seq.unwrap_or(0))
        .collect();
    places.sort_unstable();
    let in_line: Vec<i64> = (1..=places.len() as i64).collect();
    if places != in_line {
        problems.push(format!(
            "waitlist places are not 1..={}: {places:?}",
            places.len()
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// What a control must see: the check of [`check_seats`] fails, and seats were overbooked.
fn assert_overbooked(statuses: &[u16], list: &[Registration]) {
    let failed = check_seats(statuses, list, CAPACITY, 2 * PER_PROCESS)
        .expect_err("without the seat lock the check must fail");
    assert!(
        confirmed(list) > CAPACITY,
        "the control must overbook: {failed}"
    );
}

/// One form POST to `service` that owns its path and fields (so that many can be sent at once).
async fn form_post(service: &Service, path: String, fields: Vec<(String, String)>) -> u16 {
    service.post(&path, &fields).await
}

/// The fields of a registration form for `email`, with a CSRF token.
fn fields(email: &str, token: &str, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    form(email, "onsite")
        .into_iter()
        .chain(extra.iter().copied())
        .chain([("csrf_token", token)])
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The public registrations of a rush: `n` per process, all sent at once.
async fn public_rush(services: &[&Service], id: i64, n: usize) -> Vec<u16> {
    let page = format!("/seminars/{id}");
    let mut requests = Vec::new();
    for (p, service) in services.iter().enumerate() {
        let token = service.csrf_token(&page).await;
        for i in 0..n {
            let email = format!("rush{p}-{i}@example.jp");
            requests.push(form_post(
                service,
                format!("/seminars/{id}/registrations"),
                fields(&email, &token, &[]),
            ));
        }
    }
    futures_util::future::join_all(requests).await
}

/// The seminar and two processes on the app's database, both with `settings`.
async fn two_processes(settings: &[(&str, &str)]) -> (TestApp, i64, Service, Service) {
    let app = spawn_app_with(&[("WORKERS", "off")], SmtpServer::start().await).await;
    let id = seminar(&app, data("onsite", CAPACITY as i32, 0)).await;
    let (a, b) = tokio::join!(
        process::serve(&app, settings),
        process::serve(&app, settings)
    );
    (app, id, a, b)
}

#[tokio::test]
async fn a_rush_through_two_server_processes_confirms_exactly_the_seats() {
    let (app, id, a, b) = two_processes(&[]).await;
    let statuses = public_rush(&[&a, &b], id, PER_PROCESS).await;
    let list = regs(&app, id).await;
    check_seats(&statuses, &list, CAPACITY, 2 * PER_PROCESS).unwrap();
}

#[tokio::test]
async fn control_the_same_rush_without_the_seat_lock_overbooks() {
    let (app, id, a, b) = two_processes(&[NO_SEAT_LOCK]).await;
    let statuses = public_rush(&[&a, &b], id, PER_PROCESS).await;
    assert_overbooked(&statuses, &regs(&app, id).await);
}

/// Staff enter `n` registrations by hand through the back office of `service` while `n` people
/// register through its public form, all at once.
async fn staff_and_public_rush(app: &TestApp, service: &Service, id: i64, n: usize) -> Vec<u16> {
    service.sign_in(app, "desk@example.jp", Role::Staff).await;
    let manual = format!("/staff/seminars/{id}/registrations/new");
    let staff_token = service.csrf_token(&manual).await;
    let public_token = service.csrf_token(&format!("/seminars/{id}")).await;
    let mut requests = Vec::new();
    for i in 0..n {
        requests.push(form_post(
            service,
            manual.clone(),
            fields(
                &format!("phone{i}@example.jp"),
                &staff_token,
                &[("mail_lang", "ja"), ("send_mail", "1")],
            ),
        ));
        requests.push(form_post(
            service,
            format!("/seminars/{id}/registrations"),
            fields(&format!("web{i}@example.jp"), &public_token, &[]),
        ));
    }
    futures_util::future::join_all(requests).await
}

#[tokio::test]
async fn staff_entering_registrations_by_hand_while_the_public_registers_never_overbook() {
    let (app, id, a, _b) = two_processes(&[]).await;
    let statuses = staff_and_public_rush(&app, &a, id, PER_PROCESS).await;
    let list = regs(&app, id).await;
    check_seats(&statuses, &list, CAPACITY, 2 * PER_PROCESS).unwrap();
    assert_eq!(
        list.iter().filter(|r| r.email.starts_with("phone")).count(),
        PER_PROCESS,
        "every manual entry was stored"
    );
}

#[tokio::test]
async fn control_staff_and_public_without_the_seat_lock_overbook() {
    let (app, id, a, _b) = two_processes(&[NO_SEAT_LOCK]).await;
    let statuses = staff_and_public_rush(&app, &a, id, PER_PROCESS).await;
    assert_overbooked(&statuses, &regs(&app, id).await);
}

/// Seminars in which a freed seat meets a new registration.
const ROUNDS: usize = 16;

/// Per round, a seminar with one seat, taken by a holder, and one person waiting; then at the
/// same moment staff cancel the holder through one process and a newcomer registers through
/// the other. Returns, per round, the statuses of (holder, waiting person, newcomer).
async fn freed_seat_rounds(app: &TestApp, a: &Service, b: &Service) -> Vec<[String; 3]> {
    a.sign_in(app, "desk@example.jp", Role::Staff).await;
    let notifier = Notifier::of(&app.state);
    let mut seminars = Vec::new();
    for _ in 0..ROUNDS {
        let id = seminar(app, data("onsite", 1, 0)).await;
        let notifier = notifier.clone();
        let holder = app
            .db(move |c| {
                rq::register(
                    c,
                    &notifier,
                    id,
                    &person("holder@example.jp", Mode::Onsite),
                    now(),
                )?;
                rq::register(
                    c,
                    &notifier,
                    id,
                    &person("waiting@example.jp", Mode::Onsite),
                    now(),
                )?;
                Ok::<_, secunity::error::AppError>(rq::find_by_email(c, id, "holder@example.jp")?)
            })
            .await
            .expect("the holder's registration");
        seminars.push((id, holder.id));
    }
    let mut requests = Vec::new();
    for &(id, holder) in &seminars {
        let staff_page = format!("/staff/seminars/{id}");
        let staff_token = a.csrf_token(&staff_page).await;
        let public_token = b.csrf_token(&format!("/seminars/{id}")).await;
        requests.push(form_post(
            a,
            format!("{staff_page}/registrations/{holder}/cancel"),
            vec![("csrf_token".into(), staff_token)],
        ));
        requests.push(form_post(
            b,
            format!("/seminars/{id}/registrations"),
            fields("newcomer@example.jp", &public_token, &[]),
        ));
    }
    let statuses = futures_util::future::join_all(requests).await;
    assert!(statuses.iter().all(|s| is_redirect(*s)), "{statuses:?}");
    let mut outcomes = Vec::new();
    for (id, _) in seminars {
        let list = regs(app, id).await;
        let status = |email: &str| {
            list.iter()
                .find(|r| r.email == email)
                .map_or_else(|| "missing".to_string(), |r| r.status.to_string())
        };
        outcomes.push([
            status("holder@example.jp"),
            status("waiting@example.jp"),
            status("newcomer@example.jp"),
        ]);
    }
    outcomes
}

fn the_first_waiting_got_every_freed_seat(outcomes: &[[String; 3]]) -> bool {
    outcomes
        .iter()
        .all(|o| o == &["cancelled", "confirmed", "waitlisted"])
}

#[tokio::test]
async fn a_freed_seat_goes_to_the_first_waiting_not_to_a_registration_at_the_same_moment() {
    let (app, _, a, b) = two_processes(&[]).await;
    let outcomes = freed_seat_rounds(&app, &a, &b).await;
    assert!(
        the_first_waiting_got_every_freed_seat(&outcomes),
        "(holder, waiting, newcomer) per round: {outcomes:?}"
    );
}

#[tokio::test]
async fn control_without_the_seat_lock_a_newcomer_takes_a_freed_seat() {
    let (app, _, a, b) = two_processes(&[NO_SEAT_LOCK]).await;
    let outcomes = freed_seat_rounds(&app, &a, &b).await;
    assert!(
        !the_first_waiting_got_every_freed_seat(&outcomes),
        "the control must let a newcomer in: {outcomes:?}"
    );
}
