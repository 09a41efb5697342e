//! The back office of the newsletter (`/staff/newsletter`): campaigns, subscribers, import and
//! export, topics. Every write, the export and every read of a person's details are audited.

pub mod campaigns;
pub mod subscribers;

use actix_web::{HttpResponse, web};
use views::newsletter::staff as sv;

use super::campaigns::{self as camp, Campaign};
use super::labels;
use super::queries as q;
use crate::accounts::StaffUser;
use crate::db::DbConn;
use crate::error::AppError;
use crate::web::AppState;
use crate::web::ctx::{Page, html};

/// (code, label) options.
type Options = Vec<(String, String)>;

pub(crate) fn topic_options(conn: &mut DbConn, lang: views::Lang) -> diesel::QueryResult<Options> {
    Ok(q::list_topics(conn, true)?
        .into_iter()
        .map(|t| (t.code.clone(), t.label(lang).to_string()))
        .collect())
}

pub(crate) fn codes(o: &Options) -> Vec<String> {
    o.iter().map(|(c, _)| c.clone()).collect()
}

pub(crate) fn topics_label(page: &Page, topics: &Option<Vec<String>>, options: &Options) -> String {
    match topics {
        None => page.t("newsletter.all_topics").to_string(),
        Some(list) => list
            .iter()
            .map(|t| crate::reference::label_of(options, t))
            .collect::<Vec<_>>()
            .join("、"),
    }
}

pub(crate) fn when(page: &Page, c: &Campaign) -> String {
    c.sent_at
        .or(c.started_at)
        .or(c.scheduled_at)
        .map(|t| crate::time::format_datetime(t, page.lang))
        .unwrap_or_default()
}
/// `GET /staff/newsletter`.
pub async fn dashboard(
    _staff: StaffUser,
    page: Page,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let lang = page.lang;
    let (list, counts, options) = state
        .db
        .run(move |c| {
            Ok::<_, diesel::result::Error>((
                camp::list(c, 200)?,
                q::status_counts(c)?,
                topic_options(c, lang)?,
            ))
        })
        .await?;
    let count =
        |s: q::SubscriberStatus| counts.iter().find(|(k, _)| *k == s).map_or(0, |(_, n)| *n);
    let summary = vec![
        (
            page.t("newsletter.staff.active_subscribers").to_string(),
            count(q::SubscriberStatus::Active),
        ),
        (
            page.t("newsletter.staff.pending_subscribers").to_string(),
            count(q::SubscriberStatus::Pending),
        ),
    ];
    let rows: Vec<sv::CampaignRow> = list
        .iter()
        .map(|c| sv::CampaignRow {
            id: c.id,
            subject: c.subject.clone(),
            status: page.t(labels::campaign_status(c.status)).to_string(),
            topics: topics_label(&page, &c.topic_list(), &options),
            when: when(&page, c),
        })
        .collect();
    Ok(html(sv::dashboard(&page, &summary, &rows)))
}
