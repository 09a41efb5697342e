//! The newsletter in the JSON API (staff): subscribers, topics, campaigns, bounces.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::bounces;
use super::campaigns::{self, Campaign};
use super::forms::{self, check_topic_code};
use super::links::Links;
use super::queries::{self as q, SubscriberFilter};
use super::service;
use super::subscribe::{Import, ImportResult};
use crate::accounts::ApiStaff;
use crate::api::ErrorBody;
use crate::error::{AppError, FieldError, Message};
use crate::time::rfc3339;
use crate::validate::{self, Invalid};
use crate::web::AppState;
use crate::web::input::JsonBody;
use crate::web::input::Query;

pub use super::campaigns::CampaignStatus;
pub use super::queries::SubscriberStatus;

/// A subscriber as the import answers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SubscriberCreated {
    /// The subscriber's id.
    pub id: i64,
    /// The address.
    pub email: String,
    /// Its status now.
    pub status: SubscriberStatus,
}

/// A subscriber.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Subscriber {
    /// The subscriber's id.
    pub id: i64,
    /// The address.
    pub email: String,
    /// The name.
    pub name: String,
    /// The company.
    pub company: String,
    /// Its status.
    pub status: SubscriberStatus,
    /// The topics it receives (codes).
    pub topics: Vec<String>,
    /// Where and when consent was given.
    pub consent_source: String,
    /// When it was recorded (RFC 3339).
    #[schema(format = DateTime)]
    pub created_at: String,
}

/// A newsletter topic.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Topic {
    /// The code.
    pub code: String,
    /// The Japanese label.
    pub label_ja: String,
    /// The English label.
    pub label_en: String,
    /// The order on forms.
    pub position: i32,
    /// Offered on forms.
    pub active: bool,
}

/// A topic as created.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TopicCreated {
    /// The code.
    pub code: String,
}

/// A campaign: its status and counts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CampaignOut {
    /// The campaign's id.
    pub id: i64,
    /// The subject.
    pub subject: String,
    /// Its status.
    pub status: CampaignStatus,
    /// Topic codes; null: every subscriber.
    pub topics: Option<Vec<String>>,
    /// When it is to start (RFC 3339).
    #[schema(format = DateTime)]
    pub scheduled_at: Option<String>,
    /// When sending started.
    #[schema(format = DateTime)]
    pub started_at: Option<String>,
    /// When the last mail was delivered.
    #[schema(format = DateTime)]
    pub sent_at: Option<String>,
    /// Recipients when sending started.
    pub audience: i64,
    /// Mails waiting (including those being sent).
    pub queued: i64,
    /// Mails accepted by the mail server.
    pub sent: i64,
    /// Mails given up on.
    pub failed: i64,
    /// Subscribers who unsubscribed since sending started.
    pub unsubscribed_since: i64,
    /// Subscribers suppressed (bounces) since sending started.
    pub bounced_since: i64,
}

/// A campaign's status after a change.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CampaignState {
    /// The campaign's id.
    pub id: i64,
    /// Its status now.
    pub status: CampaignStatus,
}

/// What a returned mail did to one address.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BounceApplied {
    /// The address.
    pub recipient: String,
    /// The DSN status code (`5.1.1`).
    pub status: String,
    /// Whether the address is now suppressed.
    pub suppressed: bool,
    /// Whether the address is a subscriber at all.
    pub known: bool,
}

/// What a returned mail did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BounceResult {
    /// The bounces found, one per address.
    pub processed: Vec<BounceApplied>,
    /// Subscriptions ended by an unsubscribe request.
    pub unsubscribed: i64,
}

/// The checks of a body's fields, each failure kept with its field.
#[derive(Default)]
struct Checks(Vec<FieldError>);

impl Checks {
    /// Keeps the value or records the error of `field`.
    fn check<T: Default>(&mut self, field: &str, r: Result<T, Invalid>) -> T {
        r.unwrap_or_else(|e| {
            self.0.push(FieldError::new(field, e));
            T::default()
        })
    }

    /// A 422 with one message per wrong field, or nothing.
    fn done(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::InvalidFields(self.0))
        }
    }
}

async fn topic_codes(state: &AppState) -> Result<Vec<String>, AppError> {
    Ok(state
        .db
        .run(|c| q::list_topics(c, true))
        .await?
        .into_iter()
        .map(|t| t.code)
        .collect())
}

