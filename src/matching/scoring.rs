//! Matching: pure functions, no database.
//!
//! Stage one filters out offerings that cannot serve a need at all ([`exclusions`]); stage two
//! scores the rest out of 100 from weighted components ([`score`]), each with its reasons in
//! plain language and its cautions. The weights live in ONE place, [`WEIGHTS_V1`], and the
//! version string [`WEIGHTS_VERSION`] is shown with every score. Ties are broken by a rotation
//! that changes daily but is the same all day ([`rotation_key`]); nobody can pay for a place.

use std::borrow::Borrow;

use chrono::{Datelike, NaiveDate};

use super::taxonomy::{self, E1_COVERS, EMPLOYEE_BANDS, Period};

/// The version of the weights shown with scores.
pub const WEIGHTS_VERSION: &str = "v1";

/// Weights of the score components (they add up to 100).
#[derive(Debug, Clone, Copy)]
pub struct Weights {
    /// Share of the requested categories that the offering covers.
    pub category: u32,
    /// On-site in the SME's prefecture, or remote.
    pub region: u32,
    /// Estimated price against the SME's budget band.
    pub budget: u32,
    /// Employee band among the vendor's targets.
    pub size: u32,
    /// Sector and requirements (languages).
    pub sector: u32,
    /// Recently reconfirmed, answers introduction requests.
    pub freshness: u32,
    /// Introductions that led to a contract.
    pub track_record: u32,
}

/// The weights of version 1.
pub const WEIGHTS_V1: Weights = Weights {
    category: 30,
    region: 20,
    budget: 15,
    size: 10,
    sector: 10,
    freshness: 8,
    track_record: 7,
};

/// How many suggestions a need shows.
pub const TOP_N: usize = 5;

/// A need as matching sees it.
#[derive(Debug, Clone)]
pub struct NeedProfile {
    /// Id.
    pub id: i64,
    /// Requested categories.
    pub categories: Vec<String>,
    /// JIS prefecture code.
    pub prefecture: i32,
    /// Whether someone must come on site.
    pub onsite_needed: bool,
    /// Employee band code.
    pub employee_band: String,
    /// PCs and servers (0: not given).
    pub device_count: i64,
    /// Budget band code (`unknown` allowed).
    pub budget_band: String,
    /// Whether the SME wants to use the IT導入補助金.
    pub wants_subsidy: bool,
    /// Sector code.
    pub sector: String,
}

/// How an offering is priced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriceModel {
    /// Yen per month for one network.
    MonthlyPerNetwork(i64),
    /// Yen per device and month.
    PerDevice(i64),
    /// Yen once.
    OneOff(i64),
    /// On quotation.
    Quote,
}

impl PriceModel {
    /// From the stored model and amount (a model without an amount is a quote).
    pub fn from_stored(model: &str, amount: Option<i64>) -> Self {
        match (model, amount) {
            ("monthly_per_network", Some(a)) => PriceModel::MonthlyPerNetwork(a),
            ("per_device", Some(a)) => PriceModel::PerDevice(a),
            ("one_off", Some(a)) => PriceModel::OneOff(a),
            _ => PriceModel::Quote,
        }
    }
}

/// Capacity of the vendor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capacity {
    /// Taking new clients.
    Open,
    /// Few new clients.
    Limited,
    /// Not taking new clients.
    Full,
}

impl Capacity {
    /// From the stored code.
    pub fn from_stored(s: &str) -> Self {
        match s {
            "full" => Capacity::Full,
            "limited" => Capacity::Limited,
            _ => Capacity::Open,
        }
    }
}

/// An offering as matching sees it.
#[derive(Debug, Clone)]
pub struct OfferingProfile {
    /// Id.
    pub id: i64,
    /// Vendor organization.
    pub organization_id: i64,
    /// Published and not past its reconfirmation date.
    pub live: bool,
    /// Categories covered (E1 implies its members).
    pub categories: Vec<String>,
    /// Prefectures served on site.
    pub onsite_prefectures: Vec<i32>,
    /// Whether remote service is offered.
    pub remote_ok: bool,
    /// Price.
    pub price: PriceModel,
    /// Employee bands the vendor targets (empty: any).
    pub target_bands: Vec<String>,
    /// Sectors (empty: any).
    pub sectors: Vec<String>,
    /// Languages served.
    pub languages: Vec<String>,
    /// Registered お助け隊 service, valid today.
    pub otasuketai_valid: bool,
    /// Fiscal year of IT導入補助金 eligibility.
    pub subsidy_fiscal_year: Option<i32>,
    /// Capacity.
    pub capacity: Capacity,
    /// Days since published or reconfirmed.
    pub age_days: i64,
    /// Share of introduction requests to this vendor that were answered (None: none yet).
    pub response_rate: Option<f64>,
    /// Introductions that ended in a contract.
    pub contracted: i64,
}

/// What matching needs to know about "now".
#[derive(Debug, Clone, Copy)]
pub struct MatchContext {
    /// Today in Asia/Tokyo.
    pub today: NaiveDate,
}

impl MatchContext {
    /// The Japanese fiscal year of today (April to March).
    pub fn fiscal_year(&self) -> i32 {
        fiscal_year(self.today)
    }
}

/// The Japanese fiscal year of a date (FY2026 runs from April 2026 to March 2027).
pub fn fiscal_year(d: NaiveDate) -> i32 {
    if d.month() >= 4 {
        d.year()
    } else {
        d.year() - 1
    }
}

