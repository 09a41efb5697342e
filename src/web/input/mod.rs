//! Every input of a request is read here, and only here: query strings, urlencoded forms,
//! JSON bodies and the text parts of multipart uploads. Handlers take [`Query`], [`Form`] and
//! [`JsonBody`] instead of actix's `web::Query`, `web::Form` and `web::Json` (clippy's
//! `disallowed-types` keeps it so), and what reaches them follows the same rules everywhere:
//!
//! - **UTF-8 only.** Invalid UTF-8 is a 400, never turned into U+FFFD.
//! - **No control characters.** Query values and field names carry none; a body's text may
//!   carry CR, LF and TAB (multi-line descriptions), never NUL or the other C0/C1 controls.
//! - **Single-value fields once.** A field that a struct form reads once and that comes twice
//!   is a 400; lists of pairs ([`Fields`]) say which of their names may repeat (checkbox groups).
//! - **Strict JSON.** Duplicate keys are a 400; numbers must be JSON numbers and booleans JSON
//!   booleans ([`JsonInput`], and serde's own rules for typed bodies).
//! - **Messages name the field** and are in the user's language, with no library text: a
//!   rejection is an [`AppError::BadFields`] (400) or [`AppError::InvalidFields`] (422) with one
//!   message per field.

mod de;
mod extract;
mod json;
mod urlencoded;

pub use extract::{Form, JsonBody, Query, read_limited};
pub use json::{JsonInput, JsonKind, parse_json};
pub use urlencoded::decode;

use crate::error::{AppError, FieldError, Message};

/// Largest urlencoded form body.
pub const FORM_LIMIT: usize = 256 * 1024;
/// Largest JSON body of the API.
pub const JSON_LIMIT: usize = 1024 * 1024;
/// Largest multipart body (file uploads, e.g. the `.ics` import).
pub const UPLOAD_LIMIT: usize = 8 * 1024 * 1024;

/// Where a text came from, which decides the characters it may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A query string or a field name: one line, no control character at all.
    Query,
    /// The value of a form field, a JSON string or a multipart text part: CR, LF and TAB
    /// allowed (multi-line text), no other control character.
    Body,
}

/// Whether `c` may appear in a text from `origin`. `char::is_control` is Unicode's `Cc`: the
/// C0 controls, DEL and the C1 controls.
pub fn allowed(c: char, origin: Origin) -> bool {
    !c.is_control() || (origin == Origin::Body && matches!(c, '\r' | '\n' | '\t'))
}

/// Checks one text of `field` against the rules of `origin`.
pub fn check_text(field: &str, value: &str, origin: Origin) -> Result<(), FieldError> {
    if value.chars().all(|c| allowed(c, origin)) {
        Ok(())
    } else {
        Err(FieldError::new(
            display_name(field),
            Message::new("input.control_characters"),
        ))
    }
}

/// Middleware: a request whose path, once percent-decoded, is not UTF-8 or carries a control
/// character is a 400 before anything else reads it (path parameters such as the tokens of
/// personal links come from here; `web::Path` itself decodes without these rules).
pub async fn check_path(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<
    actix_web::dev::ServiceResponse<actix_web::body::EitherBody<impl actix_web::body::MessageBody>>,
    actix_web::Error,
> {
    let decoded: Vec<u8> = percent_encoding::percent_decode_str(req.path()).collect();
    let readable = std::str::from_utf8(&decoded)
        .is_ok_and(|path| path.chars().all(|c| allowed(c, Origin::Query)));
    if !readable {
        let error = AppError::BadRequest(Message::new("input.path_unreadable"));
        return Ok(req.error_response(error).map_into_right_body());
    }
    next.call(req).await.map(|r| r.map_into_left_body())
}

/// Reads the bytes of a text part (a multipart field): UTF-8 with the rules of a body.
pub fn text_part(field: &str, bytes: &[u8]) -> Result<String, AppError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| AppError::bad_field(field, Message::new("input.not_utf8")))?;
    check_text(field, text, Origin::Body).map_err(|e| AppError::BadFields(vec![e]))?;
    Ok(text.to_string())
}

/// A field name as it may be shown back: control characters escaped.
fn display_name(field: &str) -> String {
    if field.chars().all(|c| allowed(c, Origin::Query)) {
        field.to_string()
    } else {
        field.escape_default().to_string()
    }
}

