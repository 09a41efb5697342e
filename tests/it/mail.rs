//! The outbound mail pipeline against a real SMTP listener.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use diesel::prelude::*;
use secunity::accounts::Role;
use secunity::mail::outbox::{self, OutboxStatus};
use secunity::mail::template::{self, Markers, TemplateParts};
use secunity::mail::{MailKind, OutgoingMail};
use secunity::schema::outbox as ob;

const SENT: &str = OutboxStatus::Sent.as_str();
const FAILED: &str = OutboxStatus::Failed.as_str();

use crate::support::process;
use crate::support::smtp::{SmtpServer, check_redelivery, parsed};
use crate::support::{TestApp, spawn_app, spawn_app_with};

fn mail(to: &str, n: usize) -> OutgoingMail {
    OutgoingMail::transactional(
        to,
        &format!("テスト {n}"),
        format!("本文 {n}\n"),
        format!("<p>本文 {n}</p>"),
    )
}

async fn enqueue_all(app: &TestApp, mails: Vec<OutgoingMail>) {
    let mailer = app.state.mailer.clone();
    app.db(move |c| {
        c.write_transaction(|c| {
            for m in &mails {
                mailer.enqueue(c, m)?;
            }
            Ok::<_, diesel::result::Error>(())
        })
    })
    .await;
}

async fn statuses(app: &TestApp) -> Vec<(String, String, i32, Option<String>)> {
    app.db(|c| {
        ob::table
            .order(ob::id)
            .select((ob::recipient, ob::status, ob::attempts, ob::last_error))
            .load(c)
    })
    .await
}

#[tokio::test]
async fn a_rolled_back_enqueue_sends_nothing_and_a_committed_one_sends() {
    let app = spawn_app().await;
    let mailer = app.state.mailer.clone();
    let result = app
        .state
        .db
        .run(move |c| {
            c.write_transaction(|c| {
                mailer.enqueue(c, &mail("rolled-back@example.jp", 1))?;
                Err::<(), _>(diesel::result::Error::RollbackTransaction)
            })
        })
        .await;
    assert!(result.is_err());
    enqueue_all(&app, vec![mail("committed@example.jp", 2)]).await;
    app.wait_outbox_drained().await;
    let got = app.smtp.messages();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].rcpt_to, vec!["committed@example.jp".to_string()]);
    assert_eq!(statuses(&app).await.len(), 1);
}

#[tokio::test]
async fn temporary_failures_are_retried_until_each_message_is_accepted_once() {
    // 451 to every fifth attempt.
    let smtp = SmtpServer::start_with(Arc::new(|n| if n % 5 == 4 { 451 } else { 250 })).await;
    let app = spawn_app_with(&[], smtp).await;
    let mails: Vec<_> = (0..40)
        .map(|i| mail(&format!("sme{i}@example.jp"), i))
        .collect();
    enqueue_all(&app, mails).await;
    app.wait_outbox_drained().await;
    assert_eq!(app.smtp.messages().len(), 40, "each message exactly once");
    assert!(app.smtp.attempts() > 40, "some attempts were refused");
    let recipients: HashSet<String> = app
        .smtp
        .messages()
        .iter()
        .map(|m| m.rcpt_to[0].clone())
        .collect();
    assert_eq!(recipients.len(), 40);
    // The rows were all marked sent, and those that were refused once show a second attempt.
    let rows = statuses(&app).await;
    assert!(rows.iter().all(|(_, s, _, _)| s == SENT));
    assert!(rows.iter().any(|(_, _, attempts, _)| *attempts > 1));
}

