//! The audit log: who did what to which record and when. Every feature writes to it inside the
//! transaction of the change it records (so a change without its entry is never stored). Rows
//! are only ever added (the database refuses updates and deletes, except for forgetting a deleted
//! account's id).
//!
//! The log is core: it knows no feature. Features name what they did with an [`Action`] and
//! what they did it to with a [`Target`]; `accounts` turns a signed-in user into an [`Actor`].

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConn;
use crate::schema::audit_log;

/// Who did it: a user with their role at the time, or the system (CLI, workers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    /// The user's id; `None` for the system.
    pub id: Option<i64>,
    /// The stored role name (`admin`, `staff`, `member`), `system` for the system.
    pub role: &'static str,
}

impl Actor {
    /// The system itself: the CLI and the background workers.
    pub const SYSTEM: Actor = Actor {
        id: None,
        role: "system",
    };

    /// A user acting in the given role.
    pub fn user(id: i64, role: &'static str) -> Self {
        Actor { id: Some(id), role }
    }
}

/// Declares an [`api_enum!`](crate::api_enum) whose variants also have labels: the catalog
/// key of a variant's label is the prefix followed by its stored name.
macro_rules! stored_names {
    ($prefix:literal $(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal,)* }) => {
        crate::api_enum! {
            $(#[$meta])*
            pub enum $name {
                $($(#[$vmeta])* $variant = $text,)*
            }
        }

        impl $name {
            /// The catalog key of its label, in words for staff.
            pub fn label_key(self) -> &'static str {
                match self {
                    $($name::$variant => concat!($prefix, $text),)*
                }
            }
        }
    };
}

stored_names! {
    "audit.action."
    /// What was done, stored as `record.verb` (the staff view filters by prefix).
    Action {
        /// `api_token.create`.
        ApiTokenCreate => "api_token.create",
        /// `api_token.revoke`.
        ApiTokenRevoke => "api_token.revoke",
        /// `board.approve`.
        BoardApprove => "board.approve",
        /// `board.reject`.
        BoardReject => "board.reject",
        /// `board.suggestion_override`.
        BoardSuggestionOverride => "board.suggestion_override",
        /// `certificate.export`: a seminar's certificates downloaded by staff.
        CertificateExport => "certificate.export",
        /// `certificate.issue`.
        CertificateIssue => "certificate.issue",
        /// `certificate.list`.
        CertificateList => "certificate.list",
        /// `attendance.confirm`: staff confirmed a name match of an attendance report.
        AttendanceConfirm => "attendance.confirm",
        /// `attendance.import`: a meeting tool's attendance report imported.
        AttendanceImport => "attendance.import",
        /// `certificate.revoke`.
        CertificateRevoke => "certificate.revoke",
        /// `newsletter.bounce.import`.
        NewsletterBounceImport => "newsletter.bounce.import",
        /// `newsletter.campaign.cancel`.
        NewsletterCampaignCancel => "newsletter.campaign.cancel",
        /// `newsletter.campaign.create`.
        NewsletterCampaignCreate => "newsletter.campaign.create",
        /// `newsletter.campaign.pause`.
        NewsletterCampaignPause => "newsletter.campaign.pause",
        /// `newsletter.campaign.resume`.
        NewsletterCampaignResume => "newsletter.campaign.resume",
        /// `newsletter.campaign.send`.
        NewsletterCampaignSend => "newsletter.campaign.send",
        /// `newsletter.campaign.test`.
        NewsletterCampaignTest => "newsletter.campaign.test",
        /// `newsletter.campaign.update`.
        NewsletterCampaignUpdate => "newsletter.campaign.update",
        /// `newsletter.subscriber.delete`.
        NewsletterSubscriberDelete => "newsletter.subscriber.delete",
        /// `newsletter.subscriber.export`.
        NewsletterSubscriberExport => "newsletter.subscriber.export",
        /// `newsletter.subscriber.import`.
        NewsletterSubscriberImport => "newsletter.subscriber.import",
        /// `newsletter.subscriber.list`.
        NewsletterSubscriberList => "newsletter.subscriber.list",
        /// `newsletter.subscriber.unsubscribe`.
        NewsletterSubscriberUnsubscribe => "newsletter.subscriber.unsubscribe",
        /// `newsletter.subscriber.view`.
        NewsletterSubscriberView => "newsletter.subscriber.view",
        /// `newsletter.topic.create`.
        NewsletterTopicCreate => "newsletter.topic.create",
        /// `oauth_identity.link`.
        OauthIdentityLink => "oauth_identity.link",
        /// `oauth_identity.unlink`.
        OauthIdentityUnlink => "oauth_identity.unlink",
        /// `organization.create`.
        OrganizationCreate => "organization.create",
        /// `organization.invite`.
        OrganizationInvite => "organization.invite",
        /// `organization.update`.
        OrganizationUpdate => "organization.update",
        /// `organization.view`.
        OrganizationView => "organization.view",
        /// `organization_application.approve`: staff approved an application (the organization is created).
        OrganizationApplicationApprove => "organization_application.approve",
        /// `organization_application.refuse`: staff refused an application, with a reason.
        OrganizationApplicationRefuse => "organization_application.refuse",
        /// `organization_application.submit`: a signed-in person applied for an organization.
        OrganizationApplicationSubmit => "organization_application.submit",
        /// `organization_application.view`: staff read an application.
        OrganizationApplicationView => "organization_application.view",
        /// `outbox.retry`.
        OutboxRetry => "outbox.retry",
        /// `outbox.view_failed`.
        OutboxViewFailed => "outbox.view_failed",
        /// `registration.cancel`.
        RegistrationCancel => "registration.cancel",
        /// `registration.check_in`.
        RegistrationCheckIn => "registration.check_in",
        /// `registration.export`.
        RegistrationExport => "registration.export",
        /// `registration.promote`.
        RegistrationPromote => "registration.promote",
        /// `registration.staff_add`.
        RegistrationStaffAdd => "registration.staff_add",
        /// `registration.view`.
        RegistrationView => "registration.view",
        /// `report.export`: a download of the fiscal-year report (workbook, CSV, API).
        ReportExport => "report.export",
        /// `report.view`.
        ReportView => "report.view",
        /// `seminar.cancel`.
        SeminarCancel => "seminar.cancel",
        /// `seminar.create`.
        SeminarCreate => "seminar.create",
        /// `seminar.draw`: a lottery drawn (by staff, the API or the worker at the draw time).
        SeminarDraw => "seminar.draw",
        /// `seminar.duplicate`.
        SeminarDuplicate => "seminar.duplicate",
        /// `seminar.import`.
        SeminarImport => "seminar.import",
        /// `seminar.message`.
        SeminarMessage => "seminar.message",
        /// `seminar.publish`.
        SeminarPublish => "seminar.publish",
        /// `seminar.update`.
        SeminarUpdate => "seminar.update",
        /// `series.add_session`: a seminar made a session of a series.
        SeriesAddSession => "series.add_session",
        /// `series.create`.
        SeriesCreate => "series.create",
        /// `series.remove_session`: a seminar taken out of a series.
        SeriesRemoveSession => "series.remove_session",
        /// `series.update`.
        SeriesUpdate => "series.update",
        /// `survey.export`.
        SurveyExport => "survey.export",
        /// `user.admin_create`.
        UserAdminCreate => "user.admin_create",
        /// `user.deactivate`.
        UserDeactivate => "user.deactivate",
        /// `user.delete`.
        UserDelete => "user.delete",
        /// `user.list`.
        UserList => "user.list",
        /// `user.role`.
        UserRole => "user.role",
    }
}

stored_names! {
    "audit.target."
    /// The kind of record an action was done to.
    Target {
        /// `user`.
        User => "user",
        /// `api_token`.
        ApiToken => "api_token",
        /// `organization`.
        Organization => "organization",
        /// `seminar`.
        Seminar => "seminar",
        /// `registration`.
        Registration => "registration",
        /// `outbox`.
        Outbox => "outbox",
        /// `need`.
        Need => "need",
        /// `offering`.
        Offering => "offering",
        /// `newsletter_campaign`.
        NewsletterCampaign => "newsletter_campaign",
        /// `newsletter_subscriber`.
        NewsletterSubscriber => "newsletter_subscriber",
        /// `newsletter_topic`.
        NewsletterTopic => "newsletter_topic",
        /// `organization_application`: a request to register an organization.
        OrganizationApplication => "organization_application",
        /// `fiscal_year_report`: the report of a fiscal year (its id is the year).
        FiscalYearReport => "fiscal_year_report",
        /// `series`: a series (連続講座) of seminars.
        Series => "series",
    }
}

impl Target {
    /// The staff page of a record of this kind, where there is one. `detail` is the entry's
    /// detail, for records reached through another (a registration through its seminar).
    pub fn href(self, id: &str, detail: &serde_json::Value) -> Option<String> {
        let seminar = || detail.get("seminar_id").and_then(serde_json::Value::as_i64);
        let id = id.trim();
        if id.is_empty() && !matches!(self, Target::Outbox | Target::NewsletterTopic) {
            return seminar().map(|s| format!("/staff/seminars/{s}"));
        }
        Some(match self {
            Target::User | Target::ApiToken => return None,
            Target::Organization => format!("/staff/organizations/{id}"),
            Target::Seminar => format!("/staff/seminars/{id}"),
            Target::Registration => format!("/staff/seminars/{}", seminar()?),
            Target::Outbox => "/staff/outbox".to_string(),
            Target::Need => format!("/board/needs/{id}"),
            Target::Offering => format!("/board/offerings/{id}"),
            Target::NewsletterCampaign => format!("/staff/newsletter/campaigns/{id}"),
            Target::NewsletterSubscriber => format!("/staff/newsletter/subscribers/{id}"),
            Target::NewsletterTopic => "/staff/newsletter/topics".to_string(),
            Target::OrganizationApplication => format!("/staff/applications/{id}"),
            Target::FiscalYearReport => format!("/staff/reports/{id}"),
            Target::Series => format!("/staff/series/{id}"),
        })
    }
}

/// The detail keys the log shows in words, with the catalog keys of their labels.
const DETAIL_LABELS: &[(&str, &str)] = &[
    ("action", "audit.detail.action"),
    ("audience", "audit.detail.audience"),
    ("bounces", "audit.detail.bounces"),
    ("by", "audit.detail.by"),
    ("confirmed", "audit.detail.confirmed"),
    ("consent_source", "audit.detail.consent_source"),
    ("count", "audit.detail.count"),
    ("created", "audit.detail.created"),
    ("identity", "audit.detail.identity"),
    ("kind", "audit.detail.kind"),
    ("mail", "audit.detail.mail"),
    ("name", "audit.detail.name"),
    ("note", "audit.detail.note"),
    ("offering_id", "audit.detail.offering_id"),
    ("pages", "audit.detail.pages"),
    ("provider", "audit.detail.provider"),
    ("query", "audit.detail.query"),
    ("reason", "audit.detail.reason"),
    ("recipients", "audit.detail.recipients"),
    ("results", "audit.detail.results"),
    ("role", "audit.detail.role"),
    ("rows", "audit.detail.rows"),
    ("scheduled", "audit.detail.scheduled"),
    ("seminar_id", "audit.detail.seminar_id"),
    ("serial", "audit.detail.serial"),
    ("skipped", "audit.detail.skipped"),
    ("status", "audit.detail.status"),
    ("subject", "audit.detail.subject"),
    ("title", "audit.detail.title"),
    ("told", "audit.detail.told"),
    ("topics", "audit.detail.topics"),
    ("via", "audit.detail.via"),
];

/// An entry's detail as (label, value) lines in `lang`: no JSON on the page. Keys the log
/// has no label for show as they are; nested values are joined.
pub fn detail_lines(detail: &serde_json::Value, lang: views::Lang) -> Vec<(String, String)> {
    fn text(v: &serde_json::Value, lang: views::Lang) -> String {
        match v {
            serde_json::Value::Null => "—".to_string(),
            serde_json::Value::Bool(true) => lang.t("audit.yes").to_string(),
            serde_json::Value::Bool(false) => lang.t("audit.no").to_string(),
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::Array(a) => a
                .iter()
                .map(|x| text(x, lang))
                .collect::<Vec<_>>()
                .join(", "),
            serde_json::Value::Object(o) => o
                .iter()
                .map(|(k, x)| format!("{k}: {}", text(x, lang)))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
    let Some(map) = detail.as_object() else {
        return Vec::new();
    };
    map.iter()
        .map(|(k, v)| {
            let label = DETAIL_LABELS
                .iter()
                .find(|(key, _)| key == k)
                .map_or_else(|| k.replace('_', " "), |(_, l)| lang.t(l).to_string());
            (label, text(v, lang))
        })
        .collect()
}

/// The users who appear in the log (for the filter by person), by id.
pub fn actor_ids(conn: &mut DbConn) -> QueryResult<Vec<i64>> {
    audit_log::table
        .filter(audit_log::actor_id.is_not_null())
        .select(audit_log::actor_id.assume_not_null())
        .distinct()
        .order(audit_log::actor_id.assume_not_null())
        .load(conn)
}

/// Which surface asked for an operation: `page` (the staff pages), `api` or `cli`; services
/// keep it in the audit entry's detail as `via`.
pub type Via = &'static str;

/// Records an action on a record (`target_id`) in the caller's transaction.
pub fn record(
    conn: &mut DbConn,
    actor: impl Into<Actor>,
    action: Action,
    target: Target,
    target_id: Option<String>,
    detail: serde_json::Value,
) -> QueryResult<()> {
    let actor = actor.into();
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::at.eq(Utc::now().naive_utc()),
            audit_log::actor_id.eq(actor.id),
            audit_log::actor_role.eq(actor.role),
            audit_log::action.eq(action),
            audit_log::target_kind.eq(target),
            audit_log::target_id.eq(target_id),
            audit_log::detail.eq(detail.to_string()),
        ))
        .execute(conn)?;
    Ok(())
}

/// One entry as staff see it.
#[derive(Debug, Clone, Queryable, Serialize)]
pub struct AuditEntry {
    /// Id.
    pub id: i64,
    /// When (UTC).
    pub at: NaiveDateTime,
    /// Actor id (gone once the account is deleted).
    pub actor_id: Option<i64>,
    /// Actor's role at the time.
    pub actor_role: String,
    /// What was done (`registration.export`, `user.role`, ...).
    pub action: String,
    /// Kind of record.
    pub target_kind: String,
    /// Record id.
    pub target_id: Option<String>,
    /// JSON detail.
    pub detail: String,
}

/// Filters of the staff view (chosen from lists on the page; empty means all).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AuditFilter {
    /// Action prefix (`registration.`), or a whole stored name.
    pub action: Option<String>,
    /// Kind of record.
    pub target_kind: Option<String>,
    /// Actor id, as the list sends it (empty: everyone; anything but a number finds nobody).
    pub actor_id: Option<String>,
}