/// The fields of a form as sent, in order: a name may occur several times (checkbox groups).
/// Every value passed the rules of its origin when it was decoded.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(transparent)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// The value of a single-value field ("" when absent). Call [`Fields::single_values`]
    /// first so that a repeated field is refused rather than read as its first value.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every value of a field, trimmed, non-empty, in order, without repeats.
    pub fn all(&self, name: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (k, v) in &self.0 {
            let v = v.trim();
            if k == name && !v.is_empty() && !out.iter().any(|o| o == v) {
                out.push(v.to_string());
            }
        }
        out
    }

    /// Whether a checkbox is ticked.
    pub fn flag(&self, name: &str) -> bool {
        matches!(self.get(name).trim(), "1" | "true" | "on" | "yes")
    }

    /// Adds a field.
    pub fn push(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.push((name.into(), value.into()));
    }

    /// Refuses a field sent more than once unless `repeatable` says its name may repeat (a
    /// checkbox group): a 400 naming each such field.
    pub fn single_values(&self, repeatable: impl Fn(&str) -> bool) -> Result<(), AppError> {
        let mut repeated: Vec<&str> = Vec::new();
        for (i, (name, _)) in self.0.iter().enumerate() {
            if !repeatable(name)
                && !repeated.contains(&name.as_str())
                && self.0[..i].iter().any(|(k, _)| k == name)
            {
                repeated.push(name);
            }
        }
        if repeated.is_empty() {
            return Ok(());
        }
        Err(AppError::BadFields(
            repeated
                .into_iter()
                .map(|name| FieldError::new(name, Message::new("input.repeated")))
                .collect(),
        ))
    }
}

/// The `action` of a form (the value of the submit button that was pressed) among `allowed`:
/// absent or empty is the first (the default button, also what a form submitted by script
/// sends); any other value is a 400 rather than a silent default.
pub fn action<'a>(value: &str, allowed: &[&'a str]) -> Result<&'a str, AppError> {
    let value = value.trim();
    if value.is_empty() {
        return allowed.first().copied().ok_or_else(unknown_action);
    }
    allowed
        .iter()
        .find(|a| **a == value)
        .copied()
        .ok_or_else(unknown_action)
}

/// A 400 for an `action` that the form does not have.
pub fn unknown_action() -> AppError {
    AppError::bad_field("action", Message::new("input.unknown_action"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_texts_carry_no_control_character_and_bodies_only_line_breaks_and_tabs() {
        for c in ['\0', '\u{7}', '\u{1b}', '\u{7f}', '\u{85}', '\u{9f}'] {
            assert!(!allowed(c, Origin::Query), "{c:?}");
            assert!(!allowed(c, Origin::Body), "{c:?}");
        }
        for c in ['\r', '\n', '\t'] {
            assert!(!allowed(c, Origin::Query), "{c:?}");
            assert!(allowed(c, Origin::Body), "{c:?}");
        }
        for c in ['a', 'あ', '𠮷', '\u{fffd}', ' '] {
            assert!(allowed(c, Origin::Query), "{c:?}");
        }
        let e = check_text("q\u{0}", "x\u{0}", Origin::Query).unwrap_err();
        assert_eq!(e.field, "q\\u{0}");
    }

    #[test]
    fn repeated_single_values_are_named() {
        let f = Fields(vec![
            ("topics".into(), "a".into()),
            ("topics".into(), "b".into()),
            ("email".into(), "x@example.jp".into()),
            ("email".into(), "y@example.jp".into()),
            ("email".into(), "z@example.jp".into()),
        ]);
        assert!(f.single_values(|n| n == "topics" || n == "email").is_ok());
        let e = f.single_values(|n| n == "topics").unwrap_err();
        assert_eq!(e.fields().len(), 1);
        assert_eq!(e.fields()[0].field, "email");
        assert_eq!(f.all("topics"), vec!["a", "b"]);
    }

    #[test]
    fn actions_are_one_of_the_buttons() {
        assert_eq!(action("", &["save", "preview"]).unwrap(), "save");
        assert_eq!(action("preview", &["save", "preview"]).unwrap(), "preview");
        let e = action("delete_everything", &["save", "preview"]).unwrap_err();
        assert_eq!(e.fields()[0].field, "action");
    }

    #[test]
    fn text_parts_are_utf8_without_controls() {
        assert_eq!(text_part("industry", "農業".as_bytes()).unwrap(), "農業");
        assert!(text_part("industry", &[0xff, 0x41]).is_err());
        assert!(text_part("industry", b"a\0b").is_err());
    }
}
