//! The back office of the board: the review queue (approve, reject with a reason the poster
//! sees), pins and removals of suggestions, and the KPIs with a server-drawn chart.

use actix_web::{HttpResponse, web};
use serde_json::json;
use views::matching::{ReviewItem, StaffBoardView};

use super::introductions::MailCtx;
use super::labels;
use super::queries;
use crate::accounts::StaffUser;
use crate::audit;
use crate::error::{AppError, Message};
use crate::web::AppState;
use crate::web::ctx::{Page, html};
use crate::web::input::{Fields, Form, Query};
use crate::web::see_other;

type Result<T> = std::result::Result<T, AppError>;

fn back(to: &str) -> HttpResponse {
    see_other(to.to_string())
}

/// `GET /staff/board`.
pub async fn index(
    page: Page,
    _staff: StaffUser,
    state: web::Data<AppState>,
    done: Query<super::handlers::Done>,
) -> Result<HttpResponse> {
    let lang = page.lang;
    let flash = done
        .into_inner()
        .done
        .filter(|d| matches!(d.as_str(), "approved" | "rejected"))
        .map(|d| {
            lang.t(if d == "approved" {
                "matching.flash.approved"
            } else {
                "matching.flash.rejected"
            })
            .to_string()
        });
    let mut view = state
        .db
        .run(move |c| {
            queries::expire_due(c)?;
            let queue = queries::review_queue(c)?
                .into_iter()
                .map(|(kind, id, title, org)| {
                    let path = if kind == "need" { "needs" } else { "offerings" };
                    ReviewItem {
                        kind: lang
                            .t(if kind == "need" {
                                "matching.mine.need"
                            } else {
                                "matching.mine.offering"
                            })
                            .to_string(),
                        title,
                        href: format!("/board/{path}/{id}"),
                        organization: org,
                        action_base: format!("/staff/board/{path}/{id}"),
                    }
                })
                .collect();
            let counts = queries::status_counts(c)?;
            let kpis: Vec<(String, String, i64)> = counts
                .iter()
                .map(|(kind, status, n)| {
                    let (what, table) = match kind.as_str() {
                        "need" => ("matching.mine.need", labels::STATUSES),
                        "offering" => ("matching.mine.offering", labels::STATUSES),
                        _ => ("matching.mine.introductions", labels::STAGES),
                    };
                    (
                        lang.t(what).to_string(),
                        labels::label(table, status, lang),
                        *n,
                    )
                })
                .collect();
            let stages: Vec<(String, i64)> = super::taxonomy::STAGES
                .iter()
                .map(|s| {
                    let n = counts
                        .iter()
                        .find(|(k, st, _)| k == "introduction" && st == s)
                        .map_or(0, |(_, _, n)| *n);
                    (labels::label(labels::STAGES, s, lang), n)
                })
                .collect();
            Ok::<_, AppError>(StaffBoardView {
                queue,
                kpis,
                chart: Some(views::matching::bar_chart(
                    lang.t("matching.staff.chart_title"),
                    &stages,
                )),
                flash: None,
            })
        })
        .await?;
    view.flash = flash;
    Ok(html(views::matching::staff_board(&page, &view)))
}

fn kind_of(path: &str) -> Result<&'static str> {
    match path {
        "needs" => Ok("need"),
        "offerings" => Ok("offering"),
        _ => Err(AppError::NotFound),
    }
}

