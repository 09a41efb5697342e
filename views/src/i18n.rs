//! Message catalogs (Japanese first, English second) and the language of a request.
//!
//! Every user-facing string lives in `views/locales/{ja,en}.toml`. The files are embedded into
//! the binary and read once. Keys are dotted paths (`nav.seminars`); placeholders are `{name}`.

use std::collections::HashMap;
use std::sync::LazyLock;

/// A language the service speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// Japanese, the default.
    #[default]
    Ja,
    /// English.
    En,
}

static JA: LazyLock<HashMap<String, String>> =
    LazyLock::new(|| flatten(include_str!("../locales/ja.toml")));
static EN: LazyLock<HashMap<String, String>> =
    LazyLock::new(|| flatten(include_str!("../locales/en.toml")));

impl Lang {
    /// Every language, the default first.
    pub const ALL: [Lang; 2] = [Lang::Ja, Lang::En];

    /// The BCP 47 code (`ja`, `en`), as used in `lang` attributes and the language cookie.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    /// The language with this code, if the service speaks it.
    pub fn from_code(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "ja" | "ja-jp" => Some(Lang::Ja),
            "en" | "en-us" | "en-gb" => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks the best language from an `Accept-Language` header (Japanese when nothing matches).
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let quality = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            let lang = match primary {
                "ja" => Lang::Ja,
                "en" => Lang::En,
                _ => continue,
            };
            if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, lang));
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }

    fn catalog(self) -> &'static HashMap<String, String> {
        match self {
            Lang::Ja => &JA,
            Lang::En => &EN,
        }
    }

    /// The message for `key`; the key itself when the catalog lacks it (a test keeps them
    /// complete, so a user never sees a key).
    pub fn t(self, key: &'static str) -> &'static str {
        self.catalog()
            .get(key)
            .or_else(|| JA.get(key))
            .map(String::as_str)
            .unwrap_or(key)
    }

    /// The message for `key` with `{name}` placeholders replaced by `args`.
    pub fn tf(self, key: &'static str, args: &[(&str, &str)]) -> String {
        let mut text = self.t(key).to_string();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }
}

/// Turns a TOML document of nested tables into `dotted.key → text`.
fn flatten(text: &str) -> HashMap<String, String> {
    fn walk(prefix: &str, table: &toml::Table, out: &mut HashMap<String, String>) {
        for (key, value) in table {
            let path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            match value {
                toml::Value::Table(t) => walk(&path, t, out),
                toml::Value::String(s) => {
                    out.insert(path, s.clone());
                }
                other => {
                    out.insert(path, other.to_string());
                }
            }
        }
    }
    let table: toml::Table = text
        .parse()
        .expect("the embedded message catalog is valid TOML");
    let mut out = HashMap::new();
    walk("", &table, &mut out);
    out
}

/// All keys of a language's catalog (for tests and tools).
pub fn keys(lang: Lang) -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = lang.catalog().keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogs_have_the_same_keys_and_no_empty_text() {
        assert_eq!(keys(Lang::Ja), keys(Lang::En));
        for lang in Lang::ALL {
            for key in keys(lang) {
                assert!(
                    !lang.catalog()[key].trim().is_empty(),
                    "{key} is empty in {lang:?}"
                );
            }
        }
    }

    #[test]
    fn placeholders_match_between_languages() {
        let placeholders = |s: &str| {
            let mut found: Vec<String> = s
                .split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|(name, _)| name.to_string()))
                .collect();
            found.sort();
            found
        };
        for key in keys(Lang::Ja) {
            assert_eq!(
                placeholders(&Lang::Ja.catalog()[key]),
                placeholders(&Lang::En.catalog()[key]),
                "placeholders differ for {key}"
            );
        }
    }

    #[test]
    fn accept_language_is_honoured() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Lang::En);
        assert_eq!(Lang::from_accept_language("ja,en;q=0.8"), Lang::Ja);
        assert_eq!(Lang::from_accept_language("en;q=0.5, ja;q=0.9"), Lang::Ja);
        assert_eq!(Lang::from_accept_language("fr-FR, de"), Lang::Ja);
        assert_eq!(Lang::from_accept_language(""), Lang::Ja);
        assert_eq!(Lang::from_accept_language("fr, en;q=0.1"), Lang::En);
    }

    #[test]
    fn formatting_fills_placeholders() {
        assert_eq!(
            Lang::En.tf("error.status_line", &[("status", "404")]),
            "Error 404"
        );
    }
}
