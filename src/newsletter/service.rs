//! The newsletter's operations, shared by the staff pages and the JSON API: each runs its
//! writes and its audit entry in one transaction, on behalf of the staff member who asked. The
//! surfaces extract and validate their input, call one of these, and render.
//!
//! Campaign transitions (pause, resume, cancel) are [`campaigns::Transition::apply`], which has
//! the same shape.

use chrono::NaiveDateTime;
use diesel::QueryResult;
use serde_json::{Value, json};

use super::bounces::{self, Applied, Returned};
use super::campaigns::{self, SendResult};
use super::forms::Draft;
use super::links::Links;
use super::queries::{self as q, Subscriber, SubscriberFilter};
use super::subscribe::{self, Import, ImportResult};
use crate::accounts::CurrentUser;
use crate::audit::{self, Action, Target, Via};
use crate::db::DbConn;
use crate::mail::Mailer;

fn audited(
    c: &mut DbConn,
    actor: &CurrentUser,
    action: Action,
    target: Target,
    id: Option<String>,
    mut detail: Value,
    via: Via,
) -> QueryResult<()> {
    if let Value::Object(map) = &mut detail {
        map.insert("via".into(), via.into());
    }
    audit::record(c, Some(actor), action, target, id, detail)
}

/// Creates a campaign draft; its id.
pub fn create_campaign(
    c: &mut DbConn,
    actor: &CurrentUser,
    draft: &Draft,
    via: Via,
) -> QueryResult<i64> {
    c.write_transaction(|c| {
        let id = campaigns::create(
            c,
            &draft.subject,
            &draft.body_markdown,
            &draft.topics,
            Some(actor.id),
        )?;
        audited(
            c,
            actor,
            Action::NewsletterCampaignCreate,
            Target::NewsletterCampaign,
            Some(id.to_string()),
            json!({ "topics": draft.topics }),
            via,
        )?;
        Ok(id)
    })
}

/// Stores a changed draft; false when the campaign is no longer a draft (nothing changed).
pub fn update_campaign(
    c: &mut DbConn,
    actor: &CurrentUser,
    id: i64,
    draft: &Draft,
    via: Via,
) -> QueryResult<bool> {
    c.write_transaction(|c| {
        let saved =
            campaigns::update_draft(c, id, &draft.subject, &draft.body_markdown, &draft.topics)?;
        if saved {
            audited(
                c,
                actor,
                Action::NewsletterCampaignUpdate,
                Target::NewsletterCampaign,
                Some(id.to_string()),
                json!({ "topics": draft.topics }),
                via,
            )?;
        }
        Ok(saved)
    })
}

/// Queues a copy of the campaign to the staff member themself.
pub fn send_test(
    c: &mut DbConn,
    mailer: &Mailer,
    links: &Links,
    actor: &CurrentUser,
    id: i64,
    via: Via,
) -> QueryResult<()> {
    c.write_transaction(|c| {
        let campaign = campaigns::find(c, id)?.ok_or(diesel::result::Error::NotFound)?;
        let mail = campaigns::test_mail(links, &campaign, &actor.email, &actor.name, &actor.lang);
        mailer.enqueue(c, &mail)?;
        audited(
            c,
            actor,
            Action::NewsletterCampaignTest,
            Target::NewsletterCampaign,
            Some(id.to_string()),
            json!({}),
            via,
        )
    })
}

/// Sends the campaign now, or schedules it for `at` when that is in the future; `None` when
/// there is no such campaign. A campaign already on its way is left as it is (`Unchanged`, not
/// audited).
pub fn send_campaign(
    c: &mut DbConn,
    actor: &CurrentUser,
    id: i64,
    at: Option<NaiveDateTime>,
    via: Via,
) -> QueryResult<Option<SendResult>> {
    c.write_transaction(|c| {
        let r = campaigns::send(c, id, at)?;
        if let Some(r) = r
            && r != SendResult::Unchanged
        {
            audited(
                c,
                actor,
                Action::NewsletterCampaignSend,
                Target::NewsletterCampaign,
                Some(id.to_string()),
                json!({ "scheduled": r == SendResult::Scheduled }),
                via,
            )?;
        }
        Ok(r)
    })
}

/// What an import needs to send confirmation mails to addresses imported unconfirmed.
pub struct ConfirmationMail<'a> {
    /// The outbox.
    pub mailer: &'a Mailer,
    /// The newsletter's links.
    pub links: &'a Links,
    /// The service's base URL.
    pub base_url: &'a str,
}

/// Imports subscribers with their recorded consent (`source`); one result per row, in order.
/// A single row is audited with its subscriber's id.
pub fn import_subscribers(
    c: &mut DbConn,
    mail: &ConfirmationMail,
    actor: &CurrentUser,
    rows: &[Import],
    source: &str,
    via: Via,
) -> QueryResult<Vec<ImportResult>> {
    c.write_transaction(|c| {
        let results = subscribe::import(c, mail.mailer, mail.links, mail.base_url, rows, source)?;
        let target = match (rows, results.as_slice()) {
            ([_], [ImportResult::Created(id) | ImportResult::Existing(id)]) => Some(id.to_string()),
            _ => None,
        };
        let confirmed: Vec<bool> = rows.iter().map(|r| r.confirmed).collect();
        audited(
            c,
            actor,
            Action::NewsletterSubscriberImport,
            Target::NewsletterSubscriber,
            target,
            json!({
                "rows": rows.len(),
                "consent_source": source,
                "confirmed": confirmed.iter().all(|c| *c),
            }),
            via,
        )?;
        Ok(results)
    })
}

