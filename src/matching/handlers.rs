//! Pages of the board: the public board, the forms, the page of each post with its
//! suggestions, the lifecycle buttons and "my posts".

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use views::matching::{
    BoardView, MineView, MyIntroduction, MyPost, NeedFormView, OfferingFormView, Values,
};

use super::api_types::{IntroductionStage, PostStatus, Side};
use super::forms::{self, Rejected};
use super::index::OfferingIndex;
use super::labels;
use super::posts;
use super::queries::{self, BoardFilter, Submit};
use super::view::{self, Refs};
use crate::accounts::{CurrentUser, MaybeUser};
use crate::db::DbConn;
use crate::error::AppError;
use crate::reference;
use crate::web::AppState;
use crate::web::ctx::{Page, html, html_status};
use crate::web::input::{self, Fields, Form, Query};
use crate::web::see_other;

type Result<T> = std::result::Result<T, AppError>;

/// The kind (`sme` or `vendor`) of the user's organization.
pub fn org_kind(
    conn: &mut DbConn,
    user: &CurrentUser,
) -> diesel::QueryResult<Option<(i64, String)>> {
    match user.organization_id {
        Some(id) => {
            let org = crate::accounts::queries::find_organization(conn, id)?;
            Ok(org.active.then_some((org.id, org.kind)))
        }
        None => Ok(None),
    }
}

/// Whether the user may manage posts of `org`: a member of it, or staff.
pub fn can_manage(user: &CurrentUser, org: i64) -> bool {
    user.is_staff() || user.organization_id == Some(org)
}

/// The name of an organization.
pub fn org_name(conn: &mut DbConn, id: i64) -> diesel::QueryResult<String> {
    crate::accounts::queries::find_organization(conn, id).map(|o| o.name)
}

/// Which list the board shows: `needs` (the default) or `offerings`.
pub fn board_kind(filter: &BoardFilter) -> &'static str {
    if filter.kind.as_deref() == Some("offerings") {
        "offerings"
    } else {
        "needs"
    }
}

/// `GET /board` (for a visitor who is not signed in, kept in memory per content version: see
/// [`super::pages`]).
pub async fn board(
    req: actix_web::HttpRequest,
    user: MaybeUser,
    state: web::Data<AppState>,
    pages: web::Data<super::pages::BoardPages>,
    query: Query<BoardFilter>,
) -> Result<HttpResponse> {
    let f = query.into_inner();
    let lang = crate::web::lang::negotiate(&req);
    let Some(user) = user.0 else {
        // A visitor who is not signed in sees the board everyone sees: kept in memory.
        let kept = pages.into_inner().board(&state, f, lang).await?;
        return Ok(crate::web::kept::respond(&req, &kept));
    };
    let page = Page(crate::web::ctx::page_ctx(&req));
    let view = state
        .db
        .run(move |c| {
            let refs = Refs::load(c, lang)?;
            board_view(c, refs, &f, Some(&user))
        })
        .await?;
    Ok(html(views::matching::board(&page, &view)))
}

/// The board's view for `filter`: the cards, and for a signed-in `user` the links to post and
/// the staff's codes.
pub fn board_view(
    c: &mut DbConn,
    refs: Refs,
    filter: &BoardFilter,
    user: Option<&CurrentUser>,
) -> diesel::QueryResult<BoardView> {
    let lang = refs.lang;
    let kind = board_kind(filter);
    let cards = if kind == "needs" {
        let rows = queries::search_needs(c, filter)?;
        let mut cards = Vec::new();
        for n in &rows {
            let name = if n.show_name {
                Some(org_name(c, n.organization_id)?)
            } else {
                None
            };
            cards.push(refs.need_card(n, name.as_deref()));
        }
        cards
    } else {
        queries::search_offerings(c, filter)?
            .iter()
            .map(|(o, v)| refs.offering_card(o, v))
            .collect()
    };
    let mut post_links = Vec::new();
    if let Some(u) = user {
        match org_kind(c, u)?.map(|(_, k)| k).as_deref() {
            Some("sme") => post_links.push((
                "/board/needs/new".to_string(),
                lang.t("matching.board.post_need").to_string(),
            )),
            Some("vendor") => post_links.push((
                "/board/offerings/new".to_string(),
                lang.t("matching.board.post_offering").to_string(),
            )),
            _ => {}
        }
        if u.organization_id.is_some() {
            post_links.push(("/board/mine".into(), lang.t("matching.mine.title").into()));
        }
    }
    let staff = user.is_some_and(|u| u.is_staff());
    // The codes of the taxonomy are the staff's working words; others read labels.
    let categories = if staff {
        refs.categories.clone()
    } else {
        refs.categories
            .iter()
            .map(|(code, _)| (code.clone(), refs.category(code)))
            .collect()
    };
    Ok(BoardView {
        kind: kind.to_string(),
        q: filter.q.clone().unwrap_or_default(),
        category: filter.category.clone().unwrap_or_default(),
        prefecture: filter.prefecture.clone().unwrap_or_default(),
        sector: filter.sector.clone().unwrap_or_default(),
        categories,
        prefectures: refs.prefectures,
        sectors: labels::options(labels::SECTORS, lang),
        cards,
        post_links,
        show_codes: staff,
    })
}

