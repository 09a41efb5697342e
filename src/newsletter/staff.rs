//! The back office of the newsletter (`/staff/newsletter`): campaigns, subscribers, import and
//! export, topics. Every write, the export and every read of a person's details are audited.

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;
use views::newsletter::staff as sv;

use super::campaigns::{self, Campaign, SendResult};
use super::forms::{self, Errors, Fields};
use super::labels;
use super::links::Links;
use super::queries::{self as q, SubscriberFilter};
use super::{csvio, subscribe};
use crate::accounts::{StaffUser, audit};
use crate::db::DbConn;
use crate::error::AppError;
use crate::web::AppState;
use crate::web::ctx::{Page, html, html_status};

type Options = Vec<(String, String)>;

fn see_other(to: String) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((LOCATION, to))
        .finish()
}

fn topic_options(conn: &mut DbConn, lang: views::Lang) -> diesel::QueryResult<Options> {
    Ok(q::list_topics(conn, true)?
        .into_iter()
        .map(|t| (t.code.clone(), t.label(lang).to_string()))
        .collect())
}

fn codes(o: &Options) -> Vec<String> {
    o.iter().map(|(c, _)| c.clone()).collect()
}

fn topics_label(page: &Page, topics: &Option<Vec<String>>, options: &Options) -> String {
    match topics {
        None => page.t("newsletter.all_topics").to_string(),
        Some(list) => list
            .iter()
            .map(|t| crate::reference::label_of(options, t))
            .collect::<Vec<_>>()
            .join("、"),
    }
}

fn when(page: &Page, c: &Campaign) -> String {
    c.sent_at
        .or(c.started_at)
        .or(c.scheduled_at)
        .map(|t| crate::time::format_datetime(t, page.lang))
        .unwrap_or_default()
}

/// `GET /staff/newsletter`.
pub async fn dashboard(
    _staff: StaffUser,
    page: Page,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let lang = page.lang;
    let (list, counts, options) = state
        .db
        .run(move |c| {
            Ok::<_, diesel::result::Error>((
                campaigns::list(c, 200)?,
                q::status_counts(c)?,
                topic_options(c, lang)?,
            ))
        })
        .await?;
    let count = |s: &str| counts.iter().find(|(k, _)| k == s).map_or(0, |(_, n)| *n);
    let summary = vec![
        (
            page.t("newsletter.staff.active_subscribers").to_string(),
            count(q::ACTIVE),
        ),
        (
            page.t("newsletter.staff.pending_subscribers").to_string(),
            count(q::PENDING),
        ),
    ];
    let rows: Vec<sv::CampaignRow> = list
        .iter()
        .map(|c| sv::CampaignRow {
            id: c.id,
            subject: c.subject.clone(),
            status: page.t(labels::campaign_status(&c.status)).to_string(),
            topics: topics_label(&page, &c.topic_list(), &options),
            when: when(&page, c),
        })
        .collect();
    Ok(html(sv::dashboard(&page, &summary, &rows)))
}

/// Query of the subscriber list.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    done: String,
}

