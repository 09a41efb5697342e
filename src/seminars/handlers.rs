//! Public seminar pages: the list (upcoming and archive) and one seminar with its form.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use views::Markup;
use views::forms::FormErrors;
use views::seminars::public::{
    ListView, QuestionView, RegistrationForm, SeminarCard, SeminarDetail,
};

use super::model::{Seminar, name_list, status};
use super::queries::{self, Filter};
use crate::error::{AppError, Message};
use crate::reference;
use crate::web::AppState;
use crate::web::ctx::{Page, html};
use crate::web::input::Query;

/// `GET /`: the home page, with the next published seminars of the programme.
pub async fn home(page: Page, state: web::Data<AppState>) -> HttpResponse {
    let upcoming = super::home_upcoming(&state, page.lang)
        .await
        .unwrap_or_default();
    html(views::pages::home::home(
        &page,
        &views::pages::home::HomeView { upcoming },
    ))
}

/// Query of the list.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    /// Industry code.
    pub industry: Option<String>,
    /// Prefecture code.
    pub prefecture: Option<String>,
    /// Format.
    pub format: Option<String>,
    /// YYYY-MM.
    pub month: Option<String>,
    /// `1` for the archive.
    pub archive: Option<String>,
    /// Page number, from 1.
    pub page: Option<String>,
}

/// The page number of a list query: 1 when absent, a 400 when it is not a page number.
fn parse_page(q: &ListQuery) -> Result<u32, AppError> {
    match nonempty(&q.page) {
        None => Ok(1),
        Some(p) => p
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=10_000).contains(n))
            .ok_or_else(|| bad_value("page")),
    }
}

/// The link to another page of the list with the same filters.
fn page_href(q: &ListQuery, page: u32) -> String {
    let mut pairs: Vec<(&str, String)> = [
        ("archive", &q.archive),
        ("industry", &q.industry),
        ("prefecture", &q.prefecture),
        ("format", &q.format),
        ("month", &q.month),
    ]
    .into_iter()
    .filter_map(|(k, v)| nonempty(v).map(|v| (k, v)))
    .collect();
    if page > 1 {
        pairs.push(("page", page.to_string()));
    }
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    if query.is_empty() {
        "/seminars".into()
    } else {
        format!("/seminars?{query}")
    }
}

