//! `/api/v1/organizations` (staff: record, list, show, change, invite a member) and
//! `GET /api/v1/taxonomy`, on the real server and database.

use diesel::prelude::*;
use secunity::accounts::Role;
use secunity::schema::{audit_log, invitations, organizations};
use serde_json::{Value, json};

use crate::support::mailbox::next_link;
use crate::support::{TestApp, spawn_app};

async fn count_organizations(app: &TestApp) -> i64 {
    app.db(|c| organizations::table.count().get_result::<i64>(c))
        .await
}

async fn actions(app: &TestApp) -> Vec<String> {
    app.db(|c| {
        audit_log::table
            .order(audit_log::id)
            .select(audit_log::action)
            .load::<String>(c)
    })
    .await
}

#[tokio::test]
async fn staff_record_change_show_and_invite_organizations_through_the_api() {
    let app = spawn_app().await;
    let (_, token) = app.api_token("staff@example.jp", Role::Staff).await;

    let (s, created) = app
        .api(
            "POST",
            &token,
            "/api/v1/organizations",
            Some(
                json!({"name": "株式会社博多テクノ", "kind": "sme", "prefecture": 40,
            "industry": "manufacturing", "employee_band": "6-20"}),
            ),
        )
        .await;
    assert_eq!(s, 201, "{created}");
    assert_eq!(created["name"], "株式会社博多テクノ");
    assert_eq!(created["kind"], "sme");
    assert_eq!(created["prefecture"], 40);
    assert_eq!(created["security_action"], "none");
    assert_eq!(created["member_count"], 0);
    let id = created["id"].as_i64().unwrap();

    let (s, list) = app
        .api("GET", &token, "/api/v1/organizations?q=博多", None)
        .await;
    assert_eq!(s, 200);
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["id"], id);
    let (_, none) = app
        .api("GET", &token, "/api/v1/organizations?q=長崎", None)
        .await;
    assert_eq!(none, json!([]));

    // A change of some fields keeps the others.
    let (s, changed) = app.api("PATCH",
        &token,
        &format!("/api/v1/organizations/{id}"),
        Some(json!({"website": "https://hakata-techno.example.jp", "security_action": "two_star"})),
    )
    .await;
    assert_eq!(s, 200, "{changed}");
    assert_eq!(changed["website"], "https://hakata-techno.example.jp/");
    assert_eq!(changed["security_action"], "two_star");
    assert_eq!(changed["name"], "株式会社博多テクノ");
    assert_eq!(changed["employee_band"], "6-20");

    // An invitation: the mail with its link goes out, the show lists it.
    let (s, invited) = app
        .api(
            "POST",
            &token,
            &format!("/api/v1/organizations/{id}/invitations"),
            Some(json!({"email": "Member@Example.JP"})),
        )
        .await;
    assert_eq!(s, 201, "{invited}");
    assert_eq!(invited["email"], "member@example.jp");
    let link = next_link(&app, "member@example.jp", "/invitations/", 0).await;
    let page = app.get(&link).await.text().await.unwrap();
    assert!(page.contains("株式会社博多テクノ"), "{page}");

    let (s, shown) = app
        .api("GET", &token, &format!("/api/v1/organizations/{id}"), None)
        .await;
    assert_eq!(s, 200);
    assert_eq!(shown["website"], "https://hakata-techno.example.jp/");
    assert_eq!(shown["members"], json!([]));
    assert_eq!(shown["invitations"][0]["email"], "member@example.jp");

    let done = actions(&app).await;
    for action in [
        "organization.create",
        "organization.update",
        "organization.invite",
        "organization.view",
    ] {
        assert!(done.iter().any(|a| a == action), "{action} in {done:?}");
    }

    // Members and callers without a token get nothing.
    let (_, member) = app.api_token("member2@example.jp", Role::Member).await;
    let (s, _) = app.api("GET", &member, "/api/v1/organizations", None).await;
    assert_eq!(s, 403);
    let (s, _) = app
        .api(
            "POST",
            &member,
            "/api/v1/organizations",
            Some(json!({"name": "x", "kind": "sme"})),
        )
        .await;
    assert_eq!(s, 403);
    let res = app.get("/api/v1/organizations").await;
    assert_eq!(res.status(), 401);
    assert_eq!(count_organizations(&app).await, 1);
}

