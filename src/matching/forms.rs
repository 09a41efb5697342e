//! Input of the board: form posts and JSON bodies (typed by [`NEED_JSON`] and
//! [`OFFERING_JSON`]) both become [`Fields`], which parse into validated [`NeedInput`] and
//! [`OfferingInput`] with every field's error.

use super::taxonomy::{
    self, CAPACITIES, CATEGORIES, EMPLOYEE_BANDS, LANGUAGES, OTASUKETAI_TYPES, PRICE_MODELS,
    SECTORS, URGENCIES,
};
use crate::validate::{self, Invalid};
use crate::web::input::{Fields, JsonKind};
use chrono::NaiveDateTime;

/// The fields of a post that are checkbox groups (a name sent once per ticked box); every other
/// field may be sent once.
pub fn is_list_field(name: &str) -> bool {
    matches!(
        name,
        "categories" | "onsite_prefectures" | "target_bands" | "sectors" | "languages"
    )
}

/// The JSON types of a need's fields in the API.
pub const NEED_JSON: &[(&str, JsonKind)] = &[
    ("title", JsonKind::Text),
    ("description", JsonKind::Text),
    ("categories", JsonKind::Texts),
    ("prefecture", JsonKind::Integer),
    ("onsite_needed", JsonKind::Boolean),
    ("employee_band", JsonKind::Text),
    ("device_count", JsonKind::Integer),
    ("budget_band", JsonKind::Text),
    ("wants_subsidy", JsonKind::Boolean),
    ("urgency", JsonKind::Text),
    ("sector", JsonKind::Text),
    ("show_name", JsonKind::Boolean),
];

/// The JSON types of an offering's fields in the API.
pub const OFFERING_JSON: &[(&str, JsonKind)] = &[
    ("title", JsonKind::Text),
    ("description", JsonKind::Text),
    ("categories", JsonKind::Texts),
    ("onsite_prefectures", JsonKind::Integers),
    ("remote_ok", JsonKind::Boolean),
    ("price_model", JsonKind::Text),
    ("price_amount", JsonKind::Integer),
    ("target_bands", JsonKind::Texts),
    ("sectors", JsonKind::Texts),
    ("otasuketai_type", JsonKind::Text),
    ("otasuketai_valid_until", JsonKind::Text),
    ("subsidy_fiscal_year", JsonKind::Integer),
    ("certifications", JsonKind::Text),
    ("languages", JsonKind::Texts),
    ("capacity", JsonKind::Text),
];

