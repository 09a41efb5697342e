//! `secunity demo`: the bureau's programme appears as upcoming seminars, with registrations,
//! newsletter issues and board posts; a second run adds nothing.

use crate::support::spawn_app;

#[tokio::test]
async fn demo_data_shows_a_living_service_and_loads_once() {
    let app = spawn_app().await;
    let first = app.db(secunity::demo::load).await;
    assert_eq!(first.seminars, 7);
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
}
