//! Personal data of the newsletter: what "My data" downloads and what deleting an account
//! removes.

use diesel::QueryResult;
use serde_json::{Value, json};

use super::queries as q;
use crate::db::DbConn;

/// The subscription of an address with its topics and consent history (`null` when none).
pub fn export_person(conn: &mut DbConn, email: &str) -> QueryResult<Value> {
    let Some(s) = q::find_by_email(conn, email)? else {
        return Ok(Value::Null);
    };
    let topics = q::topics_of(conn, s.id)?;
    let history: Vec<Value> = q::history(conn, s.id)?
        .into_iter()
        .map(|e| json!({ "event": e.event, "source": e.source, "at": crate::time::rfc3339(e.at) }))
        .collect();
    Ok(json!({
        "email": s.email,
        "name": s.name,
        "company": s.company,
        "prefecture": s.prefecture,
        "industry": s.industry,
        "status": s.status,
        "language": s.lang,
        "topics": topics,
        "consent_source": s.consent_source,
        "consented_at": s.consented_at.map(crate::time::rfc3339),
        "confirmed_at": s.confirmed_at.map(crate::time::rfc3339),
        "history": history,
        "waiting_requests": super::requests::of_subscriber(conn, s.id)?.into_iter().map(|r| json!({
            "name": r.name,
            "company": r.company,
            "prefecture": r.prefecture,
            "industry": r.industry,
            "topics": r.topic_codes(),
            "source": r.source,
            "requested_at": crate::time::rfc3339(r.created_at),
            "expires_at": crate::time::rfc3339(r.expires_at),
        })).collect::<Vec<_>>(),
    }))
}

/// Removes the subscription of an address, its topics, its consent history and its queued
/// newsletter mails.
pub fn erase_person(conn: &mut DbConn, email: &str) -> QueryResult<()> {
    if let Some(s) = q::find_by_email(conn, email)? {
        q::delete(conn, &s)?;
    }
    Ok(())
}

/// The newsletter' part of "My data" and of an account's deletion.
pub struct Holder;

impl crate::privacy::PersonalData for Holder {
    fn key(&self) -> &'static str {
        "newsletter"
    }

    fn export(&self, conn: &mut DbConn, email: &str) -> QueryResult<Value> {
        export_person(conn, email)
    }

    fn erase(&self, conn: &mut DbConn, email: &str) -> QueryResult<()> {
        erase_person(conn, email)
    }
}
