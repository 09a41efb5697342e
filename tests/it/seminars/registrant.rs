//! A registrant's journey: the confirmation mail, the personal link, changing mode, cancelling and the promotion it gives.

use super::*;

#[tokio::test]
async fn the_confirmation_mail_carries_the_ics_and_the_join_url_only_when_confirmed() {
    let app = spawn_app().await;
    let id = seminar(&app, data("online", 0, 1)).await;
    let link = personal_link(&app, id, "first@example.jp", "online").await;
    personal_link(&app, id, "second@example.jp", "online").await;
    let got = app.smtp.wait_for(2, Duration::from_secs(10)).await;
    let first = got
        .iter()
        .find(|m| m.rcpt_to == vec!["first@example.jp".to_string()])
        .unwrap();
    let msg = parsed(first);
    assert!(msg.subject().unwrap().contains("参加申込を受け付けました"));
    let text = msg.body_text(0).unwrap().to_string();
    assert!(text.contains("https://webex.example.jp/join/123"));
    assert!(text.contains(&app.url(&link)), "{text}");
    let ics = msg
        .attachments()
        .find(|a| a.attachment_name().is_some_and(|n| n.ends_with(".ics")))
        .expect("an .ics attachment");
    let ics = String::from_utf8(ics.contents().to_vec()).unwrap();
    assert!(ics.contains(&format!("UID:seminar-{id}@127.0.0.1")));
    let second = got
        .iter()
        .find(|m| m.rcpt_to == vec!["second@example.jp".to_string()])
        .unwrap();
    let text = parsed(second).body_text(0).unwrap().to_string();
    assert!(!text.contains("webex.example.jp"));
    assert!(text.contains("1番目"));
    // The personal page shows the join URL to the confirmed registrant.
    let (status, page) = app.get_text(&link).await;
    assert_eq!(status, 200);
    assert!(page.contains("https://webex.example.jp/join/123"));
    assert_eq!(
        app.get_text("/registrations/not-a-real-token-at-all-xxxxxxxxxxxxxxxx")
            .await
            .0,
        404
    );
}

#[tokio::test]
async fn a_cancellation_promotes_the_first_waitlisted_person_once() {
    let app = spawn_app().await;
    let id = seminar(&app, data("onsite", 1, 0)).await;
    let link = personal_link(&app, id, "a@example.jp", "onsite").await;
    personal_link(&app, id, "b@example.jp", "onsite").await;
    personal_link(&app, id, "c@example.jp", "onsite").await;
    app.smtp.wait_for(3, Duration::from_secs(10)).await;
    // Without the confirmation tick nothing happens.
    let res = app
        .post_form_from(&link, &format!("{link}/cancel"), &[])
        .await;
    assert_eq!(res.status().as_u16(), 422);
    assert_eq!(count(&regs(&app, id).await, "confirmed"), 1);
    // Cancelling twice at once frees one seat once.
    let token = app.csrf_token(&link).await;
    let path = format!("{link}/cancel");
    let fields = [("confirm", "1"), ("csrf_token", token.as_str())];
    let (a, b) = tokio::join!(app.post_form(&path, &fields), app.post_form(&path, &fields));
    assert_eq!((a.status().as_u16(), b.status().as_u16()), (303, 303));
    let list = regs(&app, id).await;
    let by = |e: &str| list.iter().find(|r| r.email == e).unwrap().status;
    assert_eq!(
        (
            by("a@example.jp").as_str(),
            by("b@example.jp").as_str(),
            by("c@example.jp").as_str()
        ),
        ("cancelled", "confirmed", "waitlisted")
    );
    // 3 registration mails + 1 cancellation + 1 promotion.
    app.wait_outbox_drained().await;
    let got = app.smtp.messages();
    assert_eq!(got.len(), 5);
    let promoted: Vec<_> = got
        .iter()
        .filter(|m| parsed(m).subject().unwrap().contains("参加が確定しました"))
        .collect();
    assert_eq!(promoted.len(), 1);
    assert_eq!(promoted[0].rcpt_to, vec!["b@example.jp".to_string()]);
}

