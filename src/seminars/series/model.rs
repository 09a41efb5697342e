//! The series record and the checks of its values (one parser for the staff form and the API).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::schema::seminar_series;
use crate::validate::{self, Invalid};
use crate::web::input::Fields;

/// Longest title.
pub const TITLE_MAX: usize = 200;
/// Longest description.
pub const DESCRIPTION_MAX: usize = 5000;
/// Most seats of a series.
pub const CAPACITY_MAX: i32 = 100_000;
/// Most sessions a certificate may ask for.
pub const MIN_SESSIONS_MAX: i32 = 100;

/// A series as stored.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = seminar_series)]
pub struct Series {
    /// Id.
    pub id: i64,
    /// Title (Japanese).
    pub title: String,
    /// Title in English (empty: the Japanese one).
    pub title_en: String,
    /// Description (Japanese, plain text).
    pub description: String,
    /// Description in English (empty: the Japanese one).
    pub description_en: String,
    /// How many people the series seats (each session's own seats of a mode bound it too).
    pub capacity: i32,
    /// How many sessions a participant must attend for the series' certificate of attendance
    /// (a series of fewer sessions asks for all of them).
    pub certificate_min_sessions: i32,
    /// Created (UTC).
    pub created_at: NaiveDateTime,
    /// Last changed (UTC).
    pub updated_at: NaiveDateTime,
}

impl Series {
    /// The title in `lang` (English falls back to Japanese).
    pub fn title_in(&self, lang: views::Lang) -> &str {
        match lang {
            views::Lang::En if !self.title_en.is_empty() => &self.title_en,
            _ => &self.title,
        }
    }

    /// The description in `lang` (English falls back to Japanese).
    pub fn description_in(&self, lang: views::Lang) -> &str {
        match lang {
            views::Lang::En if !self.description_en.is_empty() => &self.description_en,
            _ => &self.description,
        }
    }

    /// The sessions attended that earn the certificate, in a series of `sessions` sessions.
    pub fn sessions_for_certificate(&self, sessions: usize) -> usize {
        let min = usize::try_from(self.certificate_min_sessions.max(1)).unwrap_or(1);
        min.min(sessions.max(1))
    }
}

/// The validated values of a series, for insert and update.
#[derive(Debug, Clone, PartialEq, Eq, Insertable, AsChangeset)]
#[diesel(table_name = seminar_series)]
pub struct SeriesData {
    /// Title.
    pub title: String,
    /// English title.
    pub title_en: String,
    /// Description.
    pub description: String,
    /// English description.
    pub description_en: String,
    /// Seats.
    pub capacity: i32,
    /// Sessions attended for the certificate.
    pub certificate_min_sessions: i32,
}

/// The fields of a series as typed (the staff form, or an API body turned into fields).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeriesForm {
    /// Title.
    pub title: String,
    /// English title.
    pub title_en: String,
    /// Description.
    pub description: String,
    /// English description.
    pub description_en: String,
    /// Seats, as typed.
    pub capacity: String,
    /// Sessions for the certificate, as typed.
    pub certificate_min_sessions: String,
}

/// The form's field names.
pub const FIELDS: [&str; 6] = [
    "title",
    "title_en",
    "description",
    "description_en",
    "capacity",
    "certificate_min_sessions",
];

impl SeriesForm {
    /// A stored series' values, to edit.
    pub fn of(s: &Series) -> Self {
        Self {
            title: s.title.clone(),
            title_en: s.title_en.clone(),
            description: s.description.clone(),
            description_en: s.description_en.clone(),
            capacity: s.capacity.to_string(),
            certificate_min_sessions: s.certificate_min_sessions.to_string(),
        }
    }

