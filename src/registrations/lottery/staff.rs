//! The lottery's back office: its page (settings, the draw's record in drawn order) and the
//! early draw, through a confirmation page that says who will be mailed (no JavaScript).

use actix_web::{HttpResponse, web};
use diesel::OptionalExtension;
use serde::Deserialize;
use serde_json::json;
use views::confirm::Confirmation;
use views::seminars::lottery::{DrawView, DrawnRow, LotteryView};

use super::queries::{StoredDraw, list_for_seminar};
use super::service::{self, refusal};
use crate::accounts::StaffUser;
use crate::audit::{self, Actor};
use crate::error::AppError;
use crate::registrations::allocation::draw::{DrawRecord, DrawResult, Outcome};
use crate::registrations::mail::Notifier;
use crate::registrations::model::{Registration, RegistrationStatus};
use crate::registrations::queries::list_for_seminar as registrations_of;
use crate::seminars::model::{Allocation, Mode, Seminar};
use crate::seminars::queries::find as find_seminar;
use crate::web::AppState;
use crate::web::confirm::{ConfirmForm, count};
use crate::web::ctx::{Page, html};
use crate::web::input::{Form, Query};

/// The message after a draw.
#[derive(Debug, Default, Deserialize)]
pub struct Done {
    /// `drawn` after a draw.
    pub done: Option<String>,
}

fn seats_text(seats: (u32, u32), seminar: &Seminar, lang: views::Lang) -> String {
    seminar
        .format()
        .modes()
        .iter()
        .map(|m| {
            let n = if *m == Mode::Onsite { seats.0 } else { seats.1 };
            lang.tf(
                "lottery.capacity",
                &[("mode", lang.t(m.label_key())), ("n", &n.to_string())],
            )
        })
        .collect::<Vec<_>>()
        .join(" / ")
}

fn outcome_text(outcome: Outcome, waitlist: bool, lang: views::Lang) -> String {
    match outcome {
        Outcome::Confirmed => lang.t("lottery.outcome_won").to_string(),
        Outcome::Waitlisted { position } if waitlist => lang.tf(
            "lottery.outcome_waitlisted",
            &[("n", &position.to_string())],
        ),
        Outcome::Waitlisted { .. } => lang.t("lottery.outcome_not_drawn").to_string(),
    }
}

fn draw_view(
    d: &StoredDraw,
    seminar: &Seminar,
    regs: &[Registration],
    drawer: Option<String>,
    lang: views::Lang,
) -> DrawView {
    let record = DrawRecord::from_json(&d.record).ok();
    let result: Option<DrawResult> = serde_json::from_str(&d.result).ok();
    let rows = result
        .map(|r| {
            r.drawn
                .iter()
                .map(|x| DrawnRow {
                    rank: x.rank,
                    id: x.entry.id,
                    name: regs
                        .iter()
                        .find(|reg| reg.id == x.entry.id)
                        .map(|reg| reg.name.clone())
                        .unwrap_or_default(),
                    mode: lang.t(x.entry.mode.label_key()).to_string(),
                    outcome: outcome_text(x.outcome, d.not_drawn == 0, lang),
                })
                .collect()
        })
        .unwrap_or_default();
    DrawView {
        drawn_at: crate::time::format_datetime(d.drawn_at, lang),
        drawn_by: drawer.unwrap_or_else(|| lang.t("lottery.drawn_by_worker").to_string()),
        algorithm: format!("{} v{}", d.algorithm, d.version),
        seed: d.seed.clone(),
        seats: record
            .map(|r| seats_text((r.seats.onsite, r.seats.online), seminar, lang))
            .unwrap_or_default(),
        counts: [
            i64::from(d.entrants),
            i64::from(d.confirmed),
            i64::from(d.waitlisted),
            i64::from(d.not_drawn),
        ],
        record_json: d.record.clone(),
        rows,
    }
}

