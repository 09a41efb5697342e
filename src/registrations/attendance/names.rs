//! Proposals by name, for report rows whose email matches no registrant (guests who typed
//! no address, people who joined with another account): the registrants whose name matches
//! after normalisation, for staff to confirm. Nothing here marks anyone attended: two people
//! can share a name, and a display name is whatever the participant typed.
//!
//! Normalisation ([`normalize`]): Unicode NFKC (full-width letters and digits, half-width
//! katakana and compatibility characters to their usual forms), lower case (Rust's
//! `to_lowercase`, which equals full case folding for the scripts of these names), hiragana
//! folded to katakana (やまだ = ヤマダ), spaces of every kind (U+3000 included) and the
//! middle dot (ジョン・スミス) removed, and a trailing 様, さま or さん dropped.
//!
//! Besides the whole name, a name with a bracketed part (Zoom writes a renamed participant
//! as `New name (Original name)`; people add their company the same way) is also compared by
//! the part outside and the part inside the brackets; a name of two or more words is also
//! compared with its words in any order (Taro Yamada = Yamada Taro); and a registrant's name of
//! three characters or more is proposed when the row's name contains it (`ABC株式会社 山田太郎`).

use unicode_normalization::UnicodeNormalization;

/// Why a registrant is proposed, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NameMatch {
    /// The whole names are equal after normalisation.
    Same,
    /// The part outside or inside brackets equals the other name (or its part).
    BracketedPart,
    /// The same words in another order.
    WordOrder,
    /// The row's name contains the registrant's name.
    Contains,
}

/// A registrant proposed for a row.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Candidate<Id> {
    /// The registrant (the caller's id).
    pub registrant: Id,
    /// Why.
    pub reason: NameMatch,
}

/// The shortest registrant name (in characters, normalised) proposed by containment.
const MIN_CONTAINED: usize = 3;

/// Honorifics that people add to their own name in a meeting (after kana folding).
const SUFFIXES: [&str; 3] = ["様", "サマ", "サン"];

/// The name as compared (see the module documentation).
pub fn normalize(name: &str) -> String {
    let folded: String = name
        .nfkc()
        .flat_map(char::to_lowercase)
        .map(hiragana_to_katakana)
        .filter(|c| !c.is_whitespace() && *c != '・')
        .collect();
    SUFFIXES
        .iter()
        .find_map(|suffix| folded.strip_suffix(suffix).filter(|rest| !rest.is_empty()))
        .map_or_else(|| folded.clone(), str::to_string)
}

fn hiragana_to_katakana(c: char) -> char {
    match c {
        // ぁ..ゖ and ゝゞ sit 0x60 below ァ..ヶ and ヽヾ.
        '\u{3041}'..='\u{3096}' | '\u{309D}' | '\u{309E}' => {
            char::from_u32(c as u32 + 0x60).unwrap_or(c)
        }
        _ => c,
    }
}

/// The normalised whole name and the normalised parts outside and inside a final bracket.
fn forms(name: &str) -> (String, Vec<String>) {
    let whole = normalize(name);
    let mut parts = Vec::new();
    let text: String = name.nfkc().collect();
    if let Some((outside, inside)) = text
        .trim_end()
        .strip_suffix(')')
        .and_then(|body| body.rsplit_once('('))
    {
        parts.extend(
            [outside, inside]
                .into_iter()
                .map(normalize)
                .filter(|p| !p.is_empty() && *p != whole),
        );
    }
    (whole, parts)
}

/// The words of a name, each normalised, sorted; `None` below two words.
fn word_set(name: &str) -> Option<Vec<String>> {
    let text: String = name.nfkc().collect();
    let mut words: Vec<String> = text
        .split_whitespace()
        .map(normalize)
        .filter(|w| !w.is_empty())
        .collect();
    if words.len() < 2 {
        return None;
    }
    words.sort();
    Some(words)
}

fn reason(row: &str, registrant: &str) -> Option<NameMatch> {
    let (row_whole, row_parts) = forms(row);
    let (reg_whole, reg_parts) = forms(registrant);
    if row_whole.is_empty() || reg_whole.is_empty() {
        return None;
    }
    if row_whole == reg_whole {
        return Some(NameMatch::Same);
    }
    let row_all: Vec<&String> = std::iter::once(&row_whole).chain(&row_parts).collect();
    let reg_all: Vec<&String> = std::iter::once(&reg_whole).chain(&reg_parts).collect();
    if row_all.iter().any(|r| reg_all.contains(r)) {
        return Some(NameMatch::BracketedPart);
    }
    if word_set(row).is_some() && word_set(row) == word_set(registrant) {
        return Some(NameMatch::WordOrder);
    }
    if reg_whole.chars().count() >= MIN_CONTAINED && row_whole.contains(&reg_whole) {
        return Some(NameMatch::Contains);
    }
    None
}

