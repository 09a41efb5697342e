//! The public pages of the programme served from memory: the list (every filter and page),
//! each seminar's page, the home page and the calendar feeds (`.ics`) are computed from the database once per content
//! version ([`crate::content_version`]) and language, kept as rendered fragments (`views::layout::Fragment`, in a [`KeptPage`]), and
//! framed per request (CSRF token, language switch, signed-in header are never kept).
//!
//! Never stale: every write to seminars and registrations raises the content version in its own
//! transaction (database triggers), each request reads the version fenced (a read that started
//! after the request arrived), and the version is read before the data. What changes by the
//! clock alone (a deadline passing, a seminar starting) ends a kept page at that moment
//! ([`super::queries::next_change`]). Kept are public pages only, the same for every visitor:
//! no personal data.

use std::sync::Arc;

use actix_web::web::Bytes;
use chrono::NaiveDateTime;
use views::forms::FormErrors;
use views::seminars::public::{ListView, SeminarCard, SeminarDetail};
use views::{Lang, PageCtx};

use super::handlers::{ListQuery, closed_reason, nonempty, page_href, parse_filter, parse_page};
use super::model::{SeminarStatus, name_list};
use super::queries;
use crate::content_version::PerVersion;
use crate::db::DbConn;
use crate::error::AppError;
use crate::reference;
use crate::web::AppState;
use crate::web::kept::KeptPage;

/// How many list pages (filter × page × language) are kept; about 40 KB each.
const LIST_PAGES: usize = 256;
/// How many seminar pages (seminar × language) are kept; about 20 KB each.
const SEMINAR_PAGES: usize = 512;
/// How many series pages (series × language) are kept.
const SERIES_PAGES: usize = 128;
/// How many calendar feeds (filter × language) are kept; up to 200 events each.
const FEEDS: usize = 64;
/// How many calendars of one seminar (seminar × language) are kept; about 1 KB each.
const CALENDARS: usize = 512;

/// The filters of a calendar feed, as the feed uses them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FeedKey {
    /// Industry code.
    pub industry: Option<String>,
    /// Prefecture code.
    pub prefecture: Option<i32>,
    /// The language of the texts.
    pub lang: Lang,
}

/// A list query with every value as the page uses it (trimmed, empty as absent): two queries
/// that show the same page share one key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct ListKey {
    lang: Lang,
    archive: bool,
    archive_value: Option<String>,
    industry: Option<String>,
    prefecture: Option<String>,
    format: Option<String>,
    month: Option<String>,
    page: u32,
}

/// The kept public pages of the programme (one per process, shared by the HTTP workers).
pub struct PublicPages {
    /// Stands for the CSRF token in kept pages: random, so no content contains it.
    placeholder: String,
    lists: PerVersion<ListKey, KeptPage>,
    seminars: PerVersion<(i64, Lang), KeptPage>,
    series: PerVersion<(i64, Lang), KeptPage>,
    homes: PerVersion<Lang, KeptPage>,
    feeds: PerVersion<FeedKey, Bytes>,
    calendars: PerVersion<(i64, Lang), Bytes>,
    /// The next moment a page may change by the clock, per version.
    next_change: PerVersion<(), Option<NaiveDateTime>>,
    /// The reference labels, per version and language.
    labels: reference::Kept,
}

impl Default for PublicPages {
    fn default() -> Self {
        Self::new()
    }
}

impl PublicPages {
    /// Nothing kept yet.
    pub fn new() -> Self {
        Self {
            placeholder: crate::web::csrf::placeholder(),
            lists: PerVersion::new(LIST_PAGES),
            seminars: PerVersion::new(SEMINAR_PAGES),
            series: PerVersion::new(SERIES_PAGES),
            homes: PerVersion::new(4),
            feeds: PerVersion::new(FEEDS),
            calendars: PerVersion::new(CALENDARS),
            next_change: PerVersion::new(1),
            labels: reference::Kept::default(),
        }
    }

    fn template(&self, lang: Lang) -> PageCtx {
        PageCtx::template(lang, &self.placeholder)
    }

    /// Until when a page computed now under `version` stays right by the clock.
    fn expiry(&self, c: &mut DbConn, version: u64) -> diesel::QueryResult<Option<NaiveDateTime>> {
        if let Some(until) = self.next_change.get(version, &()) {
            return Ok(*until);
        }
        let until = queries::next_change(c, crate::time::now_utc())?;
        Ok(*self.next_change.insert(version, (), until, until))
    }

