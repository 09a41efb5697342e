//! Public seminar pages: the list (upcoming and archive) and one seminar with its form.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use views::Markup;
use views::forms::FormErrors;
use views::seminars::public::{QuestionView, RegistrationForm};

use super::model::{Seminar, SeminarStatus};
use super::pages::PublicPages;
use super::queries::Filter;
use crate::error::{AppError, Message};
use crate::reference;
use crate::web::AppState;
use crate::web::ctx::Page;
use crate::web::input::Query;
use crate::web::kept;
use crate::web::lang::negotiate;

/// `GET /`: the home page, with the next published seminars of the programme (kept in
/// memory per content version, see [`super::pages`]).
pub async fn home(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<PublicPages>,
) -> Result<HttpResponse, AppError> {
    let kept = pages.into_inner().home(&state, negotiate(&req)).await?;
    Ok(kept::respond(&req, &kept))
}

/// Query of the list.
#[derive(Debug, Clone, Default, Deserialize)]
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
pub(super) fn parse_page(q: &ListQuery) -> Result<u32, AppError> {
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
pub(super) fn page_href(q: &ListQuery, page: u32) -> String {
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

pub(super) fn nonempty(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// A 400 naming a filter whose value cannot be read.
fn bad_value(field: &str) -> AppError {
    AppError::bad_field(field, Message::new("input.invalid_value"))
}

pub(super) fn parse_filter(q: &ListQuery) -> Result<Filter, AppError> {
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

/// `GET /seminars` (kept in memory per content version, see [`super::pages`]).
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<PublicPages>,
    q: Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let kept = pages.into_inner().list(&state, &q, negotiate(&req)).await?;
    Ok(kept::respond(&req, &kept))
}

/// Why registration is not possible, if it is not.
pub fn closed_reason(s: &Seminar, now: chrono::NaiveDateTime, lang: views::Lang) -> Option<String> {
    if s.status == SeminarStatus::Cancelled {
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
    let (detail, mut form) = state
        .db
        .run(move |c| {
            // A form re-rendered with its errors is this visitor's own: read, never kept.
            let version = crate::content_version::read(c)?;
            super::pages::seminar_view(c, &reference::Kept::default(), version, id, lang)
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

/// `GET /seminars/{id}` (kept in memory per content version, see [`super::pages`]).
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<PublicPages>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let kept = pages
        .into_inner()
        .seminar(&state, path.into_inner(), negotiate(&req))
        .await?;
    Ok(kept::respond(&req, &kept))
}