/// Body of `POST /api/v1/subscribers`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = NewSubscriber)]
pub struct NewSubscriberBody {
    /// The address.
    #[schema(max_length = 254)]
    email: String,
    /// The name.
    #[serde(default)]
    #[schema(max_length = 100)]
    name: String,
    /// The company.
    #[serde(default)]
    #[schema(max_length = 200)]
    company: String,
    /// Topic codes; empty: every active topic.
    #[serde(default)]
    topics: Vec<String>,
    /// true: active at once (consent given elsewhere); false: a confirmation mail is sent.
    #[serde(default)]
    confirmed: bool,
    /// Where and when consent was given.
    #[schema(min_length = 1, max_length = 200)]
    consent_source: String,
}

/// `POST /api/v1/subscribers`: imports one address with its consent source; 201 when new.
#[utoipa::path(
    post,
    path = "/api/v1/subscribers",
    tag = "newsletter",
    summary = "Import one subscriber with a recorded consent (staff); confirmed=false sends a confirmation mail",
    request_body = NewSubscriberBody,
    responses(
        (status = 201, description = "A new subscriber", body = SubscriberCreated),
        (status = 200, description = "The address was known: imported again", body = SubscriberCreated),
        (status = 422, description = "A value is not acceptable.", body = ErrorBody)
    )
)]
pub async fn create_subscriber(
    staff: ApiStaff,
    state: web::Data<AppState>,
    body: JsonBody,
) -> Result<HttpResponse, AppError> {
    let b: NewSubscriberBody = body.parse()?;
    let known = topic_codes(&state).await?;
    let mut c = Checks::default();
    let row = Import {
        email: c.check("email", validate::email(&b.email)),
        name: c.check("name", validate::line(&b.name, false, 100)),
        company: c.check("company", validate::line(&b.company, false, 200)),
        topics: c.check("topics", forms::check_topics(&b.topics, &known)),
        confirmed: b.confirmed,
    };
    let source = c.check(
        "consent_source",
        validate::line(&b.consent_source, true, 200),
    );
    c.done()?;
    let (mailer, links, base) = (
        state.mailer.clone(),
        Links::from_config(&state.config),
        state.config.base_url.clone(),
    );
    let actor = staff.0.clone();
    let (result, s) = state
        .db
        .run(move |c| {
            let mail = service::ConfirmationMail {
                mailer: &mailer,
                links: &links,
                base_url: &base,
            };
            let r = service::import_subscribers(
                c,
                &mail,
                &actor,
                std::slice::from_ref(&row),
                &source,
                "api",
            )?;
            let s = q::find_by_email(c, &row.email)?.ok_or(diesel::result::Error::NotFound)?;
            Ok::<_, diesel::result::Error>((r.first().copied(), s))
        })
        .await?;
    let body = SubscriberCreated {
        id: s.id,
        email: s.email,
        status: s.status,
    };
    Ok(match result {
        Some(ImportResult::Created(_)) => HttpResponse::Created().json(body),
        _ => HttpResponse::Ok().json(body),
    })
}

/// Filters of `GET /api/v1/subscribers`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SubscriberQuery {
    /// Part of the address, name or company.
    #[serde(default)]
    #[param(max_length = 200)]
    q: String,
    /// Only this status.
    #[param(value_type = Option<SubscriberStatus>)]
    status: Option<String>,
    /// Only subscribers of this topic (a code).
    topic: Option<String>,
}

/// `GET /api/v1/subscribers` (audited: a staff read of personal data).
#[utoipa::path(
    get,
    path = "/api/v1/subscribers",
    tag = "newsletter",
    summary = "Subscribers, at most 1000 (staff; audited)",
    params(SubscriberQuery),
    responses(
        (status = 200, description = "Subscribers", body = Vec<Subscriber>),
        (status = 422, description = "A filter is not acceptable.", body = ErrorBody)
    )
)]
pub async fn list_subscribers(
    staff: ApiStaff,
    state: web::Data<AppState>,
    query: Query<SubscriberQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let mut c = Checks::default();
    let status = match &query.status {
        Some(s) => c.check(
            "status",
            SubscriberStatus::parse(s)
                .map(Some)
                .ok_or_else(validate::invalid_choice),
        ),
        None => None,
    };
    let filter = SubscriberFilter {
        q: c.check("q", validate::line(&query.q, false, 200)),
        status,
        topic: query.topic.filter(|t| !t.is_empty()),
    };
    c.done()?;
    let actor = staff.0.clone();
    let list = state
        .db
        .run(move |c| {
            service::list_subscribers(c, &actor, &filter, 1000, service::ListAction::List, "api")
        })
        .await?;
    let (list, topics) = list;
    let out: Vec<Subscriber> = list
        .into_iter()
        .map(|s| Subscriber {
            topics: topics
                .iter()
                .filter(|(id, _)| *id == s.id)
                .map(|(_, t)| t.clone())
                .collect(),
            id: s.id,
            email: s.email,
            name: s.name,
            company: s.company,
            status: s.status,
            consent_source: s.consent_source,
            created_at: rfc3339(s.created_at),
        })
        .collect();
    Ok(HttpResponse::Ok().json(out))
}

