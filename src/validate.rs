//! Checks shared by every form and API input: required, length, email syntax, no control
//! characters, one of a set. Each returns the catalog key of the message to show.

/// The catalog key and placeholder values of a failed check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// Catalog key (`form.invalid_email`, ...).
    pub key: &'static str,
    /// Placeholder values.
    pub args: Vec<(&'static str, String)>,
}

impl Invalid {
    fn new(key: &'static str) -> Self {
        Self {
            key,
            args: Vec::new(),
        }
    }

    /// The message in `lang`.
    pub fn message(&self, lang: views::Lang) -> String {
        let args: Vec<(&str, &str)> = self.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        lang.tf(self.key, &args)
    }
}

/// Control characters and the invisible bidirectional overrides that can disguise text
/// (`\u{202E}` turns "gpj.exe" into "exe.jpg" on screen).
fn is_forbidden(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Trims a one-line text and checks it: present if `required`, at most `max` characters, no
/// control characters (CR/LF can never reach a mail header from here).
pub fn line(value: &str, required: bool, max: usize) -> Result<String, Invalid> {
    let value = value.trim();
    if value.is_empty() {
        return if required {
            Err(Invalid::new("form.required_field"))
        } else {
            Ok(String::new())
        };
    }
    if value.chars().any(is_forbidden) {
        return Err(Invalid::new("form.control_characters"));
    }
    if value.chars().count() > max {
        return Err(Invalid {
            key: "form.too_long",
            args: vec![("max", max.to_string())],
        });
    }
    Ok(value.to_string())
}

/// A multi-line text: line breaks and tabs allowed, other control characters not.
pub fn text(value: &str, required: bool, max: usize) -> Result<String, Invalid> {
    let value = value.trim().replace("\r\n", "\n");
    if value.is_empty() && required {
        return Err(Invalid::new("form.required_field"));
    }
    if value
        .chars()
        .any(|c| is_forbidden(c) && c != '\n' && c != '\t')
    {
        return Err(Invalid::new("form.control_characters"));
    }
    if value.chars().count() > max {
        return Err(Invalid {
            key: "form.too_long",
            args: vec![("max", max.to_string())],
        });
    }
    Ok(value)
}

/// An email address: one `@`, a dotted domain, no spaces or control characters, at most 254
/// characters; returned trimmed and lower-cased. (Deliberately simple: the confirmation mail
/// is the real check.)
pub fn email(value: &str) -> Result<String, Invalid> {
    // A line break even at the end is refused, not trimmed: it is how header injection starts.
    if value.chars().any(is_forbidden) {
        return Err(Invalid::new("form.invalid_email"));
    }
    let value = value.trim();
    if value.is_empty() {
        return Err(Invalid::new("form.required_field"));
    }
    let bad = || Invalid::new("form.invalid_email");
    if value.len() > 254 || value.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(bad());
    }
    let (local, domain) = value.rsplit_once('@').ok_or_else(bad)?;
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.contains('@')
        && !local.contains(['<', '>', '(', ')', ',', ';', ':', '"', '[', ']', '\\']);
    if !(domain_ok && local_ok) {
        return Err(bad());
    }
    Ok(value.to_lowercase())
}

/// The "choose one of the options" error, for checks against lists loaded at run time.
pub fn invalid_choice() -> Invalid {
    Invalid::new("form.invalid_choice")
}

/// One of the allowed values.
pub fn one_of<'a>(value: &str, allowed: &[&'a str]) -> Result<&'a str, Invalid> {
    allowed
        .iter()
        .find(|a| **a == value.trim())
        .copied()
        .ok_or_else(|| Invalid::new("form.invalid_choice"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(email(" Taro@Example.JP ").unwrap(), "taro@example.jp");
        for bad in [
            "",
            "taro",
            "taro@",
            "@example.jp",
            "taro@example",
            "a b@example.jp",
            "taro@example.jp\r\nBcc: x@y.z",
            "<script>@example.jp",
            "taro@exa..mple.jp",
        ] {
            assert!(email(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn lines_and_texts() {
        assert_eq!(
            line("  株式会社テスト ", true, 10).unwrap(),
            "株式会社テスト"
        );
        assert_eq!(line("", true, 10).unwrap_err().key, "form.required_field");
        assert_eq!(
            line("a\r\nb", false, 10).unwrap_err().key,
            "form.control_characters"
        );
        assert_eq!(
            line("あいうえおかきくけこさ", false, 10).unwrap_err().key,
            "form.too_long"
        );
        assert_eq!(
            text("一行目\r\n二行目", true, 100).unwrap(),
            "一行目\n二行目"
        );
        assert!(one_of("hybrid", &["online", "onsite", "hybrid"]).is_ok());
        assert!(one_of("space", &["online"]).is_err());
    }
}
