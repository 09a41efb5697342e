//! Rows into the plain view structs of the `views` crate: anonymous need summaries, cards,
//! detail rows, suggestion texts, form values.

use diesel::QueryResult;
use views::Lang;
use views::matching::{Card, Values};

use super::labels;
use super::queries::{Need, Offering};
use super::scoring::{Exclusion, Explanation, Note, Scored, format_yen};
use super::taxonomy::split_list;
use crate::db::DbConn;
use crate::reference::{self, Options};

/// Reference options of one request, in its language.
#[derive(Debug, Clone, Default)]
pub struct Refs {
    /// Language.
    pub lang: Lang,
    /// Prefectures.
    pub prefectures: Options,
    /// Categories ("B2 端末監視 EDR/EPP").
    pub categories: Options,
    /// Employee bands.
    pub bands: Options,
}

impl Refs {
    /// Loads the reference options.
    pub fn load(conn: &mut DbConn, lang: Lang) -> QueryResult<Self> {
        Ok(Self {
            lang,
            prefectures: reference::prefectures(conn, lang)?,
            categories: reference::service_categories(conn, lang)?,
            bands: reference::employee_bands(conn, lang)?,
        })
    }

    /// The reference options as kept under content version `version` (see
    /// [`reference::Kept`]).
    pub fn kept(
        conn: &mut DbConn,
        kept: &reference::Kept,
        version: u64,
        lang: Lang,
    ) -> QueryResult<Self> {
        use reference::Table;
        Ok(Self {
            lang,
            prefectures: kept.get(conn, version, Table::Prefectures, lang)?.to_vec(),
            categories: kept
                .get(conn, version, Table::ServiceCategories, lang)?
                .to_vec(),
            bands: kept
                .get(conn, version, Table::EmployeeBands, lang)?
                .to_vec(),
        })
    }

    /// A prefecture's name.
    pub fn prefecture(&self, code: i32) -> String {
        reference::label_of(&self.prefectures, &code.to_string())
    }

    /// A category's label without its code.
    pub fn category(&self, code: &str) -> String {
        let l = reference::label_of(&self.categories, code);
        l.split_once(' ')
            .map_or(l.clone(), |(_, rest)| rest.to_string())
    }

    fn categories_of(&self, list: &str) -> Vec<String> {
        split_list(list).iter().map(|c| self.category(c)).collect()
    }

    /// The categories of a post as (code, label), for the chips of its card.
    fn category_chips(&self, list: &str) -> Vec<(String, String)> {
        split_list(list)
            .into_iter()
            .map(|c| {
                let label = self.category(&c);
                (c, label)
            })
            .collect()
    }

    /// 「福岡県・医療・従業員6〜20人・端末監視 EDR/EPPとバックアップ・復旧を検討」, with the
    /// SME's name first when it chose to show it.
    pub fn need_headline(&self, n: &Need, org_name: Option<&str>) -> String {
        let sep = if self.lang == Lang::Ja { "・" } else { " · " };
        let cats = self
            .categories_of(&n.categories)
            .join(if self.lang == Lang::Ja { "と" } else { ", " });
        let mut parts = Vec::new();
        if n.show_name
            && let Some(name) = org_name
        {
            parts.push(name.to_string());
        }
        parts.push(self.prefecture(n.prefecture));
        if n.sector != "other" {
            parts.push(labels::label(labels::SECTORS_SHORT, &n.sector, self.lang));
        }
        parts.push(self.lang.tf(
            "matching.card.employees",
            &[("band", &reference::label_of(&self.bands, &n.employee_band))],
        ));
        parts.push(
            self.lang
                .tf("matching.card.considering", &[("categories", &cats)]),
        );
        parts.join(sep)
    }

