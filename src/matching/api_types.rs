//! The request and response types of the board's API ([`super::api`]), and the enums of its
//! vocabularies (kept equal to [`super::taxonomy`] by the tests below).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

crate::api_enum! {
    /// Where a need or an offering stands.
    pub enum PostStatus {
        /// Being written by its organization.
        Draft = "draft",
        /// Waiting for staff.
        InReview = "in_review",
        /// On the board.
        Published = "published",
        /// Refused by staff.
        Rejected = "rejected",
        /// Closed by its organization.
        Closed = "closed",
        /// Fulfilled.
        Fulfilled = "fulfilled",
        /// Past its time on the board.
        Expired = "expired",
    }
}

crate::api_enum! {
    /// The stage of an introduction.
    pub enum IntroductionStage {
        /// Asked for by one side.
        Requested = "requested",
        /// Both sides consented; contacts are shown.
        Introduced = "introduced",
        /// They met.
        MeetingHeld = "meeting_held",
        /// The vendor sent a proposal.
        ProposalSent = "proposal_sent",
        /// A contract (the SME confirms).
        Contracted = "contracted",
        /// No contract.
        NotContracted = "not_contracted",
        /// The other side declined.
        Declined = "declined",
        /// The other side did not answer in time.
        NoResponse = "no_response",
        /// Withdrawn by the side that asked.
        Withdrawn = "withdrawn",
    }
}

crate::api_enum! {
    /// Progress either side reports after an introduction.
    pub enum ProgressStage {
        /// They met.
        MeetingHeld = "meeting_held",
        /// The vendor sent a proposal.
        ProposalSent = "proposal_sent",
        /// A contract (only the SME reports it).
        Contracted = "contracted",
        /// No contract.
        NotContracted = "not_contracted",
    }
}

crate::api_enum! {
    /// A side of an introduction.
    pub enum Side {
        /// The SME of the need.
        Sme = "sme",
        /// The vendor of the offering.
        Vendor = "vendor",
    }
}

crate::api_enum! {
    /// How soon an SME needs help.
    pub enum Urgency {
        /// Considering.
        Considering = "considering",
        /// Within three months.
        Within3Months = "within_3_months",
        /// Now.
        Immediate = "immediate",
    }
}

crate::api_enum! {
    /// The sector of a need or an offering.
    pub enum Sector {
        /// E-commerce.
        Ec = "ec",
        /// Overseas trade.
        OverseasTrade = "overseas_trade",
        /// Medical and pharmacy.
        MedicalPharmacy = "medical_pharmacy",
        /// Satellite data.
        SatelliteData = "satellite_data",
        /// Manufacturing and OT.
        ManufacturingOt = "manufacturing_ot",
        /// Other.
        Other = "other",
    }
}

crate::api_enum! {
    /// How an offering is priced.
    pub enum PriceModel {
        /// Monthly, per network.
        MonthlyPerNetwork = "monthly_per_network",
        /// Per device.
        PerDevice = "per_device",
        /// Once.
        OneOff = "one_off",
        /// On quotation.
        Quote = "quote",
    }
}

crate::api_enum! {
    /// Whether a vendor takes new customers.
    pub enum Capacity {
        /// Open.
        Open = "open",
        /// Limited.
        Limited = "limited",
        /// Full.
        Full = "full",
    }
}

crate::api_enum! {
    /// The サイバーセキュリティお助け隊 registration of an offering.
    pub enum OtasuketaiType {
        /// Network type.
        Network = "network",
        /// Endpoint type.
        Endpoint = "endpoint",
        /// Both.
        Both = "both",
    }
}

/// A need on the board (the SME's name only when it chose to show it).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NeedOut {
    /// The need's id.
    pub id: i64,
    /// The title.
    pub title: String,
    /// The description.
    pub description: String,
    /// Service category codes (see `/api/v1/taxonomy`).
    pub categories: Vec<String>,
    /// The prefecture (JIS code).
    pub prefecture: i32,
    /// Whether help on site is needed.
    pub onsite_needed: bool,
    /// The SME's employee band.
    pub employee_band: String,
    /// Devices to protect.
    pub device_count: i32,
    /// The budget band (`unknown` when not said).
    pub budget_band: String,
    /// Whether the SME wants a subsidy.
    pub wants_subsidy: bool,
    /// How soon.
    #[schema(value_type = Urgency)]
    pub urgency: String,
    /// The sector.
    #[schema(value_type = Sector)]
    pub sector: String,
    /// Whether the SME shows its name.
    pub show_name: bool,
    /// The SME's name, when shown.
    pub organization_name: Option<String>,
    /// Its status.
    pub status: PostStatus,
    /// When it was published (RFC 3339).
    #[schema(format = DateTime)]
    pub published_at: Option<String>,
    /// When it leaves the board.
    #[schema(format = DateTime)]
    pub expires_at: Option<String>,
}