/// (subscriber id, topic code) pairs.
pub type SubscriberTopics = Vec<(i64, String)>;

/// Subscribers matching `filter` (at most `limit`) with their topic codes, as (subscriber id,
/// topic code) pairs. A staff read of personal data, so it is audited.
pub fn list_subscribers(
    c: &mut DbConn,
    actor: &CurrentUser,
    filter: &SubscriberFilter,
    limit: i64,
    action: ListAction,
    via: Via,
) -> QueryResult<(Vec<Subscriber>, SubscriberTopics)> {
    c.write_transaction(|c| {
        let list = q::search(c, filter, limit)?;
        let ids: Vec<i64> = list.iter().map(|s| s.id).collect();
        let topics = q::topics_of_many(c, &ids)?;
        let action = match action {
            ListAction::List => Action::NewsletterSubscriberList,
            ListAction::Export => Action::NewsletterSubscriberExport,
        };
        audited(
            c,
            actor,
            action,
            Target::NewsletterSubscriber,
            None,
            json!({ "count": list.len() }),
            via,
        )?;
        Ok((list, topics))
    })
}

/// Why staff read the subscriber list: to look at it, or to download it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListAction {
    /// The list on a page or in the API.
    List,
    /// The CSV download.
    Export,
}

/// Whether staff can end a subscription in this status (it has not ended already).
pub fn can_unsubscribe(status: q::SubscriberStatus) -> bool {
    matches!(
        status,
        q::SubscriberStatus::Active | q::SubscriberStatus::Paused | q::SubscriberStatus::Pending
    )
}

/// Ends a subscription on the subscriber's behalf (kept in the consent history as done by
/// this staff member); `Some(false)` when it had ended already, `None` when there is none.
pub fn unsubscribe(
    c: &mut DbConn,
    actor: &CurrentUser,
    id: i64,
    via: Via,
) -> QueryResult<Option<bool>> {
    c.write_transaction(|c| {
        let Some(s) = q::find(c, id)? else {
            return Ok(None);
        };
        if !can_unsubscribe(s.status) {
            return Ok(Some(false));
        }
        q::end_subscription(
            c,
            &s,
            q::SubscriberStatus::Unsubscribed,
            &format!("staff:{}", actor.id),
        )?;
        audited(
            c,
            actor,
            Action::NewsletterSubscriberUnsubscribe,
            Target::NewsletterSubscriber,
            Some(id.to_string()),
            json!({}),
            via,
        )?;
        Ok(Some(true))
    })
}

/// Deletes a subscriber and its consent history; false when there is none.
pub fn delete_subscriber(
    c: &mut DbConn,
    actor: &CurrentUser,
    id: i64,
    via: Via,
) -> QueryResult<bool> {
    c.write_transaction(|c| {
        let Some(s) = q::find(c, id)? else {
            return Ok(false);
        };
        q::delete(c, &s)?;
        audited(
            c,
            actor,
            Action::NewsletterSubscriberDelete,
            Target::NewsletterSubscriber,
            Some(id.to_string()),
            json!({}),
            via,
        )?;
        Ok(true)
    })
}

/// Adds a topic; false when a topic has this code (nothing changed).
pub fn add_topic(
    c: &mut DbConn,
    actor: &CurrentUser,
    code: &str,
    label_ja: &str,
    label_en: &str,
    via: Via,
) -> QueryResult<bool> {
    c.write_transaction(|c| {
        let added = q::add_topic(c, code, label_ja, label_en)?;
        if added {
            audited(
                c,
                actor,
                Action::NewsletterTopicCreate,
                Target::NewsletterTopic,
                Some(code.to_string()),
                json!({}),
                via,
            )?;
        }
        Ok(added)
    })
}

/// Applies returned mail: bounces (hard ones suppress at once, soft ones after three in a row)
/// and unsubscribe requests; what each bounce did and how many unsubscribed.
pub fn apply_returned(
    c: &mut DbConn,
    actor: &CurrentUser,
    returned: &Returned,
    via: Via,
) -> QueryResult<(Vec<Applied>, usize)> {
    c.write_transaction(|c| {
        let applied = bounces::apply(c, &returned.bounces, via)?;
        let unsubscribed = bounces::apply_unsubscribes(c, &returned.unsubscribes, via)?;
        audited(
            c,
            actor,
            Action::NewsletterBounceImport,
            Target::NewsletterSubscriber,
            None,
            json!({ "bounces": applied.len(), "unsubscribed": unsubscribed }),
            via,
        )?;
        Ok((applied, unsubscribed))
    })
}
