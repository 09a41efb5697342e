//! Campaigns in the back office: compose with preview, test, send or schedule, pause, resume,
//! cancel.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;
use views::newsletter::staff as sv;

use super::{Options, codes, topic_options, topics_label, when};
use crate::accounts::StaffUser;
use crate::error::AppError;
use crate::newsletter::campaigns::{self, Campaign, SendResult};
use crate::newsletter::forms::{self, Errors, Fields};
use crate::newsletter::labels;
use crate::newsletter::links::Links;
use crate::newsletter::service;
use crate::web::AppState;
use crate::web::ctx::{Page, html, html_status};
use crate::web::input::{self, Form, Query};
use crate::web::see_other;

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

/// The buttons of the compose form; saving is what a form without a button value does.
const COMPOSE_ACTIONS: &[&str] = &["save", "preview", "insert_upcoming"];

/// `POST /staff/newsletter/preview`: the rendered HTML and text of a Markdown body, for the
/// live preview (CSRF token in `X-CSRF-Token`).
pub async fn live_preview(_staff: StaffUser, form: Form<Fields>) -> Result<HttpResponse, AppError> {
    form.single_values(forms::is_list_field)?;
    let (html_part, text_part) = preview(form.get("body_markdown"));
    Ok(HttpResponse::Ok().json(json!({ "html": html_part, "text": text_part })))
}

