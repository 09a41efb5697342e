//! Calendar feeds: every upcoming seminar (`/seminars.ics`) and one seminar
//! (`/seminars/{id}.ics`, also attached to registration mails).

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::ical::{self, Event};
use super::model::{Seminar, SeminarStatus};
use super::queries::{self, Filter};
use crate::error::{AppError, Message};
use crate::web::AppState;
use crate::web::ctx::Page;
use crate::web::input::Query;

/// The host part of UIDs, from the base URL.
fn uid_host(base_url: &str) -> &str {
    base_url
        .split("://")
        .nth(1)
        .unwrap_or(base_url)
        .split(['/', ':'])
        .next()
        .unwrap_or("localhost")
}

/// The calendar event of a seminar.
pub fn event(seminar: &Seminar, base_url: &str, lang: views::Lang) -> Event {
    let url = format!("{base_url}/seminars/{}", seminar.id);
    let mut description = seminar.summary.clone();
    if !description.is_empty() {
        description.push_str("\n\n");
    }
    description.push_str(&url);
    Event {
        uid: format!("seminar-{}@{}", seminar.id, uid_host(base_url)),
        sequence: seminar.sequence,
        stamp: seminar.updated_at,
        start: seminar.starts_at,
        end: seminar.ends_at,
        summary: seminar.title.clone(),
        description,
        location: super::place_text(seminar, lang),
        url,
        cancelled: seminar.status == SeminarStatus::Cancelled,
    }
}

/// A calendar with one seminar.
pub fn single(seminar: &Seminar, base_url: &str, lang: views::Lang) -> String {
    ical::calendar(&seminar.title, &[event(seminar, base_url, lang)])
}

fn calendar_response(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .body(body)
}

/// Filters of the feed.
#[derive(Debug, Deserialize)]
pub struct FeedQuery {
    /// Industry code.
    pub industry: Option<String>,
    /// Prefecture code.
    pub prefecture: Option<String>,
}

/// `GET /seminars.ics`: upcoming seminars, optionally by industry and prefecture.
pub async fn all(
    page: Page,
    state: web::Data<AppState>,
    q: Query<FeedQuery>,
) -> Result<HttpResponse, AppError> {
    let filter = Filter {
        industry: q.industry.clone().filter(|s| !s.is_empty()),
        prefecture: match q.prefecture.as_deref().filter(|s| !s.is_empty()) {
            Some(p) => Some(p.parse().map_err(|_| {
                AppError::bad_field("prefecture", Message::new("input.invalid_value"))
            })?),
            None => None,
        },
        ..Filter::default()
    };
    let list = state
        .db
        .run(move |c| queries::list_public(c, &filter, crate::time::now_utc()))
        .await?;
    let base = state.config.base_url.trim_end_matches('/').to_string();
    let events: Vec<Event> = list.iter().map(|s| event(s, &base, page.lang)).collect();
    Ok(calendar_response(ical::calendar(
        page.t("seminars.feed_name"),
        &events,
    )))
}

/// `GET /seminars/{id}.ics`.
pub async fn one(
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let seminar = state.db.run(move |c| queries::find_public(c, id)).await?;
    let base = state.config.base_url.trim_end_matches('/').to_string();
    Ok(calendar_response(single(&seminar, &base, page.lang)))
}