/// `DELETE /api/v1/subscribers/{id}`: removes the subscriber and its history.
#[utoipa::path(
    delete,
    path = "/api/v1/subscribers/{id}",
    tag = "newsletter",
    summary = "Delete a subscriber and its consent history (staff; audited)",
    params(("id" = i64, Path, description = "The subscriber")),
    responses((status = 204, description = "Deleted"))
)]
pub async fn delete_subscriber(
    staff: ApiStaff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let actor = staff.0.clone();
    let found = state
        .db
        .run(move |c| service::delete_subscriber(c, &actor, id, "api"))
        .await?;
    if found {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(AppError::NotFound)
    }
}

/// `GET /api/v1/topics`.
#[utoipa::path(
    get,
    path = "/api/v1/topics",
    tag = "newsletter",
    summary = "Newsletter topics (staff)",
    responses((status = 200, description = "Topics in order", body = Vec<Topic>))
)]
pub async fn list_topics(
    _staff: ApiStaff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let list = state.db.run(|c| q::list_topics(c, true)).await?;
    let out: Vec<Topic> = list
        .into_iter()
        .map(|t| Topic {
            code: t.code,
            label_ja: t.label_ja,
            label_en: t.label_en,
            position: t.position,
            active: t.active,
        })
        .collect();
    Ok(HttpResponse::Ok().json(out))
}

/// Body of `POST /api/v1/topics`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = NewTopic)]
pub struct NewTopicBody {
    /// Lower-case letters, digits and `_`, starting with a letter.
    #[schema(pattern = "^[a-z][a-z0-9_]{0,31}$")]
    code: String,
    /// The Japanese label.
    #[schema(min_length = 1, max_length = 100)]
    label_ja: String,
    /// The English label.
    #[schema(min_length = 1, max_length = 100)]
    label_en: String,
}

/// `POST /api/v1/topics`: 201, or 409 when the code exists.
#[utoipa::path(
    post,
    path = "/api/v1/topics",
    tag = "newsletter",
    summary = "Add a topic (staff)",
    request_body = NewTopicBody,
    responses(
        (status = 201, description = "Created", body = TopicCreated),
        (status = 409, description = "A topic has this code.", body = ErrorBody),
        (status = 422, description = "A value is not acceptable.", body = ErrorBody)
    )
)]
pub async fn create_topic(
    staff: ApiStaff,
    state: web::Data<AppState>,
    body: JsonBody,
) -> Result<HttpResponse, AppError> {
    let b: NewTopicBody = body.parse()?;
    let mut c = Checks::default();
    if !check_topic_code(&b.code) {
        c.0.push(FieldError::new(
            "code",
            Message::new("newsletter.staff.invalid_code"),
        ));
    }
    let code = b.code.trim().to_string();
    let ja = c.check("label_ja", validate::line(&b.label_ja, true, 100));
    let en = c.check("label_en", validate::line(&b.label_en, true, 100));
    c.done()?;
    let actor = staff.0.clone();
    let c2 = code.clone();
    let added = state
        .db
        .run(move |c| service::add_topic(c, &actor, &c2, &ja, &en, "api"))
        .await?;
    if !added {
        return Err(AppError::Conflict(Message::new(
            "newsletter.staff.topic_exists",
        )));
    }
    Ok(HttpResponse::Created().json(TopicCreated { code }))
}

/// Body of `POST /api/v1/campaigns`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = NewCampaign)]
pub struct NewCampaignBody {
    /// The subject.
    #[schema(min_length = 1, max_length = 200)]
    subject: String,
    /// The body in Markdown.
    #[schema(min_length = 1, max_length = 100000)]
    body_markdown: String,
    /// Topic codes; empty or missing: every subscriber.
    #[serde(default)]
    topics: Vec<String>,
}