/// `GET /staff/newsletter/subscribers` (audited).
pub async fn subscribers(
    staff: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let lang = page.lang;
    let filter = SubscriberFilter {
        q: crate::validate::line(&query.q, false, 200).unwrap_or_default(),
        status: q::STATUSES
            .iter()
            .find(|s| **s == query.status)
            .map(|s| s.to_string()),
        topic: Some(query.topic.clone()).filter(|t| !t.is_empty()),
    };
    let actor = staff.0.clone();
    let (list, topics, options) = state
        .db
        .run(move |c| {
            let list = q::search(c, &filter, 500)?;
            let ids: Vec<i64> = list.iter().map(|s| s.id).collect();
            let topics = q::topics_of_many(c, &ids)?;
            audit::record(
                c,
                Some(&actor),
                "newsletter.subscriber.list",
                "newsletter_subscriber",
                None,
                json!({ "count": list.len() }),
            )?;
            Ok::<_, diesel::result::Error>((list, topics, topic_options(c, lang)?))
        })
        .await?;
    let rows: Vec<sv::SubscriberRow> = list
        .iter()
        .map(|s| sv::SubscriberRow {
            id: s.id,
            email: s.email.clone(),
            name: s.name.clone(),
            company: s.company.clone(),
            status: page.t(labels::subscriber_status(&s.status)).to_string(),
            topics: topics
                .iter()
                .filter(|(id, _)| *id == s.id)
                .map(|(_, t)| crate::reference::label_of(&options, t))
                .collect::<Vec<_>>()
                .join("、"),
        })
        .collect();
    let statuses: Options = q::STATUSES
        .iter()
        .map(|s| {
            (
                s.to_string(),
                page.t(labels::subscriber_status(s)).to_string(),
            )
        })
        .collect();
    let search = sv::SubscriberSearch {
        q: query.q,
        status: query.status,
        topic: query.topic,
    };
    let notice = (query.done == "unsubscribed").then_some("newsletter.staff.unsubscribed_notice");
    Ok(html(sv::subscribers(
        &page, &search, &statuses, &options, &rows, notice,
    )))
}

/// `GET /staff/newsletter/subscribers/{id}`: details and consent history (audited).
pub async fn subscriber(
    staff: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let actor = staff.0.clone();
    let lang = page.lang;
    let (s, topics, history, options) = state
        .db
        .run(move |c| {
            let s = q::find(c, id)?.ok_or(diesel::result::Error::NotFound)?;
            audit::record(
                c,
                Some(&actor),
                "newsletter.subscriber.view",
                "newsletter_subscriber",
                Some(id.to_string()),
                json!({}),
            )?;
            Ok::<_, diesel::result::Error>((
                s,
                q::topics_of(c, id)?,
                q::history(c, id)?,
                topic_options(c, lang)?,
            ))
        })
        .await?;
    let t = |k: &'static str| page.t(k).to_string();
    let facts = vec![
        (t("newsletter.email"), s.email.clone()),
        (t("newsletter.name"), s.name.clone()),
        (t("newsletter.company"), s.company.clone()),
        (
            t("newsletter.status"),
            t(labels::subscriber_status(&s.status)),
        ),
        (
            t("newsletter.topics"),
            topics
                .iter()
                .map(|x| crate::reference::label_of(&options, x))
                .collect::<Vec<_>>()
                .join("、"),
        ),
        (
            t("newsletter.staff.consent_source"),
            s.consent_source.clone(),
        ),
        (
            t("newsletter.staff.created"),
            crate::time::format_datetime(s.created_at, page.lang),
        ),
        (
            t("newsletter.staff.bounces"),
            format!("{}/{}", s.hard_bounces, s.soft_bounces),
        ),
    ];
    let history = history
        .iter()
        .map(|e| {
            (
                crate::time::format_datetime(e.at, page.lang),
                t(labels::event(&e.event)),
                e.source.clone(),
            )
        })
        .collect();
    Ok(html(sv::subscriber(
        &page,
        &sv::SubscriberDetail {
            id,
            facts,
            history,
            can_unsubscribe: matches!(s.status.as_str(), q::ACTIVE | q::PAUSED | q::PENDING),
        },
    )))
}

/// `POST /staff/newsletter/subscribers/{id}/unsubscribe`.
pub async fn unsubscribe(
    staff: StaffUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let actor = staff.0.clone();
    state
        .db
        .run(move |c| {
            c.write_transaction(|c| {
                let s = q::find(c, id)?.ok_or(diesel::result::Error::NotFound)?;
                q::end_subscription(c, &s, q::UNSUBSCRIBED, &format!("staff:{}", actor.id))?;
                audit::record(
                    c,
                    Some(&actor),
                    "newsletter.subscriber.unsubscribe",
                    "newsletter_subscriber",
                    Some(id.to_string()),
                    json!({}),
                )
            })
        })
        .await?;
    Ok(see_other(
        "/staff/newsletter/subscribers?done=unsubscribed".into(),
    ))
}

