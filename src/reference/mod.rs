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
