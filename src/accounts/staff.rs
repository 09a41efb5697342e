//! Back-office handlers of accounts: dashboard, users, organizations and invitations, mail
//! delivery, audit log. Every write and every read of a person's details is audited.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;
use views::accounts::staff as v;
use views::forms::FormErrors;

use super::{AdminUser, Role, StaffUser, queries};
use crate::audit;
use crate::error::AppError;
use crate::mail::outbox;
use crate::web::AppState;
use crate::web::ctx::{Page, html, html_status};
use crate::web::input::{Form, Query};
use crate::web::pending::Pending;
use crate::web::see_other;
use crate::{reference, time, validate};

/// `GET /staff`: the dashboard: figures, and everything that waits for staff (the
/// providers of every feature, composed in `lib.rs`).
pub async fn dashboard(
    page: Page,
    state: web::Data<AppState>,
    pending: web::Data<Pending>,
    _staff: StaffUser,
) -> Result<HttpResponse, AppError> {
    let lang = page.lang;
    let pending = pending.get_ref().clone();
    let ((users, orgs), counts, applications, attention) = state
        .db
        .run(move |c| {
            Ok::<_, diesel::result::Error>((
                queries::totals(c)?,
                outbox::counts(c, None)?,
                super::applications::count_pending(c)?,
                pending.collect(c, lang)?,
            ))
        })
        .await?;
    let view = v::DashboardView {
        stats: vec![
            v::Stat {
                label: page.t("staff.dashboard.users").into(),
                value: users.to_string(),
                href: "/staff/users".into(),
            },
            v::Stat {
                label: page.t("staff.dashboard.organizations").into(),
                value: orgs.to_string(),
                href: "/staff/organizations".into(),
            },
            v::Stat {
                label: page.t("staff.dashboard.mail_queued").into(),
                value: (counts.queued + counts.sending).to_string(),
                href: "/staff/outbox".into(),
            },
            v::Stat {
                label: page.t("staff.dashboard.mail_failed").into(),
                value: counts.failed.to_string(),
                href: "/staff/outbox".into(),
            },
            v::Stat {
                label: page.t("apply.dashboard_stat").into(),
                value: applications.to_string(),
                href: "/staff/applications".into(),
            },
        ],
        attention: attention.into_iter().map(|i| (i.text, i.href)).collect(),
    };
    Ok(html(v::dashboard(&page, &view)))
}

/// Search query of the lists.
#[derive(Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
    done: Option<String>,
}

/// `GET /staff/users`.
pub async fn users(
    page: Page,
    state: web::Data<AppState>,
    staff: StaffUser,
    query: Query<SearchQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.q.clone().unwrap_or_default();
    let search = q.clone();
    let actor = staff.0.clone();
    let rows = state
        .db
        .run(move |c| {
            let rows = queries::search_users(c, &search, 200)?;
            // Reading the list of people is a read of personal data.
            audit::record(
                c,
                Some(&actor),
                audit::Action::UserList,
                audit::Target::User,
                None,
                json!({ "query": search, "results": rows.len() }),
            )?;
            Ok::<_, diesel::result::Error>(rows)
        })
        .await?;
    let lang = page.lang;
    let view = v::UsersView {
        query: q,
        rows: rows
            .into_iter()
            .map(|(u, org)| v::UserRow {
                id: u.id,
                name: u.name,
                email: u.email,
                role: u.role,
                organization: org.unwrap_or_default(),
                active: u.active,
                last_login: u
                    .last_login_at
                    .map(|d| time::format_datetime(d, lang))
                    .unwrap_or_default(),
            })
            .collect(),
        can_change_roles: staff.role == Role::Admin,
        flash: match query.done.as_deref() {
            Some("role") => Some(page.t("staff.users.role_changed").into()),
            Some("deactivated") => Some(page.t("staff.users.deactivated").into()),
            _ => None,
        },
    };
    Ok(html(v::users(&page, &view)))
}

/// The role form.
#[derive(Deserialize)]
pub struct RoleForm {
    role: String,
}

