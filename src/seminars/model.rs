//! The seminar record and its small enums.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::schema::seminars;

/// How a seminar is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Online only.
    Online,
    /// At a venue only.
    Onsite,
    /// Both.
    Hybrid,
}

impl Format {
    /// Every value as stored.
    pub const ALL: [&'static str; 3] = ["online", "onsite", "hybrid"];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Online => "online",
            Format::Onsite => "onsite",
            Format::Hybrid => "hybrid",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "online" => Some(Format::Online),
            "onsite" => Some(Format::Onsite),
            "hybrid" => Some(Format::Hybrid),
            _ => None,
        }
    }

    /// The modes of attendance this format offers.
    pub fn modes(self) -> &'static [Mode] {
        match self {
            Format::Online => &[Mode::Online],
            Format::Onsite => &[Mode::Onsite],
            Format::Hybrid => &[Mode::Onsite, Mode::Online],
        }
    }
}

/// How a registrant attends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// At the venue.
    Onsite,
    /// Online.
    Online,
}

impl Mode {
    /// Every value as stored.
    pub const ALL: [&'static str; 2] = ["onsite", "online"];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Onsite => "onsite",
            Mode::Online => "online",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "onsite" => Some(Mode::Onsite),
            "online" => Some(Mode::Online),
            _ => None,
        }
    }

    /// The catalog key of its label.
    pub fn label_key(self) -> &'static str {
        match self {
            Mode::Onsite => "seminars.mode_onsite",
            Mode::Online => "seminars.mode_online",
        }
    }
}

/// Days after a seminar's end during which staff may still record attendance.
pub const CHECK_IN_DAYS_AFTER: i64 = 7;
/// How a seminar gives out its seats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Allocation {
    /// In order of arrival (the default).
    #[default]
    FirstCome,
    /// A lottery (抽選) at the draw time: until then every application is equal.
    Lottery,
}

impl Allocation {
    /// Every value as stored.
    pub const ALL: [&'static str; 2] = ["first_come", "lottery"];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Allocation::FirstCome => "first_come",
            Allocation::Lottery => "lottery",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "first_come" => Some(Allocation::FirstCome),
            "lottery" => Some(Allocation::Lottery),
            _ => None,
        }
    }

    /// The catalog key of its label.
    pub fn label_key(self) -> &'static str {
        match self {
            Allocation::FirstCome => "lottery.first_come",
            Allocation::Lottery => "lottery.lottery",
        }
    }
}

crate::api_enum! {
    /// Published state of a seminar.
    pub enum SeminarStatus {
        /// Not visible to the public.
        Draft = "draft",
        /// Listed and open for registration until the deadline.
        Published = "published",
        /// Called off; registrants were told.
        Cancelled = "cancelled",
    }
}

crate::api_enum! {
    /// The states of a registration as seminars count seats: a seminar's seats are its
    /// confirmed registrations, its waitlist the waitlisted ones. Registrations store these
    /// (`crate::registrations::model::RegistrationStatus` is this type); seminars only count them.
    pub enum RegistrationStatus {
        /// Applied for a lottery that has not been drawn: equal to every other application.
        Applied = "applied",
        /// Has a seat.
        Confirmed = "confirmed",
        /// Waiting for a seat of its mode.
        Waitlisted = "waitlisted",
        /// Not drawn in a lottery that keeps no waitlist (told so).
        NotDrawn = "not_drawn",
        /// Cancelled by the person, by staff, or with the seminar.
        Cancelled = "cancelled",
    }
}

/// The kind of an extra question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum QuestionKind {
    /// One line.
    Short,
    /// Several lines.
    Long,
    /// One of the options.
    Single,
    /// Any of the options.
    Multiple,
}

/// An extra question of a seminar's registration form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Question {
    /// The question as shown.
    pub label: String,
    /// Its kind.
    pub kind: QuestionKind,
    /// Whether an answer is required.
    #[serde(default)]
    pub required: bool,
    /// The options of a choice question.
    #[serde(default)]
    pub options: Vec<String>,
}

