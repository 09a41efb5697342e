//! The registration record.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::schema::registrations;
use crate::seminars::model::{Mode, Seminar};

/// The states of a registration.
pub use crate::seminars::model::RegistrationStatus;

/// A registration as stored.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = registrations)]
pub struct Registration {
    /// Id.
    pub id: i64,
    /// The seminar.
    pub seminar_id: i64,
    /// Name.
    pub name: String,
    /// Company or organisation.
    pub company: String,
    /// Email (lower-case).
    pub email: String,
    /// Prefecture code.
    pub prefecture: Option<i32>,
    /// Industry code or text.
    pub industry: String,
    /// Employee band code.
    pub employee_band: Option<String>,
    /// onsite or online.
    pub mode: String,
    /// Answers to the extra questions, JSON object.
    pub answers: String,
    /// Applied, confirmed, waitlisted, not drawn or cancelled.
    pub status: RegistrationStatus,
    /// Order on the waitlist.
    pub waitlist_seq: Option<i64>,
    /// When checked in.
    pub checked_in_at: Option<NaiveDateTime>,
    /// Hash of the personal link's token.
    #[serde(skip)]
    pub token_hash: String,
    /// Language of mails.
    pub lang: String,
    /// Created (UTC).
    pub created_at: NaiveDateTime,
    /// Last changed (UTC).
    pub updated_at: NaiveDateTime,
    /// The group entry this registration belongs to: the id of the applicant's registration
    /// (the applicant's own included); `None` for one person.
    pub group_id: Option<i64>,
    /// Minutes in the online meeting, from an imported attendance report.
    pub attended_minutes: Option<i32>,
    /// The series entry this registration belongs to: the id of the registration of the
    /// series' first session (its own included); `None` outside a series.
    pub series_entry_id: Option<i64>,
}

impl Registration {
    /// Whether this is the applicant of a group entry (who sees the group and may remove
    /// participants from it).
    pub fn leads_group(&self) -> bool {
        self.group_id == Some(self.id)
    }

    /// The entry this registration is placed with: its group, or itself.
    pub fn entry_id(&self) -> i64 {
        self.group_id.unwrap_or(self.id)
    }

    /// The mode (onsite when unknown, which the CHECK forbids).
    pub fn mode(&self) -> Mode {
        Mode::parse(&self.mode).unwrap_or(Mode::Onsite)
    }

    /// The language of this person's mails.
    pub fn lang(&self) -> views::Lang {
        views::Lang::from_code(&self.lang).unwrap_or_default()
    }
}

/// A validated registration to store.
#[derive(Debug, Clone)]
pub struct NewRegistrant {
    /// Name.
    pub name: String,
    /// Company.
    pub company: String,
    /// Email, lower-case.
    pub email: String,
    /// Prefecture code.
    pub prefecture: Option<i32>,
    /// Industry code.
    pub industry: String,
    /// Employee band code.
    pub employee_band: Option<String>,
    /// Mode.
    pub mode: Mode,
    /// Answers JSON.
    pub answers: String,
    /// Language code.
    pub lang: String,
    /// Ticked "also subscribe to the newsletter" (unticked by default; double opt-in follows).
    pub subscribe_newsletter: bool,
    /// Who enters the registration (the public form or staff).
    pub intake: Intake,
    /// The further participants of a group entry (the applicant is the first participant and
    /// not among them); empty for one person. They share the applicant's company, details,
    /// answers, mode and language, and each gets a registration, a link and mails of their own.
    pub participants: Vec<Participant>,
}

/// A further participant of a group entry, as the applicant entered them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    /// Name.
    pub name: String,
    /// Email, lower-case.
    pub email: String,
}

/// Who enters a registration: decides when it is accepted and whether the mail goes out.
/// Seats are never a question of who: both go through the same serialized placement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Intake {
    /// The public form: only while registration is open; the confirmation mail always goes.
    #[default]
    Public,
    /// Staff on someone's behalf (phone, FAX, walk-in): also before the opening and after the
    /// deadline, as long as the seminar is published and not over; the mail only if asked.
    Staff {
        /// Whether the confirmation (or waitlist) mail with the personal link is sent.
        send_mail: bool,
    },
}

impl Intake {
    /// Whether a registration may be entered this way at `now`.
    pub fn accepts(self, seminar: &Seminar, now: NaiveDateTime) -> bool {
        match self {
            Intake::Public => seminar.is_open(now),
            Intake::Staff { .. } => {
                seminar.status == crate::seminars::model::SeminarStatus::Published
                    && now < seminar.ends_at
            }
        }
    }

    /// Whether the registrant is told by mail.
    pub fn sends_mail(self) -> bool {
        match self {
            Intake::Public => true,
            Intake::Staff { send_mail } => send_mail,
        }
    }
}

/// The label of a registration status.
pub fn status_label(s: RegistrationStatus, lang: views::Lang) -> &'static str {
    match s {
        RegistrationStatus::Confirmed => lang.t("seminars.reg_confirmed"),
        RegistrationStatus::Waitlisted => lang.t("seminars.reg_waitlisted"),
        RegistrationStatus::Applied => lang.t("lottery.reg_applied"),
        RegistrationStatus::NotDrawn => lang.t("lottery.reg_not_drawn"),
        RegistrationStatus::Cancelled => lang.t("seminars.reg_cancelled"),
    }
}