/// `POST /api/v1/campaigns`: a draft; 201 `{"id"}`.
#[utoipa::path(
    post,
    path = "/api/v1/campaigns",
    tag = "newsletter",
    summary = "Create a campaign draft (staff)",
    request_body = NewCampaignBody,
    responses(
        (status = 201, description = "Created", body = CampaignState),
        (status = 422, description = "A value is not acceptable.", body = ErrorBody)
    )
)]
pub async fn create_campaign(
    staff: ApiStaff,
    state: web::Data<AppState>,
    body: JsonBody,
) -> Result<HttpResponse, AppError> {
    let b: NewCampaignBody = body.parse()?;
    let known = topic_codes(&state).await?;
    let mut c = Checks::default();
    let draft = forms::Draft {
        subject: c.check("subject", validate::line(&b.subject, true, 200)),
        body_markdown: c.check(
            "body_markdown",
            validate::text(&b.body_markdown, true, 100_000),
        ),
        topics: c.check("topics", forms::check_topics(&b.topics, &known)),
    };
    c.done()?;
    let actor = staff.0.clone();
    let id = state
        .db
        .run(move |c| service::create_campaign(c, &actor, &draft, "api"))
        .await?;
    Ok(HttpResponse::Created().json(CampaignState {
        id,
        status: CampaignStatus::Draft,
    }))
}

fn campaign_json(c: &Campaign, s: &campaigns::Stats) -> CampaignOut {
    CampaignOut {
        id: c.id,
        subject: c.subject.clone(),
        status: c.status,
        topics: c.topic_list(),
        scheduled_at: c.scheduled_at.map(rfc3339),
        started_at: c.started_at.map(rfc3339),
        sent_at: c.sent_at.map(rfc3339),
        audience: s.audience,
        queued: s.queued,
        sent: s.sent,
        failed: s.failed,
        unsubscribed_since: s.unsubscribed_since,
        bounced_since: s.bounced_since,
    }
}

/// `GET /api/v1/campaigns`.
#[utoipa::path(
    get,
    path = "/api/v1/campaigns",
    tag = "newsletter",
    summary = "Campaigns with counts, newest first, at most 200 (staff)",
    responses((status = 200, description = "Campaigns", body = Vec<CampaignOut>))
)]
pub async fn list_campaigns(
    _staff: ApiStaff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let list = state
        .db
        .run(|c| {
            let list = campaigns::list(c, 200)?;
            list.into_iter()
                .map(|x| campaigns::stats(c, &x).map(|s| campaign_json(&x, &s)))
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// `GET /api/v1/campaigns/{id}`: status and counts.
#[utoipa::path(
    get,
    path = "/api/v1/campaigns/{id}",
    tag = "newsletter",
    summary = "A campaign: status and counts (staff)",
    params(("id" = i64, Path, description = "The campaign")),
    responses((status = 200, description = "The campaign", body = CampaignOut))
)]
pub async fn show_campaign(
    _staff: ApiStaff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let found = state
        .db
        .run(move |c| {
            let Some(x) = campaigns::find(c, id)? else {
                return Ok::<_, diesel::result::Error>(None);
            };
            let s = campaigns::stats(c, &x)?;
            Ok(Some(campaign_json(&x, &s)))
        })
        .await?;
    found
        .map(|j| HttpResponse::Ok().json(j))
        .ok_or(AppError::NotFound)
}

/// Optional body of `POST /api/v1/campaigns/{id}/send`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(as = SendCampaign)]
pub struct SendBody {
    /// When to start (RFC 3339); missing or null: now.
    #[schema(format = DateTime)]
    scheduled_at: Option<String>,
}

/// `POST /api/v1/campaigns/{id}/send`: now, or at `scheduled_at` (RFC 3339). A second call
/// changes nothing.
#[utoipa::path(
    post,
    path = "/api/v1/campaigns/{id}/send",
    tag = "newsletter",
    summary = "Send now, or schedule with scheduled_at (staff); a second call changes nothing",
    params(("id" = i64, Path, description = "The campaign")),
    request_body(content = Option<SendBody>, description = "Optional; an empty body sends now"),
    responses(
        (status = 202, description = "Started or scheduled", body = CampaignState),
        (status = 422, description = "scheduled_at is not an RFC 3339 time.", body = ErrorBody)
    )
)]
pub async fn send_campaign(
    staff: ApiStaff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: JsonBody,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let b: SendBody = if body.is_blank() {
        SendBody::default()
    } else {
        body.parse()?
    };
    let at = match b.scheduled_at.as_deref() {
        None => None,
        Some(t) => Some(crate::time::parse_rfc3339(t).ok_or_else(|| {
            AppError::invalid_field(
                "scheduled_at",
                Message::new("newsletter.staff.invalid_datetime"),
            )
        })?),
    };
    let actor = staff.0.clone();
    let result = state
        .db
        .run(move |c| {
            service::send_campaign(c, &actor, id, at, "api")?;
            let c2 = campaigns::find(c, id)?;
            Ok::<_, diesel::result::Error>(c2)
        })
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Accepted().json(CampaignState {
        id,
        status: result.status,
    }))
}

