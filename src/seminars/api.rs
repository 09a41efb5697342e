//! The seminar part of the JSON API (`/api/v1/seminars...`): the programme.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::forms::{SeminarForm, Window};
use super::model::{Mode, Question, Seminar, SeminarData, name_list};
use super::queries::{self, Filter, Seats};
use crate::accounts::ApiStaff;
use crate::api::ErrorBody;
use crate::error::{AppError, FieldError, Message};
use crate::time::rfc3339;
use crate::web::AppState;
use crate::web::input::{JsonBody, JsonInput};

pub use super::model::SeminarStatus;

crate::api_enum! {
    /// How a seminar's seats are given out.
    pub enum SeminarAllocation {
        /// In order of arrival.
        FirstCome = "first_come",
        /// By a lottery (抽選) at `draw_at`.
        Lottery = "lottery",
    }
}

crate::api_enum! {
    /// How a seminar is held.
    pub enum SeminarFormat {
        /// Online only.
        Online = "online",
        /// At the venue only.
        Onsite = "onsite",
        /// Both.
        Hybrid = "hybrid",
    }
}

/// The seats of one mode of a seminar.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SeatCounts {
    /// Seats.
    pub capacity: i64,
    /// Confirmed registrations.
    pub confirmed: i64,
    /// Waitlisted registrations.
    pub waitlisted: i64,
    /// Applications awaiting the lottery's draw.
    pub applied: i64,
    /// Cancelled registrations.
    pub cancelled: i64,
    /// Confirmed registrations checked in.
    pub checked_in: i64,
}

impl From<Seats> for SeatCounts {
    fn from(s: Seats) -> Self {
        Self {
            capacity: s.capacity,
            confirmed: s.confirmed,
            waitlisted: s.waitlisted,
            applied: s.applied,
            cancelled: s.cancelled,
            checked_in: s.checked_in,
        }
    }
}

/// The seats of a seminar by mode.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SeminarSeats {
    /// At the venue.
    pub onsite: SeatCounts,
    /// Online.
    pub online: SeatCounts,
}

/// A seminar as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SeminarOut {
    /// The seminar's id.
    pub id: i64,
    /// The title.
    pub title: String,
    /// A line for lists.
    pub summary: String,
    /// The description in Markdown.
    pub body_markdown: String,
    /// The industry code (see `/api/v1/taxonomy`).
    pub industry: String,
    /// The prefecture (JIS code).
    pub prefecture: i32,
    /// How it is held.
    #[schema(value_type = SeminarFormat)]
    pub format: String,
    /// The venue.
    pub venue: String,
    /// The venue's address.
    pub address: String,
    /// Start (RFC 3339).
    #[schema(format = DateTime)]
    pub starts_at: String,
    /// End (RFC 3339).
    #[schema(format = DateTime)]
    pub ends_at: String,
    /// When registration opens; null: at once.
    #[schema(format = DateTime)]
    pub registration_opens_at: Option<String>,
    /// When registration closes.
    #[schema(format = DateTime)]
    pub registration_closes_at: String,
    /// Seats at the venue.
    pub capacity_onsite: i32,
    /// Seats online.
    pub capacity_online: i32,
    /// Hosts.
    pub hosts: Vec<String>,
    /// Co-hosts.
    pub cohosts: Vec<String>,
    /// Speakers.
    pub speakers: Vec<String>,
    /// The fee as shown (`無料`).
    pub fee: String,
    /// Its status.
    pub status: SeminarStatus,
    /// Whether it is published.
    pub published: bool,
    /// The iCalendar SEQUENCE: how often it changed.
    pub sequence: i32,
    /// The extra questions of the registration form.
    pub questions: Vec<Question>,
    /// When the reminder mail goes to confirmed registrants: HH:MM in Asia/Tokyo on the day
    /// before; null: no reminder.
    #[schema(example = "10:00")]
    pub reminder_time: Option<String>,
    /// How seats are given out.
    #[schema(value_type = SeminarAllocation)]
    pub allocation: String,
    /// When the lottery is drawn (lottery only).
    #[schema(format = DateTime)]
    pub draw_at: Option<String>,
    /// Whether those a lottery does not draw wait in drawn order.
    pub lottery_waitlist: bool,
    /// When the lottery was drawn.
    #[schema(format = DateTime)]
    pub drawn_at: Option<String>,
    /// The most participants one applicant may register in one entry (a group of the same
    /// company, placed whole); 1: no groups.
    #[schema(minimum = 1, maximum = 20)]
    pub group_limit: i32,
    /// The series (連続講座) it is a session of: registering for it registers for every
    /// session of the series (see `/api/v1/series/{id}`); null outside a series.
    pub series_id: Option<i64>,
    /// The seminar's page.
    pub url: String,
    /// Its iCalendar file.
    pub ics_url: String,
    /// Seats by mode.
    pub seats: SeminarSeats,
    /// The join URL of an online seminar (staff only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub online_url: Option<String>,
}

