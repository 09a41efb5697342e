//! Calendar feeds: every upcoming seminar (`/seminars.ics`) and one seminar
//! (`/seminars/{id}.ics`, also attached to registration mails). The public feeds are kept in
//! memory per content version ([`super::pages::PublicPages`]), never stale.

use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::ical::{self, Event};
use super::model::{Seminar, SeminarStatus};
use super::pages::{FeedKey, PublicPages};
use crate::error::{AppError, Message};
use crate::web::AppState;
use crate::web::input::Query;
use crate::web::lang::negotiate;

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

fn calendar_response(body: Bytes) -> HttpResponse {
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

/// `GET /seminars.ics`: upcoming seminars, optionally by industry and prefecture (kept in
/// memory per content version, see [`super::pages`]).
pub async fn all(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<PublicPages>,
    q: Query<FeedQuery>,
) -> Result<HttpResponse, AppError> {
    let key = FeedKey {
        industry: q.industry.clone().filter(|s| !s.is_empty()),
        prefecture: match q.prefecture.as_deref().filter(|s| !s.is_empty()) {
            Some(p) => Some(p.parse().map_err(|_| {
                AppError::bad_field("prefecture", Message::new("input.invalid_value"))
            })?),
            None => None,
        },
        lang: negotiate(&req),
    };
    let body = pages.into_inner().feed(&state, key).await?;
    Ok(calendar_response(body))
}

/// `GET /seminars/{id}.ics` (kept in memory per content version, see [`super::pages`]).
pub async fn one(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<PublicPages>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let body = pages
        .into_inner()
        .calendar(&state, path.into_inner(), negotiate(&req))
        .await?;
    Ok(calendar_response(body))
}