/// Why an offering cannot answer a need at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exclusion {
    /// Not published, or past its reconfirmation date.
    NotLive,
    /// None of the requested categories is covered.
    NoCategory,
    /// On-site support is needed, and the vendor does not come to that prefecture.
    NoOnsiteInPrefecture,
    /// The vendor neither comes on site there nor works remotely.
    NotReachable,
    /// The vendor takes no new clients.
    CapacityFull,
    /// The SME wants the IT導入補助金 and the offering is not eligible this fiscal year.
    NoSubsidy,
}

impl Exclusion {
    /// Catalog key of the explanation.
    pub fn key(self) -> &'static str {
        match self {
            Exclusion::NotLive => "matching.why.not_live",
            Exclusion::NoCategory => "matching.why.no_category",
            Exclusion::NoOnsiteInPrefecture => "matching.why.no_onsite",
            Exclusion::NotReachable => "matching.why.not_reachable",
            Exclusion::CapacityFull => "matching.why.capacity_full",
            Exclusion::NoSubsidy => "matching.why.no_subsidy",
        }
    }
}

/// A reason or caution shown with a suggestion, rendered in the reader's language.
#[derive(Debug, Clone, PartialEq)]
pub enum Note {
    /// 「ご要望3分類のうち3分類に対応」.
    Categories {
        /// Covered.
        covered: usize,
        /// Requested.
        total: usize,
    },
    /// Registered お助け隊 package.
    Otasuketai,
    /// On site in the SME's prefecture.
    OnsiteInPrefecture(i32),
    /// Remote only.
    Remote,
    /// Estimated price within the budget band.
    BudgetWithin {
        /// Monthly or one-off.
        monthly: bool,
        /// Yen.
        yen: i64,
    },
    /// Estimated price above the budget band.
    BudgetAbove {
        /// Monthly or one-off.
        monthly: bool,
        /// Yen.
        yen: i64,
    },
    /// The SME does not know its budget; the estimate is for reference.
    BudgetUnknown {
        /// Monthly or one-off, if estimated.
        monthly: bool,
        /// Yen, if estimated.
        yen: Option<i64>,
    },
    /// Priced on quotation.
    Quote,
    /// The price model differs from the budget's period.
    PeriodDiffers,
    /// The device count was estimated from the employee band.
    DevicesEstimated(i64),
    /// Employee band among the targets.
    SizeFit,
    /// Employee band next to the targets.
    SizeNear,
    /// Employee band outside the targets.
    SizeOutside,
    /// Sector served.
    SectorFit,
    /// English support (overseas trade).
    English,
    /// Reconfirmed in the last 30 days.
    Fresh,
    /// Answers most introduction requests.
    Responsive(u32),
    /// Answers few introduction requests.
    SlowToRespond,
    /// Contracts through the board.
    TrackRecord(i64),
    /// Few new clients.
    CapacityLimited,
    /// Eligible for the IT導入補助金 this fiscal year.
    Subsidy(i32),
    /// Pinned by the bureau.
    Pinned,
}

/// Formats yen the way people say it: 「4万円」「1.5万円」「8,000円」, or "¥40,000".
pub fn format_yen(yen: i64, lang: views::Lang) -> String {
    match lang {
        views::Lang::Ja if yen >= 10_000 => {
            let man = yen as f64 / 10_000.0;
            if (man - man.round()).abs() < 0.05 {
                format!("{}万円", man.round() as i64)
            } else {
                format!("{man:.1}万円")
            }
        }
        views::Lang::Ja => format!("{}円", group_digits(yen)),
        views::Lang::En => format!("¥{}", group_digits(yen)),
    }
}