#[tokio::test]
async fn a_permanent_failure_stops_after_one_try_and_shows_the_reply() {
    let smtp = SmtpServer::start_with(Arc::new(|_| 550)).await;
    let app = spawn_app_with(&[], smtp).await;
    enqueue_all(&app, vec![mail("nobody@example.jp", 1)]).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let rows = statuses(&app).await;
        if rows[0].1 == FAILED {
            assert_eq!(rows[0].2, 1, "one attempt only");
            assert!(rows[0].3.as_deref().unwrap_or("").contains("550"));
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never marked failed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    app.wait_outbox_drained().await;
    assert_eq!(app.smtp.attempts(), 1);
    let counts = app.db(|c| outbox::counts(c, None)).await;
    assert_eq!((counts.failed, counts.sent), (1, 0));
}

/// Settings of the `secunity worker` processes of the crash tests: one SMTP connection, so that
/// a held reply stops the worker; a short lease, so that the next one takes over soon.
const CRASH_WORKER: [(&str, &str); 3] = [
    ("MAIL_CONCURRENCY", "1"),
    ("MAIL_LEASE_SECONDS", "2"),
    ("MAIL_RATE", "100000"),
];

/// Queues `total` mails and starts a `secunity worker` process; the SMTP listener takes message
/// number `hold_at` and holds its reply, so the worker is in the middle of a delivery, with its
/// lease held and messages delivered that it has not recorded yet, when it is killed
/// (SIGKILL). Extra `settings` go to the killed worker.
async fn kill_a_worker_mid_delivery(
    app: &TestApp,
    prefix: &str,
    total: usize,
    hold_at: usize,
    settings: &[(&str, &str)],
) {
    let mails: Vec<_> = (0..total)
        .map(|i| mail(&format!("{prefix}{i}@example.jp"), i))
        .collect();
    enqueue_all(app, mails).await;
    kill_the_worker_at(app, total, hold_at, settings).await;
}

/// The crash of [`kill_a_worker_mid_delivery`] on the mails already queued.
async fn kill_the_worker_at(
    app: &TestApp,
    total: usize,
    hold_at: usize,
    settings: &[(&str, &str)],
) {
    app.smtp.hold_from(hold_at);
    let mut env = CRASH_WORKER.to_vec();
    env.extend_from_slice(settings);
    let mut first = process::worker(app, &env);
    app.smtp.wait_held(1, Duration::from_secs(60)).await;
    first.kill();
    app.smtp.release();
    assert!(
        app.smtp.messages().len() < total,
        "killed in the middle of the work"
    );
}

/// Lets a second worker process finish what the killed one left (its leases expire first).
async fn finish_with_a_second_worker(app: &TestApp) {
    let mut second = process::worker(app, &CRASH_WORKER);
    app.wait_outbox_drained().await;
    second.kill();
}

#[tokio::test]
async fn a_killed_worker_loses_nothing_and_duplicates_keep_their_message_id() {
    let app = spawn_app_with(&[("WORKERS", "off")], SmtpServer::start().await).await;
    let total = 120;
    kill_a_worker_mid_delivery(&app, "member", total, 15, &[]).await;
    finish_with_a_second_worker(&app).await;
    let extra = check_redelivery(&app.smtp.messages(), total).unwrap();
    assert!(
        extra >= 1,
        "the message whose reply was held (at least) arrived twice"
    );
}

/// A campaign-like template: a greeting and a personal link per recipient (slots 0 and 1), one
/// of them in a header as well.
fn greeting_template() -> TemplateParts {
    let m = Markers::new();
    TemplateParts {
        subject: "テンプレートのお知らせ".into(),
        text: m.split(
            &format!("{} 様\n\n本文です。\n{}\n", m.slot(0), m.slot(1)),
            |n| n,
        ),
        html: m.split(
            &format!(
                "<p>{} 様</p><p><a href=\"{}\">リンク</a></p>",
                m.slot(0),
                m.slot(1)
            ),
            |n| n,
        ),
        headers: vec![(
            "List-Unsubscribe".into(),
            m.split(&format!("<{}>", m.slot(1)), |n| n),
        )],
    }
}

/// Queues `total` mails of [`greeting_template`] to `{prefix}{i}@example.jp`, each with its own
/// name and link.
async fn enqueue_templated(app: &TestApp, prefix: &str, total: usize) {
    let mailer = app.state.mailer.clone();
    let prefix = prefix.to_string();
    app.db(move |c| {
        c.write_transaction(|c| {
            let id = template::store(c, "test:greeting", &greeting_template())?;
            let mails: Vec<_> = (0..total)
                .map(|i| {
                    let to = format!("{prefix}{i}@example.jp");
                    let mut mail = OutgoingMail::transactional(
                        &to,
                        "テンプレートのお知らせ",
                        String::new(),
                        String::new(),
                    );
                    mail.kind = MailKind::Newsletter;
                    let values = vec![format!("会員{i}"), format!("https://x.example/u/{i}")];
                    (mail, mailer.new_message_id(), values)
                })
                .collect();
            outbox::insert_many_templated(c, id, &mails)
        })
    })
    .await;
}

#[tokio::test]
async fn a_killed_worker_re_sends_a_templated_mail_with_its_message_id_and_its_own_values() {
    let app = spawn_app_with(&[("WORKERS", "off")], SmtpServer::start().await).await;
    let total = 120;
    enqueue_templated(&app, "tpl", total).await;
    kill_the_worker_at(&app, total, 15, &[]).await;
    finish_with_a_second_worker(&app).await;
    let got = app.smtp.messages();
    let extra = check_redelivery(&got, total).unwrap();
    assert!(extra >= 1, "the message whose reply was held arrived twice");
    // Every copy, the first and the one sent again, is the recipient's own.
    for m in &got {
        let i: usize = m.rcpt_to[0]
            .trim_start_matches("tpl")
            .trim_end_matches("@example.jp")
            .parse()
            .unwrap();
        let text = parsed(m).body_text(0).unwrap().to_string();
        assert_eq!(
            text.replace("\r\n", "\n"),
            format!("会員{i} 様\n\n本文です。\nhttps://x.example/u/{i}\n")
        );
        assert_eq!(
            m.raw_header("List-Unsubscribe").unwrap(),
            format!("<https://x.example/u/{i}>")
        );
    }
}

#[tokio::test]
async fn control_a_redelivery_with_a_new_message_id_is_caught() {
    let app = spawn_app_with(&[("WORKERS", "off")], SmtpServer::start().await).await;
    let total = 120;
    kill_a_worker_mid_delivery(&app, "member", total, 15, &[]).await;
    // What a sender that made a new Message-ID at every attempt would send: the rows the dead
    // worker had claimed get fresh ones before the second worker sends them again.
    let mailer = app.state.mailer.clone();
    app.db(move |c| {
        let claimed: Vec<i64> = ob::table
            .filter(ob::status.eq(outbox::OutboxStatus::Sending))
            .select(ob::id)
            .load(c)?;
        for id in claimed {
            diesel::update(ob::table.find(id))
                .set(ob::message_id.eq(mailer.new_message_id()))
                .execute(c)?;
        }
        Ok::<_, diesel::result::Error>(())
    })
    .await;
    finish_with_a_second_worker(&app).await;
    let caught = check_redelivery(&app.smtp.messages(), total)
        .expect_err("the check must see the new Message-IDs");
    assert!(caught.contains("another Message-ID"), "{caught}");
}

#[tokio::test]
async fn headers_are_safe_and_japanese_round_trips() {
    let app = spawn_app().await;
    let subject = "【地域SECUNITY】セミナー参加登録のお知らせ(12月10日・福岡)";
    let mut m = OutgoingMail::transactional(
        "taro@example.jp",
        subject,
        "山田 太郎 様\n\nご登録ありがとうございます。\n".into(),
        "<p>山田 太郎 様</p><p>ご登録ありがとうございます。</p>".into(),
    );
    m.to_name = Some("山田 太郎\r\nBcc: attacker@example.com".into());
    m.subject = format!("{subject}\r\nX-Injected: yes");
    enqueue_all(&app, vec![m]).await;
    let got = app.smtp.wait_for(1, Duration::from_secs(30)).await;
    let received = &got[0];
    assert_eq!(received.rcpt_to, vec!["taro@example.jp".to_string()]);
    assert!(received.raw_header("Bcc").is_none());
    assert!(received.raw_header("X-Injected").is_none());
    let raw_subject = received.raw_header("Subject").unwrap();
    assert!(
        raw_subject.starts_with("=?utf-8?"),
        "RFC 2047: {raw_subject}"
    );
    let message = parsed(received);
    assert_eq!(
        message.subject().unwrap(),
        format!("{subject} X-Injected: yes")
    );
    assert!(
        message
            .body_text(0)
            .unwrap()
            .contains("ご登録ありがとうございます。")
    );
    assert!(
        message
            .body_html(0)
            .unwrap()
            .contains("<p>山田 太郎 様</p>")
    );
}

#[tokio::test]
async fn transactional_mail_is_claimed_before_newsletters() {
    let app = spawn_app_with(&[("WORKERS", "off")], SmtpServer::start().await).await;
    let mut mails: Vec<_> = (0..3)
        .map(|i| {
            let mut m = mail(&format!("reader{i}@example.jp"), i);
            m.kind = MailKind::Newsletter;
            m
        })
        .collect();
    mails.push(mail("urgent@example.jp", 9));
    enqueue_all(&app, mails).await;
    let claimed = app
        .db(|c| outbox::claim(c, "test", 1, 100.0, chrono::Duration::seconds(60)))
        .await;
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].recipient, "urgent@example.jp");
}

