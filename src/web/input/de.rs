//! A serde deserializer over decoded [`Fields`], so that a form or query struct is filled
//! from the already checked pairs and every failure says which field it was about.
//!
//! Written here rather than going through `serde_urlencoded` because its errors are English
//! sentences without the field (`invalid digit found in string`) or with it buried in text
//! (``duplicate field `status` ``); this deserializer's error type records the field and the
//! kind of problem, which become a message of the catalog. Values follow the same reading as
//! `serde_urlencoded`: a present field is `Some` even when empty, numbers and booleans are
//! parsed from the text, unit enum variants are matched by name.

use std::fmt;

use serde::de::value::{SeqDeserializer, StrDeserializer};
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor};
use serde::forward_to_deserialize_any;

use super::Fields;
use crate::error::{AppError, FieldError, Message};

/// Fills `T` from the fields: a struct (by name) or a list of pairs.
pub fn from_fields<T: DeserializeOwned>(fields: &Fields) -> Result<T, AppError> {
    T::deserialize(FieldsDe(&fields.0)).map_err(|e| {
        let key = match e.problem {
            Problem::Missing => "input.missing",
            Problem::Repeated => "input.repeated",
            Problem::Invalid => "input.invalid_value",
        };
        match e.field {
            Some(field) => AppError::BadFields(vec![FieldError::new(field, Message::new(key))]),
            None => AppError::unreadable(),
        }
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Problem {
    Missing,
    Repeated,
    Invalid,
}

/// What went wrong, and with which field when that is known.
#[derive(Debug)]
struct DeError {
    field: Option<String>,
    problem: Problem,
}

impl DeError {
    fn invalid() -> Self {
        Self {
            field: None,
            problem: Problem::Invalid,
        }
    }

    /// The error with its field, unless it already names one.
    fn at(mut self, field: &str) -> Self {
        self.field.get_or_insert_with(|| field.to_string());
        self
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} in field {:?}", self.problem, self.field)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(_msg: T) -> Self {
        Self::invalid()
    }

    fn missing_field(field: &'static str) -> Self {
        Self {
            field: Some(field.to_string()),
            problem: Problem::Missing,
        }
    }

    fn duplicate_field(field: &'static str) -> Self {
        Self {
            field: Some(field.to_string()),
            problem: Problem::Repeated,
        }
    }
}

/// The whole set of fields: a map for structs, a sequence of pairs for lists.
struct FieldsDe<'a>(&'a [(String, String)]);

impl<'de> de::Deserializer<'de> for FieldsDe<'_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_map(FieldsMap {
            iter: self.0.iter(),
            current: None,
        })
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_seq(SeqDeserializer::new(
            self.0.iter().map(|(k, v)| PairDe(k, v)),
        ))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct tuple tuple_struct map struct enum identifier ignored_any
    }
}

struct FieldsMap<'a> {
    iter: std::slice::Iter<'a, (String, String)>,
    current: Option<&'a (String, String)>,
}

impl<'de> de::MapAccess<'de> for FieldsMap<'_> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        let Some(pair) = self.iter.next() else {
            return Ok(None);
        };
        self.current = Some(pair);
        let key: StrDeserializer<'_, DeError> = pair.0.as_str().into_deserializer();
        seed.deserialize(key).map(Some).map_err(|e| e.at(&pair.0))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let (name, value) = self.current.take().ok_or_else(DeError::invalid)?;
        seed.deserialize(ValueDe(value)).map_err(|e| e.at(name))
    }
}

/// One (name, value) pair as a two-element sequence, for `Vec<(String, String)>`.
struct PairDe<'a>(&'a str, &'a str);

impl<'de> IntoDeserializer<'de, DeError> for PairDe<'_> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de> de::Deserializer<'de> for PairDe<'_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_seq(SeqDeserializer::new([self.0, self.1].into_iter()))
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

/// One field's value.
struct ValueDe<'a>(&'a str);

macro_rules! parsed {
    ($($method:ident => $visit:ident),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
                match self.0.parse() {
                    Ok(v) => visitor.$visit(v),
                    Err(_) => Err(DeError::invalid()),
                }
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for ValueDe<'_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_str(self.0)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_some(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let value: StrDeserializer<'_, DeError> = self.0.into_deserializer();
        visitor.visit_enum(value)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    fn deserialize_seq<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, DeError> {
        Err(DeError::invalid())
    }

    fn deserialize_map<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, DeError> {
        Err(DeError::invalid())
    }

    parsed! {
        deserialize_bool => visit_bool,
        deserialize_i8 => visit_i8,
        deserialize_i16 => visit_i16,
        deserialize_i32 => visit_i32,
        deserialize_i64 => visit_i64,
        deserialize_i128 => visit_i128,
        deserialize_u8 => visit_u8,
        deserialize_u16 => visit_u16,
        deserialize_u32 => visit_u32,
        deserialize_u64 => visit_u64,
        deserialize_u128 => visit_u128,
        deserialize_f32 => visit_f32,
        deserialize_f64 => visit_f64,
    }

    forward_to_deserialize_any! {
        char str string bytes byte_buf unit_struct tuple tuple_struct struct identifier
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    #[serde(rename_all = "lowercase")]
    enum Status {
        Open,
        Closed,
    }

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Filter {
        q: String,
        #[serde(default)]
        page: Option<u32>,
        status: Option<Status>,
        #[serde(default)]
        all: bool,
    }

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    fn failure<T: DeserializeOwned + fmt::Debug>(pairs: &[(&str, &str)]) -> (String, &'static str) {
        let e = from_fields::<T>(&fields(pairs)).unwrap_err();
        let f = &e.fields()[0];
        (f.field.clone(), f.message.key)
    }

    #[test]
    fn structs_are_filled_by_name() {
        let f: Filter = from_fields(&fields(&[
            ("q", "福岡"),
            ("page", "2"),
            ("status", "open"),
            ("all", "true"),
            ("csrf_token", "x"),
            ("csrf_token", "y"),
        ]))
        .unwrap();
        assert_eq!(
            f,
            Filter {
                q: "福岡".into(),
                page: Some(2),
                status: Some(Status::Open),
                all: true
            }
        );
        let pairs: Vec<(String, String)> = from_fields(&fields(&[("a", "1"), ("a", "2")])).unwrap();
        assert_eq!(pairs.len(), 2);
        let _ = Status::Closed;
    }

    #[test]
    fn every_failure_names_its_field() {
        assert_eq!(
            failure::<Filter>(&[("q", "a"), ("status", "open"), ("status", "closed")]),
            ("status".to_string(), "input.repeated")
        );
        assert_eq!(
            failure::<Filter>(&[("page", "1")]),
            ("q".to_string(), "input.missing")
        );
        assert_eq!(
            failure::<Filter>(&[("q", "a"), ("page", "-1")]),
            ("page".to_string(), "input.invalid_value")
        );
        assert_eq!(
            failure::<Filter>(&[("q", "a"), ("status", "ajar")]),
            ("status".to_string(), "input.invalid_value")
        );
        assert_eq!(
            failure::<Filter>(&[("q", "a"), ("all", "yes")]),
            ("all".to_string(), "input.invalid_value")
        );
    }
}
