//! Database work of the board: posts, their lifecycle, search, matching inputs, staff
//! overrides and introductions.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::api_types::{IntroductionStage, PostStatus, Side};
use super::forms::{NeedInput, OfferingInput};
use super::scoring::{Capacity, NeedProfile, OfferingProfile, Overrides, PriceModel};
use super::search;
use super::taxonomy::{NEED_DAYS, OFFERING_DAYS, split_list};
use crate::db::DbConn;
use crate::schema::{
    matching_introductions as intro, matching_needs as needs, matching_offerings as offerings,
    matching_suggestion_overrides as overrides, organizations, users,
};
use crate::time::now_utc;

/// A need row.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = needs)]
pub struct Need {
    /// Id.
    pub id: i64,
    /// SME organization.
    pub organization_id: i64,
    /// Author.
    pub created_by: Option<i64>,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Category codes, comma-separated.
    pub categories: String,
    /// JIS code.
    pub prefecture: i32,
    /// On-site support needed.
    pub onsite_needed: bool,
    /// Employee band.
    pub employee_band: String,
    /// PCs and servers.
    pub device_count: i32,
    /// Budget band code.
    pub budget_band: String,
    /// Wants the IT導入補助金.
    pub wants_subsidy: bool,
    /// Urgency code.
    pub urgency: String,
    /// Sector code.
    pub sector: String,
    /// Whether the SME's name is shown.
    pub show_name: bool,
    /// Status.
    pub status: PostStatus,
    /// Why staff rejected it.
    pub reject_reason: Option<String>,
    /// Normalized search text.
    pub search_text: String,
    /// Published.
    pub published_at: Option<NaiveDateTime>,
    /// Expires.
    pub expires_at: Option<NaiveDateTime>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

impl Need {
    /// Published and not past its expiry.
    pub fn is_live(&self, now: NaiveDateTime) -> bool {
        self.status == PostStatus::Published && self.expires_at.is_some_and(|e| e > now)
    }

    /// As matching sees it.
    pub fn profile(&self) -> NeedProfile {
        NeedProfile {
            id: self.id,
            categories: split_list(&self.categories),
            prefecture: self.prefecture,
            onsite_needed: self.onsite_needed,
            employee_band: self.employee_band.clone(),
            device_count: i64::from(self.device_count),
            budget_band: self.budget_band.clone(),
            wants_subsidy: self.wants_subsidy,
            sector: self.sector.clone(),
        }
    }
}

/// An offering row.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = offerings)]
pub struct Offering {
    /// Id.
    pub id: i64,
    /// Vendor organization.
    pub organization_id: i64,
    /// Author.
    pub created_by: Option<i64>,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Category codes.
    pub categories: String,
    /// JIS codes.
    pub onsite_prefectures: String,
    /// Remote service.
    pub remote_ok: bool,
    /// Price model code.
    pub price_model: String,
    /// Yen.
    pub price_amount: Option<i32>,
    /// Employee bands.
    pub target_bands: String,
    /// Sectors.
    pub sectors: String,
    /// お助け隊 type.
    pub otasuketai_type: Option<String>,
    /// お助け隊 registration valid until.
    pub otasuketai_valid_until: Option<NaiveDateTime>,
    /// IT導入補助金 fiscal year.
    pub subsidy_fiscal_year: Option<i32>,
    /// Certifications.
    pub certifications: String,
    /// Languages.
    pub languages: String,
    /// Capacity code.
    pub capacity: String,
    /// Status.
    pub status: PostStatus,
    /// Why staff rejected it.
    pub reject_reason: Option<String>,
    /// Normalized search text.
    pub search_text: String,
    /// Published.
    pub published_at: Option<NaiveDateTime>,
    /// Must be reconfirmed by.
    pub reconfirm_by: Option<NaiveDateTime>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

impl Offering {
    /// Published and not past its reconfirmation date.
    pub fn is_live(&self, now: NaiveDateTime) -> bool {
        self.status == PostStatus::Published && self.reconfirm_by.is_some_and(|e| e > now)
    }