fn group_digits(n: i64) -> String {
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

impl Note {
    /// The text in `lang`; `prefecture` names a JIS code.
    pub fn render(&self, lang: views::Lang, prefecture: &dyn Fn(i32) -> String) -> String {
        let price = |monthly: bool, yen: i64| {
            let key = if monthly {
                "matching.note.per_month"
            } else {
                "matching.note.one_off"
            };
            lang.tf(key, &[("amount", &format_yen(yen, lang))])
        };
        match self {
            Note::Categories { covered, total } => lang.tf(
                "matching.note.categories",
                &[
                    ("covered", &covered.to_string()),
                    ("total", &total.to_string()),
                ],
            ),
            Note::Otasuketai => lang.t("matching.note.otasuketai").into(),
            Note::OnsiteInPrefecture(p) => {
                lang.tf("matching.note.onsite", &[("prefecture", &prefecture(*p))])
            }
            Note::Remote => lang.t("matching.note.remote").into(),
            Note::BudgetWithin { monthly, yen } => lang.tf(
                "matching.note.budget_within",
                &[("price", &price(*monthly, *yen))],
            ),
            Note::BudgetAbove { monthly, yen } => lang.tf(
                "matching.note.budget_above",
                &[("price", &price(*monthly, *yen))],
            ),
            Note::BudgetUnknown { monthly, yen } => match yen {
                Some(y) => lang.tf(
                    "matching.note.budget_unknown",
                    &[("price", &price(*monthly, *y))],
                ),
                None => lang.t("matching.note.budget_unknown_quote").into(),
            },
            Note::Quote => lang.t("matching.note.quote").into(),
            Note::PeriodDiffers => lang.t("matching.note.period_differs").into(),
            Note::DevicesEstimated(n) => lang.tf(
                "matching.note.devices_estimated",
                &[("count", &n.to_string())],
            ),
            Note::SizeFit => lang.t("matching.note.size_fit").into(),
            Note::SizeNear => lang.t("matching.note.size_near").into(),
            Note::SizeOutside => lang.t("matching.note.size_outside").into(),
            Note::SectorFit => lang.t("matching.note.sector_fit").into(),
            Note::English => lang.t("matching.note.english").into(),
            Note::Fresh => lang.t("matching.note.fresh").into(),
            Note::Responsive(pct) => {
                lang.tf("matching.note.responsive", &[("pct", &pct.to_string())])
            }
            Note::SlowToRespond => lang.t("matching.note.slow").into(),
            Note::TrackRecord(n) => {
                lang.tf("matching.note.track_record", &[("count", &n.to_string())])
            }
            Note::CapacityLimited => lang.t("matching.note.capacity_limited").into(),
            Note::Subsidy(fy) => lang.tf("matching.note.subsidy", &[("year", &fy.to_string())]),
            Note::Pinned => lang.t("matching.note.pinned").into(),
        }
    }
}

/// The value of one component (0.0 to 1.0) and what it says.
#[derive(Debug, Clone, PartialEq)]
pub struct Component {
    /// 0.0 to 1.0.
    pub value: f64,
    /// Reasons to show.
    pub reasons: Vec<Note>,
    /// Cautions to show.
    pub cautions: Vec<Note>,
    /// Whether notes are collected: ranking scores thousands of offerings and only explains
    /// the few it shows, so the hot path skips the allocations.
    explain: bool,
}

impl Component {
    fn with(explain: bool, value: f64) -> Self {
        Self {
            value: value.clamp(0.0, 1.0),
            reasons: Vec::new(),
            cautions: Vec::new(),
            explain,
        }
    }
    fn reason(mut self, n: Note) -> Self {
        if self.explain {
            self.reasons.push(n);
        }
        self
    }
    fn caution(mut self, n: Note) -> Self {
        if self.explain {
            self.cautions.push(n);
        }
        self
    }
}

/// The categories an offering covers, with E1 expanded into its members.
pub fn covered_categories(categories: &[String]) -> Vec<String> {
    let mut out: Vec<String> = categories.to_vec();
    if categories.iter().any(|c| c == "E1") {
        for c in E1_COVERS {
            if !out.iter().any(|x| x == c) {
                out.push((*c).to_string());
            }
        }
    }
    out
}

/// Whether an offering's categories cover one category (E1 covers its members). Written
/// without allocation: it runs for every offering on every ranking.
fn covers(offering: &[String], category: &str) -> bool {
    offering.iter().any(|x| x == category)
        || (E1_COVERS.contains(&category) && offering.iter().any(|x| x == "E1"))
}

/// How many of the need's categories the offering covers.
pub fn covered_count(need: &[String], offering: &[String]) -> usize {
    need.iter().filter(|c| covers(offering, c)).count()
}

/// Stage one as a yes/no, without collecting the reasons (the hot path of ranking).
pub fn passes(need: &NeedProfile, o: &OfferingProfile, ctx: &MatchContext) -> bool {
    let onsite_here = o.onsite_prefectures.contains(&need.prefecture);
    o.live
        && o.capacity != Capacity::Full
        && (onsite_here || (!need.onsite_needed && o.remote_ok))
        && (!need.wants_subsidy || o.subsidy_fiscal_year == Some(ctx.fiscal_year()))
        && need.categories.iter().any(|c| covers(&o.categories, c))
}

/// Stage one: every reason why the offering cannot answer the need (empty: it can).
pub fn exclusions(need: &NeedProfile, o: &OfferingProfile, ctx: &MatchContext) -> Vec<Exclusion> {
    let mut out = Vec::new();
    if !o.live {
        out.push(Exclusion::NotLive);
    }
    if covered_count(&need.categories, &o.categories) == 0 {
        out.push(Exclusion::NoCategory);
    }
    let onsite_here = o.onsite_prefectures.contains(&need.prefecture);
    if need.onsite_needed && !onsite_here {
        out.push(Exclusion::NoOnsiteInPrefecture);
    } else if !need.onsite_needed && !onsite_here && !o.remote_ok {
        out.push(Exclusion::NotReachable);
    }
    if o.capacity == Capacity::Full {
        out.push(Exclusion::CapacityFull);
    }
    if need.wants_subsidy && o.subsidy_fiscal_year != Some(ctx.fiscal_year()) {
        out.push(Exclusion::NoSubsidy);
    }
    out
}

/// Category coverage: the share of requested categories covered.
fn category_impl(need: &NeedProfile, o: &OfferingProfile, explain: bool) -> Component {
    let total = need.categories.len();
    let covered = covered_count(&need.categories, &o.categories);
    let value = if total == 0 {
        0.0
    } else {
        covered as f64 / total as f64
    };
    let mut c = Component::with(explain, value).reason(Note::Categories { covered, total });
    if o.otasuketai_valid && o.categories.iter().any(|x| x == "E1") {
        c = c.reason(Note::Otasuketai);
    }
    c
}

/// Region: on site in the prefecture is best; remote service counts for less.
fn region_impl(need: &NeedProfile, o: &OfferingProfile, explain: bool) -> Component {
    if o.onsite_prefectures.contains(&need.prefecture) {
        Component::with(explain, 1.0).reason(Note::OnsiteInPrefecture(need.prefecture))
    } else if o.remote_ok && !need.onsite_needed {
        Component::with(explain, 0.6).reason(Note::Remote)
    } else {
        Component::with(explain, 0.0)
    }
}

/// The estimated price for this SME: (period, yen), and whether the device count was guessed.
pub fn estimate_price(need: &NeedProfile, price: PriceModel) -> Option<(Period, i64, Option<i64>)> {
    match price {
        PriceModel::MonthlyPerNetwork(a) => Some((Period::Monthly, a, None)),
        PriceModel::PerDevice(a) => {
            let (devices, guessed) = if need.device_count > 0 {
                (need.device_count, None)
            } else {
                let n = taxonomy::typical_devices(&need.employee_band);
                (n, Some(n))
            };
            Some((Period::Monthly, a.saturating_mul(devices), guessed))
        }
        PriceModel::OneOff(a) => Some((Period::OneOff, a, None)),
        PriceModel::Quote => None,
    }
}

/// Budget fit: the estimated price against the SME's budget band.
fn budget_impl(need: &NeedProfile, o: &OfferingProfile, explain: bool) -> Component {
    let estimate = estimate_price(need, o.price);
    let band = taxonomy::budget_band(&need.budget_band);
    let mut c = match (band, estimate) {
        (None, Some((period, yen, _))) => {
            Component::with(explain, 0.5).reason(Note::BudgetUnknown {
                monthly: period == Period::Monthly,
                yen: Some(yen),
            })
        }
        (None, None) => Component::with(explain, 0.5).reason(Note::BudgetUnknown {
            monthly: true,
            yen: None,
        }),
        (Some(_), None) => Component::with(explain, 0.5).caution(Note::Quote),
        (Some(band), Some((period, yen, _))) => {
            let monthly = period == Period::Monthly;
            // Compare like with like: a monthly price against a one-off budget counts a year.
            let (compare, differs) = match (period, band.period) {
                (a, b) if a == b => (yen, false),
                (Period::Monthly, Period::OneOff) => (yen.saturating_mul(12), true),
                _ => (yen / 12, true),
            };
            let fit = match band.max {
                None => 1.0,
                Some(max) if compare <= max => 1.0,
                Some(max) if (compare as f64) <= max as f64 * 1.5 => 0.4,
                Some(_) => 0.0,
            };
            let mut c = if fit >= 1.0 {
                Component::with(explain, fit).reason(Note::BudgetWithin { monthly, yen })
            } else {
                Component::with(explain, fit).caution(Note::BudgetAbove { monthly, yen })
            };
            if differs {
                c.value *= 0.8;
                c = c.caution(Note::PeriodDiffers);
            }
            c
        }
    };
    if let Some((_, _, Some(guessed))) = estimate {
        c = c.caution(Note::DevicesEstimated(guessed));
    }
    c
}

/// Size fit: the SME's employee band among the vendor's targets.
fn size_impl(need: &NeedProfile, o: &OfferingProfile, explain: bool) -> Component {
    if o.target_bands.is_empty() {
        return Component::with(explain, 0.7);
    }
    if o.target_bands.contains(&need.employee_band) {
        return Component::with(explain, 1.0).reason(Note::SizeFit);
    }
    let pos = |b: &str| EMPLOYEE_BANDS.iter().position(|x| *x == b);
    let near = pos(&need.employee_band).is_some_and(|p| {
        o.target_bands
            .iter()
            .filter_map(|b| pos(b))
            .any(|q| p.abs_diff(q) == 1)
    });
    if near {
        Component::with(explain, 0.5).caution(Note::SizeNear)
    } else {
        Component::with(explain, 0.0).caution(Note::SizeOutside)
    }
}

/// Sector and requirements: the sector served, English for overseas trade.
fn sector_impl(need: &NeedProfile, o: &OfferingProfile, explain: bool) -> Component {
    let mut c = if need.sector == "other" || o.sectors.is_empty() {
        Component::with(explain, 0.5)
    } else if o.sectors.contains(&need.sector) {
        Component::with(explain, 1.0).reason(Note::SectorFit)
    } else {
        Component::with(explain, 0.2)
    };
    if need.sector == "overseas_trade" && o.languages.iter().any(|l| l == "en") {
        c.value = (c.value + 0.3).min(1.0);
        c = c.reason(Note::English);
    }
    c
}

/// Freshness and responsiveness: recently reconfirmed, answers requests.
fn freshness_impl(o: &OfferingProfile, explain: bool) -> Component {
    let fresh = if o.age_days <= 30 {
        1.0
    } else {
        (1.0 - (o.age_days - 30) as f64 / 150.0 * 0.8).max(0.2)
    };
    let rate = o.response_rate.unwrap_or(0.7);
    let mut c = Component::with(explain, 0.5 * fresh + 0.5 * rate);
    if o.age_days <= 30 {
        c = c.reason(Note::Fresh);
    }
    match o.response_rate {
        Some(r) if r >= 0.8 => c = c.reason(Note::Responsive((r * 100.0).round() as u32)),
        Some(r) if r < 0.5 => c = c.caution(Note::SlowToRespond),
        _ => {}
    }
    if o.capacity == Capacity::Limited {
        c = c.caution(Note::CapacityLimited);
    }
    c
}

/// Track record: introductions that led to a contract.
fn track_record_impl(o: &OfferingProfile, explain: bool) -> Component {
    let value = match o.contracted {
        0 => 0.3,
        1 => 0.6,
        2 => 0.8,
        _ => 1.0,
    };
    let c = Component::with(explain, value);
    if o.contracted > 0 {
        c.reason(Note::TrackRecord(o.contracted))
    } else {
        c
    }
}

/// A scored offering for a need.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    /// Offering id.
    pub offering_id: i64,
    /// Need id.
    pub need_id: i64,
    /// 0 to 100.
    pub score: u32,
    /// Reasons.
    pub reasons: Vec<Note>,
    /// Cautions.
    pub cautions: Vec<Note>,
    /// Pinned by staff.
    pub pinned: bool,
}

