//! The staff dashboard's 「今日の確認事項」 lists everything that waits for staff, from every
//! feature, each with a link to where it is done.

use diesel::prelude::*;
use secunity::accounts::Role;
use secunity::schema::matching_offerings;

use crate::matching::{member_token, offering_body, org};
use crate::support::spawn_app;

#[tokio::test]
async fn the_dashboard_lists_board_posts_in_review_and_applications_with_links() {
    let app = spawn_app().await;
    app.sign_in("staff@example.jp", Role::Staff).await;
    let (status, quiet) = app.get_text("/staff").await;
    assert_eq!(status, 200);
    assert!(quiet.contains("対応が必要な項目はありません。"), "{quiet}");

    // A vendor's offering waits for review.
    let vendor = org(&app, "vendor", "株式会社九州セキュア").await;
    let token = member_token(&app, "vendor@example.jp", vendor).await;
    let (s, made) = app
        .api(
            "POST",
            &token,
            "/api/v1/offerings",
            Some(offering_body(vendor, "中小企業向け端末監視", 2000, &[40])),
        )
        .await;
    assert_eq!(s, 201, "{made}");
    let id = made["id"].as_i64().unwrap();
    app.db(move |c| {
        diesel::update(matching_offerings::table.find(id))
            .set(matching_offerings::status.eq("in_review"))
            .execute(c)
    })
    .await;
    // And someone applies for an organization.
    app.sign_in("applicant@example.jp", Role::Member).await;
    let res = app
        .post_form_from(
            "/account/organization",
            "/account/organization",
            &[
                ("name", "株式会社さがテック"),
                ("kind", "sme"),
                ("prefecture", "41"),
                ("industry", ""),
                ("employee_band", "6-20"),
                ("note", "掲示板でニーズを相談したい。"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    app.sign_in("staff@example.jp", Role::Staff).await;

    let (_, board) = app.get_text("/staff").await;
    assert!(!board.contains("対応が必要な項目はありません。"));
    assert!(
        board.contains("<a href=\"/staff/board\">掲示板の投稿 1 件が確認を待っています</a>"),
        "{board}"
    );
    let en = app
        .client
        .get(app.url("/staff"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(en.contains("Board posts waiting for review: 1"));
    assert!(board.contains("組織の登録申請 1 件が審査を待っています"));
}