/// An offering on the board.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OfferingOut {
    /// The offering's id.
    pub id: i64,
    /// The vendor's name.
    pub vendor: String,
    /// The title.
    pub title: String,
    /// The description.
    pub description: String,
    /// Service category codes.
    pub categories: Vec<String>,
    /// Prefectures served on site (JIS codes).
    pub onsite_prefectures: Vec<i32>,
    /// Whether it is offered remotely.
    pub remote_ok: bool,
    /// How it is priced.
    #[schema(value_type = PriceModel)]
    pub price_model: String,
    /// The price in yen, if given.
    pub price_amount: Option<i32>,
    /// Employee bands it is meant for.
    pub target_bands: Vec<String>,
    /// Sectors it is meant for.
    pub sectors: Vec<String>,
    /// Its お助け隊 registration.
    #[schema(value_type = Option<OtasuketaiType>)]
    pub otasuketai_type: Option<String>,
    /// Until when that registration is valid (YYYY-MM-DD).
    #[schema(format = Date)]
    pub otasuketai_valid_until: Option<String>,
    /// The fiscal year of its IT subsidy registration.
    pub subsidy_fiscal_year: Option<i32>,
    /// Certifications.
    pub certifications: String,
    /// Languages served.
    pub languages: Vec<String>,
    /// Whether the vendor takes new customers.
    #[schema(value_type = Capacity)]
    pub capacity: String,
    /// Its status.
    pub status: PostStatus,
    /// When it was published (RFC 3339).
    #[schema(format = DateTime)]
    pub published_at: Option<String>,
    /// When the vendor must confirm it again.
    #[schema(format = DateTime)]
    pub reconfirm_by: Option<String>,
}

/// An offering suggested for a need.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Suggestion {
    /// The offering.
    pub offering_id: i64,
    /// 0 to 100.
    #[schema(minimum = 0, maximum = 100)]
    pub score: u32,
    /// Why it fits, in the caller's language.
    pub reasons: Vec<String>,
    /// What to check.
    pub cautions: Vec<String>,
    /// Pinned by staff.
    pub pinned: bool,
    /// The version of the weights that scored it.
    pub weights_version: String,
}

/// A need an offering could answer (anonymous).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NeedMatch {
    /// The need.
    pub need_id: i64,
    /// 0 to 100.
    #[schema(minimum = 0, maximum = 100)]
    pub score: u32,
    /// Why it fits.
    pub reasons: Vec<String>,
    /// What to check.
    pub cautions: Vec<String>,
    /// The version of the weights that scored it.
    pub weights_version: String,
}

/// The other side's contact, once both consented.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Contact {
    /// The organization.
    pub organization: String,
    /// The person.
    pub name: String,
    /// Their address.
    pub email: String,
}

/// A step of an introduction.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct HistoryEntry {
    /// The stage reached.
    #[schema(value_type = IntroductionStage)]
    pub stage: String,
    /// When (RFC 3339).
    #[schema(format = DateTime)]
    pub at: String,
    /// Who: `sme`, `vendor` or `staff`.
    pub by: String,
}

/// An introduction as one side sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IntroductionOut {
    /// The introduction's id.
    pub id: i64,
    /// The need.
    pub need_id: i64,
    /// The offering.
    pub offering_id: i64,
    /// The side that asked.
    pub requested_by: Side,
    /// Its stage.
    pub stage: IntroductionStage,
    /// Why it was declined, if it was.
    pub decline_reason: Option<String>,
    /// When the SME consented.
    #[schema(format = DateTime)]
    pub sme_consent_at: Option<String>,
    /// When the vendor consented.
    #[schema(format = DateTime)]
    pub vendor_consent_at: Option<String>,
    /// Its steps, oldest first.
    pub history: Vec<HistoryEntry>,
    /// The other side's contact; null until both consented (and for staff).
    pub contact: Option<Contact>,
}

