//! The mails of a registration: built by the `views` crate in the person's language, queued in
//! the transaction of the change that causes them. Those of a confirmed registrant carry the
//! seminar as an iTIP calendar message (see [`crate::seminars::ical`]): a `REQUEST` that adds
//! or updates the entry, or a `CANCEL` that removes it.

use diesel::QueryResult;
use views::seminars::mail::{MailChange, MailNotice, RegistrationMail};

use super::model::{Registration, RegistrationStatus};
use super::queries::waitlist_position;
use crate::db::DbConn;
use crate::mail::{Attachment, Mailer, OutgoingMail};
use crate::seminars::feed;
use crate::seminars::ical::{self, Method, Party};
use crate::seminars::model::Seminar;
use crate::seminars::series::model::Series;

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
    /// The time, place or join URL changed (see [`Notifier::send_changed`]).
    Changed,
    /// The address registered again: it is registered already (with a fresh personal link).
    AlreadyRegistered,
    /// Applied for a lottery: the draw decides, at the draw time the mail gives.
    Applied,
    /// Drawn in the lottery: a seat (with the calendar entry).
    Won,
    /// Not drawn within the seats: waiting in drawn order.
    DrawnWaitlisted,
    /// Not drawn, and the lottery keeps no waitlist.
    NotDrawn,
}

impl Notice {
    /// The calendar message the mail carries to a registrant whose status is `status` (the
    /// status before the change for a cancellation): only a confirmed seat is in a calendar.
    fn calendar(self, status: RegistrationStatus) -> Option<Method> {
        let had_seat = status == RegistrationStatus::Confirmed;
        match self {
            Notice::Confirmed
            | Notice::Promoted
            | Notice::Reminder
            | Notice::ReminderToday
            | Notice::Changed
            | Notice::Won => Some(Method::Request),
            Notice::Cancelled | Notice::SeminarCancelled => had_seat.then_some(Method::Cancel),
            // A repeated registration carries the entry again only when it holds a seat.
            Notice::AlreadyRegistered => had_seat.then_some(Method::Request),
            Notice::Waitlisted
            | Notice::Survey
            | Notice::Applied
            | Notice::DrawnWaitlisted
            | Notice::NotDrawn => None,
        }
    }
}

/// The dedupe key of a registration's reminder is this prefix and its id: one reminder each.
pub const REMINDER_KEY: &str = "seminar-reminder:";
/// The dedupe key of a registration's lottery result is this prefix and its id.
pub const DRAW_KEY: &str = "lottery-result:";
/// The dedupe key of a registration's survey mail is this prefix and its id.
pub const SURVEY_KEY: &str = "seminar-survey:";

