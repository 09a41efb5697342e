//! An SME owner on a phone finds a seminar, registers (after a first submit with nothing
//! filled in), opens the personal link from the confirmation mail, changes from the venue to
//! online, and cancels.

use views::Lang;

use crate::chrome::{Device, Driver, Script};
use crate::forms::assert_error_summary;
use crate::seed;
use crate::support::mailbox::next_registration_link;
use crate::support::spawn_app;
use crate::visitor::Visitor;

const TITLE: &str = "医療・薬局のためのサイバーセキュリティ対策セミナー(佐賀)";

/// The required fields of the registration form in the order of the form (the seminar offers
/// both modes, so none is chosen in advance).
const REQUIRED: &[&str] = &["name", "email", "prefecture", "mode", "consent"];

async fn registers_changes_mode_and_cancels(lang: Lang, script: Script) {
    let app = spawn_app().await;
    let id = seed::seminar(&app, TITLE, 20, 100).await;
    let driver = Driver::start().await;
    let mut v = Visitor::arrive(&driver, &app.base, Device::Phone, script, lang).await;

    v.click(".global-nav a[href='/seminars']").await;
    v.follow(TITLE).await;
    assert_eq!(v.path().await, format!("/seminars/{id}"));

    // Nothing filled in: the summary names every field and the page opens at it.
    v.click("form[action^='/seminars/'] button[type='submit']")
        .await;
    assert_error_summary(&v, REQUIRED).await;

    let email = format!("hanako.{}@example.jp", lang.code());
    v.fill("name", "九州 花子").await;
    v.fill("email", &email).await;
    v.fill("company", "ひまわり調剤薬局").await;
    v.select("prefecture", "41").await;
    v.select("industry", "medical_pharmacy").await;
    v.select("employees", "6-20").await;
    v.tick("mode", "onsite").await;
    v.tick("consent", "1").await;
    v.click("form[action^='/seminars/'] button[type='submit']")
        .await;
    assert_eq!(v.path().await, format!("/seminars/{id}/registrations/sent"));
    assert!(v.text("h1").await.contains(v.t("registrations.sent_title")));

    let link = next_registration_link(&app, &email, 0).await;
    v.open(&link).await;
    assert_eq!(v.text("dd.status").await, v.t("seminars.reg_confirmed"));

    v.tick("mode", "online").await;
    v.click("form[action$='/mode'] button[type='submit']").await;
    // Redirected after the POST: a reload shows the page, it does not post again.
    assert!(v.path().await.ends_with("?done=mode"), "{}", v.path().await);
    assert!(v.page_text().await.contains(v.t("seminars.mode_changed")));
    assert!(v.page_text().await.contains(v.t("seminars.mode_online")));

    v.tick("confirm", "1").await;
    v.click("form[action$='/cancel'] button[type='submit']")
        .await;
    assert!(v.page_text().await.contains(v.t("seminars.cancelled_done")));
    assert_eq!(v.text("dd.status").await, v.t("seminars.reg_cancelled"));

    v.leave(&format!(
        "seminar registration on a phone ({}, {script:?})",
        lang.code()
    ))
    .await;
}

#[tokio::test]
async fn an_sme_registers_on_a_phone_changes_mode_and_cancels_in_japanese() {
    registers_changes_mode_and_cancels(Lang::Ja, Script::On).await;
}

#[tokio::test]
async fn an_sme_registers_on_a_phone_changes_mode_and_cancels_in_english() {
    registers_changes_mode_and_cancels(Lang::En, Script::On).await;
}

#[tokio::test]
async fn an_sme_registers_on_a_phone_without_javascript() {
    registers_changes_mode_and_cancels(Lang::Ja, Script::Off).await;
}
