//! Importing a meeting tool's attendance report into a seminar, as staff: the rows are matched
//! to the seminar's confirmed online registrants by normalised email, and those matched are
//! marked attended (checked in, with their minutes); rows without a match are kept with the
//! registrants their name suggests, for staff to confirm one by one ([`confirm_by_name`]).
//!
//! Everything an import writes, its record and its audit entry are one write transaction: an
//! import is all there or not at all. Importing the same file again changes nothing: the people
//! it matched are attended with those minutes already, and count as `already`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::names;
use super::report::{self, Attendee};
use crate::accounts::CurrentUser;
use crate::audit;
use crate::db::DbConn;
use crate::error::{AppError, Message};
use crate::registrations::model::{Registration, RegistrationStatus};
use crate::schema::{attendance_imports as ai, registrations as r};
use crate::seminars::model::Mode;

/// A report row that matched no registrant by email, as stored with its import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unmatched {
    /// The line of the file where the person first appears.
    pub line: u64,
    /// The display name in the meeting.
    pub name: String,
    /// The address in the report, if any.
    pub email: Option<String>,
    /// Whole minutes attended.
    pub minutes: u32,
    /// Registrants whose name matches, strongest first (for staff to confirm).
    pub proposals: Vec<i64>,
}

/// What one import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// The stored import.
    pub id: i64,
    /// The tool that wrote the report.
    pub tool: &'static str,
    /// People newly marked attended (or whose minutes grew).
    pub matched: u32,
    /// People the report matched who were marked so already (a second import of a file).
    pub already: u32,
    /// Rows without a matching registrant.
    pub unmatched: Vec<Unmatched>,
}

/// An import as stored, for the staff page.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ai)]
pub struct StoredImport {
    /// Id.
    pub id: i64,
    /// The seminar.
    pub seminar_id: i64,
    /// `zoom`, `webex` or `teams`.
    pub tool: String,
    /// SHA-256 of the file, hex.
    pub file_sha256: String,
    /// People in the report.
    pub row_count: i32,
    /// Newly marked attended.
    pub matched: i32,
    /// Marked so already.
    pub already: i32,
    /// The unmatched rows, JSON list of [`Unmatched`].
    pub unmatched: String,
    /// Who imported it.
    pub imported_by: Option<i64>,
    /// When.
    pub imported_at: NaiveDateTime,
}

impl StoredImport {
    /// The unmatched rows.
    pub fn unmatched(&self) -> Vec<Unmatched> {
        serde_json::from_str(&self.unmatched).unwrap_or_default()
    }
}

/// The registrants a report is matched against: the seminar's confirmed online registrations.
fn online_registrants(c: &mut DbConn, seminar_id: i64) -> QueryResult<Vec<Registration>> {
    r::table
        .filter(r::seminar_id.eq(seminar_id))
        .filter(r::mode.eq(Mode::Online.as_str()))
        .filter(r::status.eq(RegistrationStatus::Confirmed))
        .order(r::id)
        .select(Registration::as_select())
        .load(c)
}

/// Marks a registration attended for `minutes` unless it is already, with at least as many
/// minutes; true when it changed.
fn mark(c: &mut DbConn, reg: &Registration, minutes: u32, now: NaiveDateTime) -> QueryResult<bool> {
    let minutes = i32::try_from(minutes).unwrap_or(i32::MAX);
    if reg.checked_in_at.is_some() && reg.attended_minutes.is_some_and(|m| m >= minutes) {
        return Ok(false);
    }
    diesel::update(r::table.find(reg.id))
        .set((
            r::checked_in_at.eq(reg.checked_in_at.unwrap_or(now)),
            r::attended_minutes.eq(reg.attended_minutes.map_or(minutes, |m| m.max(minutes))),
            r::updated_at.eq(now),
        ))
        .execute(c)?;
    Ok(true)
}