/// `GET /staff/newsletter/export.csv` (audited).
pub async fn export(
    staff: StaffUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let actor = staff.0.clone();
    let (list, topics) = state
        .db
        .run(move |c| {
            let list = q::search(c, &SubscriberFilter::default(), i64::MAX)?;
            let ids: Vec<i64> = list.iter().map(|s| s.id).collect();
            let topics = q::topics_of_many(c, &ids)?;
            audit::record(
                c,
                Some(&actor),
                "newsletter.subscriber.export",
                "newsletter_subscriber",
                None,
                json!({ "count": list.len() }),
            )?;
            Ok::<_, diesel::result::Error>((list, topics))
        })
        .await?;
    let opt = |t: Option<chrono::NaiveDateTime>| t.map(crate::time::rfc3339).unwrap_or_default();
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|s| {
            vec![
                s.email.clone(),
                s.name.clone(),
                s.company.clone(),
                s.prefecture.map(|p| p.to_string()).unwrap_or_default(),
                s.industry.clone().unwrap_or_default(),
                s.status.clone(),
                topics
                    .iter()
                    .filter(|(id, _)| *id == s.id)
                    .map(|(_, t)| t.as_str())
                    .collect::<Vec<_>>()
                    .join(";"),
                s.consent_source.clone(),
                opt(s.consented_at),
                opt(s.confirmed_at),
                crate::time::rfc3339(s.created_at),
            ]
        })
        .collect();
    let body = csvio::write(
        &[
            "email",
            "name",
            "company",
            "prefecture",
            "industry",
            "status",
            "topics",
            "consent_source",
            "consented_at",
            "confirmed_at",
            "created_at",
        ],
        &rows,
    );
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"newsletter-subscribers.csv\"",
        ))
        .insert_header(("Cache-Control", "no-store"))
        .body(body))
}

/// `GET /staff/newsletter/import`.
pub async fn import_form(
    _staff: StaffUser,
    page: Page,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let lang = page.lang;
    let topics = state.db.run(move |c| topic_options(c, lang)).await?;
    Ok(html(sv::import(
        &page,
        &sv::ImportView {
            topics,
            ..Default::default()
        },
    )))
}

/// `POST /staff/newsletter/import`: all rows or none.
pub async fn import(
    staff: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<Fields>,
) -> Result<HttpResponse, AppError> {
    let lang = page.lang;
    let topics = state.db.run(move |c| topic_options(c, lang)).await?;
    let known = codes(&topics);
    let mut view = sv::ImportView {
        csv: form.get("csv").to_string(),
        consent_source: form.get("consent_source").to_string(),
        chosen: form.all("topics"),
        topics,
        ..Default::default()
    };
    let mut e = Errors::new(lang);
    let source = e.check(
        "consent_source",
        crate::validate::line(&view.consent_source, true, 200),
    );
    let defaults = e.check("topics", forms::check_topics(&view.chosen, &known));
    let csv = e.check("csv", crate::validate::text(&view.csv, true, 5_000_000));
    let rows = if e.is_empty() {
        match csvio::parse_import(&csv, &defaults, &known, lang) {
            Ok(rows) => rows,
            Err(row_errors) => {
                view.row_errors = row_errors;
                Vec::new()
            }
        }
    } else {
        Vec::new()
    };
    if !e.is_empty() || !view.row_errors.is_empty() {
        view.errors = e.errors;
        return Ok(html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            sv::import(&page, &view),
        ));
    }
    let (mailer, links, base) = (
        state.mailer.clone(),
        Links::from_config(&state.config),
        state.config.base_url.clone(),
    );
    let actor = staff.0.clone();
    let count = rows.len();
    let source = format!("import: {source}");
    state
        .db
        .run(move |c| {
            c.write_transaction(|c| {
                subscribe::import(c, &mailer, &links, &base, &rows, &source)?;
                audit::record(
                    c,
                    Some(&actor),
                    "newsletter.subscriber.import",
                    "newsletter_subscriber",
                    None,
                    json!({ "rows": rows.len(), "consent_source": source }),
                )
            })
        })
        .await?;
    let view = sv::ImportView {
        topics: view.topics,
        imported: Some(count),
        ..Default::default()
    };
    Ok(html(sv::import(&page, &view)))
}