/// A seminar as staff create or change it: on create the fields without a default are
/// required; on change only the given fields change. Every field is checked with its JSON
/// type, and a wrong one is named in the 422; null in an optional text field is empty.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[schema(as = SeminarInput)]
pub struct SeminarInput {
    /// The title.
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// A line for lists.
    #[serde(default)]
    pub summary: Option<String>,
    /// The description in Markdown.
    #[serde(default)]
    pub body_markdown: Option<String>,
    /// An industry code (see `/api/v1/taxonomy`).
    #[schema(example = "manufacturing", min_length = 1)]
    pub industry: String,
    /// The prefecture (JIS code).
    #[schema(minimum = 1, maximum = 47, example = 40)]
    pub prefecture: i32,
    /// How it is held.
    pub format: SeminarFormat,
    /// The venue (onsite and hybrid).
    #[serde(default)]
    pub venue: Option<String>,
    /// The venue's address.
    #[serde(default)]
    pub address: Option<String>,
    /// The join URL (online and hybrid).
    #[serde(default)]
    pub online_url: Option<String>,
    /// Start (RFC 3339 with offset).
    #[schema(format = DateTime, example = "2026-12-10T13:00:00+09:00")]
    pub starts_at: String,
    /// End (RFC 3339), after the start.
    #[schema(format = DateTime)]
    pub ends_at: String,
    /// When registration opens; missing, empty or null: at once.
    #[serde(default)]
    #[schema(format = DateTime)]
    pub registration_opens_at: Option<String>,
    /// When registration closes, before the end.
    #[schema(format = DateTime)]
    pub registration_closes_at: String,
    /// Seats at the venue.
    #[serde(default)]
    #[schema(minimum = 0)]
    pub capacity_onsite: i32,
    /// Seats online.
    #[serde(default)]
    #[schema(minimum = 0)]
    pub capacity_online: i32,
    /// Hosts.
    #[serde(default)]
    pub hosts: Vec<String>,
    /// Co-hosts.
    #[serde(default)]
    pub cohosts: Vec<String>,
    /// Speakers.
    #[serde(default)]
    pub speakers: Vec<String>,
    /// The fee as shown.
    #[serde(default)]
    #[schema(default = "無料")]
    pub fee: Option<String>,
    /// Extra questions of the registration form; null: none.
    #[serde(default)]
    pub questions: Option<Vec<Question>>,
    /// When the reminder mail goes to confirmed registrants: HH:MM in Asia/Tokyo on the day
    /// before the seminar (sent at once when a seminar is created after that time, as long as
    /// it has not started); null for no reminder.
    #[serde(default)]
    #[schema(
        default = "10:00",
        pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$",
        example = "10:00"
    )]
    pub reminder_time: Option<String>,
    /// How seats are given out (default `first_come`).
    #[serde(default)]
    pub allocation: Option<SeminarAllocation>,
    /// When a lottery is drawn (not before the registration deadline, before the start); null
    /// or absent: at the deadline.
    #[serde(default)]
    #[schema(format = DateTime)]
    pub draw_at: Option<String>,
    /// Whether those a lottery does not draw wait in drawn order (else they are told they were
    /// not drawn; default true).
    #[serde(default)]
    pub lottery_waitlist: Option<bool>,
    /// The most participants one applicant may register in one entry, 1 to 20 (default 1:
    /// no groups). A group is placed whole: all confirmed or all waitlisted.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 20, default = 1)]
    pub group_limit: Option<i32>,
    /// Publish it (on create: at once; on change: true publishes a draft).
    #[serde(default)]
    pub published: bool,
}

/// A seminar as the API shows it (the join URL only to staff).
pub fn seminar_json(
    s: &Seminar,
    seats: &std::collections::HashMap<&'static str, Seats>,
    base: &str,
    staff: bool,
) -> SeminarOut {
    let seats_of = |mode: &str| SeatCounts::from(seats.get(mode).copied().unwrap_or_default());
    SeminarOut {
        id: s.id,
        title: s.title.clone(),
        summary: s.summary.clone(),
        body_markdown: s.body_md.clone(),
        industry: s.industry.clone(),
        prefecture: s.prefecture,
        format: s.format.clone(),
        venue: s.venue.clone(),
        address: s.address.clone(),
        starts_at: rfc3339(s.starts_at),
        ends_at: rfc3339(s.ends_at),
        registration_opens_at: s.registration_opens_at.map(rfc3339),
        registration_closes_at: rfc3339(s.registration_closes_at),
        capacity_onsite: s.capacity_onsite,
        capacity_online: s.capacity_online,
        hosts: name_list(&s.hosts),
        cohosts: name_list(&s.cohosts),
        speakers: name_list(&s.speakers),
        fee: s.fee.clone(),
        status: s.status,
        published: s.status == SeminarStatus::Published,
        sequence: s.sequence,
        questions: serde_json::from_str(&s.questions).unwrap_or_default(),
        reminder_time: s.reminder_time.clone(),
        allocation: s.allocation.clone(),
        draw_at: (s.allocation() == super::model::Allocation::Lottery)
            .then(|| rfc3339(s.draw_time())),
        lottery_waitlist: s.lottery_waitlist,
        drawn_at: s.drawn_at.map(rfc3339),
        group_limit: s.group_limit,
        series_id: s.series_id,
        url: format!("{base}/seminars/{}", s.id),
        ics_url: format!("{base}/seminars/{}.ics", s.id),
        seats: SeminarSeats {
            onsite: seats_of(Mode::Onsite.as_str()),
            online: seats_of(Mode::Online.as_str()),
        },
        online_url: staff.then(|| s.online_url.clone()),
    }
}

