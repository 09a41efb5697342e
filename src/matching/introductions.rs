//! Introductions with consent: one side asks, the other accepts or declines. The requester
//! consents by asking; contact details (name, email) are revealed to both only once the other
//! side accepted, and each step mails the other side in the same transaction.

use actix_web::{HttpResponse, web};

use super::api_types::{IntroductionStage, PostStatus, Side};
use super::queries::{self, Introduction, Need, Offering};
use super::scoring;
use super::taxonomy::PROGRESS_STAGES;
use crate::accounts::CurrentUser;
use crate::db::DbConn;
use crate::error::{AppError, Message};
use crate::mail::{Mailer, OutgoingMail};
use crate::web::AppState;
use crate::web::input::{Fields, Form};
use crate::web::see_other;

type Result<T> = std::result::Result<T, AppError>;

/// What the mail steps need from the state.
#[derive(Clone)]
pub struct MailCtx {
    /// The mailer.
    pub mailer: Mailer,
    /// Absolute base of links.
    pub base_url: String,
    /// Introductions a vendor may request per 7 days.
    pub per_week: i64,
}

impl MailCtx {
    /// From the state.
    pub fn of(state: &AppState) -> Self {
        Self {
            mailer: state.mailer.clone(),
            base_url: state.config.base_url.trim_end_matches('/').to_string(),
            per_week: i64::from(state.config.matching_introductions_per_week),
        }
    }

    fn link(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    fn send(
        &self,
        c: &mut DbConn,
        to: &(String, String, String),
        body: views::matching::mail::MailBody,
        source: String,
    ) -> diesel::QueryResult<()> {
        let mut mail = OutgoingMail::transactional(&to.0, &body.subject, body.text, body.html);
        mail.to_name = Some(to.1.clone());
        mail.source = Some(source);
        self.mailer.enqueue(c, &mail)?;
        Ok(())
    }
}

fn lang_of(code: &str) -> views::Lang {
    views::Lang::from_code(code).unwrap_or_default()
}

/// Which side of an introduction the user is on, if any.
fn side_of(user: &CurrentUser, need: &Need, offering: &Offering) -> Option<Side> {
    match user.organization_id {
        Some(o) if o == need.organization_id => Some(Side::Sme),
        Some(o) if o == offering.organization_id => Some(Side::Vendor),
        _ => None,
    }
}

/// The other side's organization, person and email — only when both sides consented.
pub fn counterpart_contact(
    c: &mut DbConn,
    i: &Introduction,
    need: &Need,
    offering: &Offering,
    our_side: Side,
) -> diesel::QueryResult<Option<(String, String, String)>> {
    if !i.both_consented() {
        return Ok(None);
    }
    let (user, org) = if our_side == Side::Sme {
        (i.vendor_user_id, offering.organization_id)
    } else {
        (i.sme_user_id, need.organization_id)
    };
    let org = crate::accounts::queries::find_organization(c, org)?.name;
    Ok(queries::contact_of(c, user)?.map(|(name, email)| (org, name, email)))
}

/// Serializes the weekly count of one vendor on PostgreSQL (SQLite's `BEGIN IMMEDIATE` already
/// serializes every writer).
fn lock_organization(c: &mut DbConn, org: i64) -> diesel::QueryResult<()> {
    use crate::schema::organizations;
    use diesel::prelude::*;
    if let DbConn::Pg(pg) = c {
        organizations::table
            .find(org)
            .select(organizations::id)
            .for_update()
            .first::<i64>(pg)?;
    }
    Ok(())
}

/// Asks for an introduction between a need and an offering; returns its id.
pub fn request(
    c: &mut DbConn,
    m: &MailCtx,
    user: &CurrentUser,
    need_id: i64,
    offering_id: i64,
) -> Result<i64> {
    c.write_transaction(|c| {
        let need = queries::find_need(c, need_id)?;
        let offering = queries::find_offering(c, offering_id)?;
        let side = side_of(user, &need, &offering).ok_or(AppError::NotFound)?;
        let now = crate::time::now_utc();
        let stats = queries::vendor_stats(c)?;
        let profile = offering.profile(now, stats.get(&offering.organization_id));
        if !need.is_live(now)
            || !scoring::exclusions(&need.profile(), &profile, &super::match_context()).is_empty()
        {
            return Err(AppError::Conflict(Message::new(
                "matching.intro.not_eligible",
            )));
        }
        if queries::find_introduction_of(c, need_id, offering_id)?.is_some() {
            return Err(AppError::Conflict(Message::new("matching.intro.exists")));
        }
        if side == Side::Vendor {
            lock_organization(c, offering.organization_id)?;
        }
        if side == Side::Vendor
            && queries::vendor_requests_this_week(c, offering.organization_id)? >= m.per_week
        {
            return Err(AppError::Conflict(
                Message::new("matching.intro.limit").arg("count", m.per_week.to_string()),
            ));
        }
        let id = queries::create_introduction(c, &need, &offering, side, user.id).map_err(|e| {
            match e {
                // Two requests for the same pair at once: the second one meets the unique key.
                diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                ) => AppError::Conflict(Message::new("matching.intro.exists")),
                other => other.into(),
            }
        })?;
        // Tell the other side about its own post; never the requester's contact.
        let (author, org, title) = if side == Side::Sme {
            (
                offering.created_by,
                offering.organization_id,
                &offering.title,
            )
        } else {
            (need.created_by, need.organization_id, &need.title)
        };
        if let Some(to) = queries::recipient_for(c, author, org)? {
            let body =
                views::matching::mail::requested(lang_of(&to.2), title, &m.link("/board/mine"));
            m.send(c, &to, body, format!("introduction:{id}"))?;
        }
        Ok(id)
    })
}

