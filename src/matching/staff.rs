//! The back office of the board: the review queue (approve, reject with a reason the poster
//! sees), pins and removals of suggestions, and the KPIs with a server-drawn chart.

use actix_web::{HttpResponse, web};
use views::matching::{ReviewItem, StaffBoardView};

use super::introductions::MailCtx;
use super::labels;
use super::queries;
use super::service::{self, PostKind, Review, SuggestionOverride};
use crate::accounts::StaffUser;
use crate::error::AppError;
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

fn kind_of(path: &str) -> Result<PostKind> {
    PostKind::of_path(path).ok_or(AppError::NotFound)
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
        .run(move |c| service::review_post(c, &m, &staff.0, kind, id, &Review::Approve, "page"))
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
    let decision = Review::Reject(super::introductions::reason(p.get("reason"))?);
    let m = MailCtx::of(&state);
    state
        .db
        .run(move |c| service::review_post(c, &m, &staff.0, kind, id, &decision, "page"))
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
    let change = SuggestionOverride {
        need_id,
        offering_id,
        action,
        note,
    };
    state
        .db
        .run(move |c| service::override_suggestion(c, &staff.0, &change, "page"))
        .await?;
    Ok(back(&format!("/board/needs/{need_id}?done=override")))
}

/// What of the board waits for staff: posts in review (the dashboard's 「今日の確認事項」).
pub fn pending(
    conn: &mut crate::db::DbConn,
    lang: views::Lang,
) -> diesel::QueryResult<Vec<crate::web::pending::PendingItem>> {
    let waiting = queries::review_queue(conn)?.len() as i64;
    Ok(crate::web::pending::PendingItem::of(
        waiting,
        lang,
        "matching.pending_review",
        "/staff/board",
    )
    .into_iter()
    .collect())
}