/// `GET /staff/newsletter/topics`.
pub async fn topics(
    _staff: StaffUser,
    page: Page,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let list = state.db.run(|c| q::list_topics(c, true)).await?;
    let rows: Vec<(String, String, String)> = list
        .into_iter()
        .map(|t| (t.code, t.label_ja, t.label_en))
        .collect();
    Ok(html(sv::topics(
        &page,
        &rows,
        &Default::default(),
        &Default::default(),
    )))
}

/// `POST /staff/newsletter/topics`: adds a topic.
pub async fn add_topic(
    staff: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<Fields>,
) -> Result<HttpResponse, AppError> {
    let values = (
        form.get("code").trim().to_string(),
        form.get("label_ja").to_string(),
        form.get("label_en").to_string(),
    );
    let mut e = Errors::new(page.lang);
    if !forms::check_topic_code(&values.0) {
        e.add("code", "newsletter.staff.invalid_code");
    }
    let ja = e.check("label_ja", crate::validate::line(&values.1, true, 100));
    let en = e.check("label_en", crate::validate::line(&values.2, true, 100));
    let actor = staff.0.clone();
    let code = values.0.clone();
    let valid = e.is_empty();
    let (added, list) = state
        .db
        .run(move |c| {
            c.write_transaction(|c| {
                let added = valid && q::add_topic(c, &code, &ja, &en)?;
                if added {
                    audit::record(
                        c,
                        Some(&actor),
                        "newsletter.topic.create",
                        "newsletter_topic",
                        Some(code.clone()),
                        json!({}),
                    )?;
                }
                Ok::<_, diesel::result::Error>((added, q::list_topics(c, true)?))
            })
        })
        .await?;
    if valid && !added {
        e.add("code", "newsletter.staff.topic_exists");
    }
    let rows: Vec<(String, String, String)> = list
        .into_iter()
        .map(|t| (t.code, t.label_ja, t.label_en))
        .collect();
    if !e.is_empty() {
        return Ok(html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            sv::topics(&page, &rows, &values, &e.errors),
        ));
    }
    Ok(see_other("/staff/newsletter/topics".into()))
}

/// `GET /staff/newsletter/campaigns/new`.
pub async fn new_campaign(
    _staff: StaffUser,
    page: Page,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let lang = page.lang;
    let topics = state.db.run(move |c| topic_options(c, lang)).await?;
    Ok(html(sv::compose(
        &page,
        &sv::ComposeView {
            action: "/staff/newsletter/campaigns".into(),
            topics,
            ..Default::default()
        },
    )))
}

/// `POST /staff/newsletter/preview`: the rendered HTML and text of a Markdown body, for the
/// live preview (CSRF token in `X-CSRF-Token`).
pub async fn live_preview(_staff: StaffUser, form: web::Form<Fields>) -> HttpResponse {
    let (html_part, text_part) = preview(form.get("body_markdown"));
    HttpResponse::Ok().json(json!({ "html": html_part, "text": text_part }))
}

fn preview(markdown: &str) -> (String, String) {
    (
        super::markdown::to_html(markdown),
        super::markdown::to_text(markdown),
    )
}

