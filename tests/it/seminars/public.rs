//! The public side: the list and its filters, the home page, the feeds, the form and its messages.

use super::*;

#[tokio::test]
async fn bad_form_input_is_refused_with_messages_and_values_kept() {
    let app = spawn_app().await;
    let id = seminar(&app, data("online", 0, 10)).await;
    let page = format!("/seminars/{id}");
    let post = format!("/seminars/{id}/registrations");
    let long = "あ".repeat(5000);
    let cases: Vec<Vec<(&str, &str)>> = vec![
        vec![
            ("name", "<script>alert(1)</script>"),
            ("email", "not-an-email"),
            ("mode", "online"),
            ("consent", "1"),
            ("prefecture", "40"),
        ],
        vec![
            ("name", "名前\r\nBcc: victim@example.jp"),
            ("email", "a@example.jp"),
            ("mode", "online"),
            ("consent", "1"),
            ("prefecture", "40"),
        ],
        vec![
            ("name", &long),
            ("email", "a@example.jp"),
            ("mode", "online"),
            ("consent", "1"),
            ("prefecture", "40"),
        ],
        vec![
            ("name", "太郎"),
            ("email", "a@example.jp"),
            ("mode", "teleport"),
            ("consent", "1"),
            ("prefecture", "40"),
        ],
        vec![
            ("name", "太郎"),
            ("email", "a@example.jp"),
            ("mode", "onsite"),
            ("consent", "1"),
            ("prefecture", "40"),
        ],
        vec![
            ("name", "太郎"),
            ("email", "a@example.jp"),
            ("mode", "online"),
            ("prefecture", "40"),
        ],
        vec![
            ("name", "太郎"),
            ("email", "a@example.jp"),
            ("mode", "online"),
            ("consent", "1"),
            ("prefecture", "99"),
        ],
        vec![
            ("name", "太郎"),
            ("email", "a@example.jp"),
            ("mode", "online"),
            ("consent", "1"),
            ("prefecture", "40"),
            ("q_0", "<script>"),
        ],
        vec![
            ("name", "太郎"),
            ("email", "user@example.jp\r\n"),
            ("mode", "online"),
            ("consent", "1"),
            ("prefecture", "40"),
            ("employees", "a lot"),
        ],
    ];
    for case in cases {
        let res = app.post_form_from(&page, &post, &case).await;
        assert_eq!(res.status().as_u16(), 422, "{case:?}");
        let body = res.text().await.unwrap();
        assert!(body.contains("入力内容に誤りがあります"), "{case:?}");
        assert!(!body.contains("<script>alert(1)</script>"));
        if case[0].1 == "<script>alert(1)</script>" {
            assert!(body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        }
    }
    assert!(regs(&app, id).await.is_empty());
    assert_eq!(app.get_text("/seminars?month=2026-13").await.0, 400);
    assert_eq!(app.get_text("/seminars?format=party").await.0, 400);
    assert_eq!(app.get_text("/seminars/999999").await.0, 404);
}

#[tokio::test]
async fn feeds_round_trip_through_a_real_parser() {
    let app = spawn_app().await;
    let mut d = data("online", 0, 10);
    d.title = "製造業,セキュリティ;演習\n第2回 長いタイトルでも七十五オクテットで折り返されることを確認します".into();
    // 13:00 JST = 04:00 UTC.
    let start = secunity::time::parse_local_input("2030-12-10T13:00").unwrap();
    d.starts_at = start;
    d.ends_at = start + Days::hours(4);
    d.registration_closes_at = start - Days::days(1);
    let id = seminar(&app, d).await;
    for path in [
        format!("/seminars/{id}.ics"),
        "/seminars.ics?industry=manufacturing&prefecture=40".to_string(),
    ] {
        let res = app.get(&path).await;
        assert_eq!(
            res.headers()["content-type"],
            "text/calendar; charset=utf-8"
        );
        let body = res.text().await.unwrap();
        for line in body.split("\r\n") {
            assert!(line.len() <= 75, "{line}");
        }
        let mut parser = ical::IcalParser::new(body.as_bytes());
        let cal = parser.next().unwrap().unwrap();
        assert_eq!(cal.events.len(), 1);
        let prop = |name: &str| {
            cal.events[0]
                .properties
                .iter()
                .find(|p| p.name == name)
                .and_then(|p| p.value.clone())
                .unwrap()
        };
        assert_eq!(prop("DTSTART"), "20301210T040000Z");
        assert_eq!(prop("UID"), format!("seminar-{id}@127.0.0.1"));
        let summary = prop("SUMMARY");
        assert_eq!(
            summary,
            "製造業\\,セキュリティ\\;演習\\n第2回 長いタイトルでも七十五オクテットで折り返されることを確認します"
        );
    }
    let (_, other) = app.get_text("/seminars.ics?industry=agriculture").await;
    assert!(!other.contains("BEGIN:VEVENT"));
}

#[tokio::test]
async fn home_lists_published_upcoming_seminars_and_privacy_erases() {
    let app = spawn_app().await;
    let id = seminar(&app, data("online", 0, 10)).await;
    let (_, home) = app.get_text("/").await;
    assert!(home.contains(&format!("/seminars/{id}")));
    personal_link(&app, id, "me@example.jp", "online").await;
    let exported = app
        .db(|c| secunity::registrations::privacy::export_person(c, "ME@example.jp"))
        .await;
    assert_eq!(exported["registrations"][0]["name"], "九州 太郎");
    app.db(|c| secunity::registrations::privacy::erase_person(c, "me@example.jp"))
        .await;
    let list = regs(&app, id).await;
    assert_eq!(list[0].name, "");
    assert!(!list[0].email.contains("me@example.jp"));
    let (_, listing) = app.get_text("/seminars").await;
    assert!(listing.contains("中小製造業向け体験型演習"));
}

#[tokio::test]
async fn the_list_filters_by_industry_prefecture_format_and_month_and_keeps_an_archive() {
    let app = spawn_app().await;
    let mut a = data("online", 0, 10);
    a.title = "福岡 機械・金属".into();
    a.industry = "machinery_metal".into();
    let start = secunity::time::parse_local_input("2031-03-10T13:00").unwrap();
    a.starts_at = start;
    a.ends_at = start + Days::hours(2);
    a.registration_closes_at = start - Days::days(1);
    seminar(&app, a).await;
    let mut b = data("onsite", 10, 0);
    b.title = "大分 宇宙産業".into();
    b.industry = "space".into();
    b.prefecture = 44;
    seminar(&app, b).await;
    let mut past = data("online", 0, 10);
    past.title = "過去の演習".into();
    past.starts_at = now() - Days::days(30);
    past.ends_at = now() - Days::days(30) + Days::hours(2);
    past.registration_closes_at = now() - Days::days(31);
    seminar(&app, past).await;
    let mut draft = data("online", 0, 10);
    draft.title = "下書きのセミナー".into();
    app.db(move |c| sq::create(c, &draft, false, now())).await;
    let titles = |body: &str| {
        [
            "福岡 機械・金属",
            "大分 宇宙産業",
            "過去の演習",
            "下書きのセミナー",
        ]
        .iter()
        .filter(|t| body.contains(*t))
        .map(|t| t.to_string())
        .collect::<Vec<_>>()
    };
    let (_, all) = app.get_text("/seminars").await;
    assert_eq!(titles(&all), vec!["福岡 機械・金属", "大分 宇宙産業"]);
    assert!(all.contains("オンライン 残り10席"));
    assert_eq!(
        titles(&app.get_text("/seminars?industry=space").await.1),
        vec!["大分 宇宙産業"]
    );
    assert_eq!(
        titles(&app.get_text("/seminars?prefecture=40").await.1),
        vec!["福岡 機械・金属"]
    );
    assert_eq!(
        titles(&app.get_text("/seminars?format=onsite").await.1),
        vec!["大分 宇宙産業"]
    );
    assert_eq!(
        titles(&app.get_text("/seminars?month=2031-03").await.1),
        vec!["福岡 機械・金属"]
    );
    assert_eq!(
        titles(&app.get_text("/seminars?archive=1").await.1),
        vec!["過去の演習"]
    );
    let (_, en) = app.get_text("/seminars?industry=space&lang=en").await;
    assert!(en.contains("大分 宇宙産業"));
}

#[tokio::test]
async fn the_unticked_box_subscribes_nobody_and_the_ticked_one_starts_double_opt_in() {
    use secunity::schema::newsletter_subscribers as ns;
    let app = spawn_app().await;
    let id = seminar(&app, data("online", 0, 100)).await;
    let path = format!("/seminars/{id}");
    let (_, page) = app.get_text(&path).await;
    assert!(page.contains("name=\"subscribe_newsletter\""));
    assert!(!page.contains("name=\"subscribe_newsletter\" value=\"1\" checked"));

    let plain = form("plain@example.jp", "online");
    let res = app
        .post_form_from(&path, &format!("{path}/registrations"), &plain)
        .await;
    assert_eq!(res.status(), 303);
    let mut ticked = form("reader@example.jp", "online");
    ticked.push(("subscribe_newsletter", "1"));
    let res = app
        .post_form_from(&path, &format!("{path}/registrations"), &ticked)
        .await;
    assert_eq!(res.status(), 303);

    let mails = app.smtp.wait_for(3, Duration::from_secs(30)).await;
    let to_reader = mails
        .iter()
        .filter(|m| m.rcpt_to[0] == "reader@example.jp")
        .count();
    let to_plain = mails
        .iter()
        .filter(|m| m.rcpt_to[0] == "plain@example.jp")
        .count();
    assert_eq!(
        (to_reader, to_plain),
        (2, 1),
        "registration + newsletter confirmation"
    );
    let subscribers: Vec<(String, String)> = app
        .db(|c| ns::table.select((ns::email, ns::status)).load(c))
        .await;
    assert_eq!(
        subscribers,
        vec![("reader@example.jp".to_string(), "pending".to_string())]
    );
}