    /// `GET /seminars`: the list page for `q` in `lang`; a 400 for a filter that cannot be
    /// read.
    pub async fn list(
        self: &Arc<Self>,
        state: &AppState,
        q: &ListQuery,
        lang: Lang,
    ) -> Result<Arc<KeptPage>, AppError> {
        let filter = parse_filter(q)?;
        let number = parse_page(q)?;
        let key = ListKey {
            lang,
            archive: filter.past,
            archive_value: nonempty(&q.archive),
            industry: nonempty(&q.industry),
            prefecture: nonempty(&q.prefecture),
            format: nonempty(&q.format),
            month: nonempty(&q.month),
            page: number,
        };
        let version = state.content.current().await?;
        if let Some(kept) = self.lists.get(version, &key) {
            return Ok(kept);
        }
        let pages = self.clone();
        let q = ListQuery {
            industry: key.industry.clone(),
            prefecture: key.prefecture.clone(),
            format: key.format.clone(),
            month: key.month.clone(),
            archive: q.archive.clone(),
            page: q.page.clone(),
        };
        state
            .db
            .run(move |c| {
                let until = pages.expiry(c, version)?;
                let view = list_view(c, &pages.labels, version, &q, number, lang)?;
                let ctx = pages.template(lang);
                let fragment = views::seminars::public::list_fragment(&ctx, &view);
                Ok::<_, AppError>(
                    pages
                        .lists
                        .insert(version, key, KeptPage::new(fragment), until),
                )
            })
            .await
    }

    /// `GET /seminars/{id}`: the page of a public seminar with its empty registration form.
    pub async fn seminar(
        self: &Arc<Self>,
        state: &AppState,
        id: i64,
        lang: Lang,
    ) -> Result<Arc<KeptPage>, AppError> {
        let version = state.content.current().await?;
        if let Some(kept) = self.seminars.get(version, &(id, lang)) {
            return Ok(kept);
        }
        let pages = self.clone();
        state
            .db
            .run(move |c| {
                let until = pages.expiry(c, version)?;
                let (detail, form) = seminar_view(c, &pages.labels, version, id, lang)?;
                let ctx = pages.template(lang);
                let fragment = views::seminars::public::show_fragment(&ctx, &detail, &form);
                Ok::<_, AppError>(pages.seminars.insert(
                    version,
                    (id, lang),
                    KeptPage::new(fragment),
                    until,
                ))
            })
            .await
    }

    /// `GET /series/{id}`: the page of a series with its sessions and empty registration form.
    pub async fn series(
        self: &Arc<Self>,
        state: &AppState,
        id: i64,
        lang: Lang,
    ) -> Result<Arc<KeptPage>, AppError> {
        let version = state.content.current().await?;
        if let Some(kept) = self.series.get(version, &(id, lang)) {
            return Ok(kept);
        }
        let pages = self.clone();
        state
            .db
            .run(move |c| {
                let until = pages.expiry(c, version)?;
                let (detail, form) =
                    super::series::public::detail(c, &pages.labels, version, id, lang)?;
                let ctx = pages.template(lang);
                let fragment = views::seminars::series::show_fragment(&ctx, &detail, &form);
                Ok::<_, AppError>(pages.series.insert(
                    version,
                    (id, lang),
                    KeptPage::new(fragment),
                    until,
                ))
            })
            .await
    }

    /// `GET /`: the home page with the next published seminars.
    pub async fn home(
        self: &Arc<Self>,
        state: &AppState,
        lang: Lang,
    ) -> Result<Arc<KeptPage>, AppError> {
        let version = state.content.current().await?;
        if let Some(kept) = self.homes.get(version, &lang) {
            return Ok(kept);
        }
        let pages = self.clone();
        state
            .db
            .run(move |c| {
                let until = pages.expiry(c, version)?;
                let upcoming = home_view(c, &pages.labels, version, lang)?;
                let ctx = pages.template(lang);
                let fragment = views::pages::home::home_fragment(
                    &ctx,
                    &views::pages::home::HomeView { upcoming },
                );
                Ok::<_, AppError>(
                    pages
                        .homes
                        .insert(version, lang, KeptPage::new(fragment), until),
                )
            })
            .await
    }
}