    /// Overwrites the fields that `fields` has (a form post has all; a PATCH only some).
    pub fn apply(&mut self, fields: &Fields) {
        let has = |name: &str| fields.0.iter().any(|(k, _)| k == name);
        for (name, slot) in [
            ("title", &mut self.title),
            ("title_en", &mut self.title_en),
            ("description", &mut self.description),
            ("description_en", &mut self.description_en),
            ("capacity", &mut self.capacity),
            (
                "certificate_min_sessions",
                &mut self.certificate_min_sessions,
            ),
        ] {
            if has(name) {
                *slot = fields.get(name).to_string();
            }
        }
    }

    /// The values as `(name, value)` pairs, to re-render the form.
    pub fn values(&self) -> Vec<(String, String)> {
        FIELDS
            .iter()
            .zip([
                &self.title,
                &self.title_en,
                &self.description,
                &self.description_en,
                &self.capacity,
                &self.certificate_min_sessions,
            ])
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    /// Checks every field: the values to store, or one message per wrong field.
    pub fn validate(&self) -> Result<SeriesData, Vec<(&'static str, Invalid)>> {
        let mut errors = Vec::new();
        let mut check = |field: &'static str, r: Result<String, Invalid>| match r {
            Ok(v) => v,
            Err(e) => {
                errors.push((field, e));
                String::new()
            }
        };
        let title = check("title", validate::line(&self.title, true, TITLE_MAX));
        let title_en = check("title_en", validate::line(&self.title_en, false, TITLE_MAX));
        let description = check(
            "description",
            validate::text(&self.description, false, DESCRIPTION_MAX),
        );
        let description_en = check(
            "description_en",
            validate::text(&self.description_en, false, DESCRIPTION_MAX),
        );
        let capacity = number(&self.capacity, CAPACITY_MAX).unwrap_or_else(|e| {
            errors.push(("capacity", e));
            0
        });
        let certificate_min_sessions = number(&self.certificate_min_sessions, MIN_SESSIONS_MAX)
            .unwrap_or_else(|e| {
                errors.push(("certificate_min_sessions", e));
                0
            });
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(SeriesData {
            title,
            title_en,
            description,
            description_en,
            capacity,
            certificate_min_sessions,
        })
    }
}

/// A whole number from 1 to `max`.
fn number(value: &str, max: i32) -> Result<i32, Invalid> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Invalid::new("form.required_field"));
    }
    match value.parse::<i32>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(Invalid {
            key: "series.err_number",
            args: vec![("max", max.to_string())],
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> SeriesForm {
        SeriesForm {
            title: "机上演習 3回コース".into(),
            capacity: "20".into(),
            certificate_min_sessions: "2".into(),
            ..SeriesForm::default()
        }
    }

    #[test]
    fn a_good_form_gives_its_values() {
        let d = form().validate().expect("valid");
        assert_eq!(d.capacity, 20);
        assert_eq!(d.certificate_min_sessions, 2);
        assert_eq!(d.title, "机上演習 3回コース");
    }

    #[test]
    fn every_wrong_field_is_named() {
        let bad = SeriesForm {
            title: " ".into(),
            capacity: "0".into(),
            certificate_min_sessions: "二".into(),
            description: "a\u{7}b".into(),
            ..SeriesForm::default()
        };
        let errors = bad.validate().expect_err("invalid");
        let fields: Vec<&str> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            [
                "title",
                "description",
                "capacity",
                "certificate_min_sessions"
            ]
        );
    }

    #[test]
    fn the_certificate_asks_for_at_most_every_session() {
        let d = form().validate().expect("valid");
        let s = Series {
            id: 1,
            title: d.title,
            title_en: String::new(),
            description: String::new(),
            description_en: String::new(),
            capacity: d.capacity,
            certificate_min_sessions: 5,
            created_at: chrono::NaiveDateTime::default(),
            updated_at: chrono::NaiveDateTime::default(),
        };
        assert_eq!(s.sessions_for_certificate(3), 3);
        assert_eq!(s.sessions_for_certificate(8), 5);
        assert_eq!(s.title_in(views::Lang::En), "机上演習 3回コース");
    }
}
