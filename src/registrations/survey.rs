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

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, web};
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;
use views::Lang;
use views::forms::FormErrors;
use views::seminars::staff::SurveySummary;
use views::seminars::survey::{SurveyPage, SurveyState};

use super::mail::{Notice, Notifier};
use super::model::{Registration, status};
use super::queries::{self, TOKEN_PURPOSE};
use crate::accounts::{StaffUser, audit};
use crate::db::DbConn;
use crate::error::AppError;
use crate::schema::{registrations as r, seminar_surveys as sv, seminars as s};
use crate::seminars::model::{Seminar, status as seminar_status};
use crate::seminars::queries as seminar_queries;
use crate::tokens;
use crate::validate::{self, Invalid};
use crate::web::AppState;
use crate::web::ctx::{Page, html_status};

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

/// The survey form as submitted (strings, so it can be shown again).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SurveyForm {
    /// 1–5.
    pub satisfaction: String,
    /// 1–5.
    pub usefulness: String,
    /// Free text.
    pub topics: String,
    /// Free text.
    pub comments: String,
    /// CSRF token (checked by the middleware).
    pub csrf_token: String,
}

fn score(value: &str) -> Result<i32, Invalid> {
    match value.trim() {
        "" => Err(Invalid {
            key: "form.required_field",
            args: Vec::new(),
        }),
        v => v
            .parse::<i32>()
            .ok()
            .filter(|n| SCORES.contains(n))
            .ok_or_else(validate::invalid_choice),
    }
}

impl SurveyForm {
    /// Checks every field; the errors are in `lang`.
    pub fn validate(&self, lang: Lang) -> Result<Answer, FormErrors> {
        let mut errors = FormErrors::new();
        let mut check = |field: &str, r: Result<(), Invalid>| {
            if let Err(e) = r {
                errors.add(field, e.message(lang));
            }
        };
        let satisfaction = score(&self.satisfaction);
        check("satisfaction", satisfaction.clone().map(drop));
        let usefulness = score(&self.usefulness);
        check("usefulness", usefulness.clone().map(drop));
        let topics = validate::text(&self.topics, false, TOPICS_MAX);
        check("topics", topics.clone().map(drop));
        let comments = validate::text(&self.comments, false, COMMENTS_MAX);
        check("comments", comments.clone().map(drop));
        match (satisfaction, usefulness, topics, comments) {
            (Ok(satisfaction), Ok(usefulness), Ok(topics), Ok(comments)) => Ok(Answer {
                satisfaction,
                usefulness,
                topics,
                comments,
            }),
            _ => Err(errors),
        }
    }
}

/// Queues the survey mails that are due at `now`: one per checked-in registration of every
/// published seminar that ended between 14 days and one hour ago. Returns how many were queued.
pub fn due_surveys(
    conn: &mut DbConn,
    notifier: &Notifier,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let seminars: Vec<Seminar> = s::table
        .filter(s::status.eq(seminar_status::PUBLISHED))
        .filter(s::ends_at.le(now - SEND_FROM))
        .filter(s::ends_at.ge(now - SEND_UNTIL))
        .select(Seminar::as_select())
        .load(conn)?;
    let mut n = 0;
    for seminar in &seminars {
        let regs: Vec<Registration> = r::table
            .filter(r::seminar_id.eq(seminar.id))
            .filter(r::status.eq(status::CONFIRMED))
            .filter(r::checked_in_at.is_not_null())
            .filter(super::reminders::not_erased())
            .filter(diesel::dsl::not(diesel::dsl::exists(
                sv::table.filter(sv::registration_id.eq(r::id)),
            )))
            .select(Registration::as_select())
            .load(conn)?;
        for reg in &regs {
            if conn.write_transaction(|c| send_one(c, notifier, seminar, reg, now))? {
                n += 1;
            }
        }
    }
    Ok(n)
}

/// Marks one registration as sent and queues its mail with a fresh personal link; false when
/// another worker was first (the row exists already: nothing else is written).
fn send_one(
    c: &mut DbConn,
    notifier: &Notifier,
    seminar: &Seminar,
    reg: &Registration,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let row = (
        sv::registration_id.eq(reg.id),
        sv::seminar_id.eq(seminar.id),
        sv::sent_at.eq(now),
    );
    let inserted = crate::per_backend!(c, |c| diesel::insert_into(sv::table)
        .values(row)
        .on_conflict_do_nothing()
        .execute(c))?;
    if inserted == 0 {
        return Ok(false);
    }
    let token = tokens::new_token();
    diesel::update(r::table.find(reg.id))
        .set(r::token_hash.eq(tokens::hash_for(TOKEN_PURPOSE, &token)))
        .execute(c)?;
    notifier.send(c, seminar, reg, Some(&token), Notice::Survey)?;
    Ok(true)
}

