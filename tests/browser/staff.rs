//! Bureau staff on a desktop: sign in with the mailed link, create a seminar (after a first
//! save with nothing filled in) as a lottery, look at its lottery page, publish it, find it on
//! the public list, and look at the audit log.

use secunity::accounts::Role;
use views::Lang;

use crate::chrome::{Device, Driver, Script};
use crate::forms::assert_error_summary;
use crate::support::spawn_app;
use crate::visitor::Visitor;

/// What a new seminar cannot be saved without, in the order of the form (the prefecture and
/// the format start chosen: 福岡, online, which needs seats online).
const REQUIRED: &[&str] = &[
    "title",
    "industry",
    "starts_at",
    "ends_at",
    "registration_closes_at",
    "capacity_online",
];

async fn creates_and_publishes_a_seminar(lang: Lang) {
    let app = spawn_app().await;
    let email = format!("staff.{}@example.jp", lang.code());
    app.api_token(&email, Role::Staff).await;
    let driver = Driver::start().await;
    let mut v = Visitor::arrive(&driver, &app.base, Device::Desktop, Script::On, lang).await;
    v.sign_in_by_mail(&app, &email).await;

    v.click(".header-tools a[href='/staff']").await;
    v.click(".staff-nav a[href='/staff/seminars']").await;
    v.click("a[href='/staff/seminars/new']").await;
    v.click("form[action='/staff/seminars/new'] button[type='submit']")
        .await;
    assert_error_summary(&v, REQUIRED).await;

    let title = format!("中小製造業向け体験型演習 ({})", lang.code());
    let day = (secunity::time::now_utc() + chrono::Duration::days(40)).date();
    v.fill("title", &title).await;
    v.fill(
        "summary",
        "標的型メールとランサムウェアへの初動を、机上演習で体験します。",
    )
    .await;
    v.select("industry", "manufacturing").await;
    v.select("prefecture", "40").await;
    v.select("format", "hybrid").await;
    v.fill("venue", "北九州国際会議場").await;
    v.fill("online_url", "https://webex.example.jp/j/123").await;
    v.pick("starts_at", &format!("{day}T13:00")).await;
    v.pick("ends_at", &format!("{day}T17:00")).await;
    v.pick("registration_closes_at", &format!("{day}T10:00"))
        .await;
    v.fill("capacity_onsite", "30").await;
    v.fill("capacity_online", "200").await;
    // A lottery (抽選), drawn at the deadline.
    v.select("allocation", "lottery").await;
    v.fill(
        "hosts",
        "九州大学サイバーセキュリティセンター\n九州経済産業局",
    )
    .await;
    v.click("form[action='/staff/seminars/new'] button[type='submit']")
        .await;
    assert_eq!(v.text("h1").await, title, "the saved seminar's own page");
    // Its lottery's page: not drawn, and a draft cannot be drawn.
    v.click(".lottery-state a").await;
    assert_eq!(v.text("h1").await, v.t("lottery.title"));
    assert!(
        v.page_text()
            .await
            .contains(v.t("lottery.err_not_published"))
    );

    v.click(".staff-nav a[href='/staff/seminars']").await;
    v.click("form[action$='/publish'] button[type='submit']")
        .await;
    assert!(!v.has("form[action$='/publish']").await, "still a draft");
    // On a phone the table scrolls in its region, and the status stays on one line.
    v.session.emulate(Device::Phone).await;
    let lines = v
        .script(
            "const text = document.createRange(); \
             text.selectNodeContents(document.querySelector('td.status-cell')); \
             return new Set(Array.from(text.getClientRects(), (r) => Math.round(r.top))).size;",
            vec![],
        )
        .await;
    v.session.emulate(Device::Desktop).await;
    assert_eq!(
        lines,
        serde_json::json!(1),
        "the status column wraps over several lines"
    );

    v.click(".global-nav a[href='/seminars']").await;
    v.follow(&title).await;
    assert!(v.page_text().await.contains(v.t("seminars.register_title")));
    assert!(v.page_text().await.contains(v.t("lottery.lottery")));

    v.open("/staff/audit").await;
    v.leave(&format!(
        "staff create and publish a seminar ({})",
        lang.code()
    ))
    .await;
}

#[tokio::test]
async fn staff_create_and_publish_a_seminar_in_japanese() {
    creates_and_publishes_a_seminar(Lang::Ja).await;
}

#[tokio::test]
async fn staff_create_and_publish_a_seminar_in_english() {
    creates_and_publishes_a_seminar(Lang::En).await;
}
