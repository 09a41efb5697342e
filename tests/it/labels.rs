//! Staff exports speak the staff user's language: labels, not stored codes (the codes follow
//! in extra columns at the end, for a machine).

use secunity::accounts::Role;

use crate::seminars::{data, seminar};
use crate::support::TestApp;
use crate::support::spawn_app;

/// The rows of a CSV download (BOM stripped), in `lang` (`ja` or `en`).
async fn csv_rows(app: &TestApp, path: &str, lang: &str) -> Vec<Vec<String>> {
    let res = app
        .client
        .get(app.url(path))
        .header("accept-language", lang)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{path}");
    let text = res.text().await.unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// The value of the column headed `header` in `row`.
fn column<'a>(rows: &'a [Vec<String>], row: usize, header: &str) -> &'a str {
    let at = rows[0]
        .iter()
        .position(|h| h == header)
        .unwrap_or_else(|| panic!("no column {header} in {:?}", rows[0]));
    &rows[row][at]
}

#[tokio::test]
async fn the_registration_csv_has_labels_in_the_staff_language_and_codes_at_the_end() {
    let app = spawn_app().await;
    let id = seminar(&app, data("onsite", 5, 0)).await;
    let res = app
        .post_form_from(
            &format!("/seminars/{id}"),
            &format!("/seminars/{id}/registrations"),
            &[
                ("name", "熊本 花子"),
                ("email", "hanako@example.jp"),
                ("company", "株式会社くまもと"),
                ("prefecture", "43"),
                ("industry", "manufacturing"),
                ("employees", "6-20"),
                ("mode", "onsite"),
                ("consent", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    app.sign_in("staff@example.jp", Role::Staff).await;
    let path = format!("/staff/seminars/{id}/registrations.csv");

    let ja = csv_rows(&app, &path, "ja").await;
    assert_eq!(ja.len(), 2, "{ja:?}");
    assert_eq!(column(&ja, 1, "都道府県"), "熊本県");
    assert_eq!(column(&ja, 1, "業種"), "製造業");
    assert_eq!(column(&ja, 1, "従業員数"), "6〜20人");
    assert_eq!(column(&ja, 1, "参加方法"), "会場");
    assert_eq!(column(&ja, 1, "状態"), "参加確定");
    // The codes, for a machine, after every labelled column.
    let last = &ja[0][ja[0].len() - 5..];
    assert_eq!(
        last,
        [
            "都道府県コード",
            "業種コード",
            "従業員規模コード",
            "参加方法コード",
            "状態コード"
        ]
    );
    assert_eq!(
        &ja[1][ja[1].len() - 5..],
        ["43", "manufacturing", "6-20", "onsite", "confirmed"]
    );
    // No code stands where a label belongs.
    let labelled = &ja[1][..ja[1].len() - 5];
    for code in ["43", "manufacturing", "confirmed", "onsite"] {
        assert!(
            !labelled.iter().any(|v| v == code),
            "{code} in {labelled:?}"
        );
    }

    let en = csv_rows(&app, &path, "en").await;
    assert_eq!(column(&en, 1, "Prefecture"), "Kumamoto");
    assert_eq!(column(&en, 1, "Industry"), "Manufacturing");
    assert_eq!(column(&en, 1, "Status code"), "confirmed");
}

#[tokio::test]
async fn the_newsletter_csv_has_headers_and_values_in_the_staff_language() {
    let app = spawn_app().await;
    let res = app
        .post_form_from(
            "/newsletter",
            "/newsletter/subscribe",
            &[
                ("email", "taro@example.jp"),
                ("name", "熊本 太郎"),
                ("company", "株式会社テスト"),
                ("prefecture", "43"),
                ("industry", "manufacturing"),
                ("topics", "subsidies"),
                ("consent", "1"),
            ],
        )
        .await;
    assert!(res.status().is_redirection() || res.status().is_success());
    app.sign_in("staff@example.jp", Role::Staff).await;

    let ja = csv_rows(&app, "/staff/newsletter/export.csv", "ja").await;
    assert_eq!(ja[0][0], "メールアドレス");
    assert_eq!(column(&ja, 1, "メールアドレス"), "taro@example.jp");
    assert_eq!(column(&ja, 1, "所在都道府県"), "熊本県");
    assert_eq!(column(&ja, 1, "業種"), "製造業");
    assert_eq!(column(&ja, 1, "状態"), "確認待ち");
    assert_eq!(column(&ja, 1, "受け取りたい情報"), "補助金・公募情報");
    assert_eq!(column(&ja, 1, "都道府県コード"), "43");
    assert_eq!(column(&ja, 1, "業種コード"), "manufacturing");
    assert_eq!(column(&ja, 1, "状態コード"), "pending");
    assert_eq!(column(&ja, 1, "テーマコード"), "subsidies");

    let en = csv_rows(&app, "/staff/newsletter/export.csv", "en").await;
    assert_eq!(en[0][0], "Email address");
    assert_eq!(column(&en, 1, "Industry"), "Manufacturing");
    assert_eq!(column(&en, 1, "Status code"), "pending");
}

#[tokio::test]
async fn the_audit_log_says_what_happened_in_words_with_links_and_filters_from_lists() {
    let app = spawn_app().await;
    let id = seminar(&app, data("online", 0, 5)).await;
    let staff = app.sign_in("kyushu-staff@example.jp", Role::Staff).await;
    let page = format!("/staff/seminars/{id}");
    let res = app
        .post_form_from(&page, &format!("{page}/cancel"), &[("confirm", "1")])
        .await;
    assert_eq!(res.status(), 303);

    let (status, log) = app.get_text("/staff/audit").await;
    assert_eq!(status, 200);
    // What happened, to what (a link to the record), by whom, in words.
    assert!(log.contains("セミナーを中止"), "{log}");
    assert!(log.contains(&format!(
        "<a href=\"/staff/seminars/{id}\">セミナー #{id}</a>"
    )));
    assert!(log.contains("通知した人数"));
    assert!(log.contains("<td>kyushu-staff</td>"));
    // No stored codes and no JSON.
    assert!(!log.contains("seminar.cancel<"));
    assert!(!log.contains("{\"told\""));
    assert!(!log.contains("{&quot;"));
    // The filters are lists: actions and kinds in words, the people in the log by name.
    assert!(log.contains("<option value=\"seminar.cancel\">セミナーを中止</option>"));
    assert!(log.contains("<option value=\"seminar\">セミナー</option>"));
    assert!(log.contains(&format!(
        "<option value=\"{}\">kyushu-staff</option>",
        staff.id
    )));

    let (_, mine) = app
        .get_text(&format!(
            "/staff/audit?action=seminar.cancel&actor_id={}",
            staff.id
        ))
        .await;
    assert!(mine.contains("セミナーを中止"));
    assert!(mine.contains(&format!("<option value=\"{}\" selected>", staff.id)));
    let (_, nobody) = app
        .get_text(&format!("/staff/audit?actor_id={}", staff.id + 1000))
        .await;
    assert!(nobody.contains("該当する記録はありません。"));
    let (status, all) = app
        .get_text("/staff/audit?action=&target_kind=&actor_id=")
        .await;
    assert_eq!(status, 200);
    assert!(all.contains("セミナーを中止"));

    // In English too.
    let en = app
        .client
        .get(app.url("/staff/audit"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(en.contains("Called a seminar off"));
    assert!(en.contains("People told"));
}

/// The `<option>` labels of the select named `name` in `html`.
fn options_of(html: &str, name: &str) -> Vec<String> {
    let start = html
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("no select {name}"));
    let end = start + html[start..].find("</select>").unwrap();
    html[start..end]
        .split("<option")
        .skip(1)
        .filter_map(|o| {
            let text = &o[o.find('>')? + 1..];
            Some(text[..text.find("</option>")?].to_string())
        })
        .collect()
}

#[tokio::test]
async fn the_board_names_industries_as_the_seminars_do() {
    let app = spawn_app().await;
    let (_, board) = app.get_text("/board").await;
    let (_, seminars) = app.get_text("/seminars").await;
    let sectors = options_of(&board, "sector");
    let industries = options_of(&seminars, "industry");
    assert!(sectors.len() > 3, "{sectors:?}");
    for s in &sectors {
        assert!(
            industries.contains(s),
            "{s} of the board is not an industry of the seminars {industries:?}"
        );
    }
    assert!(sectors.contains(&"医療・薬局".to_string()));
    // Filters start at 「すべて」, and the public reads category labels without their codes.
    let categories = options_of(&board, "category");
    assert_eq!(categories[0], "すべて");
    assert!(
        categories.contains(&"脆弱性診断".to_string()),
        "{categories:?}"
    );
    assert!(!categories.iter().any(|c| c.starts_with("A4")));
    app.sign_in("staff@example.jp", secunity::accounts::Role::Staff)
        .await;
    let (_, staff_board) = app.get_text("/board").await;
    assert!(options_of(&staff_board, "category").contains(&"A4 脆弱性診断".to_string()));
}
