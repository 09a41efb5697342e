//! The calendar feeds served from memory are never stale: a change of a seminar's title and a
//! newly published seminar show in `/seminars.ics` and `/seminars/{id}.ics` on the very next
//! request. Every feed is fetched twice before a write, so that it is certainly kept.

use secunity::accounts::Role;
use serde_json::json;

use crate::seminars::{data, seminar};
use crate::support::{TestApp, spawn_app};

/// `GET path` twice; the body (the same both times, answered 200 as a calendar).
async fn feed(app: &TestApp, path: &str) -> String {
    let mut seen = Vec::new();
    for _ in 0..2 {
        let res = app.get(path).await;
        assert_eq!(res.status(), 200, "GET {path}");
        let kind = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        assert!(kind.starts_with("text/calendar"), "{kind}");
        seen.push(res.text().await.expect("a calendar"));
    }
    assert_eq!(seen[0], seen[1], "the same feed twice without a write");
    seen.remove(0)
}

#[tokio::test]
async fn feeds_show_an_edit_and_a_new_seminar_at_once() {
    let app = spawn_app().await;
    let id = seminar(&app, data("onsite", 10, 0)).await;
    let one = format!("/seminars/{id}.ics");
    assert!(
        feed(&app, "/seminars.ics")
            .await
            .contains("中小製造業向け体験型演習")
    );
    assert!(feed(&app, &one).await.contains("SEQUENCE:0"));

    let (_, token) = app.api_token("api-staff@example.jp", Role::Staff).await;
    let (status, body) = app
        .api(
            "PATCH",
            &token,
            &format!("/api/v1/seminars/{id}"),
            Some(json!({"title": "工場のランサムウェア対策演習"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let all = feed(&app, "/seminars.ics").await;
    assert!(all.contains("工場のランサムウェア対策演習"), "{all}");
    let own = feed(&app, &one).await;
    assert!(own.contains("工場のランサムウェア対策演習"), "{own}");

    let other = seminar(&app, data("online", 0, 50)).await;
    let all = feed(&app, "/seminars.ics").await;
    assert!(all.contains(&format!("seminar-{other}@")), "{all}");
    // A filter is kept apart from the whole feed, and as current.
    let fukuoka = feed(&app, "/seminars.ics?prefecture=40").await;
    assert!(fukuoka.contains(&format!("seminar-{other}@")), "{fukuoka}");
    assert_eq!(
        feed(&app, "/seminars.ics?prefecture=41")
            .await
            .matches("BEGIN:VEVENT")
            .count(),
        0
    );
}
