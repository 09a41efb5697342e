//! The staff operations on registrations, shared by the staff pages and the JSON API: check in,
//! promote from the waitlist, cancel, register someone on their behalf, message the
//! registrants, and the audited reads and exports of registrations and surveys. Each runs its
//! writes and its audit entry in one transaction, on behalf of the staff member who asked
//! (seat changes in the seminar-serializing transaction of [`queries::serialized`]); the
//! surfaces extract and validate their input, call one of these, and render.

use chrono::NaiveDateTime;
use serde_json::json;

use super::mail::Notifier;
use super::model::{NewRegistrant, Registration, RegistrationStatus};
use super::queries::{self, Registered};
use super::survey::Survey;
use crate::accounts::CurrentUser;
use crate::audit::{self, Via};
use crate::db::DbConn;
use crate::error::{AppError, Message};
use crate::mail::{Mailer, OutgoingMail};
use crate::seminars::model::Seminar;

/// Checks registration `id` in as staff user `actor` (idempotent); the registration as it is
/// now. `via` says where staff did it (`list`, `qr`, `api`). `Conflict` outside the seminar's
/// check-in window and for a registration that is not confirmed.
pub fn check_in(
    c: &mut DbConn,
    actor: &CurrentUser,
    id: i64,
    via: Via,
    now: NaiveDateTime,
) -> Result<Registration, AppError> {
    c.write_transaction(|c| {
        let reg = queries::find(c, id)?;
        if !crate::seminars::queries::find(c, reg.seminar_id)?.check_in_open(now) {
            return Err(AppError::Conflict(
                Message::new("seminars.checkin.outside").arg(
                    "days",
                    crate::seminars::model::CHECK_IN_DAYS_AFTER.to_string(),
                ),
            ));
        }
        if !queries::check_in(c, reg.id, now)? {
            return Err(AppError::Conflict(Message::new(
                "seminars.checkin.not_confirmed",
            )));
        }
        audit::record(
            c,
            Some(actor),
            audit::Action::RegistrationCheckIn,
            audit::Target::Registration,
            Some(reg.id.to_string()),
            json!({"seminar_id": reg.seminar_id, "via": via}),
        )?;
        Ok(queries::find(c, id)?)
    })
}

/// What staff do to one registration from the seminar's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffAction {
    /// Check the person in.
    CheckIn,
    /// Give a waitlisted registration a seat.
    Promote,
    /// Cancel it (its seat goes to the waitlist).
    Cancel,
}

impl StaffAction {
    /// The action of a path segment (`check-in`, `promote`, `cancel`).
    pub fn of_path(segment: &str) -> Option<Self> {
        match segment {
            "check-in" => Some(StaffAction::CheckIn),
            "promote" => Some(StaffAction::Promote),
            "cancel" => Some(StaffAction::Cancel),
            _ => None,
        }
    }
}

/// Does `action` to registration `rid` of seminar `seminar_id` as staff user `actor`; a
/// registration of another seminar is `NotFound`. A check-in from the list is recorded as
/// done `via` `list`.
pub fn act_on_registration(
    c: &mut DbConn,
    notifier: &Notifier,
    actor: &CurrentUser,
    seminar_id: i64,
    rid: i64,
    action: StaffAction,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    if queries::find(c, rid)?.seminar_id != seminar_id {
        return Err(AppError::NotFound);
    }
    let audited = match action {
        StaffAction::CheckIn => {
            check_in(c, actor, rid, "list", now)?;
            return Ok(());
        }
        StaffAction::Promote => audit::Action::RegistrationPromote,
        StaffAction::Cancel => audit::Action::RegistrationCancel,
    };
    queries::serialized(c, |c| {
        if action == StaffAction::Promote {
            queries::staff_promote(c, notifier, rid, now)?;
        } else {
            queries::cancel(c, notifier, rid, now)?;
        }
        audit::record(
            c,
            Some(actor),
            audited,
            audit::Target::Registration,
            Some(rid.to_string()),
            json!({"seminar_id": seminar_id}),
        )?;
        Ok(())
    })
}

/// A message from staff to the registrants of one status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMessage {
    /// Who gets it: the confirmed, the waitlisted, or the applicants of an undrawn lottery.
    pub audience: RegistrationStatus,
    /// The subject.
    pub subject: String,
    /// The plain-text body.
    pub body: String,
}

