//! Applications for an organization: a signed-in person without one applies (an SME or a
//! vendor, with what staff need to judge it); staff approve it (the organization is created and
//! the person joins it) or refuse it with a reason; the applicant is told by mail. Every step
//! writes its audit entry (and its mail) in the same transaction.

pub mod handlers;
pub mod staff;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use super::CurrentUser;
use super::queries::{self, NewOrganization};
use crate::audit;
use crate::db::DbConn;
use crate::error::{AppError, Message};
use crate::mail::{Mailer, OutgoingMail};
use crate::schema::{organization_applications as apps, users};

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Waiting for staff.
    Pending,
    /// Approved: the organization exists and the applicant belongs to it.
    Approved,
    /// Refused, with a reason.
    Refused,
}

impl Status {
    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Approved => "approved",
            Status::Refused => "refused",
        }
    }

    /// The status of a stored code.
    pub fn parse(code: &str) -> Status {
        match code {
            "approved" => Status::Approved,
            "refused" => Status::Refused,
            _ => Status::Pending,
        }
    }

    /// The catalog key of its label.
    pub fn label_key(self) -> &'static str {
        match self {
            Status::Pending => "apply.status_pending",
            Status::Approved => "apply.status_approved",
            Status::Refused => "apply.status_refused",
        }
    }
}

/// An application as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = apps)]
pub struct Application {
    /// Id.
    pub id: i64,
    /// The applicant.
    pub user_id: i64,
    /// `sme` or `vendor`.
    pub kind: String,
    /// Organization name.
    pub name: String,
    /// Prefecture code.
    pub prefecture: Option<i32>,
    /// Industry code.
    pub industry: Option<String>,
    /// Employee band code.
    pub employee_band: Option<String>,
    /// Website.
    pub website: Option<String>,
    /// SECURITY ACTION level.
    pub security_action: String,
    /// SECURITY ACTION 宣言ID.
    pub security_action_id: Option<String>,
    /// お助け隊 service name.
    pub otasuketai_service: Option<String>,
    /// IT導入支援事業者.
    pub it_support_provider: bool,
    /// What the applicant wants to do here.
    pub note: String,
    /// pending, approved, refused.
    pub status: String,
    /// Why it was refused.
    pub reason: Option<String>,
    /// Staff member who decided.
    pub decided_by: Option<i64>,
    /// When.
    pub decided_at: Option<NaiveDateTime>,
    /// The organization created on approval.
    pub organization_id: Option<i64>,
    /// Submitted.
    pub created_at: NaiveDateTime,
}

impl Application {
    /// Its status.
    pub fn status(&self) -> Status {
        Status::parse(&self.status)
    }
}

/// A validated application.
#[derive(Debug, Clone)]
pub struct NewApplication {
    /// The organization as it would be created.
    pub organization: NewOrganization,
    /// SECURITY ACTION 宣言ID.
    pub security_action_id: Option<String>,
    /// What the applicant wants to do here.
    pub note: String,
}

/// The person's latest application, if any.
pub fn latest_for(c: &mut DbConn, user_id: i64) -> QueryResult<Option<Application>> {
    apps::table
        .filter(apps::user_id.eq(user_id))
        .order(apps::id.desc())
        .select(Application::as_select())
        .first(c)
        .optional()
}

/// Every application of a person, oldest first.
pub fn list_for(c: &mut DbConn, user_id: i64) -> QueryResult<Vec<Application>> {
    apps::table
        .filter(apps::user_id.eq(user_id))
        .order(apps::id)
        .select(Application::as_select())
        .load(c)
}

impl Application {
    /// The application as "My data" shows it to the applicant (the deciding staff member is
    /// not the applicant's data and is left out).
    pub fn export(&self) -> serde_json::Value {
        serde_json::json!({
            "kind": self.kind,
            "name": self.name,
            "prefecture": self.prefecture,
            "industry": self.industry,
            "employee_band": self.employee_band,
            "website": self.website,
            "security_action": self.security_action,
            "security_action_id": self.security_action_id,
            "otasuketai_service": self.otasuketai_service,
            "it_support_provider": self.it_support_provider,
            "note": self.note,
            "status": self.status,
            "reason": self.reason,
            "decided_at": self.decided_at.map(crate::time::rfc3339),
            "organization_id": self.organization_id,
            "submitted_at": crate::time::rfc3339(self.created_at),
        })
    }
}

/// One application.
pub fn find(c: &mut DbConn, id: i64) -> QueryResult<Application> {
    apps::table
        .find(id)
        .select(Application::as_select())
        .first(c)
}

/// Applications waiting for staff, oldest first, with the applicant's name and address.
pub fn list_pending(c: &mut DbConn) -> QueryResult<Vec<(Application, String, String)>> {
    apps::table
        .inner_join(users::table.on(users::id.eq(apps::user_id)))
        .filter(apps::status.eq(Status::Pending.as_str()))
        .order(apps::id)
        .select((Application::as_select(), users::name, users::email))
        .load(c)
}

/// How many applications wait for staff.
pub fn count_pending(c: &mut DbConn) -> QueryResult<i64> {
    apps::table
        .filter(apps::status.eq(Status::Pending.as_str()))
        .count()
        .get_result(c)
}

