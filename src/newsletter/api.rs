//! The newsletter in the JSON API (staff): subscribers, topics, campaigns, bounces.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};

use super::bounces;
use super::campaigns::{self, Campaign, SendResult};
use super::forms::{self, check_topic_code};
use super::links::Links;
use super::queries::{self as q, SubscriberFilter};
use super::subscribe::{self, Import, ImportResult};
use crate::accounts::ApiStaff;
use crate::audit;
use crate::error::{AppError, FieldError, Message};
use crate::validate::{self, Invalid};
use crate::web::AppState;
use crate::web::input::JsonBody;
use crate::web::input::Query;

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
#[derive(Debug, Deserialize)]
pub struct NewSubscriberBody {
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    company: String,
    #[serde(default)]
    topics: Vec<String>,
    #[serde(default)]
    confirmed: bool,
    consent_source: String,
}

/// `POST /api/v1/subscribers`: imports one address with its consent source; 201 when new.
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
            c.write_transaction(|c| {
                let r = subscribe::import(
                    c,
                    &mailer,
                    &links,
                    &base,
                    std::slice::from_ref(&row),
                    &source,
                )?;
                let s = q::find_by_email(c, &row.email)?.ok_or(diesel::result::Error::NotFound)?;
                audit::record(
                    c,
                    Some(&actor),
                    audit::Action::NewsletterSubscriberImport,
                    audit::Target::NewsletterSubscriber,
                    Some(s.id.to_string()),
                    json!({ "consent_source": source, "confirmed": row.confirmed }),
                )?;
                Ok::<_, diesel::result::Error>((r.first().copied(), s))
            })
        })
        .await?;
    let body = json!({ "id": s.id, "email": s.email, "status": s.status });
    Ok(match result {
        Some(ImportResult::Created(_)) => HttpResponse::Created().json(body),
        _ => HttpResponse::Ok().json(body),
    })
}

/// Filters of `GET /api/v1/subscribers`.
#[derive(Debug, Deserialize)]
pub struct SubscriberQuery {
    #[serde(default)]
    q: String,
    status: Option<String>,
    topic: Option<String>,
}

