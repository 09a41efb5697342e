//! What the pages show, as a visitor or staff would read it: a called-off seminar, the staff
//! list's turnout, filters, the error summary of a failed form, labels instead of codes, the
//! phone number of the IPA desk and the privacy notice where consent is asked. (Layout and
//! accessibility in a real browser: `tests/browser`.)

use secunity::accounts::Role;

use crate::seminars::{data, register_all, seminar};
use crate::support::spawn_app;

/// The HTML of a `<select name="{name}">` element of a page.
fn select_html<'a>(page: &'a str, name: &str) -> &'a str {
    let start = page
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("no field {name}"));
    let end = start + page[start..].find("</select>").expect("a closed select");
    &page[start..end]
}

#[tokio::test]
async fn a_called_off_seminar_says_so_first_and_offers_no_seats_calendar_or_form() {
    let app = spawn_app().await;
    let id = seminar(&app, data("hybrid", 20, 100)).await;
    let (_, before) = app.get_text(&format!("/seminars/{id}")).await;
    assert!(
        before.contains("class=\"seats\""),
        "an open seminar shows its seats"
    );
    assert!(before.contains(&format!("/seminars/{id}.ics")));

    app.sign_in("desk@example.jp", Role::Staff).await;
    let path = format!("/staff/seminars/{id}/cancel");
    let res = app
        .post_form_from(&format!("/staff/seminars/{id}"), &path, &[("confirm", "1")])
        .await;
    assert_eq!(res.status().as_u16(), 303);

    let (status, page) = app.get_text(&format!("/seminars/{id}")).await;
    assert_eq!(status, 200);
    let banner = page.find("cancelled-banner").expect("the call-off banner");
    assert!(page[banner..].contains("このセミナーは中止になりました。"));
    let h1 = page.find("<h1>").expect("a heading");
    let facts = page.find("class=\"facts\"").expect("the facts");
    assert!(
        h1 < banner && banner < facts,
        "the banner comes right after the title"
    );
    assert!(
        !page.contains("class=\"seats\""),
        "no seats left of a called-off seminar"
    );
    assert!(
        !page.contains(&format!("/seminars/{id}.ics")),
        "no calendar entry"
    );
    assert!(!page.contains("/registrations\""), "no registration form");
    assert!(!page.contains("register-title"), "no registration section");
}

#[tokio::test]
async fn the_staff_list_shows_no_turnout_before_a_seminar_and_keeps_its_status_on_one_line() {
    let app = spawn_app().await;
    let id = seminar(&app, data("online", 0, 3)).await;
    let emails = vec!["one@example.jp".to_string(), "two@example.jp".to_string()];
    let statuses = register_all(&app, id, emails, "online").await;
    assert_eq!(statuses, [303, 303], "two confirmed registrations");
    app.sign_in("desk@example.jp", Role::Staff).await;
    let (_, page) = app.get_text("/staff/seminars").await;
    assert!(
        page.contains("<td class=\"nowrap\">—</td>"),
        "a future seminar has no turnout yet: {page}"
    );
    assert!(
        !page.contains("0 / 2"),
        "no 「0 / 2 (0%)」 for a seminar nobody could attend yet"
    );
    assert!(page.contains("<td class=\"status-cell\">公開中</td>"));
    assert!(
        page.contains("role=\"region\"") && page.contains("tabindex=\"0\""),
        "the table scrolls in a named, focusable region"
    );
}

#[tokio::test]
async fn search_filters_start_at_all_and_forms_ask_to_choose() {
    let app = spawn_app().await;
    let id = seminar(&app, data("online", 0, 3)).await;
    let (_, list) = app.get_text("/seminars").await;
    for name in ["industry", "prefecture", "format"] {
        assert!(
            select_html(&list, name).contains("<option value=\"\">すべて</option>"),
            "the {name} filter of the seminar list"
        );
    }
    let (_, board) = app.get_text("/board").await;
    for name in ["category", "prefecture", "sector"] {
        assert!(
            select_html(&board, name).contains("<option value=\"\">すべて</option>"),
            "the {name} filter of the board"
        );
    }
    // A form's drop-down still asks for a choice.
    let (_, form) = app.get_text(&format!("/seminars/{id}")).await;
    assert!(
        select_html(&form, "prefecture").contains("<option value=\"\">選択してください</option>")
    );
}

#[tokio::test]
async fn a_failed_registration_names_each_field_links_to_it_and_says_error_in_the_title() {
    let app = spawn_app().await;
    let id = seminar(&app, data("hybrid", 20, 100)).await;
    let res = app
        .post_form_from(
            &format!("/seminars/{id}"),
            &format!("/seminars/{id}/registrations"),
            &[],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("<title>エラー: "),
        "the title says 「エラー」 first"
    );
    for (field, label) in [
        ("name", "お名前"),
        ("email", "メールアドレス"),
        ("mode", "参加方法"),
        ("consent", "個人情報の取扱いに同意します"),
    ] {
        let link = format!("<a href=\"#f-{field}\">");
        let at = page
            .find(&link)
            .unwrap_or_else(|| panic!("the summary links {field}: {page}"));
        assert!(
            page[at + link.len()..].starts_with(label),
            "the summary names {field} as {label}"
        );
        assert!(
            page.contains(&format!("id=\"f-{field}\"")),
            "the link to {field} lands on an element that exists"
        );
    }
    assert!(
        page.contains("id=\"error-summary\"") && page.contains("autofocus"),
        "the summary takes the focus, without JavaScript too"
    );
}

#[tokio::test]
async fn the_ipa_desk_can_be_called_with_one_tap_and_consent_links_the_privacy_notice() {
    let app = spawn_app().await;
    let (_, home) = app.get_text("/").await;
    assert!(
        home.contains("<a href=\"tel:+81-3-5978-7509\">03-5978-7509</a>"),
        "the IPA desk's number is a tel: link"
    );
    let id = seminar(&app, data("online", 0, 3)).await;
    let (_, page) = app.get_text(&format!("/seminars/{id}")).await;
    let hint = page
        .find("id=\"f-consent-hint\"")
        .expect("the consent hint");
    let hint = &page[hint..hint + page[hint..].find("</span>").expect("its end")];
    assert!(
        hint.contains("<a href=\"/privacy\">個人情報の取扱いについて</a>"),
        "the consent hint links the privacy notice: {hint}"
    );
}

#[tokio::test]
async fn the_board_and_the_seminars_call_an_industry_by_the_same_name() {
    let app = spawn_app().await;
    let (_, board) = app.get_text("/board").await;
    let (_, seminars) = app.get_text("/seminars").await;
    let option = "<option value=\"medical_pharmacy\">医療・薬局</option>";
    assert!(select_html(&seminars, "industry").contains(option));
    assert!(
        select_html(&board, "sector").contains(option),
        "the board says 医療・薬局 too"
    );
    assert!(!board.contains("医療・調剤"));
}
