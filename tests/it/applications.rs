//! Applications for an organization: a signed-in person without one applies, the board says
//! what is pending instead of a bare 403, staff approve or refuse with a reason from their
//! dashboard, and the applicant is told by mail in their language.

use std::time::Duration;

use diesel::prelude::*;
use secunity::accounts::Role;
use secunity::schema::{audit_log, organization_applications as apps, users};

use crate::support::smtp::{SmtpServer, parsed};
use crate::support::{TestApp, spawn_app, spawn_app_with};

const APPLICANT: &str = "vendor@example.jp";

fn vendor_form() -> Vec<(&'static str, &'static str)> {
    vec![
        ("name", "株式会社くまもとセキュア"),
        ("kind", "vendor"),
        ("prefecture", "43"),
        ("industry", ""),
        ("employee_band", "21-50"),
        ("website", "https://secure.example.jp"),
        ("security_action", "two_star"),
        ("security_action_id", "123456789012"),
        ("otasuketai_service", "くまもとお助け隊パック"),
        ("it_support_provider", "1"),
        ("note", "EDR運用監視を九州の中小企業向けに掲載したい。"),
    ]
}

async fn applications(app: &TestApp) -> Vec<(String, String)> {
    app.db(|c| {
        apps::table
            .order(apps::id)
            .select((apps::name, apps::status))
            .load::<(String, String)>(c)
    })
    .await
}

async fn apply(app: &TestApp, form: &[(&str, &str)]) -> reqwest::Response {
    app.post_form_from("/account/organization", "/account/organization", form)
        .await
}

async fn organization_of(app: &TestApp, email: &str) -> Option<i64> {
    let email = email.to_string();
    app.db(move |c| {
        users::table
            .filter(users::email.eq(email))
            .select(users::organization_id)
            .first::<Option<i64>>(c)
    })
    .await
}

async fn pending_id(app: &TestApp) -> i64 {
    app.db(|c| {
        apps::table
            .filter(apps::status.eq("pending"))
            .select(apps::id)
            .first::<i64>(c)
    })
    .await
}

