//! Strict JSON bodies: UTF-8, no duplicate keys, no control characters in any string (CR, LF
//! and TAB allowed), then either a typed body (serde, the failing field named) or a
//! [`JsonInput`] whose pickers take each field with its JSON type, no coercion.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::{Origin, check_text};
use crate::error::{AppError, FieldError, Message};

/// Parses a JSON body into `T`: a 400 naming the field for anything unreadable (not UTF-8,
/// not JSON, a repeated key, a control character, a value of the wrong type, a missing field).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let value = strict_value(bytes)?;
    // Every body of the API is an object (serde would also fill a struct from an array).
    if !value.is_object() {
        return Err(AppError::BadRequest(Message::new("input.expected_object")));
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        match missing_field(&inner) {
            Some(name) => {
                AppError::bad_field(join(&root(&path), name), Message::new("input.missing"))
            }
            None if path == "." => AppError::BadRequest(Message::new("input.expected_object")),
            None => AppError::bad_field(path, Message::new("input.invalid_value")),
        }
    })
}

fn root(path: &str) -> String {
    if path == "." {
        String::new()
    } else {
        path.to_string()
    }
}

/// The field of serde's missing-field error (serde writes it as ``missing field `name` ``;
/// a unit test below keeps that reading honest).
fn missing_field(message: &str) -> Option<&str> {
    message
        .strip_prefix("missing field `")?
        .split_once('`')
        .map(|(name, _)| name)
}

/// The body as a JSON value, after the checks every JSON body passes.
fn strict_value(bytes: &[u8]) -> Result<Value, AppError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| AppError::BadRequest(Message::new("input.body_not_utf8")))?;
    let errors = RefCell::new(Vec::new());
    let mut de = serde_json::Deserializer::from_str(text);
    let value = StrictSeed {
        path: String::new(),
        errors: &errors,
    }
    .deserialize(&mut de)
    .and_then(|v| de.end().map(|()| v))
    .map_err(|e| {
        AppError::BadRequest(
            Message::new("input.json_syntax")
                .arg("line", e.line().to_string())
                .arg("column", e.column().to_string()),
        )
    })?;
    let errors = errors.into_inner();
    if errors.is_empty() {
        Ok(value)
    } else {
        Err(AppError::BadFields(errors))
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Builds a [`Value`] while recording, with their path, repeated keys and strings that carry
/// control characters (serde_json itself keeps the last of repeated keys silently).
struct StrictSeed<'a> {
    path: String,
    errors: &'a RefCell<Vec<FieldError>>,
}

impl StrictSeed<'_> {
    fn error(&self, field: String, key: &'static str) {
        let mut errors = self.errors.borrow_mut();
        if !errors.iter().any(|e| e.field == field) {
            errors.push(FieldError::new(field, Message::new(key)));
        }
    }

    fn child(&self, path: String) -> Self {
        StrictSeed {
            path,
            errors: self.errors,
        }
    }
}

impl<'de> DeserializeSeed<'de> for StrictSeed<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        if check_text(&self.path, v, Origin::Body).is_err() {
            self.error(self.path.clone(), "input.control_characters");
        }
        Ok(Value::String(v.to_string()))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) =
            seq.next_element_seed(self.child(format!("{}[{}]", self.path, items.len())))?
        {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let path = join(&self.path, &key);
            let value = map.next_value_seed(self.child(path.clone()))?;
            if check_text(&key, &key, Origin::Query).is_err() {
                self.error(
                    path.escape_default().to_string(),
                    "input.control_characters",
                );
            } else if object.contains_key(&key) {
                self.error(path, "input.repeated");
            } else {
                object.insert(key, value);
            }
        }
        Ok(Value::Object(object))
    }
}

/// The JSON type a field must have, for [`JsonInput::to_fields`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonKind {
    /// A string.
    Text,
    /// An integer.
    Integer,
    /// A boolean (`true` becomes the checkbox value "1").
    Boolean,
    /// An array of strings (a checkbox group).
    Texts,
    /// An array of integers.
    Integers,
}

/// A JSON object read field by field, each with its JSON type and no coercion (`"10"` is not
/// a number, `"yes"` not a boolean). Every wrong field is recorded; [`JsonInput::finish`]
/// turns them into one 422 with a message per field, after the caller added its own checks.
#[derive(Debug)]
pub struct JsonInput {
    object: Map<String, Value>,
    errors: Vec<FieldError>,
}

