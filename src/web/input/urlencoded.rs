//! Strict `application/x-www-form-urlencoded` decoding (query strings and form bodies).
//!
//! Written here rather than with `form_urlencoded::parse` because that parser replaces
//! invalid UTF-8 with U+FFFD, which is exactly what must not happen: the bytes are
//! percent-decoded first and then must be UTF-8.

use std::borrow::Cow;

use percent_encoding::percent_decode;

use super::{Fields, Origin, check_text, display_name};
use crate::error::{AppError, FieldError, Message};

/// Decodes `raw` into its fields; every field whose name or value is not UTF-8 or carries a
/// character `origin` does not allow is reported (a 400 naming each).
pub fn decode(raw: &[u8], origin: Origin) -> Result<Fields, AppError> {
    let mut fields = Fields::default();
    let mut errors: Vec<FieldError> = Vec::new();
    for segment in raw.split(|b| *b == b'&').filter(|s| !s.is_empty()) {
        let (name, value) = match segment.iter().position(|b| *b == b'=') {
            Some(at) => (&segment[..at], &segment[at + 1..]),
            None => (segment, &[][..]),
        };
        let name = decode_part(name);
        let value = decode_part(value);
        let name = match String::from_utf8(name.into_owned()) {
            Ok(name) => name,
            Err(e) => {
                let shown = String::from_utf8_lossy(e.as_bytes()).into_owned();
                push_once(
                    &mut errors,
                    FieldError::new(display_name(&shown), not_utf8()),
                );
                continue;
            }
        };
        if let Err(e) = check_text(&name, &name, Origin::Query) {
            push_once(&mut errors, e);
            continue;
        }
        match String::from_utf8(value.into_owned()) {
            Ok(value) => match check_text(&name, &value, origin) {
                Ok(()) => fields.push(name, value),
                Err(e) => push_once(&mut errors, e),
            },
            Err(_) => push_once(&mut errors, FieldError::new(name, not_utf8())),
        }
    }
    if errors.is_empty() {
        Ok(fields)
    } else {
        Err(AppError::BadFields(errors))
    }
}

fn not_utf8() -> Message {
    Message::new("input.not_utf8")
}

/// One message per field, even when it is sent several times.
fn push_once(errors: &mut Vec<FieldError>, e: FieldError) {
    if !errors.iter().any(|x| x.field == e.field) {
        errors.push(e);
    }
}

/// `+` is a space, `%XX` a byte; a `%` not followed by two hex digits stays as it is (as
/// browsers and the WHATWG URL standard read it).
fn decode_part(part: &[u8]) -> Cow<'_, [u8]> {
    if part.contains(&b'+') {
        let spaced: Vec<u8> = part
            .iter()
            .map(|b| if *b == b'+' { b' ' } else { *b })
            .collect();
        Cow::Owned(percent_decode(&spaced).collect())
    } else {
        percent_decode(part).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(raw: &str, origin: Origin) -> Result<Vec<(String, String)>, Vec<String>> {
        decode(raw.as_bytes(), origin)
            .map(|f| f.0)
            .map_err(|e| e.fields().iter().map(|f| f.field.clone()).collect())
    }

    #[test]
    fn forms_decode_like_browsers_send_them() {
        assert_eq!(
            pairs(
                "q=%E7%A6%8F%E5%B2%A1+%E5%B8%82&empty=&flag&&x=%%41",
                Origin::Query
            )
            .unwrap(),
            vec![
                ("q".to_string(), "福岡 市".to_string()),
                ("empty".to_string(), String::new()),
                ("flag".to_string(), String::new()),
                ("x".to_string(), "%A".to_string()),
            ]
        );
        assert_eq!(
            pairs("body=a%0D%0Ab%09c", Origin::Body).unwrap()[0].1,
            "a\r\nb\tc"
        );
    }

    #[test]
    fn invalid_utf8_and_control_characters_name_their_field() {
        assert_eq!(pairs("name=%FF%FEabc", Origin::Body).unwrap_err(), ["name"]);
        assert_eq!(pairs("q=a%00b&ok=1", Origin::Query).unwrap_err(), ["q"]);
        assert_eq!(pairs("q=a%0Ab", Origin::Query).unwrap_err(), ["q"]);
        assert_eq!(pairs("body=a%00b", Origin::Body).unwrap_err(), ["body"]);
        assert_eq!(pairs("body=a%C2%85b", Origin::Body).unwrap_err(), ["body"]);
        assert_eq!(
            pairs("a=%00&b=%FF&a=%00", Origin::Body).unwrap_err(),
            ["a", "b"]
        );
        assert_eq!(pairs("x%00y=1", Origin::Body).unwrap_err(), ["x\\u{0}y"]);
    }
}
