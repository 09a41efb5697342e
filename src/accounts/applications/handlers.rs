//! The applicant's side: `GET /account/organization` (the form, or where the application
//! stands), `POST /account/organization` (rate-limited), and the board's answer to a member
//! without an organization.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use views::accounts::applications as v;
use views::forms::FormErrors;

use super::{Application, NewApplication, Status, latest_for};
use crate::accounts::CurrentUser;
use crate::accounts::queries;
use crate::accounts::staff::{OrganizationForm, kind_label, organization_options};
use crate::error::AppError;
use crate::validate;
use crate::web::AppState;
use crate::web::ctx::{Page, html, html_status};
use crate::web::input::{Form, Query};
use crate::web::see_other;

/// The application form: the organization's fields plus the 宣言ID and a note for staff.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ApplicationForm {
    name: String,
    kind: String,
    prefecture: String,
    industry: String,
    employee_band: String,
    website: String,
    security_action: String,
    otasuketai_service: String,
    it_support_provider: Option<String>,
    security_action_id: String,
    note: String,
}

impl ApplicationForm {
    fn organization(&self) -> OrganizationForm {
        OrganizationForm {
            name: self.name.clone(),
            kind: self.kind.clone(),
            prefecture: self.prefecture.clone(),
            industry: self.industry.clone(),
            employee_band: self.employee_band.clone(),
            website: self.website.clone(),
            security_action: self.security_action.clone(),
            otasuketai_service: self.otasuketai_service.clone(),
            it_support_provider: self.it_support_provider.clone(),
        }
    }
}

/// The answer after submitting.
#[derive(Debug, Default, Deserialize)]
pub struct Done {
    /// `sent` after a submit.
    pub done: Option<String>,
}

/// Where the person stands, as the page shows it.
async fn standing(
    state: &AppState,
    page: &Page,
    user: &CurrentUser,
) -> Result<v::Standing, AppError> {
    let (uid, org_id) = (user.id, user.organization_id);
    let (org, latest) = state
        .db
        .run(move |c| {
            let org = match org_id {
                Some(id) => Some(queries::find_organization(c, id)?),
                None => None,
            };
            Ok::<_, AppError>((org, latest_for(c, uid)?))
        })
        .await?;
    Ok(match (org, latest) {
        (Some(o), _) => v::Standing::Member {
            organization: o.name,
            kind: kind_label(page, &o.kind).to_string(),
        },
        (None, Some(a)) if a.status() == Status::Pending => v::Standing::Pending(summary(page, &a)),
        (None, Some(a)) if a.status() == Status::Refused => v::Standing::Refused {
            application: summary(page, &a),
            reason: a.reason.clone().unwrap_or_default(),
        },
        _ => v::Standing::None,
    })
}

fn summary(page: &Page, a: &Application) -> v::ApplicationSummary {
    v::ApplicationSummary {
        name: a.name.clone(),
        kind: kind_label(page, &a.kind).to_string(),
        submitted: crate::time::format_date(a.created_at, page.lang),
    }
}

async fn form_view(
    state: &AppState,
    page: &Page,
    user: &CurrentUser,
) -> Result<v::ApplyView, AppError> {
    Ok(v::ApplyView {
        standing: standing(state, page, user).await?,
        form: organization_options(state, page.lang).await?,
        flash: None,
    })
}

/// `GET /account/organization`.
pub async fn page(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    done: Query<Done>,
) -> Result<HttpResponse, AppError> {
    let mut view = form_view(&state, &page, &user).await?;
    if done.done.as_deref() == Some("sent") {
        view.flash = Some(page.t("apply.sent").to_string());
    }
    Ok(html(v::apply(&page, &view)))
}

/// `POST /account/organization`: validates (every field's error at once, values kept), stores
/// the application with its audit entry, and shows where it stands.
pub async fn submit(
    req: HttpRequest,
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    form: Form<ApplicationForm>,
) -> Result<HttpResponse, AppError> {
    state.limits.check_ip(&req, "organization_application")?;
    let mut view = form_view(&state, &page, &user).await?;
    if matches!(
        view.standing,
        v::Standing::Member { .. } | v::Standing::Pending(_)
    ) {
        return Ok(html_status(StatusCode::CONFLICT, v::apply(&page, &view)));
    }
    let f = form.into_inner();
    let org_form = f.organization();
    let lang = page.lang;
    let parsed = org_form.parse(&page, &view.form);
    let mut errors = match &parsed {
        Ok(_) => FormErrors::new(),
        Err(e) => e.clone(),
    };
    let id_ok = validate::line(&f.security_action_id, false, 20).and_then(|id| {
        if id.chars().all(|ch| ch.is_ascii_digit()) && (id.is_empty() || id.len() >= 6) {
            Ok(id)
        } else {
            Err(validate::Invalid::new("apply.security_action_id_invalid"))
        }
    });
    let note = validate::text(&f.note, true, 2000);
    if let Err(e) = &id_ok {
        errors.add("security_action_id", e.message(lang));
    }
    if let Err(e) = &note {
        errors.add("note", e.message(lang));
    }
    let (Ok(organization), Ok(security_action_id), Ok(note)) = (parsed, id_ok, note) else {
        view.form.form = org_form.values();
        view.form.form.push((
            "security_action_id".into(),
            f.security_action_id.chars().take(40).collect(),
        ));
        view.form
            .form
            .push(("note".into(), f.note.chars().take(2000).collect()));
        view.form.errors = errors;
        return Ok(html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            v::apply(&page, &view),
        ));
    };
    let application = NewApplication {
        organization,
        security_action_id: (!security_action_id.is_empty()).then_some(security_action_id),
        note,
    };
    let actor = user.clone();
    state
        .db
        .run(move |c| super::submit(c, &actor, &application))
        .await?;
    Ok(see_other("/account/organization?done=sent"))
}

/// The board's page for a signed-in person without an organization: what is pending, what was
/// refused and why, or how to apply (instead of a bare 403).
pub async fn no_organization(
    page: &Page,
    state: &AppState,
    user: &CurrentUser,
) -> Result<HttpResponse, AppError> {
    let standing = standing(state, page, user).await?;
    Ok(html(v::board_gate(page, &standing)))
}
