//! The public pages: subscribe, confirm, preferences, unsubscribe, archive and its feed.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use views::Lang;
use views::components::Tone;
use views::newsletter as v;

use super::forms::{self, Fields, Known};
use super::links::Links;
use super::queries::{self as q, Subscriber};
use super::{campaigns, feed, labels, subscribe};
use crate::db::DbConn;
use crate::error::AppError;
use crate::reference;
use crate::web::AppState;
use crate::web::ctx::{Page, html, html_status};
use crate::web::input::{self, Form};

/// Options of the subscribe form and the codes they allow.
pub struct Options {
    /// (code, label) of active topics.
    pub topics: Vec<(String, String)>,
    /// Prefectures.
    pub prefectures: Vec<(String, String)>,
    /// Industries.
    pub industries: Vec<(String, String)>,
}

impl Options {
    /// Loads the options in `lang`.
    pub fn load(conn: &mut DbConn, lang: Lang) -> diesel::QueryResult<Self> {
        Ok(Self {
            topics: q::list_topics(conn, false)?
                .into_iter()
                .map(|t| (t.code.clone(), t.label(lang).to_string()))
                .collect(),
            prefectures: reference::prefectures(conn, lang)?,
            industries: reference::industries(conn, lang)?,
        })
    }

    /// The allowed codes.
    pub fn known(&self) -> Known {
        let codes = |o: &[(String, String)]| o.iter().map(|(c, _)| c.clone()).collect();
        Known {
            topics: codes(&self.topics),
            prefectures: codes(&self.prefectures),
            industries: codes(&self.industries),
        }
    }
}

fn subscribe_view(
    o: Options,
    values: v::SubscribeValues,
    errors: views::forms::FormErrors,
) -> v::SubscribeView {
    v::SubscribeView {
        topics: o.topics,
        prefectures: o.prefectures,
        industries: o.industries,
        values,
        errors,
        upcoming: None,
    }
}

/// `GET /newsletter`.
pub async fn index(page: Page, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let lang = page.lang;
    let base = state.config.base_url.clone();
    let (options, upcoming) = state
        .db
        .run(move |c| {
            Ok::<_, diesel::result::Error>((
                Options::load(c, lang)?,
                super::upcoming::list(c, &base, lang, 5)?,
            ))
        })
        .await?;
    let values = v::SubscribeValues::default();
    let mut view = subscribe_view(options, values, Default::default());
    let items: Vec<(String, String, String)> = upcoming
        .into_iter()
        .map(|u| (u.title, u.when, u.url))
        .collect();
    view.upcoming = (!items.is_empty()).then(|| v::upcoming_block(&page, &items));
    Ok(html(v::subscribe_page(&page, &view)))
}

/// `POST /newsletter/subscribe`: double opt-in; the answer is the same whatever the address.
pub async fn subscribe(
    req: HttpRequest,
    page: Page,
    state: web::Data<AppState>,
    form: Form<Fields>,
) -> Result<HttpResponse, AppError> {
    form.single_values(forms::is_list_field)?;
    state.limits.check_ip(&req, "newsletter_subscribe")?;
    let lang = page.lang;
    let options = state.db.run(move |c| Options::load(c, lang)).await?;
    let (values, parsed) = forms::parse_subscribe(&form, &options.known(), lang);
    let request = match parsed {
        Ok(r) => r,
        Err(errors) => {
            return Ok(html_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                v::subscribe_page(&page, &subscribe_view(options, values, errors)),
            ));
        }
    };
    state
        .limits
        .check_address(&request.email, "newsletter_subscribe")?;
    let mailer = state.mailer.clone();
    let base_url = state.config.base_url.clone();
    state
        .db
        .run(move |c| subscribe::subscribe(c, &mailer, &base_url, &request))
        .await?;
    Ok(html(v::check_mail_page(&page)))
}

fn invalid_link(page: &Page) -> HttpResponse {
    html_status(StatusCode::NOT_FOUND, v::invalid_link_page(page))
}