/// The registrants whose name matches `row_name`, strongest reason first (then in the given
/// order), each once. For staff to confirm: never mark attendance from this alone.
pub fn propose<'a, Id: Copy>(
    row_name: &str,
    registrants: impl IntoIterator<Item = (Id, &'a str)>,
) -> Vec<Candidate<Id>> {
    let mut found: Vec<Candidate<Id>> = registrants
        .into_iter()
        .filter_map(|(registrant, name)| {
            reason(row_name, name).map(|reason| Candidate { registrant, reason })
        })
        .collect();
    // Stable: equal reasons keep the given order.
    found.sort_by_key(|c| c.reason);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proposed(row: &str, registrants: &[(i64, &str)]) -> Vec<(i64, NameMatch)> {
        propose(row, registrants.iter().copied())
            .into_iter()
            .map(|c| (c.registrant, c.reason))
            .collect()
    }

    #[test]
    fn normalisation_folds_width_case_kana_spaces_and_honorifics() {
        assert_eq!(normalize("山田　太郎"), normalize("山田太郎"));
        assert_eq!(normalize("ＹＡＭＡＤＡ Ｔａｒｏ"), "yamadataro");
        assert_eq!(normalize("やまだ たろう"), normalize("ヤマダ タロウ"));
        assert_eq!(normalize("ﾔﾏﾀﾞ ﾀﾛｳ"), normalize("ヤマダ タロウ"));
        assert_eq!(normalize("山田太郎様"), "山田太郎");
        assert_eq!(normalize("山田 太郎 さん"), "山田太郎");
        assert_eq!(normalize("やまださま"), "ヤマダ");
        assert_eq!(normalize("ジョン・スミス"), "ジョンスミス");
        // A name that is only an honorific stays as it is.
        assert_eq!(normalize("様"), "様");
    }

    #[test]
    fn the_same_name_written_differently_is_proposed() {
        let registrants = [(1, "山田 太郎"), (2, "佐賀 花子"), (3, "Taro Yamada")];
        assert_eq!(proposed("山田太郎", &registrants), [(1, NameMatch::Same)]);
        assert_eq!(
            proposed("佐賀　花子さん", &registrants),
            [(2, NameMatch::Same)]
        );
        assert_eq!(
            proposed("TARO YAMADA", &registrants),
            [(3, NameMatch::Same)]
        );
    }

    #[test]
    fn zoom_renames_are_compared_by_both_names() {
        let registrants = [(1, "佐賀 花子"), (2, "Hanako")];
        let found = proposed("Hanako (佐賀 花子)", &registrants);
        assert_eq!(
            found,
            [(1, NameMatch::BracketedPart), (2, NameMatch::BracketedPart)]
        );
    }

    #[test]
    fn words_in_another_order_are_proposed() {
        let registrants = [(1, "Yamada Taro"), (2, "太郎 山田")];
        assert_eq!(
            proposed("Taro Yamada", &registrants),
            [(1, NameMatch::WordOrder)]
        );
        assert_eq!(
            proposed("山田 太郎", &registrants),
            [(2, NameMatch::WordOrder)]
        );
    }

    #[test]
    fn a_name_with_the_company_around_it_is_proposed_when_long_enough() {
        let registrants = [(1, "山田 太郎"), (2, "林 一")];
        assert_eq!(
            proposed("ABC株式会社 山田太郎", &registrants),
            [(1, NameMatch::Contains)]
        );
        // Two characters are too few to propose by containment.
        assert_eq!(proposed("林一郎商店 林一郎", &registrants), []);
    }

    #[test]
    fn different_people_are_not_proposed_and_namesakes_are_all_proposed() {
        let registrants = [(1, "山田 太郎"), (2, "山田 次郎"), (3, "山田太郎")];
        assert_eq!(
            proposed("山田 太郎", &registrants),
            [(1, NameMatch::Same), (3, NameMatch::Same)]
        );
        assert_eq!(proposed("", &registrants), []);
        assert_eq!(proposed("田中 一郎", &registrants), []);
    }

    #[test]
    fn the_strongest_reason_comes_first() {
        let registrants = [(1, "ABC 山田太郎"), (2, "太郎 山田"), (3, "山田太郎")];
        let found = proposed("山田 太郎", &registrants);
        assert_eq!(found[0], (3, NameMatch::Same));
        assert_eq!(found[1], (2, NameMatch::WordOrder));
        assert_eq!(
            found.len(),
            2,
            "the registrant's longer name is not inside the row's"
        );
    }
}