/// Category coverage: the share of requested categories covered.
pub fn category_component(need: &NeedProfile, o: &OfferingProfile) -> Component {
    category_impl(need, o, true)
}

/// Region: on site in the prefecture is best; remote service counts for less.
pub fn region_component(need: &NeedProfile, o: &OfferingProfile) -> Component {
    region_impl(need, o, true)
}

/// Budget fit: the estimated price against the SME's budget band.
pub fn budget_component(need: &NeedProfile, o: &OfferingProfile) -> Component {
    budget_impl(need, o, true)
}

/// Size fit: the SME's employee band among the vendor's targets.
pub fn size_component(need: &NeedProfile, o: &OfferingProfile) -> Component {
    size_impl(need, o, true)
}

/// Sector and requirements: the sector served, English for overseas trade.
pub fn sector_component(need: &NeedProfile, o: &OfferingProfile) -> Component {
    sector_impl(need, o, true)
}

/// Freshness and responsiveness: recently reconfirmed, answers requests.
pub fn freshness_component(o: &OfferingProfile) -> Component {
    freshness_impl(o, true)
}

/// Track record: introductions that led to a contract.
pub fn track_record_component(o: &OfferingProfile) -> Component {
    track_record_impl(o, true)
}

/// Every component with its weight.
fn parts(need: &NeedProfile, o: &OfferingProfile, explain: bool) -> [(u32, Component); 7] {
    let w = WEIGHTS_V1;
    [
        (w.category, category_impl(need, o, explain)),
        (w.region, region_impl(need, o, explain)),
        (w.budget, budget_impl(need, o, explain)),
        (w.size, size_impl(need, o, explain)),
        (w.sector, sector_impl(need, o, explain)),
        (w.freshness, freshness_impl(o, explain)),
        (w.track_record, track_record_impl(o, explain)),
    ]
}