/// Approves or rejects a post in review; the poster gets a mail in the same transaction.
fn review(
    c: &mut crate::db::DbConn,
    m: &MailCtx,
    staff: &StaffUser,
    kind: &'static str,
    id: i64,
    reason: Option<&str>,
) -> Result<()> {
    c.write_transaction(|c| {
        let (status, org, author, title) = if kind == "need" {
            let n = queries::find_need(c, id)?;
            (n.status, n.organization_id, n.created_by, n.title)
        } else {
            let o = queries::find_offering(c, id)?;
            (o.status, o.organization_id, o.created_by, o.title)
        };
        if status != "in_review" {
            return Err(AppError::Conflict(Message::new(
                "matching.staff.not_in_review",
            )));
        }
        match (reason, kind) {
            (None, "need") => queries::publish_need(c, id)?,
            (None, _) => queries::publish_offering(c, id)?,
            (Some(r), _) => {
                queries::set_status(c, kind, id, "rejected", Some(r))?;
            }
        }
        audit::record(
            c,
            Some(&staff.0),
            if reason.is_some() {
                audit::Action::BoardReject
            } else {
                audit::Action::BoardApprove
            },
            if kind == "need" {
                audit::Target::Need
            } else {
                audit::Target::Offering
            },
            Some(id.to_string()),
            json!({ "reason": reason }),
        )?;
        if let Some(to) = queries::recipient_for(c, author, org)? {
            let lang = views::Lang::from_code(&to.2).unwrap_or_default();
            let path = if kind == "need" { "needs" } else { "offerings" };
            let link = format!("{}/board/{path}/{id}", m.base_url);
            let body = views::matching::mail::reviewed(lang, &title, reason, &link);
            let mut mail = crate::mail::OutgoingMail::transactional(
                &to.0,
                &body.subject,
                body.text,
                body.html,
            );
            mail.to_name = Some(to.1.clone());
            mail.source = Some(format!("board:{kind}:{id}"));
            m.mailer.enqueue(c, &mail)?;
        }
        Ok(())
    })
}

/// `POST /staff/board/{kind}/{id}/approve`.
pub async fn approve(
    staff: StaffUser,
    state: web::Data<AppState>,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse> {
    let (kind, id) = path.into_inner();
    let kind = kind_of(&kind)?;
    let m = MailCtx::of(&state);
    state
        .db
        .run(move |c| review(c, &m, &staff, kind, id, None))
        .await?;
    Ok(back("/staff/board?done=approved"))
}

/// `POST /staff/board/{kind}/{id}/reject` (`reason`).
pub async fn reject(
    staff: StaffUser,
    state: web::Data<AppState>,
    path: web::Path<(String, i64)>,
    form: Form<Fields>,
) -> Result<HttpResponse> {
    let (kind, id) = path.into_inner();
    let kind = kind_of(&kind)?;
    let p = form.into_inner();
    p.single_values(|_| false)?;
    let reason = super::introductions::reason(p.get("reason"))?;
    let m = MailCtx::of(&state);
    state
        .db
        .run(move |c| review(c, &m, &staff, kind, id, Some(&reason)))
        .await?;
    Ok(back("/staff/board?done=rejected"))
}

/// `POST /staff/board/needs/{id}/overrides` (`offering_id`, `action` pin/remove/clear, `note`).
pub async fn override_suggestion(
    staff: StaffUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: Form<Fields>,
) -> Result<HttpResponse> {
    let need_id = path.into_inner();
    let p = form.into_inner();
    p.single_values(|_| false)?;
    let offering_id: i64 = p
        .get("offering_id")
        .parse()
        .map_err(|_| AppError::invalid_field("offering_id", crate::validate::invalid_choice()))?;
    let action = crate::validate::one_of(p.get("action"), &["pin", "remove", "clear"])
        .map_err(|_| crate::web::input::unknown_action())?;
    let note = crate::validate::line(p.get("note"), action != "clear", 200)
        .map_err(|e| AppError::invalid_field("note", e))?;
    state
        .db
        .run(move |c| {
            c.write_transaction(|c| {
                queries::find_need(c, need_id)?;
                queries::find_offering(c, offering_id)?;
                queries::set_override(c, need_id, offering_id, action, &note, staff.id)?;
                audit::record(
                    c,
                    Some(&staff.0),
                    audit::Action::BoardSuggestionOverride,
                    audit::Target::Need,
                    Some(need_id.to_string()),
                    json!({ "offering_id": offering_id, "action": action, "note": note }),
                )?;
                Ok::<_, AppError>(())
            })
        })
        .await?;
    Ok(back(&format!("/board/needs/{need_id}?done=override")))
}