/// A seminar as stored.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = seminars)]
pub struct Seminar {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// One-paragraph summary for lists.
    pub summary: String,
    /// Body in Markdown.
    pub body_md: String,
    /// Industry code.
    pub industry: String,
    /// Prefecture JIS code.
    pub prefecture: i32,
    /// `online`, `onsite` or `hybrid`.
    pub format: String,
    /// Venue name.
    pub venue: String,
    /// Venue address.
    pub address: String,
    /// Join URL, shown only to confirmed registrants.
    pub online_url: String,
    /// Start (UTC).
    pub starts_at: NaiveDateTime,
    /// End (UTC).
    pub ends_at: NaiveDateTime,
    /// Registration opens (UTC); at once when unset.
    pub registration_opens_at: Option<NaiveDateTime>,
    /// Registration deadline (UTC).
    pub registration_closes_at: NaiveDateTime,
    /// Seats at the venue.
    pub capacity_onsite: i32,
    /// Seats online.
    pub capacity_online: i32,
    /// Hosts (主催), JSON list.
    pub hosts: String,
    /// Co-hosts (共催), JSON list.
    pub cohosts: String,
    /// Speakers, JSON list.
    pub speakers: String,
    /// Fee text (無料).
    pub fee: String,
    /// Draft, published or cancelled.
    pub status: SeminarStatus,
    /// iCalendar SEQUENCE.
    pub sequence: i32,
    /// Extra questions, JSON.
    pub questions: String,
    /// Code online attendees enter to check in.
    pub attendance_code: String,
    /// Created (UTC).
    pub created_at: NaiveDateTime,
    /// Last changed (UTC).
    pub updated_at: NaiveDateTime,
    /// Reminder time, `HH:MM` in Tokyo on the day before; `None`: no reminder.
    pub reminder_time: Option<String>,
    /// `first_come` or `lottery` ([`Allocation`]).
    pub allocation: String,
    /// When a lottery is drawn (UTC); `None`: at the registration deadline.
    pub draw_at: Option<NaiveDateTime>,
    /// Whether those not drawn wait in drawn order (else they are told they were not drawn).
    pub lottery_waitlist: bool,
    /// When the lottery was drawn (set once, by the draw).
    pub drawn_at: Option<NaiveDateTime>,
    /// The most participants one entry may register (1: one person per entry, no groups).
    pub group_limit: i32,
    /// The series (連続講座) this seminar is a session of.
    pub series_id: Option<i64>,
}

/// The reminder time of a new seminar: 10:00 in Tokyo on the day before.
pub const DEFAULT_REMINDER_TIME: &str = "10:00";

/// Reads a reminder time, `HH:MM` (24 hours; `9:00` is read as `09:00`).
pub fn parse_reminder_time(value: &str) -> Option<chrono::NaiveTime> {
    let value = value.trim();
    if value.len() > 5 {
        return None;
    }
    chrono::NaiveTime::parse_from_str(value, "%H:%M").ok()
}

/// When the reminder of a seminar starting at `starts_at` (UTC) goes out: `time` (`HH:MM`,
/// Tokyo) on the day before, in UTC. `None` when the time is unreadable.
pub fn reminder_instant(starts_at: NaiveDateTime, time: &str) -> Option<NaiveDateTime> {
    use chrono::TimeZone;
    let day_before = crate::time::to_jst(starts_at).date_naive().pred_opt()?;
    crate::time::jst()
        .from_local_datetime(&day_before.and_time(parse_reminder_time(time)?))
        .single()
        .map(|t| t.naive_utc())
}

