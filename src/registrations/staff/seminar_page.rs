//! A seminar's own staff page: its registrations with search and filter (a staff read of
//! personal data, audited), seats, the timeline and charts of its registrations, the reminder,
//! the survey results, and the actions on the seminar and each registration.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;
use views::seminars::staff::{RegRow, RegistrationsView};

use super::overview::{charts, per_day};
use crate::accounts::StaffUser;
use crate::audit;
use crate::error::AppError;
use crate::registrations::export::{answer_text, positions};
use crate::registrations::model::RegistrationStatus;
use crate::registrations::queries as reg_queries;
use crate::seminars::queries;
use crate::web::AppState;
use crate::web::ctx::{Page, html};
use crate::web::input::Query;

/// Search and filter of the registrations page.
#[derive(Debug, Default, Deserialize)]
pub struct RegQuery {
    /// Text in name, company or email.
    pub q: Option<String>,
    /// Status.
    pub status: Option<String>,
    /// Status of a registration staff just entered by hand (for the message).
    pub added: Option<String>,
    /// The action just done (`cancelled`, `published`), for the message.
    pub done: Option<String>,
    /// How many registrants a cancellation told.
    pub told: Option<i64>,
}

/// The message after an action on the seminar's page.
fn flash(query: &RegQuery, lang: views::Lang) -> Option<String> {
    match (query.added.as_deref(), query.done.as_deref()) {
        (Some("confirmed"), _) => Some(lang.t("seminars.add.done_confirmed").to_string()),
        (Some("waitlisted"), _) => Some(lang.t("seminars.add.done_waitlisted").to_string()),
        (Some("applied"), _) => Some(lang.t("lottery.done_added").to_string()),
        (_, Some("cancelled")) => Some(lang.tf(
            "seminars.cancel.done",
            &[("n", &crate::web::confirm::count(query.told.unwrap_or(0)))],
        )),
        (_, Some("published")) => Some(lang.t("seminars.extra.published_notice").to_string()),
        _ => None,
    }
}

/// `GET /staff/seminars/{id}`: the seminar's registrations (a staff read of personal data,
/// audited), its reminder time and the survey results (answers without names).
pub async fn registrations(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    query: Query<RegQuery>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let lang = page.lang;
    let q = query.q.clone().unwrap_or_default().trim().to_lowercase();
    let status_filter = query.status.clone().unwrap_or_default();
    let flash = flash(&query, lang);
    let actor = user.0.clone();
    let (q2, sf2) = (q.clone(), status_filter.clone());
    let view = state
        .db
        .run(move |c| {
            let s = queries::find(c, id)?;
            let seats = queries::seats(c, &s)?;
            let regs = reg_queries::list_for_seminar(c, id)?;
            let pos = positions(&regs);
            let questions = s.questions();
            // The members of a group follow each other, the applicant first.
            let mut ordered: Vec<&crate::registrations::model::Registration> =
                regs.iter().collect();
            ordered.sort_by_key(|r| (r.entry_id(), r.id != r.entry_id(), r.id));
            let group_label = |r: &crate::registrations::model::Registration| {
                let g = r.group_id?;
                let size = regs
                    .iter()
                    .filter(|m| {
                        m.group_id == Some(g)
                            && m.status
                                != crate::registrations::model::RegistrationStatus::Cancelled
                    })
                    .count();
                let mut label = lang.tf(
                    "groups.staff_label",
                    &[("id", &g.to_string()), ("n", &size.to_string())],
                );
                if r.leads_group() {
                    label.push('・');
                    label.push_str(lang.t("groups.applicant"));
                }
                Some(label)
            };
            let rows: Vec<RegRow> = ordered
                .into_iter()
                .filter(|r| sf2.is_empty() || r.status.as_str() == sf2)
                .filter(|r| {
                    q2.is_empty()
                        || r.name.to_lowercase().contains(&q2)
                        || r.company.to_lowercase().contains(&q2)
                        || r.email.contains(&q2)
                })
                .map(|r| {
                    let answers: serde_json::Value =
                        serde_json::from_str(&r.answers).unwrap_or_default();
                    RegRow {
                        id: r.id,
                        name: r.name.clone(),
                        company: r.company.clone(),
                        email: r.email.clone(),
                        mode: lang.t(r.mode().label_key()).to_string(),
                        status: r.status.to_string(),
                        status_label: crate::registrations::model::status_label(r.status, lang)
                            .to_string(),
                        position: pos.get(&r.id).copied(),
                        checked_in: r.checked_in_at.is_some(),
                        answers: (0..questions.len())
                            .map(|i| answer_text(&answers, i))
                            .collect(),
                        group: group_label(r),
                        minutes: r.attended_minutes,
                    }
                })
                .collect();
            let charts = charts(c, &regs, lang)?;
            let survey = crate::registrations::survey::summary(
                &crate::registrations::survey::list_for_seminar(c, id)?,
                lang,
            );
            let today = crate::time::to_jst(crate::time::now_utc()).date_naive();
            let timeline = per_day(
                &regs
                    .iter()
                    .filter(|r| {
                        r.status != crate::registrations::model::RegistrationStatus::Cancelled
                    })
                    .map(|r| r.created_at)
                    .collect::<Vec<_>>(),
                today.min(crate::time::to_jst(s.starts_at).date_naive()),
            );
            audit::record(
                c,
                Some(&actor),
                audit::Action::RegistrationView,
                audit::Target::Seminar,
                Some(id.to_string()),
                json!({"rows": rows.len()}),
            )?;
            Ok::<_, AppError>(RegistrationsView {
                id,
                title: s.title.clone(),
                when: crate::time::format_span(s.starts_at, s.ends_at, lang),
                status: s.status.to_string(),
                seats: crate::seminars::seats_text(&s, &seats, lang),
                attendance_code: s.attendance_code.clone(),
                questions: questions.into_iter().map(|q| q.label).collect(),
                rows,
                q: q2,
                status_filter: sf2,
                statuses: RegistrationStatus::ALL
                    .iter()
                    .map(|st| {
                        (
                            st.to_string(),
                            crate::registrations::model::status_label(*st, lang).to_string(),
                        )
                    })
                    .collect(),
                flash,
                status_label: crate::seminars::status_label(s.status, lang).to_string(),
                can_cancel: crate::seminars::service::can_call_off(&s, crate::time::now_utc()),
                check_in_open: s.check_in_open(crate::time::now_utc()),
                check_in_window: crate::registrations::checkin::window_note(
                    &s,
                    crate::time::now_utc(),
                    lang,
                ),
                charts,
                reminder: crate::seminars::reminder_label(s.reminder_time.as_deref(), lang),
                survey,
                lottery: crate::seminars::lottery_state(&s, lang),
                online: s
                    .format()
                    .modes()
                    .contains(&crate::seminars::model::Mode::Online),
                timeline,
                audiences: super::message::audiences(&s)
                    .iter()
                    .map(|(a, key)| (a.to_string(), lang.t(key).to_string()))
                    .collect(),
            })
        })
        .await?;
    Ok(html(views::seminars::staff::registrations(&page, &view)))
}