fn total(parts: &[(u32, Component)]) -> u32 {
    let sum: f64 = parts.iter().map(|(w, c)| f64::from(*w) * c.value).sum();
    sum.round().clamp(0.0, 100.0) as u32
}

/// The score out of 100 alone (no notes): what ranking computes for every candidate.
pub fn score_value(need: &NeedProfile, o: &OfferingProfile) -> u32 {
    total(&parts(need, o, false))
}

/// Stage two: the weighted score out of 100, with reasons and cautions.
pub fn score(need: &NeedProfile, o: &OfferingProfile, ctx: &MatchContext) -> Scored {
    let parts = parts(need, o, true);
    let score = total(&parts);
    let mut reasons = Vec::new();
    let mut cautions = Vec::new();
    for (_, c) in parts {
        reasons.extend(c.reasons);
        cautions.extend(c.cautions);
    }
    if need.wants_subsidy && o.subsidy_fiscal_year == Some(ctx.fiscal_year()) {
        reasons.push(Note::Subsidy(ctx.fiscal_year()));
    }
    Scored {
        offering_id: o.id,
        need_id: need.id,
        score,
        reasons,
        cautions,
        pinned: false,
    }
}

/// A deterministic tie-breaker that changes every day (splitmix64 of the day and the id).
pub fn rotation_key(day: NaiveDate, id: i64) -> u64 {
    let mut z = (day.num_days_from_ce() as u64)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(id as u64);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Staff decisions about suggestions of one need: pinned and removed offering ids.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// Always shown first (if they pass the filters).
    pub pinned: Vec<i64>,
    /// Never shown.
    pub removed: Vec<i64>,
}

/// How many of the ranked candidates carry their reasons and cautions (what pages show).
pub const EXPLAINED: usize = TOP_N * 2;

fn bare(need_id: i64, offering_id: i64, score: u32, pinned: bool) -> Scored {
    Scored {
        offering_id,
        need_id,
        score,
        reasons: Vec::new(),
        cautions: Vec::new(),
        pinned,
    }
}

/// Every offering that passes stage one, scored and ordered (pinned first, then score, then
/// the daily rotation); the first [`EXPLAINED`] carry their notes, callers show the top
/// [`TOP_N`].
pub fn rank_offerings<P: Borrow<OfferingProfile>>(
    need: &NeedProfile,
    offerings: &[P],
    overrides: &Overrides,
    ctx: &MatchContext,
) -> Vec<Scored> {
    let mut list: Vec<(usize, Scored)> = offerings
        .iter()
        .map(Borrow::borrow)
        .enumerate()
        .filter(|(_, o)| !overrides.removed.contains(&o.id) && passes(need, o, ctx))
        .map(|(i, o)| {
            let pinned = overrides.pinned.contains(&o.id);
            (i, bare(need.id, o.id, score_value(need, o), pinned))
        })
        .collect();
    list.sort_by(|(_, a), (_, b)| order(a, b, ctx.today, a.offering_id, b.offering_id));
    list.into_iter()
        .enumerate()
        .map(|(rank, (i, s))| {
            if rank >= EXPLAINED {
                return s;
            }
            let mut full = score(need, offerings[i].borrow(), ctx);
            if s.pinned {
                full.pinned = true;
                full.reasons.insert(0, Note::Pinned);
            }
            full
        })
        .collect()
}

fn order(a: &Scored, b: &Scored, day: NaiveDate, ka: i64, kb: i64) -> std::cmp::Ordering {
    b.pinned
        .cmp(&a.pinned)
        .then(b.score.cmp(&a.score))
        .then(rotation_key(day, ka).cmp(&rotation_key(day, kb)))
}