impl JsonInput {
    /// Reads the object of a body.
    pub fn parse(bytes: &[u8]) -> Result<Self, AppError> {
        match strict_value(bytes)? {
            Value::Object(object) => Ok(Self {
                object,
                errors: Vec::new(),
            }),
            _ => Err(AppError::BadRequest(Message::new("input.expected_object"))),
        }
    }

    fn wrong(&mut self, key: &str, message: &'static str) {
        self.errors
            .push(FieldError::new(key, Message::new(message)));
    }

    /// Whether the body has `key` (null included).
    pub fn has(&self, key: &str) -> bool {
        self.object.contains_key(key)
    }

    /// The raw value of `key`.
    pub fn raw(&self, key: &str) -> Option<&Value> {
        self.object.get(key)
    }

    /// A string: `None` when absent, `Some("")` for null.
    pub fn text(&mut self, key: &str) -> Option<String> {
        match self.object.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Null => Some(String::new()),
            _ => {
                self.wrong(key, "input.expected_text");
                None
            }
        }
    }

    /// An integer (a JSON number without fraction), as text for the form checks that follow:
    /// `None` when absent, `Some("")` for null.
    pub fn integer(&mut self, key: &str) -> Option<String> {
        match self.object.get(key)? {
            Value::Number(n) if n.is_i64() || n.is_u64() => Some(n.to_string()),
            Value::Null => Some(String::new()),
            _ => {
                self.wrong(key, "input.expected_integer");
                None
            }
        }
    }

    /// A boolean: `None` when absent or null.
    pub fn boolean(&mut self, key: &str) -> Option<bool> {
        match self.object.get(key)? {
            Value::Bool(b) => Some(*b),
            Value::Null => None,
            _ => {
                self.wrong(key, "input.expected_boolean");
                None
            }
        }
    }

    /// An array of strings: `None` when absent, empty for null.
    pub fn texts(&mut self, key: &str) -> Option<Vec<String>> {
        match self.object.get(key)? {
            Value::Array(items) if items.iter().all(Value::is_string) => Some(
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect(),
            ),
            Value::Null => Some(Vec::new()),
            _ => {
                self.wrong(key, "input.expected_text_list");
                None
            }
        }
    }

    /// An array of integers, as texts: `None` when absent, empty for null.
    pub fn integers(&mut self, key: &str) -> Option<Vec<String>> {
        match self.object.get(key)? {
            Value::Array(items) if items.iter().all(|v| v.is_i64() || v.is_u64()) => {
                Some(items.iter().map(Value::to_string).collect())
            }
            Value::Null => Some(Vec::new()),
            _ => {
                self.wrong(key, "input.expected_integer_list");
                None
            }
        }
    }

    /// The fields of `schema` as form fields (lists as repeated names), so that a JSON body and
    /// a form post pass the same parser; a field of the wrong type is recorded and left out.
    pub fn to_fields(&mut self, schema: &[(&str, JsonKind)]) -> super::Fields {
        let mut out = super::Fields::default();
        for (key, kind) in schema {
            match kind {
                JsonKind::Text => self.text(key).into_iter().for_each(|v| out.push(*key, v)),
                JsonKind::Integer => self
                    .integer(key)
                    .into_iter()
                    .for_each(|v| out.push(*key, v)),
                JsonKind::Boolean => {
                    if self.boolean(key) == Some(true) {
                        out.push(*key, "1");
                    }
                }
                JsonKind::Texts => self
                    .texts(key)
                    .into_iter()
                    .flatten()
                    .for_each(|v| out.push(*key, v)),
                JsonKind::Integers => self
                    .integers(key)
                    .into_iter()
                    .flatten()
                    .for_each(|v| out.push(*key, v)),
            }
        }
        out
    }

    /// The type errors so far followed by `more` (the checks of the values): a 422 with one
    /// message per field, or nothing when all is well. A field keeps its first message.
    pub fn finish(self, more: impl IntoIterator<Item = FieldError>) -> Result<(), AppError> {
        let mut all = self.errors;
        for e in more {
            if !all.iter().any(|x| x.field == e.field) {
                all.push(e);
            }
        }
        if all.is_empty() {
            Ok(())
        } else {
            Err(AppError::InvalidFields(all))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(e: &AppError) -> Vec<(String, &'static str)> {
        e.fields()
            .iter()
            .map(|f| (f.field.clone(), f.message.key))
            .collect()
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Body {
        email: String,
        #[serde(default)]
        confirmed: bool,
        #[serde(default)]
        topics: Vec<String>,
    }

    #[test]
    fn typed_bodies_name_the_failing_field() {
        assert!(parse_json::<Body>(br#"{"email":"a@example.jp","topics":["x"]}"#).is_ok());
        let e = parse_json::<Body>(br#"{"confirmed":true}"#).unwrap_err();
        assert_eq!(fields(&e), [("email".to_string(), "input.missing")]);
        let e = parse_json::<Body>(br#"{"email":"a","confirmed":"yes"}"#).unwrap_err();
        assert_eq!(
            fields(&e),
            [("confirmed".to_string(), "input.invalid_value")]
        );
        let e = parse_json::<Body>(br#"{"email":"a","topics":["x",1]}"#).unwrap_err();
        assert_eq!(
            fields(&e),
            [("topics[1]".to_string(), "input.invalid_value")]
        );
        let e = parse_json::<Body>(br#"["a"]"#).unwrap_err();
        assert_eq!(e.fields().len(), 0);
        assert_eq!(e.user_message().1.key, "input.expected_object");
    }

    #[test]
    fn strict_values_refuse_repeats_controls_and_bad_bytes() {
        let e =
            strict_value(br#"{"title":"a","title":"b","x":{"y":"\u0000"},"l":["ok","\u0007"]}"#)
                .unwrap_err();
        assert_eq!(
            fields(&e),
            [
                ("title".to_string(), "input.repeated"),
                ("x.y".to_string(), "input.control_characters"),
                ("l[1]".to_string(), "input.control_characters"),
            ]
        );
        assert!(strict_value(b"{\"body\":\"a\\r\\nb\\tc\"}").is_ok());
        let e = strict_value(b"{\"name\":\"\xff\xfeabc\"}").unwrap_err();
        assert_eq!(e.user_message().1.key, "input.body_not_utf8");
        let e = strict_value(b"{\"title\": ").unwrap_err();
        assert_eq!(e.user_message().1.key, "input.json_syntax");
        assert!(strict_value(b"{} {}").is_err());
    }

    #[test]
    fn pickers_take_each_type_strictly() {
        let mut j = JsonInput::parse(
            br#"{"title":"t","capacity":"10","count":10,"ratio":1.5,"published":"yes","ok":true,"hosts":["a"],"prefs":[40,"41"],"gone":null}"#,
        )
        .unwrap();
        assert_eq!(j.text("title").as_deref(), Some("t"));
        assert_eq!(j.integer("capacity"), None);
        assert_eq!(j.integer("count").as_deref(), Some("10"));
        assert_eq!(j.integer("ratio"), None);
        assert_eq!(j.boolean("published"), None);
        assert_eq!(j.boolean("ok"), Some(true));
        assert_eq!(j.texts("hosts"), Some(vec!["a".to_string()]));
        assert_eq!(j.integers("prefs"), None);
        assert_eq!(j.text("gone").as_deref(), Some(""));
        assert_eq!(j.text("absent"), None);
        let e = j
            .finish([FieldError::new("title", Message::new("form.too_long"))])
            .unwrap_err();
        assert_eq!(
            fields(&e),
            [
                ("capacity".to_string(), "input.expected_integer"),
                ("ratio".to_string(), "input.expected_integer"),
                ("published".to_string(), "input.expected_boolean"),
                ("prefs".to_string(), "input.expected_integer_list"),
                ("title".to_string(), "form.too_long"),
            ]
        );
    }

    #[test]
    fn schemas_flatten_into_form_fields() {
        let mut j = JsonInput::parse(
            br#"{"categories":["B1","B2"],"remote_ok":true,"show":false,"prefecture":40,"title":"t"}"#,
        )
        .unwrap();
        let f = j.to_fields(&[
            ("categories", JsonKind::Texts),
            ("remote_ok", JsonKind::Boolean),
            ("show", JsonKind::Boolean),
            ("prefecture", JsonKind::Integer),
            ("title", JsonKind::Text),
            ("absent", JsonKind::Integers),
        ]);
        assert_eq!(f.all("categories"), vec!["B1", "B2"]);
        assert!(f.flag("remote_ok"));
        assert!(!f.flag("show"));
        assert_eq!(f.get("prefecture"), "40");
        assert!(j.finish([]).is_ok());
    }

    #[test]
    fn serde_still_words_missing_fields_as_we_read_them() {
        assert_eq!(missing_field("missing field `email`"), Some("email"));
        let e = serde_json::from_str::<Body>("{}").unwrap_err().to_string();
        assert!(missing_field(&e).is_some(), "{e}");
    }
}
