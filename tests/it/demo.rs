//! `secunity demo`: the bureau's programme appears as upcoming seminars, with registrations,
//! a seminar that is over (in the archive, with turnout and survey results), newsletter issues
//! and board posts; a second run adds nothing.

use crate::support::spawn_app;

#[tokio::test]
async fn demo_data_shows_a_living_service_and_loads_once() {
    let app = spawn_app().await;
    let first = app.db(secunity::demo::load).await;
    assert_eq!(first.seminars, 8);
    assert!(first.registrations >= 7);
    assert_eq!(first.newsletter_issues, 2);
    assert!(first.board_posts > 0);
    let second = app.db(secunity::demo::load).await;
    assert_eq!(
        (
            second.seminars,
            second.registrations,
            second.newsletter_issues,
            second.board_posts
        ),
        (0, 0, 0, 0)
    );
    let (_, seminars) = app.get_text("/seminars").await;
    assert!(seminars.contains("中小製造業向け体験型演習"));
    assert!(seminars.contains("医療・薬局のためのサイバーセキュリティ対策セミナー(佐賀)"));
    let (_, home) = app.get_text("/").await;
    assert!(!home.contains("現在募集中のセミナーはありません"));
    let (_, newsletter) = app.get_text("/newsletter").await;
    assert!(
        newsletter.contains("宇宙産業とサイバーセキュリティ(大分)"),
        "upcoming seminars block"
    );
    let (_, archive) = app.get_text("/newsletter/archive").await;
    assert!(archive.contains("年末年始の長期休暇に向けて"));
    let (_, board) = app.get_text("/board").await;
    assert!(board.contains("端末監視"));
    // The seminar that is over: in the archive, not among the upcoming ones, with its turnout and
    // survey results for staff.
    assert!(!seminars.contains(secunity::demo::PAST_TITLE));
    let (_, archive) = app.get_text("/seminars?archive=1").await;
    assert!(archive.contains(secunity::demo::PAST_TITLE));
    app.sign_in("staff@example.jp", secunity::accounts::Role::Staff)
        .await;
    let (_, staff_list) = app.get_text("/staff/seminars").await;
    assert!(
        staff_list.contains("3 / 3 (100%)"),
        "turnout of the past seminar"
    );
    let past: i64 = app
        .db(|c| {
            use diesel::prelude::*;
            use secunity::schema::seminars as s;
            s::table
                .filter(s::title.eq(secunity::demo::PAST_TITLE))
                .select(s::id)
                .first(c)
        })
        .await;
    let (_, results) = app.get_text(&format!("/staff/seminars/{past}")).await;
    assert!(
        results.contains("<dd class=\"survey-answered\">2</dd>"),
        "{results}"
    );
    assert!(results.contains("<dd class=\"survey-satisfaction\">4.5</dd>"));
    assert!(results.contains("農業法人でも取り組める内容で参考になりました。"));
    // The report of the current fiscal year has something in every section.
    let year = secunity::reports::fiscal_year::FiscalYear::current();
    let report = app
        .db(move |c| {
            secunity::reports::service::fiscal_year_report(
                c,
                year,
                views::Lang::Ja,
                secunity::time::now_utc(),
            )
        })
        .await;
    let y = &report.current;
    assert!(
        y.seminars.held >= 1 && y.seminars.attendees >= 3,
        "{:?}",
        y.seminars
    );
    assert!(y.seminars.survey.answered >= 2);
    assert!(y.newsletter.campaigns_sent >= 1 && y.newsletter.messages_delivered >= 1);
    assert!(y.newsletter.new_confirmations >= 1 && y.newsletter.subscribers_at_end >= 1);
    assert!(y.matching.needs_published >= 1 && y.matching.introductions_accepted >= 1);
    let (status, page) = app.get_text(&format!("/staff/reports/{year}")).await;
    assert_eq!(status, 200);
    assert!(!page.contains("この年度にはまだ"));
}