/// Parses a stored JSON list of names (empty on anything unreadable).
pub fn name_list(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

impl Seminar {
    /// The format (online when the stored value is unknown, which the CHECK forbids).
    pub fn format(&self) -> Format {
        Format::parse(&self.format).unwrap_or(Format::Online)
    }

    /// Seats of a mode (0 when the format does not offer it).
    pub fn capacity(&self, mode: Mode) -> i32 {
        if !self.format().modes().contains(&mode) {
            return 0;
        }
        match mode {
            Mode::Onsite => self.capacity_onsite,
            Mode::Online => self.capacity_online,
        }
    }

    /// The extra questions.
    pub fn questions(&self) -> Vec<Question> {
        serde_json::from_str(&self.questions).unwrap_or_default()
    }

    /// Whether people may register at `now`.
    pub fn is_open(&self, now: NaiveDateTime) -> bool {
        self.status == SeminarStatus::Published
            && now < self.registration_closes_at
            && now < self.starts_at
            && self.registration_opens_at.is_none_or(|o| now >= o)
    }

    /// Whether a freed seat may still go to the waitlist at `now`.
    /// A drawn lottery's waitlist moves up until the start, since its draw is usually at the
    /// deadline itself.
    pub fn may_promote(&self, now: NaiveDateTime) -> bool {
        let until = if self.allocation() == Allocation::Lottery && self.drawn_at.is_some() {
            self.starts_at
        } else {
            self.registration_closes_at
        };
        self.status == SeminarStatus::Published && now < until && now < self.starts_at
    }

    /// When the reminder goes out (UTC); `None` when the seminar has no reminder.
    pub fn reminder_at(&self) -> Option<NaiveDateTime> {
        reminder_instant(self.starts_at, self.reminder_time.as_deref()?)
    }

    /// The span in which staff may record attendance: from 00:00 (Tokyo) of the seminar's day
    /// until [`CHECK_IN_DAYS_AFTER`] days after its end (late entries from the paper list).
    pub fn check_in_span(&self) -> (NaiveDateTime, NaiveDateTime) {
        (
            crate::time::start_of_day(self.starts_at),
            self.ends_at + chrono::Duration::days(CHECK_IN_DAYS_AFTER),
        )
    }

    /// Whether staff may record attendance at `now` (see [`Seminar::check_in_span`]); never for
    /// a seminar that was called off.
    pub fn check_in_open(&self, now: NaiveDateTime) -> bool {
        let (from, until) = self.check_in_span();
        self.status != SeminarStatus::Cancelled && from <= now && now <= until
    }

    /// How the seminar gives out its seats.
    pub fn allocation(&self) -> Allocation {
        Allocation::parse(&self.allocation).unwrap_or_default()
    }

    /// Whether the seminar is a lottery that has not been drawn yet: every application made
    /// now is `applied`, equal to every other.
    pub fn awaits_draw(&self) -> bool {
        self.allocation() == Allocation::Lottery && self.drawn_at.is_none()
    }

    /// When the lottery is drawn: the draw time, or else the registration deadline.
    pub fn draw_time(&self) -> NaiveDateTime {
        self.draw_at.unwrap_or(self.registration_closes_at)
    }

    /// The most participants one entry may register, at least 1.
    pub fn group_limit(&self) -> usize {
        usize::try_from(self.group_limit.max(1)).unwrap_or(1)
    }

    /// Whether the online attendance code is accepted at `now` (2 h before start to the end).
    pub fn attendance_window(&self, now: NaiveDateTime) -> bool {
        now >= self.starts_at - chrono::Duration::hours(2) && now <= self.ends_at
    }
}

/// The validated values of a seminar, for insert and update.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = seminars, treat_none_as_null = true)]
pub struct SeminarData {
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Markdown body.
    pub body_md: String,
    /// Industry code.
    pub industry: String,
    /// Prefecture code.
    pub prefecture: i32,
    /// Format.
    pub format: String,
    /// Venue.
    pub venue: String,
    /// Address.
    pub address: String,
    /// Join URL.
    pub online_url: String,
    /// Start (UTC).
    pub starts_at: NaiveDateTime,
    /// End (UTC).
    pub ends_at: NaiveDateTime,
    /// Opening of registration (UTC).
    pub registration_opens_at: Option<NaiveDateTime>,
    /// Deadline (UTC).
    pub registration_closes_at: NaiveDateTime,
    /// Seats at the venue.
    pub capacity_onsite: i32,
    /// Seats online.
    pub capacity_online: i32,
    /// Hosts, JSON list.
    pub hosts: String,
    /// Co-hosts, JSON list.
    pub cohosts: String,
    /// Speakers, JSON list.
    pub speakers: String,
    /// Fee text.
    pub fee: String,
    /// Extra questions, JSON.
    pub questions: String,
    /// Reminder time, `HH:MM` in Tokyo on the day before; `None`: no reminder.
    pub reminder_time: Option<String>,
    /// `first_come` or `lottery`.
    pub allocation: String,
    /// The draw time of a lottery (UTC); `None`: the deadline.
    pub draw_at: Option<NaiveDateTime>,
    /// Whether those not drawn are waitlisted in drawn order.
    pub lottery_waitlist: bool,
    /// The most participants of one group entry (1: no groups).
    pub group_limit: i32,
}

impl SeminarData {
    /// The values of a stored seminar (to edit or duplicate it).
    pub fn of(s: &Seminar) -> Self {
        Self {
            title: s.title.clone(),
            summary: s.summary.clone(),
            body_md: s.body_md.clone(),
            industry: s.industry.clone(),
            prefecture: s.prefecture,
            format: s.format.clone(),
            venue: s.venue.clone(),
            address: s.address.clone(),
            online_url: s.online_url.clone(),
            starts_at: s.starts_at,
            ends_at: s.ends_at,
            registration_opens_at: s.registration_opens_at,
            registration_closes_at: s.registration_closes_at,
            capacity_onsite: s.capacity_onsite,
            capacity_online: s.capacity_online,
            hosts: s.hosts.clone(),
            cohosts: s.cohosts.clone(),
            speakers: s.speakers.clone(),
            fee: s.fee.clone(),
            questions: s.questions.clone(),
            reminder_time: s.reminder_time.clone(),
            allocation: s.allocation.clone(),
            draw_at: s.draw_at,
            lottery_waitlist: s.lottery_waitlist,
            group_limit: s.group_limit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reminder_goes_out_on_the_day_before_in_tokyo() {
        // 2026-12-10 09:30 JST = 00:30 UTC; the day before at 10:00 JST = 2026-12-09 01:00 UTC.
        let start = crate::time::parse_local_input("2026-12-10T09:30").unwrap();
        assert_eq!(
            reminder_instant(start, "10:00").unwrap().to_string(),
            "2026-12-09 01:00:00"
        );
        // 2026-12-10 08:00 JST is 2026-12-09 23:00 UTC: the Tokyo date counts.
        let early = crate::time::parse_local_input("2026-12-10T08:00").unwrap();
        assert_eq!(
            reminder_instant(early, "23:30").unwrap().to_string(),
            "2026-12-09 14:30:00"
        );
        assert_eq!(
            parse_reminder_time("9:05")
                .unwrap()
                .format("%H:%M")
                .to_string(),
            "09:05"
        );
        for bad in ["24:00", "10:60", "10", "10:00:00", "ten", "", "-1:00"] {
            assert!(parse_reminder_time(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn formats_offer_modes() {
        assert_eq!(Format::Hybrid.modes().len(), 2);
        assert_eq!(Format::Online.modes(), &[Mode::Online]);
    }
}