/// The survey sent for a registration, if any.
pub fn find(c: &mut DbConn, registration_id: i64) -> QueryResult<Option<Survey>> {
    sv::table
        .filter(sv::registration_id.eq(registration_id))
        .select(Survey::as_select())
        .first(c)
        .optional()
}

/// Stores an answer unless the survey was answered already (checked in the same statement, so
/// two submissions at once store one). True when stored.
pub fn store_answer(
    c: &mut DbConn,
    registration_id: i64,
    answer: &Answer,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        sv::table
            .filter(sv::registration_id.eq(registration_id))
            .filter(sv::answered_at.is_null()),
    )
    .set((
        sv::answered_at.eq(now),
        sv::satisfaction.eq(answer.satisfaction),
        sv::usefulness.eq(answer.usefulness),
        sv::topics.eq(&answer.topics),
        sv::comments.eq(&answer.comments),
    ))
    .execute(c)?;
    Ok(n == 1)
}

/// Every survey sent for a seminar, answered ones newest first.
pub fn list_for_seminar(c: &mut DbConn, seminar_id: i64) -> QueryResult<Vec<Survey>> {
    sv::table
        .filter(sv::seminar_id.eq(seminar_id))
        .order((sv::answered_at.desc(), sv::id.desc()))
        .select(Survey::as_select())
        .load(c)
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

/// The registration, its seminar and its survey, by the personal link's token (404 when the
/// token is unknown).
async fn load(
    state: &AppState,
    token: String,
) -> Result<(Registration, Seminar, Option<Survey>), AppError> {
    state
        .db
        .run(move |c| {
            let reg = queries::find_by_token(c, &token)?.ok_or(AppError::NotFound)?;
            let seminar = seminar_queries::find(c, reg.seminar_id)?;
            let survey = find(c, reg.id)?;
            Ok::<_, AppError>((reg, seminar, survey))
        })
        .await
}

fn render(
    page: &Page,
    token: &str,
    seminar: &Seminar,
    survey_state: SurveyState,
    form: &SurveyForm,
    errors: FormErrors,
    code: StatusCode,
) -> HttpResponse {
    let lang = page.lang;
    let view = SurveyPage {
        action: format!("/registrations/{token}/survey"),
        registration_href: format!("/registrations/{token}"),
        title: seminar.title.clone(),
        when: crate::time::format_span(seminar.starts_at, seminar.ends_at, lang),
        deadline: crate::time::format_date(seminar.ends_at + ANSWER_UNTIL, lang),
        state: survey_state,
        values: vec![
            ("satisfaction", form.satisfaction.trim().to_string()),
            ("usefulness", form.usefulness.trim().to_string()),
            ("topics", form.topics.clone()),
            ("comments", form.comments.clone()),
        ],
        errors,
        satisfaction: scale(lang, SATISFACTION_KEYS),
        usefulness: scale(lang, USEFULNESS_KEYS),
        topics_max: TOPICS_MAX,
        comments_max: COMMENTS_MAX,
    };
    html_status(code, views::seminars::survey::page(page, &view))
}

/// `GET /registrations/{token}/survey`: the form, or where the survey stands (answered,
/// closed, not sent yet).
pub async fn page(
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let (_, seminar, survey) = load(&state, token.clone()).await?;
    let st = state_of(&seminar, survey.as_ref(), crate::time::now_utc());
    Ok(render(
        &page,
        &token,
        &seminar,
        st,
        &SurveyForm::default(),
        FormErrors::new(),
        StatusCode::OK,
    ))
}

/// `POST /registrations/{token}/survey`: stores the answer once; bad input is 422 with the form
/// and its messages, a survey that is not open (answered, closed, not sent) is 409.
pub async fn answer(
    req: actix_web::HttpRequest,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<SurveyForm>,
) -> Result<HttpResponse, AppError> {
    state
        .limits
        .check_ip(&req, super::handlers::REGISTRANT_BUCKET)?;
    let token = path.into_inner();
    let form = form.into_inner();
    let (reg, seminar, survey) = load(&state, token.clone()).await?;
    let now = crate::time::now_utc();
    let st = state_of(&seminar, survey.as_ref(), now);
    let show = |st, errors, code| render(&page, &token, &seminar, st, &form, errors, code);
    if st != SurveyState::Open {
        return Ok(show(st, FormErrors::new(), StatusCode::CONFLICT));
    }
    let answer = match form.validate(page.lang) {
        Ok(a) => a,
        Err(errors) => return Ok(show(st, errors, StatusCode::UNPROCESSABLE_ENTITY)),
    };
    let stored = state
        .db
        .run(move |c| c.write_transaction(|c| store_answer(c, reg.id, &answer, now)))
        .await?;
    if !stored {
        return Ok(show(
            SurveyState::Answered,
            FormErrors::new(),
            StatusCode::CONFLICT,
        ));
    }
    Ok(HttpResponse::SeeOther()
        .insert_header((LOCATION, format!("/registrations/{token}/survey")))
        .finish())
}

/// The mean of some scores as 「4.3」 (「–」 when there are none).
fn mean(scores: &[i32]) -> String {
    if scores.is_empty() {
        return "–".into();
    }
    format!(
        "{:.1}",
        f64::from(scores.iter().sum::<i32>()) / scores.len() as f64
    )
}

/// How many of `scores` gave each value, 5 first, labelled.
fn distribution(scores: &[i32], lang: Lang, keys: [&'static str; 5]) -> Vec<(String, i64)> {
    scale(lang, keys)
        .into_iter()
        .zip(SCORES.rev())
        .map(|((_, label), n)| (label, scores.iter().filter(|s| **s == n).count() as i64))
        .collect()
}

/// The staff summary of a seminar's surveys: sent, answered, response rate, averages,
/// distributions and the free texts (no names).
pub fn summary(surveys: &[Survey], lang: Lang) -> SurveySummary {
    let answered: Vec<&Survey> = surveys.iter().filter(|v| v.answered_at.is_some()).collect();
    let sent = surveys.len() as i64;
    let satisfaction: Vec<i32> = answered.iter().filter_map(|v| v.satisfaction).collect();
    let usefulness: Vec<i32> = answered.iter().filter_map(|v| v.usefulness).collect();
    let texts = |f: fn(&Survey) -> &str| -> Vec<String> {
        answered
            .iter()
            .map(|v| f(v).to_string())
            .filter(|t| !t.is_empty())
            .collect()
    };
    SurveySummary {
        sent,
        answered: answered.len() as i64,
        rate: if sent == 0 {
            "–".into()
        } else {
            format!("{}%", answered.len() as i64 * 100 / sent)
        },
        satisfaction: mean(&satisfaction),
        usefulness: mean(&usefulness),
        charts: vec![
            (
                lang.t("seminars.survey_chart_satisfaction").to_string(),
                distribution(&satisfaction, lang, SATISFACTION_KEYS),
            ),
            (
                lang.t("seminars.survey_chart_usefulness").to_string(),
                distribution(&usefulness, lang, USEFULNESS_KEYS),
            ),
        ],
        topics: texts(|v| v.topics.as_str()),
        comments: texts(|v| v.comments.as_str()),
    }
}

/// The answers as CSV rows (header first): answered at, the two scores, the two texts; no names.
fn csv_rows(surveys: &[Survey], lang: Lang) -> Vec<Vec<String>> {
    let head = [
        "seminars.survey_csv_answered_at",
        "seminars.survey_q_satisfaction",
        "seminars.survey_q_usefulness",
        "seminars.survey_q_topics",
        "seminars.survey_q_comments",
    ]
    .iter()
    .map(|k| lang.t(k).to_string())
    .collect();
    let mut rows = vec![head];
    let number = |n: Option<i32>| n.map(|n| n.to_string()).unwrap_or_default();
    rows.extend(surveys.iter().filter_map(|v| {
        Some(vec![
            crate::time::rfc3339(v.answered_at?),
            number(v.satisfaction),
            number(v.usefulness),
            v.topics.clone(),
            v.comments.clone(),
        ])
    }));
    rows
}

/// The mean of some scores, `None` when there are none (for the API).
fn average(scores: &[i32]) -> Option<f64> {
    (!scores.is_empty()).then(|| {
        (f64::from(scores.iter().sum::<i32>()) / scores.len() as f64 * 10.0).round() / 10.0
    })
}

/// The surveys of a seminar as the API shows them: counts, averages and the answers, no names.
pub fn api_json(surveys: &[Survey]) -> serde_json::Value {
    let answered: Vec<&Survey> = surveys.iter().filter(|v| v.answered_at.is_some()).collect();
    let scores =
        |f: fn(&Survey) -> Option<i32>| answered.iter().filter_map(|v| f(v)).collect::<Vec<_>>();
    json!({
        "sent": surveys.len(),
        "answered": answered.len(),
        "satisfaction_average": average(&scores(|v| v.satisfaction)),
        "usefulness_average": average(&scores(|v| v.usefulness)),
        "answers": answered.iter().map(|v| json!({
            "answered_at": v.answered_at.map(crate::time::rfc3339),
            "satisfaction": v.satisfaction,
            "usefulness": v.usefulness,
            "topics": v.topics,
            "comments": v.comments,
        })).collect::<Vec<_>>(),
    })
}

/// `GET /api/v1/seminars/{id}/survey` (staff): [`api_json`], audited like the CSV.
pub async fn api(
    user: crate::accounts::ApiStaff,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let actor = user.0.clone();
    let out = state
        .db
        .run(move |c| {
            seminar_queries::find(c, id)?;
            let surveys = list_for_seminar(c, id)?;
            audit::record(
                c,
                Some(&actor),
                "survey.export",
                "seminar",
                Some(id.to_string()),
                json!({"rows": surveys.len(), "via": "api"}),
            )?;
            Ok::<_, AppError>(api_json(&surveys))
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// `GET /staff/seminars/{id}/survey.csv`: the answers (audited like the registrations export).
pub async fn csv(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let lang = page.lang;
    let actor = user.0.clone();
    let body = state
        .db
        .run(move |c| {
            seminar_queries::find(c, id)?;
            let rows = csv_rows(&list_for_seminar(c, id)?, lang);
            audit::record(
                c,
                Some(&actor),
                "survey.export",
                "seminar",
                Some(id.to_string()),
                json!({"rows": rows.len() - 1}),
            )?;
            Ok::<_, AppError>(super::export::document(&rows))
        })
        .await?;
    Ok(super::export::attachment(
        &format!("seminar-{id}-survey.csv"),
        body,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(s: &str, u: &str, topics: &str, comments: &str) -> SurveyForm {
        SurveyForm {
            satisfaction: s.into(),
            usefulness: u.into(),
            topics: topics.into(),
            comments: comments.into(),
            csrf_token: String::new(),
        }
    }

    #[test]
    fn answers_are_checked() {
        let a = form("5", " 4 ", "", "とても参考になりました\r\n次回も参加します")
            .validate(Lang::Ja)
            .unwrap();
        assert_eq!((a.satisfaction, a.usefulness), (5, 4));
        assert_eq!(a.comments, "とても参考になりました\n次回も参加します");
        let long = "あ".repeat(COMMENTS_MAX + 1);
        let e = form("0", "9", "a\u{0}b", &long)
            .validate(Lang::En)
            .unwrap_err();
        for f in ["satisfaction", "usefulness", "topics", "comments"] {
            assert!(e.get(f).is_some(), "{f}");
        }
        let e = form("", "NaN", "", "").validate(Lang::Ja).unwrap_err();
        assert_eq!(e.get("satisfaction"), Some("この項目は必須です。"));
        assert!(e.get("usefulness").is_some());
    }

    fn survey(answer: Option<(i32, i32, &str)>) -> Survey {
        Survey {
            id: 1,
            registration_id: 1,
            seminar_id: 1,
            sent_at: crate::time::now_utc(),
            answered_at: answer.map(|_| crate::time::now_utc()),
            satisfaction: answer.map(|a| a.0),
            usefulness: answer.map(|a| a.1),
            topics: String::new(),
            comments: answer.map(|a| a.2.to_string()).unwrap_or_default(),
        }
    }

    #[test]
    fn the_summary_counts_and_averages() {
        let list = vec![
            survey(Some((5, 4, "<b>良い</b>"))),
            survey(Some((4, 4, ""))),
            survey(Some((4, 1, ""))),
            survey(None),
        ];
        let s = summary(&list, Lang::Ja);
        assert_eq!((s.sent, s.answered), (4, 3));
        assert_eq!(s.rate, "75%");
        assert_eq!(s.satisfaction, "4.3");
        assert_eq!(s.usefulness, "3.0");
        assert_eq!(s.comments, vec!["<b>良い</b>".to_string()]);
        assert!(s.topics.is_empty());
        let sat = &s.charts[0].1;
        assert_eq!(sat.len(), 5);
        assert_eq!(sat[0].1, 1, "one 5");
        assert_eq!(sat[1].1, 2, "two 4s");
        let empty = summary(&[], Lang::En);
        assert_eq!(
            (empty.rate.as_str(), empty.satisfaction.as_str()),
            ("–", "–")
        );
        let rows = csv_rows(&list, Lang::Ja);
        assert_eq!(rows.len(), 4, "header and three answers");
    }
}