/// `GET /staff/seminars/{id}/lottery`: the lottery's settings and, once drawn, its record with
/// every entrant in drawn order (names shown to staff: audited as a read of personal data).
pub async fn page(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    query: Query<Done>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let lang = page.lang;
    let actor = user.0.clone();
    let (seminar, regs, draws, drawers) = state
        .db
        .run(move |c| {
            let seminar = find_seminar(c, id)?;
            let draws = list_for_seminar(c, id)?;
            let regs = registrations_of(c, id)?;
            let mut drawers = Vec::new();
            for d in &draws {
                drawers.push(match d.drawn_by {
                    Some(uid) => crate::accounts::queries::find_user(c, uid)
                        .optional()?
                        .map(|u| u.name),
                    None => None,
                });
            }
            if !draws.is_empty() {
                audit::record(
                    c,
                    Some(&actor),
                    audit::Action::RegistrationView,
                    audit::Target::Seminar,
                    Some(id.to_string()),
                    json!({"rows": regs.len(), "via": "lottery"}),
                )?;
            }
            Ok::<_, AppError>((seminar, regs, draws, drawers))
        })
        .await?;
    let now = crate::time::now_utc();
    let why_not = refusal(&seminar, now, true);
    let view = LotteryView {
        id,
        title: seminar.title.clone(),
        is_lottery: seminar.allocation() == Allocation::Lottery,
        draw_time: crate::time::format_datetime(seminar.draw_time(), lang),
        rest: lang
            .t(if seminar.lottery_waitlist {
                "lottery.rest_waitlist"
            } else {
                "lottery.rest_not_drawn"
            })
            .to_string(),
        applied: regs
            .iter()
            .filter(|r| r.status == RegistrationStatus::Applied)
            .count() as i64,
        can_draw: why_not.is_none(),
        why_not: why_not
            .filter(|k| *k != "lottery.err_drawn")
            .map(|k| lang.t(k).to_string()),
        draws: draws
            .iter()
            .zip(drawers)
            .map(|(d, who)| draw_view(d, &seminar, &regs, who, lang))
            .collect(),
        flash: (query.done.as_deref() == Some("drawn"))
            .then(|| lang.t("lottery.done_drawn").to_string()),
    };
    Ok(html(views::seminars::lottery::page(&page, &view)))
}

async fn confirmation(page: &Page, state: &AppState, id: i64) -> Result<Confirmation, AppError> {
    let lang = page.lang;
    let (s, regs) = state
        .db
        .run(move |c| Ok::<_, AppError>((find_seminar(c, id)?, registrations_of(c, id)?)))
        .await?;
    let applied = regs
        .iter()
        .filter(|r| r.status == RegistrationStatus::Applied)
        .count() as i64;
    let seats: i64 = s
        .format()
        .modes()
        .iter()
        .map(|m| i64::from(s.capacity(*m)))
        .sum();
    let rest = if s.lottery_waitlist {
        "lottery.confirm_rest_waitlist"
    } else {
        "lottery.confirm_rest_not_drawn"
    };
    Ok(Confirmation {
        title: lang.t("lottery.confirm_title").to_string(),
        subject: format!(
            "{} ({})",
            s.title,
            crate::time::format_span(s.starts_at, s.ends_at, lang)
        ),
        consequences: vec![
            lang.tf(
                "lottery.confirm_entrants",
                &[("n", &count(applied)), ("seats", &count(seats))],
            ),
            lang.t(rest).to_string(),
            lang.t("lottery.confirm_final").to_string(),
        ],
        action: format!("/staff/seminars/{id}/draw"),
        hidden: Vec::new(),
        button: lang.t("lottery.draw_now").to_string(),
        danger: false,
        back: (
            format!("/staff/seminars/{id}/lottery"),
            lang.t("lottery.back").to_string(),
        ),
        blocked: refusal(&s, crate::time::now_utc(), true).map(|k| lang.t(k).to_string()),
        section: "/staff/seminars",
    })
}

/// `GET /staff/seminars/{id}/draw`: what drawing now will do.
pub async fn confirm_page(
    _user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let view = confirmation(&page, &state, path.into_inner()).await?;
    Ok(html(views::confirm::confirmation(&page, &view)))
}

/// `POST /staff/seminars/{id}/draw`: with `confirm=1`, draws now (409 when it cannot: not
/// closed yet, or drawn already) and shows the lottery's page with the record; without it,
/// the confirmation page.
pub async fn draw(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    notifier: web::Data<Notifier>,
    path: web::Path<i64>,
    form: Form<ConfirmForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    if !form.given() {
        let view = confirmation(&page, &state, id).await?;
        return Ok(html(views::confirm::confirmation(&page, &view)));
    }
    let notifier = notifier.get_ref().clone();
    let actor = Actor::from(&user.0);
    state
        .db
        .run(move |c| service::draw(c, &notifier, id, actor, true, crate::time::now_utc()))
        .await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/staff/seminars/{id}/lottery?done=drawn"),
        ))
        .finish())
}