/// `POST /staff/users/{id}/role` (admins).
pub async fn change_role(
    state: web::Data<AppState>,
    admin: AdminUser,
    id: web::Path<i64>,
    form: Form<RoleForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let role = Role::parse(form.role.trim())
        .ok_or_else(|| AppError::Invalid(crate::error::Message::new("form.invalid_choice")))?;
    if id == admin.id {
        return Err(AppError::Conflict(crate::error::Message::new(
            "staff.users.cannot_change_self",
        )));
    }
    let actor = admin.0.clone();
    let changed = state
        .db
        .run(move |c| {
            c.write_transaction(|c| {
                let changed = queries::set_role(c, id, role)?;
                if changed {
                    audit::record(
                        c,
                        Some(&actor),
                        audit::Action::UserRole,
                        audit::Target::User,
                        Some(id.to_string()),
                        json!({ "role": role.as_str() }),
                    )?;
                }
                Ok::<_, diesel::result::Error>(changed)
            })
        })
        .await?;
    if !changed {
        return Err(AppError::NotFound);
    }
    Ok(see_other("/staff/users?done=role"))
}

/// Why `staff` may not deactivate `target`, if they may not.
fn deactivation_refusal(
    staff: &super::CurrentUser,
    target: &queries::User,
) -> Option<&'static str> {
    if target.id == staff.id {
        Some("staff.users.cannot_change_self")
    } else if !target.active {
        Some("staff.users.deactivate_already")
    } else if target.role == "admin" && staff.role != Role::Admin {
        // Staff may not lock out admins; admins may deactivate anyone but themselves.
        Some("staff.users.deactivate_admin")
    } else {
        None
    }
}

/// The confirmation page of a deactivation: who, and what it does.
async fn deactivation(
    page: &Page,
    state: &AppState,
    staff: &StaffUser,
    id: i64,
) -> Result<views::confirm::Confirmation, AppError> {
    let lang = page.lang;
    let target = state.db.run(move |c| queries::find_user(c, id)).await?;
    let t = |k: &'static str| lang.t(k).to_string();
    Ok(views::confirm::Confirmation {
        title: t("staff.users.deactivate_title"),
        subject: if target.name.trim().is_empty() {
            target.email.clone()
        } else {
            format!("{} <{}>", target.name, target.email)
        },
        consequences: vec![
            t("staff.users.deactivate_signin"),
            t("staff.users.deactivate_sessions"),
            t("staff.users.deactivate_kept"),
        ],
        action: format!("/staff/users/{id}/deactivate"),
        hidden: Vec::new(),
        button: t("staff.users.deactivate_button"),
        danger: true,
        back: ("/staff/users".into(), t("staff.users.deactivate_back")),
        blocked: deactivation_refusal(&staff.0, &target).map(t),
        section: "/staff/users",
    })
}

/// `GET /staff/users/{id}/deactivate`: what deactivating the account will do.
pub async fn deactivate_page(
    page: Page,
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let view = deactivation(&page, &state, &staff, id.into_inner()).await?;
    Ok(html(views::confirm::confirmation(&page, &view)))
}

/// `POST /staff/users/{id}/deactivate`: with `confirm=1`, deactivates the account and ends its
/// sessions; without it, the confirmation page.
pub async fn deactivate(
    page: Page,
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<i64>,
    form: Form<crate::web::confirm::ConfirmForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    if !form.given() {
        let view = deactivation(&page, &state, &staff, id).await?;
        return Ok(html(views::confirm::confirmation(&page, &view)));
    }
    let actor = staff.0.clone();
    state
        .db
        .run(move |c| {
            c.write_transaction(|c| {
                let target = queries::find_user(c, id)?;
                if let Some(key) = deactivation_refusal(&actor, &target) {
                    return Err(AppError::Conflict(crate::error::Message::new(key)));
                }
                queries::deactivate(c, id)?;
                audit::record(
                    c,
                    Some(&actor),
                    audit::Action::UserDeactivate,
                    audit::Target::User,
                    Some(id.to_string()),
                    json!({}),
                )?;
                Ok::<_, AppError>(())
            })
        })
        .await?;
    Ok(see_other("/staff/users?done=deactivated"))
}

