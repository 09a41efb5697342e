//! Operations on organizations, for the staff pages and the API alike: each write with its
//! audit entry in one transaction.

use serde_json::json;

use super::{CurrentUser, queries};
use crate::audit;
use crate::db::DbConn;
use crate::mail::{Mailer, OutgoingMail};
use crate::web::AppState;

/// Creates an organization as staff user `actor` (`via`: `page` or `api`); returns its id.
pub fn create(
    c: &mut DbConn,
    actor: &CurrentUser,
    org: &queries::NewOrganization,
    via: &str,
) -> diesel::QueryResult<i64> {
    c.write_transaction(|c| {
        let id = queries::create_organization(c, org)?;
        audit::record(
            c,
            Some(actor),
            audit::Action::OrganizationCreate,
            audit::Target::Organization,
            Some(id.to_string()),
            json!({ "name": org.name, "kind": org.kind, "via": via }),
        )?;
        Ok(id)
    })
}

/// Changes organization `id` as staff user `actor`; false when there is none.
pub fn update(
    c: &mut DbConn,
    actor: &CurrentUser,
    id: i64,
    org: &queries::NewOrganization,
    via: &str,
) -> diesel::QueryResult<bool> {
    c.write_transaction(|c| {
        if !queries::update_organization(c, id, org)? {
            return Ok(false);
        }
        audit::record(
            c,
            Some(actor),
            audit::Action::OrganizationUpdate,
            audit::Target::Organization,
            Some(id.to_string()),
            json!({ "name": org.name, "kind": org.kind, "via": via }),
        )?;
        Ok(true)
    })
}

/// What an invitation needs besides the database: the mailer, the link's base and the mail's
/// language.
#[derive(Clone)]
pub struct Invite {
    mailer: Mailer,
    base_url: String,
    lang: views::Lang,
}

impl Invite {
    /// From the service's state, with the mail in `lang`.
    pub fn of(state: &AppState, lang: views::Lang) -> Self {
        Self {
            mailer: state.mailer.clone(),
            base_url: state.config.base_url.clone(),
            lang,
        }
    }

    /// Invites `email` into organization `id` as staff user `actor`: the invitation, its mail
    /// and the audit entry in one transaction. `NotFound` when there is no such organization.
    pub fn send(
        &self,
        c: &mut DbConn,
        actor: &CurrentUser,
        id: i64,
        email: &str,
        via: &str,
    ) -> diesel::QueryResult<()> {
        c.write_transaction(|c| {
            let org = queries::find_organization(c, id)?;
            let token = queries::create_invitation(c, id, email, actor.id)?;
            let body = views::mail::accounts::invitation(
                self.lang,
                &org.name,
                &actor.name,
                &format!("{}/invitations/{token}", self.base_url),
            );
            self.mailer.enqueue(
                c,
                &OutgoingMail::transactional(email, &body.subject, body.text, body.html),
            )?;
            audit::record(
                c,
                Some(actor),
                audit::Action::OrganizationInvite,
                audit::Target::Organization,
                Some(id.to_string()),
                json!({ "via": via }),
            )?;
            Ok(())
        })
    }
}