/// Applications that wait for a decision, for the dashboard's 「今日の確認事項」.
pub fn pending(
    c: &mut DbConn,
    lang: views::Lang,
) -> QueryResult<Vec<crate::web::pending::PendingItem>> {
    Ok(crate::web::pending::PendingItem::of(
        count_pending(c)?,
        lang,
        "apply.dashboard_attention",
        "/staff/applications",
    )
    .into_iter()
    .collect())
}

/// Submits an application as `actor`: refused when the person belongs to an organization or
/// has one pending already.
pub fn submit(c: &mut DbConn, actor: &CurrentUser, a: &NewApplication) -> Result<i64, AppError> {
    c.write_transaction(|c| {
        let user = queries::find_user(c, actor.id)?;
        if user.organization_id.is_some() {
            return Err(AppError::Conflict(Message::new("apply.has_organization")));
        }
        if latest_for(c, actor.id)?.is_some_and(|p| p.status() == Status::Pending) {
            return Err(AppError::Conflict(Message::new("apply.already_pending")));
        }
        let o = &a.organization;
        let id: i64 = diesel::insert_into(apps::table)
            .values((
                apps::user_id.eq(actor.id),
                apps::kind.eq(&o.kind),
                apps::name.eq(&o.name),
                apps::prefecture.eq(o.prefecture),
                apps::industry.eq(&o.industry),
                apps::employee_band.eq(&o.employee_band),
                apps::website.eq(&o.website),
                apps::security_action.eq(&o.security_action),
                apps::security_action_id.eq(&a.security_action_id),
                apps::otasuketai_service.eq(&o.otasuketai_service),
                apps::it_support_provider.eq(o.it_support_provider),
                apps::note.eq(&a.note),
                apps::status.eq(Status::Pending.as_str()),
                apps::created_at.eq(crate::time::now_utc()),
            ))
            .returning(apps::id)
            .get_result(c)?;
        audit::record(
            c,
            Some(actor),
            audit::Action::OrganizationApplicationSubmit,
            audit::Target::OrganizationApplication,
            Some(id.to_string()),
            json!({"kind": o.kind}),
        )?;
        Ok(id)
    })
}

/// What staff decided.
#[derive(Debug, Clone)]
pub enum Decision {
    /// Create the organization and let the applicant in.
    Approve,
    /// Refuse, telling the applicant why.
    Refuse(String),
}

/// Decides a pending application as `actor`, and mails the applicant in their language (the
/// link to the board, or the reason). Returns the organization created on approval.
pub fn decide(
    c: &mut DbConn,
    actor: &CurrentUser,
    mailer: &Mailer,
    base_url: &str,
    id: i64,
    decision: &Decision,
) -> Result<Option<i64>, AppError> {
    c.write_transaction(|c| {
        let a = find(c, id)?;
        if a.status() != Status::Pending {
            return Err(AppError::Conflict(Message::new("apply.already_decided")));
        }
        let applicant = queries::find_user(c, a.user_id)?;
        let now = crate::time::now_utc();
        let lang = views::Lang::from_code(&applicant.lang).unwrap_or_default();
        let (status, org, body) = match decision {
            Decision::Approve => {
                if applicant.organization_id.is_some() {
                    return Err(AppError::Conflict(Message::new("apply.has_organization")));
                }
                let org = queries::create_organization(
                    c,
                    &NewOrganization {
                        kind: a.kind.clone(),
                        name: a.name.clone(),
                        prefecture: a.prefecture,
                        industry: a.industry.clone(),
                        employee_band: a.employee_band.clone(),
                        website: a.website.clone(),
                        security_action: a.security_action.clone(),
                        otasuketai_service: a.otasuketai_service.clone(),
                        it_support_provider: a.it_support_provider,
                        created_at: now,
                    },
                )?;
                diesel::update(users::table.find(applicant.id))
                    .set(users::organization_id.eq(Some(org)))
                    .execute(c)?;
                let body = views::mail::accounts::application_approved(
                    lang,
                    &a.name,
                    &format!("{base_url}/board/mine"),
                );
                (Status::Approved, Some(org), body)
            }
            Decision::Refuse(reason) => {
                let body = views::mail::accounts::application_refused(
                    lang,
                    &a.name,
                    reason,
                    &format!("{base_url}/account/organization"),
                );
                (Status::Refused, None, body)
            }
        };
        let reason = match decision {
            Decision::Refuse(r) => Some(r.clone()),
            Decision::Approve => None,
        };
        diesel::update(apps::table.find(id))
            .set((
                apps::status.eq(status.as_str()),
                apps::reason.eq(&reason),
                apps::decided_by.eq(Some(actor.id)),
                apps::decided_at.eq(Some(now)),
                apps::organization_id.eq(org),
            ))
            .execute(c)?;
        mailer.enqueue(
            c,
            &OutgoingMail {
                to_name: Some(applicant.name.clone()),
                ..OutgoingMail::transactional(&applicant.email, &body.subject, body.text, body.html)
            },
        )?;
        audit::record(
            c,
            Some(actor),
            match status {
                Status::Approved => audit::Action::OrganizationApplicationApprove,
                _ => audit::Action::OrganizationApplicationRefuse,
            },
            audit::Target::OrganizationApplication,
            Some(id.to_string()),
            json!({"organization_id": org}),
        )?;
        Ok(org)
    })
}