/// The body with the "upcoming seminars" block appended.
async fn with_upcoming(
    state: &AppState,
    lang: views::Lang,
    body: &str,
) -> Result<String, AppError> {
    let base = state.config.base_url.clone();
    let items = state
        .db
        .run(move |c| super::upcoming::list(c, &base, lang, 10))
        .await?;
    let block = super::upcoming::markdown(&items, lang);
    Ok(if block.is_empty() {
        body.to_string()
    } else {
        format!("{}\n\n{block}", body.trim_end())
    })
}

fn compose_from(form: &Fields, action: String, topics: Options) -> sv::ComposeView {
    sv::ComposeView {
        action,
        subject: form.get("subject").to_string(),
        body_markdown: form.get("body_markdown").to_string(),
        chosen: form.all("topics"),
        topics,
        ..Default::default()
    }
}

/// `POST /staff/newsletter/campaigns`: preview, or save a new draft.
pub async fn create_campaign(
    staff: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<Fields>,
) -> Result<HttpResponse, AppError> {
    let lang = page.lang;
    let topics = state.db.run(move |c| topic_options(c, lang)).await?;
    let known = codes(&topics);
    let mut view = compose_from(&form, "/staff/newsletter/campaigns".into(), topics);
    if form.get("action") == "insert_upcoming" {
        view.body_markdown = with_upcoming(&state, lang, &view.body_markdown).await?;
        view.preview = Some(preview(&view.body_markdown));
        return Ok(html(sv::compose(&page, &view)));
    }
    let mut e = Errors::new(lang);
    let draft = forms::check_draft(
        &view.subject,
        &view.body_markdown,
        &view.chosen,
        &known,
        &mut e,
    );
    if !e.is_empty() || form.get("action") == "preview" {
        view.preview = Some(preview(&view.body_markdown));
        let status = if e.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        view.errors = e.errors;
        return Ok(html_status(status, sv::compose(&page, &view)));
    }
    let actor = staff.0.clone();
    let id = state
        .db
        .run(move |c| {
            c.write_transaction(|c| {
                let id = campaigns::create(
                    c,
                    &draft.subject,
                    &draft.body_markdown,
                    &draft.topics,
                    Some(actor.id),
                )?;
                audit::record(
                    c,
                    Some(&actor),
                    "newsletter.campaign.create",
                    "newsletter_campaign",
                    Some(id.to_string()),
                    json!({ "topics": draft.topics }),
                )?;
                Ok::<_, diesel::result::Error>(id)
            })
        })
        .await?;
    Ok(see_other(format!(
        "/staff/newsletter/campaigns/{id}?done=saved"
    )))
}

/// Query of the campaign page.
#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

fn done_notice(done: &str) -> Option<&'static str> {
    Some(match done {
        "saved" => "newsletter.staff.saved",
        "test" => "newsletter.staff.test_sent",
        "started" => "newsletter.staff.sending_started",
        "scheduled" => "newsletter.staff.scheduled_notice",
        "paused" => "newsletter.staff.paused_notice",
        "resumed" => "newsletter.staff.resumed_notice",
        "cancelled" => "newsletter.staff.cancelled_notice",
        _ => return None,
    })
}