/// `GET /api/v1/subscribers` (audited: a staff read of personal data).
pub async fn list_subscribers(
    staff: ApiStaff,
    state: web::Data<AppState>,
    query: Query<SubscriberQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let mut c = Checks::default();
    if let Some(s) = &query.status {
        c.check("status", validate::one_of(s, q::STATUSES).map(|_| ()));
    }
    let filter = SubscriberFilter {
        q: c.check("q", validate::line(&query.q, false, 200)),
        status: query.status,
        topic: query.topic.filter(|t| !t.is_empty()),
    };
    c.done()?;
    let actor = staff.0.clone();
    let list = state
        .db
        .run(move |c| {
            let list = q::search(c, &filter, 1000)?;
            let ids: Vec<i64> = list.iter().map(|s| s.id).collect();
            let topics = q::topics_of_many(c, &ids)?;
            audit::record(
                c,
                Some(&actor),
                audit::Action::NewsletterSubscriberList,
                audit::Target::NewsletterSubscriber,
                None,
                json!({ "count": list.len() }),
            )?;
            Ok::<_, diesel::result::Error>((list, topics))
        })
        .await?;
    let (list, topics) = list;
    let out: Vec<Value> = list
        .iter()
        .map(|s| {
            let mine: Vec<&str> = topics
                .iter()
                .filter(|(id, _)| *id == s.id)
                .map(|(_, t)| t.as_str())
                .collect();
            json!({
                "id": s.id, "email": s.email, "name": s.name, "company": s.company,
                "status": s.status, "topics": mine, "consent_source": s.consent_source,
                "created_at": crate::time::rfc3339(s.created_at),
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(out))
}

/// `DELETE /api/v1/subscribers/{id}`: removes the subscriber and its history.
pub async fn delete_subscriber(
    staff: ApiStaff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let actor = staff.0.clone();
    let found = state
        .db
        .run(move |c| {
            c.write_transaction(|c| {
                let Some(s) = q::find(c, id)? else {
                    return Ok::<_, diesel::result::Error>(false);
                };
                q::delete(c, &s)?;
                audit::record(
                    c,
                    Some(&actor),
                    audit::Action::NewsletterSubscriberDelete,
                    audit::Target::NewsletterSubscriber,
                    Some(id.to_string()),
                    json!({}),
                )?;
                Ok(true)
            })
        })
        .await?;
    if found {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(AppError::NotFound)
    }
}

/// `GET /api/v1/topics`.
pub async fn list_topics(
    _staff: ApiStaff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let list = state.db.run(|c| q::list_topics(c, true)).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Body of `POST /api/v1/topics`.
#[derive(Debug, Deserialize)]
pub struct NewTopicBody {
    code: String,
    label_ja: String,
    label_en: String,
}

/// `POST /api/v1/topics`: 201, or 409 when the code exists.
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
        .run(move |c| {
            c.write_transaction(|c| {
                let added = q::add_topic(c, &c2, &ja, &en)?;
                if added {
                    audit::record(
                        c,
                        Some(&actor),
                        audit::Action::NewsletterTopicCreate,
                        audit::Target::NewsletterTopic,
                        Some(c2.clone()),
                        json!({}),
                    )?;
                }
                Ok::<_, diesel::result::Error>(added)
            })
        })
        .await?;
    if !added {
        return Err(AppError::Conflict(Message::new(
            "newsletter.staff.topic_exists",
        )));
    }
    Ok(HttpResponse::Created().json(json!({ "code": code })))
}

/// Body of `POST /api/v1/campaigns`.
#[derive(Debug, Deserialize)]
pub struct NewCampaignBody {
    subject: String,
    body_markdown: String,
    #[serde(default)]
    topics: Vec<String>,
}

/// `POST /api/v1/campaigns`: a draft; 201 `{"id"}`.
pub async fn create_campaign(
    staff: ApiStaff,
    state: web::Data<AppState>,
    body: JsonBody,
) -> Result<HttpResponse, AppError> {
    let b: NewCampaignBody = body.parse()?;
    let known = topic_codes(&state).await?;
    let mut c = Checks::default();
    let subject = c.check("subject", validate::line(&b.subject, true, 200));
    let markdown = c.check(
        "body_markdown",
        validate::text(&b.body_markdown, true, 100_000),
    );
    let topics = c.check("topics", forms::check_topics(&b.topics, &known));
    c.done()?;
    let actor = staff.0.clone();
    let id = state
        .db
        .run(move |c| {
            c.write_transaction(|c| {
                let id = campaigns::create(c, &subject, &markdown, &topics, Some(actor.id))?;
                audit::record(
                    c,
                    Some(&actor),
                    audit::Action::NewsletterCampaignCreate,
                    audit::Target::NewsletterCampaign,
                    Some(id.to_string()),
                    json!({ "topics": topics }),
                )?;
                Ok::<_, diesel::result::Error>(id)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(json!({ "id": id, "status": campaigns::DRAFT })))
}

fn campaign_json(c: &Campaign, s: &campaigns::Stats) -> Value {
    json!({
        "id": c.id,
        "subject": c.subject,
        "status": c.status,
        "topics": c.topic_list(),
        "scheduled_at": c.scheduled_at.map(crate::time::rfc3339),
        "started_at": c.started_at.map(crate::time::rfc3339),
        "sent_at": c.sent_at.map(crate::time::rfc3339),
        "audience": s.audience,
        "queued": s.queued,
        "sent": s.sent,
        "failed": s.failed,
        "unsubscribed_since": s.unsubscribed_since,
        "bounced_since": s.bounced_since,
    })
}

/// `GET /api/v1/campaigns`.
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
#[derive(Debug, Default, Deserialize)]
pub struct SendBody {
    scheduled_at: Option<String>,
}

/// `POST /api/v1/campaigns/{id}/send`: now, or at `scheduled_at` (RFC 3339). A second call
/// changes nothing.
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
            let r = campaigns::send(c, id, at)?;
            if let Some(r) = r
                && r != SendResult::Unchanged
            {
                audit::record(
                    c,
                    Some(&actor),
                    audit::Action::NewsletterCampaignSend,
                    audit::Target::NewsletterCampaign,
                    Some(id.to_string()),
                    json!({ "scheduled": r == SendResult::Scheduled }),
                )?;
            }
            let c2 = campaigns::find(c, id)?;
            Ok::<_, diesel::result::Error>(c2)
        })
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Accepted().json(json!({ "id": id, "status": result.status })))
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
    Ok(HttpResponse::Ok().json(json!({ "id": id, "status": c.status })))
}

/// `POST /api/v1/campaigns/{id}/pause`.
pub async fn pause_campaign(
    staff: ApiStaff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    transition(staff, state, id.into_inner(), campaigns::Transition::Pause).await
}

/// `POST /api/v1/campaigns/{id}/resume`.
pub async fn resume_campaign(
    staff: ApiStaff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    transition(staff, state, id.into_inner(), campaigns::Transition::Resume).await
}

/// `POST /api/v1/campaigns/{id}/cancel`.
pub async fn cancel_campaign(
    staff: ApiStaff,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    transition(staff, state, id.into_inner(), campaigns::Transition::Cancel).await
}

/// `POST /api/v1/bounces`: a returned mail as the body, raw: a DSN (RFC 3464) or an
/// unsubscribe request sent to the `mailto:` of `List-Unsubscribe`.
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
        .run(move |c| {
            let applied = bounces::apply(c, &returned.bounces, "api")?;
            let unsubscribed = bounces::apply_unsubscribes(c, &returned.unsubscribes, "api")?;
            audit::record(
                c,
                Some(&actor),
                audit::Action::NewsletterBounceImport,
                audit::Target::NewsletterSubscriber,
                None,
                json!({ "bounces": applied.len(), "unsubscribed": unsubscribed }),
            )?;
            Ok::<_, diesel::result::Error>((applied, unsubscribed))
        })
        .await?;
    Ok(HttpResponse::Ok().json(json!({ "processed": applied, "unsubscribed": unsubscribed })))
}

/// The OpenAPI fragment of these endpoints.
pub fn openapi() -> Value {
    let err = |codes: &[u16]| crate::api::error_responses(codes);
    let with = |ok: (&str, Value), codes: &[u16]| {
        let mut r = err(codes);
        if let Value::Object(m) = &mut r {
            m.insert(ok.0.to_string(), ok.1);
        }
        r
    };
    let json_ok = |d: &str, schema: Value| json!({"description": d, "content": {"application/json": {"schema": schema}}});
    let body = |schema: Value| json!({"required": true, "content": {"application/json": {"schema": schema}}});
    let id_param =
        json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}]);
    let campaign_ref = json!({"$ref": "#/components/schemas/Campaign"});
    let transition = |summary: &str| {
        json!({"post": {
            "summary": summary, "tags": ["newsletter"], "parameters": id_param.clone(),
            "responses": with(("200", json_ok("New status", json!({"type": "object", "properties": {"id": {"type": "integer"}, "status": {"type": "string"}}}))), &[401, 403, 404, 409])
        }})
    };
    json!({
        "paths": {
            "/api/v1/subscribers": {
                "post": {
                    "summary": "Import one subscriber with a recorded consent (staff); confirmed=false sends a confirmation mail",
                    "tags": ["newsletter"],
                    "requestBody": body(json!({"$ref": "#/components/schemas/NewSubscriber"})),
                    "responses": with(("201", json_ok("Created", json!({"type": "object", "properties": {"id": {"type": "integer"}, "email": {"type": "string"}, "status": {"type": "string"}}}))), &[400, 401, 403, 422])
                },
                "get": {
                    "summary": "Subscribers (staff; audited)",
                    "tags": ["newsletter"],
                    "parameters": [
                        {"name": "q", "in": "query", "schema": {"type": "string"}},
                        {"name": "status", "in": "query", "schema": {"type": "string", "enum": q::STATUSES}},
                        {"name": "topic", "in": "query", "schema": {"type": "string"}}
                    ],
                    "responses": with(("200", json_ok("Subscribers", json!({"type": "array", "items": {"$ref": "#/components/schemas/Subscriber"}}))), &[401, 403, 422])
                }
            },
            "/api/v1/subscribers/{id}": {"delete": {
                "summary": "Delete a subscriber and its consent history (staff)",
                "tags": ["newsletter"], "parameters": id_param.clone(),
                "responses": with(("204", json!({"description": "Deleted"})), &[401, 403, 404])
            }},
            "/api/v1/topics": {
                "get": {"summary": "Newsletter topics", "tags": ["newsletter"],
                    "responses": with(("200", json_ok("Topics", json!({"type": "array", "items": {"$ref": "#/components/schemas/Topic"}}))), &[401, 403])},
                "post": {"summary": "Add a topic (staff)", "tags": ["newsletter"],
                    "requestBody": body(json!({"type": "object", "required": ["code", "label_ja", "label_en"], "properties": {"code": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,31}$"}, "label_ja": {"type": "string"}, "label_en": {"type": "string"}}})),
                    "responses": with(("201", json_ok("Created", json!({"type": "object", "properties": {"code": {"type": "string"}}}))), &[400, 401, 403, 409, 422])}
            },
            "/api/v1/campaigns": {
                "post": {"summary": "Create a campaign draft (staff)", "tags": ["newsletter"],
                    "requestBody": body(json!({"type": "object", "required": ["subject", "body_markdown"], "properties": {"subject": {"type": "string", "maxLength": 200}, "body_markdown": {"type": "string"}, "topics": {"type": "array", "items": {"type": "string"}, "description": "Topic codes; empty or missing: every subscriber"}}})),
                    "responses": with(("201", json_ok("Created", json!({"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}, "status": {"type": "string"}}}))), &[400, 401, 403, 422])},
                "get": {"summary": "Campaigns with counts (staff)", "tags": ["newsletter"],
                    "responses": with(("200", json_ok("Campaigns", json!({"type": "array", "items": campaign_ref.clone()}))), &[401, 403])}
            },
            "/api/v1/campaigns/{id}": {"get": {
                "summary": "A campaign: status and counts (staff)", "tags": ["newsletter"], "parameters": id_param.clone(),
                "responses": with(("200", json_ok("The campaign", campaign_ref)), &[401, 403, 404])
            }},
            "/api/v1/campaigns/{id}/send": {"post": {
                "summary": "Send now, or schedule with scheduled_at (staff); a second call changes nothing",
                "tags": ["newsletter"], "parameters": id_param.clone(),
                "requestBody": {"required": false, "content": {"application/json": {"schema": {"type": "object", "properties": {"scheduled_at": {"type": "string", "format": "date-time"}}}}}},
                "responses": with(("202", json_ok("Started or scheduled", json!({"type": "object", "properties": {"id": {"type": "integer"}, "status": {"type": "string"}}}))), &[400, 401, 403, 404, 422])
            }},
            "/api/v1/campaigns/{id}/pause": transition("Pause sending; queued mails are held (staff)"),
            "/api/v1/campaigns/{id}/resume": transition("Resume sending (staff)"),
            "/api/v1/campaigns/{id}/cancel": transition("Cancel; queued mails are removed (staff)"),
            "/api/v1/bounces": {"post": {
                "summary": "Feed a returned mail, raw: a DSN (RFC 3464; hard bounces suppress at once, soft ones after three in a row) or an unsubscribe request sent to the mailto: of List-Unsubscribe (subject `unsubscribe <token>`) (staff)",
                "tags": ["newsletter"],
                "requestBody": {"required": true, "content": {"message/rfc822": {"schema": {"type": "string"}}, "text/plain": {"schema": {"type": "string"}}}},
                "responses": with(("200", json_ok("What was done", json!({"type": "object", "properties": {"processed": {"type": "array", "items": {"type": "object", "properties": {"recipient": {"type": "string"}, "status": {"type": "string"}, "suppressed": {"type": "boolean"}, "known": {"type": "boolean"}}}}, "unsubscribed": {"type": "integer", "description": "Subscriptions ended by an unsubscribe request"}}}))), &[401, 403, 422])
            }}
        },
        "schemas": {
            "NewSubscriber": {"type": "object", "required": ["email", "consent_source"], "properties": {
                "email": {"type": "string", "format": "email"}, "name": {"type": "string"}, "company": {"type": "string"},
                "topics": {"type": "array", "items": {"type": "string"}, "description": "Topic codes; empty: every active topic"},
                "confirmed": {"type": "boolean", "description": "true: active at once (consent given elsewhere); false: a confirmation mail is sent"},
                "consent_source": {"type": "string", "description": "Where and when consent was given"}
            }},
            "Subscriber": {"type": "object", "properties": {
                "id": {"type": "integer"}, "email": {"type": "string"}, "name": {"type": "string"}, "company": {"type": "string"},
                "status": {"type": "string", "enum": q::STATUSES}, "topics": {"type": "array", "items": {"type": "string"}},
                "consent_source": {"type": "string"}, "created_at": {"type": "string", "format": "date-time"}
            }},
            "Topic": {"type": "object", "properties": {"code": {"type": "string"}, "label_ja": {"type": "string"}, "label_en": {"type": "string"}, "position": {"type": "integer"}, "active": {"type": "boolean"}}},
            "Campaign": {"type": "object", "required": ["status", "audience", "queued", "sent", "failed"], "properties": {
                "id": {"type": "integer"}, "subject": {"type": "string"},
                "status": {"type": "string", "enum": ["draft", "scheduled", "sending", "paused", "sent", "cancelled"]},
                "topics": {"type": "array", "items": {"type": "string"}, "nullable": true},
                "scheduled_at": {"type": "string", "format": "date-time", "nullable": true},
                "started_at": {"type": "string", "format": "date-time", "nullable": true},
                "sent_at": {"type": "string", "format": "date-time", "nullable": true},
                "audience": {"type": "integer"}, "queued": {"type": "integer"}, "sent": {"type": "integer"},
                "failed": {"type": "integer"}, "unsubscribed_since": {"type": "integer"}, "bounced_since": {"type": "integer"}
            }}
        }
    })
}