/// Applies a transition and answers with the campaign's new status (409 when its state does not
/// allow it).
async fn transition(
    staff: ApiStaff,
    state: web::Data<AppState>,
    id: i64,
    action: campaigns::Transition,
) -> Result<HttpResponse, AppError> {
    let actor = staff.0.clone();
    let (changed, c) = state
        .db
        .run(move |c| {
            let changed = action.apply(c, &actor, id)?;
            Ok::<_, diesel::result::Error>((changed, campaigns::find(c, id)?))
        })
        .await?;
    let (Some(changed), Some(c)) = (changed, c) else {
        return Err(AppError::NotFound);
    };
    if !changed {
        return Err(AppError::Conflict(Message::new(
            "newsletter.staff.not_editable",
        )));
    }
    Ok(HttpResponse::Ok().json(CampaignState {
        id,
        status: c.status,
    }))
}

/// `POST /api/v1/campaigns/{id}/pause`.
#[utoipa::path(
    post,
    path = "/api/v1/campaigns/{id}/pause",
    tag = "newsletter",
    summary = "Pause sending; queued mails are held (staff; audited)",
    params(("id" = i64, Path, description = "The campaign")),
    responses(
        (status = 200, description = "The new status", body = CampaignState),
        (status = 409, description = "The campaign's status does not allow it.", body = ErrorBody)
    )
)]
pub async fn pause_campaign(
    staff: ApiStaff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    transition(staff, state, id.into_inner(), campaigns::Transition::Pause).await
}

/// `POST /api/v1/campaigns/{id}/resume`.
#[utoipa::path(
    post,
    path = "/api/v1/campaigns/{id}/resume",
    tag = "newsletter",
    summary = "Resume sending (staff; audited)",
    params(("id" = i64, Path, description = "The campaign")),
    responses(
        (status = 200, description = "The new status", body = CampaignState),
        (status = 409, description = "The campaign's status does not allow it.", body = ErrorBody)
    )
)]
pub async fn resume_campaign(
    staff: ApiStaff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    transition(staff, state, id.into_inner(), campaigns::Transition::Resume).await
}

/// `POST /api/v1/campaigns/{id}/cancel`.
#[utoipa::path(
    post,
    path = "/api/v1/campaigns/{id}/cancel",
    tag = "newsletter",
    summary = "Cancel; queued mails are removed (staff; audited)",
    params(("id" = i64, Path, description = "The campaign")),
    responses(
        (status = 200, description = "The new status", body = CampaignState),
        (status = 409, description = "The campaign's status does not allow it.", body = ErrorBody)
    )
)]
pub async fn cancel_campaign(
    staff: ApiStaff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    transition(staff, state, id.into_inner(), campaigns::Transition::Cancel).await
}

/// `POST /api/v1/bounces`: a returned mail as the body, raw: a DSN (RFC 3464) or an
/// unsubscribe request sent to the `mailto:` of `List-Unsubscribe`.
#[utoipa::path(
    post,
    path = "/api/v1/bounces",
    tag = "newsletter",
    summary = "Feed a returned mail, raw: a DSN (RFC 3464; hard bounces suppress at once, soft ones after three in a row) or an unsubscribe request sent to the mailto: of List-Unsubscribe (subject `unsubscribe <token>`) (staff; audited)",
    request_body(content((String = "message/rfc822"), (String = "text/plain")), description = "The returned mail as received"),
    responses(
        (status = 200, description = "What was done", body = BounceResult),
        (status = 422, description = "Neither a DSN nor an unsubscribe request.", body = ErrorBody)
    )
)]
pub async fn post_bounce(
    staff: ApiStaff,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let mut returned = bounces::Returned::default();
    returned.add(&body);
    if returned.other > 0 {
        return Err(AppError::Invalid(Message::new(
            "newsletter.staff.bounce_unrecognized",
        )));
    }
    let actor = staff.0.clone();
    let (applied, unsubscribed) = state
        .db
        .run(move |c| service::apply_returned(c, &actor, &returned, "api"))
        .await?;
    Ok(HttpResponse::Ok().json(BounceResult {
        processed: applied
            .into_iter()
            .map(|a| BounceApplied {
                recipient: a.recipient,
                status: a.status,
                suppressed: a.suppressed,
                known: a.known,
            })
            .collect(),
        unsubscribed: unsubscribed as i64,
    }))
}

/// The paths of the newsletter API in the document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    create_subscriber,
    list_subscribers,
    delete_subscriber,
    list_topics,
    create_topic,
    create_campaign,
    list_campaigns,
    show_campaign,
    send_campaign,
    pause_campaign,
    resume_campaign,
    cancel_campaign,
    post_bounce
))]
pub struct Doc;