fn need_form_view(refs: Refs, action: String, heading: String, values: Values) -> NeedFormView {
    let lang = refs.lang;
    NeedFormView {
        action,
        heading,
        values,
        errors: Default::default(),
        incident: false,
        categories: refs.categories,
        prefectures: refs.prefectures,
        bands: refs.bands,
        budgets: labels::options(labels::BUDGETS, lang),
        urgencies: labels::options(labels::URGENCIES, lang),
        sectors: labels::options(labels::SECTORS, lang),
    }
}

/// The options of the offering form: the usual ones, and the long lists in groups.
struct OfferingRefs {
    base: Refs,
    category_groups: Vec<reference::Group>,
    prefecture_groups: Vec<reference::Group>,
}

impl OfferingRefs {
    fn load(c: &mut DbConn, lang: views::Lang) -> diesel::QueryResult<Self> {
        Ok(Self {
            base: Refs::load(c, lang)?,
            category_groups: reference::service_category_groups(c, lang)?,
            prefecture_groups: reference::prefecture_groups(c, lang)?,
        })
    }
}

fn offering_form_view(
    refs: OfferingRefs,
    action: String,
    heading: String,
    values: Values,
) -> OfferingFormView {
    let lang = refs.base.lang;
    OfferingFormView {
        action,
        heading,
        values,
        errors: Default::default(),
        categories: refs.category_groups,
        prefectures: refs.prefecture_groups,
        bands: refs.base.bands,
        sectors: labels::options(labels::SECTORS, lang),
        price_models: labels::options(labels::PRICE_MODELS, lang),
        capacities: labels::options(labels::CAPACITIES, lang),
        otasuketai: labels::options(labels::OTASUKETAI, lang),
        languages: labels::options(labels::LANGUAGES, lang),
    }
}

/// What a board URL is about: `/board/needs/...` or `/board/offerings/...` (the path segment
/// deserializes into it, so one handler serves both).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
pub enum Kind {
    /// An SME's need.
    #[serde(rename = "needs")]
    Need,
    /// A vendor's offering.
    #[serde(rename = "offerings")]
    Offering,
}

/// What the owner of a post can do to it from its page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lifecycle {
    /// Publish again for a full period.
    Renew,
    /// Close it.
    Close,
}

impl Lifecycle {
    fn as_str(self) -> &'static str {
        match self {
            Lifecycle::Renew => "renew",
            Lifecycle::Close => "close",
        }
    }
}

impl Kind {
    fn org_kind(self) -> &'static str {
        match self {
            Kind::Need => "sme",
            Kind::Offering => "vendor",
        }
    }
    fn path(self) -> &'static str {
        match self {
            Kind::Need => "needs",
            Kind::Offering => "offerings",
        }
    }
}

/// The organization of a member who may post this kind: 403 otherwise.
async fn poster_org(state: &AppState, user: &CurrentUser, kind: Kind) -> Result<i64> {
    let u = user.clone();
    let org = state.db.run(move |c| org_kind(c, &u)).await?;
    match org {
        Some((id, k)) if k == kind.org_kind() => Ok(id),
        _ => Err(AppError::Forbidden),
    }
}

/// What a form page shows: where it posts, its values, errors and the incident notice.
struct FormState {
    action: String,
    values: Values,
    errors: views::forms::FormErrors,
    incident: bool,
}

impl FormState {
    fn new(action: String, values: Values) -> Self {
        Self {
            action,
            values,
            errors: Default::default(),
            incident: false,
        }
    }
}

