//! The staff screens of series: the list with the form that creates one, and a series' page
//! that edits it and adds or removes its sessions (every write through [`super::service`], with
//! its audit entry in the same transaction).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use diesel::OptionalExtension;
use serde::Deserialize;
use views::components::Tone;
use views::forms::FormErrors;
use views::seminars::series::{SeriesFormView, StaffSeriesRow, StaffSeriesView, StaffSessionRow};

use super::model::{SeriesData, SeriesForm};
use super::{queries, service};
use crate::accounts::StaffUser;
use crate::error::{AppError, Message};
use crate::seminars::model::{Allocation, Mode, SeminarStatus};
use crate::web::AppState;
use crate::web::ctx::{Page, html, html_status};
use crate::web::input::{Fields, Form, Query};
use crate::web::see_other;

/// The form's errors in the page's language.
fn form_errors(
    errors: &[(&'static str, crate::validate::Invalid)],
    lang: views::Lang,
) -> FormErrors {
    let mut out = FormErrors::new();
    for (field, e) in errors {
        out.add(field, e.message(lang));
    }
    out
}

/// The list page with the create form (`form`: its values and errors).
async fn list_page(
    state: &AppState,
    page: &Page,
    form: SeriesFormView,
) -> Result<views::Markup, AppError> {
    let lang = page.lang;
    let rows = state
        .db
        .run(move |c| {
            let mut rows = Vec::new();
            for x in queries::list(c)? {
                let ids: Vec<i64> = queries::sessions(c, x.id)?.iter().map(|s| s.id).collect();
                let confirmed = queries::confirmed_entries(c, &ids)?;
                rows.push(StaffSeriesRow {
                    href: format!("/staff/series/{}", x.id),
                    title: x.title.clone(),
                    sessions: lang.tf("series.n_sessions", &[("n", &ids.len().to_string())]),
                    seats: lang.tf(
                        "series.confirmed_of",
                        &[
                            ("n", &confirmed.to_string()),
                            ("capacity", &x.capacity.to_string()),
                        ],
                    ),
                });
            }
            Ok::<_, AppError>(rows)
        })
        .await?;
    Ok(views::seminars::series::staff_list(page, &rows, &form))
}

/// `GET /staff/series`.
pub async fn list(
    _user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let form = SeriesFormView {
        values: SeriesForm {
            capacity: "30".into(),
            certificate_min_sessions: "1".into(),
            ..SeriesForm::default()
        }
        .values(),
        errors: FormErrors::new(),
    };
    Ok(html(list_page(&state, &page, form).await?))
}

/// The checked values of a posted series form, or the form's values and errors.
fn parse(
    fields: &Fields,
    base: SeriesForm,
    lang: views::Lang,
) -> Result<SeriesData, SeriesFormView> {
    let mut form = base;
    form.apply(fields);
    form.validate().map_err(|errors| SeriesFormView {
        values: form.values(),
        errors: form_errors(&errors, lang),
    })
}

/// `POST /staff/series`: creates a series, then its page.
pub async fn create(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    form: Form<Fields>,
) -> Result<HttpResponse, AppError> {
    form.single_values(|_| false)?;
    let data = match parse(&form.0, SeriesForm::default(), page.lang) {
        Ok(d) => d,
        Err(view) => {
            let markup = list_page(&state, &page, view).await?;
            return Ok(html_status(StatusCode::UNPROCESSABLE_ENTITY, markup));
        }
    };
    let actor = user.0.clone();
    let id = state
        .db
        .run(move |c| service::create(c, &actor, &data, "staff"))
        .await?;
    Ok(see_other(format!("/staff/series/{id}?done=created")))
}

/// The result named after a redirect (`?done=`).
#[derive(Debug, Default, Deserialize)]
pub struct Done {
    /// created, saved, added, removed.
    #[serde(default)]
    pub done: Option<String>,
}

fn done_message(done: &str) -> Option<&'static str> {
    Some(match done {
        "created" => "series.done_created",
        "saved" => "series.done_saved",
        "added" => "series.done_added",
        "removed" => "series.done_removed",
        _ => return None,
    })
}

/// The series' staff page (`form`: the edit form's values and errors, else the stored ones).
async fn series_page(
    state: &AppState,
    page: &Page,
    id: i64,
    form: Option<SeriesFormView>,
    add_error: FormErrors,
    flash: Option<(Tone, String)>,
) -> Result<views::Markup, AppError> {
    let lang = page.lang;
    let now = crate::time::now_utc();
    let view = state
        .db
        .run(move |c| {
            let series = queries::find(c, id).optional()?.ok_or(AppError::NotFound)?;
            let sessions = queries::sessions(c, id)?;
            let seats = crate::seminars::queries::seats_many(c, &sessions)?;
            let ids: Vec<i64> = sessions.iter().map(|s| s.id).collect();
            let confirmed = queries::confirmed_entries(c, &ids)?;
            let waiting = queries::waiting_entries(c, &ids)?;
            let rows = sessions
                .iter()
                .map(|s| {
                    let n = |f: fn(&crate::seminars::queries::Seats) -> i64| -> i64 {
                        [Mode::Onsite, Mode::Online]
                            .iter()
                            .filter_map(|m| seats.get(&s.id).and_then(|x| x.get(m.as_str())))
                            .map(f)
                            .sum()
                    };
                    StaffSessionRow {
                        id: s.id,
                        href: format!("/staff/seminars/{}", s.id),
                        title: s.title.clone(),
                        when: crate::time::format_span(s.starts_at, s.ends_at, lang),
                        counts: lang.tf(
                            "series.session_counts",
                            &[
                                ("confirmed", &n(|x| x.confirmed).to_string()),
                                ("waitlisted", &n(|x| x.waitlisted).to_string()),
                                ("checked_in", &n(|x| x.checked_in).to_string()),
                            ],
                        ),
                    }
                })
                .collect();
            let addable = crate::seminars::queries::list_all(c)?
                .into_iter()
                .filter(|s| {
                    s.series_id.is_none()
                        && s.status != SeminarStatus::Cancelled
                        && s.ends_at >= now
                        && s.allocation() == Allocation::FirstCome
                        && s.group_limit() == 1
                })
                .map(|s| {
                    (
                        s.id.to_string(),
                        format!(
                            "{} {}",
                            crate::time::format_span(s.starts_at, s.ends_at, lang),
                            s.title
                        ),
                    )
                })
                .collect();
            Ok::<_, AppError>(StaffSeriesView {
                id,
                title: series.title.clone(),
                public_href: format!("/series/{id}"),
                seats: lang.tf(
                    "series.seats_staff",
                    &[
                        ("n", &confirmed.to_string()),
                        ("capacity", &series.capacity.to_string()),
                        ("waiting", &waiting.to_string()),
                    ],
                ),
                sessions: rows,
                addable,
                form: SeriesFormView {
                    values: SeriesForm::of(&series).values(),
                    errors: FormErrors::new(),
                },
                add_error: FormErrors::new(),
                flash: None,
            })
        })
        .await?;
    let view = StaffSeriesView {
        form: form.unwrap_or(view.form.clone()),
        add_error,
        flash,
        ..view
    };
    Ok(views::seminars::series::staff_page_of(page, &view))
}

/// `GET /staff/series/{id}` (with `?done=` after an action).
pub async fn page(
    _user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    q: Query<Done>,
) -> Result<HttpResponse, AppError> {
    let flash =
        q.0.done
            .as_deref()
            .and_then(done_message)
            .map(|k| (Tone::Success, page.t(k).to_string()));
    let markup = series_page(
        &state,
        &page,
        path.into_inner(),
        None,
        FormErrors::new(),
        flash,
    )
    .await?;
    Ok(html(markup))
}

/// `POST /staff/series/{id}`: saves the series' values.
pub async fn update(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: Form<Fields>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    form.single_values(|_| false)?;
    let data = match parse(&form.0, SeriesForm::default(), page.lang) {
        Ok(d) => d,
        Err(view) => {
            let markup =
                series_page(&state, &page, id, Some(view), FormErrors::new(), None).await?;
            return Ok(html_status(StatusCode::UNPROCESSABLE_ENTITY, markup));
        }
    };
    let actor = user.0.clone();
    let saved = state
        .db
        .run(move |c| service::update(c, &actor, id, &data, "staff"))
        .await;
    match saved {
        Ok(_) => Ok(see_other(format!("/staff/series/{id}?done=saved"))),
        Err(AppError::Conflict(m)) => refused(&state, &page, id, &m).await,
        Err(e) => Err(e),
    }
}

/// The series page with a refusal on it, as a 409 (nothing changed).
async fn refused(
    state: &AppState,
    page: &Page,
    id: i64,
    m: &Message,
) -> Result<HttpResponse, AppError> {
    let flash = Some((Tone::Error, m.render(page.lang)));
    let markup = series_page(state, page, id, None, FormErrors::new(), flash).await?;
    Ok(html_status(StatusCode::CONFLICT, markup))
}

/// `POST /staff/series/{id}/sessions` (`seminar_id`): adds a seminar as a session.
pub async fn add(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: Form<Fields>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    form.single_values(|_| false)?;
    let Ok(seminar_id) = form.get("seminar_id").trim().parse::<i64>() else {
        let mut errors = FormErrors::new();
        errors.add("seminar_id", page.t("series.err_no_seminar"));
        let markup = series_page(&state, &page, id, None, errors, None).await?;
        return Ok(html_status(StatusCode::UNPROCESSABLE_ENTITY, markup));
    };
    let actor = user.0.clone();
    let added = state
        .db
        .run(move |c| service::add_session(c, &actor, id, seminar_id, "staff"))
        .await;
    match added {
        Ok(()) => Ok(see_other(format!("/staff/series/{id}?done=added"))),
        Err(AppError::Conflict(m)) => refused(&state, &page, id, &m).await,
        Err(AppError::InvalidFields(_)) => {
            let mut errors = FormErrors::new();
            errors.add("seminar_id", page.t("series.err_no_seminar"));
            let markup = series_page(&state, &page, id, None, errors, None).await?;
            Ok(html_status(StatusCode::UNPROCESSABLE_ENTITY, markup))
        }
        Err(e) => Err(e),
    }
}

/// `POST /staff/series/{id}/sessions/{seminar}/remove`: takes a session out of the series.
pub async fn remove(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (id, seminar_id) = path.into_inner();
    let actor = user.0.clone();
    let removed = state
        .db
        .run(move |c| service::remove_session(c, &actor, id, seminar_id, "staff"))
        .await;
    match removed {
        Ok(()) => Ok(see_other(format!("/staff/series/{id}?done=removed"))),
        Err(AppError::Conflict(m)) => refused(&state, &page, id, &m).await,
        Err(e) => Err(e),
    }
}