    /// A card of the board for a need.
    pub fn need_card(&self, n: &Need, org_name: Option<&str>) -> Card {
        Card {
            href: format!("/board/needs/{}", n.id),
            headline: self.need_headline(n, org_name),
            title: n.title.clone(),
            categories: self.category_chips(&n.categories),
            tags: vec![labels::label(labels::URGENCIES, &n.urgency, self.lang)],
        }
    }

    /// The price of an offering in words.
    pub fn price(&self, o: &Offering) -> String {
        let model = labels::label(labels::PRICE_MODELS, &o.price_model, self.lang);
        match o.price_amount {
            Some(a) if o.price_model != "quote" => {
                format!("{model} {}", format_yen(i64::from(a), self.lang))
            }
            _ => model,
        }
    }

    /// Where an offering serves.
    pub fn area(&self, o: &Offering) -> String {
        let mut parts: Vec<String> = split_list(&o.onsite_prefectures)
            .iter()
            .filter_map(|p| p.parse().ok())
            .map(|p| self.prefecture(p))
            .collect();
        if o.remote_ok {
            parts.push(self.lang.t("matching.card.remote").to_string());
        }
        parts.join(", ")
    }

    /// A card of the board for an offering.
    pub fn offering_card(&self, o: &Offering, vendor: &str) -> Card {
        Card {
            href: format!("/board/offerings/{}", o.id),
            headline: vendor.to_string(),
            title: o.title.clone(),
            categories: self.category_chips(&o.categories),
            tags: vec![self.price(o)],
        }
    }

    /// Detail rows of a need.
    pub fn need_details(&self, n: &Need) -> Vec<(String, String)> {
        let t = |k: &'static str| self.lang.t(k).to_string();
        let yes_no = |b: bool| t(if b { "matching.yes" } else { "matching.no" });
        vec![
            (
                t("matching.field.categories"),
                self.categories_of(&n.categories).join(", "),
            ),
            (
                t("matching.field.prefecture"),
                self.prefecture(n.prefecture),
            ),
            (t("matching.field.onsite_needed"), yes_no(n.onsite_needed)),
            (
                t("matching.field.employee_band"),
                reference::label_of(&self.bands, &n.employee_band),
            ),
            (t("matching.field.device_count"), n.device_count.to_string()),
            (
                t("matching.field.budget_band"),
                labels::label(labels::BUDGETS, &n.budget_band, self.lang),
            ),
            (t("matching.field.wants_subsidy"), yes_no(n.wants_subsidy)),
            (
                t("matching.field.urgency"),
                labels::label(labels::URGENCIES, &n.urgency, self.lang),
            ),
            (
                t("matching.field.sector"),
                labels::label(labels::SECTORS, &n.sector, self.lang),
            ),
        ]
    }

