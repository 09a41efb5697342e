//! The operations on certificates: who may have one, issuing it (a serial the first time,
//! the same one after), the public check, staff's download of a seminar's certificates and
//! revoking one. Every write and its audit entry share one transaction.

use chrono::{Datelike, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;

use super::pdf::{Attendance, Certificate, SeriesSessions};
use super::serial::{self, Serial};
use crate::accounts::CurrentUser;
use crate::audit::{self, Action, Target};
use crate::db::DbConn;
use crate::error::{AppError, Message};
use crate::registrations::model::{Registration, RegistrationStatus};
use crate::schema::{certificates as cert, registrations as reg, seminars};
use crate::seminars::model::{Mode, Seminar, SeminarStatus, name_list};

/// A certificate as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = cert)]
pub struct Issued {
    /// Id.
    pub id: i64,
    /// The registration it certifies.
    pub registration_id: i64,
    /// The serial, canonical.
    pub serial: String,
    /// When first issued (UTC).
    pub issued_at: NaiveDateTime,
    /// When revoked.
    pub revoked_at: Option<NaiveDateTime>,
    /// Who revoked it.
    pub revoked_by: Option<i64>,
    /// Why (staff's note, audit only).
    pub revoke_reason: String,
}

/// Why a registration has no certificate (yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not a confirmed registration, or the seminar was called off.
    NotConfirmed,
    /// The seminar has not ended.
    NotEnded,
    /// No attendance recorded.
    NotCheckedIn,
    /// Issued, then revoked by staff.
    Revoked,
    /// A series' certificate: fewer sessions attended than the series asks for.
    TooFewSessions,
}

impl Refusal {
    /// The explanation shown to the person.
    pub fn message(self) -> Message {
        Message::new(match self {
            Refusal::NotConfirmed => "certificates.not_confirmed",
            Refusal::NotEnded => "certificates.not_ended",
            Refusal::NotCheckedIn => "certificates.not_checked_in",
            Refusal::Revoked => "certificates.revoked_download",
            Refusal::TooFewSessions => "series.certificate_too_few",
        })
    }
}

impl From<Refusal> for AppError {
    fn from(r: Refusal) -> Self {
        AppError::Conflict(r.message())
    }
}

/// Whether the registrant of `r` may have a certificate of `s` at `now`.
pub fn eligibility(s: &Seminar, r: &Registration, now: NaiveDateTime) -> Result<(), Refusal> {
    if r.status != RegistrationStatus::Confirmed || s.status == SeminarStatus::Cancelled {
        return Err(Refusal::NotConfirmed);
    }
    if s.ends_at > now {
        return Err(Refusal::NotEnded);
    }
    if r.checked_in_at.is_none() {
        return Err(Refusal::NotCheckedIn);
    }
    Ok(())
}

/// What a certificate is issued on: the registration that holds it (for a series, the entry's
/// registration of the first session: one certificate per person and series), the seminar it
/// names (for a series, the first session), and for a series the sessions attended.
#[derive(Debug, Clone)]
pub struct Holder {
    /// The registration the certificate is stored for.
    pub registration: Registration,
    /// The seminar (the first session of a series).
    pub seminar: Seminar,
    /// For a series: its title in Japanese and its sessions, attended or not.
    pub series: Option<(String, SeriesSessions)>,
}

/// Whether the registrant of `r` (a registration of `s`) may have a certificate at `now`, and
/// what it is issued on. Outside a series: [`eligibility`]. For a series: the entry is
/// confirmed, every session that was not called off has ended, and the person attended at
/// least [`crate::seminars::series::model::Series::sessions_for_certificate`] of them;
/// otherwise no certificate for the series (and none for a single session of it).
pub fn holder(
    c: &mut DbConn,
    s: &Seminar,
    r: &Registration,
    now: NaiveDateTime,
) -> QueryResult<Result<Holder, Refusal>> {
    let (Some(entry), Some(series_id)) = (r.series_entry_id, s.series_id) else {
        return Ok(eligibility(s, r, now).map(|()| Holder {
            registration: r.clone(),
            seminar: s.clone(),
            series: None,
        }));
    };
    let series = crate::seminars::series::queries::find(c, series_id)?;
    let sessions: Vec<Seminar> = crate::seminars::series::queries::sessions(c, series_id)?
        .into_iter()
        .filter(|x| x.status != SeminarStatus::Cancelled)
        .collect();
    let members = crate::registrations::series::members(c, entry)?;
    let Some(first) = sessions.first().cloned() else {
        return Ok(Err(Refusal::NotConfirmed));
    };
    let Some(entry_reg) = members.iter().find(|m| m.id == entry).cloned() else {
        return Ok(Err(Refusal::NotConfirmed));
    };
    if entry_reg.status != RegistrationStatus::Confirmed {
        return Ok(Err(Refusal::NotConfirmed));
    }
    if sessions.iter().any(|x| x.ends_at > now) {
        return Ok(Err(Refusal::NotEnded));
    }
    let attended: Vec<(NaiveDateTime, NaiveDateTime)> = sessions
        .iter()
        .filter(|x| {
            members
                .iter()
                .any(|m| m.seminar_id == x.id && m.checked_in_at.is_some())
        })
        .map(|x| (x.starts_at, x.ends_at))
        .collect();
    if attended.len() < series.sessions_for_certificate(sessions.len()) {
        return Ok(Err(Refusal::TooFewSessions));
    }
    Ok(Ok(Holder {
        registration: entry_reg,
        seminar: first,
        series: Some((
            series.title.clone(),
            SeriesSessions {
                total: sessions.len(),
                attended,
            },
        )),
    }))
}