#[tokio::test]
async fn two_cancellations_at_once_promote_two_people_in_order() {
    let app = spawn_app().await;
    let id = seminar(&app, data("onsite", 2, 0)).await;
    let l1 = personal_link(&app, id, "a@example.jp", "onsite").await;
    let l2 = personal_link(&app, id, "b@example.jp", "onsite").await;
    for e in ["c@example.jp", "d@example.jp", "e@example.jp"] {
        personal_link(&app, id, e, "onsite").await;
    }
    let token = app.csrf_token(&l1).await;
    let (p1, p2) = (format!("{l1}/cancel"), format!("{l2}/cancel"));
    let fields = [("confirm", "1"), ("csrf_token", token.as_str())];
    let (a, b) = tokio::join!(app.post_form(&p1, &fields), app.post_form(&p2, &fields));
    assert_eq!((a.status().as_u16(), b.status().as_u16()), (303, 303));
    let list = regs(&app, id).await;
    let st = |e: &str| list.iter().find(|r| r.email == e).unwrap().status;
    assert_eq!(st("c@example.jp"), "confirmed");
    assert_eq!(st("d@example.jp"), "confirmed");
    assert_eq!(st("e@example.jp"), "waitlisted");
    assert_no_overbooking(&list, 2).unwrap();
}

#[tokio::test]
async fn no_promotion_after_the_deadline() {
    let app = spawn_app().await;
    let id = seminar(&app, data("onsite", 1, 0)).await;
    let link = personal_link(&app, id, "a@example.jp", "onsite").await;
    personal_link(&app, id, "b@example.jp", "onsite").await;
    app.db(move |c| {
        diesel::update(s::table.find(id))
            .set(s::registration_closes_at.eq(now() - Days::hours(1)))
            .execute(c)
    })
    .await;
    let token = app.csrf_token(&link).await;
    let res = app
        .post_form(
            &format!("{link}/cancel"),
            &[("confirm", "1"), ("csrf_token", &token)],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let list = regs(&app, id).await;
    assert_eq!(count(&list, "confirmed"), 0);
    assert_eq!(count(&list, "waitlisted"), 1);
    // And registration itself is closed (the closed page has no form: take the token elsewhere).
    let mut f = form("z@example.jp", "onsite");
    f.push(("csrf_token", &token));
    let res = app
        .post_form(&format!("/seminars/{id}/registrations"), &f)
        .await;
    assert_eq!(res.status().as_u16(), 409);
}

#[tokio::test]
async fn changing_mode_respects_seats() {
    let app = spawn_app().await;
    let id = seminar(&app, data("hybrid", 1, 1)).await;
    let a = personal_link(&app, id, "a@example.jp", "onsite").await;
    personal_link(&app, id, "b@example.jp", "online").await;
    personal_link(&app, id, "c@example.jp", "onsite").await;
    // Online is full: a keeps the onsite seat.
    let res = app
        .post_form_from(&a, &format!("{a}/mode"), &[("mode", "online")])
        .await;
    assert_eq!(res.status().as_u16(), 409);
    let res = app
        .post_form_from(&a, &format!("{a}/mode"), &[("mode", "teleport")])
        .await;
    assert_eq!(res.status().as_u16(), 422);
    let list = regs(&app, id).await;
    assert_eq!(
        list.iter()
            .find(|r| r.email == "a@example.jp")
            .unwrap()
            .mode,
        "onsite"
    );
}

#[tokio::test]
async fn the_registrants_page_redirects_after_each_change_and_says_what_was_done() {
    let app = spawn_app().await;
    let id = seminar(&app, data("hybrid", 2, 2)).await;
    let link = personal_link(&app, id, "a@example.jp", "onsite").await;
    // Changing the way of attending: 303 to the page, which says so; a reload posts nothing.
    let res = app
        .post_form_from(&link, &format!("{link}/mode"), &[("mode", "online")])
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let to = location(&res);
    assert_eq!(to, format!("{link}?done=mode"));
    let (status, body) = app.get_text(&to).await;
    assert_eq!(status, 200);
    assert!(body.contains("参加方法を変更しました。"), "{body}");
    assert_eq!(regs(&app, id).await[0].mode, "online");
    // The page without the result says nothing of it; an unknown result is no message.
    let (_, plain) = app.get_text(&link).await;
    assert!(!plain.contains("参加方法を変更しました。"));
    let (status, odd) = app.get_text(&format!("{link}?done=hacked")).await;
    assert_eq!(status, 200);
    assert!(!odd.contains("参加方法を変更しました。"));
    // Cancelling: 303, then the page says the registration is cancelled, in English too.
    let res = app
        .post_form_from(&link, &format!("{link}/cancel"), &[("confirm", "1")])
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let to = location(&res);
    assert_eq!(to, format!("{link}?done=cancelled"));
    let (_, body) = app.get_text(&to).await;
    assert!(body.contains("お申し込みをキャンセルしました。"), "{body}");
    let en = app
        .client
        .get(app.url(&to))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(en.contains("Your registration has been cancelled."), "{en}");
    assert_eq!(regs(&app, id).await[0].status, "cancelled");
}