fn preview(markdown: &str) -> (String, String) {
    (
        crate::markdown::to_html(markdown),
        crate::markdown::to_text(markdown),
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
        .run(move |c| crate::newsletter::upcoming::list(c, &base, lang, 10))
        .await?;
    let block = crate::newsletter::upcoming::markdown(&items, lang);
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
    form: Form<Fields>,
) -> Result<HttpResponse, AppError> {
    form.single_values(forms::is_list_field)?;
    let lang = page.lang;
    let topics = state.db.run(move |c| topic_options(c, lang)).await?;
    let known = codes(&topics);
    let action = input::action(form.get("action"), COMPOSE_ACTIONS)?;
    let mut view = compose_from(&form, "/staff/newsletter/campaigns".into(), topics);
    if action == "insert_upcoming" {
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
    if !e.is_empty() || action == "preview" {
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
        .run(move |c| service::create_campaign(c, &actor, &draft, "page"))
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
            let mut stats = campaigns::stats(conn, &c)?;
            if matches!(
                c.status,
                campaigns::CampaignStatus::Draft | campaigns::CampaignStatus::Scheduled
            ) {
                // Fixed when sending starts; until then, whom the topics reach now.
                stats.audience = campaigns::count_audience(conn, &c.topic_list(), i64::MAX)?;
            }
            Ok::<_, diesel::result::Error>((c, stats, topic_options(conn, lang)?))
        })
        .await?;
    let t = |k: &'static str| page.t(k).to_string();
    let facts = vec![
        (t("newsletter.staff.subject"), c.subject.clone()),
        (t("newsletter.status"), t(labels::campaign_status(c.status))),
        (
            t("newsletter.topics"),
            topics_label(page, &c.topic_list(), &options),
        ),
        (t("newsletter.staff.when"), when(page, &c)),
        (
            t(
                if matches!(
                    c.status,
                    campaigns::CampaignStatus::Draft | campaigns::CampaignStatus::Scheduled
                ) {
                    "newsletter.confirm.audience_now"
                } else {
                    "newsletter.staff.audience"
                },
            ),
            crate::web::confirm::count(stats.audience),
        ),
        (t("newsletter.staff.queued"), stats.queued.to_string()),
        (t("newsletter.staff.sent"), stats.sent.to_string()),
        (t("newsletter.staff.failed"), stats.failed.to_string()),
        (
            t("newsletter.staff.unsubscribed_since"),
            stats.unsubscribed_since.to_string(),
        ),
    ];
    let editor = (c.status == campaigns::CampaignStatus::Draft).then(|| sv::ComposeView {
        action: format!("/staff/newsletter/campaigns/{id}"),
        subject: c.subject.clone(),
        body_markdown: c.body_markdown.clone(),
        topics: options.clone(),
        chosen: c.topic_list().unwrap_or_default(),
        ..Default::default()
    });
    let view = sv::CampaignView {
        id,
        status: c.status.to_string(),
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
    query: Query<DoneQuery>,
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
    form: Form<Fields>,
) -> Result<HttpResponse, AppError> {
    form.single_values(forms::is_list_field)?;
    let id = id.into_inner();
    let (mut view, c, options) = campaign_view(&page, &state, id).await?;
    if c.status != campaigns::CampaignStatus::Draft {
        return Err(AppError::Conflict(crate::error::Message::new(
            "newsletter.staff.not_editable",
        )));
    }
    let action = input::action(form.get("action"), COMPOSE_ACTIONS)?;
    let known = codes(&options);
    let mut editor = compose_from(&form, format!("/staff/newsletter/campaigns/{id}"), options);
    if action == "insert_upcoming" {
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
    if !e.is_empty() || action == "preview" {
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
        .run(move |c| service::update_campaign(c, &actor, id, &draft, "page"))
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
        .run(move |c| service::send_test(c, &mailer, &links, &actor, id, "page"))
        .await?;
    Ok(see_other(format!(
        "/staff/newsletter/campaigns/{id}?done=test"
    )))
}

/// The confirmation page of sending (or scheduling) a campaign: whom it reaches, e.g.
/// 「「補助金・公募情報」の購読者 3,412 名に今すぐ配信します。」.
async fn send_confirmation(
    page: &Page,
    state: &AppState,
    id: i64,
    at: Option<chrono::NaiveDateTime>,
    at_text: &str,
) -> Result<views::confirm::Confirmation, AppError> {
    use crate::web::confirm::count;
    let lang = page.lang;
    let (c, audience, options) = state
        .db
        .run(move |conn| {
            let c = campaigns::find(conn, id)?.ok_or(diesel::result::Error::NotFound)?;
            let audience = campaigns::count_audience(conn, &c.topic_list(), i64::MAX)?;
            Ok::<_, diesel::result::Error>((c, audience, topic_options(conn, lang)?))
        })
        .await?;
    let who = match c.topic_list() {
        None => lang.tf("newsletter.confirm.everyone", &[("n", &count(audience))]),
        Some(_) => lang.tf(
            "newsletter.confirm.subscribers_of",
            &[
                ("topics", &topics_label(page, &c.topic_list(), &options)),
                ("n", &count(audience)),
            ],
        ),
    };
    let consequences = match at {
        None => vec![
            lang.tf("newsletter.confirm.now", &[("who", &who)]),
            lang.t("newsletter.confirm.now_final").to_string(),
        ],
        Some(t) => vec![
            lang.tf(
                "newsletter.confirm.at",
                &[
                    ("who", &who),
                    ("when", &crate::time::format_datetime(t, lang)),
                ],
            ),
            lang.t("newsletter.confirm.at_final").to_string(),
        ],
    };
    let blocked = (!matches!(
        c.status,
        campaigns::CampaignStatus::Draft | campaigns::CampaignStatus::Scheduled
    ))
    .then(|| lang.t("newsletter.confirm.not_sendable").to_string())
    .or_else(|| {
        (audience == 0 && at.is_none()).then(|| lang.t("newsletter.confirm.nobody").to_string())
    });
    Ok(views::confirm::Confirmation {
        title: lang
            .t(if at.is_some() {
                "newsletter.confirm.title_at"
            } else {
                "newsletter.confirm.title_now"
            })
            .to_string(),
        subject: c.subject.clone(),
        consequences,
        action: format!("/staff/newsletter/campaigns/{id}/send"),
        hidden: if at_text.is_empty() {
            Vec::new()
        } else {
            vec![("scheduled_at".into(), at_text.to_string())]
        },
        button: lang
            .t(if at.is_some() {
                "newsletter.confirm.button_at"
            } else {
                "newsletter.confirm.button_now"
            })
            .to_string(),
        danger: false,
        back: (
            format!("/staff/newsletter/campaigns/{id}"),
            lang.t("newsletter.confirm.back").to_string(),
        ),
        blocked,
        section: "/staff/newsletter",
    })
}

/// `POST /staff/newsletter/campaigns/{id}/send`: now, or at `scheduled_at` (Tokyo time); with
/// `confirm=1` only, else the confirmation page that says whom it reaches.
pub async fn send(
    staff: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: Form<Fields>,
) -> Result<HttpResponse, AppError> {
    form.single_values(forms::is_list_field)?;
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
    if !crate::web::confirm::is_given(form.get("confirm")) {
        let view = send_confirmation(&page, &state, id, at, &at_text).await?;
        return Ok(html(views::confirm::confirmation(&page, &view)));
    }
    let actor = staff.0.clone();
    let result = state
        .db
        .run(move |c| service::send_campaign(c, &actor, id, at, "page"))
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

/// `POST /staff/newsletter/campaigns/{id}/{pause|resume|cancel}`.
pub async fn transition(
    staff: StaffUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, campaigns::Transition)>,
) -> Result<HttpResponse, AppError> {
    let (id, action) = path.into_inner();
    let actor = staff.0.clone();
    let changed = state
        .db
        .run(move |c| action.apply(c, &actor, id))
        .await?
        .ok_or(AppError::NotFound)?;
    let done = if changed { action.done() } else { "" };
    Ok(see_other(format!(
        "/staff/newsletter/campaigns/{id}?done={done}"
    )))
}
