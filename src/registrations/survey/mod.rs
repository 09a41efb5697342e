//! The survey (アンケート) after a seminar.
//!
//! From one hour after a published seminar ends, and for 14 days, the follow-up worker
//! ([`due_surveys`]) sends every attendee who checked in one survey mail, in their language,
//! with a personal link `/registrations/{token}/survey`. The link carries the registration's
//! personal-link token: like a promotion mail, the survey mail mints a fresh token and stores
//! its hash (only hashes are stored, so an older link of the same registration stops working).
//! A row of `seminar_surveys` marks the registration as sent, in the same transaction as the
//! mail, so each attendee gets exactly one.
//!
//! Four questions: overall satisfaction and usefulness for the company's security measures
//! (1–5, required), topics wanted next and comments (free text, optional). A survey is answered
//! once (a second answer is refused with 409 and changes nothing), up to 30 days after the
//! seminar. Staff see the counts, averages, distributions and the free texts (without names)
//! on the seminar's staff page, and download the answers as CSV (audited).
//!
//! `queries` sends and stores, `forms` checks an answer, `handlers` serve the registrant's page
//! and the staff downloads, `results` sums the answers up for staff.

mod forms;
pub(crate) mod handlers;
mod queries;
mod results;

pub use forms::SurveyForm;
pub use handlers::{answer, api, csv, page};
pub use queries::{due_surveys, find, list_for_seminar, store_answer};
pub use results::{api_json, summary};

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use views::Lang;
use views::seminars::survey::SurveyState;

use crate::schema::seminar_surveys as sv;
use crate::seminars::model::Seminar;

/// The survey mail goes out this long after the seminar's end ...
const SEND_FROM: Duration = Duration::hours(1);
/// ... and no later than this after it.
const SEND_UNTIL: Duration = Duration::days(14);
/// Answers are taken until this long after the seminar's end.
pub const ANSWER_UNTIL: Duration = Duration::days(30);
/// Longest answer about the topics wanted next (characters).
pub const TOPICS_MAX: usize = 1000;
/// Longest comment (characters).
pub const COMMENTS_MAX: usize = 2000;
/// The scores of the two scale questions.
pub const SCORES: std::ops::RangeInclusive<i32> = 1..=5;

/// A sent survey and its answers, as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sv)]
pub struct Survey {
    /// Id.
    pub id: i64,
    /// The registration it was sent for.
    pub registration_id: i64,
    /// The seminar.
    pub seminar_id: i64,
    /// When the mail was queued (UTC).
    pub sent_at: NaiveDateTime,
    /// When answered (UTC).
    pub answered_at: Option<NaiveDateTime>,
    /// Overall satisfaction, 1–5.
    pub satisfaction: Option<i32>,
    /// Usefulness for the company's security measures, 1–5.
    pub usefulness: Option<i32>,
    /// Topics wanted next.
    pub topics: String,
    /// Comments.
    pub comments: String,
}

/// A checked answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// Overall satisfaction, 1–5.
    pub satisfaction: i32,
    /// Usefulness, 1–5.
    pub usefulness: i32,
    /// Topics wanted next (may be empty).
    pub topics: String,
    /// Comments (may be empty).
    pub comments: String,
}

/// Where a registrant stands with the survey at `now`.
pub fn state_of(seminar: &Seminar, survey: Option<&Survey>, now: NaiveDateTime) -> SurveyState {
    match survey {
        None => SurveyState::NotSent,
        Some(v) if v.answered_at.is_some() => SurveyState::Answered,
        Some(_) if now > seminar.ends_at + ANSWER_UNTIL => SurveyState::Closed,
        Some(_) => SurveyState::Open,
    }
}

/// The options of a scale question: 5 (best) to 1, each with its label.
fn scale(lang: Lang, keys: [&'static str; 5]) -> Vec<(String, String)> {
    SCORES
        .rev()
        .zip(keys.iter().rev())
        .map(|(n, key)| (n.to_string(), format!("{n} {}", lang.t(key))))
        .collect()
}

const SATISFACTION_KEYS: [&str; 5] = [
    "seminars.survey_sat_1",
    "seminars.survey_sat_2",
    "seminars.survey_sat_3",
    "seminars.survey_sat_4",
    "seminars.survey_sat_5",
];
const USEFULNESS_KEYS: [&str; 5] = [
    "seminars.survey_use_1",
    "seminars.survey_use_2",
    "seminars.survey_use_3",
    "seminars.survey_use_4",
    "seminars.survey_use_5",
];
