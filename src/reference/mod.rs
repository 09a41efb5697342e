//! The reference data of DESIGN.md §5 as form options: prefectures, industries, employee
//! bands, service categories, labelled in the user's language; and in both languages for the
//! API ([`api`]).

pub mod api;

use diesel::prelude::*;
use views::Lang;

use crate::db::DbConn;
use crate::schema::{employee_bands, industries, prefectures, service_categories};

/// (value, label) pairs for a select or checkboxes.
pub type Options = Vec<(String, String)>;

fn label(lang: Lang, ja: String, en: String) -> String {
    match lang {
        Lang::Ja => ja,
        Lang::En => en,
    }
}

/// All 47 prefectures by JIS code; the bureau's seven come first.
pub fn prefectures(conn: &mut DbConn, lang: Lang) -> QueryResult<Options> {
    let rows: Vec<(i32, String, String, bool)> = prefectures::table
        .order((prefectures::kyushu.desc(), prefectures::code))
        .select((
            prefectures::code,
            prefectures::name_ja,
            prefectures::name_en,
            prefectures::kyushu,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(code, ja, en, _)| (code.to_string(), label(lang, ja, en)))
        .collect())
}

/// The active industries in programme order.
pub fn industries(conn: &mut DbConn, lang: Lang) -> QueryResult<Options> {
    let rows: Vec<(String, String, String)> = industries::table
        .filter(industries::active.eq(true))
        .order(industries::position)
        .select((industries::code, industries::label_ja, industries::label_en))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(code, ja, en)| (code, label(lang, ja, en)))
        .collect())
}

/// Employee bands, smallest first.
pub fn employee_bands(conn: &mut DbConn, lang: Lang) -> QueryResult<Options> {
    let rows: Vec<(String, String, String)> = employee_bands::table
        .order(employee_bands::position)
        .select((
            employee_bands::code,
            employee_bands::label_ja,
            employee_bands::label_en,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(code, ja, en)| (code, label(lang, ja, en)))
        .collect())
}

/// Service categories (A1 ... E3) with their code in the label.
pub fn service_categories(conn: &mut DbConn, lang: Lang) -> QueryResult<Options> {
    let rows: Vec<(String, String, String)> = service_categories::table
        .order(service_categories::position)
        .select((
            service_categories::code,
            service_categories::label_ja,
            service_categories::label_en,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(code, ja, en)| {
            let text = format!("{code} {}", label(lang, ja, en));
            (code, text)
        })
        .collect())
}

/// A labelled group of options (a fieldset of checkboxes on a form).
pub type Group = (String, Options);

/// The value of the "all of Kyushu" choice of a prefecture list: it stands for the bureau's
/// seven prefectures ([`KYUSHU`]).
pub const ALL_OF_KYUSHU: &str = "kyushu";

/// The JIS codes of the bureau's seven prefectures (福岡 … 鹿児島).
pub const KYUSHU: std::ops::RangeInclusive<i32> = 40..=46;

/// The catalog key of the region of a prefecture (JIS X 0401 order: 北海道 1, 東北 2–7, 関東
/// 8–14, 中部 15–23, 近畿 24–30, 中国 31–35, 四国 36–39, 九州 40–46, 沖縄 47).
fn region_key(code: i32) -> &'static str {
    match code {
        1 => "reference.region.hokkaido",
        2..=7 => "reference.region.tohoku",
        8..=14 => "reference.region.kanto",
        15..=23 => "reference.region.chubu",
        24..=30 => "reference.region.kinki",
        31..=35 => "reference.region.chugoku",
        36..=39 => "reference.region.shikoku",
        40..=46 => "reference.region.kyushu",
        _ => "reference.region.okinawa",
    }
}

/// The prefectures grouped by region: Kyushu first, led by the "all of Kyushu" choice, then
/// the rest of Japan from north to south.
pub fn prefecture_groups(conn: &mut DbConn, lang: Lang) -> QueryResult<Vec<Group>> {
    let all = prefectures(conn, lang)?;
    let mut groups: Vec<(&'static str, Options)> = Vec::new();
    groups.push((
        region_key(40),
        vec![(
            ALL_OF_KYUSHU.to_string(),
            lang.t("reference.all_of_kyushu").to_string(),
        )],
    ));
    let mut rest: Vec<(i32, String, String)> = all
        .into_iter()
        .filter_map(|(v, l)| v.parse::<i32>().ok().map(|c| (c, v, l)))
        .collect();
    // Kyushu first (the list comes Kyushu first already), the others in JIS order.
    rest.sort_by_key(|(c, _, _)| (!KYUSHU.contains(c), *c));
    for (code, value, label) in rest {
        let key = region_key(code);
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, options)) => options.push((value, label)),
            None => groups.push((key, vec![(value, label)])),
        }
    }
    Ok(groups
        .into_iter()
        .map(|(key, options)| (lang.t(key).to_string(), options))
        .collect())
}