/// What one mail says beyond the seminar and the registrant.
struct Letter<'a> {
    notice: Notice,
    /// The personal link's token, when the mail carries the link.
    token: Option<&'a str>,
    /// What changed ([`Notice::Changed`]).
    changes: Vec<MailChange>,
    /// The calendar message attached.
    calendar: Option<Method>,
}

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
        let letter = Letter {
            notice,
            token,
            changes: Vec::new(),
            calendar: notice.calendar(reg.status),
        };
        self.queue(c, seminar, reg, letter)
    }

    /// Queues the mail of a cancelled registration; `had_seat` (it was confirmed) adds the
    /// `METHOD:CANCEL` that removes the entry from the person's calendar.
    pub fn send_cancelled(
        &self,
        c: &mut DbConn,
        seminar: &Seminar,
        reg: &Registration,
        had_seat: bool,
    ) -> QueryResult<()> {
        let letter = Letter {
            notice: Notice::Cancelled,
            token: None,
            changes: Vec::new(),
            calendar: had_seat.then_some(Method::Cancel),
        };
        self.queue(c, seminar, reg, letter)
    }

    /// Queues the mail that tells a confirmed registrant what changed between `before` and
    /// `seminar` (old → new, in their language), with the updated calendar entry. Nothing when
    /// nothing they hold in a calendar changed.
    pub fn send_changed(
        &self,
        c: &mut DbConn,
        before: &Seminar,
        seminar: &Seminar,
        reg: &Registration,
    ) -> QueryResult<bool> {
        let changes = changes(before, seminar, reg.lang());
        if changes.is_empty() {
            return Ok(false);
        }
        let letter = Letter {
            notice: Notice::Changed,
            token: None,
            changes,
            calendar: Notice::Changed.calendar(reg.status),
        };
        self.queue(c, seminar, reg, letter)?;
        Ok(true)
    }

    fn queue(
        &self,
        c: &mut DbConn,
        seminar: &Seminar,
        reg: &Registration,
        letter: Letter,
    ) -> QueryResult<()> {
        let Letter {
            notice,
            token,
            changes,
            calendar,
        } = letter;
        let lang = reg.lang();
        let confirmed = reg.status == RegistrationStatus::Confirmed;
        let view = RegistrationMail {
            notice: mail_notice(notice),
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
            results_at: (reg.status == RegistrationStatus::Applied)
                .then(|| crate::time::format_datetime(seminar.draw_time(), lang)),
            changes,
            sessions: Vec::new(),
        };
        let body = views::seminars::mail::registration(lang, &view);
        let attachments = calendar
            .map(|method| self.calendar_attachment(seminar, reg, method))
            .into_iter()
            .collect();
        let dedupe_key = match notice {
            Notice::SeminarCancelled => Some(format!("seminar-cancelled:{}", reg.id)),
            // One update per registrant and version of the seminar.
            Notice::Changed => Some(format!("seminar-changed:{}:{}", reg.id, seminar.sequence)),
            Notice::Reminder | Notice::ReminderToday => Some(format!("{REMINDER_KEY}{}", reg.id)),
            Notice::Survey => Some(format!("{SURVEY_KEY}{}", reg.id)),
            // One result per registrant and draw, however many processes try.
            Notice::Won | Notice::DrawnWaitlisted | Notice::NotDrawn => {
                Some(format!("{DRAW_KEY}{}", reg.id))
            }
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

    /// Queues the one mail of a series entry (`reg`: the registration of its first session):
    /// the series' title, every session's date, title and place, the personal link, and for a
    /// confirmed entry every session in the calendar file. Call with the sessions as they are
    /// held.
    pub fn send_series(
        &self,
        c: &mut DbConn,
        series: &Series,
        sessions: &[Seminar],
        reg: &Registration,
        token: Option<&str>,
        notice: Notice,
    ) -> QueryResult<()> {
        let calendar = notice.calendar(reg.status);
        self.queue_series(c, series, sessions, reg, token, notice, calendar)
    }

    /// Queues the mail of a cancelled series entry; `had_seat` adds the `METHOD:CANCEL` that
    /// removes every session from the person's calendar.
    pub fn send_series_cancelled(
        &self,
        c: &mut DbConn,
        series: &Series,
        sessions: &[Seminar],
        reg: &Registration,
        had_seat: bool,
    ) -> QueryResult<()> {
        let calendar = had_seat.then_some(Method::Cancel);
        self.queue_series(c, series, sessions, reg, None, Notice::Cancelled, calendar)
    }

    #[allow(clippy::too_many_arguments)]
    fn queue_series(
        &self,
        c: &mut DbConn,
        series: &Series,
        sessions: &[Seminar],
        reg: &Registration,
        token: Option<&str>,
        notice: Notice,
        calendar: Option<Method>,
    ) -> QueryResult<()> {
        let lang = reg.lang();
        let confirmed = reg.status == RegistrationStatus::Confirmed;
        let lines = sessions
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut line = lang.tf(
                    "series.session_line",
                    &[
                        ("n", &(i + 1).to_string()),
                        (
                            "when",
                            &crate::time::format_span(s.starts_at, s.ends_at, lang),
                        ),
                        ("title", &s.title),
                        ("place", &crate::seminars::place_text(s, lang)),
                    ],
                );
                if confirmed
                    && reg.mode() == crate::seminars::model::Mode::Online
                    && !s.online_url.is_empty()
                {
                    line.push_str(&format!(
                        " {}: {}",
                        lang.t("seminars.join_url"),
                        s.online_url
                    ));
                }
                line
            })
            .collect();
        let first = sessions.first();
        let view = RegistrationMail {
            notice: mail_notice(notice),
            name: reg.name.clone(),
            title: series.title_in(lang).to_string(),
            when: first
                .map(|s| crate::time::format_span(s.starts_at, s.ends_at, lang))
                .unwrap_or_default(),
            place: first
                .map(|s| crate::seminars::place_text(s, lang))
                .unwrap_or_default(),
            mode: lang.t(reg.mode().label_key()).to_string(),
            link: token.map(|t| format!("{}/registrations/{t}", self.base_url)),
            seminar_link: format!("{}/series/{}", self.base_url, series.id),
            join_url: None,
            position: waitlist_position(c, reg)?,
            results_at: None,
            changes: Vec::new(),
            sessions: lines,
        };
        let body = views::seminars::mail::registration(lang, &view);
        let attachments = calendar
            .map(|method| self.series_attachment(series, sessions, reg, method))
            .into_iter()
            .collect();
        let mail = OutgoingMail {
            to_name: Some(reg.name.clone()),
            attachments,
            dedupe_key: None,
            source: Some(format!("series:{}", series.id)),
            ..OutgoingMail::transactional(&reg.email, &body.subject, body.text, body.html)
        };
        self.mailer.enqueue(c, &mail)?;
        Ok(())
    }

    /// Every session of a series as one iTIP message for this registrant.
    fn series_attachment(
        &self,
        series: &Series,
        sessions: &[Seminar],
        reg: &Registration,
        method: Method,
    ) -> Attachment {
        let now = crate::time::now_utc();
        let events: Vec<ical::Event> = sessions
            .iter()
            .map(|s| ical::Event {
                stamp: now,
                ..feed::event(s, &self.base_url, reg.lang())
            })
            .collect();
        let organizer = Party {
            name: self.mailer.from.name.clone(),
            address: self.mailer.from.address.clone(),
        };
        let attendee = Party {
            name: Some(reg.name.clone()),
            address: reg.email.clone(),
        };
        let name = series.title_in(reg.lang()).to_string();
        Attachment {
            filename: format!("series-{}.ics", series.id),
            content_type: format!("text/calendar; charset=utf-8; method={}", method.as_str()),
            content: ical::invitations(method, &name, &events, &organizer, &attendee).into_bytes(),
        }
    }

    /// The seminar as an iTIP message for this registrant, organized by the sender of the mail.
    fn calendar_attachment(
        &self,
        seminar: &Seminar,
        reg: &Registration,
        method: Method,
    ) -> Attachment {
        let mut event = feed::event(seminar, &self.base_url, reg.lang());
        event.stamp = crate::time::now_utc();
        let organizer = Party {
            name: self.mailer.from.name.clone(),
            address: self.mailer.from.address.clone(),
        };
        let attendee = Party {
            name: Some(reg.name.clone()),
            address: reg.email.clone(),
        };
        Attachment {
            filename: format!("seminar-{}.ics", seminar.id),
            content_type: format!("text/calendar; charset=utf-8; method={}", method.as_str()),
            content: ical::invitation(method, &event, &organizer, &attendee).into_bytes(),
        }
    }
}