fn base(state: &AppState) -> String {
    state.config.base_url.trim_end_matches('/').to_string()
}

/// `GET /api/v1/seminars`: upcoming published seminars.
#[utoipa::path(
    get,
    path = "/api/v1/seminars",
    tag = "seminars",
    summary = "Upcoming seminars",
    security(()),
    responses((status = 200, description = "Published seminars, soonest first", body = Vec<SeminarOut>))
)]
pub async fn list(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let base = base(&state);
    let out = state
        .db
        .run(move |c| {
            let list = queries::list_public(c, &Filter::default(), crate::time::now_utc())?;
            let all_seats = queries::seats_many(c, &list)?;
            let mut out = Vec::new();
            for s in &list {
                let seats = all_seats.get(&s.id).cloned().unwrap_or_default();
                out.push(seminar_json(s, &seats, &base, false));
            }
            Ok::<_, AppError>(out)
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// `GET /api/v1/seminars/{id}`.
#[utoipa::path(
    get,
    path = "/api/v1/seminars/{id}",
    tag = "seminars",
    summary = "One seminar with its seats",
    security(()),
    params(("id" = i64, Path, description = "The seminar")),
    responses((status = 200, description = "The seminar", body = SeminarOut))
)]
pub async fn show(
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let base = base(&state);
    let v = state
        .db
        .run(move |c| {
            let s = queries::find_public(c, id)?;
            let seats = queries::seats(c, &s)?;
            Ok::<_, AppError>(seminar_json(&s, &seats, &base, false))
        })
        .await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Applies a JSON body over a form (all fields on create, given fields on update), each field
/// with its JSON type: strings, integers for the prefecture and capacities, arrays of strings
/// for the names, an array for the questions, a boolean for `published`. Returns the body
/// (which holds the type errors found so far, for [`validate`]) and `published`.
fn apply(form: &mut SeminarForm, body: JsonBody) -> Result<(JsonInput, Option<bool>), AppError> {
    let mut j = body.input()?;
    for (key, field) in [
        ("title", &mut form.title),
        ("summary", &mut form.summary),
        ("body_markdown", &mut form.body_md),
        ("industry", &mut form.industry),
        ("format", &mut form.format),
        ("venue", &mut form.venue),
        ("address", &mut form.address),
        ("online_url", &mut form.online_url),
        ("starts_at", &mut form.starts_at),
        ("ends_at", &mut form.ends_at),
        ("registration_opens_at", &mut form.registration_opens_at),
        ("registration_closes_at", &mut form.registration_closes_at),
        ("fee", &mut form.fee),
        ("allocation", &mut form.allocation),
        ("draw_at", &mut form.draw_at),
    ] {
        if let Some(v) = j.text(key) {
            *field = v;
        }
    }
    for (key, field) in [
        ("prefecture", &mut form.prefecture),
        ("capacity_onsite", &mut form.capacity_onsite),
        ("capacity_online", &mut form.capacity_online),
        ("group_limit", &mut form.group_limit),
    ] {
        if let Some(v) = j.integer(key) {
            *field = v;
        }
    }
    for (key, field) in [
        ("hosts", &mut form.hosts),
        ("cohosts", &mut form.cohosts),
        ("speakers", &mut form.speakers),
    ] {
        if let Some(names) = j.texts(key) {
            // One name per line in the form: a line break inside a name cannot split it.
            *field = names
                .iter()
                .map(|s| s.replace(['\r', '\n'], "\u{1}"))
                .collect::<Vec<_>>()
                .join("\n");
        }
    }
    match j.raw("reminder_time") {
        // null: no reminder.
        Some(Value::Null) => form.reminder_time = super::forms::NO_REMINDER.into(),
        Some(_) => {
            if let Some(t) = j.text("reminder_time") {
                form.reminder_time = t;
            }
        }
        None => {}
    }
    if let Some(q) = j.raw("questions") {
        form.questions = if q.is_null() {
            String::new()
        } else {
            q.to_string()
        };
    }
    if let Some(waitlist) = j.boolean("lottery_waitlist") {
        form.lottery_rest = if waitlist {
            super::forms::LOTTERY_WAITLIST
        } else {
            super::forms::LOTTERY_NOT_DRAWN
        }
        .into();
    }
    let published = j.boolean("published");
    Ok((j, published))
}

/// The form's checks after the body's type errors: a 422 with one message per field.
async fn validate(
    state: &AppState,
    form: &SeminarForm,
    body: JsonInput,
    keep_start: Option<chrono::NaiveDateTime>,
) -> Result<SeminarData, AppError> {
    let industries = state.db.run(queries::industry_codes).await?;
    let window = Window::around(crate::time::now_utc(), keep_start);
    let checked = form.validate(crate::time::parse_rfc3339, &industries, &window);
    let errors: Vec<FieldError> = match &checked {
        Ok(_) => Vec::new(),
        Err(list) => list
            .iter()
            .map(|(f, e)| FieldError::new(api_name(f), e.clone()))
            .collect(),
    };
    body.finish(errors)?;
    checked.map_err(|_| AppError::Invalid(Message::new("seminars.err_api_type")))
}

/// The API's name of a form field.
fn api_name(field: &str) -> &str {
    match field {
        "body_md" => "body_markdown",
        other => other,
    }
}

/// `POST /api/v1/seminars` (staff): 201 with the seminar.
#[utoipa::path(
    post,
    path = "/api/v1/seminars",
    tag = "seminars",
    summary = "Create a seminar (staff; audited)",
    request_body = SeminarInput,
    responses(
        (status = 201, description = "Created", body = SeminarOut),
        (status = 422, description = "A value is not acceptable; each wrong field is named.", body = ErrorBody)
    )
)]
pub async fn create(
    user: ApiStaff,
    state: web::Data<AppState>,
    body: JsonBody,
) -> Result<HttpResponse, AppError> {
    let mut form = SeminarForm {
        reminder_time: super::model::DEFAULT_REMINDER_TIME.into(),
        ..SeminarForm::default()
    };
    let (body, published) = apply(&mut form, body)?;
    let data = validate(&state, &form, body, None).await?;
    let actor = user.0.clone();
    let base = base(&state);
    let v = state
        .db
        .run(move |c| {
            let id = super::service::create(c, &actor, &data, published.unwrap_or(false), "api")?;
            let s = queries::find(c, id)?;
            let seats = queries::seats(c, &s)?;
            Ok::<_, AppError>(seminar_json(&s, &seats, &base, true))
        })
        .await?;
    Ok(HttpResponse::Created().json(v))
}

