//! Accounts: users and organizations, sign-in (email link and OAuth2), server-side sessions,
//! roles, API tokens, invitations, the audit log, and the staff back office around them.
//!
//! Other features use [`CurrentUser`] and the extractors in [`extract`] (`StaffUser`,
//! `ApiUser`, `ApiStaff`, ...) and write to the audit log with [`audit::record`].

pub mod api;
pub mod audit;
pub mod extract;
pub mod queries;
pub mod sessions;

use serde::Serialize;

use crate::web::router::Router;

pub use extract::{AdminUser, ApiStaff, ApiUser, MaybeUser, StaffUser};

/// The routes of accounts.
pub fn routes(r: &mut Router) {
    r.get("/api/v1/me", api::me)
        .get("/api/v1/tokens", api::list_tokens);
}

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Bureau staff who also manage staff.
    Admin,
    /// Bureau staff.
    Staff,
    /// A member of an SME or a vendor.
    Member,
}

impl Role {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Staff => "staff",
            Role::Member => "member",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "staff" => Some(Role::Staff),
            "member" => Some(Role::Member),
            _ => None,
        }
    }

    /// Whether this role reaches the back office.
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Admin | Role::Staff)
    }
}

/// The signed-in user of a request (by session cookie or API token).
#[derive(Debug, Clone, Serialize)]
pub struct CurrentUser {
    /// User id.
    pub id: i64,
    /// Email address (lower-case).
    pub email: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// The organization the user belongs to, if any.
    pub organization_id: Option<i64>,
    /// Preferred language code.
    pub lang: String,
}

impl CurrentUser {
    /// Whether the user is bureau staff (or admin).
    pub fn is_staff(&self) -> bool {
        self.role.is_staff()
    }
}
