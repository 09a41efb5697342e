//! Checks shared by every form and API input: required, length, email addresses, web
//! addresses, no control characters, one of a set. Each returns the catalog key of the message
//! to show.
//!
//! # Email addresses
//!
//! An address is accepted only when mail can be delivered to it, judged by well-kept parsers
//! rather than a pattern of our own:
//!
//! - the syntax of RFC 5321/5322 addr-spec by the `email_address` crate (MIT; the parser lettre
//!   itself uses), with no display name (`Taro <t@example.jp>`) and no domain literal
//!   (`t@[192.0.2.1]`), and with at least two labels in the domain (`t@localhost` is refused);
//! - no quoted local part (`"taro yamada"@example.jp`): legal, but unused in practice and
//!   mishandled by many systems on the way;
//! - internationalized domains (`ユーザー@例え.jp`) are accepted: the domain must convert to
//!   ASCII under IDNA (`url::Host::parse`) and every label of that form must be a host name
//!   (letters, digits, hyphens); the local part may be UTF-8 letters and digits (SMTPUTF8,
//!   RFC 6531), but no symbol outside the ASCII set of `atext`, so U+FFFD (what invalid UTF-8
//!   used to become), the non-characters (U+FDD0–U+FDEF, U+xFFFE/U+xFFFF), private use and
//!   format characters are refused;
//! - lettre, which sends the mail, must accept the address as it is.

/// The catalog key and placeholder values of a failed check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// Catalog key (`form.invalid_email`, ...).
    pub key: &'static str,
    /// Placeholder values.
    pub args: Vec<(&'static str, String)>,
}

impl Invalid {
    /// An error with the message of catalog `key`.
    pub fn new(key: &'static str) -> Self {
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

/// An email address that mail can be delivered to (see the module documentation); returned
/// trimmed and lower-cased.
pub fn email(value: &str) -> Result<String, Invalid> {
    // A line break even at the end is refused, not trimmed: it is how header injection starts.
    if value.chars().any(is_forbidden) {
        return Err(Invalid::new("form.invalid_email"));
    }
    let value = value.trim();
    if value.is_empty() {
        return Err(Invalid::new("form.required_field"));
    }
    if deliverable(value) {
        Ok(value.to_lowercase())
    } else {
        Err(Invalid::new("form.invalid_email"))
    }
}

fn deliverable(address: &str) -> bool {
    use email_address::{EmailAddress, Options};
    let options = Options::default()
        .without_display_text()
        .without_domain_literal()
        .with_required_tld();
    if address.len() > 254 || EmailAddress::parse_with_options(address, options).is_err() {
        return false;
    }
    let Some((local, domain)) = address.rsplit_once('@') else {
        return false;
    };
    // `email_address` already limits an unquoted local part to ASCII atext and Unicode
    // letters and digits; a quoted one is refused here.
    !local.starts_with('"') && host_name(domain) && address.parse::<lettre::Address>().is_ok()
}

/// Whether `domain` is a host name on the Internet: IDNA to ASCII, then letters, digits and
/// hyphens in each label (not at its ends), at most 63 octets a label and 253 in all.
fn host_name(domain: &str) -> bool {
    let Ok(url::Host::Domain(ascii)) = url::Host::parse(domain) else {
        return false;
    };
    ascii.len() <= 253
        && ascii.split('.').count() >= 2
        && ascii.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// A web address (a seminar's join URL, an organization's website): optional; when given, an
/// absolute `http` or `https` URL with a host name or an IP address, parsed by the `url` crate
/// (WHATWG URL). Returned as the parser writes it (`https://Example.jp` →
/// `https://example.jp/`), so what is stored is what a browser will open.
pub fn web_url(value: &str, max: usize) -> Result<String, Invalid> {
    let value = line(value, false, max)?;
    if value.is_empty() {
        return Ok(value);
    }
    let bad = || Invalid::new("form.invalid_url");
    // The parser would quietly drop inner white space or read a backslash as `/`: refuse.
    if value.contains(|c: char| c.is_whitespace() || c == '\\') {
        return Err(bad());
    }
    let url = url::Url::parse(&value).map_err(|_| bad())?;
    let host_ok = match url.host() {
        Some(url::Host::Domain(d)) => host_name(d),
        Some(url::Host::Ipv4(_) | url::Host::Ipv6(_)) => true,
        None => false,
    };
    if !matches!(url.scheme(), "http" | "https") || !host_ok {
        return Err(bad());
    }
    let out = url.to_string();
    if out.chars().count() > max {
        return Err(Invalid {
            key: "form.too_long",
            args: vec![("max", max.to_string())],
        });
    }
    Ok(out)
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
            "\u{fffd}@example.jp",
            "\u{fffd}\u{fffd}abc@example.jp",
            "taro@exa\u{fffd}mple.jp",
            "\u{fdd0}@example.jp",
            "a\u{ffff}@example.jp",
            "\u{e000}@example.jp",
            "a\u{200b}b@example.jp",
            "\"taro yamada\"@example.jp",
            "Taro <taro@example.jp>",
            "taro@[192.0.2.1]",
            "taro@localhost",
            "taro@-example.jp",
            "taro@ex_ample.jp",
            "taro@example.jp.",
            "🍣@example.jp",
            &format!("{}@example.jp", "a".repeat(65)),
            &format!("taro@{}.jp", "a".repeat(64)),
        ] {
            assert!(email(bad).is_err(), "{bad:?}");
        }
        for good in [
            "user+tag@example.jp",
            "o'brien@example.jp",
            "ユーザー@例え.jp",
            "taro@xn--r8jz45g.jp",
            "taro.yamada@mail.example.co.jp",
            "ｶﾞｰﾄﾞ@example.jp",
        ] {
            assert!(email(good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn web_addresses() {
        assert_eq!(web_url("", 500).unwrap(), "");
        assert_eq!(
            web_url(" https://webex.example.jp/j/123?pwd=x ", 500).unwrap(),
            "https://webex.example.jp/j/123?pwd=x"
        );
        assert_eq!(
            web_url("https://Example.JP", 500).unwrap(),
            "https://example.jp/"
        );
        assert_eq!(
            web_url("http://192.0.2.1:8080/", 500).unwrap(),
            "http://192.0.2.1:8080/"
        );
        assert_eq!(
            web_url("https://例え.jp/", 500).unwrap(),
            "https://xn--r8jz45g.jp/"
        );
        for bad in [
            "http://",
            "https://",
            "http://exa mple.jp/",
            "https:// example.jp",
            "example.jp",
            "//example.jp/",
            "ftp://example.jp/",
            "javascript:alert(1)",
            "mailto:taro@example.jp",
            "https:\\\\example.jp",
            "http://-bad-.jp/",
            "http://exa_mple.jp/",
            "http://a\u{0}b.jp/",
        ] {
            assert!(web_url(bad, 500).is_err(), "{bad:?}");
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
