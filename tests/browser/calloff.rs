//! Bureau staff on a desktop call a seminar off: the button leads to a page that says who will
//! be mailed (a plain form, so it works without JavaScript), the final button calls it off, the
//! seminar's page says so, and the public page shows no seats, form or calendar link.

use views::Lang;

use crate::chrome::{Device, Driver, Script};
use crate::seed;
use crate::support::spawn_app;
use crate::visitor::Visitor;
use secunity::accounts::Role;

const TITLE: &str = "宮崎 林業のためのサイバーセキュリティ入門";

async fn calls_a_seminar_off_after_confirming(lang: Lang, script: Script) {
    let app = spawn_app().await;
    let id = seed::seminar(&app, TITLE, 0, 50).await;
    let res = app
        .post_form_from(
            &format!("/seminars/{id}"),
            &format!("/seminars/{id}/registrations"),
            &[
                ("name", "宮崎 一郎"),
                ("email", "ichiro@example.jp"),
                ("prefecture", "45"),
                ("mode", "online"),
                ("consent", "1"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let email = format!("calloff.{}@example.jp", lang.code());
    app.api_token(&email, Role::Staff).await;
    let driver = Driver::start().await;
    let mut v = Visitor::arrive(&driver, &app.base, Device::Desktop, script, lang).await;
    v.sign_in_by_mail(&app, &email).await;

    v.open(&format!("/staff/seminars/{id}")).await;
    v.click(&format!("a[href='/staff/seminars/{id}/cancel']"))
        .await;
    assert_eq!(v.text("h1").await, v.t("seminars.cancel.title"));
    let says = v.text("ul.consequences").await;
    assert!(says.contains('1'), "how many are mailed: {says}");
    assert!(says.contains(v.t("seminars.cancel.final")));
    // Back changes nothing.
    v.click(".confirmation a.button-secondary").await;
    assert!(
        v.has(&format!("a[href='/staff/seminars/{id}/cancel']"))
            .await
    );

    v.click(&format!("a[href='/staff/seminars/{id}/cancel']"))
        .await;
    v.click(".confirmation form button[type='submit']").await;
    let after = v.path().await;
    assert!(
        after.starts_with(&format!("/staff/seminars/{id}?done=cancelled")),
        "{after}"
    );
    let page = v.page_text().await;
    assert!(page.contains(v.t("seminars.cancel.is_cancelled")), "{page}");
    assert!(
        !v.has(&format!("a[href='/staff/seminars/{id}/cancel']"))
            .await
    );

    v.open(&format!("/seminars/{id}")).await;
    assert!(!v.has("form[action$='/registrations']").await, "no form");
    assert!(
        !v.has(&format!("a[href='/seminars/{id}.ics']")).await,
        "no calendar link"
    );
    v.leave(&format!("staff call a seminar off ({})", lang.code()))
        .await;
}

#[tokio::test]
async fn staff_call_a_seminar_off_after_confirming_in_japanese() {
    calls_a_seminar_off_after_confirming(Lang::Ja, Script::On).await;
}

#[tokio::test]
async fn staff_call_a_seminar_off_after_confirming_in_english_without_javascript() {
    calls_a_seminar_off_after_confirming(Lang::En, Script::Off).await;
}