fn load(c: &mut DbConn, id: i64) -> Result<(Introduction, Need, Offering)> {
    let i = queries::find_introduction(c, id)?;
    let n = queries::find_need(c, i.need_id)?;
    let o = queries::find_offering(c, i.offering_id)?;
    Ok((i, n, o))
}

/// The answering side accepts: consent recorded, both sides get the other's contact.
pub fn accept(c: &mut DbConn, m: &MailCtx, user: &CurrentUser, id: i64) -> Result<()> {
    c.write_transaction(|c| {
        let (i, n, o) = load(c, id)?;
        let side = side_of(user, &n, &o).ok_or(AppError::NotFound)?;
        if i.stage != IntroductionStage::Requested || i.requested_by == side {
            return Err(AppError::Conflict(Message::new(
                "matching.intro.not_answerable",
            )));
        }
        queries::accept_introduction(c, &i, side, user.id)?;
        let i = queries::find_introduction(c, id)?;
        for who in [Side::Sme, Side::Vendor] {
            let (uid, org) = if who == Side::Sme {
                (i.sme_user_id, n.organization_id)
            } else {
                (i.vendor_user_id, o.organization_id)
            };
            let Some(to) = queries::recipient_for(c, uid, org)? else {
                continue;
            };
            if let Some((org_name, name, email)) = counterpart_contact(c, &i, &n, &o, who)? {
                let body = views::matching::mail::introduced(
                    lang_of(&to.2),
                    &n.title,
                    &org_name,
                    &name,
                    &email,
                    &m.link("/board/mine"),
                );
                m.send(c, &to, body, format!("introduction:{id}"))?;
            }
        }
        Ok(())
    })
}

/// The answering side declines with a reason the requester sees.
pub fn decline(
    c: &mut DbConn,
    m: &MailCtx,
    user: &CurrentUser,
    id: i64,
    reason: &str,
) -> Result<()> {
    c.write_transaction(|c| {
        let (i, n, o) = load(c, id)?;
        let side = side_of(user, &n, &o).ok_or(AppError::NotFound)?;
        if i.stage != IntroductionStage::Requested || i.requested_by == side {
            return Err(AppError::Conflict(Message::new(
                "matching.intro.not_answerable",
            )));
        }
        queries::set_stage(
            c,
            &i,
            IntroductionStage::Declined,
            side.as_str(),
            Some(reason),
        )?;
        let (uid, org) = if i.requested_by == Side::Sme {
            (i.sme_user_id, n.organization_id)
        } else {
            (i.vendor_user_id, o.organization_id)
        };
        if let Some(to) = queries::recipient_for(c, uid, org)? {
            let title = if i.requested_by == Side::Sme {
                &o.title
            } else {
                &n.title
            };
            let body = views::matching::mail::declined(
                lang_of(&to.2),
                title,
                reason,
                &m.link("/board/mine"),
            );
            m.send(c, &to, body, format!("introduction:{id}"))?;
        }
        Ok(())
    })
}