/// `GET /newsletter/confirm/{token}`: a button, so that a mail scanner following the link
/// confirms nothing.
pub async fn confirm_page(
    page: Page,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let t = token.clone();
    let links = Links::from_config(&state.config);
    match state.db.run(move |c| subscribe::link_state(c, &t)).await? {
        subscribe::LinkState::Usable => Ok(html(v::confirm_button_page(
            &page,
            "newsletter.confirm_title",
            "newsletter.confirm_text",
            "newsletter.confirm_button",
            &format!("/newsletter/confirm/{token}"),
        ))),
        subscribe::LinkState::Subscribed(s) => Ok(html(v::confirmed_page(
            &page,
            &links.preferences_url(&s.pref_nonce),
            false,
        ))),
        subscribe::LinkState::Invalid => Ok(invalid_link(&page)),
    }
}

/// `POST /newsletter/confirm/{token}`: confirms (and queues the welcome mail), or says the
/// address is subscribed already when the link was used before.
pub async fn confirm(
    page: Page,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let links = Links::from_config(&state.config);
    let (l, mailer) = (links.clone(), state.mailer.clone());
    let (link, now) = state
        .db
        .run(move |c| subscribe::confirm(c, &l, &mailer, &token))
        .await?;
    match link {
        subscribe::LinkState::Subscribed(s) => Ok(html(v::confirmed_page(
            &page,
            &links.preferences_url(&s.pref_nonce),
            now,
        ))),
        _ => Ok(invalid_link(&page)),
    }
}

fn preferences_view(
    page: &Page,
    s: &Subscriber,
    chosen: Vec<String>,
    topics: Vec<(String, String)>,
    token: &str,
    saved: Option<&'static str>,
    errors: views::forms::FormErrors,
) -> v::PreferencesView {
    v::PreferencesView {
        email: s.email.clone(),
        status_label: page.t(labels::subscriber_status(s.status)).to_string(),
        paused: s.status == q::SubscriberStatus::Paused,
        ended: matches!(
            s.status,
            q::SubscriberStatus::Unsubscribed
                | q::SubscriberStatus::Suppressed
                | q::SubscriberStatus::Pending
        ),
        topics,
        chosen,
        action: format!("/newsletter/preferences/{token}"),
        saved,
        errors,
    }
}

/// `GET /newsletter/preferences/{token}`: no login, the link is the key.
pub async fn preferences(
    page: Page,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let lang = page.lang;
    let t = token.clone();
    let found = state
        .db
        .run(move |c| {
            let Some(s) = q::find_by_pref_token(c, &t)? else {
                return Ok::<_, diesel::result::Error>(None);
            };
            let chosen = q::topics_of(c, s.id)?;
            Ok(Some((s, chosen, Options::load(c, lang)?.topics)))
        })
        .await?;
    let Some((s, chosen, topics)) = found else {
        return Ok(invalid_link(&page));
    };
    Ok(html(v::preferences_page(
        &page,
        &preferences_view(&page, &s, chosen, topics, &token, None, Default::default()),
    )))
}