#[tokio::test]
async fn one_row_per_dedupe_key() {
    let app = spawn_app_with(&[("WORKERS", "off")], SmtpServer::start().await).await;
    let mut a = mail("once@example.jp", 1);
    a.dedupe_key = Some("campaign:1:subscriber:1".into());
    enqueue_all(&app, vec![a.clone(), a.clone()]).await;
    enqueue_all(&app, vec![a]).await;
    assert_eq!(statuses(&app).await.len(), 1);
}

#[tokio::test]
async fn without_smtp_mail_is_written_as_eml_files() {
    let app = spawn_app_with(&[("SMTP_URL", "")], SmtpServer::start().await).await;
    enqueue_all(&app, vec![mail("files@example.jp", 1)]).await;
    let dir = app.dir.path().join("outbox");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let files: Vec<_> = std::fs::read_dir(&dir)
            .map(|d| d.filter_map(Result::ok).collect())
            .unwrap_or_default();
        if let Some(file) = files.first() {
            let text = std::fs::read_to_string(file.path()).unwrap();
            assert!(text.contains("To: files@example.jp"));
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no .eml file written"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// With `MAIL_CONCURRENCY` 1 a chunk, the window of sent but unrecorded messages, is 16.
const CHUNK: usize = 16;

/// Kills a worker in the middle of a large batch (a rate that never limits keeps the batches
/// large, so its window is full), lets a second one finish, and returns how many messages
/// arrived twice.
async fn duplicates_after_a_crash(settings: &[(&str, &str)]) -> usize {
    let app = spawn_app_with(&[("WORKERS", "off")], SmtpServer::start().await).await;
    let total = 400;
    kill_a_worker_mid_delivery(&app, "window", total, 150, settings).await;
    finish_with_a_second_worker(&app).await;
    check_redelivery(&app.smtp.messages(), total).unwrap()
}

#[tokio::test]
async fn a_killed_worker_re_sends_at_most_one_chunk() {
    let duplicates = duplicates_after_a_crash(&[]).await;
    assert!(
        (1..=CHUNK).contains(&duplicates),
        "{duplicates} messages were sent twice; at most one chunk ({CHUNK}) may be"
    );
}

#[tokio::test]
async fn control_a_window_ten_times_larger_re_sends_more_than_a_chunk() {
    let window = (10 * CHUNK).to_string();
    let duplicates = duplicates_after_a_crash(&[("SECUNITY_TEST_SEND_WINDOW", &window)]).await;
    assert!(
        duplicates > CHUNK,
        "the control must re-send more than a chunk, it re-sent {duplicates}"
    );
}

#[tokio::test]
async fn the_content_of_old_sent_mail_is_emptied_and_its_row_still_dedupes() {
    let app = spawn_app_with(&[("WORKERS", "off")], SmtpServer::start().await).await;
    let keyed = |to: &str, n: usize| OutgoingMail {
        dedupe_key: Some(format!("reminder:{n}")),
        ..mail(to, n)
    };
    enqueue_all(
        &app,
        vec![
            keyed("old@example.jp", 1),
            keyed("recent@example.jp", 2),
            keyed("queued@example.jp", 3),
        ],
    )
    .await;
    let now = secunity::time::now_utc();
    app.db(move |c| {
        for (to, days) in [("old@example.jp", 40), ("recent@example.jp", 1)] {
            diesel::update(ob::table.filter(ob::recipient.eq(to)))
                .set((
                    ob::status.eq(SENT),
                    ob::sent_at.eq(Some(now - chrono::Duration::days(days))),
                ))
                .execute(c)?;
        }
        Ok::<_, diesel::result::Error>(())
    })
    .await;
    let before = now - chrono::Duration::days(outbox::SENT_CONTENT_DAYS);
    let emptied = app.db(move |c| outbox::scrub_sent(c, before)).await;
    assert_eq!(emptied, 1);
    assert_eq!(
        app.db(move |c| outbox::scrub_sent(c, before)).await,
        0,
        "a second pass finds nothing left"
    );
    let bodies: Vec<(String, String, String, String)> = app
        .db(|c| {
            ob::table
                .order(ob::id)
                .select((ob::recipient, ob::status, ob::body_text, ob::body_html))
                .load(c)
        })
        .await;
    assert_eq!(
        bodies[0],
        (
            "old@example.jp".into(),
            SENT.into(),
            String::new(),
            String::new()
        )
    );
    assert_eq!(
        bodies[1].2, "本文 2\n",
        "a mail sent yesterday keeps its content"
    );
    assert_eq!(bodies[2].1, "queued");
    assert_eq!(bodies[2].2, "本文 3\n", "unsent mail keeps its content");
    // The emptied row still stands for its purpose: the same mail is not queued again.
    enqueue_all(&app, vec![keyed("old@example.jp", 1)]).await;
    assert_eq!(statuses(&app).await.len(), 3);
}

/// Queues one mail, holds the SMTP listener's reply to it and waits until the sender is stuck
/// in the middle of that delivery; returns the mail's outbox row.
async fn stall_a_delivery(app: &TestApp) -> i64 {
    app.smtp.hold();
    enqueue_all(app, vec![mail("stalled@example.jp", 1)]).await;
    app.smtp.wait_held(1, Duration::from_secs(60)).await;
    let (row, status): (i64, String) = app
        .db(|c| {
            ob::table
                .filter(ob::recipient.eq("stalled@example.jp"))
                .select((ob::id, ob::status))
                .first(c)
        })
        .await;
    assert_eq!(
        status,
        outbox::OutboxStatus::Sending.as_str(),
        "the claim was committed before the delivery began"
    );
    row
}

/// Whether another connection can take, within a second, what a sender would hold if it kept a
/// transaction open while talking SMTP: on SQLite the write lock, on PostgreSQL the row of the
/// stalled mail and the rate bucket. Other writers come and go, so it tries a few times; a lock
/// held through the stalled delivery is never free.
async fn locks_free_during_the_delivery(app: &TestApp, row: i64) -> bool {
    let url = secrecy::ExposeSecret::expose_secret(&app.state.config.database_url).to_string();
    tokio::task::spawn_blocking(move || {
        use diesel::connection::SimpleConnection;
        let mut c = secunity::db::connect_one(&url).expect("a connection of its own");
        let probe = match c.backend() {
            secunity::db::Backend::Sqlite => {
                c.batch_execute("PRAGMA busy_timeout = 0").unwrap();
                "BEGIN IMMEDIATE".to_string()
            }
            secunity::db::Backend::Postgres => format!(
                "BEGIN; SELECT id FROM outbox WHERE id = {row} FOR UPDATE NOWAIT; \
                 SELECT id FROM mail_throttle FOR UPDATE NOWAIT"
            ),
        };
        for _ in 0..50 {
            let free = c.batch_execute(&probe).is_ok();
            let _ = c.batch_execute("ROLLBACK");
            if free {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn no_smtp_call_happens_inside_a_database_transaction() {
    use crate::seminars::{data, form, seminar};
    let app = spawn_app().await;
    let id = seminar(&app, data("online", 0, 10)).await;
    let row = stall_a_delivery(&app).await;
    assert!(
        locks_free_during_the_delivery(&app, row).await,
        "the sender holds a database lock while it waits for the SMTP server"
    );
    // Writers go on while the SMTP server stalls: a registration and a staff write commit. (A
    // sender holding a write transaction through the delivery would keep them waiting until
    // the listener lets go, which it does only after them: the timeout fails the test.)
    app.sign_in("staff@example.jp", Role::Staff).await;
    let writes = async {
        let registered = app
            .post_form_from(
                &format!("/seminars/{id}"),
                &format!("/seminars/{id}/registrations"),
                &form("during-the-stall@example.jp", "online"),
            )
            .await;
        let created = app
            .post_form_from(
                "/staff/seminars/new",
                "/staff/seminars/new",
                &[
                    ("title", "大分 宇宙産業 セキュリティセミナー"),
                    ("industry", "space"),
                    ("prefecture", "44"),
                    ("format", "online"),
                    ("starts_at", "2030-11-10T13:00"),
                    ("ends_at", "2030-11-10T15:00"),
                    ("registration_closes_at", "2030-11-09T17:00"),
                    ("capacity_online", "100"),
                ],
            )
            .await;
        (registered.status(), created.status())
    };
    let (registered, created) = tokio::time::timeout(Duration::from_secs(60), writes)
        .await
        .expect("writes commit while a delivery is stalled");
    assert!(registered.is_redirection(), "{registered}");
    assert!(created.is_redirection(), "{created}");
    let stored: (i64, i64) = app
        .db(|c| {
            use secunity::schema::{registrations, seminars};
            Ok::<_, diesel::result::Error>((
                registrations::table.count().get_result(c)?,
                seminars::table.count().get_result(c)?,
            ))
        })
        .await;
    assert_eq!(stored, (1, 2));
    app.smtp.release();
    app.wait_outbox_drained().await;
    let mut to: Vec<String> = app
        .smtp
        .messages()
        .iter()
        .map(|m| m.rcpt_to[0].clone())
        .collect();
    to.sort();
    assert_eq!(to, ["during-the-stall@example.jp", "stalled@example.jp"]);
}

#[tokio::test]
async fn control_a_transaction_held_through_a_stalled_delivery_is_caught() {
    let app = spawn_app().await;
    let row = stall_a_delivery(&app).await;
    // What a sender that talked SMTP inside its transaction would hold: the write lock (SQLite)
    // or the lock on its row (PostgreSQL), until the delivery ends.
    let (locked_tx, locked) = std::sync::mpsc::channel();
    let (release, released) = std::sync::mpsc::channel::<()>();
    let db = app.state.db.clone();
    let holder = std::thread::spawn(move || {
        let mut c = db.get().expect("a connection");
        c.write_transaction(|c| {
            diesel::update(ob::table.find(row))
                .set(ob::attempts.eq(ob::attempts))
                .execute(c)?;
            let _ = locked_tx.send(());
            let _ = released.recv();
            Ok::<_, diesel::result::Error>(())
        })
        .expect("the holder's transaction");
    });
    locked.recv().expect("the lock is taken");
    let free = locks_free_during_the_delivery(&app, row).await;
    release.send(()).unwrap();
    holder.join().unwrap();
    app.smtp.release();
    assert!(!free, "the probe must see a lock held through the delivery");
}