/// The open needs an offering could answer, best first (the first [`EXPLAINED`] with notes).
pub fn rank_needs(o: &OfferingProfile, needs: &[NeedProfile], ctx: &MatchContext) -> Vec<Scored> {
    let mut list: Vec<(usize, Scored)> = needs
        .iter()
        .enumerate()
        .filter(|(_, n)| passes(n, o, ctx))
        .map(|(i, n)| (i, bare(n.id, o.id, score_value(n, o), false)))
        .collect();
    list.sort_by(|(_, a), (_, b)| order(a, b, ctx.today, a.need_id, b.need_id));
    list.into_iter()
        .enumerate()
        .map(|(rank, (i, s))| {
            if rank < EXPLAINED {
                score(&needs[i], o, ctx)
            } else {
                s
            }
        })
        .collect()
}

/// Why an offering is or is not among a need's suggestions.
#[derive(Debug, Clone, PartialEq)]
pub enum Explanation {
    /// Removed by the bureau.
    Removed,
    /// Filtered out in stage one.
    Excluded(Vec<Exclusion>),
    /// Scored; `position` is 1-based; shown when `position <= TOP_N`.
    Ranked {
        /// Place in the ranking.
        position: usize,
        /// The score and notes.
        scored: Scored,
        /// Score of the last suggestion shown.
        cutoff: Option<u32>,
    },
}