/// A need as posted (the form's checks apply; each wrong field is named in the 422).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct NeedInput {
    /// The title.
    #[schema(min_length = 1, max_length = 100)]
    title: String,
    /// The description (no incident reports: those go to the police or IPA).
    #[schema(min_length = 1, max_length = 4000)]
    description: String,
    /// Service category codes (see `/api/v1/taxonomy`).
    #[schema(min_items = 1, max_items = 10, example = json!(["B2"]))]
    categories: Vec<String>,
    /// The prefecture (JIS code).
    #[schema(minimum = 1, maximum = 47, example = 40)]
    prefecture: i32,
    /// Whether help on site is needed.
    #[serde(default)]
    onsite_needed: bool,
    /// The employee band (see `/api/v1/taxonomy`).
    #[schema(example = "6-20")]
    employee_band: String,
    /// Devices to protect.
    #[serde(default)]
    #[schema(minimum = 0)]
    device_count: Option<i32>,
    /// The budget band.
    #[serde(default)]
    budget_band: Option<String>,
    /// Whether a subsidy is wanted.
    #[serde(default)]
    wants_subsidy: bool,
    /// How soon.
    #[serde(default)]
    urgency: Option<Urgency>,
    /// The sector.
    #[serde(default)]
    sector: Option<Sector>,
    /// Show the SME's name on the board.
    #[serde(default)]
    show_name: bool,
    /// Members: send to staff for review (else a draft).
    #[serde(default)]
    submit: bool,
    /// Staff only: the SME it is posted for (published at once).
    #[serde(default)]
    organization_id: Option<i64>,
}

/// An offering as posted (the form's checks apply; each wrong field is named in the 422).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct OfferingInput {
    /// The title.
    #[schema(min_length = 1, max_length = 100)]
    title: String,
    /// The description.
    #[schema(min_length = 1, max_length = 4000)]
    description: String,
    /// Service category codes.
    #[schema(min_items = 1)]
    categories: Vec<String>,
    /// Prefectures served on site (JIS codes).
    #[serde(default)]
    onsite_prefectures: Vec<i32>,
    /// Offered remotely.
    #[serde(default)]
    remote_ok: bool,
    /// How it is priced.
    price_model: PriceModel,
    /// The price in yen.
    #[serde(default)]
    #[schema(minimum = 0)]
    price_amount: Option<i32>,
    /// Employee bands it is meant for.
    #[serde(default)]
    target_bands: Vec<String>,
    /// Sectors it is meant for.
    #[serde(default)]
    sectors: Vec<Sector>,
    /// Its お助け隊 registration.
    #[serde(default)]
    otasuketai_type: Option<OtasuketaiType>,
    /// Until when that registration is valid.
    #[serde(default)]
    #[schema(format = Date)]
    otasuketai_valid_until: Option<String>,
    /// The fiscal year of its IT subsidy registration.
    #[serde(default)]
    subsidy_fiscal_year: Option<i32>,
    /// Certifications.
    #[serde(default)]
    certifications: Option<String>,
    /// Languages served (`ja`, `en`, `zh`, `ko`).
    #[serde(default)]
    languages: Vec<String>,
    /// Whether the vendor takes new customers.
    #[serde(default)]
    capacity: Option<Capacity>,
    /// Members: send to staff for review (else a draft).
    #[serde(default)]
    submit: bool,
    /// Staff only: the vendor it is posted for (published at once).
    #[serde(default)]
    organization_id: Option<i64>,
}

/// Body of `POST /api/v1/introductions`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct IntroductionBody {
    /// The need.
    pub need_id: i64,
    /// The offering.
    pub offering_id: i64,
}

/// Body of `POST /api/v1/introductions/{id}/decline`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct DeclineBody {
    /// Why, as the requester will read it.
    #[schema(min_length = 1, max_length = 200)]
    pub reason: String,
}

/// Body of `POST /api/v1/introductions/{id}/stage`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct StageBody {
    /// The stage reached.
    #[schema(value_type = ProgressStage)]
    pub stage: String,
}

#[cfg(test)]
mod tests {
    use super::super::taxonomy;
    use super::*;

    #[test]
    fn the_enums_are_the_vocabularies_of_the_board() {
        assert_eq!(PostStatus::codes(), taxonomy::STATUSES);
        assert_eq!(IntroductionStage::codes(), taxonomy::STAGES);
        assert_eq!(ProgressStage::codes(), taxonomy::PROGRESS_STAGES);
        assert_eq!(Urgency::codes(), taxonomy::URGENCIES);
        assert_eq!(Sector::codes(), taxonomy::SECTORS);
        assert_eq!(PriceModel::codes(), taxonomy::PRICE_MODELS);
        assert_eq!(Capacity::codes(), taxonomy::CAPACITIES);
        assert_eq!(OtasuketaiType::codes(), taxonomy::OTASUKETAI_TYPES);
    }
}