impl AuditFilter {
    /// The actor id asked for: `None` for everyone, `Some(None)` for a value that is no id.
    fn actor(&self) -> Option<Option<i64>> {
        let raw = self
            .actor_id
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())?;
        Some(raw.parse().ok())
    }
}

/// The newest entries matching the filter.
pub fn list(conn: &mut DbConn, filter: &AuditFilter, limit: i64) -> QueryResult<Vec<AuditEntry>> {
    let mut query = audit_log::table.into_boxed();
    if let Some(action) = filter.action.as_deref().filter(|a| !a.is_empty()) {
        query =
            query.filter(audit_log::action.like(format!("{}%", action.replace(['%', '_'], ""))));
    }
    if let Some(kind) = filter.target_kind.as_deref().filter(|k| !k.is_empty()) {
        query = query.filter(audit_log::target_kind.eq(kind.to_string()));
    }
    match filter.actor() {
        None => {}
        Some(Some(actor)) => query = query.filter(audit_log::actor_id.eq(actor)),
        Some(None) => query = query.filter(audit_log::id.lt(0)),
    }
    query
        .order(audit_log::id.desc())
        .limit(limit)
        .select((
            audit_log::id,
            audit_log::at,
            audit_log::actor_id,
            audit_log::actor_role,
            audit_log::action,
            audit_log::target_kind,
            audit_log::target_id,
            audit_log::detail,
        ))
        .load(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_are_unique_and_dotted() {
        let mut seen = std::collections::HashSet::new();
        for a in Action::ALL {
            assert!(seen.insert(a.as_str()), "{a} twice");
            assert!(a.as_str().contains('.'), "{a} has no record part");
        }
        let kinds: std::collections::HashSet<_> = Target::ALL.iter().map(|t| t.as_str()).collect();
        assert_eq!(kinds.len(), Target::ALL.len());
    }

    #[test]
    fn every_action_and_kind_has_words_in_both_languages() {
        let keys: Vec<&str> = Action::ALL
            .iter()
            .map(|a| a.label_key())
            .chain(Target::ALL.iter().map(|t| t.label_key()))
            .chain(DETAIL_LABELS.iter().map(|(_, k)| *k))
            .collect();
        for lang in views::Lang::ALL {
            for key in &keys {
                assert_ne!(lang.t(key), *key, "{key} in {lang:?}");
            }
        }
    }

    #[test]
    fn details_read_as_words() {
        let lines = detail_lines(
            &serde_json::json!({"told": 3, "mail": true, "topics": ["events", "alerts"]}),
            views::Lang::Ja,
        );
        assert!(lines.contains(&("通知した人数".to_string(), "3".to_string())));
        assert!(lines.contains(&("メール送信".to_string(), "はい".to_string())));
        assert!(lines.contains(&("テーマ".to_string(), "events, alerts".to_string())));
    }

    #[test]
    fn records_link_to_their_staff_page() {
        let none = serde_json::json!({});
        assert_eq!(
            Target::Seminar.href("12", &none).as_deref(),
            Some("/staff/seminars/12")
        );
        let via = serde_json::json!({"seminar_id": 7});
        assert_eq!(
            Target::Registration.href("40", &via).as_deref(),
            Some("/staff/seminars/7")
        );
        assert_eq!(Target::Registration.href("40", &none), None);
        assert_eq!(Target::ApiToken.href("1", &none), None);
    }
}
