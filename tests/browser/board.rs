//! The matching board with the people it is for: staff register a vendor and an SME and
//! invite one person of each (the way in today); the vendor, on a desktop, accepts the
//! invitation and posts an offering; the SME owner, on a phone, accepts theirs and posts a
//! need; staff approve both; the SME sees the vendor's offering suggested on the need's page
//! and the cards of the board speak in category names, not codes.

use secunity::accounts::Role;
use views::Lang;

use crate::chrome::{Device, Driver, Script};
use crate::support::mailbox::next_link;
use crate::support::{TestApp, spawn_app};
use crate::visitor::Visitor;

const VENDOR: &str = "九州セキュリティサービス株式会社";
const SME: &str = "ひまわり調剤薬局";
const OFFERING: &str = "中小企業向け EDR 運用監視サービス";
const NEED: &str = "薬局の端末監視とバックアップを相談したい";

/// Staff register an organization of `kind` and invite `email` to it.
async fn register_and_invite(staff: &mut Visitor, name: &str, kind: &str, email: &str) {
    staff
        .click(".staff-nav a[href='/staff/organizations']")
        .await;
    staff.fill("name", name).await;
    staff.select("kind", kind).await;
    staff.select("prefecture", "40").await;
    staff
        .click("form[method='post'][action='/staff/organizations'] button[type='submit']")
        .await;
    assert_eq!(
        staff.text("h1").await,
        name,
        "the organization was not created: {}",
        staff.text("main").await
    );
    staff.fill("email", email).await;
    staff
        .click("form[action$='/invitations'] button[type='submit']")
        .await;
    assert!(
        staff.page_text().await.contains(email),
        "the invitation is listed"
    );
}

/// The invited person opens the link from the mail and joins (which signs them in).
async fn accept_invitation(app: &TestApp, person: &mut Visitor, email: &str) {
    let link = next_link(app, email, "/invitations/", 0).await;
    person.open(&link).await;
    person.click("main form button[type='submit']").await;
    assert_eq!(person.path().await, "/account");
}

/// Staff approve the post `title` in the review queue.
async fn approve(staff: &mut Visitor, title: &str) {
    staff.click(".staff-nav a[href='/staff/board']").await;
    let action = staff
        .script(
            "const card = Array.from(document.querySelectorAll('main .card')).find((c) => \
             c.querySelector('h3') && c.querySelector('h3').textContent.trim() === arguments[0]); \
             const form = card && card.querySelector(\"form[action$='/approve']\"); \
             return form ? form.getAttribute('action') : null;",
            vec![serde_json::json!(title)],
        )
        .await;
    let action = action
        .as_str()
        .unwrap_or_else(|| panic!("{title} does not wait for review"))
        .to_string();
    staff
        .click(&format!("form[action='{action}'] button[type='submit']"))
        .await;
    assert!(
        !staff.has(&format!("form[action='{action}']")).await,
        "{title} still waits for review"
    );
}

