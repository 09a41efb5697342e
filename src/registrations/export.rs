//! The staff CSV export of a seminar's registrations (written by [`crate::csv_file`]: BOM, CRLF,
//! formula-like cells defused), every export in the audit log.

use actix_web::{HttpResponse, web};
use serde_json::json;

use super::model::Registration;
use super::queries;
use crate::accounts::StaffUser;
use crate::audit;
use crate::error::AppError;
use crate::seminars::model::Question;
use crate::seminars::queries as seminar_queries;
use crate::web::AppState;
use crate::web::ctx::Page;

/// An answer as text (choices joined with ` / `).
pub fn answer_text(answers: &serde_json::Value, index: usize) -> String {
    match answers.get(format!("q_{index}")) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str())
            .collect::<Vec<_>>()
            .join(" / "),
        _ => String::new(),
    }
}

/// The whole file.
pub fn render(
    lang: views::Lang,
    questions: &[Question],
    regs: &[Registration],
    positions: &dyn Fn(&Registration) -> Option<i64>,
) -> String {
    let mut head: Vec<String> = [
        "seminars.csv_id",
        "seminars.field_name",
        "seminars.field_company",
        "seminars.field_email",
        "seminars.field_prefecture",
        "seminars.field_industry",
        "seminars.field_employees",
        "seminars.field_mode",
        "seminars.status",
        "seminars.position",
        "seminars.checked_in",
        "seminars.csv_created",
    ]
    .iter()
    .map(|k| lang.t(k).to_string())
    .collect();
    head.extend(questions.iter().map(|q| q.label.clone()));
    let mut rows = vec![head];
    for r in regs {
        let answers: serde_json::Value =
            serde_json::from_str(&r.answers).unwrap_or(serde_json::Value::Null);
        let mut row = vec![
            r.id.to_string(),
            r.name.clone(),
            r.company.clone(),
            r.email.clone(),
            r.prefecture.map(|p| p.to_string()).unwrap_or_default(),
            r.industry.clone(),
            r.employee_band.clone().unwrap_or_default(),
            r.mode.clone(),
            r.status.clone(),
            positions(r).map(|p| p.to_string()).unwrap_or_default(),
            r.checked_in_at
                .map(crate::time::rfc3339)
                .unwrap_or_default(),
            crate::time::rfc3339(r.created_at),
        ];
        row.extend((0..questions.len()).map(|i| answer_text(&answers, i)));
        rows.push(row);
    }
    crate::csv_file::excel_document(&rows)
}

/// Waitlist positions of every waitlisted registration, per mode in waitlist order.
pub fn positions(regs: &[Registration]) -> std::collections::HashMap<i64, i64> {
    let mut waiting: Vec<&Registration> = regs
        .iter()
        .filter(|r| r.status == super::model::status::WAITLISTED)
        .collect();
    waiting.sort_by_key(|r| (r.waitlist_seq, r.id));
    let mut out = std::collections::HashMap::new();
    let mut per_mode: std::collections::HashMap<&str, i64> = Default::default();
    for r in waiting {
        let n = per_mode.entry(r.mode.as_str()).or_insert(0);
        *n += 1;
        out.insert(r.id, *n);
    }
    out
}

/// `GET /staff/seminars/{id}/registrations.csv`.
pub async fn csv(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let lang = page.lang;
    let actor = user.0.clone();
    let body = state
        .db
        .run(move |c| {
            let s = seminar_queries::find(c, id)?;
            let regs = queries::list_for_seminar(c, id)?;
            let pos = positions(&regs);
            let body = render(lang, &s.questions(), &regs, &|r| pos.get(&r.id).copied());
            audit::record(
                c,
                Some(&actor),
                audit::Action::RegistrationExport,
                audit::Target::Seminar,
                Some(id.to_string()),
                json!({"rows": regs.len()}),
            )?;
            Ok::<_, AppError>(body)
        })
        .await?;
    Ok(crate::csv_file::attachment(
        &format!("seminar-{id}-registrations.csv"),
        body,
    ))
}