    /// Detail rows of an offering.
    pub fn offering_details(&self, o: &Offering) -> Vec<(String, String)> {
        let t = |k: &'static str| self.lang.t(k).to_string();
        let list = |table, s: &str| {
            split_list(s)
                .iter()
                .map(|c| labels::label(table, c, self.lang))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut rows = vec![
            (
                t("matching.field.categories_covered"),
                self.categories_of(&o.categories).join(", "),
            ),
            (t("matching.field.area"), self.area(o)),
            (t("matching.field.price_model"), self.price(o)),
            (
                t("matching.field.target_bands"),
                split_list(&o.target_bands)
                    .iter()
                    .map(|b| reference::label_of(&self.bands, b))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            (
                t("matching.field.sectors"),
                list(labels::SECTORS, &o.sectors),
            ),
            (
                t("matching.field.languages"),
                list(labels::LANGUAGES, &o.languages),
            ),
            (
                t("matching.field.capacity"),
                labels::label(labels::CAPACITIES, &o.capacity, self.lang),
            ),
        ];
        if let (Some(kind), Some(until)) = (&o.otasuketai_type, o.otasuketai_valid_until) {
            rows.push((
                t("matching.field.otasuketai_type"),
                format!(
                    "{} ({})",
                    labels::label(labels::OTASUKETAI, kind, self.lang),
                    crate::time::format_date(until, self.lang)
                ),
            ));
        }
        if let Some(fy) = o.subsidy_fiscal_year {
            rows.push((t("matching.field.subsidy_fiscal_year"), fy.to_string()));
        }
        if !o.certifications.is_empty() {
            rows.push((t("matching.field.certifications"), o.certifications.clone()));
        }
        rows
    }

    /// Reasons and cautions of a scored pair, as text.
    pub fn notes(&self, s: &Scored) -> (Vec<String>, Vec<String>) {
        let pref = |p: i32| self.prefecture(p);
        let render = |n: &Vec<Note>| n.iter().map(|x| x.render(self.lang, &pref)).collect();
        (render(&s.reasons), render(&s.cautions))
    }

    /// Why an offering is (not) among a need's suggestions, as text.
    pub fn explanation(&self, e: &Explanation) -> Vec<String> {
        match e {
            Explanation::Removed => vec![self.lang.t("matching.why.removed").to_string()],
            Explanation::Excluded(list) => list
                .iter()
                .map(|x: &Exclusion| self.lang.t(x.key()).to_string())
                .collect(),
            Explanation::Ranked {
                position,
                scored,
                cutoff,
            } => {
                let mut out = vec![self.lang.tf(
                    "matching.why.ranked",
                    &[
                        ("position", &position.to_string()),
                        ("score", &scored.score.to_string()),
                        ("cutoff", &cutoff.map_or("-".into(), |c| c.to_string())),
                    ],
                )];
                let (r, c) = self.notes(scored);
                out.extend(r);
                out.extend(c);
                out
            }
        }
    }
}

/// Form values of a stored need.
pub fn need_values(n: &Need) -> Values {
    let mut v = vec![
        ("title".into(), n.title.clone()),
        ("description".into(), n.description.clone()),
        ("prefecture".into(), n.prefecture.to_string()),
        ("employee_band".into(), n.employee_band.clone()),
        ("device_count".into(), n.device_count.to_string()),
        ("budget_band".into(), n.budget_band.clone()),
        ("urgency".into(), n.urgency.clone()),
        ("sector".into(), n.sector.clone()),
    ];
    for c in split_list(&n.categories) {
        v.push(("categories".into(), c));
    }
    for (name, on) in [
        ("onsite_needed", n.onsite_needed),
        ("wants_subsidy", n.wants_subsidy),
        ("show_name", n.show_name),
    ] {
        if on {
            v.push((name.into(), "1".into()));
        }
    }
    Values(v)
}

/// Form values of a stored offering.
pub fn offering_values(o: &Offering) -> Values {
    let mut v = vec![
        ("title".into(), o.title.clone()),
        ("description".into(), o.description.clone()),
        ("price_model".into(), o.price_model.clone()),
        (
            "price_amount".into(),
            o.price_amount.map(|a| a.to_string()).unwrap_or_default(),
        ),
        (
            "otasuketai_type".into(),
            o.otasuketai_type.clone().unwrap_or_default(),
        ),
        (
            "otasuketai_valid_until".into(),
            o.otasuketai_valid_until
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
        ),
        (
            "subsidy_fiscal_year".into(),
            o.subsidy_fiscal_year
                .map(|y| y.to_string())
                .unwrap_or_default(),
        ),
        ("certifications".into(), o.certifications.clone()),
        ("capacity".into(), o.capacity.clone()),
    ];
    for (name, list) in [
        ("categories", &o.categories),
        ("onsite_prefectures", &o.onsite_prefectures),
        ("target_bands", &o.target_bands),
        ("sectors", &o.sectors),
        ("languages", &o.languages),
    ] {
        for c in split_list(list) {
            v.push((name.into(), c));
        }
    }
    if o.remote_ok {
        v.push(("remote_ok".into(), "1".into()));
    }
    Values(v)
}