    /// As matching sees it, with the vendor's response rate and contracts.
    pub fn profile(&self, now: NaiveDateTime, stats: Option<&VendorStats>) -> OfferingProfile {
        let confirmed = self
            .reconfirm_by
            .map(|r| r - Duration::days(OFFERING_DAYS))
            .or(self.published_at)
            .unwrap_or(self.created_at);
        OfferingProfile {
            id: self.id,
            organization_id: self.organization_id,
            live: self.is_live(now),
            categories: split_list(&self.categories),
            onsite_prefectures: split_list(&self.onsite_prefectures)
                .iter()
                .filter_map(|p| p.parse().ok())
                .collect(),
            remote_ok: self.remote_ok,
            price: PriceModel::from_stored(&self.price_model, self.price_amount.map(i64::from)),
            target_bands: split_list(&self.target_bands),
            sectors: split_list(&self.sectors),
            languages: split_list(&self.languages),
            otasuketai_valid: self.otasuketai_type.is_some()
                && self.otasuketai_valid_until.is_some_and(|v| v > now),
            subsidy_fiscal_year: self.subsidy_fiscal_year,
            capacity: Capacity::from_stored(&self.capacity),
            age_days: (now - confirmed).num_days().max(0),
            response_rate: stats
                .and_then(|s| (s.requested > 0).then(|| s.answered as f64 / s.requested as f64)),
            contracted: stats.map_or(0, |s| s.contracted),
        }
    }
}

/// Introductions to a vendor: asked of it, answered by it, ended in a contract.
#[derive(Debug, Clone, Default)]
pub struct VendorStats {
    /// Requests made by SMEs to this vendor.
    pub requested: i64,
    /// Of those, accepted or declined.
    pub answered: i64,
    /// Introductions of this vendor that ended in a contract.
    pub contracted: i64,
}

fn need_search_text(n: &NeedInput) -> String {
    search::normalize(&format!(
        "{} {} {} {}",
        n.title,
        n.description,
        n.categories.join(" "),
        n.sector
    ))
}

fn offering_search_text(o: &OfferingInput, vendor: &str) -> String {
    search::normalize(&format!(
        "{} {} {} {} {}",
        o.title,
        o.description,
        o.categories.join(" "),
        o.certifications,
        vendor
    ))
}

/// The need with this id.
pub fn find_need(conn: &mut DbConn, id: i64) -> QueryResult<Need> {
    needs::table.find(id).select(Need::as_select()).first(conn)
}

/// The offering with this id.
pub fn find_offering(conn: &mut DbConn, id: i64) -> QueryResult<Offering> {
    offerings::table
        .find(id)
        .select(Offering::as_select())
        .first(conn)
}

/// The status a new or edited post gets: published at once when staff post it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Submit {
    /// Kept as a draft.
    Draft,
    /// Sent to staff for review.
    Review,
    /// Published (staff only).
    Publish,
}

impl Submit {
    fn status(self) -> PostStatus {
        match self {
            Submit::Draft => PostStatus::Draft,
            Submit::Review => PostStatus::InReview,
            Submit::Publish => PostStatus::Published,
        }
    }
}

/// Creates a need; returns its id.
pub fn create_need(
    conn: &mut DbConn,
    org: i64,
    user: Option<i64>,
    n: &NeedInput,
    submit: Submit,
) -> QueryResult<i64> {
    let now = now_utc();
    let publish = submit == Submit::Publish;
    let id: i64 = diesel::insert_into(needs::table)
        .values((
            needs::organization_id.eq(org),
            needs::created_by.eq(user),
            needs::title.eq(&n.title),
            needs::description.eq(&n.description),
            needs::categories.eq(n.categories.join(",")),
            needs::prefecture.eq(n.prefecture),
            needs::onsite_needed.eq(n.onsite_needed),
            needs::employee_band.eq(&n.employee_band),
            needs::device_count.eq(n.device_count),
            needs::budget_band.eq(&n.budget_band),
            needs::wants_subsidy.eq(n.wants_subsidy),
            needs::urgency.eq(&n.urgency),
            needs::sector.eq(&n.sector),
            needs::show_name.eq(n.show_name),
            needs::status.eq(submit.status()),
            needs::search_text.eq(need_search_text(n)),
            needs::published_at.eq(publish.then_some(now)),
            needs::expires_at.eq(publish.then(|| now + Duration::days(NEED_DAYS))),
            needs::created_at.eq(now),
            needs::updated_at.eq(now),
        ))
        .returning(needs::id)
        .get_result(conn)?;
    search::index_post(conn, "need", id, &need_search_text(n))?;
    Ok(id)
}

/// Updates a need; an edited post goes back to review (or stays a draft).
pub fn update_need(conn: &mut DbConn, id: i64, n: &NeedInput, submit: Submit) -> QueryResult<()> {
    let now = now_utc();
    diesel::update(needs::table.find(id))
        .set((
            needs::title.eq(&n.title),
            needs::description.eq(&n.description),
            needs::categories.eq(n.categories.join(",")),
            needs::prefecture.eq(n.prefecture),
            needs::onsite_needed.eq(n.onsite_needed),
            needs::employee_band.eq(&n.employee_band),
            needs::device_count.eq(n.device_count),
            needs::budget_band.eq(&n.budget_band),
            needs::wants_subsidy.eq(n.wants_subsidy),
            needs::urgency.eq(&n.urgency),
            needs::sector.eq(&n.sector),
            needs::show_name.eq(n.show_name),
            needs::status.eq(submit.status()),
            needs::reject_reason.eq(None::<String>),
            needs::search_text.eq(need_search_text(n)),
            needs::updated_at.eq(now),
        ))
        .execute(conn)?;
    if submit == Submit::Publish {
        publish_need(conn, id)?;
    }
    search::index_post(conn, "need", id, &need_search_text(n))
}

/// Creates an offering; returns its id.
pub fn create_offering(
    conn: &mut DbConn,
    org: i64,
    user: Option<i64>,
    o: &OfferingInput,
    submit: Submit,
) -> QueryResult<i64> {
    let now = now_utc();
    let publish = submit == Submit::Publish;
    let vendor = crate::accounts::queries::find_organization(conn, org)?.name;
    let text = offering_search_text(o, &vendor);
    let id: i64 = diesel::insert_into(offerings::table)
        .values((
            offerings::organization_id.eq(org),
            offerings::created_by.eq(user),
            offerings::title.eq(&o.title),
            offerings::description.eq(&o.description),
            offerings::categories.eq(o.categories.join(",")),
            offerings::onsite_prefectures.eq(join_codes(&o.onsite_prefectures)),
            offerings::remote_ok.eq(o.remote_ok),
            offerings::price_model.eq(&o.price_model),
            offerings::price_amount.eq(o.price_amount),
            offerings::target_bands.eq(o.target_bands.join(",")),
            offerings::sectors.eq(o.sectors.join(",")),
            offerings::otasuketai_type.eq(&o.otasuketai_type),
            offerings::otasuketai_valid_until.eq(o.otasuketai_valid_until),
            offerings::subsidy_fiscal_year.eq(o.subsidy_fiscal_year),
            offerings::certifications.eq(&o.certifications),
            offerings::languages.eq(o.languages.join(",")),
            offerings::capacity.eq(&o.capacity),
            offerings::status.eq(submit.status()),
            offerings::search_text.eq(&text),
            offerings::published_at.eq(publish.then_some(now)),
            offerings::reconfirm_by.eq(publish.then(|| now + Duration::days(OFFERING_DAYS))),
            offerings::created_at.eq(now),
            offerings::updated_at.eq(now),
        ))
        .returning(offerings::id)
        .get_result(conn)?;
    search::index_post(conn, "offering", id, &text)?;
    Ok(id)
}

fn join_codes(codes: &[i32]) -> String {
    codes
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// Updates an offering; an edited post goes back to review (or stays a draft).
pub fn update_offering(
    conn: &mut DbConn,
    id: i64,
    o: &OfferingInput,
    submit: Submit,
) -> QueryResult<()> {
    let org = find_offering(conn, id)?.organization_id;
    let vendor = crate::accounts::queries::find_organization(conn, org)?.name;
    let text = offering_search_text(o, &vendor);
    diesel::update(offerings::table.find(id))
        .set((
            offerings::title.eq(&o.title),
            offerings::description.eq(&o.description),
            offerings::categories.eq(o.categories.join(",")),
            offerings::onsite_prefectures.eq(join_codes(&o.onsite_prefectures)),
            offerings::remote_ok.eq(o.remote_ok),
            offerings::price_model.eq(&o.price_model),
            offerings::price_amount.eq(o.price_amount),
            offerings::target_bands.eq(o.target_bands.join(",")),
            offerings::sectors.eq(o.sectors.join(",")),
            offerings::otasuketai_type.eq(&o.otasuketai_type),
            offerings::otasuketai_valid_until.eq(o.otasuketai_valid_until),
            offerings::subsidy_fiscal_year.eq(o.subsidy_fiscal_year),
            offerings::certifications.eq(&o.certifications),
            offerings::languages.eq(o.languages.join(",")),
            offerings::capacity.eq(&o.capacity),
            offerings::status.eq(submit.status()),
            offerings::reject_reason.eq(None::<String>),
            offerings::search_text.eq(&text),
            offerings::updated_at.eq(now_utc()),
        ))
        .execute(conn)?;
    if submit == Submit::Publish {
        publish_offering(conn, id)?;
    }
    search::index_post(conn, "offering", id, &text)
}

/// Publishes a need for [`NEED_DAYS`] from now (approval and one-click renewal).
pub fn publish_need(conn: &mut DbConn, id: i64) -> QueryResult<()> {
    let now = now_utc();
    diesel::update(needs::table.find(id))
        .set((
            needs::status.eq(PostStatus::Published),
            needs::reject_reason.eq(None::<String>),
            needs::published_at.eq(now),
            needs::expires_at.eq(now + Duration::days(NEED_DAYS)),
            needs::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Publishes an offering until it must be reconfirmed (approval and one-click renewal).
pub fn publish_offering(conn: &mut DbConn, id: i64) -> QueryResult<()> {
    let now = now_utc();
    diesel::update(offerings::table.find(id))
        .set((
            offerings::status.eq(PostStatus::Published),
            offerings::reject_reason.eq(None::<String>),
            offerings::published_at.eq(now),
            offerings::reconfirm_by.eq(now + Duration::days(OFFERING_DAYS)),
            offerings::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Sets the status (and reject reason) of a post of `kind` (`need` or `offering`).
pub fn set_status(
    conn: &mut DbConn,
    kind: &str,
    id: i64,
    status: PostStatus,
    reason: Option<&str>,
) -> QueryResult<usize> {
    let now = now_utc();
    if kind == "need" {
        diesel::update(needs::table.find(id))
            .set((
                needs::status.eq(status),
                needs::reject_reason.eq(reason),
                needs::updated_at.eq(now),
            ))
            .execute(conn)
    } else {
        diesel::update(offerings::table.find(id))
            .set((
                offerings::status.eq(status),
                offerings::reject_reason.eq(reason),
                offerings::updated_at.eq(now),
            ))
            .execute(conn)
    }
}

/// Marks published posts past their date as expired; returns how many changed.
pub fn expire_due(conn: &mut DbConn) -> QueryResult<usize> {
    let now = now_utc();
    let a = diesel::update(
        needs::table
            .filter(needs::status.eq(PostStatus::Published))
            .filter(needs::expires_at.le(now)),
    )
    .set(needs::status.eq(PostStatus::Expired))
    .execute(conn)?;
    let b = diesel::update(
        offerings::table
            .filter(offerings::status.eq(PostStatus::Published))
            .filter(offerings::reconfirm_by.le(now)),
    )
    .set(offerings::status.eq(PostStatus::Expired))
    .execute(conn)?;
    Ok(a + b)
}

/// Filters of the public board.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Deserialize)]
pub struct BoardFilter {
    /// Free text.
    pub q: Option<String>,
    /// Category code.
    pub category: Option<String>,
    /// JIS code.
    pub prefecture: Option<String>,
    /// Sector code.
    pub sector: Option<String>,
    /// `needs` or `offerings`.
    pub kind: Option<String>,
}

/// Largest number of cards a board page shows.
const BOARD_LIMIT: i64 = 100;

/// The first moment after `now` at which the public board changes by the clock alone: a
/// published need expires or an offering is past its reconfirmation date.
pub fn next_board_change(
    conn: &mut DbConn,
    now: NaiveDateTime,
) -> QueryResult<Option<NaiveDateTime>> {
    use diesel::dsl::min;
    let need: Option<NaiveDateTime> = needs::table
        .filter(needs::status.eq(PostStatus::Published))
        .filter(needs::expires_at.gt(now))
        .select(min(needs::expires_at))
        .first(conn)?;
    let offering: Option<NaiveDateTime> = offerings::table
        .filter(offerings::status.eq(PostStatus::Published))
        .filter(offerings::reconfirm_by.gt(now))
        .select(min(offerings::reconfirm_by))
        .first(conn)?;
    Ok(need.into_iter().chain(offering).min())
}

/// Live needs that match the filter, newest first.
pub fn search_needs(conn: &mut DbConn, f: &BoardFilter) -> QueryResult<Vec<Need>> {
    let now = now_utc();
    let mut q = needs::table
        .filter(needs::status.eq(PostStatus::Published))
        .filter(needs::expires_at.gt(now))
        .select(Need::as_select())
        .order(needs::published_at.desc())
        .limit(BOARD_LIMIT)
        .into_boxed();
    if let Some(c) = f.category.as_deref().filter(|c| !c.is_empty()) {
        q = q.filter(needs::categories.like(search::like_pattern(c)).escape('\\'));
    }
    if let Some(p) = f.prefecture.as_deref().and_then(|p| p.parse::<i32>().ok()) {
        q = q.filter(needs::prefecture.eq(p));
    }
    if let Some(s) = f.sector.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(needs::sector.eq(s.to_string()));
    }
    for term in search::terms(f.q.as_deref().unwrap_or("")) {
        match fts_if_long(conn, "need", &term)? {
            Some(ids) => q = q.filter(needs::id.eq_any(ids)),
            None => {
                q = q.filter(
                    needs::search_text
                        .like(search::like_pattern(&term))
                        .escape('\\'),
                )
            }
        }
    }
    q.load(conn)
}

fn fts_if_long(conn: &mut DbConn, kind: &str, term: &str) -> QueryResult<Option<Vec<i64>>> {
    if term.chars().count() >= 3 {
        search::fts_ids(conn, kind, term)
    } else {
        Ok(None)
    }
}

/// Live offerings that match the filter, newest first, with the vendor's name.
pub fn search_offerings(
    conn: &mut DbConn,
    f: &BoardFilter,
) -> QueryResult<Vec<(Offering, String)>> {
    let now = now_utc();
    let mut q = offerings::table
        .inner_join(organizations::table)
        .filter(offerings::status.eq(PostStatus::Published))
        .filter(offerings::reconfirm_by.gt(now))
        .select((Offering::as_select(), organizations::name))
        .order(offerings::published_at.desc())
        .limit(BOARD_LIMIT)
        .into_boxed();
    if let Some(c) = f.category.as_deref().filter(|c| !c.is_empty()) {
        q = q.filter(
            offerings::categories
                .like(search::like_pattern(c))
                .escape('\\'),
        );
    }
    if let Some(p) = f.prefecture.as_deref().and_then(|p| p.parse::<i32>().ok()) {
        // An element of the comma-separated list, not a substring (4 must not match 40).
        let col = offerings::onsite_prefectures;
        q = q.filter(
            col.eq(p.to_string())
                .or(col.like(format!("{p},%")))
                .or(col.like(format!("%,{p}")))
                .or(col.like(format!("%,{p},%")))
                .or(offerings::remote_ok.eq(true)),
        );
    }
    if let Some(s) = f.sector.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(
            offerings::sectors
                .like(search::like_pattern(s))
                .escape('\\'),
        );
    }
    for term in search::terms(f.q.as_deref().unwrap_or("")) {
        match fts_if_long(conn, "offering", &term)? {
            Some(ids) => q = q.filter(offerings::id.eq_any(ids)),
            None => {
                q = q.filter(
                    offerings::search_text
                        .like(search::like_pattern(&term))
                        .escape('\\'),
                )
            }
        }
    }
    q.load(conn)
}

/// Every live need as matching sees it (for the needs an offering could answer).
pub fn live_needs(conn: &mut DbConn) -> QueryResult<Vec<Need>> {
    needs::table
        .filter(needs::status.eq(PostStatus::Published))
        .filter(needs::expires_at.gt(now_utc()))
        .select(Need::as_select())
        .load(conn)
}

/// Introduction figures per vendor organization.
pub fn vendor_stats(conn: &mut DbConn) -> QueryResult<std::collections::HashMap<i64, VendorStats>> {
    let rows: Vec<(i64, Side, IntroductionStage)> = intro::table
        .inner_join(offerings::table)
        .select((
            offerings::organization_id,
            intro::requested_by,
            intro::stage,
        ))
        .load(conn)?;
    let mut out: std::collections::HashMap<i64, VendorStats> = Default::default();
    for (org, by, stage) in rows {
        let s = out.entry(org).or_default();
        if by == Side::Sme {
            s.requested += 1;
            if !matches!(
                stage,
                IntroductionStage::Requested | IntroductionStage::NoResponse
            ) {
                s.answered += 1;
            }
        }
        if stage == IntroductionStage::Contracted {
            s.contracted += 1;
        }
    }
    Ok(out)
}

/// The staff overrides of one need.
pub fn overrides_of(conn: &mut DbConn, need_id: i64) -> QueryResult<Overrides> {
    let rows: Vec<(i64, String)> = overrides::table
        .filter(overrides::need_id.eq(need_id))
        .select((overrides::offering_id, overrides::action))
        .load(conn)?;
    let mut out = Overrides::default();
    for (id, action) in rows {
        if action == "pin" {
            out.pinned.push(id);
        } else {
            out.removed.push(id);
        }
    }
    Ok(out)
}

/// Staff overrides with their notes: (offering id, action, note).
pub fn override_notes(conn: &mut DbConn, need_id: i64) -> QueryResult<Vec<(i64, String, String)>> {
    overrides::table
        .filter(overrides::need_id.eq(need_id))
        .select((overrides::offering_id, overrides::action, overrides::note))
        .load(conn)
}

/// Pins or removes a suggestion (replacing an earlier decision), or clears it (`action` "clear").
pub fn set_override(
    conn: &mut DbConn,
    need_id: i64,
    offering_id: i64,
    action: &str,
    note: &str,
    staff: i64,
) -> QueryResult<()> {
    diesel::delete(
        overrides::table
            .filter(overrides::need_id.eq(need_id))
            .filter(overrides::offering_id.eq(offering_id)),
    )
    .execute(conn)?;
    if action != "clear" {
        diesel::insert_into(overrides::table)
            .values((
                overrides::need_id.eq(need_id),
                overrides::offering_id.eq(offering_id),
                overrides::action.eq(action),
                overrides::note.eq(note),
                overrides::staff_id.eq(staff),
                overrides::created_at.eq(now_utc()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Posts waiting for review: (kind, id, title, organization name).
pub fn review_queue(conn: &mut DbConn) -> QueryResult<Vec<(String, i64, String, String)>> {
    let n: Vec<(i64, String, String)> = needs::table
        .inner_join(organizations::table)
        .filter(needs::status.eq(PostStatus::InReview))
        .order(needs::updated_at)
        .select((needs::id, needs::title, organizations::name))
        .load(conn)?;
    let o: Vec<(i64, String, String)> = offerings::table
        .inner_join(organizations::table)
        .filter(offerings::status.eq(PostStatus::InReview))
        .order(offerings::updated_at)
        .select((offerings::id, offerings::title, organizations::name))
        .load(conn)?;
    Ok(n.into_iter()
        .map(|(id, t, org)| ("need".to_string(), id, t, org))
        .chain(
            o.into_iter()
                .map(|(id, t, org)| ("offering".to_string(), id, t, org)),
        )
        .collect())
}

/// The needs and offerings of an organization, newest first.
pub fn posts_of(conn: &mut DbConn, org: i64) -> QueryResult<(Vec<Need>, Vec<Offering>)> {
    let n = needs::table
        .filter(needs::organization_id.eq(org))
        .order(needs::id.desc())
        .select(Need::as_select())
        .load(conn)?;
    let o = offerings::table
        .filter(offerings::organization_id.eq(org))
        .order(offerings::id.desc())
        .select(Offering::as_select())
        .load(conn)?;
    Ok((n, o))
}

/// Counts per status for the staff KPIs: (kind, status, count), expired posts included.
pub fn status_counts(conn: &mut DbConn) -> QueryResult<Vec<(String, String, i64)>> {
    let n: Vec<(String, i64)> = needs::table
        .group_by(needs::status)
        .select((needs::status, diesel::dsl::count_star()))
        .load(conn)?;
    let o: Vec<(String, i64)> = offerings::table
        .group_by(offerings::status)
        .select((offerings::status, diesel::dsl::count_star()))
        .load(conn)?;
    let i: Vec<(String, i64)> = intro::table
        .group_by(intro::stage)
        .select((intro::stage, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(n.into_iter()
        .map(|(s, c)| ("need".to_string(), s, c))
        .chain(o.into_iter().map(|(s, c)| ("offering".to_string(), s, c)))
        .chain(
            i.into_iter()
                .map(|(s, c)| ("introduction".to_string(), s, c)),
        )
        .collect())
}

/// An introduction row.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = intro)]
pub struct Introduction {
    /// Id.
    pub id: i64,
    /// Need.
    pub need_id: i64,
    /// Offering.
    pub offering_id: i64,
    /// The side that asked.
    pub requested_by: Side,
    /// Stage.
    pub stage: IntroductionStage,
    /// Why the other side declined.
    pub decline_reason: Option<String>,
    /// The SME's contact person.
    pub sme_user_id: Option<i64>,
    /// The vendor's contact person.
    pub vendor_user_id: Option<i64>,
    /// When the SME agreed to share contact details.
    pub sme_consent_at: Option<NaiveDateTime>,
    /// When the vendor agreed.
    pub vendor_consent_at: Option<NaiveDateTime>,
    /// JSON array of stage changes.
    pub history: String,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

impl Introduction {
    /// Whether both sides consented: only then are contact details shown.
    pub fn both_consented(&self) -> bool {
        self.sme_consent_at.is_some() && self.vendor_consent_at.is_some()
    }
}

/// The introduction with this id.
pub fn find_introduction(conn: &mut DbConn, id: i64) -> QueryResult<Introduction> {
    intro::table
        .find(id)
        .select(Introduction::as_select())
        .first(conn)
}

/// The introduction of a need and an offering, if any.
pub fn find_introduction_of(
    conn: &mut DbConn,
    need: i64,
    offering: i64,
) -> QueryResult<Option<Introduction>> {
    intro::table
        .filter(intro::need_id.eq(need))
        .filter(intro::offering_id.eq(offering))
        .select(Introduction::as_select())
        .first(conn)
        .optional()
}

/// Introductions a vendor organization requested in the last 7 days.
pub fn vendor_requests_this_week(conn: &mut DbConn, org: i64) -> QueryResult<i64> {
    intro::table
        .inner_join(offerings::table)
        .filter(offerings::organization_id.eq(org))
        .filter(intro::requested_by.eq(Side::Vendor))
        .filter(intro::created_at.gt(now_utc() - Duration::days(7)))
        .count()
        .get_result(conn)
}

fn history_entry(history: &str, stage: IntroductionStage, by: &str) -> String {
    let mut list: Vec<serde_json::Value> = serde_json::from_str(history).unwrap_or_default();
    list.push(serde_json::json!({"stage": stage, "at": crate::time::rfc3339(now_utc()), "by": by}));
    serde_json::Value::Array(list).to_string()
}

/// Records a request: the requesting side consents at once.
pub fn create_introduction(
    conn: &mut DbConn,
    need: &Need,
    offering: &Offering,
    side: Side,
    user: i64,
) -> QueryResult<i64> {
    let now = now_utc();
    let sme = side == Side::Sme;
    diesel::insert_into(intro::table)
        .values((
            intro::need_id.eq(need.id),
            intro::offering_id.eq(offering.id),
            intro::requested_by.eq(side),
            intro::stage.eq(IntroductionStage::Requested),
            intro::sme_user_id.eq(if sme { Some(user) } else { need.created_by }),
            intro::vendor_user_id.eq(if sme { offering.created_by } else { Some(user) }),
            intro::sme_consent_at.eq(sme.then_some(now)),
            intro::vendor_consent_at.eq((!sme).then_some(now)),
            intro::history.eq(history_entry(
                "[]",
                IntroductionStage::Requested,
                side.as_str(),
            )),
            intro::created_at.eq(now),
            intro::updated_at.eq(now),
        ))
        .returning(intro::id)
        .get_result(conn)
}

/// The answering side accepts: its consent is recorded and the stage becomes `introduced`.
pub fn accept_introduction(
    conn: &mut DbConn,
    i: &Introduction,
    side: Side,
    user: i64,
) -> QueryResult<()> {
    let now = now_utc();
    let history = history_entry(&i.history, IntroductionStage::Introduced, side.as_str());
    if side == Side::Sme {
        diesel::update(intro::table.find(i.id))
            .set((
                intro::sme_consent_at.eq(now),
                intro::sme_user_id.eq(user),
                intro::stage.eq(IntroductionStage::Introduced),
                intro::history.eq(history),
                intro::updated_at.eq(now),
            ))
            .execute(conn)?;
    } else {
        diesel::update(intro::table.find(i.id))
            .set((
                intro::vendor_consent_at.eq(now),
                intro::vendor_user_id.eq(user),
                intro::stage.eq(IntroductionStage::Introduced),
                intro::history.eq(history),
                intro::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Moves an introduction to `stage` (declined with a reason, withdrawn, meeting held, ...).
pub fn set_stage(
    conn: &mut DbConn,
    i: &Introduction,
    stage: IntroductionStage,
    side: &str,
    reason: Option<&str>,
) -> QueryResult<()> {
    diesel::update(intro::table.find(i.id))
        .set((
            intro::stage.eq(stage),
            intro::history.eq(history_entry(&i.history, stage, side)),
            intro::updated_at.eq(now_utc()),
        ))
        .execute(conn)?;
    if let Some(r) = reason {
        diesel::update(intro::table.find(i.id))
            .set(intro::decline_reason.eq(r))
            .execute(conn)?;
    }
    Ok(())
}

/// Introductions that involve an organization (either side), newest first.
pub fn introductions_of_org(conn: &mut DbConn, org: i64) -> QueryResult<Vec<Introduction>> {
    let need_ids = needs::table
        .filter(needs::organization_id.eq(org))
        .select(needs::id);
    let offering_ids = offerings::table
        .filter(offerings::organization_id.eq(org))
        .select(offerings::id);
    intro::table
        .filter(
            intro::need_id
                .eq_any(need_ids)
                .or(intro::offering_id.eq_any(offering_ids)),
        )
        .order(intro::id.desc())
        .select(Introduction::as_select())
        .load(conn)
}

/// A person's name and email, revealed after both sides consented.
pub fn contact_of(conn: &mut DbConn, user: Option<i64>) -> QueryResult<Option<(String, String)>> {
    match user {
        Some(id) => users::table
            .find(id)
            .select((users::name, users::email))
            .first(conn)
            .optional(),
        None => Ok(None),
    }
}

/// The person who receives mail about a post: its author, else the first member of its
/// organization: (email, name, lang).
pub fn recipient_for(
    conn: &mut DbConn,
    author: Option<i64>,
    org: i64,
) -> QueryResult<Option<(String, String, String)>> {
    if let Some(id) = author
        && let Some(r) = users::table
            .find(id)
            .filter(users::active.eq(true))
            .select((users::email, users::name, users::lang))
            .first(conn)
            .optional()?
    {
        return Ok(Some(r));
    }
    users::table
        .filter(users::organization_id.eq(org))
        .filter(users::active.eq(true))
        .order(users::id)
        .select((users::email, users::name, users::lang))
        .first(conn)
        .optional()
}
