//! The board's staff operations: reviewing a post (approve, or reject with a reason the poster
//! sees) and pinning or removing a suggestion. Each runs its writes, the poster's mail and its
//! audit entry in one transaction, on behalf of the staff member who asked; the staff pages
//! extract and validate their input, call one of these, and render.

use serde_json::json;

use super::api_types::PostStatus;
use super::introductions::MailCtx;
use super::queries;
use crate::accounts::CurrentUser;
use crate::audit::{self, Via};
use crate::db::DbConn;
use crate::error::{AppError, Message};

/// A post of the board: a need (of an SME) or an offering (of a vendor).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostKind {
    /// A need.
    Need,
    /// An offering.
    Offering,
}

impl PostKind {
    /// The kind of the path segment of its pages (`needs`, `offerings`).
    pub fn of_path(segment: &str) -> Option<Self> {
        match segment {
            "needs" => Some(PostKind::Need),
            "offerings" => Some(PostKind::Offering),
            _ => None,
        }
    }

    /// The path segment of its pages.
    pub fn path(self) -> &'static str {
        match self {
            PostKind::Need => "needs",
            PostKind::Offering => "offerings",
        }
    }

    /// The name queries and mail sources use (`need`, `offering`).
    pub fn as_str(self) -> &'static str {
        match self {
            PostKind::Need => "need",
            PostKind::Offering => "offering",
        }
    }

    fn target(self) -> audit::Target {
        match self {
            PostKind::Need => audit::Target::Need,
            PostKind::Offering => audit::Target::Offering,
        }
    }
}

/// What staff decided about a post in review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Review {
    /// Published on the board.
    Approve,
    /// Refused, with the reason the poster sees.
    Reject(String),
}

/// Approves or rejects a post in review as staff user `staff`; the poster gets a mail. A post
/// that is not in review answers `Conflict`.
pub fn review_post(
    c: &mut DbConn,
    m: &MailCtx,
    staff: &CurrentUser,
    kind: PostKind,
    id: i64,
    decision: &Review,
    via: Via,
) -> Result<(), AppError> {
    c.write_transaction(|c| {
        let (status, org, author, title) = match kind {
            PostKind::Need => {
                let n = queries::find_need(c, id)?;
                (n.status, n.organization_id, n.created_by, n.title)
            }
            PostKind::Offering => {
                let o = queries::find_offering(c, id)?;
                (o.status, o.organization_id, o.created_by, o.title)
            }
        };
        if status != PostStatus::InReview {
            return Err(AppError::Conflict(Message::new(
                "matching.staff.not_in_review",
            )));
        }
        let reason = match decision {
            Review::Approve => {
                match kind {
                    PostKind::Need => queries::publish_need(c, id)?,
                    PostKind::Offering => queries::publish_offering(c, id)?,
                }
                None
            }
            Review::Reject(r) => {
                queries::set_status(c, kind.as_str(), id, PostStatus::Rejected, Some(r.as_str()))?;
                Some(r.as_str())
            }
        };
        audit::record(
            c,
            Some(staff),
            if reason.is_some() {
                audit::Action::BoardReject
            } else {
                audit::Action::BoardApprove
            },
            kind.target(),
            Some(id.to_string()),
            json!({ "reason": reason, "via": via }),
        )?;
        if let Some(to) = queries::recipient_for(c, author, org)? {
            let lang = views::Lang::from_code(&to.2).unwrap_or_default();
            let link = format!("{}/board/{}/{id}", m.base_url, kind.path());
            let body = views::matching::mail::reviewed(lang, &title, reason, &link);
            let mut mail = crate::mail::OutgoingMail::transactional(
                &to.0,
                &body.subject,
                body.text,
                body.html,
            );
            mail.to_name = Some(to.1.clone());
            mail.source = Some(format!("board:{}:{id}", kind.as_str()));
            m.mailer.enqueue(c, &mail)?;
        }
        Ok(())
    })
}

/// A staff member's change to one suggestion of a need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuggestionOverride {
    /// The need.
    pub need_id: i64,
    /// The offering suggested (or not) for it.
    pub offering_id: i64,
    /// `pin`, `remove` or `clear`.
    pub action: &'static str,
    /// Why (required unless `clear`).
    pub note: String,
}

/// Pins, removes or clears a suggestion as staff user `staff`. An unknown need or offering
/// answers `NotFound`.
pub fn override_suggestion(
    c: &mut DbConn,
    staff: &CurrentUser,
    o: &SuggestionOverride,
    via: Via,
) -> Result<(), AppError> {
    c.write_transaction(|c| {
        queries::find_need(c, o.need_id)?;
        queries::find_offering(c, o.offering_id)?;
        queries::set_override(c, o.need_id, o.offering_id, o.action, &o.note, staff.id)?;
        audit::record(
            c,
            Some(staff),
            audit::Action::BoardSuggestionOverride,
            audit::Target::Need,
            Some(o.need_id.to_string()),
            json!({
                "offering_id": o.offering_id,
                "action": o.action,
                "note": o.note,
                "via": via,
            }),
        )?;
        Ok(())
    })
}