/// The certificate of a registration, if issued.
pub fn find_for(c: &mut DbConn, registration_id: i64) -> QueryResult<Option<Issued>> {
    cert::table
        .filter(cert::registration_id.eq(registration_id))
        .select(Issued::as_select())
        .first(c)
        .optional()
}

/// Issues the certificate of an eligible registration, or returns the one issued before, with
/// the audit entry of a new one in the caller's transaction.
fn issue(
    c: &mut DbConn,
    actor: Option<&CurrentUser>,
    s: &Seminar,
    r: &Registration,
    now: NaiveDateTime,
) -> Result<Issued, AppError> {
    if let Some(found) = find_for(c, r.id)? {
        return Ok(found);
    }
    let year = crate::time::to_jst(s.starts_at).year();
    let serial = Serial::generate(u16::try_from(year).unwrap_or(0), &mut rand::rng())
        .map_err(|e| AppError::Internal(e.into()))?;
    let id: i64 = diesel::insert_into(cert::table)
        .values((
            cert::registration_id.eq(r.id),
            cert::serial.eq(serial.as_str()),
            cert::issued_at.eq(now),
            cert::revoke_reason.eq(""),
        ))
        .returning(cert::id)
        .get_result(c)?;
    let issued: Issued = cert::table.find(id).select(Issued::as_select()).first(c)?;
    audit::record(
        c,
        actor,
        Action::CertificateIssue,
        Target::Registration,
        Some(r.id.to_string()),
        json!({"seminar_id": s.id, "serial": issued.serial}),
    )?;
    Ok(issued)
}

/// What the PDF says.
pub fn content(h: &Holder, issued: &Issued, base_url: &str) -> Result<Certificate, AppError> {
    let (s, r) = (&h.seminar, &h.registration);
    let serial = serial::parse(&issued.serial).map_err(|e| AppError::Internal(e.into()))?;
    Ok(Certificate {
        name: r.name.clone(),
        company: Some(r.company.trim().to_string()).filter(|c| !c.is_empty()),
        seminar_title: h
            .series
            .as_ref()
            .map_or_else(|| s.title.clone(), |(title, _)| title.clone()),
        starts_at: s.starts_at,
        ends_at: s.ends_at,
        series: h.series.as_ref().map(|(_, sessions)| sessions.clone()),
        attendance: match r.mode() {
            Mode::Onsite => Attendance::Onsite {
                venue: Some(s.venue.trim().to_string()).filter(|v| !v.is_empty()),
            },
            Mode::Online => Attendance::Online,
        },
        hosts: name_list(&s.hosts),
        co_hosts: name_list(&s.cohosts),
        verification_url: format!(
            "{}/certificates/{}",
            base_url.trim_end_matches('/'),
            issued.serial
        ),
        serial,
        issued_on: crate::time::to_jst(issued.issued_at).date_naive(),
    })
}

/// The registrant's own certificate (the person is the actor): issued on first download.
pub fn for_registrant(
    c: &mut DbConn,
    r: &Registration,
    base_url: &str,
    now: NaiveDateTime,
) -> Result<Certificate, AppError> {
    c.write_transaction(|c| {
        let s = crate::seminars::queries::find(c, r.seminar_id)?;
        let h = holder(c, &s, r, now)??;
        let issued = issue(c, None, &h.seminar, &h.registration, now)?;
        if issued.revoked_at.is_some() {
            return Err(Refusal::Revoked.into());
        }
        content(&h, &issued, base_url)
    })
}

/// Every certificate of a seminar for staff, one per eligible attendee in registration order
/// (issued where not yet, revoked ones left out), audited as an export.
pub fn for_seminar(
    c: &mut DbConn,
    actor: &CurrentUser,
    seminar_id: i64,
    base_url: &str,
    now: NaiveDateTime,
) -> Result<Vec<Certificate>, AppError> {
    c.write_transaction(|c| {
        let s = crate::seminars::queries::find(c, seminar_id)?;
        let regs = crate::registrations::queries::list_for_seminar(c, seminar_id)?;
        let mut out = Vec::new();
        let mut done = Vec::new();
        for r in &regs {
            let Ok(h) = holder(c, &s, r, now)? else {
                continue;
            };
            // A series' certificate is one per person, whichever session lists them.
            if done.contains(&h.registration.id) {
                continue;
            }
            done.push(h.registration.id);
            let issued = issue(c, Some(actor), &h.seminar, &h.registration, now)?;
            if issued.revoked_at.is_none() {
                out.push(content(&h, &issued, base_url)?);
            }
        }
        audit::record(
            c,
            Some(actor),
            Action::CertificateExport,
            Target::Seminar,
            Some(seminar_id.to_string()),
            json!({"pages": out.len()}),
        )?;
        Ok(out)
    })
}