async fn render_form(
    page: &Page,
    state: &AppState,
    kind: Kind,
    f: FormState,
    status: StatusCode,
) -> Result<HttpResponse> {
    let lang = page.lang;
    let markup = match kind {
        Kind::Need => {
            let refs = state.db.run(move |c| Refs::load(c, lang)).await?;
            let mut v = need_form_view(
                refs,
                f.action,
                lang.t("matching.form.need_heading").into(),
                f.values,
            );
            v.errors = f.errors;
            v.incident = f.incident;
            views::matching::need_form(page, &v)
        }
        Kind::Offering => {
            let refs = state.db.run(move |c| OfferingRefs::load(c, lang)).await?;
            let mut v = offering_form_view(
                refs,
                f.action,
                lang.t("matching.form.offering_heading").into(),
                f.values,
            );
            v.errors = f.errors;
            views::matching::offering_form(page, &v)
        }
    };
    Ok(html_status(status, markup))
}

/// `GET /board/{needs|offerings}/new`: the empty form with the usual defaults.
pub async fn new_post(
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    kind: web::Path<Kind>,
) -> Result<HttpResponse> {
    let kind = kind.into_inner();
    if user.organization_id.is_none() {
        return crate::accounts::applications::handlers::no_organization(&page, &state, &user)
            .await;
    }
    poster_org(&state, &user, kind).await?;
    let defaults: &[(&str, &str)] = match kind {
        Kind::Need => &[("budget_band", "unknown"), ("urgency", "considering")],
        Kind::Offering => &[
            ("remote_ok", "1"),
            ("capacity", "open"),
            ("languages", "ja"),
        ],
    };
    let values = Values(
        defaults
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    );
    render_form(
        &page,
        &state,
        kind,
        FormState::new(format!("/board/{}", kind.path()), values),
        StatusCode::OK,
    )
    .await
}

fn field_errors(lang: views::Lang, errs: &forms::FieldErrors) -> views::forms::FormErrors {
    let mut out = views::forms::FormErrors::new();
    for (field, e) in errs {
        out.add(field, e.message(lang));
    }
    out
}