async fn campaign_view(
    page: &Page,
    state: &AppState,
    id: i64,
) -> Result<(sv::CampaignView, Campaign, Options), AppError> {
    let lang = page.lang;
    let (c, stats, options) = state
        .db
        .run(move |conn| {
            let c = campaigns::find(conn, id)?.ok_or(diesel::result::Error::NotFound)?;
            let stats = campaigns::stats(conn, &c)?;
            Ok::<_, diesel::result::Error>((c, stats, topic_options(conn, lang)?))
        })
        .await?;
    let t = |k: &'static str| page.t(k).to_string();
    let facts = vec![
        (t("newsletter.staff.subject"), c.subject.clone()),
        (
            t("newsletter.status"),
            t(labels::campaign_status(&c.status)),
        ),
        (
            t("newsletter.topics"),
            topics_label(page, &c.topic_list(), &options),
        ),
        (t("newsletter.staff.when"), when(page, &c)),
        (t("newsletter.staff.audience"), stats.audience.to_string()),
        (t("newsletter.staff.queued"), stats.queued.to_string()),
        (t("newsletter.staff.sent"), stats.sent.to_string()),
        (t("newsletter.staff.failed"), stats.failed.to_string()),
        (
            t("newsletter.staff.unsubscribed_since"),
            stats.unsubscribed_since.to_string(),
        ),
    ];
    let editor = (c.status == campaigns::DRAFT).then(|| sv::ComposeView {
        action: format!("/staff/newsletter/campaigns/{id}"),
        subject: c.subject.clone(),
        body_markdown: c.body_markdown.clone(),
        topics: options.clone(),
        chosen: c.topic_list().unwrap_or_default(),
        ..Default::default()
    });
    let view = sv::CampaignView {
        id,
        status: c.status.clone(),
        facts,
        editor,
        preview: preview(&c.body_markdown),
        notice: None,
        errors: Default::default(),
    };
    Ok((view, c, options))
}

/// `GET /staff/newsletter/campaigns/{id}`.
pub async fn campaign(
    _staff: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    let (mut view, _, _) = campaign_view(&page, &state, id.into_inner()).await?;
    view.notice = done_notice(&query.done);
    Ok(html(sv::campaign(&page, &view)))
}

/// `POST /staff/newsletter/campaigns/{id}`: preview or save the draft.
pub async fn update_campaign(
    staff: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<Fields>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (mut view, c, options) = campaign_view(&page, &state, id).await?;
    if c.status != campaigns::DRAFT {
        return Err(AppError::Conflict(crate::error::Message::new(
            "newsletter.staff.not_editable",
        )));
    }
    let known = codes(&options);
    let mut editor = compose_from(&form, format!("/staff/newsletter/campaigns/{id}"), options);
    if form.get("action") == "insert_upcoming" {
        editor.body_markdown = with_upcoming(&state, page.lang, &editor.body_markdown).await?;
        view.preview = preview(&editor.body_markdown);
        view.editor = Some(editor);
        return Ok(html(sv::campaign(&page, &view)));
    }
    let mut e = Errors::new(page.lang);
    let draft = forms::check_draft(
        &editor.subject,
        &editor.body_markdown,
        &editor.chosen,
        &known,
        &mut e,
    );
    if !e.is_empty() || form.get("action") == "preview" {
        let status = if e.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        view.preview = preview(&editor.body_markdown);
        editor.errors = e.errors;
        view.editor = Some(editor);
        return Ok(html_status(status, sv::campaign(&page, &view)));
    }
    let actor = staff.0.clone();
    let saved = state
        .db
        .run(move |c| {
            c.write_transaction(|c| {
                let saved = campaigns::update_draft(
                    c,
                    id,
                    &draft.subject,
                    &draft.body_markdown,
                    &draft.topics,
                )?;
                if saved {
                    audit::record(
                        c,
                        Some(&actor),
                        "newsletter.campaign.update",
                        "newsletter_campaign",
                        Some(id.to_string()),
                        json!({ "topics": draft.topics }),
                    )?;
                }
                Ok::<_, diesel::result::Error>(saved)
            })
        })
        .await?;
    if !saved {
        return Err(AppError::Conflict(crate::error::Message::new(
            "newsletter.staff.not_editable",
        )));
    }
    Ok(see_other(format!(
        "/staff/newsletter/campaigns/{id}?done=saved"
    )))
}