/// Mails `message` to every registrant of seminar `seminar_id` in its audience as staff user
/// `actor`, one outbox row each; how many were mailed.
pub fn message_registrants(
    c: &mut DbConn,
    mailer: &Mailer,
    actor: &CurrentUser,
    seminar_id: i64,
    message: &StaffMessage,
) -> Result<usize, AppError> {
    c.write_transaction(|c| {
        let s = crate::seminars::queries::find(c, seminar_id)?;
        let regs = queries::list_for_seminar(c, seminar_id)?;
        let mut n = 0;
        for r in regs.iter().filter(|r| r.status == message.audience) {
            let m = views::seminars::mail::staff_message(
                r.lang(),
                &r.name,
                &s.title,
                &message.subject,
                &message.body,
            );
            let mail = OutgoingMail {
                to_name: Some(r.name.clone()),
                source: Some(format!("seminar:{seminar_id}")),
                ..OutgoingMail::transactional(&r.email, &m.subject, m.text, m.html)
            };
            mailer.enqueue(c, &mail)?;
            n += 1;
        }
        audit::record(
            c,
            Some(actor),
            audit::Action::SeminarMessage,
            audit::Target::Seminar,
            Some(seminar_id.to_string()),
            json!({
                "audience": message.audience,
                "recipients": n,
                "subject": message.subject,
            }),
        )?;
        Ok(n)
    })
}

/// Registers `who` for seminar `seminar_id` on someone's behalf (a phone or paper entry) as
/// staff user `actor`; `send_mail` says whether the person is mailed. A new registration is
/// audited with its status; an address registered already changes nothing.
pub fn add_registration(
    c: &mut DbConn,
    notifier: &Notifier,
    actor: &CurrentUser,
    seminar_id: i64,
    who: &NewRegistrant,
    send_mail: bool,
    now: NaiveDateTime,
) -> Result<Registered, AppError> {
    queries::serialized(c, |c| {
        let outcome = queries::register_locked(c, notifier, seminar_id, who, now)?;
        if let Registered::New(reg, _) = &outcome {
            audit::record(
                c,
                Some(actor),
                audit::Action::RegistrationStaffAdd,
                audit::Target::Registration,
                Some(reg.id.to_string()),
                json!({"seminar_id": seminar_id, "status": reg.status, "mail": send_mail}),
            )?;
        }
        Ok(outcome)
    })
}

/// The post-seminar surveys of seminar `seminar_id` as staff user `actor` exports them (the
/// staff CSV and the API: the same read, audited alike with how many were answered).
pub fn export_survey(
    c: &mut DbConn,
    actor: &CurrentUser,
    seminar_id: i64,
    via: Via,
) -> Result<Vec<Survey>, AppError> {
    c.write_transaction(|c| {
        crate::seminars::queries::find(c, seminar_id)?;
        let surveys = super::survey::list_for_seminar(c, seminar_id)?;
        let answered = surveys.iter().filter(|s| s.answered_at.is_some()).count();
        audit::record(
            c,
            Some(actor),
            audit::Action::SurveyExport,
            audit::Target::Seminar,
            Some(seminar_id.to_string()),
            json!({"rows": answered, "sent": surveys.len(), "via": via}),
        )?;
        Ok(surveys)
    })
}

/// Seminar `seminar_id` and its registrations as staff user `actor` exports them (the CSV
/// download), audited as an export with the number of rows.
pub fn export_registrations(
    c: &mut DbConn,
    actor: &CurrentUser,
    seminar_id: i64,
) -> Result<(Seminar, Vec<Registration>), AppError> {
    c.write_transaction(|c| {
        let s = crate::seminars::queries::find(c, seminar_id)?;
        let regs = queries::list_for_seminar(c, seminar_id)?;
        audit::record(
            c,
            Some(actor),
            audit::Action::RegistrationExport,
            audit::Target::Seminar,
            Some(seminar_id.to_string()),
            json!({"rows": regs.len()}),
        )?;
        Ok((s, regs))
    })
}

/// The registrations of seminar `seminar_id` as staff user `actor` reads them (the API's
/// list), audited as a read of personal data.
pub fn registrations_for_staff(
    c: &mut DbConn,
    actor: &CurrentUser,
    seminar_id: i64,
    via: Via,
) -> Result<Vec<Registration>, AppError> {
    c.write_transaction(|c| {
        crate::seminars::queries::find(c, seminar_id)?;
        let regs = queries::list_for_seminar(c, seminar_id)?;
        audit::record(
            c,
            Some(actor),
            audit::Action::RegistrationView,
            audit::Target::Seminar,
            Some(seminar_id.to_string()),
            json!({"rows": regs.len(), "via": via}),
        )?;
        Ok(regs)
    })
}