/// Explains the place of one offering among a need's suggestions.
pub fn explain<P: Borrow<OfferingProfile>>(
    need: &NeedProfile,
    offering: &OfferingProfile,
    all: &[P],
    overrides: &Overrides,
    ctx: &MatchContext,
) -> Explanation {
    if overrides.removed.contains(&offering.id) {
        return Explanation::Removed;
    }
    let ex = exclusions(need, offering, ctx);
    if !ex.is_empty() {
        return Explanation::Excluded(ex);
    }
    let ranked = rank_offerings(need, all, overrides, ctx);
    let cutoff = ranked
        .get(TOP_N.min(ranked.len()).saturating_sub(1))
        .map(|s| s.score);
    match ranked.iter().position(|s| s.offering_id == offering.id) {
        Some(i) => Explanation::Ranked {
            position: i + 1,
            scored: Scored {
                pinned: ranked[i].pinned,
                ..score(need, offering, ctx)
            },
            cutoff,
        },
        None => Explanation::Ranked {
            position: ranked.len() + 1,
            scored: score(need, offering, ctx),
            cutoff,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> MatchContext {
        MatchContext {
            today: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        }
    }

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    fn need() -> NeedProfile {
        NeedProfile {
            id: 1,
            categories: s(&["B2", "B7", "A1"]),
            prefecture: 40,
            onsite_needed: true,
            employee_band: "6-20".into(),
            device_count: 10,
            budget_band: "monthly_30k_50k".into(),
            wants_subsidy: false,
            sector: "medical_pharmacy".into(),
        }
    }

    fn offering(id: i64) -> OfferingProfile {
        OfferingProfile {
            id,
            organization_id: 100 + id,
            live: true,
            categories: s(&["B2", "B7", "A1"]),
            onsite_prefectures: vec![40, 41],
            remote_ok: true,
            price: PriceModel::PerDevice(4_000),
            target_bands: s(&["6-20", "21-50"]),
            sectors: s(&["medical_pharmacy"]),
            languages: s(&["ja"]),
            otasuketai_valid: false,
            subsidy_fiscal_year: Some(2026),
            capacity: Capacity::Open,
            age_days: 10,
            response_rate: Some(1.0),
            contracted: 3,
        }
    }

    #[test]
    fn filters_each_reason() {
        let n = need();
        assert!(exclusions(&n, &offering(1), &ctx()).is_empty());
        let mut o = offering(1);
        o.live = false;
        assert_eq!(exclusions(&n, &o, &ctx()), vec![Exclusion::NotLive]);
        let mut o = offering(1);
        o.categories = s(&["D2"]);
        assert_eq!(exclusions(&n, &o, &ctx()), vec![Exclusion::NoCategory]);
        let mut o = offering(1);
        o.onsite_prefectures = vec![43];
        assert_eq!(
            exclusions(&n, &o, &ctx()),
            vec![Exclusion::NoOnsiteInPrefecture]
        );
        let mut o = offering(1);
        o.capacity = Capacity::Full;
        assert_eq!(exclusions(&n, &o, &ctx()), vec![Exclusion::CapacityFull]);
        let mut n2 = need();
        n2.wants_subsidy = true;
        let mut o = offering(1);
        assert!(exclusions(&n2, &o, &ctx()).is_empty());
        o.subsidy_fiscal_year = Some(2025);
        assert_eq!(exclusions(&n2, &o, &ctx()), vec![Exclusion::NoSubsidy]);
        o.subsidy_fiscal_year = None;
        assert_eq!(exclusions(&n2, &o, &ctx()), vec![Exclusion::NoSubsidy]);
    }

    #[test]
    fn the_quick_filter_agrees_with_the_explained_one() {
        let c = ctx();
        for o in crate::bench::matching::offerings(500, 1) {
            for n in crate::bench::matching::needs(20, 2) {
                assert_eq!(passes(&n, &o, &c), exclusions(&n, &o, &c).is_empty());
            }
        }
    }

    #[test]
    fn the_bare_score_equals_the_explained_one_and_the_shown_ones_carry_notes() {
        let c = ctx();
        let all = crate::bench::matching::offerings(500, 3);
        for n in crate::bench::matching::needs(20, 4) {
            for o in &all {
                assert_eq!(score_value(&n, o), score(&n, o, &c).score);
            }
            let ranked = rank_offerings(&n, &all, &Overrides::default(), &c);
            for s in ranked.iter().take(TOP_N) {
                assert!(
                    !s.reasons.is_empty(),
                    "shown suggestions explain themselves"
                );
            }
        }
    }

    #[test]
    fn remote_only_vendor() {
        let mut o = offering(1);
        o.onsite_prefectures = vec![];
        o.remote_ok = true;
        // On-site needed: filtered out.
        assert_eq!(
            exclusions(&need(), &o, &ctx()),
            vec![Exclusion::NoOnsiteInPrefecture]
        );
        // Not needed: allowed, region counts for less, with the reason "remote".
        let mut n = need();
        n.onsite_needed = false;
        assert!(exclusions(&n, &o, &ctx()).is_empty());
        let c = region_component(&n, &o);
        assert_eq!(c.value, 0.6);
        assert_eq!(c.reasons, vec![Note::Remote]);
        // Neither on site there nor remote: cannot serve.
        o.remote_ok = false;
        o.onsite_prefectures = vec![46];
        assert_eq!(exclusions(&n, &o, &ctx()), vec![Exclusion::NotReachable]);
        assert_eq!(region_component(&n, &o).value, 0.0);
        // On site in the prefecture wins.
        assert_eq!(region_component(&n, &offering(1)).value, 1.0);
        assert_eq!(
            region_component(&n, &offering(1)).reasons,
            vec![Note::OnsiteInPrefecture(40)]
        );
    }

    #[test]
    fn composite_otasuketai_offering_covers_its_members() {
        let mut o = offering(1);
        o.categories = s(&["E1"]);
        o.otasuketai_valid = true;
        let mut n = need();
        n.categories = s(&["A1", "B1", "B3", "C4"]);
        let c = category_component(&n, &o);
        assert_eq!(c.value, 1.0);
        assert_eq!(
            c.reasons,
            vec![
                Note::Categories {
                    covered: 4,
                    total: 4
                },
                Note::Otasuketai
            ]
        );
        // B7 (backup) is not part of the package.
        n.categories = s(&["B2", "B7"]);
        let c = category_component(&n, &o);
        assert_eq!(c.value, 0.5);
        // A need for E1 itself is covered only by an E1 offering, not by its parts.
        n.categories = s(&["E1"]);
        let mut parts = offering(2);
        parts.categories = s(E1_COVERS);
        assert_eq!(exclusions(&n, &parts, &ctx()), vec![Exclusion::NoCategory]);
        assert!(exclusions(&n, &o, &ctx()).is_empty());
    }

    #[test]
    fn budget_fit_from_price_model_and_size() {
        let n = need(); // 10 devices, 30k–50k per month
        let o = offering(1); // 4,000 per device: 40,000 per month
        let c = budget_component(&n, &o);
        assert_eq!(c.value, 1.0);
        assert_eq!(
            c.reasons,
            vec![Note::BudgetWithin {
                monthly: true,
                yen: 40_000
            }]
        );
        assert_eq!(
            c.reasons[0].render(views::Lang::Ja, &|_| String::new()),
            "概算 月4万円 — ご予算帯内"
        );
        // A little above the band, then far above.
        let mut o2 = offering(1);
        o2.price = PriceModel::MonthlyPerNetwork(60_000);
        let c = budget_component(&n, &o2);
        assert_eq!(c.value, 0.4);
        assert_eq!(
            c.cautions,
            vec![Note::BudgetAbove {
                monthly: true,
                yen: 60_000
            }]
        );
        o2.price = PriceModel::MonthlyPerNetwork(200_000);
        assert_eq!(budget_component(&n, &o2).value, 0.0);
        // No device count: estimated from the employee band, with a caution.
        let mut n2 = need();
        n2.device_count = 0;
        let c = budget_component(&n2, &o);
        assert!(c.cautions.contains(&Note::DevicesEstimated(15)));
        // Quote: neutral.
        o2.price = PriceModel::Quote;
        let c = budget_component(&n, &o2);
        assert_eq!((c.value, c.cautions.clone()), (0.5, vec![Note::Quote]));
        // One-off price against a monthly budget: compared per month, marked.
        o2.price = PriceModel::OneOff(240_000);
        let c = budget_component(&n, &o2);
        assert!(c.cautions.contains(&Note::PeriodDiffers));
        assert!((c.value - 0.8).abs() < 1e-9);
    }

    #[test]
    fn unknown_budget_is_neutral() {
        let mut n = need();
        n.budget_band = "unknown".into();
        let c = budget_component(&n, &offering(1));
        assert_eq!(c.value, 0.5);
        assert_eq!(
            c.reasons,
            vec![Note::BudgetUnknown {
                monthly: true,
                yen: Some(40_000)
            }]
        );
        let mut o = offering(1);
        o.price = PriceModel::Quote;
        assert_eq!(budget_component(&n, &o).value, 0.5);
    }

    #[test]
    fn size_fit() {
        let n = need();
        let mut o = offering(1);
        assert_eq!(size_component(&n, &o).value, 1.0);
        o.target_bands = s(&["21-50"]);
        assert_eq!(size_component(&n, &o).value, 0.5);
        o.target_bands = s(&["301+"]);
        assert_eq!(size_component(&n, &o).value, 0.0);
        o.target_bands = vec![];
        assert_eq!(size_component(&n, &o).value, 0.7);
    }

    #[test]
    fn sector_fit_and_english() {
        let mut n = need();
        let mut o = offering(1);
        assert_eq!(sector_component(&n, &o).value, 1.0);
        o.sectors = s(&["ec"]);
        assert_eq!(sector_component(&n, &o).value, 0.2);
        o.sectors = vec![];
        assert_eq!(sector_component(&n, &o).value, 0.5);
        n.sector = "overseas_trade".into();
        o.languages = s(&["ja", "en"]);
        let c = sector_component(&n, &o);
        assert!((c.value - 0.8).abs() < 1e-9);
        assert_eq!(c.reasons, vec![Note::English]);
    }

    #[test]
    fn freshness_and_responsiveness() {
        let mut o = offering(1);
        assert_eq!(freshness_component(&o).value, 1.0);
        o.age_days = 180;
        o.response_rate = Some(0.2);
        let c = freshness_component(&o);
        assert!((c.value - (0.5 * 0.2 + 0.5 * 0.2)).abs() < 1e-9);
        assert_eq!(c.cautions, vec![Note::SlowToRespond]);
        o.response_rate = None;
        o.capacity = Capacity::Limited;
        assert!(
            freshness_component(&o)
                .cautions
                .contains(&Note::CapacityLimited)
        );
    }

    #[test]
    fn track_record() {
        let mut o = offering(1);
        o.contracted = 0;
        assert_eq!(track_record_component(&o).value, 0.3);
        assert!(track_record_component(&o).reasons.is_empty());
        o.contracted = 1;
        assert_eq!(track_record_component(&o).value, 0.6);
        o.contracted = 7;
        assert_eq!(
            track_record_component(&o).reasons,
            vec![Note::TrackRecord(7)]
        );
    }

    #[test]
    fn weights_add_up_to_100_and_a_perfect_match_scores_100() {
        let w = WEIGHTS_V1;
        assert_eq!(
            w.category + w.region + w.budget + w.size + w.sector + w.freshness + w.track_record,
            100
        );
        assert_eq!(score(&need(), &offering(1), &ctx()).score, 100);
    }

    #[test]
    fn reasons_read_naturally_in_japanese() {
        let sc = score(&need(), &offering(1), &ctx());
        let texts: Vec<String> = sc
            .reasons
            .iter()
            .map(|r| r.render(views::Lang::Ja, &|_| "福岡県".into()))
            .collect();
        assert!(
            texts.contains(&"ご要望3分類のうち3分類に対応".to_string()),
            "{texts:?}"
        );
        assert!(
            texts.contains(&"福岡県内に駆付け対応可".to_string()),
            "{texts:?}"
        );
    }

    #[test]
    fn a_need_and_1000_offerings_rank_as_expected() {
        let n = need();
        let mut all: Vec<OfferingProfile> = (0..1000)
            .map(|i| {
                let mut o = offering(i);
                // Mostly mediocre: other sectors, old, no record, partial categories.
                o.sectors = s(&["ec"]);
                o.age_days = 150;
                o.contracted = 0;
                o.categories = s(&["B2"]);
                match i % 4 {
                    0 => o.capacity = Capacity::Full,
                    1 => o.onsite_prefectures = vec![46],
                    _ => {}
                }
                o
            })
            .collect();
        // The best and the second best are planted.
        all[500] = offering(500);
        let mut second = offering(777);
        second.contracted = 0;
        all[777] = second;
        let ranked = rank_offerings(&n, &all, &Overrides::default(), &ctx());
        // Quarters 0 (full) and 1 (other prefecture) drop out, except the two planted ones.
        assert_eq!(ranked.len(), 502);
        assert_eq!(ranked[0].offering_id, 500);
        assert_eq!(ranked[1].offering_id, 777);
        assert!(
            ranked
                .iter()
                .all(|s| s.offering_id % 4 != 0 || s.offering_id == 500)
        );
        // Staff pin one mediocre offering and remove the best.
        let ov = Overrides {
            pinned: vec![2],
            removed: vec![500],
        };
        let ranked = rank_offerings(&n, &all, &ov, &ctx());
        assert_eq!(ranked[0].offering_id, 2);
        assert!(ranked[0].pinned);
        assert!(ranked.iter().all(|s| s.offering_id != 500));
    }

    #[test]
    fn equal_scores_rotate_by_day_but_not_within_a_day() {
        let n = need();
        let all: Vec<OfferingProfile> = (1..=20).map(offering).collect();
        let day1 = ctx();
        let day2 = MatchContext {
            today: day1.today.succ_opt().unwrap(),
        };
        let ids = |c: &MatchContext| -> Vec<i64> {
            rank_offerings(&n, &all, &Overrides::default(), c)
                .iter()
                .map(|s| s.offering_id)
                .collect()
        };
        assert_eq!(ids(&day1), ids(&day1));
        assert_ne!(ids(&day1), ids(&day2));
    }

    #[test]
    fn a_vendor_learns_why_it_was_not_suggested() {
        let n = need();
        let mut far = offering(9);
        far.onsite_prefectures = vec![46];
        let all = vec![offering(1), far.clone()];
        assert_eq!(
            explain(&n, &far, &all, &Overrides::default(), &ctx()),
            Explanation::Excluded(vec![Exclusion::NoOnsiteInPrefecture])
        );
        assert!(matches!(
            explain(&n, &all[0], &all, &Overrides::default(), &ctx()),
            Explanation::Ranked { position: 1, .. }
        ));
    }

    #[test]
    fn yen_for_people() {
        assert_eq!(format_yen(40_000, views::Lang::Ja), "4万円");
        assert_eq!(format_yen(15_000, views::Lang::Ja), "1.5万円");
        assert_eq!(format_yen(8_000, views::Lang::Ja), "8,000円");
        assert_eq!(format_yen(1_234_567, views::Lang::En), "¥1,234,567");
        assert_eq!(
            fiscal_year(NaiveDate::from_ymd_opt(2027, 3, 31).unwrap()),
            2026
        );
    }
}