/// Parses, validates and saves a form post; `id` is the post being edited.
async fn save(
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    pairs: Fields,
    kind: Kind,
    id: Option<i64>,
) -> Result<HttpResponse> {
    pairs.single_values(forms::is_list_field)?;
    let submit = match input::action(pairs.get("action"), &["submit", "draft"])? {
        "draft" => Submit::Draft,
        _ => Submit::Review,
    };
    let org = match id {
        None => Some(poster_org(&state, &user, kind).await?),
        Some(id) => {
            let u = user.clone();
            let owner = state
                .db
                .run(move |c| match kind {
                    Kind::Need => queries::find_need(c, id).map(|n| n.organization_id),
                    Kind::Offering => queries::find_offering(c, id).map(|o| o.organization_id),
                })
                .await?;
            if !can_manage(&u, owner) {
                return Err(AppError::NotFound);
            }
            None
        }
    };
    let action = match id {
        Some(id) => format!("/board/{}/{id}", kind.path()),
        None => format!("/board/{}", kind.path()),
    };
    let values = Values(pairs.0.clone());
    let parsed = match kind {
        Kind::Need => forms::parse_need(&pairs).map(|n| (Some(n), None)),
        Kind::Offering => forms::parse_offering(&pairs).map(|o| (None, Some(o))),
    };
    let (need, offering) = match parsed {
        Ok(v) => v,
        Err(Rejected::Incident) => {
            return render_form(
                &page,
                &state,
                kind,
                FormState {
                    incident: true,
                    ..FormState::new(action, values)
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(Rejected::Fields(errs)) => {
            let errors = field_errors(page.lang, &errs);
            return render_form(
                &page,
                &state,
                kind,
                FormState {
                    errors,
                    ..FormState::new(action, values)
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let uid = user.id;
    let saved = state
        .db
        .run(move |c| {
            c.write_transaction(|c| match (id, need, offering) {
                (None, Some(n), _) => {
                    queries::create_need(c, org.unwrap_or_default(), Some(uid), &n, submit)
                }
                (None, _, Some(o)) => {
                    queries::create_offering(c, org.unwrap_or_default(), Some(uid), &o, submit)
                }
                (Some(id), Some(n), _) => queries::update_need(c, id, &n, submit).map(|_| id),
                (Some(id), _, Some(o)) => queries::update_offering(c, id, &o, submit).map(|_| id),
                _ => Err(diesel::result::Error::NotFound),
            })
        })
        .await?;
    let flash = if submit == Submit::Draft {
        "draft"
    } else {
        "review"
    };
    Ok(see_other(format!(
        "/board/{}/{saved}?done={flash}",
        kind.path()
    )))
}

/// `POST /board/{needs|offerings}`: a new post.
pub async fn create(
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    kind: web::Path<Kind>,
    form: Form<Fields>,
) -> Result<HttpResponse> {
    save(
        page,
        user,
        state,
        form.into_inner(),
        kind.into_inner(),
        None,
    )
    .await
}

/// `POST /board/{needs|offerings}/{id}`: changes to a post of the user's organization.
pub async fn update(
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<(Kind, i64)>,
    form: Form<Fields>,
) -> Result<HttpResponse> {
    let (kind, id) = path.into_inner();
    save(page, user, state, form.into_inner(), kind, Some(id)).await
}

/// `GET /board/{needs|offerings}/{id}/edit`.
pub async fn edit(
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<(Kind, i64)>,
) -> Result<HttpResponse> {
    let (kind, id) = path.into_inner();
    let (org, values) = state
        .db
        .run(move |c| match kind {
            Kind::Need => {
                queries::find_need(c, id).map(|n| (n.organization_id, view::need_values(&n)))
            }
            Kind::Offering => queries::find_offering(c, id)
                .map(|o| (o.organization_id, view::offering_values(&o))),
        })
        .await?;
    if !can_manage(&user, org) {
        return Err(AppError::NotFound);
    }
    render_form(
        &page,
        &state,
        kind,
        FormState::new(format!("/board/{}/{id}", kind.path()), values),
        StatusCode::OK,
    )
    .await
}

/// Renew (publish again for a full period) or close a post of the user's organization.
///
/// `POST /board/{needs|offerings}/{id}/{renew|close}`.
pub async fn lifecycle(
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<(Kind, i64, Lifecycle)>,
) -> Result<HttpResponse> {
    let (kind, id, action) = path.into_inner();
    state
        .db
        .run(move |c| {
            c.write_transaction(|c| {
                let (org, status) = match kind {
                    Kind::Need => {
                        queries::find_need(c, id).map(|n| (n.organization_id, n.status))?
                    }
                    Kind::Offering => {
                        queries::find_offering(c, id).map(|o| (o.organization_id, o.status))?
                    }
                };
                if !can_manage(&user, org) {
                    return Err(AppError::NotFound);
                }
                match action {
                    // Only a post staff approved before may be renewed without a new review.
                    Lifecycle::Renew
                        if matches!(status, PostStatus::Published | PostStatus::Expired) =>
                    {
                        match kind {
                            Kind::Need => queries::publish_need(c, id)?,
                            Kind::Offering => queries::publish_offering(c, id)?,
                        }
                    }
                    Lifecycle::Renew => {
                        return Err(AppError::Conflict(crate::error::Message::new(
                            "matching.post.cannot_renew",
                        )));
                    }
                    Lifecycle::Close => {
                        let kind_name = if kind == Kind::Need {
                            "need"
                        } else {
                            "offering"
                        };
                        queries::set_status(c, kind_name, id, PostStatus::Closed, None)?;
                    }
                }
                Ok(())
            })
        })
        .await?;
    Ok(see_other(format!(
        "/board/{}/{id}?done={}",
        kind.path(),
        action.as_str()
    )))
}

/// `?done=` after a redirect.
#[derive(Debug, serde::Deserialize)]
pub struct Done {
    /// What was done.
    pub done: Option<String>,
}

fn flash(lang: views::Lang, done: &Done) -> Option<String> {
    let key = match done.done.as_deref()? {
        "draft" => "matching.flash.draft",
        "review" => "matching.flash.review",
        "renew" => "matching.flash.renew",
        "close" => "matching.flash.close",
        "requested" => "matching.flash.requested",
        "accepted" => "matching.flash.accepted",
        "declined" => "matching.flash.declined",
        "stage" => "matching.flash.stage",
        "approved" => "matching.flash.approved",
        "rejected" => "matching.flash.rejected",
        "override" => "matching.flash.override",
        _ => return None,
    };
    Some(lang.t(key).to_string())
}

/// `GET /board/{needs|offerings}/{id}`. A need: the card; for its SME the suggestions, for
/// staff also pins and removals, for a vendor why each of its offerings is (not) suggested. An
/// offering: the card; for its vendor the open needs it could answer.
pub async fn show(
    page: Page,
    user: MaybeUser,
    state: web::Data<AppState>,
    index: web::Data<OfferingIndex>,
    path: web::Path<(Kind, i64)>,
    done: Query<Done>,
) -> Result<HttpResponse> {
    let (kind, id) = path.into_inner();
    let lang = page.lang;
    let user = user.0;
    let flash = flash(lang, &done);
    let version = state.content.current().await?;
    let mut view = state
        .db
        .run(move |c| match kind {
            Kind::Need => {
                let board = posts::Board {
                    index: &index,
                    version,
                };
                posts::need_view(c, &board, lang, user.as_ref(), id)
            }
            Kind::Offering => posts::offering_view(c, lang, user.as_ref(), id),
        })
        .await?;
    view.flash = flash;
    Ok(html(views::matching::post_page(&page, &view)))
}

/// `GET /board/mine`: the posts and introductions of the user's organization.
pub async fn mine(
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    done: Query<Done>,
) -> Result<HttpResponse> {
    let Some(org) = user.organization_id else {
        return crate::accounts::applications::handlers::no_organization(&page, &state, &user)
            .await;
    };
    let lang = page.lang;
    let flash = flash(lang, &done);
    let mut view = state
        .db
        .run(move |c| {
            let (needs, offerings) = queries::posts_of(c, org)?;
            let mut posts = Vec::new();
            for n in &needs {
                posts.push(MyPost {
                    href: format!("/board/needs/{}", n.id),
                    title: n.title.clone(),
                    kind: lang.t("matching.mine.need").into(),
                    status: labels::label(labels::STATUSES, n.status.as_str(), lang),
                    until: n
                        .expires_at
                        .map(|d| crate::time::format_date(d, lang))
                        .unwrap_or_default(),
                    reject_reason: n
                        .reject_reason
                        .clone()
                        .filter(|_| n.status == PostStatus::Rejected),
                });
            }
            for o in &offerings {
                posts.push(MyPost {
                    href: format!("/board/offerings/{}", o.id),
                    title: o.title.clone(),
                    kind: lang.t("matching.mine.offering").into(),
                    status: labels::label(labels::STATUSES, o.status.as_str(), lang),
                    until: o
                        .reconfirm_by
                        .map(|d| crate::time::format_date(d, lang))
                        .unwrap_or_default(),
                    reject_reason: o
                        .reject_reason
                        .clone()
                        .filter(|_| o.status == PostStatus::Rejected),
                });
            }
            let mut intros = Vec::new();
            for i in queries::introductions_of_org(c, org)? {
                let n = queries::find_need(c, i.need_id)?;
                let o = queries::find_offering(c, i.offering_id)?;
                let our_side = if n.organization_id == org {
                    Side::Sme
                } else {
                    Side::Vendor
                };
                let contact = super::introductions::counterpart_contact(c, &i, &n, &o, our_side)?;
                let active = matches!(
                    i.stage,
                    IntroductionStage::Introduced
                        | IntroductionStage::MeetingHeld
                        | IntroductionStage::ProposalSent
                );
                intros.push(MyIntroduction {
                    id: i.id,
                    need: (n.title.clone(), format!("/board/needs/{}", n.id)),
                    offering: (o.title.clone(), format!("/board/offerings/{}", o.id)),
                    stage: labels::label(labels::STAGES, i.stage.as_str(), lang),
                    requested_by_us: i.requested_by == our_side,
                    can_answer: i.stage == IntroductionStage::Requested
                        && i.requested_by != our_side,
                    can_progress: active,
                    can_withdraw: i.stage == IntroductionStage::Requested
                        && i.requested_by == our_side,
                    decline_reason: i.decline_reason.clone(),
                    contact,
                    stages: super::taxonomy::PROGRESS_STAGES
                        .iter()
                        .filter(|s| {
                            our_side == Side::Sme || **s != IntroductionStage::Contracted.as_str()
                        })
                        .map(|s| (s.to_string(), labels::label(labels::STAGES, s, lang)))
                        .collect(),
                });
            }
            Ok::<_, AppError>(MineView {
                posts,
                introductions: intros,
                flash: None,
            })
        })
        .await?;
    view.flash = flash;
    Ok(html(views::matching::mine(&page, &view)))
}