/// `POST /staff/newsletter/campaigns/{id}/test`: a copy to the signed-in staff member.
pub async fn send_test(
    staff: StaffUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let actor = staff.0.clone();
    let (mailer, links) = (state.mailer.clone(), Links::from_config(&state.config));
    state
        .db
        .run(move |c| {
            c.write_transaction(|c| {
                let campaign = campaigns::find(c, id)?.ok_or(diesel::result::Error::NotFound)?;
                let mail =
                    campaigns::test_mail(&links, &campaign, &actor.email, &actor.name, &actor.lang);
                mailer.enqueue(c, &mail)?;
                audit::record(
                    c,
                    Some(&actor),
                    "newsletter.campaign.test",
                    "newsletter_campaign",
                    Some(id.to_string()),
                    json!({}),
                )
            })
        })
        .await?;
    Ok(see_other(format!(
        "/staff/newsletter/campaigns/{id}?done=test"
    )))
}

/// `POST /staff/newsletter/campaigns/{id}/send`: now, or at `scheduled_at` (Tokyo time).
pub async fn send(
    staff: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<Fields>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let at_text = form.get("scheduled_at").trim().to_string();
    let at = if at_text.is_empty() {
        None
    } else {
        let mut e = Errors::new(page.lang);
        match crate::time::parse_local_input(&at_text) {
            Some(t) if t > crate::time::now_utc() => Some(t),
            Some(_) => {
                e.add("scheduled_at", "newsletter.staff.schedule_in_past");
                None
            }
            None => {
                e.add("scheduled_at", "newsletter.staff.invalid_datetime");
                None
            }
        };
        if !e.is_empty() {
            let (mut view, _, _) = campaign_view(&page, &state, id).await?;
            view.errors = e.errors;
            return Ok(html_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                sv::campaign(&page, &view),
            ));
        }
        crate::time::parse_local_input(&at_text)
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
                    "newsletter.campaign.send",
                    "newsletter_campaign",
                    Some(id.to_string()),
                    json!({ "scheduled": r == SendResult::Scheduled }),
                )?;
            }
            Ok::<_, diesel::result::Error>(r)
        })
        .await?
        .ok_or(AppError::NotFound)?;
    let done = match result {
        SendResult::Scheduled => "scheduled",
        _ => "started",
    };
    Ok(see_other(format!(
        "/staff/newsletter/campaigns/{id}?done={done}"
    )))
}

async fn transition(
    staff: StaffUser,
    state: web::Data<AppState>,
    id: i64,
    action: &'static str,
    done: &'static str,
    f: fn(&mut DbConn, i64) -> diesel::QueryResult<Option<bool>>,
) -> Result<HttpResponse, AppError> {
    let actor = staff.0.clone();
    let changed = state
        .db
        .run(move |c| {
            let changed = f(c, id)?;
            if changed == Some(true) {
                audit::record(
                    c,
                    Some(&actor),
                    action,
                    "newsletter_campaign",
                    Some(id.to_string()),
                    json!({}),
                )?;
            }
            Ok::<_, diesel::result::Error>(changed)
        })
        .await?
        .ok_or(AppError::NotFound)?;
    let done = if changed { done } else { "" };
    Ok(see_other(format!(
        "/staff/newsletter/campaigns/{id}?done={done}"
    )))
}

/// `POST /staff/newsletter/campaigns/{id}/pause`.
pub async fn pause(
    staff: StaffUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    transition(
        staff,
        state,
        id.into_inner(),
        "newsletter.campaign.pause",
        "paused",
        campaigns::pause,
    )
    .await
}

/// `POST /staff/newsletter/campaigns/{id}/resume`.
pub async fn resume(
    staff: StaffUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    transition(
        staff,
        state,
        id.into_inner(),
        "newsletter.campaign.resume",
        "resumed",
        campaigns::resume,
    )
    .await
}

/// `POST /staff/newsletter/campaigns/{id}/cancel`.
pub async fn cancel(
    staff: StaffUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    transition(
        staff,
        state,
        id.into_inner(),
        "newsletter.campaign.cancel",
        "cancelled",
        campaigns::cancel,
    )
    .await
}