/// The organization form with its options (prefectures, industries, bands) and no rows.
pub(crate) async fn organization_options(
    state: &AppState,
    lang: views::Lang,
) -> Result<v::OrganizationsView, AppError> {
    let (prefectures, industries, bands) = state
        .db
        .run(move |c| {
            Ok::<_, diesel::result::Error>((
                reference::prefectures(c, lang)?,
                reference::industries(c, lang)?,
                reference::employee_bands(c, lang)?,
            ))
        })
        .await?;
    Ok(v::OrganizationsView {
        form: vec![("security_action".into(), "none".into())],
        prefectures,
        industries,
        bands,
        ..Default::default()
    })
}

async fn organizations_view(
    state: &AppState,
    page: &Page,
    query: String,
) -> Result<v::OrganizationsView, AppError> {
    let q = query.clone();
    let rows = state
        .db
        .run(move |c| queries::search_organizations(c, &q, 200))
        .await?;
    let options = organization_options(state, page.lang).await?;
    let prefectures = &options.prefectures;
    Ok(v::OrganizationsView {
        query,
        rows: rows
            .into_iter()
            .map(|(o, members)| v::OrgRow {
                id: o.id,
                name: o.name,
                kind: kind_label(page, &o.kind).into(),
                prefecture: o
                    .prefecture
                    .map(|p| reference::label_of(prefectures, &p.to_string()))
                    .unwrap_or_default(),
                members,
            })
            .collect(),
        ..options
    })
}

/// The label of an organization kind (SME or vendor).
pub(crate) fn kind_label(page: &Page, kind: &str) -> &'static str {
    if kind == "vendor" {
        page.t("org.kind_vendor")
    } else {
        page.t("org.kind_sme")
    }
}

/// `GET /staff/organizations`.
pub async fn organizations(
    page: Page,
    state: web::Data<AppState>,
    _staff: StaffUser,
    query: Query<SearchQuery>,
) -> Result<HttpResponse, AppError> {
    let view = organizations_view(&state, &page, query.q.clone().unwrap_or_default()).await?;
    Ok(html(v::organizations(&page, &view)))
}

/// The new-organization form (also the organization part of an application).
#[derive(Deserialize, Default)]
pub struct OrganizationForm {
    pub(crate) name: String,
    pub(crate) kind: String,
    #[serde(default)]
    pub(crate) prefecture: String,
    #[serde(default)]
    pub(crate) industry: String,
    #[serde(default)]
    pub(crate) employee_band: String,
    #[serde(default)]
    pub(crate) website: String,
    #[serde(default)]
    pub(crate) security_action: String,
    #[serde(default)]
    pub(crate) otasuketai_service: String,
    pub(crate) it_support_provider: Option<String>,
}

impl OrganizationForm {
    /// The submitted values, for the form re-rendered with its errors.
    pub(crate) fn values(&self) -> Vec<(String, String)> {
        [
            ("name", &self.name),
            ("kind", &self.kind),
            ("prefecture", &self.prefecture),
            ("industry", &self.industry),
            ("employee_band", &self.employee_band),
            ("website", &self.website),
            ("security_action", &self.security_action),
            ("otasuketai_service", &self.otasuketai_service),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.chars().take(300).collect()))
        .chain(std::iter::once((
            "it_support_provider".to_string(),
            self.it_support_provider.clone().unwrap_or_default(),
        )))
        .collect()
    }

    /// Validates against the reference data; every field's error is reported.
    pub(crate) fn parse(
        &self,
        page: &Page,
        options: &v::OrganizationsView,
    ) -> Result<queries::NewOrganization, FormErrors> {
        self.check(&options.prefectures, &options.industries, &options.bands)
            .map_err(|list| {
                let mut errors = FormErrors::new();
                for (field, invalid) in list {
                    errors.add(field, invalid.message(page.lang));
                }
                errors
            })
    }

    /// Validates against the codes of the reference data (prefectures, industries, employee
    /// bands); every wrong field with its failed check, in the order of the form.
    pub(crate) fn check(
        &self,
        prefectures: &reference::Options,
        industries: &reference::Options,
        bands: &reference::Options,
    ) -> Result<queries::NewOrganization, Vec<(&'static str, validate::Invalid)>> {
        let mut errors = Vec::new();
        let mut check = |field: &'static str, r: Result<String, validate::Invalid>| match r {
            Ok(v) => v,
            Err(e) => {
                errors.push((field, e));
                String::new()
            }
        };
        let name = check("name", validate::line(&self.name, true, 200));
        let kind = check(
            "kind",
            validate::one_of(
                &self.kind,
                super::api::organizations::OrganizationKind::codes().as_slice(),
            )
            .map(str::to_string),
        );
        let in_options = |opts: &reference::Options, value: &str| {
            let value = value.trim();
            if value.is_empty() || opts.iter().any(|(v, _)| v == value) {
                Ok(value.to_string())
            } else {
                Err(validate::invalid_choice())
            }
        };
        let prefecture = check("prefecture", in_options(prefectures, &self.prefecture));
        let industry = check("industry", in_options(industries, &self.industry));
        let band = check("employee_band", in_options(bands, &self.employee_band));
        let website = check("website", validate::web_url(&self.website, 300));
        let action = if self.security_action.trim().is_empty() {
            "none".to_string()
        } else {
            check(
                "security_action",
                validate::one_of(
                    &self.security_action,
                    super::api::organizations::SecurityAction::codes().as_slice(),
                )
                .map(str::to_string),
            )
        };
        let otasuketai = check(
            "otasuketai_service",
            validate::line(&self.otasuketai_service, false, 200),
        );
        if !errors.is_empty() {
            return Err(errors);
        }
        let some = |s: String| (!s.is_empty()).then_some(s);
        Ok(queries::NewOrganization {
            kind,
            name,
            prefecture: prefecture.parse().ok(),
            industry: some(industry),
            employee_band: some(band),
            website: some(website),
            security_action: action,
            otasuketai_service: some(otasuketai),
            it_support_provider: self.it_support_provider.as_deref() == Some("1"),
            created_at: time::now_utc(),
        })
    }
}

