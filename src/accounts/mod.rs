//! Accounts: users and organizations, sign-in (email link and OAuth2), server-side sessions,
//! roles, API tokens, invitations, the audit log, and the staff back office around them.
//!
//! Other features use [`CurrentUser`] and the extractors in [`extract`] (`StaffUser`,
//! `ApiUser`, `ApiStaff`, ...) and write to the audit log with [`crate::audit::record`].

pub mod api;
pub mod applications;
pub mod cli;
pub mod deletion;
pub mod extract;
pub mod handlers;
pub mod identities;
pub mod oauth;
pub mod organizations;
pub mod privacy;
pub mod queries;
pub mod sessions;
pub mod staff;

use serde::Serialize;

use crate::web::router::Router;

pub use extract::{AdminUser, ApiStaff, ApiUser, MaybeUser, StaffUser};

/// The routes of accounts.
pub fn routes(r: &mut Router) {
    r.get("/login", handlers::login_page)
        .get("/login/sent", handlers::link_sent)
        .post("/auth/email", handlers::request_link)
        .get("/auth/email/{token}", handlers::confirm_link)
        .post("/auth/email/{token}", handlers::use_link)
        .post("/auth/logout", handlers::logout)
        .get("/auth/oauth/start", oauth::start)
        .get("/auth/oauth/callback", oauth::callback)
        .get("/account", handlers::account)
        .post("/account/profile", handlers::save_profile)
        .post("/account/tokens", handlers::create_token)
        .post("/account/tokens/{id}/revoke", handlers::revoke_token)
        .get("/account/data.json", handlers::my_data)
        .get("/account/delete", deletion::page)
        .post("/account/delete", deletion::delete)
        .post("/account/oauth/link", oauth::link_start)
        .post("/account/oauth/{id}/unlink", oauth::unlink)
        .get("/account/organization", applications::handlers::page)
        .post("/account/organization", applications::handlers::submit)
        .get("/staff/applications", applications::staff::list)
        .get("/staff/applications/{id:\\d+}", applications::staff::show)
        .post(
            "/staff/applications/{id:\\d+}/approve",
            applications::staff::approve,
        )
        .post(
            "/staff/applications/{id:\\d+}/refuse",
            applications::staff::refuse,
        )
        .get("/invitations/{token}", handlers::invitation)
        .post("/invitations/{token}", handlers::accept_invitation)
        .get("/staff", staff::dashboard)
        .get("/staff/users", staff::users)
        .post("/staff/users/{id}/role", staff::change_role)
        .get("/staff/users/{id}/deactivate", staff::deactivate_page)
        .post("/staff/users/{id}/deactivate", staff::deactivate)
        .get("/staff/organizations", staff::organizations)
        .post("/staff/organizations", staff::create_organization)
        .get("/staff/organizations/{id}", staff::organization)
        .post("/staff/organizations/{id}/invitations", staff::invite)
        .get("/staff/audit", staff::audit_log)
        .get("/api/v1/me", api::me)
        .get("/api/v1/tokens", api::list_tokens)
        .get("/api/v1/organizations", api::organizations::list)
        .post("/api/v1/organizations", api::organizations::create)
        .get("/api/v1/organizations/{id}", api::organizations::show)
        .patch("/api/v1/organizations/{id}", api::organizations::update)
        .post(
            "/api/v1/organizations/{id}/invitations",
            api::organizations::invite,
        );
}

crate::api_enum! {
    /// What a user may do.
    pub enum Role {
        /// Bureau staff who also manage staff.
        Admin = "admin",
        /// Bureau staff.
        Staff = "staff",
        /// A member of an SME or a vendor.
        Member = "member",
    }
}

impl Role {
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

impl From<&CurrentUser> for crate::audit::Actor {
    fn from(user: &CurrentUser) -> Self {
        crate::audit::Actor::user(user.id, user.role.as_str())
    }
}

impl From<Option<&CurrentUser>> for crate::audit::Actor {
    fn from(user: Option<&CurrentUser>) -> Self {
        user.map_or(crate::audit::Actor::SYSTEM, Into::into)
    }
}

impl CurrentUser {
    /// Whether the user is bureau staff (or admin).
    pub fn is_staff(&self) -> bool {
        self.role.is_staff()
    }
}