#[tokio::test]
async fn a_vendor_applies_waits_is_approved_by_staff_and_can_post() {
    let app = spawn_app().await;
    app.sign_in(APPLICANT, Role::Member).await;
    for path in ["/board/mine", "/board/offerings/new"] {
        let (status, page) = app.get_text(path).await;
        assert_eq!(status, 200, "{path}");
        assert!(page.contains("組織の登録が必要です"), "{path}: {page}");
        assert!(page.contains("href=\"/account/organization\""));
    }
    let (status, form) = app.get_text("/account/organization").await;
    assert_eq!(status, 200);
    for field in [
        "name",
        "kind",
        "security_action_id",
        "otasuketai_service",
        "it_support_provider",
        "note",
    ] {
        assert!(form.contains(&format!("name=\"{field}\"")), "{field}");
    }

    let res = apply(&app, &vendor_form()).await;
    assert_eq!(res.status().as_u16(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let (_, after) = app.get_text(&location).await;
    assert!(after.contains("申請を受け付けました。"));
    assert!(
        after.contains("「株式会社くまもとセキュア」の登録申請"),
        "{after}"
    );
    assert!(
        !after.contains("name=\"note\""),
        "no second form while pending"
    );
    let (status, mine) = app.get_text("/board/mine").await;
    assert_eq!(status, 200);
    assert!(mine.contains("事務局が確認しています"), "{mine}");
    // Applying again while one is pending is refused, and nothing is stored twice.
    assert_eq!(apply(&app, &vendor_form()).await.status().as_u16(), 409);
    assert_eq!(applications(&app).await.len(), 1);
    let audited: i64 = app
        .db(|c| {
            audit_log::table
                .filter(audit_log::action.eq("organization_application.submit"))
                .count()
                .get_result(c)
        })
        .await;
    assert_eq!(audited, 1);

    app.sign_in("desk@example.jp", Role::Staff).await;
    let (_, dashboard) = app.get_text("/staff").await;
    assert!(
        dashboard.contains("組織の登録申請 1 件が審査を待っています"),
        "{dashboard}"
    );
    let (_, list) = app.get_text("/staff/applications").await;
    let id = pending_id(&app).await;
    assert!(list.contains(&format!("href=\"/staff/applications/{id}\"")));
    let (_, one) = app.get_text(&format!("/staff/applications/{id}")).await;
    for fact in [
        "くまもとお助け隊パック",
        "123456789012",
        "熊本",
        "EDR運用監視",
        APPLICANT,
    ] {
        assert!(one.contains(fact), "{fact}: {one}");
    }
    // A refusal needs a reason: nothing changes without one.
    let page = format!("/staff/applications/{id}");
    let res = app
        .post_form_from(&page, &format!("{page}/refuse"), &[("reason", "  ")])
        .await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(res.text().await.unwrap().contains("理由"));
    assert_eq!(applications(&app).await[0].1, "pending");

    let seen = app.smtp.messages().len();
    let res = app
        .post_form_from(&page, &format!("{page}/approve"), &[])
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let (_, done) = app.get_text(&location).await;
    assert!(done.contains("申請を承認し、組織を作成しました。"));
    assert!(done.contains("審査待ちの申請はありません。"));
    assert!(organization_of(&app, APPLICANT).await.is_some());
    let (_, dashboard) = app.get_text("/staff").await;
    assert!(!dashboard.contains("件が審査を待っています"));
    // Deciding twice is refused.
    let res = app
        .post_form_from("/staff", &format!("{page}/approve"), &[])
        .await;
    assert_eq!(res.status().as_u16(), 409);

    let got = app.smtp.wait_for(seen + 1, Duration::from_secs(10)).await;
    let mail = got.last().unwrap();
    assert_eq!(mail.rcpt_to, vec![APPLICANT.to_string()]);
    let msg = parsed(mail);
    assert!(
        msg.subject().unwrap().contains("承認されました"),
        "{:?}",
        msg.subject()
    );
    assert!(msg.body_text(0).unwrap().contains("/board/mine"));

    app.sign_in(APPLICANT, Role::Member).await;
    let (status, mine) = app.get_text("/board/mine").await;
    assert_eq!(status, 200);
    assert!(!mine.contains("組織の登録が必要です"));
    let (status, form) = app.get_text("/board/offerings/new").await;
    assert_eq!(status, 200);
    assert!(
        form.contains("action=\"/board/offerings\""),
        "the offering form"
    );
}

#[tokio::test]
async fn a_refusal_tells_the_applicant_why_in_their_language_and_they_may_apply_again() {
    let app = spawn_app().await;
    let me = app.sign_in("sme@example.jp", Role::Member).await;
    app.db(move |c| secunity::accounts::queries::set_lang(c, me.id, "en"))
        .await;
    let mut form = vendor_form();
    form[1] = ("kind", "sme");
    form[0] = ("name", "ひまわり調剤薬局");
    assert_eq!(apply(&app, &form).await.status().as_u16(), 303);
    let id = pending_id(&app).await;
    app.sign_in("desk@example.jp", Role::Staff).await;
    let page = format!("/staff/applications/{id}");
    let seen = app.smtp.messages().len();
    let res = app
        .post_form_from(
            &page,
            &format!("{page}/refuse"),
            &[("reason", "所在地を確認できませんでした。")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let got = app.smtp.wait_for(seen + 1, Duration::from_secs(10)).await;
    let msg = parsed(got.last().unwrap());
    assert!(
        msg.subject().unwrap().contains("Your application"),
        "{:?}",
        msg.subject()
    );
    assert!(
        msg.body_text(0)
            .unwrap()
            .contains("所在地を確認できませんでした。")
    );
    assert_eq!(organization_of(&app, "sme@example.jp").await, None);

    app.sign_in("sme@example.jp", Role::Member).await;
    let (_, mine) = app.get_text("/board/mine").await;
    assert!(mine.contains("所在地を確認できませんでした。"), "{mine}");
    let (_, again) = app.get_text("/account/organization").await;
    assert!(again.contains("name=\"note\""), "the form again");
    assert_eq!(apply(&app, &form).await.status().as_u16(), 303);
    let statuses: Vec<String> = applications(&app)
        .await
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    assert_eq!(statuses, ["refused", "pending"]);
}

#[tokio::test]
async fn bad_applications_name_each_field_and_store_nothing() {
    let app = spawn_app().await;
    app.sign_in(APPLICANT, Role::Member).await;
    let cases: Vec<(&str, &str, &str)> = vec![
        ("name", "", "組織名"),
        ("kind", "admin", "種別"),
        ("prefecture", "99", "都道府県"),
        ("security_action_id", "SA-12", "宣言IDは6〜20桁の数字"),
        ("website", "javascript:alert(1)", "ウェブサイト"),
        ("note", "", "掲載したい内容"),
        ("name", "株式会社\u{0}", "name"),
    ];
    for (field, value, says) in cases {
        let mut form = vendor_form();
        for pair in form.iter_mut() {
            if pair.0 == field {
                pair.1 = value;
            }
        }
        let res = apply(&app, &form).await;
        let status = res.status().as_u16();
        let body = res.text().await.unwrap();
        assert!((400..500).contains(&status), "{field}={value:?}: {status}");
        assert!(body.contains(says), "{field}={value:?}: {body}");
    }
    assert!(applications(&app).await.is_empty());
    // The values are kept after a failed submit.
    let mut form = vendor_form();
    form[10] = ("note", "");
    let res = apply(&app, &form).await;
    let body = res.text().await.unwrap();
    assert!(body.contains("value=\"株式会社くまもとセキュア\""));
    assert!(body.contains("value=\"123456789012\""));
    assert!(body.contains("<title>エラー"), "the title says error");
}

#[tokio::test]
async fn the_application_form_is_rate_limited() {
    let app = spawn_app_with(&[("RATE_LIMIT_PER_MINUTE", "3")], SmtpServer::start().await).await;
    app.sign_in(APPLICANT, Role::Member).await;
    let mut form = vendor_form();
    form[10] = ("note", "");
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(apply(&app, &form).await.status().as_u16());
    }
    assert_eq!(statuses[0], 422);
    assert!(statuses.contains(&429), "{statuses:?}");
}

#[tokio::test]
async fn only_staff_see_and_decide_applications() {
    let app = spawn_app().await;
    app.sign_in(APPLICANT, Role::Member).await;
    assert_eq!(apply(&app, &vendor_form()).await.status().as_u16(), 303);
    let id = pending_id(&app).await;
    assert_eq!(app.get_text("/staff/applications").await.0, 403);
    let res = app
        .post_form_from(
            "/account/organization",
            &format!("/staff/applications/{id}/approve"),
            &[],
        )
        .await;
    assert_eq!(res.status().as_u16(), 403);
    assert_eq!(organization_of(&app, APPLICANT).await, None);
    // Without a CSRF token, not even staff.
    app.sign_in("desk@example.jp", Role::Staff).await;
    let res = app
        .post_form(&format!("/staff/applications/{id}/approve"), &[])
        .await;
    assert_eq!(res.status().as_u16(), 403);
    assert_eq!(applications(&app).await[0].1, "pending");
}

#[tokio::test]
async fn my_data_includes_my_organization_applications() {
    let app = spawn_app().await;
    app.sign_in(APPLICANT, Role::Member).await;
    assert_eq!(apply(&app, &vendor_form()).await.status().as_u16(), 303);
    let data: serde_json::Value = app.get("/account/data.json").await.json().await.unwrap();
    let list = data["organization_applications"]
        .as_array()
        .expect("a list");
    assert_eq!(list.len(), 1, "{data}");
    assert_eq!(list[0]["name"], "株式会社くまもとセキュア");
    assert_eq!(list[0]["status"], "pending");
    assert_eq!(list[0]["security_action_id"], "123456789012");
    assert!(list[0].get("decided_by").is_none());
}