/// Field errors: (field, failed check).
pub type FieldErrors = Vec<(&'static str, Invalid)>;

fn invalid(key: &'static str) -> Invalid {
    Invalid {
        key,
        args: Vec::new(),
    }
}

struct Collect {
    errors: FieldErrors,
}

impl Collect {
    fn take<T: Default>(&mut self, field: &'static str, r: Result<T, Invalid>) -> T {
        r.unwrap_or_else(|e| {
            self.errors.push((field, e));
            T::default()
        })
    }
}

fn codes(
    values: Vec<String>,
    allowed: &[&str],
    required: bool,
    max: usize,
) -> Result<Vec<String>, Invalid> {
    if values.is_empty() && required {
        return Err(invalid("form.required_field"));
    }
    if values.len() > max || values.iter().any(|v| !allowed.contains(&v.as_str())) {
        return Err(invalid("form.invalid_choice"));
    }
    let mut out: Vec<String> = Vec::new();
    for v in values {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    Ok(out)
}

fn prefecture(v: &str) -> Result<i32, Invalid> {
    match v.trim().parse::<i32>() {
        Ok(p) if (1..=47).contains(&p) => Ok(p),
        _ if v.trim().is_empty() => Err(invalid("form.required_field")),
        _ => Err(invalid("form.invalid_choice")),
    }
}

fn number(v: &str, required: bool, max: i64) -> Result<Option<i32>, Invalid> {
    let v = v.trim();
    if v.is_empty() {
        return if required {
            Err(invalid("form.required_field"))
        } else {
            Ok(None)
        };
    }
    let n: i64 = crate::matching::search::normalize(v)
        .replace(',', "")
        .parse()
        .map_err(|_| invalid("matching.form.invalid_number"))?;
    if !(0..=max).contains(&n) {
        return Err(invalid("matching.form.invalid_number"));
    }
    Ok(i32::try_from(n).ok())
}

fn one(v: &str, allowed: &[&'static str]) -> Result<String, Invalid> {
    if v.trim().is_empty() {
        return Err(invalid("form.required_field"));
    }
    validate::one_of(v, allowed).map(str::to_string)
}

/// Why a post is not taken.
#[derive(Debug, Clone)]
pub enum Rejected {
    /// Field errors.
    Fields(FieldErrors),
    /// It describes an incident in progress: not a board matter.
    Incident,
}

/// A validated need.
#[derive(Debug, Clone, Default)]
pub struct NeedInput {
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Category codes.
    pub categories: Vec<String>,
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
    /// Urgency.
    pub urgency: String,
    /// Sector.
    pub sector: String,
    /// Show the SME's name.
    pub show_name: bool,
}

/// Parses a need; every field's error at once, or the incident notice.
pub fn parse_need(p: &Fields) -> Result<NeedInput, Rejected> {
    let mut c = Collect { errors: Vec::new() };
    let n = NeedInput {
        title: c.take("title", validate::line(p.get("title"), true, 100)),
        description: c.take(
            "description",
            validate::text(p.get("description"), true, 4000),
        ),
        categories: c.take(
            "categories",
            codes(p.all("categories"), CATEGORIES, true, 10),
        ),
        prefecture: c.take("prefecture", prefecture(p.get("prefecture"))),
        onsite_needed: p.flag("onsite_needed"),
        employee_band: c.take("employee_band", one(p.get("employee_band"), EMPLOYEE_BANDS)),
        device_count: c
            .take(
                "device_count",
                number(p.get("device_count"), false, 100_000),
            )
            .unwrap_or(0),
        budget_band: c.take("budget_band", {
            let v = p.get("budget_band");
            let v = if v.trim().is_empty() { "unknown" } else { v };
            one(v, &taxonomy::budget_codes())
        }),
        wants_subsidy: p.flag("wants_subsidy"),
        urgency: c.take("urgency", {
            let v = p.get("urgency");
            one(
                if v.trim().is_empty() {
                    "considering"
                } else {
                    v
                },
                URGENCIES,
            )
        }),
        sector: c.take("sector", {
            let v = p.get("sector");
            one(if v.trim().is_empty() { "other" } else { v }, SECTORS)
        }),
        show_name: p.flag("show_name"),
    };
    if taxonomy::describes_incident(&format!("{} {}", p.get("title"), p.get("description"))) {
        return Err(Rejected::Incident);
    }
    if c.errors.is_empty() {
        Ok(n)
    } else {
        Err(Rejected::Fields(c.errors))
    }
}

/// A validated offering.
#[derive(Debug, Clone, Default)]
pub struct OfferingInput {
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Category codes.
    pub categories: Vec<String>,
    /// JIS codes served on site.
    pub onsite_prefectures: Vec<i32>,
    /// Remote service.
    pub remote_ok: bool,
    /// Price model.
    pub price_model: String,
    /// Yen.
    pub price_amount: Option<i32>,
    /// Employee bands.
    pub target_bands: Vec<String>,
    /// Sectors.
    pub sectors: Vec<String>,
    /// お助け隊 type.
    pub otasuketai_type: Option<String>,
    /// お助け隊 valid until (UTC midnight of the date).
    pub otasuketai_valid_until: Option<NaiveDateTime>,
    /// IT導入補助金 fiscal year.
    pub subsidy_fiscal_year: Option<i32>,
    /// Certifications (free text).
    pub certifications: String,
    /// Languages.
    pub languages: Vec<String>,
    /// Capacity.
    pub capacity: String,
}

fn date(v: &str) -> Result<Option<NaiveDateTime>, Invalid> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(15, 0, 0)) // the end of the day in Tokyo, in UTC
        .map(Some)
        .ok_or_else(|| invalid("matching.form.invalid_date"))
}

/// Parses an offering; every field's error at once.
pub fn parse_offering(p: &Fields) -> Result<OfferingInput, Rejected> {
    let mut c = Collect { errors: Vec::new() };
    let price_model = c.take("price_model", one(p.get("price_model"), PRICE_MODELS));
    let price_amount = c.take(
        "price_amount",
        number(
            p.get("price_amount"),
            !price_model.is_empty() && price_model != "quote",
            100_000_000,
        ),
    );
    // "All of Kyushu" on the form stands for the seven prefectures.
    let onsite: Vec<String> = crate::reference::expand_prefectures(&p.all("onsite_prefectures"));
    let onsite_prefectures = c.take("onsite_prefectures", {
        onsite
            .iter()
            .map(|v| prefecture(v))
            .collect::<Result<Vec<i32>, Invalid>>()
            .and_then(|v| {
                if v.len() > 47 {
                    Err(invalid("form.invalid_choice"))
                } else {
                    Ok(v)
                }
            })
    });
    let otasuketai_type = c.take("otasuketai_type", {
        let v = p.get("otasuketai_type");
        if v.trim().is_empty() {
            Ok(None)
        } else {
            one(v, OTASUKETAI_TYPES).map(Some)
        }
    });
    let o = OfferingInput {
        title: c.take("title", validate::line(p.get("title"), true, 100)),
        description: c.take(
            "description",
            validate::text(p.get("description"), true, 4000),
        ),
        categories: c.take(
            "categories",
            codes(p.all("categories"), CATEGORIES, true, 26),
        ),
        onsite_prefectures,
        remote_ok: p.flag("remote_ok"),
        price_model,
        price_amount,
        target_bands: c.take(
            "target_bands",
            codes(p.all("target_bands"), EMPLOYEE_BANDS, false, 6),
        ),
        sectors: c.take("sectors", codes(p.all("sectors"), SECTORS, false, 6)),
        otasuketai_type,
        otasuketai_valid_until: c.take(
            "otasuketai_valid_until",
            date(p.get("otasuketai_valid_until")),
        ),
        subsidy_fiscal_year: c.take(
            "subsidy_fiscal_year",
            number(p.get("subsidy_fiscal_year"), false, 2100).and_then(|y| match y {
                Some(y) if y < 2015 => Err(invalid("matching.form.invalid_number")),
                other => Ok(other),
            }),
        ),
        certifications: c.take(
            "certifications",
            validate::line(p.get("certifications"), false, 200),
        ),
        languages: c.take("languages", {
            let l = p.all("languages");
            codes(
                if l.is_empty() { vec!["ja".into()] } else { l },
                LANGUAGES,
                false,
                4,
            )
        }),
        capacity: c.take("capacity", {
            let v = p.get("capacity");
            one(if v.trim().is_empty() { "open" } else { v }, CAPACITIES)
        }),
    };
    if o.onsite_prefectures.is_empty() && !o.remote_ok && !p.get("title").is_empty() {
        c.errors
            .push(("onsite_prefectures", invalid("matching.form.no_reach")));
    }
    if o.otasuketai_type.is_some() && o.otasuketai_valid_until.is_none() {
        c.errors
            .push(("otasuketai_valid_until", invalid("form.required_field")));
    }
    if c.errors.is_empty() {
        Ok(o)
    } else {
        Err(Rejected::Fields(c.errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Fields {
        Fields(
            v.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
        )
    }

    #[test]
    fn a_need_parses_and_reports_every_error() {
        let ok = parse_need(&pairs(&[
            ("title", "端末監視とバックアップ"),
            ("description", "調剤薬局です"),
            ("categories", "B2"),
            ("categories", "B7"),
            ("prefecture", "40"),
            ("employee_band", "6-20"),
            ("device_count", "１０"),
        ]))
        .unwrap();
        assert_eq!(ok.categories, vec!["B2", "B7"]);
        assert_eq!(ok.device_count, 10);
        assert_eq!(ok.budget_band, "unknown");
        let Err(Rejected::Fields(errs)) = parse_need(&pairs(&[
            ("categories", "Z9"),
            ("prefecture", "99"),
            ("device_count", "-1"),
        ])) else {
            panic!("expected errors")
        };
        let fields: Vec<&str> = errs.iter().map(|(f, _)| *f).collect();
        for f in [
            "title",
            "description",
            "categories",
            "prefecture",
            "employee_band",
            "device_count",
        ] {
            assert!(fields.contains(&f), "{f} in {fields:?}");
        }
    }

    #[test]
    fn an_incident_is_not_a_need() {
        assert!(matches!(
            parse_need(&pairs(&[
                ("title", "ランサムウェアで暗号化された"),
                ("description", "助けて")
            ])),
            Err(Rejected::Incident)
        ));
    }
}
