//! Subscribers in the back office: list, details with the consent history, manual
//! unsubscribe, CSV import and export, topics.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;
use views::newsletter::staff as sv;

use super::{Options, codes, topic_options};
use crate::accounts::StaffUser;
use crate::audit;
use crate::error::AppError;
use crate::newsletter::csvio;
use crate::newsletter::forms::{self, Errors, Fields};
use crate::newsletter::labels;
use crate::newsletter::links::Links;
use crate::newsletter::queries::{self as q, SubscriberFilter};
use crate::newsletter::service::{self, ListAction, can_unsubscribe};
use crate::reference;
use crate::web::AppState;
use crate::web::confirm::ConfirmForm;
use crate::web::ctx::{Page, html, html_status};
use crate::web::input::{Form, Query};
use crate::web::see_other;

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
    query: Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let lang = page.lang;
    let filter = SubscriberFilter {
        q: crate::validate::line(&query.q, false, 200).unwrap_or_default(),
        status: q::SubscriberStatus::parse(&query.status),
        topic: Some(query.topic.clone()).filter(|t| !t.is_empty()),
    };
    let actor = staff.0.clone();
    let (list, topics, options) = state
        .db
        .run(move |c| {
            let (list, topics) =
                service::list_subscribers(c, &actor, &filter, 500, ListAction::List, "page")?;
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
            status: page.t(labels::subscriber_status(s.status)).to_string(),
            topics: topics
                .iter()
                .filter(|(id, _)| *id == s.id)
                .map(|(_, t)| crate::reference::label_of(&options, t))
                .collect::<Vec<_>>()
                .join("、"),
        })
        .collect();
    let statuses: Options = q::SubscriberStatus::ALL
        .iter()
        .map(|s| {
            (
                s.as_str().to_string(),
                page.t(labels::subscriber_status(*s)).to_string(),
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
                audit::Action::NewsletterSubscriberView,
                audit::Target::NewsletterSubscriber,
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
            t(labels::subscriber_status(s.status)),
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
            can_unsubscribe: can_unsubscribe(s.status),
        },
    )))
}

/// The confirmation page of a manual unsubscribe: whose, and what it does.
async fn unsubscription(
    page: &Page,
    state: &AppState,
    id: i64,
) -> Result<views::confirm::Confirmation, AppError> {
    let s = state
        .db
        .run(move |c| q::find(c, id)?.ok_or(diesel::result::Error::NotFound))
        .await?;
    let t = |k: &'static str| page.t(k).to_string();
    let detail = format!("/staff/newsletter/subscribers/{id}");
    Ok(views::confirm::Confirmation {
        title: t("newsletter.unsubscribe_confirm_title"),
        subject: if s.name.trim().is_empty() {
            s.email.clone()
        } else {
            format!("{} <{}>", s.name, s.email)
        },
        consequences: vec![
            t("newsletter.unsubscribe_confirm_stop"),
            t("newsletter.unsubscribe_confirm_history"),
        ],
        action: format!("{detail}/unsubscribe"),
        hidden: Vec::new(),
        button: t("newsletter.unsubscribe_confirm_button"),
        danger: true,
        back: (detail, t("newsletter.unsubscribe_confirm_back")),
        blocked: (!can_unsubscribe(s.status)).then(|| t("newsletter.unsubscribe_confirm_ended")),
        section: "/staff/newsletter",
    })
}

/// `GET /staff/newsletter/subscribers/{id}/unsubscribe`: what unsubscribing will do.
pub async fn unsubscribe_page(
    _staff: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let view = unsubscription(&page, &state, id.into_inner()).await?;
    Ok(html(views::confirm::confirmation(&page, &view)))
}

