//! The mails of a registration (plain text and HTML, in the registrant's language).

use maud::html;

use crate::Lang;

/// Which mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailNotice {
    /// Registered with a seat.
    Confirmed,
    /// On the waitlist.
    Waitlisted,
    /// A seat became free.
    Promoted,
    /// The registration was cancelled.
    Cancelled,
    /// The seminar was called off.
    SeminarCancelled,
    /// Tomorrow's seminar.
    Reminder,
    /// Today's seminar.
    ReminderToday,
    /// The survey after the seminar.
    Survey,
    /// The time, place or join URL changed.
    Changed,
    /// A second registration with the same address: registered already, here is the link.
    AlreadyRegistered,
    /// Applied for a lottery (抽選): the draw decides, results at `results_at`.
    Applied,
    /// Drawn in the lottery: a seat.
    Won,
    /// Not drawn within the seats: on the waitlist in drawn order.
    DrawnWaitlisted,
    /// Not drawn (the lottery keeps no waitlist).
    NotDrawn,
}

/// One change the [`MailNotice::Changed`] mail lists (values already formatted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailChange {
    /// What changed (日時, 会場, オンライン参加URL).
    pub what: String,
    /// Before (empty: there was none).
    pub old: String,
    /// After (empty: there is none now).
    pub new: String,
}

/// What a registration mail says (values already formatted).
#[derive(Debug, Clone)]
pub struct RegistrationMail {
    /// Which mail.
    pub notice: MailNotice,
    /// The registrant's name.
    pub name: String,
    /// Seminar title.
    pub title: String,
    /// Date and time.
    pub when: String,
    /// Place.
    pub place: String,
    /// Mode label.
    pub mode: String,
    /// Personal link, when the mail carries one.
    pub link: Option<String>,
    /// The seminar's public page.
    pub seminar_link: String,
    /// Join URL (confirmed online registrants only).
    pub join_url: Option<String>,
    /// Waitlist position.
    pub position: Option<i64>,
    /// When the results of a lottery come (an application that awaits the draw).
    pub results_at: Option<String>,
    /// What changed, for [`MailNotice::Changed`] (empty otherwise).
    pub changes: Vec<MailChange>,
    /// The sessions of a series registration, one line each (date, title, place); empty for
    /// one seminar. The mail then names the series and every date instead of one.
    pub sessions: Vec<String>,
}

/// A rendered mail.
#[derive(Debug, Clone)]
pub struct MailBody {
    /// Subject.
    pub subject: String,
    /// Plain text.
    pub text: String,
    /// HTML.
    pub html: String,
}

