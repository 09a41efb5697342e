//! The matching board: posting and review, the public board and its Japanese search, expiry,
//! suggestions, introductions with consent (no contact detail before both agreed), rights.

mod browsing;
mod introductions;
mod posting;

use diesel::prelude::*;
use secunity::accounts::Role;
use secunity::schema::{matching_needs, matching_offerings, organizations, users};
use serde_json::{Value, json};

use crate::support::smtp::SmtpServer;
use crate::support::{TestApp, spawn_app, spawn_app_with};

pub async fn org(app: &TestApp, kind: &str, name: &str) -> i64 {
    let (kind, name) = (kind.to_string(), name.to_string());
    app.db(move |c| {
        diesel::insert_into(organizations::table)
            .values((
                organizations::kind.eq(kind),
                organizations::name.eq(name),
                organizations::prefecture.eq(40),
                organizations::created_at.eq(chrono::Utc::now().naive_utc()),
            ))
            .returning(organizations::id)
            .get_result::<i64>(c)
    })
    .await
}

pub(crate) async fn join(app: &TestApp, email: &str, org: i64) {
    let email = email.to_string();
    app.db(move |c| {
        diesel::update(users::table.filter(users::email.eq(email)))
            .set(users::organization_id.eq(org))
            .execute(c)
    })
    .await;
}

/// Signs this client in as a member of `org`.
async fn sign_in_member(app: &TestApp, email: &str, org: i64) {
    app.sign_in(email, Role::Member).await;
    join(app, email, org).await;
}

/// An API token of a member of `org`.
pub async fn member_token(app: &TestApp, email: &str, org: i64) -> String {
    let (_, token) = app.api_token(email, Role::Member).await;
    join(app, email, org).await;
    token
}

pub fn need_body(org: i64, title: &str, description: &str) -> Value {
    json!({
        "organization_id": org,
        "title": title,
        "description": description,
        "categories": ["B2", "B7"],
        "prefecture": 40,
        "onsite_needed": true,
        "employee_band": "6-20",
        "device_count": 10,
        "budget_band": "monthly_30k_50k",
        "urgency": "within_3_months",
        "sector": "medical_pharmacy"
    })
}

pub fn offering_body(org: i64, title: &str, per_device: i64, onsite: &[i32]) -> Value {
    json!({
        "organization_id": org,
        "title": title,
        "description": "端末監視とバックアップを月額で提供します。",
        "categories": ["B2", "B7"],
        "onsite_prefectures": onsite,
        "remote_ok": true,
        "price_model": "per_device",
        "price_amount": per_device,
        "target_bands": ["6-20"],
        "sectors": ["medical_pharmacy"],
        "capacity": "open"
    })
}

pub async fn staff_token(app: &TestApp) -> String {
    app.api_token("staff@example.jp", Role::Staff).await.1
}

pub(crate) fn form_need<'a>(title: &'a str, description: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("description", description),
        ("categories", "B2"),
        ("categories", "B7"),
        ("prefecture", "40"),
        ("employee_band", "6-20"),
        ("device_count", "10"),
        ("budget_band", "monthly_30k_50k"),
        ("urgency", "considering"),
        ("sector", "medical_pharmacy"),
        ("onsite_needed", "1"),
        ("action", "submit"),
    ]
}

async fn count_needs(app: &TestApp) -> i64 {
    app.db(|c| matching_needs::table.count().get_result::<i64>(c))
        .await
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Moves an introduction to `stage` as the holder of `token`; answers the status and the JSON.
async fn stage(app: &TestApp, token: &str, introduction: i64, stage: &str) -> (u16, Value) {
    app.api(
        "POST",
        token,
        &format!("/api/v1/introductions/{introduction}/stage"),
        Some(json!({ "stage": stage })),
    )
    .await
}
