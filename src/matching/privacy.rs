//! Personal data of the board: the posts a person wrote and the introductions in which they
//! are the contact. Posts belong to the organization and stay; the person is unlinked.

use diesel::prelude::*;
use serde_json::{Value, json};

use crate::db::DbConn;
use crate::schema::{
    matching_introductions as intro, matching_needs as needs, matching_offerings as offerings,
    matching_suggestion_overrides as overrides, users,
};

fn user_id(conn: &mut DbConn, email: &str) -> QueryResult<Option<i64>> {
    users::table
        .filter(users::email.eq(crate::accounts::queries::normalize_email(email)))
        .select(users::id)
        .first(conn)
        .optional()
}

/// What the board holds about a person (for "My data").
pub fn export_person(conn: &mut DbConn, email: &str) -> QueryResult<Value> {
    let Some(uid) = user_id(conn, email)? else {
        return Ok(json!({"needs": [], "offerings": [], "introductions": []}));
    };
    let n: Vec<(i64, String, String, String)> = needs::table
        .filter(needs::created_by.eq(uid))
        .select((needs::id, needs::title, needs::description, needs::status))
        .load(conn)?;
    let o: Vec<(i64, String, String, String)> = offerings::table
        .filter(offerings::created_by.eq(uid))
        .select((
            offerings::id,
            offerings::title,
            offerings::description,
            offerings::status,
        ))
        .load(conn)?;
    let i: Vec<(i64, i64, i64, String, String)> = intro::table
        .filter(intro::sme_user_id.eq(uid).or(intro::vendor_user_id.eq(uid)))
        .select((
            intro::id,
            intro::need_id,
            intro::offering_id,
            intro::stage,
            intro::history,
        ))
        .load(conn)?;
    let post = |(id, title, description, status): (i64, String, String, String)| json!({"id": id, "title": title, "description": description, "status": status});
    Ok(json!({
        "needs": n.into_iter().map(post).collect::<Vec<_>>(),
        "offerings": o.into_iter().map(post).collect::<Vec<_>>(),
        "introductions": i.into_iter().map(|(id, need, off, stage, history)| json!({
            "id": id, "need_id": need, "offering_id": off, "stage": stage,
            "history": serde_json::from_str::<Value>(&history).unwrap_or(Value::Null)
        })).collect::<Vec<_>>(),
    }))
}

/// Unlinks a person from the board before their account is deleted: posts stay with their
/// organization without an author, introductions lose the contact (nothing can be revealed).
pub fn erase_person(conn: &mut DbConn, email: &str) -> QueryResult<()> {
    let Some(uid) = user_id(conn, email)? else {
        return Ok(());
    };
    diesel::update(needs::table.filter(needs::created_by.eq(uid)))
        .set(needs::created_by.eq(None::<i64>))
        .execute(conn)?;
    diesel::update(offerings::table.filter(offerings::created_by.eq(uid)))
        .set(offerings::created_by.eq(None::<i64>))
        .execute(conn)?;
    diesel::update(intro::table.filter(intro::sme_user_id.eq(uid)))
        .set(intro::sme_user_id.eq(None::<i64>))
        .execute(conn)?;
    diesel::update(intro::table.filter(intro::vendor_user_id.eq(uid)))
        .set(intro::vendor_user_id.eq(None::<i64>))
        .execute(conn)?;
    diesel::update(overrides::table.filter(overrides::staff_id.eq(uid)))
        .set(overrides::staff_id.eq(None::<i64>))
        .execute(conn)?;
    Ok(())
}

/// The matching board' part of "My data" and of an account's deletion.
pub struct Holder;

impl crate::privacy::PersonalData for Holder {
    fn key(&self) -> &'static str {
        "matching"
    }

    fn export(&self, conn: &mut DbConn, email: &str) -> QueryResult<Value> {
        export_person(conn, email)
    }

    fn erase(&self, conn: &mut DbConn, email: &str) -> QueryResult<()> {
        erase_person(conn, email)
    }
}
