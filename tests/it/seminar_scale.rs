//! The seminar list in pages, and registrations committed in groups under a burst.

use std::sync::mpsc;
use std::time::Duration;

use chrono::Duration as Days;
use diesel::prelude::*;
use secunity::error::AppError;
use secunity::registrations::group::{MAX_GROUP, register_group};
use secunity::registrations::mail::Notifier;
use secunity::registrations::model::NewRegistrant;
use secunity::registrations::queries::{Registered, lock_seminar};
use secunity::schema::outbox;
use secunity::seminars::model::Mode;

use crate::seminars::{data, now, register_all, regs, seminar};
use crate::support::spawn_app;

#[tokio::test]
async fn the_list_shows_twenty_four_seminars_a_page_with_links_between_pages() {
    let app = spawn_app().await;
    for i in 0..30 {
        let mut d = data("online", 0, 50);
        d.title = format!("連続講座 第{i:02}回");
        d.starts_at = now() + Days::days(10 + i);
        d.ends_at = d.starts_at + Days::hours(2);
        d.registration_closes_at = d.starts_at - Days::days(1);
        seminar(&app, d).await;
    }
    let (status, first) = app.get_text("/seminars?format=online").await;
    assert_eq!(status, 200);
    assert!(first.contains("連続講座 第00回") && first.contains("連続講座 第23回"));
    assert!(
        !first.contains("連続講座 第24回"),
        "page 1 holds 24 seminars"
    );
    assert!(
        first.contains(r#"href="/seminars?format=online&amp;page=2""#),
        "the next link keeps the filter: {first}"
    );
    assert!(first.contains("次のページ"));
    assert!(!first.contains("前のページ"));

    let (status, second) = app.get_text("/seminars?format=online&page=2").await;
    assert_eq!(status, 200);
    assert!(second.contains("連続講座 第24回") && second.contains("連続講座 第29回"));
    assert!(!second.contains("連続講座 第23回"));
    assert!(second.contains(r#"href="/seminars?format=online""#));
    assert!(second.contains("前のページ") && !second.contains("次のページ"));

    let (status, beyond) = app.get_text("/seminars?page=9").await;
    assert_eq!(
        status, 200,
        "a page past the end is an empty list, not an error"
    );
    assert!(beyond.contains("前のページ"));

    for bad in ["0", "abc", "-1", "99999999999"] {
        let (status, body) = app.get_text(&format!("/seminars?page={bad}")).await;
        assert_eq!(status, 400, "page={bad}");
        assert!(body.contains("page"), "the message names the field: {body}");
    }
}

pub(crate) fn person(email: &str, mode: Mode) -> NewRegistrant {
    NewRegistrant {
        participants: Vec::new(),
        name: "九州 花子".into(),
        company: "株式会社グループ".into(),
        email: email.into(),
        prefecture: Some(40),
        industry: "manufacturing".into(),
        employee_band: None,
        mode,
        answers: "{}".into(),
        lang: "ja".into(),
        subscribe_newsletter: false,
        intake: Default::default(),
    }
}

#[tokio::test]
async fn a_group_commits_its_good_registrations_and_answers_each_on_its_own() {
    let app = spawn_app().await;
    let open = seminar(&app, data("onsite", 1, 0)).await;
    let mut past = data("onsite", 10, 0);
    past.registration_closes_at = now() - Days::hours(1);
    let closed = seminar(&app, past).await;
    let t = now();
    let items = vec![
        (open, person("first@example.jp", Mode::Onsite), t),
        (closed, person("late@example.jp", Mode::Onsite), t),
        (open, person("FIRST@example.jp", Mode::Onsite), t),
        (open, person("second@example.jp", Mode::Onsite), t),
        (open, person("online@example.jp", Mode::Online), t),
        (999_999, person("ghost@example.jp", Mode::Onsite), t),
    ];
    let notifier = Notifier::of(&app.state);
    let results = app.db(move |c| register_group(c, &notifier, &items)).await;
    assert_eq!(results.len(), 6);
    let status_of = |r: &Result<Registered, AppError>| match r {
        Ok(Registered::New(reg, _)) => format!("new:{}", reg.status),
        Ok(Registered::Existing(reg)) => format!("existing:{}", reg.email),
        Err(AppError::Conflict(m)) | Err(AppError::Invalid(m)) => format!("error:{}", m.key),
        Err(e) => format!("other:{e}"),
    };
    let got: Vec<String> = results.iter().map(status_of).collect();
    assert_eq!(
        got,
        [
            "new:confirmed",
            "error:registrations.closed",
            "existing:first@example.jp",
            "new:waitlisted",
            "error:registrations.err_mode",
            "other:not found",
        ]
    );
    let stored = regs(&app, open).await;
    assert_eq!(stored.len(), 2, "the failed ones left nothing behind");
    assert!(regs(&app, closed).await.is_empty());
    let queued: i64 = app
        .db(move |c| {
            outbox::table
                .filter(outbox::source.eq(format!("seminar:{open}")))
                .count()
                .get_result(c)
        })
        .await;
    assert_eq!(queued, 2, "one mail per stored registration");
}

#[tokio::test]
async fn a_burst_goes_through_the_group_commit_in_few_transactions_with_exact_counts() {
    let app = spawn_app().await;
    let id = seminar(&app, data("onsite", 30, 0)).await;
    let burst = 120;
    // The seminar stays locked (as by a writer in another process) until the whole burst has
    // arrived: the first group waits for the lock, and every later registration queues behind
    // it, so grouping must happen, whatever the timing.
    let (locked, release) = hold_the_seminar_lock(&app, id);
    locked.recv().expect("the lock is taken");
    let emails: Vec<String> = (0..burst).map(|i| format!("g{i}@example.jp")).collect();
    let group = app.services.registrations.group.clone();
    let (statuses, ()) = tokio::join!(register_all(&app, id, emails, "onsite"), async {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        while group.waiting() + (group.stats().registrations as usize) < burst {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the burst did not arrive: {} waiting, {:?}",
                group.waiting(),
                group.stats()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        release.send(()).expect("the lock holder waits");
    });
    assert!(
        statuses.iter().all(|s| (300..400).contains(s)),
        "{statuses:?}"
    );
    let list = regs(&app, id).await;
    assert_eq!(list.iter().filter(|r| r.status == "confirmed").count(), 30);
    assert_eq!(list.iter().filter(|r| r.status == "waitlisted").count(), 90);
    let stats = group.stats();
    assert_eq!(
        stats.registrations, burst as u64,
        "every form POST used the group commit"
    );
    // The group that waited for the lock, then the queue behind it in groups of at most
    // MAX_GROUP: with one registration per transaction this would be 120.
    let most = 1 + (burst as u64 - 1).div_ceil(MAX_GROUP as u64);
    assert!(
        stats.groups <= most && stats.groups < stats.registrations,
        "{stats:?}: at most {most} transactions"
    );
}

/// Locks seminar `id` as a registration transaction does (SQLite: the write lock; PostgreSQL:
/// the seminar's row) on a thread of its own; tells `locked` once it holds the lock and lets
/// go when `release` is sent.
fn hold_the_seminar_lock(
    app: &crate::support::TestApp,
    id: i64,
) -> (mpsc::Receiver<()>, mpsc::Sender<()>) {
    let (locked_tx, locked) = mpsc::channel();
    let (release, release_rx) = mpsc::channel::<()>();
    let db = app.state.db.clone();
    std::thread::spawn(move || {
        let mut c = db.get().expect("a connection");
        c.write_transaction(|c| {
            lock_seminar(c, id)?;
            let _ = locked_tx.send(());
            let _ = release_rx.recv();
            Ok::<_, diesel::result::Error>(())
        })
        .expect("the lock holder's transaction");
    });
    (locked, release)
}

#[tokio::test]
async fn the_staff_list_shows_the_last_ninety_days_of_registrations_as_charts() {
    let app = spawn_app().await;
    app.sign_in("staff@example.jp", secunity::accounts::Role::Staff)
        .await;
    let (status, empty) = app.get_text("/staff/seminars").await;
    assert_eq!(status, 200);
    assert!(empty.contains("申込の状況(直近90日・全セミナー)"));
    assert!(
        empty.contains("直近90日の申込はまだありません。"),
        "{empty}"
    );

    let first = seminar(&app, data("online", 0, 10)).await;
    let second = seminar(&app, data("online", 0, 10)).await;
    register_all(
        &app,
        first,
        vec!["a@example.jp".into(), "b@example.jp".into()],
        "online",
    )
    .await;
    register_all(&app, second, vec!["c@example.jp".into()], "online").await;
    let (_, page) = app.get_text("/staff/seminars").await;
    let overview = &page[page.find("overview-title").expect("overview section")..];
    assert!(!overview.contains("直近90日の申込はまだありません。"));
    assert!(
        overview.contains("申込日別の申込数"),
        "the timeline is drawn"
    );
    assert!(overview.contains("<svg"));
    // Three registrations from 福岡県 over both seminars, as text next to the bar.
    let chart = &overview[overview
        .find("都道府県別の申込数")
        .expect("prefecture chart")..];
    let bar = &chart[chart.find("福岡県").expect("福岡県 row")..];
    assert!(
        bar[..bar.find("</text>").unwrap() + 200].contains(">3<"),
        "{bar}"
    );
}