/// `POST /newsletter/preferences/{token}`: save topics, pause, resume or unsubscribe.
pub async fn update_preferences(
    page: Page,
    state: web::Data<AppState>,
    token: web::Path<String>,
    form: Form<Fields>,
) -> Result<HttpResponse, AppError> {
    form.single_values(forms::is_list_field)?;
    let token = token.into_inner();
    let lang = page.lang;
    let action = input::action(
        form.get("action"),
        &["save", "pause", "resume", "unsubscribe"],
    )?;
    let chosen = form.all("topics");
    let t = token.clone();
    let result = state
        .db
        .run(move |c| {
            c.write_transaction(|c| {
                let Some(s) = q::find_by_pref_token(c, &t)? else {
                    return Ok::<_, diesel::result::Error>(None);
                };
                let topics = Options::load(c, lang)?.topics;
                let known: Vec<String> = topics.iter().map(|(c, _)| c.clone()).collect();
                let mut errors = forms::Errors::new(lang);
                let saved = match action {
                    "save"
                        if matches!(
                            s.status,
                            q::SubscriberStatus::Active | q::SubscriberStatus::Paused
                        ) =>
                    {
                        let valid = errors.check("topics", forms::check_topics(&chosen, &known));
                        if chosen.is_empty() {
                            errors.add("topics", "newsletter.topics_required");
                        }
                        if errors.is_empty() {
                            q::set_topics(c, s.id, &valid)?;
                            q::record_event(
                                c,
                                s.id,
                                "topics_changed",
                                "preferences",
                                serde_json::json!({ "topics": valid }),
                            )?;
                            Some("newsletter.saved_topics")
                        } else {
                            None
                        }
                    }
                    "pause" if s.status == q::SubscriberStatus::Active => {
                        q::set_status(c, s.id, q::SubscriberStatus::Paused)?;
                        q::drop_queued_newsletters(c, &s.email)?;
                        q::record_event(c, s.id, "paused", "preferences", serde_json::json!({}))?;
                        Some("newsletter.saved_paused")
                    }
                    "resume" if s.status == q::SubscriberStatus::Paused => {
                        q::set_status(c, s.id, q::SubscriberStatus::Active)?;
                        q::record_event(c, s.id, "resumed", "preferences", serde_json::json!({}))?;
                        Some("newsletter.saved_resumed")
                    }
                    "unsubscribe" => {
                        q::end_subscription(
                            c,
                            &s,
                            q::SubscriberStatus::Unsubscribed,
                            "preferences",
                        )?;
                        Some("newsletter.unsubscribed_text")
                    }
                    _ => None,
                };
                let s = q::find(c, s.id)?.ok_or(diesel::result::Error::NotFound)?;
                let current = if errors.is_empty() {
                    q::topics_of(c, s.id)?
                } else {
                    chosen.clone()
                };
                Ok(Some((s, current, topics, saved, errors.errors)))
            })
        })
        .await?;
    let Some((s, current, topics, saved, errors)) = result else {
        return Ok(invalid_link(&page));
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(html_status(
        status,
        v::preferences_page(
            &page,
            &preferences_view(&page, &s, current, topics, &token, saved, errors),
        ),
    ))
}

/// `GET /newsletter/unsubscribe/{token}`: a confirm button only (link scanners change nothing).
pub async fn unsubscribe_page(
    page: Page,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let t = token.clone();
    if state
        .db
        .run(move |c| q::find_by_pref_token(c, &t))
        .await?
        .is_none()
    {
        return Ok(invalid_link(&page));
    }
    Ok(html(v::confirm_button_page(
        &page,
        "newsletter.unsubscribe_title",
        "newsletter.unsubscribe_text",
        "newsletter.unsubscribe",
        &format!("/newsletter/unsubscribe/{token}"),
    )))
}

/// `POST /newsletter/unsubscribe/{token}`: RFC 8058 one-click unsubscribe, at once, with no
/// CSRF token and no login (the CSRF middleware exempts this path).
pub async fn unsubscribe(
    page: Page,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let done = state
        .db
        .run(move |c| {
            c.write_transaction(|c| {
                let Some(s) = q::find_by_pref_token(c, &token)? else {
                    return Ok::<_, diesel::result::Error>(false);
                };
                q::end_subscription(c, &s, q::SubscriberStatus::Unsubscribed, "one-click")?;
                Ok(true)
            })
        })
        .await?;
    if !done {
        return Ok(invalid_link(&page));
    }
    Ok(html(v::message_page(
        &page,
        "newsletter.unsubscribed_title",
        "newsletter.unsubscribed_text",
        Tone::Success,
    )))
}

/// `GET /newsletter/archive`: the sent issues.
pub async fn archive(page: Page, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let list = state.db.run(|c| campaigns::list_published(c, 500)).await?;
    let items: Vec<v::ArchiveItem> = list
        .iter()
        .map(|c| v::ArchiveItem {
            href: format!("/newsletter/archive/{}", c.id),
            subject: c.subject.clone(),
            date: c
                .started_at
                .map(|t| crate::time::format_date(t, page.lang))
                .unwrap_or_default(),
        })
        .collect();
    Ok(html(v::archive_page(&page, &items)))
}

/// `GET /newsletter/archive/{id}`: one sent issue.
pub async fn issue(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let c = state
        .db
        .run(move |c| campaigns::find(c, id))
        .await?
        .filter(campaigns::is_published)
        .ok_or(AppError::NotFound)?;
    let r = campaigns::render(&c);
    let date = c
        .started_at
        .map(|t| crate::time::format_date(t, page.lang))
        .unwrap_or_default();
    Ok(html(v::issue_page(&page, &r.subject, &date, &r.html)))
}

/// `GET /newsletter/archive.atom`: the archive as an Atom feed.
pub async fn atom(page: Page, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let list = state.db.run(|c| campaigns::list_published(c, 50)).await?;
    let body = feed::atom(
        &state.config.base_url,
        page.t("newsletter.feed_title"),
        &list,
    );
    Ok(HttpResponse::Ok()
        .content_type("application/atom+xml; charset=utf-8")
        .body(body))
}