/// `POST /staff/newsletter/subscribers/{id}/unsubscribe`: with `confirm=1`, ends the
/// subscription (audited, in the consent history); without it, the confirmation page.
pub async fn unsubscribe(
    staff: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: Form<ConfirmForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    if !form.given() {
        let view = unsubscription(&page, &state, id).await?;
        return Ok(html(views::confirm::confirmation(&page, &view)));
    }
    let actor = staff.0.clone();
    let ended = state
        .db
        .run(move |c| service::unsubscribe(c, &actor, id, "page"))
        .await?
        .ok_or(AppError::NotFound)?;
    if !ended {
        return Err(AppError::Conflict(crate::error::Message::new(
            "newsletter.unsubscribe_confirm_ended",
        )));
    }
    Ok(see_other("/staff/newsletter/subscribers?done=unsubscribed"))
}

/// `GET /staff/newsletter/export.csv` (audited): headers and values in the staff user's
/// language (prefecture, industry, status and topics as labels), their codes in extra columns
/// at the end.
pub async fn export(
    staff: StaffUser,
    page: Page,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let actor = staff.0.clone();
    let lang = page.lang;
    let (list, topics, refs) = state
        .db
        .run(move |c| {
            let (list, topics) = service::list_subscribers(
                c,
                &actor,
                &SubscriberFilter::default(),
                i64::MAX,
                ListAction::Export,
                "page",
            )?;
            let refs = (
                reference::prefectures(c, lang)?,
                reference::industries(c, lang)?,
                topic_options(c, lang)?,
            );
            Ok::<_, diesel::result::Error>((list, topics, refs))
        })
        .await?;
    let (prefectures, industries, topic_labels) = refs;
    let opt =
        |t: Option<chrono::NaiveDateTime>| t.map(crate::time::sheet_datetime).unwrap_or_default();
    let label = |o: &Options, code: &str| {
        if code.is_empty() {
            String::new()
        } else {
            reference::label_of(o, code)
        }
    };
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|s| {
            let mine: Vec<&str> = topics
                .iter()
                .filter(|(id, _)| *id == s.id)
                .map(|(_, t)| t.as_str())
                .collect();
            let prefecture = s.prefecture.map(|p| p.to_string()).unwrap_or_default();
            let industry = s.industry.clone().unwrap_or_default();
            vec![
                s.email.clone(),
                s.name.clone(),
                s.company.clone(),
                label(&prefectures, &prefecture),
                label(&industries, &industry),
                page.t(labels::subscriber_status(s.status)).to_string(),
                mine.iter()
                    .map(|t| label(&topic_labels, t))
                    .collect::<Vec<_>>()
                    .join("、"),
                s.consent_source.clone(),
                opt(s.consented_at),
                opt(s.confirmed_at),
                crate::time::sheet_datetime(s.created_at),
                prefecture,
                industry,
                s.status.to_string(),
                mine.join(";"),
            ]
        })
        .collect();
    let headers: Vec<&str> = [
        "newsletter.email",
        "newsletter.name",
        "newsletter.company",
        "newsletter.prefecture",
        "newsletter.industry",
        "newsletter.status",
        "newsletter.topics",
        "newsletter.csv.consent_source",
        "newsletter.csv.consented_at",
        "newsletter.csv.confirmed_at",
        "newsletter.csv.created_at",
        "newsletter.csv.code_prefecture",
        "newsletter.csv.code_industry",
        "newsletter.csv.code_status",
        "newsletter.csv.code_topics",
    ]
    .iter()
    .map(|k| page.t(k))
    .collect();
    let body = csvio::write(&headers, &rows);
    Ok(crate::csv_file::attachment(
        "newsletter-subscribers.csv",
        body,
    ))
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
    form: Form<Fields>,
) -> Result<HttpResponse, AppError> {
    form.single_values(forms::is_list_field)?;
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
            let mail = service::ConfirmationMail {
                mailer: &mailer,
                links: &links,
                base_url: &base,
            };
            service::import_subscribers(c, &mail, &actor, &rows, &source, "page").map(|_| ())
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
    form: Form<Fields>,
) -> Result<HttpResponse, AppError> {
    form.single_values(forms::is_list_field)?;
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
            let added = valid && service::add_topic(c, &actor, &code, &ja, &en, "page")?;
            Ok::<_, diesel::result::Error>((added, q::list_topics(c, true)?))
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
    Ok(see_other("/staff/newsletter/topics"))
}