async fn vendor_and_sme_meet_on_the_board(lang: Lang) {
    let app = spawn_app().await;
    let staff_email = format!("board.staff.{}@example.jp", lang.code());
    app.api_token(&staff_email, Role::Staff).await;
    let vendor_email = format!("vendor.{}@example.jp", lang.code());
    let sme_email = format!("sme.{}@example.jp", lang.code());
    let driver = Driver::start().await;

    let mut staff = Visitor::arrive(&driver, &app.base, Device::Desktop, Script::On, lang).await;
    staff.sign_in_by_mail(&app, &staff_email).await;
    staff.click(".header-tools a[href='/staff']").await;
    register_and_invite(&mut staff, VENDOR, "vendor", &vendor_email).await;
    register_and_invite(&mut staff, SME, "sme", &sme_email).await;

    let mut vendor = Visitor::arrive(&driver, &app.base, Device::Desktop, Script::On, lang).await;
    accept_invitation(&app, &mut vendor, &vendor_email).await;
    vendor.click(".global-nav a[href='/board']").await;
    vendor.click("a[href='/board/offerings/new']").await;
    vendor.fill("title", OFFERING).await;
    vendor
        .fill(
            "description",
            "EDR の導入から 24 時間の監視、駆け付け対応までを月額でご提供します。",
        )
        .await;
    for category in ["B2", "B3", "C1"] {
        vendor.tick("categories", category).await;
    }
    vendor.tick("onsite_prefectures", "40").await;
    vendor.tick("onsite_prefectures", "41").await;
    vendor.tick("remote_ok", "1").await;
    vendor.select("price_model", "per_device").await;
    vendor.fill("price_amount", "2000").await;
    vendor.click("button[name='action'][value='submit']").await;
    assert_eq!(vendor.text("h1").await, OFFERING);

    let mut sme = Visitor::arrive(&driver, &app.base, Device::Phone, Script::On, lang).await;
    accept_invitation(&app, &mut sme, &sme_email).await;
    sme.click(".global-nav a[href='/board']").await;
    sme.click("a[href='/board/needs/new']").await;
    sme.fill("title", NEED).await;
    sme.fill(
        "description",
        "受付と調剤の PC が 10 台あります。電子薬歴のバックアップと端末の監視を検討しています。",
    )
    .await;
    sme.tick("categories", "B2").await;
    sme.tick("categories", "B7").await;
    sme.select("prefecture", "40").await;
    sme.select("employee_band", "6-20").await;
    sme.fill("device_count", "10").await;
    sme.select("sector", "medical_pharmacy").await;
    sme.click("button[name='action'][value='submit']").await;
    assert_eq!(sme.text("h1").await, NEED);

    approve(&mut staff, OFFERING).await;
    approve(&mut staff, NEED).await;

    // The SME's need, with the vendor's offering among its suggestions.
    sme.click(".global-nav a[href='/board']").await;
    sme.follow(NEED).await;
    assert!(
        sme.text(".suggestions").await.contains(OFFERING),
        "the vendor's offering is suggested for the need"
    );
    sme.follow(OFFERING).await;

    // The board's cards name the categories; only staff see their codes.
    sme.open("/board?kind=offerings").await;
    let chips = category_chips(&sme).await;
    assert_eq!(chips.len(), 3, "the offering's three categories: {chips:?}");
    assert!(
        chips.iter().all(|c| !c.is_empty() && !starts_with_code(c)),
        "a visitor sees category names, no codes: {chips:?}"
    );
    staff.open("/board?kind=offerings").await;
    let chips = category_chips(&staff).await;
    assert!(
        chips.iter().all(|c| starts_with_code(c) && c.len() > 3),
        "staff see the code before the name: {chips:?}"
    );

    for (person, who) in [(staff, "staff"), (vendor, "vendor"), (sme, "SME")] {
        person
            .leave(&format!("the board: {who} ({})", lang.code()))
            .await;
    }
}

/// The texts of the category chips on the board's cards.
async fn category_chips(v: &Visitor) -> Vec<String> {
    let texts = v
        .script(
            "return Array.from(document.querySelectorAll('.board-cards .tag-category'), (e) => e.textContent.trim());",
            vec![],
        )
        .await;
    serde_json::from_value(texts).expect("chip texts")
}

/// Whether a chip starts with a category code such as `B2`.
fn starts_with_code(chip: &str) -> bool {
    let mut chars = chip.chars();
    matches!(
        (chars.next(), chars.next()),
        (Some('A'..='E'), Some('1'..='9'))
    )
}

#[tokio::test]
async fn a_vendor_and_an_sme_meet_on_the_board_in_japanese() {
    vendor_and_sme_meet_on_the_board(Lang::Ja).await;
}

#[tokio::test]
async fn a_vendor_and_an_sme_meet_on_the_board_in_english() {
    vendor_and_sme_meet_on_the_board(Lang::En).await;
}