/// Renders a registration mail.
pub fn registration(lang: Lang, m: &RegistrationMail) -> MailBody {
    let (subject_key, lead_key) = match m.notice {
        MailNotice::Confirmed => (
            "seminars.mail_subject_confirmed",
            "seminars.mail_lead_confirmed",
        ),
        MailNotice::Waitlisted => (
            "seminars.mail_subject_waitlisted",
            "seminars.mail_lead_waitlisted",
        ),
        MailNotice::Promoted => (
            "seminars.mail_subject_promoted",
            "seminars.mail_lead_promoted",
        ),
        MailNotice::Cancelled => (
            "seminars.mail_subject_cancelled",
            "seminars.mail_lead_cancelled",
        ),
        MailNotice::SeminarCancelled => (
            "seminars.mail_subject_seminar_cancelled",
            "seminars.mail_lead_seminar_cancelled",
        ),
        MailNotice::Reminder => (
            "seminars.mail_subject_reminder",
            "seminars.mail_lead_reminder",
        ),
        MailNotice::ReminderToday => (
            "seminars.mail_subject_reminder_today",
            "seminars.mail_lead_reminder",
        ),
        MailNotice::Survey => ("seminars.mail_subject_survey", "seminars.mail_lead_survey"),
        MailNotice::Changed => (
            "seminars.mail_subject_changed",
            "seminars.mail_lead_changed",
        ),
        MailNotice::AlreadyRegistered => (
            "registrations.mail_subject_already",
            "registrations.mail_lead_already",
        ),
        MailNotice::Applied => ("lottery.mail_subject_applied", "lottery.mail_lead_applied"),
        MailNotice::Won => ("lottery.mail_subject_won", "lottery.mail_lead_won"),
        MailNotice::DrawnWaitlisted => (
            "lottery.mail_subject_waitlisted",
            "lottery.mail_lead_waitlisted",
        ),
        MailNotice::NotDrawn => (
            "lottery.mail_subject_not_drawn",
            "lottery.mail_lead_not_drawn",
        ),
    };
    let link_key = if m.notice == MailNotice::Survey {
        "seminars.mail_survey_link"
    } else {
        "seminars.mail_link"
    };
    let subject = lang.tf(subject_key, &[("title", &m.title)]);
    let greeting = lang.tf("seminars.mail_greeting", &[("name", &m.name)]);
    let lead = lang.t(lead_key);
    let position = m
        .position
        .map(|p| lang.tf("seminars.mail_position", &[("position", &p.to_string())]));
    let mut rows: Vec<(&str, String)> = if m.sessions.is_empty() {
        vec![
            (lang.t("seminars.field_title"), m.title.clone()),
            (lang.t("seminars.when"), m.when.clone()),
            (lang.t("seminars.place"), m.place.clone()),
        ]
    } else {
        vec![
            (lang.t("series.field_series"), m.title.clone()),
            (
                lang.t("series.sessions_count"),
                lang.tf("series.n_sessions", &[("n", &m.sessions.len().to_string())]),
            ),
        ]
    };
    rows.push((lang.t("seminars.field_mode"), m.mode.clone()));
    if let Some(url) = &m.join_url {
        rows.push((lang.t("seminars.join_url"), url.clone()));
    }
    let none = lang.t("seminars.mail_none");
    let changes: Vec<String> = m
        .changes
        .iter()
        .map(|c| {
            let or_none = |v: &str| {
                if v.is_empty() {
                    none.to_string()
                } else {
                    v.to_string()
                }
            };
            lang.tf(
                "seminars.mail_change",
                &[
                    ("what", &c.what),
                    ("old", &or_none(&c.old)),
                    ("new", &or_none(&c.new)),
                ],
            )
        })
        .collect();
    let mut text = format!("{greeting}\n\n{lead}\n");
    if let Some(when) = &m.results_at {
        text.push_str(&format!(
            "{}\n",
            lang.tf("lottery.mail_results_at", &[("when", when)])
        ));
    }
    if let Some(p) = &position {
        text.push_str(&format!("{p}\n"));
    }
    if !changes.is_empty() {
        text.push_str(&format!("\n[{}]\n", lang.t("seminars.mail_changes_title")));
        for c in &changes {
            text.push_str(&format!("{c}\n"));
        }
        text.push_str(&format!("\n[{}]\n", lang.t("seminars.mail_now_title")));
    }
    text.push('\n');
    for (k, v) in &rows {
        text.push_str(&format!("{k}: {v}\n"));
    }
    if !m.sessions.is_empty() {
        text.push_str(&format!("\n[{}]\n", lang.t("series.mail_sessions")));
        for line in &m.sessions {
            text.push_str(&format!("{line}\n"));
        }
    }
    text.push_str(&format!("\n{}\n", m.seminar_link));
    if let Some(link) = &m.link {
        text.push_str(&format!("\n{}\n{link}\n", lang.t(link_key)));
    }
    text.push_str(&format!("\n-- \n{}\n", lang.t("site.org_full")));
    let html = html! {
        p { (greeting) }
        p { (lead) }
        @if let Some(when) = &m.results_at {
            p { strong { (lang.tf("lottery.mail_results_at", &[("when", when)])) } }
        }
        @if let Some(p) = &position { p { strong { (p) } } }
        @if !changes.is_empty() {
            p { strong { (lang.t("seminars.mail_changes_title")) } }
            ul { @for c in &changes { li { (c) } } }
            p { strong { (lang.t("seminars.mail_now_title")) } }
        }
        table {
            @for (k, v) in &rows { tr { th align="left" { (k) } td { (v) } } }
        }
        @if !m.sessions.is_empty() {
            p { strong { (lang.t("series.mail_sessions")) } }
            ol { @for line in &m.sessions { li { (line) } } }
        }
        p { a href=(m.seminar_link) { (m.seminar_link) } }
        @if let Some(link) = &m.link {
            p { (lang.t(link_key)) br; a href=(link) { (link) } }
        }
        p { "-- " br; (lang.t("site.org_full")) }
    }
    .into_string();
    MailBody {
        subject,
        text,
        html,
    }
}

/// A message from staff to the registrants of a seminar.
pub fn staff_message(lang: Lang, name: &str, title: &str, subject: &str, body: &str) -> MailBody {
    let greeting = lang.tf("seminars.mail_greeting", &[("name", name)]);
    let subject = lang.tf(
        "seminars.message_mail_subject",
        &[("title", title), ("subject", subject)],
    );
    let text = format!("{greeting}\n\n{body}\n\n-- \n{}\n", lang.t("site.org_full"));
    let html = html! {
        p { (greeting) }
        @for para in body.split("\n\n") {
            p { @for (i, line) in para.lines().enumerate() { @if i > 0 { br; } (line) } }
        }
        p { "-- " br; (lang.t("site.org_full")) }
    }
    .into_string();
    MailBody {
        subject,
        text,
        html,
    }
}
