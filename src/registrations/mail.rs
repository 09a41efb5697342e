//! The mails of a registration: built by the `views` crate in the person's language, queued in
//! the transaction of the change that causes them.

use diesel::QueryResult;
use views::seminars::mail::{MailNotice, RegistrationMail};

use super::model::{Registration, status};
use super::queries::waitlist_position;
use crate::db::DbConn;
use crate::mail::{Attachment, Mailer, OutgoingMail};
use crate::seminars::feed;
use crate::seminars::model::Seminar;

/// Which mail to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// Registered with a seat.
    Confirmed,
    /// Registered on the waitlist.
    Waitlisted,
    /// Moved from the waitlist to a seat.
    Promoted,
    /// The registration was cancelled.
    Cancelled,
    /// The seminar was called off.
    SeminarCancelled,
    /// Tomorrow's seminar.
    Reminder,
    /// Today's seminar (a reminder whose time had passed when the seminar was created).
    ReminderToday,
    /// The survey after the seminar (with the link to it).
    Survey,
    /// The address registered again: it is registered already (with a fresh personal link).
    AlreadyRegistered,
}

/// The dedupe key of a registration's reminder is this prefix and its id: one reminder each.
pub const REMINDER_KEY: &str = "seminar-reminder:";
/// The dedupe key of a registration's survey mail is this prefix and its id.
pub const SURVEY_KEY: &str = "seminar-survey:";

/// What the mails need from the application: the mailer and the base of absolute links.
#[derive(Debug, Clone)]
pub struct Notifier {
    /// The enqueue side of the mail pipeline.
    pub mailer: Mailer,
    /// `SECUNITY_BASE_URL`.
    pub base_url: String,
}

impl Notifier {
    /// From the application state.
    pub fn of(state: &crate::web::AppState) -> Self {
        Self {
            mailer: state.mailer.clone(),
            base_url: state.config.base_url.trim_end_matches('/').to_string(),
        }
    }

    /// Queues one mail to the registrant; `token` adds the personal link (for
    /// [`Notice::Survey`], the link to the survey page).
    pub fn send(
        &self,
        c: &mut DbConn,
        seminar: &Seminar,
        reg: &Registration,
        token: Option<&str>,
        notice: Notice,
    ) -> QueryResult<()> {
        let lang = reg.lang();
        let confirmed = reg.status == status::CONFIRMED;
        let view = RegistrationMail {
            notice: match notice {
                Notice::Confirmed => MailNotice::Confirmed,
                Notice::Waitlisted => MailNotice::Waitlisted,
                Notice::Promoted => MailNotice::Promoted,
                Notice::Cancelled => MailNotice::Cancelled,
                Notice::SeminarCancelled => MailNotice::SeminarCancelled,
                Notice::Reminder => MailNotice::Reminder,
                Notice::ReminderToday => MailNotice::ReminderToday,
                Notice::Survey => MailNotice::Survey,
                Notice::AlreadyRegistered => MailNotice::AlreadyRegistered,
            },
            name: reg.name.clone(),
            title: seminar.title.clone(),
            when: crate::time::format_span(seminar.starts_at, seminar.ends_at, lang),
            place: crate::seminars::place_text(seminar, lang),
            mode: lang.t(reg.mode().label_key()).to_string(),
            link: token.map(|t| {
                let page = if notice == Notice::Survey {
                    "/survey"
                } else {
                    ""
                };
                format!("{}/registrations/{t}{page}", self.base_url)
            }),
            seminar_link: format!("{}/seminars/{}", self.base_url, seminar.id),
            join_url: (confirmed && notice != Notice::Survey && !seminar.online_url.is_empty())
                .then(|| seminar.online_url.clone()),
            position: waitlist_position(c, reg)?,
        };
        let body = views::seminars::mail::registration(lang, &view);
        let attachments = match notice {
            Notice::Cancelled | Notice::Survey => Vec::new(),
            _ => vec![Attachment {
                filename: format!("seminar-{}.ics", seminar.id),
                content_type: "text/calendar; charset=utf-8; method=PUBLISH".into(),
                content: feed::single(seminar, &self.base_url, lang).into_bytes(),
            }],
        };
        let dedupe_key = match notice {
            Notice::SeminarCancelled => Some(format!("seminar-cancelled:{}", reg.id)),
            Notice::Reminder | Notice::ReminderToday => Some(format!("{REMINDER_KEY}{}", reg.id)),
            Notice::Survey => Some(format!("{SURVEY_KEY}{}", reg.id)),
            _ => None,
        };
        let mail = OutgoingMail {
            to_name: Some(reg.name.clone()),
            attachments,
            dedupe_key,
            source: Some(format!("seminar:{}", seminar.id)),
            ..OutgoingMail::transactional(&reg.email, &body.subject, body.text, body.html)
        };
        self.mailer.enqueue(c, &mail)?;
        Ok(())
    }
}
