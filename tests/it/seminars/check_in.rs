//! Online attendees check in with the code, and guessing it is rate limited.

use super::*;

#[tokio::test]
async fn online_attendees_check_in_with_the_code_during_the_seminar() {
    let app = spawn_app().await;
    let (id, link, code) = registered_for_a_seminar_about_to_start(&app).await;
    let res = app
        .post_form_from(&link, &format!("{link}/attend"), &[("code", "000000x")])
        .await;
    assert_eq!(res.status().as_u16(), 422);
    let res = app
        .post_form_from(&link, &format!("{link}/attend"), &[("code", &code)])
        .await;
    assert_eq!(res.status().as_u16(), 303);
    assert!(regs(&app, id).await[0].checked_in_at.is_some());
}

#[tokio::test]
async fn guessing_the_attendance_code_is_rate_limited() {
    let app = spawn_app_with(
        &[("RATE_LIMIT_PER_MINUTE", "3")],
        crate::support::smtp::SmtpServer::start().await,
    )
    .await;
    let (id, link, code) = registered_for_a_seminar_about_to_start(&app).await;
    let wrong = if code == "000000" { "000001" } else { "000000" };
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let res = app
            .post_form_from(&link, &format!("{link}/attend"), &[("code", wrong)])
            .await;
        statuses.push((
            res.status().as_u16(),
            res.headers().get("retry-after").is_some(),
        ));
    }
    assert_eq!(statuses[0], (422, false), "a wrong code is a form error");
    assert_eq!(statuses[3], (429, true), "{statuses:?}");
    // Once limited, even the right code checks nobody in until the wait is over.
    let res = app
        .post_form_from(&link, &format!("{link}/attend"), &[("code", &code)])
        .await;
    assert_eq!(res.status().as_u16(), 429);
    assert!(regs(&app, id).await[0].checked_in_at.is_none());
}