/// The view's name of a mail.
fn mail_notice(notice: Notice) -> MailNotice {
    match notice {
        Notice::Confirmed => MailNotice::Confirmed,
        Notice::Waitlisted => MailNotice::Waitlisted,
        Notice::Promoted => MailNotice::Promoted,
        Notice::Cancelled => MailNotice::Cancelled,
        Notice::SeminarCancelled => MailNotice::SeminarCancelled,
        Notice::Reminder => MailNotice::Reminder,
        Notice::ReminderToday => MailNotice::ReminderToday,
        Notice::Survey => MailNotice::Survey,
        Notice::Changed => MailNotice::Changed,
        Notice::AlreadyRegistered => MailNotice::AlreadyRegistered,
        Notice::Applied => MailNotice::Applied,
        Notice::Won => MailNotice::Won,
        Notice::DrawnWaitlisted => MailNotice::DrawnWaitlisted,
        Notice::NotDrawn => MailNotice::NotDrawn,
    }
}

/// What changed between two versions of a seminar that a registrant holds in a calendar: the
/// time, the place (venue, address, format) and the join URL, formatted in `lang`.
pub fn changes(before: &Seminar, after: &Seminar, lang: views::Lang) -> Vec<MailChange> {
    let mut out = Vec::new();
    let mut compare = |what: &'static str, old: String, new: String| {
        if old != new {
            out.push(MailChange {
                what: lang.t(what).to_string(),
                old,
                new,
            });
        }
    };
    compare(
        "seminars.when",
        crate::time::format_span(before.starts_at, before.ends_at, lang),
        crate::time::format_span(after.starts_at, after.ends_at, lang),
    );
    compare(
        "seminars.place",
        crate::seminars::place_text(before, lang),
        crate::seminars::place_text(after, lang),
    );
    compare(
        "seminars.join_url",
        before.online_url.clone(),
        after.online_url.clone(),
    );
    out
}
