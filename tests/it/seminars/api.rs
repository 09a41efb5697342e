//! The seminars API: create, show, patch and list registrations.

use super::*;

#[tokio::test]
async fn the_api_creates_shows_patches_and_lists_registrations() {
    let app = spawn_app().await;
    let (_, token) = app.api_token("staff@example.jp", Role::Staff).await;
    let body = json!({
        "title": "福岡 機械・金属 セキュリティセミナー", "industry": "machinery_metal", "prefecture": 40,
        "format": "hybrid", "starts_at": "2030-12-10T13:00:00+09:00", "ends_at": "2030-12-10T15:00:00+09:00",
        "capacity_onsite": 30, "capacity_online": 100, "registration_closes_at": "2030-12-09T17:00:00+09:00",
        "published": true, "hosts": ["九州経済産業局"]
    });
    let res = app
        .client
        .post(app.url("/api/v1/seminars"))
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 201);
    let created: Value = res.json().await.unwrap();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["starts_at"], "2030-12-10T13:00:00+09:00");
    personal_link(&app, id, "a@example.jp", "online").await;
    let v: Value =
        crate::support::json_at(&app.client, app.url(&format!("/api/v1/seminars/{id}"))).await;
    assert_eq!(
        v["seats"]["online"],
        json!({"capacity": 100, "confirmed": 1, "waitlisted": 0, "applied": 0, "cancelled": 0, "checked_in": 0})
    );
    assert_eq!(v["seats"]["onsite"]["capacity"], 30);
    assert!(v.get("online_url").is_none());
    let res = app
        .client
        .patch(app.url(&format!("/api/v1/seminars/{id}")))
        .bearer_auth(&token)
        .json(&json!({"capacity_online": 50}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["sequence"], 1);
    assert_eq!(v["capacity_online"], 50);
    let list: Value = app
        .api_json(&format!("/api/v1/seminars/{id}/registrations"), &token)
        .await;
    assert_eq!(list[0]["email"], "a@example.jp");
    assert_eq!(list[0]["status"], "confirmed");
    assert_eq!(list[0]["checked_in"], false);
    let public: Value = crate::support::json_at(&app.client, app.url("/api/v1/seminars")).await;
    assert_eq!(public.as_array().unwrap().len(), 1);
    // Bad input: 4xx with a message, nothing stored.
    let bad = [
        json!({"title": "x"}),
        json!({"title": "x", "industry": "machinery_metal", "prefecture": 40, "format": "hybrid", "starts_at": "2030-12-10T13:00:00+09:00", "ends_at": "2030-12-10T15:00:00+09:00", "capacity_onsite": 3, "capacity_online": 3, "registration_closes_at": "2030-12-11T17:00:00+09:00"}),
        json!({"title": "x", "industry": "machinery_metal", "prefecture": 40, "format": "party", "starts_at": "2030-12-10T13:00:00+09:00", "ends_at": "2030-12-10T15:00:00+09:00", "registration_closes_at": "2030-12-09T17:00:00+09:00"}),
        json!({"title": "a\r\nb", "industry": "space", "prefecture": 99, "format": "online", "starts_at": "tomorrow", "ends_at": "2030-12-10T15:00:00+09:00", "capacity_online": -1, "registration_closes_at": "2030-12-09T17:00:00+09:00"}),
        json!({"title": ["x"]}),
        json!("just a string"),
    ];
    for b in bad {
        let res = app
            .client
            .post(app.url("/api/v1/seminars"))
            .bearer_auth(&token)
            .json(&b)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        assert!((400..500).contains(&status), "{b} → {status}");
        let e: Value = res.json().await.unwrap();
        assert!(!e["error"]["message"].as_str().unwrap().is_empty());
    }
    let res = app
        .client
        .post(app.url("/api/v1/seminars"))
        .bearer_auth(&token)
        .body("{not json")
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    let n: i64 = app.db(|c| s::table.count().get_result(c)).await;
    assert_eq!(n, 1);
    let doc: Value = crate::support::json_at(&app.client, app.url("/api/openapi.json")).await;
    for p in [
        "/api/v1/seminars",
        "/api/v1/seminars/{id}",
        "/api/v1/seminars/{id}/registrations",
    ] {
        assert!(doc["paths"].get(p).is_some(), "{p}");
    }
}