#[tokio::test]
async fn wrong_organization_input_is_refused_naming_the_field_and_nothing_changes() {
    let app = spawn_app().await;
    let (_, token) = app.api_token("staff@example.jp", Role::Staff).await;
    let valid = json!({"name": "株式会社テスト", "kind": "vendor"});
    let cases: Vec<(&str, Value, u16)> = vec![
        ("kind", json!("bank"), 422),
        ("kind", json!(1), 422),
        ("prefecture", json!("40"), 422),
        ("prefecture", json!(99), 422),
        ("prefecture", json!(1.5), 422),
        ("industry", json!("no_such_industry"), 422),
        ("employee_band", json!("7-8"), 422),
        ("website", json!("javascript:alert(1)"), 422),
        ("security_action", json!("three_star"), 422),
        ("name", json!(""), 422),
        ("name", json!("a".repeat(201)), 422),
        ("name", json!(["a"]), 422),
        ("it_support_provider", json!("yes"), 422),
    ];
    for (field, value, want) in &cases {
        let mut body = valid.clone();
        body[*field] = value.clone();
        let (s, answer) = app
            .api("POST", &token, "/api/v1/organizations", Some(body))
            .await;
        assert_eq!(s, *want, "{field}={value}: {answer}");
        assert_eq!(
            answer["error"]["fields"][0]["field"], *field,
            "{field}={value}: {answer}"
        );
        assert!(
            answer["error"]["fields"][0]["message"]
                .as_str()
                .is_some_and(|m| m.ends_with('。')),
            "{answer}"
        );
    }
    let (s, answer) = app
        .api(
            "POST",
            &token,
            "/api/v1/organizations",
            Some(json!({"kind": "sme"})),
        )
        .await;
    assert_eq!(s, 422);
    assert_eq!(answer["error"]["fields"][0]["field"], "name");
    assert_eq!(count_organizations(&app).await, 0);

    // Changes and invitations of an organization that does not exist, and wrong ones.
    let (s, _) = app
        .api(
            "PATCH",
            &token,
            "/api/v1/organizations/999",
            Some(json!({"name": "x"})),
        )
        .await;
    assert_eq!(s, 404);
    let (s, _) = app
        .api(
            "POST",
            &token,
            "/api/v1/organizations/999/invitations",
            Some(json!({"email": "a@example.jp"})),
        )
        .await;
    assert_eq!(s, 404);
    let (_, created) = app
        .api("POST", &token, "/api/v1/organizations", Some(valid))
        .await;
    let id = created["id"].as_i64().unwrap();
    let (s, answer) = app
        .api(
            "PATCH",
            &token,
            &format!("/api/v1/organizations/{id}"),
            Some(json!({"kind": "bank"})),
        )
        .await;
    assert_eq!(s, 422, "{answer}");
    let (_, shown) = app
        .api("GET", &token, &format!("/api/v1/organizations/{id}"), None)
        .await;
    assert_eq!(shown["kind"], "vendor", "unchanged");
    for email in [json!("not-an-email"), json!("a@b"), json!(12)] {
        let (s, answer) = app
            .api(
                "POST",
                &token,
                &format!("/api/v1/organizations/{id}/invitations"),
                Some(json!({ "email": email })),
            )
            .await;
        assert!(s == 422 || s == 400, "{email}: {s} {answer}");
        assert_eq!(answer["error"]["fields"][0]["field"], "email", "{answer}");
    }
    let open = app
        .db(|c| invitations::table.count().get_result::<i64>(c))
        .await;
    assert_eq!(open, 0);
    let (s, answer) = app
        .api("GET", &token, "/api/v1/organizations?q=a%00b", None)
        .await;
    assert_eq!(s, 400, "{answer}");
}

#[tokio::test]
async fn the_taxonomy_lists_every_code_with_both_labels() {
    let app = spawn_app().await;
    let res = app.get("/api/v1/taxonomy").await;
    assert_eq!(res.status(), 200);
    let t: Value = res.json().await.unwrap();
    let prefectures = t["prefectures"].as_array().unwrap();
    assert_eq!(prefectures.len(), 47);
    assert_eq!(prefectures[0]["kyushu"], true, "the bureau's seven first");
    let fukuoka = prefectures.iter().find(|p| p["code"] == 40).unwrap();
    assert_eq!(fukuoka["label_ja"], "福岡県");
    assert_eq!(fukuoka["label_en"], "Fukuoka");
    let b2 = t["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "B2")
        .expect("B2");
    assert_eq!(b2["group"], "B");
    assert!(!b2["label_ja"].as_str().unwrap().is_empty());
    assert!(!b2["label_en"].as_str().unwrap().is_empty());
    assert!(
        t["industries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["code"] == "manufacturing")
    );
    let bands: Vec<&str> = t["bands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["code"].as_str().unwrap())
        .collect();
    assert_eq!(bands.first(), Some(&"1-5"));
    assert!(bands.contains(&"6-20"));
    assert_eq!(
        t["bands"].as_array().unwrap().last().unwrap()["max_employees"],
        Value::Null
    );
}

#[test]
#[should_panic(expected = "disagree with the OpenAPI document")]
fn the_response_check_catches_a_body_that_disagrees_with_its_schema() {
    // The control of the check every test runs: a seminar list whose status is not a code.
    let wrong = secunity::test_seams::ApiResponse {
        method: "GET".into(),
        pattern: "/api/v1/seminars".into(),
        path: "/api/v1/seminars".into(),
        status: 200,
        content_type: Some("application/json".into()),
        body: br#"[{"id": "one"}]"#.to_vec(),
    };
    crate::support::schema::check(&[wrong]);
}

#[test]
#[should_panic(expected = "the status is not documented")]
fn the_response_check_catches_an_undocumented_status() {
    let teapot = secunity::test_seams::ApiResponse {
        method: "GET".into(),
        pattern: "/api/v1/taxonomy".into(),
        path: "/api/v1/taxonomy".into(),
        status: 418,
        content_type: None,
        body: Vec::new(),
    };
    crate::support::schema::check(&[teapot]);
}
