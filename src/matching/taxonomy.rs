//! The fixed vocabularies of the board: sectors, budget bands, urgency, price models, post
//! statuses, introduction stages, and what the お助け隊 package (E1) covers.

/// Sectors of needs and offerings.
pub const SECTORS: &[&str] = &[
    "ec",
    "overseas_trade",
    "medical_pharmacy",
    "satellite_data",
    "manufacturing_ot",
    "other",
];

/// Urgency of a need.
pub const URGENCIES: &[&str] = &["considering", "within_3_months", "immediate"];

/// Price models of offerings.
pub const PRICE_MODELS: &[&str] = &["monthly_per_network", "per_device", "one_off", "quote"];

/// Capacity of a vendor.
pub const CAPACITIES: &[&str] = &["open", "limited", "full"];

/// お助け隊 registration types.
pub const OTASUKETAI_TYPES: &[&str] = &["network", "endpoint", "both"];

/// Languages a vendor may serve in.
pub const LANGUAGES: &[&str] = &["ja", "en", "zh", "ko"];

/// Employee bands in order (codes of the reference table).
pub const EMPLOYEE_BANDS: &[&str] = &["1-5", "6-20", "21-50", "51-100", "101-300", "301+"];

/// Service category codes (DESIGN.md §5).
pub const CATEGORIES: &[&str] = &[
    "A1", "A2", "A3", "A4", "A5", "B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B9", "C1", "C2",
    "C3", "C4", "D1", "D2", "D3", "D4", "D5", "E1", "E2", "E3",
];

/// What the サイバーセキュリティお助け隊サービス package (E1) covers.
pub const E1_COVERS: &[&str] = &["A1", "B1", "B2", "B3", "C1", "C4"];

/// Whether the budget period is monthly or one-off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// Per month.
    Monthly,
    /// Once.
    OneOff,
}

/// A budget band: code, period, lower and upper bound in yen (`None`: no upper bound).
pub struct BudgetBand {
    /// Stored code.
    pub code: &'static str,
    /// Period.
    pub period: Period,
    /// Lower bound (yen).
    pub min: i64,
    /// Upper bound (yen), if any.
    pub max: Option<i64>,
}

/// The budget bands; `unknown` (わからない) is not among them.
pub const BUDGET_BANDS: &[BudgetBand] = &[
    BudgetBand {
        code: "monthly_under_10k",
        period: Period::Monthly,
        min: 0,
        max: Some(10_000),
    },
    BudgetBand {
        code: "monthly_10k_30k",
        period: Period::Monthly,
        min: 10_000,
        max: Some(30_000),
    },
    BudgetBand {
        code: "monthly_30k_50k",
        period: Period::Monthly,
        min: 30_000,
        max: Some(50_000),
    },
    BudgetBand {
        code: "monthly_50k_100k",
        period: Period::Monthly,
        min: 50_000,
        max: Some(100_000),
    },
    BudgetBand {
        code: "monthly_100k_plus",
        period: Period::Monthly,
        min: 100_000,
        max: None,
    },
    BudgetBand {
        code: "one_off_under_300k",
        period: Period::OneOff,
        min: 0,
        max: Some(300_000),
    },
    BudgetBand {
        code: "one_off_300k_1m",
        period: Period::OneOff,
        min: 300_000,
        max: Some(1_000_000),
    },
    BudgetBand {
        code: "one_off_1m_plus",
        period: Period::OneOff,
        min: 1_000_000,
        max: None,
    },
];

/// The code of "I don't know" (わからない).
pub const BUDGET_UNKNOWN: &str = "unknown";

/// Every budget code a form accepts.
pub fn budget_codes() -> Vec<&'static str> {
    let mut codes: Vec<&'static str> = BUDGET_BANDS.iter().map(|b| b.code).collect();
    codes.push(BUDGET_UNKNOWN);
    codes
}

/// The band of a code (`None` for `unknown` or an unknown code).
pub fn budget_band(code: &str) -> Option<&'static BudgetBand> {
    BUDGET_BANDS.iter().find(|b| b.code == code)
}

/// Statuses of posts.
pub const STATUSES: &[&str] = &[
    "draft",
    "in_review",
    "published",
    "rejected",
    "closed",
    "fulfilled",
    "expired",
];

/// Stages of an introduction.
pub const STAGES: &[&str] = &[
    "requested",
    "introduced",
    "meeting_held",
    "proposal_sent",
    "contracted",
    "not_contracted",
    "declined",
    "no_response",
    "withdrawn",
];

/// Stages either side may report after the introduction.
pub const PROGRESS_STAGES: &[&str] = &[
    "meeting_held",
    "proposal_sent",
    "contracted",
    "not_contracted",
];

/// How long a need stays on the board.
pub const NEED_DAYS: i64 = 60;
/// How long an offering stays before it must be reconfirmed (about six months).
pub const OFFERING_DAYS: i64 = 182;

/// Words that mean an incident is in progress: such posts go to the IPA desk, not the board.
const INCIDENT_WORDS: &[&str] = &[
    "ランサム",
    "感染",
    "乗っ取",
    "乗取",
    "不正アクセス",
    "被害",
    "暗号化された",
    "暗号化されて",
    "身代金",
    "情報漏えい",
    "情報漏洩",
    "流出",
    "ransom",
    "infected",
    "hacked",
    "breach",
];

/// Whether a text describes an incident in progress (checked on the NFKC-normalized text).
pub fn describes_incident(text: &str) -> bool {
    let norm = crate::matching::search::normalize(text);
    INCIDENT_WORDS
        .iter()
        .any(|w| norm.contains(&crate::matching::search::normalize(w)))
}

/// Splits a stored comma-separated list.
pub fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

/// Typical number of PCs of an employee band, when the SME gave none.
pub fn typical_devices(band: &str) -> i64 {
    match band {
        "1-5" => 4,
        "6-20" => 15,
        "21-50" => 40,
        "51-100" => 80,
        "101-300" => 220,
        _ => 400,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incidents_are_recognised_in_any_width() {
        assert!(describes_incident("ランサムウェアに感染しました"));
        assert!(describes_incident("ﾗﾝｻﾑｳｪｱの被害")); // half-width katakana
        assert!(describes_incident("ファイルが暗号化された"));
        assert!(describes_incident("アカウントを乗っ取られた"));
        assert!(!describes_incident("端末監視とバックアップを検討"));
    }

    #[test]
    fn budget_codes_include_unknown() {
        assert!(budget_codes().contains(&"unknown"));
        assert!(budget_band("unknown").is_none());
        assert_eq!(
            budget_band("monthly_30k_50k").map(|b| b.max),
            Some(Some(50_000))
        );
    }
}
