//! Seats under load: no overbooking, order kept, one registration per address, staff changes by hand.

use super::*;

#[tokio::test]
async fn two_hundred_registrations_for_fifty_seats_confirm_exactly_fifty_in_order() {
    let app = spawn_app().await;
    let id = seminar(&app, data("onsite", 50, 0)).await;
    let emails: Vec<String> = (0..200).map(|i| format!("p{i}@example.jp")).collect();
    let statuses = register_all(&app, id, emails, "onsite").await;
    assert!(statuses.iter().all(|s| *s == 303), "{statuses:?}");
    let list = regs(&app, id).await;
    assert_eq!(list.len(), 200);
    assert_no_overbooking(&list, 50).unwrap();
    assert_eq!(count(&list, "confirmed"), 50);
    assert_eq!(count(&list, "waitlisted"), 150);
    // Arrival order: every confirmed one came before every waitlisted one, and the waitlist
    // runs 1..=150 in the order the registrations were stored.
    let last_confirmed = list
        .iter()
        .filter(|r| r.status == "confirmed")
        .map(|r| r.id)
        .max();
    let first_waiting = list
        .iter()
        .filter(|r| r.status == "waitlisted")
        .map(|r| r.id)
        .min();
    assert!(last_confirmed < first_waiting);
    let mut waiting: Vec<&Registration> =
        list.iter().filter(|r| r.status == "waitlisted").collect();
    waiting.sort_by_key(|r| r.id);
    let seqs: Vec<i64> = waiting.iter().filter_map(|r| r.waitlist_seq).collect();
    assert_eq!(seqs, (1..=150).collect::<Vec<i64>>());
    let (_, body) = app.get_text(&format!("/api/v1/seminars/{id}")).await;
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        v["seats"]["onsite"],
        json!({"capacity": 50, "confirmed": 50, "waitlisted": 150, "applied": 0, "cancelled": 0, "checked_in": 0})
    );
}

#[tokio::test]
async fn control_an_unlocked_check_then_write_overbooks_and_the_check_catches_it() {
    // The same count-then-insert as the real path, but without the serializing transaction:
    // six writers all read "0 confirmed" before any of them writes.
    let app = spawn_app().await;
    let id = seminar(&app, data("onsite", 3, 0)).await;
    let writers = 6;
    let barrier = Arc::new(Barrier::new(writers));
    let mut handles = Vec::new();
    for i in 0..writers {
        let db = app.state.db.clone();
        let barrier = barrier.clone();
        handles.push(std::thread::spawn(move || {
            let mut c = db.get().unwrap();
            let taken = rq::count(
                &mut c,
                id,
                Mode::Onsite,
                secunity::registrations::model::RegistrationStatus::Confirmed,
            )
            .unwrap();
            barrier.wait();
            let status = if taken < 3 { "confirmed" } else { "waitlisted" };
            diesel::insert_into(r::table)
                .values((
                    r::seminar_id.eq(id),
                    r::name.eq("x"),
                    r::email.eq(format!("c{i}@example.jp")),
                    r::mode.eq("onsite"),
                    r::status.eq(status),
                    r::token_hash.eq(format!("h{i}")),
                    r::created_at.eq(now()),
                    r::updated_at.eq(now()),
                ))
                .execute(&mut *c)
                .unwrap();
        }));
    }
    for h in handles {
        h.join().unwrap();
    }
    let list = regs(&app, id).await;
    assert!(
        assert_no_overbooking(&list, 3).is_err(),
        "the control must overbook"
    );
}

#[tokio::test]
async fn two_requests_for_the_last_seat_give_one_seat_and_one_waitlist_place() {
    let app = spawn_app().await;
    let id = seminar(&app, data("hybrid", 1, 5)).await;
    let statuses = register_all(
        &app,
        id,
        vec!["a@example.jp".into(), "b@example.jp".into()],
        "onsite",
    )
    .await;
    assert_eq!(statuses, vec![303, 303]);
    let list = regs(&app, id).await;
    assert_eq!(count(&list, "confirmed"), 1);
    assert_eq!(count(&list, "waitlisted"), 1);
    let (_, page) = app.get_text(&format!("/seminars/{id}")).await;
    assert!(page.contains("会場 満席"), "{page}");
    assert!(page.contains("オンライン 残り5席"));
}

#[tokio::test]
async fn ten_registrations_with_one_address_store_one_and_send_one_mail() {
    let app = spawn_app().await;
    let id = seminar(&app, data("online", 0, 100)).await;
    let emails = (0..10)
        .map(|i| {
            if i % 2 == 0 {
                "Same@Example.jp".to_string()
            } else {
                "same@example.jp".to_string()
            }
        })
        .collect();
    let statuses = register_all(&app, id, emails, "online").await;
    // The same answer for the new registration and the nine repeats.
    assert!(statuses.iter().all(|s| *s == 303), "{statuses:?}");
    assert_eq!(regs(&app, id).await.len(), 1);
    app.wait_outbox_drained().await;
    assert_eq!(app.smtp.messages().len(), 1);
}

#[tokio::test]
async fn staff_promote_and_cancel_by_hand_without_overbooking() {
    let app = spawn_app().await;
    let id = seminar(&app, data("onsite", 1, 0)).await;
    personal_link(&app, id, "a@example.jp", "onsite").await;
    personal_link(&app, id, "b@example.jp", "onsite").await;
    app.sign_in("staff@example.jp", Role::Staff).await;
    let list = regs(&app, id).await;
    let (a, b) = (list[0].id, list[1].id);
    let page = format!("/staff/seminars/{id}");
    // No free seat: staff cannot overbook either.
    let res = app
        .post_form_from(&page, &format!("{page}/registrations/{b}/promote"), &[])
        .await;
    assert_eq!(res.status().as_u16(), 409);
    let res = app
        .post_form_from(&page, &format!("{page}/registrations/{a}/cancel"), &[])
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let list = regs(&app, id).await;
    assert_eq!(
        list[1].status, "confirmed",
        "the waitlisted person got the seat"
    );
    let res = app
        .post_form_from(&page, &format!("{page}/registrations/{b}/explode"), &[])
        .await;
    assert_eq!(res.status().as_u16(), 404);
    let (_, body) = app
        .get_text(&format!("{page}?q=b%40example&status=confirmed"))
        .await;
    assert!(body.contains("b@example.jp"));
    assert!(!body.contains("a@example.jp"));
}
