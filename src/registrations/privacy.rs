//! Personal data of registrations: what "My data" downloads, and what deleting an account
//! anonymises.

use diesel::prelude::*;
use serde_json::{Value, json};

use super::model::Registration;
use super::survey::Survey;
use crate::db::DbConn;
use crate::schema::{registrations as r, seminar_surveys as sv, seminars as s};

/// The personal-link hash of an erased registration starts with this (no token matches it,
/// and no mail goes to the placeholder address).
pub const ERASED_PREFIX: &str = "erased-";

/// Every registration of an address, with its seminar's title and the survey sent after it
/// (with the answers, when given).
pub fn export_person(conn: &mut DbConn, email: &str) -> QueryResult<Value> {
    let rows: Vec<(Registration, String, Option<Survey>)> = r::table
        .inner_join(s::table)
        .left_join(sv::table)
        .filter(r::email.eq(email.trim().to_lowercase()))
        .order(r::id)
        .select((
            Registration::as_select(),
            s::title,
            Option::<Survey>::as_select(),
        ))
        .load(conn)?;
    Ok(json!({
        "registrations": rows.into_iter().map(|(reg, title, survey)| json!({
            "seminar_id": reg.seminar_id,
            "seminar": title,
            "name": reg.name,
            "company": reg.company,
            "email": reg.email,
            "prefecture": reg.prefecture,
            "industry": reg.industry,
            "employee_band": reg.employee_band,
            "mode": reg.mode,
            "status": reg.status,
            "answers": serde_json::from_str::<Value>(&reg.answers).unwrap_or(Value::Null),
            "checked_in_at": reg.checked_in_at.map(crate::time::rfc3339),
            "created_at": crate::time::rfc3339(reg.created_at),
            "survey": survey.map(|v| json!({
                "sent_at": crate::time::rfc3339(v.sent_at),
                "answered_at": v.answered_at.map(crate::time::rfc3339),
                "satisfaction": v.satisfaction,
                "usefulness": v.usefulness,
                "topics": v.topics,
                "comments": v.comments,
            })),
        })).collect::<Vec<_>>()
    }))
}

/// Anonymises every registration of an address: name, company, address and answers are
/// replaced; the counts (mode, status, check-in) stay for statistics. Waitlisted ones (and
/// applications awaiting a lottery's draw) are cancelled so that nobody is promoted or drawn
/// under an erased name. Free-text survey answers are
/// removed; the two scores stay, like the counts, as anonymous statistics.
pub fn erase_person(conn: &mut DbConn, email: &str) -> QueryResult<()> {
    let ids: Vec<i64> = r::table
        .filter(r::email.eq(email.trim().to_lowercase()))
        .select(r::id)
        .load(conn)?;
    for id in ids {
        diesel::update(r::table.find(id))
            .set((
                r::name.eq(""),
                r::company.eq(""),
                r::email.eq(format!("erased-{id}@invalid")),
                r::answers.eq("{}"),
                r::token_hash.eq(format!("{ERASED_PREFIX}{id}")),
            ))
            .execute(conn)?;
        diesel::update(sv::table.filter(sv::registration_id.eq(id)))
            .set((sv::topics.eq(""), sv::comments.eq("")))
            .execute(conn)?;
        diesel::update(r::table.find(id).filter(r::status.eq_any([
            super::model::RegistrationStatus::Waitlisted,
            super::model::RegistrationStatus::Applied,
        ])))
        .set((
            r::status.eq(super::model::RegistrationStatus::Cancelled),
            r::waitlist_seq.eq(None::<i64>),
        ))
        .execute(conn)?;
    }
    Ok(())
}

/// Registrations' part of "My data" and of an account's deletion.
pub struct Holder;

impl crate::privacy::PersonalData for Holder {
    fn key(&self) -> &'static str {
        "seminar_registrations"
    }

    fn export(&self, conn: &mut DbConn, email: &str) -> QueryResult<Value> {
        export_person(conn, email)
    }

    fn erase(&self, conn: &mut DbConn, email: &str) -> QueryResult<()> {
        erase_person(conn, email)
    }
}