/// `PATCH /api/v1/seminars/{id}` (staff): changes the given fields.
#[utoipa::path(
    patch,
    path = "/api/v1/seminars/{id}",
    tag = "seminars",
    summary = "Change a seminar (staff; audited); only the given fields change",
    params(("id" = i64, Path, description = "The seminar")),
    request_body(content = SeminarInput, description = "Any of the fields"),
    responses(
        (status = 200, description = "The seminar", body = SeminarOut),
        (status = 422, description = "A value is not acceptable; each wrong field is named.", body = ErrorBody)
    )
)]
pub async fn update(
    user: ApiStaff,
    state: web::Data<AppState>,
    registrants: web::Data<dyn super::registrants::Registrants>,
    path: web::Path<i64>,
    body: JsonBody,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let existing = state.db.run(move |c| queries::find(c, id)).await?;
    let d = SeminarData::of(&existing);
    let mut form = SeminarForm::of(&d);
    form.starts_at = rfc3339(d.starts_at);
    form.ends_at = rfc3339(d.ends_at);
    form.registration_closes_at = rfc3339(d.registration_closes_at);
    form.registration_opens_at = d.registration_opens_at.map(rfc3339).unwrap_or_default();
    form.draw_at = d.draw_at.map(rfc3339).unwrap_or_default();
    let (body, published) = apply(&mut form, body)?;
    let data = validate(&state, &form, body, Some(d.starts_at)).await?;
    let actor = user.0.clone();
    let base = base(&state);
    let registrants = registrants.into_inner();
    let v = state
        .db
        .run(move |c| {
            let publish = published == Some(true);
            super::service::update(c, registrants.as_ref(), &actor, id, &data, publish, "api")?;
            let s = queries::find(c, id)?;
            let seats = queries::seats(c, &s)?;
            Ok::<_, AppError>(seminar_json(&s, &seats, &base, true))
        })
        .await?;
    Ok(HttpResponse::Ok().json(v))
}

/// The paths of the seminars API in the document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, show, create, update))]
pub struct Doc;
