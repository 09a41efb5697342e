//! Catalog keys of the board's own vocabularies, and options built from them.

use views::Lang;

use crate::reference::Options;

/// Sector labels.
pub const SECTORS: &[(&str, &str)] = &[
    ("ec", "matching.sector.ec"),
    ("overseas_trade", "matching.sector.overseas_trade"),
    ("medical_pharmacy", "matching.sector.medical_pharmacy"),
    ("satellite_data", "matching.sector.satellite_data"),
    ("manufacturing_ot", "matching.sector.manufacturing_ot"),
    ("other", "matching.sector.other"),
];

/// Short sector labels for the one-line summary of a need card.
pub const SECTORS_SHORT: &[(&str, &str)] = &[
    ("ec", "matching.sector_short.ec"),
    ("overseas_trade", "matching.sector_short.overseas_trade"),
    ("medical_pharmacy", "matching.sector_short.medical_pharmacy"),
    ("satellite_data", "matching.sector_short.satellite_data"),
    ("manufacturing_ot", "matching.sector_short.manufacturing_ot"),
    ("other", "matching.sector_short.other"),
];

/// Urgency labels.
pub const URGENCIES: &[(&str, &str)] = &[
    ("considering", "matching.urgency.considering"),
    ("within_3_months", "matching.urgency.within_3_months"),
    ("immediate", "matching.urgency.immediate"),
];

/// Budget band labels.
pub const BUDGETS: &[(&str, &str)] = &[
    ("unknown", "matching.budget.unknown"),
    ("monthly_under_10k", "matching.budget.monthly_under_10k"),
    ("monthly_10k_30k", "matching.budget.monthly_10k_30k"),
    ("monthly_30k_50k", "matching.budget.monthly_30k_50k"),
    ("monthly_50k_100k", "matching.budget.monthly_50k_100k"),
    ("monthly_100k_plus", "matching.budget.monthly_100k_plus"),
    ("one_off_under_300k", "matching.budget.one_off_under_300k"),
    ("one_off_300k_1m", "matching.budget.one_off_300k_1m"),
    ("one_off_1m_plus", "matching.budget.one_off_1m_plus"),
];

/// Price model labels.
pub const PRICE_MODELS: &[(&str, &str)] = &[
    ("monthly_per_network", "matching.price.monthly_per_network"),
    ("per_device", "matching.price.per_device"),
    ("one_off", "matching.price.one_off"),
    ("quote", "matching.price.quote"),
];

/// Capacity labels.
pub const CAPACITIES: &[(&str, &str)] = &[
    ("open", "matching.capacity.open"),
    ("limited", "matching.capacity.limited"),
    ("full", "matching.capacity.full"),
];

/// お助け隊 type labels.
pub const OTASUKETAI: &[(&str, &str)] = &[
    ("network", "matching.otasuketai.network"),
    ("endpoint", "matching.otasuketai.endpoint"),
    ("both", "matching.otasuketai.both"),
];

/// Language labels.
pub const LANGUAGES: &[(&str, &str)] = &[
    ("ja", "matching.language.ja"),
    ("en", "matching.language.en"),
    ("zh", "matching.language.zh"),
    ("ko", "matching.language.ko"),
];

/// Status labels.
pub const STATUSES: &[(&str, &str)] = &[
    ("draft", "matching.status.draft"),
    ("in_review", "matching.status.in_review"),
    ("published", "matching.status.published"),
    ("rejected", "matching.status.rejected"),
    ("closed", "matching.status.closed"),
    ("fulfilled", "matching.status.fulfilled"),
    ("expired", "matching.status.expired"),
];

/// Introduction stage labels.
pub const STAGES: &[(&str, &str)] = &[
    ("requested", "matching.stage.requested"),
    ("introduced", "matching.stage.introduced"),
    ("meeting_held", "matching.stage.meeting_held"),
    ("proposal_sent", "matching.stage.proposal_sent"),
    ("contracted", "matching.stage.contracted"),
    ("not_contracted", "matching.stage.not_contracted"),
    ("declined", "matching.stage.declined"),
    ("no_response", "matching.stage.no_response"),
    ("withdrawn", "matching.stage.withdrawn"),
];

/// The label of a code in a table (the code itself when unknown).
pub fn label(table: &[(&str, &'static str)], code: &str, lang: Lang) -> String {
    table
        .iter()
        .find(|(c, _)| *c == code)
        .map_or_else(|| code.to_string(), |(_, k)| lang.t(k).to_string())
}

/// Options of a select or checkboxes.
pub fn options(table: &[(&str, &'static str)], lang: Lang) -> Options {
    table
        .iter()
        .map(|(c, k)| (c.to_string(), lang.t(k).to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::taxonomy;

    #[test]
    fn every_code_has_a_label_in_both_languages() {
        type Table<'a> = &'a [(&'a str, &'static str)];
        let pairs: [(Table, Vec<&str>); 7] = [
            (SECTORS_SHORT, taxonomy::SECTORS.to_vec()),
            (SECTORS, taxonomy::SECTORS.to_vec()),
            (URGENCIES, taxonomy::URGENCIES.to_vec()),
            (BUDGETS, taxonomy::budget_codes()),
            (PRICE_MODELS, taxonomy::PRICE_MODELS.to_vec()),
            (CAPACITIES, taxonomy::CAPACITIES.to_vec()),
            (STAGES, taxonomy::STAGES.to_vec()),
        ];
        for (table, codes) in pairs {
            for code in codes {
                let (_, key) = table.iter().find(|(c, _)| *c == code).expect(code);
                for lang in Lang::ALL {
                    assert_ne!(lang.t(key), *key, "{key} missing");
                }
            }
        }
    }
}