impl PublicPages {
    /// `GET /seminars.ics`: the calendar of the upcoming seminars for `key`, with links under
    /// `base_url`.
    pub async fn feed(self: &Arc<Self>, state: &AppState, key: FeedKey) -> Result<Bytes, AppError> {
        let version = state.content.current().await?;
        if let Some(kept) = self.feeds.get(version, &key) {
            return Ok(Bytes::clone(&kept));
        }
        let pages = self.clone();
        let base = state.config.base_url.trim_end_matches('/').to_string();
        state
            .db
            .run(move |c| {
                let until = pages.expiry(c, version)?;
                let filter = queries::Filter {
                    industry: key.industry.clone(),
                    prefecture: key.prefecture,
                    ..queries::Filter::default()
                };
                let list = queries::list_public(c, &filter, crate::time::now_utc())?;
                let events: Vec<_> = list
                    .iter()
                    .map(|s| super::feed::event(s, &base, key.lang))
                    .collect();
                let body = super::ical::calendar(key.lang.t("seminars.feed_name"), &events);
                let kept = pages.feeds.insert(version, key, Bytes::from(body), until);
                Ok::<_, AppError>(Bytes::clone(&kept))
            })
            .await
    }

    /// `GET /seminars/{id}.ics`: the calendar of one public seminar.
    pub async fn calendar(
        self: &Arc<Self>,
        state: &AppState,
        id: i64,
        lang: Lang,
    ) -> Result<Bytes, AppError> {
        let version = state.content.current().await?;
        if let Some(kept) = self.calendars.get(version, &(id, lang)) {
            return Ok(Bytes::clone(&kept));
        }
        let pages = self.clone();
        let base = state.config.base_url.trim_end_matches('/').to_string();
        state
            .db
            .run(move |c| {
                let until = pages.expiry(c, version)?;
                let seminar = queries::find_public(c, id)?;
                let body = super::feed::single(&seminar, &base, lang);
                let kept = pages
                    .calendars
                    .insert(version, (id, lang), Bytes::from(body), until);
                Ok::<_, AppError>(Bytes::clone(&kept))
            })
            .await
    }
}

/// The view of a list page, from the database.
fn list_view(
    c: &mut DbConn,
    labels: &reference::Kept,
    version: u64,
    q: &ListQuery,
    number: u32,
    lang: Lang,
) -> Result<ListView, AppError> {
    let filter = parse_filter(q)?;
    let now = crate::time::now_utc();
    let (list, more) = queries::list_public_page(c, &filter, now, number)?;
    let industries = labels.get(c, version, reference::Table::Industries, lang)?;
    let prefectures = labels.get(c, version, reference::Table::Prefectures, lang)?;
    let all_seats = queries::seats_many(c, &list)?;
    let mut series_ids: Vec<i64> = list.iter().filter_map(|s| s.series_id).collect();
    series_ids.sort_unstable();
    series_ids.dedup();
    let series = if series_ids.is_empty() {
        Default::default()
    } else {
        super::series::public::cards(c, &series_ids, lang)?
    };
    let items = list
        .iter()
        .map(|s| {
            let seats = all_seats.get(&s.id).cloned().unwrap_or_default();
            // A series is one entry: its title, every date, its seats.
            if let Some((id, card)) = s.series_id.and_then(|id| Some((id, series.get(&id)?))) {
                return SeminarCard {
                    href: format!("/series/{id}"),
                    title: card.title.clone(),
                    when: card.dates.first().cloned().unwrap_or_default(),
                    place: format!(
                        "{}・{}",
                        reference::label_of(&prefectures, &s.prefecture.to_string()),
                        super::format_label(&s.format, lang)
                    ),
                    industry: reference::label_of(&industries, &s.industry),
                    summary: s.summary.clone(),
                    seats: if filter.past {
                        String::new()
                    } else {
                        card.seats.clone()
                    },
                    note: closed_reason(s, now, lang),
                    series: Some(card.label.clone()),
                    dates: card.dates.clone(),
                };
            }
            SeminarCard {
                href: format!("/seminars/{}", s.id),
                title: s.title.clone(),
                when: crate::time::format_span(s.starts_at, s.ends_at, lang),
                place: format!(
                    "{}・{}",
                    reference::label_of(&prefectures, &s.prefecture.to_string()),
                    super::format_label(&s.format, lang)
                ),
                industry: reference::label_of(&industries, &s.industry),
                summary: s.summary.clone(),
                seats: if filter.past || s.status == SeminarStatus::Cancelled {
                    String::new()
                } else {
                    super::seats_text(s, &seats, lang)
                },
                note: closed_reason(s, now, lang),
                series: None,
                dates: Vec::new(),
            }
        })
        .collect();
    let mut feed = Vec::new();
    if let Some(i) = nonempty(&q.industry) {
        feed.push(("industry", i));
    }
    if let Some(p) = nonempty(&q.prefecture) {
        feed.push(("prefecture", p));
    }
    let feed_query = serde_urlencoded::to_string(&feed).unwrap_or_default();
    Ok(ListView {
        archive: filter.past,
        items,
        industries: industries.to_vec(),
        prefectures: prefectures.to_vec(),
        formats: super::format_options(lang),
        industry: nonempty(&q.industry).unwrap_or_default(),
        prefecture: nonempty(&q.prefecture).unwrap_or_default(),
        format: nonempty(&q.format).unwrap_or_default(),
        month: nonempty(&q.month).unwrap_or_default(),
        prev_href: (number > 1).then(|| page_href(q, number - 1)),
        next_href: more.then(|| page_href(q, number + 1)),
        feed_href: if feed_query.is_empty() {
            "/seminars.ics".into()
        } else {
            format!("/seminars.ics?{feed_query}")
        },
    })
}