/// Imports an attendance report (`bytes`, the file as the tool saved it) into the seminar, as
/// `actor` (`via`: `staff` or `api`). A file that is no report of Zoom, Webex or Teams is a 422
/// with the reason; an unknown seminar a 404. Nothing is stored then.
pub fn import(
    c: &mut DbConn,
    actor: &CurrentUser,
    seminar_id: i64,
    bytes: &[u8],
    via: &str,
    now: NaiveDateTime,
) -> Result<Imported, AppError> {
    let report = report::read(bytes).map_err(|e| AppError::Invalid(Message::new(e.key())))?;
    let sha = hex(&Sha256::digest(bytes));
    let tool = tool_code(report.tool);
    c.write_transaction(|c| {
        crate::seminars::queries::find(c, seminar_id)?;
        let registrants = online_registrants(c, seminar_id)?;
        let (mut matched, mut already) = (0u32, 0u32);
        let mut unmatched = Vec::new();
        let mut taken: Vec<i64> = Vec::new();
        let mut leftover: Vec<&Attendee> = Vec::new();
        for a in &report.attendees {
            let reg = a
                .email
                .as_deref()
                .and_then(|e| registrants.iter().find(|r| r.email == e));
            match reg {
                Some(reg) if !taken.contains(&reg.id) => {
                    taken.push(reg.id);
                    if mark(c, reg, a.minutes(), now)? {
                        matched += 1;
                    } else {
                        already += 1;
                    }
                }
                _ => leftover.push(a),
            }
        }
        for a in leftover {
            let open = registrants
                .iter()
                .filter(|r| !taken.contains(&r.id))
                .map(|r| (r.id, r.name.as_str()));
            unmatched.push(Unmatched {
                line: a.line,
                name: a.name.clone(),
                email: a.email_raw.clone().filter(|e| !e.trim().is_empty()),
                minutes: a.minutes(),
                proposals: names::propose(&a.name, open)
                    .into_iter()
                    .map(|p| p.registrant)
                    .collect(),
            });
        }
        let unmatched_json = serde_json::to_string(&unmatched).unwrap_or_else(|_| "[]".into());
        let id: i64 = diesel::insert_into(ai::table)
            .values((
                ai::seminar_id.eq(seminar_id),
                ai::tool.eq(tool),
                ai::file_sha256.eq(&sha),
                ai::row_count.eq(i32::try_from(report.attendees.len()).unwrap_or(i32::MAX)),
                ai::matched.eq(i32::try_from(matched).unwrap_or(i32::MAX)),
                ai::already.eq(i32::try_from(already).unwrap_or(i32::MAX)),
                ai::unmatched.eq(&unmatched_json),
                ai::imported_by.eq(actor.id),
                ai::imported_at.eq(now),
            ))
            .returning(ai::id)
            .get_result(c)?;
        audit::record(
            c,
            actor,
            audit::Action::AttendanceImport,
            audit::Target::Seminar,
            Some(seminar_id.to_string()),
            json!({
                "import_id": id,
                "tool": tool,
                "encoding": report.encoding,
                "sha256": sha,
                "rows": report.attendees.len(),
                "matched": matched,
                "already": already,
                "unmatched": unmatched.len(),
                "via": via,
            }),
        )?;
        Ok(Imported {
            id,
            tool,
            matched,
            already,
            unmatched,
        })
    })
}

/// Staff confirm that an unmatched row of an import is a registrant the page proposed by name:
/// the registrant is marked attended with the row's minutes (audited). 404 when the import,
/// the row or the proposal does not exist.
pub fn confirm_by_name(
    c: &mut DbConn,
    actor: &CurrentUser,
    seminar_id: i64,
    import_id: i64,
    line: u64,
    registration_id: i64,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    c.write_transaction(|c| {
        let stored = find(c, seminar_id, import_id)?.ok_or(AppError::NotFound)?;
        let row = stored
            .unmatched()
            .into_iter()
            .find(|u| u.line == line && u.proposals.contains(&registration_id))
            .ok_or(AppError::NotFound)?;
        let reg = online_registrants(c, seminar_id)?
            .into_iter()
            .find(|r| r.id == registration_id)
            .ok_or(AppError::NotFound)?;
        let changed = mark(c, &reg, row.minutes, now)?;
        audit::record(
            c,
            actor,
            audit::Action::AttendanceConfirm,
            audit::Target::Registration,
            Some(reg.id.to_string()),
            json!({"seminar_id": seminar_id, "import_id": import_id, "line": line,
                   "minutes": row.minutes, "changed": changed}),
        )?;
        Ok(changed)
    })
}

/// One import of a seminar.
pub fn find(c: &mut DbConn, seminar_id: i64, id: i64) -> QueryResult<Option<StoredImport>> {
    ai::table
        .filter(ai::seminar_id.eq(seminar_id))
        .filter(ai::id.eq(id))
        .select(StoredImport::as_select())
        .first(c)
        .optional()
}

/// The imports of a seminar, newest first.
pub fn list_for_seminar(c: &mut DbConn, seminar_id: i64) -> QueryResult<Vec<StoredImport>> {
    ai::table
        .filter(ai::seminar_id.eq(seminar_id))
        .order(ai::id.desc())
        .select(StoredImport::as_select())
        .load(c)
}

/// The code of a tool as stored and answered (`zoom`, `webex`, `teams`).
pub fn tool_code(tool: super::layout::MeetingTool) -> &'static str {
    use super::layout::MeetingTool;
    match tool {
        MeetingTool::Zoom => "zoom",
        MeetingTool::Webex => "webex",
        MeetingTool::Teams => "teams",
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