/// Prefecture codes as chosen on a form, with "all of Kyushu" standing for the seven.
pub fn expand_prefectures(values: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        if v == ALL_OF_KYUSHU {
            out.extend(KYUSHU.map(|c| c.to_string()));
        } else {
            out.push(v.clone());
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|v| seen.insert(v.clone()));
    out
}

/// Service categories grouped by family (A 相談・診断 … E 制度・パッケージ), each with the
/// code in the label as in [`service_categories`].
pub fn service_category_groups(conn: &mut DbConn, lang: Lang) -> QueryResult<Vec<Group>> {
    use crate::schema::service_category_groups as groups;
    let families: Vec<(String, String, String)> = groups::table
        .order(groups::position)
        .select((groups::code, groups::label_ja, groups::label_en))
        .load(conn)?;
    let members: Vec<(String, String)> = service_categories::table
        .order(service_categories::position)
        .select((service_categories::group_code, service_categories::code))
        .load(conn)?;
    let all = service_categories(conn, lang)?;
    Ok(families
        .into_iter()
        .map(|(family, ja, en)| {
            let options = members
                .iter()
                .filter(|(g, _)| *g == family)
                .filter_map(|(_, code)| all.iter().find(|(v, _)| v == code).cloned())
                .collect();
            (format!("{family} {}", label(lang, ja, en)), options)
        })
        .collect())
}

/// The label of a value in a list of options (the value itself when unknown).
pub fn label_of(options: &Options, value: &str) -> String {
    options
        .iter()
        .find(|(v, _)| v == value)
        .map(|(_, l)| l.clone())
        .unwrap_or_else(|| value.to_string())
}

/// Industry and prefecture options in `lang` together (the selects of most staff forms), read
/// on a blocking thread.
pub async fn industries_and_prefectures(
    db: &crate::db::Db,
    lang: Lang,
) -> Result<(Options, Options), crate::error::AppError> {
    db.run(move |c| Ok::<_, crate::error::AppError>((industries(c, lang)?, prefectures(c, lang)?)))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_of_kyushu_stands_for_the_seven_once() {
        let chosen = vec!["kyushu".to_string(), "40".to_string(), "13".to_string()];
        assert_eq!(
            expand_prefectures(&chosen),
            ["40", "41", "42", "43", "44", "45", "46", "13"]
        );
    }

    #[test]
    fn regions_follow_jis_order() {
        assert_eq!(region_key(1), "reference.region.hokkaido");
        assert_eq!(region_key(13), "reference.region.kanto");
        assert_eq!(region_key(43), "reference.region.kyushu");
        assert_eq!(region_key(47), "reference.region.okinawa");
    }
}

/// A reference table, as [`Kept`] keeps its options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Table {
    /// [`prefectures`].
    Prefectures,
    /// [`industries`].
    Industries,
    /// [`employee_bands`].
    EmployeeBands,
    /// [`service_categories`].
    ServiceCategories,
}

/// The reference options kept in memory per content version and language (the reference
/// tables' triggers raise the version when staff change a label): a page computed from the
/// database reads its labels once per version instead of on every request.
pub struct Kept {
    options: crate::content_version::PerVersion<(Table, Lang), Options>,
}

impl Default for Kept {
    fn default() -> Self {
        Self {
            options: crate::content_version::PerVersion::new(16),
        }
    }
}

impl Kept {
    /// The options of `table` in `lang`, read under content version `version` (read before
    /// this call) or kept from an earlier read under the same version.
    pub fn get(
        &self,
        conn: &mut DbConn,
        version: u64,
        table: Table,
        lang: Lang,
    ) -> QueryResult<std::sync::Arc<Options>> {
        if let Some(kept) = self.options.get(version, &(table, lang)) {
            return Ok(kept);
        }
        let options = match table {
            Table::Prefectures => prefectures(conn, lang)?,
            Table::Industries => industries(conn, lang)?,
            Table::EmployeeBands => employee_bands(conn, lang)?,
            Table::ServiceCategories => service_categories(conn, lang)?,
        };
        Ok(self.options.insert(version, (table, lang), options, None))
    }
}