fn nonempty(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// A 400 naming a filter whose value cannot be read.
fn bad_value(field: &str) -> AppError {
    AppError::bad_field(field, Message::new("input.invalid_value"))
}

fn parse_filter(q: &ListQuery) -> Result<Filter, AppError> {
    let bad = bad_value;
    let prefecture = match nonempty(&q.prefecture) {
        Some(p) => Some(
            p.parse::<i32>()
                .ok()
                .filter(|p| (1..=47).contains(p))
                .ok_or_else(|| bad("prefecture"))?,
        ),
        None => None,
    };
    let format = match nonempty(&q.format) {
        Some(f) => Some(
            super::model::Format::parse(&f)
                .ok_or_else(|| bad("format"))?
                .as_str()
                .to_string(),
        ),
        None => None,
    };
    let month = match nonempty(&q.month) {
        Some(m) => {
            let (y, mo) = m.split_once('-').ok_or_else(|| bad("month"))?;
            let y: i32 = y.parse().map_err(|_| bad("month"))?;
            let mo: u32 = mo.parse().map_err(|_| bad("month"))?;
            if !(2000..=2100).contains(&y) || !(1..=12).contains(&mo) {
                return Err(bad("month"));
            }
            Some((y, mo))
        }
        None => None,
    };
    let industry = nonempty(&q.industry);
    if industry.as_ref().is_some_and(|i| i.len() > 50) {
        return Err(bad("industry"));
    }
    Ok(Filter {
        industry,
        prefecture,
        format,
        month,
        past: q.archive.as_deref() == Some("1"),
    })
}

/// `GET /seminars`.
pub async fn list(
    page: Page,
    state: web::Data<AppState>,
    q: Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let filter = parse_filter(&q)?;
    let number = parse_page(&q)?;
    let lang = page.lang;
    let now = crate::time::now_utc();
    let f = filter.clone();
    let (items, more, industries, prefectures) = state
        .db
        .run(move |c| {
            let (list, more) = queries::list_public_page(c, &f, now, number)?;
            let industries = reference::industries(c, lang)?;
            let prefectures = reference::prefectures(c, lang)?;
            let all_seats = queries::seats_many(c, &list)?;
            let mut items = Vec::new();
            for s in list {
                let seats = all_seats.get(&s.id).cloned().unwrap_or_default();
                items.push(SeminarCard {
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
                    seats: if filter.past || s.status == status::CANCELLED {
                        String::new()
                    } else {
                        super::seats_text(&s, &seats, lang)
                    },
                    note: closed_reason(&s, now, lang),
                });
            }
            Ok::<_, AppError>((items, more, industries, prefectures))
        })
        .await?;
    let mut feed = Vec::new();
    if let Some(i) = nonempty(&q.industry) {
        feed.push(("industry", i));
    }
    if let Some(p) = nonempty(&q.prefecture) {
        feed.push(("prefecture", p));
    }
    let feed_query = serde_urlencoded::to_string(&feed).unwrap_or_default();
    let view = ListView {
        archive: filter.past,
        items,
        industries,
        prefectures,
        formats: super::format_options(lang),
        industry: nonempty(&q.industry).unwrap_or_default(),
        prefecture: nonempty(&q.prefecture).unwrap_or_default(),
        format: nonempty(&q.format).unwrap_or_default(),
        month: nonempty(&q.month).unwrap_or_default(),
        prev_href: (number > 1).then(|| page_href(&q, number - 1)),
        next_href: more.then(|| page_href(&q, number + 1)),
        feed_href: if feed_query.is_empty() {
            "/seminars.ics".into()
        } else {
            format!("/seminars.ics?{feed_query}")
        },
    };
    Ok(html(views::seminars::public::list(&page, &view)))
}

/// Why registration is not possible, if it is not.
pub fn closed_reason(s: &Seminar, now: chrono::NaiveDateTime, lang: views::Lang) -> Option<String> {
    if s.status == status::CANCELLED {
        return Some(lang.t("seminars.closed_cancelled").to_string());
    }
    if s.is_open(now) {
        return None;
    }
    if s.registration_opens_at.is_some_and(|o| now < o) {
        return Some(lang.tf(
            "seminars.closed_not_yet",
            &[(
                "date",
                &crate::time::format_datetime(s.registration_opens_at.unwrap_or(now), lang),
            )],
        ));
    }
    Some(lang.t("seminars.closed_deadline").to_string())
}

/// The seminar page with its form (`values` and `errors` when re-rendered after a POST).
pub async fn show_page(
    state: &AppState,
    page: &Page,
    id: i64,
    values: Vec<(String, String)>,
    errors: FormErrors,
) -> Result<Markup, AppError> {
    let lang = page.lang;
    let now = crate::time::now_utc();
    let (detail, mut form) = state
        .db
        .run(move |c| {
            let s = queries::find_public(c, id)?;
            let seats = queries::seats(c, &s)?;
            let industries = reference::industries(c, lang)?;
            let prefectures = reference::prefectures(c, lang)?;
            let bands = reference::employee_bands(c, lang)?;
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
                cancelled: s.status == status::CANCELLED,
            };
            let form = registration_form(&s, prefectures, industries, bands, lang);
            Ok::<_, AppError>((detail, form))
        })
        .await?;
    form.set_values(values);
    form.errors = errors;
    Ok(views::seminars::public::show(page, &detail, &form))
}

/// The registration form of a seminar, empty: its modes and questions and the reference
/// options (the public form and the staff's manual entry).
pub fn registration_form(
    s: &Seminar,
    prefectures: reference::Options,
    industries: reference::Options,
    bands: reference::Options,
    lang: views::Lang,
) -> RegistrationForm {
    let mut form = RegistrationForm {
        values: Vec::new(),
        errors: FormErrors::new(),
        prefectures,
        industries,
        bands,
        modes: super::mode_options(s.format().modes(), lang),
        questions: s
            .questions()
            .into_iter()
            .enumerate()
            .map(|(i, q)| QuestionView {
                name: format!("q_{i}"),
                label: q.label,
                kind: serde_json::to_value(q.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                required: q.required,
                options: q.options,
            })
            .collect(),
        participants: Vec::new(),
    };
    form.allow_group(s.group_limit(), lang);
    form
}

/// `GET /seminars/{id}`.
pub async fn show(
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let markup = show_page(
        &state,
        &page,
        path.into_inner(),
        Vec::new(),
        FormErrors::new(),
    )
    .await?;
    Ok(html(markup))
}
