//! The staff CSV export of a seminar's registrations (written by [`crate::csv_file`]: BOM, CRLF,
//! formula-like cells defused), every export in the audit log.

use actix_web::{HttpResponse, web};

use super::model::Registration;
use crate::accounts::StaffUser;
use crate::db::DbConn;
use crate::error::AppError;
use crate::reference::{self, Options};
use crate::seminars::model::Question;
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

/// The labels an export writes instead of codes, in the staff user's language.
#[derive(Debug, Clone, Default)]
pub struct Labels {
    /// The language of the headers and values.
    pub lang: views::Lang,
    /// Prefectures by JIS code.
    pub prefectures: Options,
    /// Industries by code.
    pub industries: Options,
    /// Employee bands by code.
    pub bands: Options,
}

impl Labels {
    /// Reads the reference lists in `lang`.
    pub fn read(conn: &mut DbConn, lang: views::Lang) -> diesel::QueryResult<Self> {
        Ok(Self {
            lang,
            prefectures: reference::prefectures(conn, lang)?,
            industries: reference::industries(conn, lang)?,
            bands: reference::employee_bands(conn, lang)?,
        })
    }

    fn of(options: &Options, code: &str) -> String {
        if code.is_empty() {
            String::new()
        } else {
            reference::label_of(options, code)
        }
    }
}

/// The whole file: labels in the staff user's language (a group entry's column names its
/// number and applicant; a series entry's names the series and the entry's number), the
/// seminar's questions, then the codes of the coded columns at the end (for a machine that
/// reads the file). `series`: the title of the seminar's series, if it is a session of one.
pub fn render(
    labels: &Labels,
    questions: &[Question],
    regs: &[Registration],
    positions: &dyn Fn(&Registration) -> Option<i64>,
    series: Option<&str>,
) -> String {
    let lang = labels.lang;
    let t = |keys: &[&'static str]| {
        keys.iter()
            .map(|k| lang.t(k).to_string())
            .collect::<Vec<_>>()
    };
    let mut head = t(&[
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
        "seminars.csv_group",
        "seminars.csv_series",
    ]);
    head.extend(questions.iter().map(|q| q.label.clone()));
    head.extend(t(&[
        "seminars.csv_code_prefecture",
        "seminars.csv_code_industry",
        "seminars.csv_code_employees",
        "seminars.csv_code_mode",
        "seminars.csv_code_status",
    ]));
    let mut rows = vec![head];
    for r in regs {
        let answers: serde_json::Value =
            serde_json::from_str(&r.answers).unwrap_or(serde_json::Value::Null);
        let prefecture = r.prefecture.map(|p| p.to_string()).unwrap_or_default();
        let band = r.employee_band.as_deref().unwrap_or_default();
        let mut row = vec![
            r.id.to_string(),
            r.name.clone(),
            r.company.clone(),
            r.email.clone(),
            Labels::of(&labels.prefectures, &prefecture),
            Labels::of(&labels.industries, &r.industry),
            Labels::of(&labels.bands, band),
            lang.t(r.mode().label_key()).to_string(),
            super::model::status_label(r.status, lang).to_string(),
            positions(r).map(|p| p.to_string()).unwrap_or_default(),
            r.checked_in_at
                .map(crate::time::sheet_datetime)
                .unwrap_or_default(),
            crate::time::sheet_datetime(r.created_at),
            r.group_id
                .map(|g| {
                    let applicant = regs.iter().find(|x| x.id == g).map(|x| x.name.as_str());
                    lang.tf(
                        "seminars.csv_group_value",
                        &[
                            ("id", &g.to_string()),
                            ("name", applicant.unwrap_or_default()),
                        ],
                    )
                })
                .unwrap_or_default(),
            r.series_entry_id
                .map(|e| {
                    lang.tf(
                        "seminars.csv_series_value",
                        &[
                            ("id", &e.to_string()),
                            ("title", series.unwrap_or_default()),
                        ],
                    )
                })
                .unwrap_or_default(),
        ];
        row.extend((0..questions.len()).map(|i| answer_text(&answers, i)));
        row.extend([
            prefecture,
            r.industry.clone(),
            band.to_string(),
            r.mode.clone(),
            r.status.to_string(),
        ]);
        rows.push(row);
    }
    crate::csv_file::excel_document(&rows)
}

/// Waitlist positions of every waitlisted registration, per mode in waitlist order.
pub fn positions(regs: &[Registration]) -> std::collections::HashMap<i64, i64> {
    let mut waiting: Vec<&Registration> = regs
        .iter()
        .filter(|r| r.status == super::model::RegistrationStatus::Waitlisted)
        .collect();
    waiting.sort_by_key(|r| (r.waitlist_seq, r.id));
    let mut out = std::collections::HashMap::new();
    // The members of a waiting group share one place (and one waitlist_seq).
    let mut per_mode: std::collections::HashMap<&str, (i64, Option<i64>)> = Default::default();
    for r in waiting {
        let (n, last) = per_mode.entry(r.mode.as_str()).or_insert((0, None));
        if *last != Some(r.waitlist_seq.unwrap_or(-r.id)) {
            *n += 1;
            *last = Some(r.waitlist_seq.unwrap_or(-r.id));
        }
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
            let (s, regs) = super::service::export_registrations(c, &actor, id)?;
            let pos = positions(&regs);
            let labels = Labels::read(c, lang)?;
            let series = match s.series_id {
                Some(x) => Some(crate::seminars::series::queries::find(c, x)?.title),
                None => None,
            };
            Ok::<_, AppError>(render(
                &labels,
                &s.questions(),
                &regs,
                &|r| pos.get(&r.id).copied(),
                series.as_deref(),
            ))
        })
        .await?;
    Ok(crate::csv_file::attachment(
        &format!("seminar-{id}-registrations.csv"),
        body,
    ))
}