/// `POST /staff/organizations`.
pub async fn create_organization(
    page: Page,
    state: web::Data<AppState>,
    staff: StaffUser,
    form: Form<OrganizationForm>,
) -> Result<HttpResponse, AppError> {
    let mut view = organizations_view(&state, &page, String::new()).await?;
    let org = match form.parse(&page, &view) {
        Ok(org) => org,
        Err(errors) => {
            view.form = form.values();
            view.errors = errors;
            return Ok(html_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                v::organizations(&page, &view),
            ));
        }
    };
    let actor = staff.0.clone();
    let id = state
        .db
        .run(move |c| super::organizations::create(c, &actor, &org, "page"))
        .await?;
    Ok(see_other(format!("/staff/organizations/{id}?done=created")))
}

async fn organization_view(
    state: &AppState,
    page: &Page,
    staff: &StaffUser,
    id: i64,
) -> Result<v::OrganizationView, AppError> {
    let lang = page.lang;
    let actor = staff.0.clone();
    let (org, members, invitations, prefectures) = state
        .db
        .run(move |c| {
            let org = queries::find_organization(c, id)?;
            let members = queries::members(c, id)?;
            audit::record(
                c,
                Some(&actor),
                audit::Action::OrganizationView,
                audit::Target::Organization,
                Some(id.to_string()),
                json!({}),
            )?;
            Ok::<_, diesel::result::Error>((
                org,
                members,
                queries::open_invitations(c, id)?,
                reference::prefectures(c, lang)?,
            ))
        })
        .await?;
    let action = match org.security_action.as_str() {
        "one_star" => page.t("org.sa_one"),
        "two_star" => page.t("org.sa_two"),
        _ => page.t("org.sa_none"),
    };
    let mut facts = vec![
        (
            page.t("org.kind").to_string(),
            kind_label(page, &org.kind).to_string(),
        ),
        (
            page.t("org.prefecture").to_string(),
            org.prefecture
                .map(|p| reference::label_of(&prefectures, &p.to_string()))
                .unwrap_or_default(),
        ),
        (
            page.t("org.security_action").to_string(),
            action.to_string(),
        ),
    ];
    if let Some(w) = &org.website {
        facts.push((page.t("org.website").to_string(), w.clone()));
    }
    if let Some(s) = &org.otasuketai_service {
        facts.push((page.t("org.otasuketai").to_string(), s.clone()));
    }
    Ok(v::OrganizationView {
        id: org.id,
        name: org.name,
        facts,
        members,
        invitations: invitations
            .into_iter()
            .map(|(email, until)| (email, time::format_date(until, lang)))
            .collect(),
        invite_email: String::new(),
        errors: FormErrors::new(),
        flash: None,
    })
}