/// What the public check shows: the seminar, its date, the name, and whether it was revoked.
#[derive(Debug, Clone)]
pub struct CheckResult {
    /// The serial.
    pub serial: String,
    /// Seminar title.
    pub seminar_title: String,
    /// Start (UTC).
    pub starts_at: NaiveDateTime,
    /// The holder's name.
    pub name: String,
    /// When revoked.
    pub revoked_at: Option<NaiveDateTime>,
}

/// Looks a serial up for the public check page.
pub fn check(c: &mut DbConn, serial: &Serial) -> QueryResult<Option<CheckResult>> {
    type Row = (
        String,
        Option<NaiveDateTime>,
        String,
        String,
        NaiveDateTime,
        Option<i64>,
    );
    let row: Option<Row> = cert::table
        .inner_join(reg::table.inner_join(seminars::table))
        .filter(cert::serial.eq(serial.as_str()))
        .select((
            cert::serial,
            cert::revoked_at,
            reg::name,
            seminars::title,
            seminars::starts_at,
            seminars::series_id,
        ))
        .first(c)
        .optional()?;
    let Some((serial, revoked_at, name, title, starts_at, series)) = row else {
        return Ok(None);
    };
    // A series' certificate names the series.
    let series_title = series
        .map(|id| crate::seminars::series::queries::find(c, id).map(|x| x.title))
        .transpose()?;
    Ok(Some(CheckResult {
        serial,
        seminar_title: series_title.unwrap_or(title),
        starts_at,
        name,
        revoked_at,
    }))
}

/// A certificate of a seminar as staff see it in the list.
#[derive(Debug, Clone)]
pub struct StaffRow {
    /// The certificate.
    pub issued: Issued,
    /// The holder's name.
    pub name: String,
    /// Company.
    pub company: String,
}

/// The certificates issued for a seminar (a staff read of personal data, audited).
pub fn list_for_seminar(
    c: &mut DbConn,
    actor: &CurrentUser,
    seminar_id: i64,
) -> Result<(Seminar, Vec<StaffRow>), AppError> {
    c.write_transaction(|c| {
        let s = crate::seminars::queries::find(c, seminar_id)?;
        let rows: Vec<(Issued, String, String)> = cert::table
            .inner_join(reg::table)
            .filter(reg::seminar_id.eq(seminar_id))
            .order(cert::id)
            .select((Issued::as_select(), reg::name, reg::company))
            .load(c)?;
        audit::record(
            c,
            Some(actor),
            Action::CertificateList,
            Target::Seminar,
            Some(seminar_id.to_string()),
            json!({"rows": rows.len()}),
        )?;
        Ok((
            s,
            rows.into_iter()
                .map(|(issued, name, company)| StaffRow {
                    issued,
                    name,
                    company,
                })
                .collect(),
        ))
    })
}

/// A certificate with its holder's name and seminar, for the confirmation page.
pub fn find_with_holder(
    c: &mut DbConn,
    serial: &Serial,
) -> QueryResult<Option<(Issued, Registration)>> {
    cert::table
        .inner_join(reg::table)
        .filter(cert::serial.eq(serial.as_str()))
        .select((Issued::as_select(), Registration::as_select()))
        .first(c)
        .optional()
}

/// Revokes a certificate (idempotent: revoking again changes nothing), with its audit entry.
/// Returns the seminar's id.
pub fn revoke(
    c: &mut DbConn,
    actor: &CurrentUser,
    serial: &Serial,
    reason: &str,
    now: NaiveDateTime,
) -> Result<i64, AppError> {
    c.write_transaction(|c| {
        let (issued, r) = find_with_holder(c, serial)?.ok_or(AppError::NotFound)?;
        if issued.revoked_at.is_none() {
            diesel::update(cert::table.find(issued.id))
                .set((
                    cert::revoked_at.eq(Some(now)),
                    cert::revoked_by.eq(Some(actor.id)),
                    cert::revoke_reason.eq(reason),
                ))
                .execute(c)?;
            audit::record(
                c,
                Some(actor),
                Action::CertificateRevoke,
                Target::Registration,
                Some(r.id.to_string()),
                json!({"seminar_id": r.seminar_id, "serial": issued.serial, "reason": reason}),
            )?;
        }
        Ok(r.seminar_id)
    })
}