/// The view of a seminar's page and its empty form, from the database.
pub fn seminar_view(
    c: &mut DbConn,
    labels: &reference::Kept,
    version: u64,
    id: i64,
    lang: Lang,
) -> Result<(SeminarDetail, views::seminars::public::RegistrationForm), AppError> {
    let now = crate::time::now_utc();
    let s = queries::find_public(c, id)?;
    let seats = queries::seats(c, &s)?;
    let industries = labels.get(c, version, reference::Table::Industries, lang)?;
    let prefectures = labels.get(c, version, reference::Table::Prefectures, lang)?;
    let bands = labels.get(c, version, reference::Table::EmployeeBands, lang)?;
    let detail = SeminarDetail {
        id: s.id,
        title: s.title.clone(),
        summary: s.summary.clone(),
        body_html: crate::markdown::to_html(&s.body_md),
        when: crate::time::format_span(s.starts_at, s.ends_at, lang),
        deadline: crate::time::format_datetime(s.registration_closes_at, lang),
        prefecture: reference::label_of(&prefectures, &s.prefecture.to_string()),
        industry: reference::label_of(&industries, &s.industry),
        format: super::format_label(&s.format, lang).to_string(),
        venue: [s.venue.as_str(), s.address.as_str()]
            .iter()
            .filter(|v| !v.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" "),
        fee: s.fee.clone(),
        hosts: name_list(&s.hosts),
        cohosts: name_list(&s.cohosts),
        speakers: name_list(&s.speakers),
        seats: super::seats_text(&s, &seats, lang),
        closed: closed_reason(&s, now, lang),
        cancelled: s.status == SeminarStatus::Cancelled,
        series: match s.series_id {
            Some(series_id) => {
                let series = super::series::queries::find(c, series_id)?;
                let n = super::series::queries::public_sessions(c, series_id)?.len();
                Some((
                    format!("/series/{series_id}"),
                    series.title_in(lang).to_string(),
                    n,
                ))
            }
            None => None,
        },
    };
    let mut form = super::handlers::registration_form(
        &s,
        prefectures.to_vec(),
        industries.to_vec(),
        bands.to_vec(),
        lang,
    );
    form.errors = FormErrors::new();
    Ok((detail, form))
}

/// The next published seminars for the home page, from the database.
fn home_view(
    c: &mut DbConn,
    labels: &reference::Kept,
    version: u64,
    lang: Lang,
) -> Result<Vec<views::pages::home::HomeSeminar>, AppError> {
    let prefectures = labels.get(c, version, reference::Table::Prefectures, lang)?;
    let list = queries::next_published(c, crate::time::now_utc(), 5)?;
    Ok(list
        .iter()
        .map(|s| views::pages::home::HomeSeminar {
            href: format!("/seminars/{}", s.id),
            title: s.title.clone(),
            when: crate::time::format_span(s.starts_at, s.ends_at, lang),
            place: format!(
                "{}・{}",
                reference::label_of(&prefectures, &s.prefecture.to_string()),
                super::format_label(&s.format, lang)
            ),
        })
        .collect())
}