/// `GET /staff/organizations/{id}`.
pub async fn organization(
    page: Page,
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<i64>,
    query: Query<SearchQuery>,
) -> Result<HttpResponse, AppError> {
    let mut view = organization_view(&state, &page, &staff, id.into_inner()).await?;
    view.flash = match query.done.as_deref() {
        Some("created") => Some(page.t("staff.orgs.created").into()),
        Some("invited") => Some(page.t("staff.orgs.invited").into()),
        _ => None,
    };
    Ok(html(v::organization(&page, &view)))
}

/// The invite form.
#[derive(Deserialize)]
pub struct InviteForm {
    email: String,
}

/// `POST /staff/organizations/{id}/invitations`: mails an invitation link.
pub async fn invite(
    page: Page,
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<i64>,
    form: Form<InviteForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let email = match validate::email(&form.email) {
        Ok(e) => e,
        Err(invalid) => {
            let mut view = organization_view(&state, &page, &staff, id).await?;
            view.invite_email = form.email.chars().take(254).collect();
            view.errors.add("email", invalid.message(page.lang));
            return Ok(html_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                v::organization(&page, &view),
            ));
        }
    };
    let actor = staff.0.clone();
    let invite = super::organizations::Invite::of(&state, page.lang);
    state
        .db
        .run(move |c| invite.send(c, &actor, id, &email, "page"))
        .await?;
    Ok(see_other(format!("/staff/organizations/{id}?done=invited")))
}

/// `GET /staff/audit`: the log in words, filtered by action, kind of record and person, each
/// chosen from a list.
pub async fn audit_log(
    page: Page,
    state: web::Data<AppState>,
    _staff: StaffUser,
    filter: Query<audit::AuditFilter>,
) -> Result<HttpResponse, AppError> {
    let f = filter.into_inner();
    let query = f.clone();
    let (rows, names, actors) = state
        .db
        .run(move |c| {
            let rows = audit::list(c, &query, 500)?;
            let actors = audit::actor_ids(c)?;
            let mut ids: Vec<i64> = rows.iter().filter_map(|r| r.actor_id).collect();
            ids.extend(&actors);
            ids.sort_unstable();
            ids.dedup();
            Ok::<_, diesel::result::Error>((rows, queries::names(c, &ids)?, actors))
        })
        .await?;
    let lang = page.lang;
    let name_of = |id: i64| {
        names
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| page.t("staff.audit.deleted_user").into())
    };
    let words = |key: &'static str| lang.t(key).to_string();
    let view = v::AuditView {
        action: f.action.unwrap_or_default(),
        target_kind: f.target_kind.unwrap_or_default(),
        actor: f.actor_id.unwrap_or_default(),
        actions: audit::Action::ALL
            .iter()
            .map(|a| (a.as_str().to_string(), words(a.label_key())))
            .collect(),
        kinds: audit::Target::ALL
            .iter()
            .map(|t| (t.as_str().to_string(), words(t.label_key())))
            .collect(),
        actors: actors
            .iter()
            .map(|id| (id.to_string(), name_of(*id)))
            .collect(),
        rows: rows
            .into_iter()
            .map(|r| {
                let detail: serde_json::Value =
                    serde_json::from_str(&r.detail).unwrap_or(serde_json::Value::Null);
                let id = r.target_id.unwrap_or_default();
                let kind = audit::Target::parse(&r.target_kind);
                let kind_words =
                    kind.map_or_else(|| r.target_kind.clone(), |k| words(k.label_key()));
                v::AuditRow {
                    at: time::format_datetime(r.at, lang),
                    actor: match r.actor_id {
                        Some(id) => name_of(id),
                        None if r.actor_role == "system" => page.t("staff.audit.system").into(),
                        None => page.t("staff.audit.deleted_user").into(),
                    },
                    action: audit::Action::parse(&r.action)
                        .map_or_else(|| r.action.clone(), |a| words(a.label_key())),
                    target: if id.is_empty() {
                        kind_words
                    } else {
                        format!("{kind_words} #{id}")
                    },
                    target_href: kind.and_then(|k| k.href(&id, &detail)),
                    detail: audit::detail_lines(&detail, lang),
                }
            })
            .collect(),
    };
    Ok(html(v::audit(&page, &view)))
}