/// Either side reports progress; only the SME confirms a contract.
pub fn progress(c: &mut DbConn, user: &CurrentUser, id: i64, stage: &str) -> Result<()> {
    c.write_transaction(|c| {
        let (i, n, o) = load(c, id)?;
        let side = side_of(user, &n, &o).ok_or(AppError::NotFound)?;
        let stage = IntroductionStage::parse(stage)
            .filter(|s| PROGRESS_STAGES.contains(&s.as_str()))
            .filter(|s| *s != IntroductionStage::Contracted || side == Side::Sme)
            .ok_or_else(|| AppError::Invalid(Message::new("form.invalid_choice")))?;
        if !matches!(
            i.stage,
            IntroductionStage::Introduced
                | IntroductionStage::MeetingHeld
                | IntroductionStage::ProposalSent
        ) {
            return Err(AppError::Conflict(Message::new(
                "matching.intro.not_active",
            )));
        }
        queries::set_stage(c, &i, stage, side.as_str(), None)?;
        if stage == IntroductionStage::Contracted {
            queries::set_status(c, "need", n.id, PostStatus::Fulfilled, None)?;
        }
        Ok(())
    })
}

/// The requester withdraws a request not yet answered.
pub fn withdraw(c: &mut DbConn, user: &CurrentUser, id: i64) -> Result<()> {
    c.write_transaction(|c| {
        let (i, n, o) = load(c, id)?;
        let side = side_of(user, &n, &o).ok_or(AppError::NotFound)?;
        if i.stage != IntroductionStage::Requested || i.requested_by != side {
            return Err(AppError::Conflict(Message::new(
                "matching.intro.not_answerable",
            )));
        }
        queries::set_stage(c, &i, IntroductionStage::Withdrawn, side.as_str(), None)?;
        Ok(())
    })
}

fn to_mine(done: &str) -> HttpResponse {
    see_other(format!("/board/mine?done={done}"))
}

/// The fields of a form of one-value fields.
fn form(form: Form<Fields>) -> Result<Fields> {
    let fields = form.into_inner();
    fields.single_values(|_| false)?;
    Ok(fields)
}

fn id_field(p: &Fields, name: &str) -> Result<i64> {
    p.get(name)
        .trim()
        .parse()
        .map_err(|_| AppError::invalid_field(name, crate::validate::invalid_choice()))
}

/// `POST /board/introductions` (`need_id`, `offering_id`).
pub async fn request_page(
    user: CurrentUser,
    state: web::Data<AppState>,
    body: Form<Fields>,
) -> Result<HttpResponse> {
    let p = form(body)?;
    let (need, offering) = (id_field(&p, "need_id")?, id_field(&p, "offering_id")?);
    let m = MailCtx::of(&state);
    state
        .db
        .run(move |c| request(c, &m, &user, need, offering))
        .await?;
    Ok(to_mine("requested"))
}

/// `POST /board/introductions/{id}/accept`.
pub async fn accept_page(
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse> {
    let id = path.into_inner();
    let m = MailCtx::of(&state);
    state.db.run(move |c| accept(c, &m, &user, id)).await?;
    Ok(to_mine("accepted"))
}

/// A decline reason: required, one line, at most 200 characters.
pub fn reason(value: &str) -> Result<String> {
    crate::validate::line(value, true, 200).map_err(|e| AppError::invalid_field("reason", e))
}

/// `POST /board/introductions/{id}/decline` (`reason`).
pub async fn decline_page(
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    body: Form<Fields>,
) -> Result<HttpResponse> {
    let id = path.into_inner();
    let why = reason(form(body)?.get("reason"))?;
    let m = MailCtx::of(&state);
    state
        .db
        .run(move |c| decline(c, &m, &user, id, &why))
        .await?;
    Ok(to_mine("declined"))
}

/// `POST /board/introductions/{id}/stage` (`stage`).
pub async fn stage_page(
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    body: Form<Fields>,
) -> Result<HttpResponse> {
    let id = path.into_inner();
    let stage = form(body)?.get("stage").to_string();
    state
        .db
        .run(move |c| progress(c, &user, id, &stage))
        .await?;
    Ok(to_mine("stage"))
}

/// `POST /board/introductions/{id}/withdraw`.
pub async fn withdraw_page(
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse> {
    let id = path.into_inner();
    state.db.run(move |c| withdraw(c, &user, id)).await?;
    Ok(to_mine("stage"))
}
