//! An SME owner on a phone subscribes to the newsletter (after a first submit with nothing
//! filled in), confirms with the link from the mail, and changes the topics on the
//! preference page.

use views::Lang;

use crate::chrome::{Device, Driver, Script};
use crate::forms::assert_error_summary;
use crate::support::mailbox::next_link;
use crate::support::spawn_app;
use crate::visitor::Visitor;

async fn subscribes_and_confirms(lang: Lang) {
    let app = spawn_app().await;
    let driver = Driver::start().await;
    let mut v = Visitor::arrive(&driver, &app.base, Device::Phone, Script::On, lang).await;

    v.click(".global-nav a[href='/newsletter']").await;
    v.click("form[action='/newsletter/subscribe'] button[type='submit']")
        .await;
    assert_error_summary(&v, &["email", "name", "topics", "consent"]).await;

    let email = format!("subscriber.{}@example.jp", lang.code());
    v.fill("email", &email).await;
    v.fill("name", "佐賀 次郎").await;
    v.select("prefecture", "41").await;
    v.tick("topics", "subsidies").await;
    v.tick("topics", "alerts").await;
    v.tick("consent", "1").await;
    v.click("form[action='/newsletter/subscribe'] button[type='submit']")
        .await;
    assert_eq!(v.text("h1").await, v.t("newsletter.check_mail_title"));

    let confirm = next_link(&app, &email, "/newsletter/confirm/", 0).await;
    v.open(&confirm).await;
    v.click("main form button[type='submit']").await;
    assert_eq!(v.text("h1").await, v.t("newsletter.confirmed_title"));

    v.follow(v.t("newsletter.preferences_link")).await;
    assert_eq!(v.text("h1").await, v.t("newsletter.preferences_title"));
    v.tick("topics", "events").await;
    v.click("button[name='action'][value='save']").await;
    assert!(v.page_text().await.contains(v.t("newsletter.saved_topics")));

    v.leave(&format!(
        "newsletter subscription on a phone ({})",
        lang.code()
    ))
    .await;
}

#[tokio::test]
async fn an_sme_subscribes_to_the_newsletter_and_confirms_in_japanese() {
    subscribes_and_confirms(Lang::Ja).await;
}

#[tokio::test]
async fn an_sme_subscribes_to_the_newsletter_and_confirms_in_english() {
    subscribes_and_confirms(Lang::En).await;
}
