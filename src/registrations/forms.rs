//! The public registration form and its validation into a [`NewRegistrant`].

use std::collections::BTreeMap;

use views::Lang;
use views::forms::FormErrors;

use diesel::QueryResult;

use super::model::{Intake, NewRegistrant, Participant};
use crate::db::DbConn;
use crate::seminars::model::{Mode, Question, QuestionKind, Seminar};
use crate::validate::{self, Invalid};

/// What the form is checked against.
#[derive(Debug, Clone)]
pub struct FormRules {
    /// The modes the seminar offers.
    pub modes: Vec<Mode>,
    /// Its extra questions.
    pub questions: Vec<Question>,
    /// Known industry codes.
    pub industries: Vec<String>,
    /// Known employee band codes.
    pub bands: Vec<String>,
    /// The most participants of one entry, the applicant included (1: no groups).
    pub group_limit: usize,
}

impl FormRules {
    /// The rules of a seminar's form: its modes and questions, the known codes.
    pub fn of(c: &mut DbConn, seminar: &Seminar) -> QueryResult<Self> {
        use diesel::prelude::*;
        Ok(Self {
            modes: seminar.format().modes().to_vec(),
            questions: seminar.questions(),
            industries: crate::seminars::queries::industry_codes(c)?,
            bands: crate::schema::employee_bands::table
                .select(crate::schema::employee_bands::code)
                .load(c)?,
            group_limit: seminar.group_limit(),
        })
    }

    /// The same with every extra question optional (staff enter what the person told them).
    pub fn questions_optional(mut self) -> Self {
        for q in &mut self.questions {
            q.required = false;
        }
        self
    }
}

/// The fields of the registration form that may repeat: the answers to a question with
/// several choices (`q_0`, `q_1`, ...; a single-choice answer sent twice is refused by
/// [`parse`]). Every other field may be sent once.
pub fn is_list_field(name: &str) -> bool {
    name.strip_prefix("q_")
        .is_some_and(|i| !i.is_empty() && i.bytes().all(|b| b.is_ascii_digit()))
}

fn first<'a>(values: &'a [(String, String)], name: &str) -> &'a str {
    values
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

fn choice_error() -> Invalid {
    Invalid {
        key: "form.invalid_choice",
        args: Vec::new(),
    }
}

fn required_error() -> Invalid {
    Invalid {
        key: "form.required_field",
        args: Vec::new(),
    }
}

fn optional_code(value: &str, known: &[String]) -> Result<Option<String>, Invalid> {
    let value = value.trim();
    if value.is_empty() {
        Ok(None)
    } else if known.iter().any(|k| k == value) {
        Ok(Some(value.to_string()))
    } else {
        Err(choice_error())
    }
}

/// Checks the submitted values; every field's error is reported in `lang`.
pub fn parse(
    values: &[(String, String)],
    rules: &FormRules,
    lang: Lang,
) -> Result<NewRegistrant, FormErrors> {
    let mut errors = FormErrors::new();
    let mut ok = |field: &str, r: Result<String, Invalid>| match r {
        Ok(v) => v,
        Err(e) => {
            errors.add(field, e.message(lang));
            String::new()
        }
    };
    let name = ok("name", validate::line(first(values, "name"), true, 100));
    let email = ok("email", validate::email(first(values, "email")));
    let company = ok(
        "company",
        validate::line(first(values, "company"), false, 200),
    );
    let prefecture = ok(
        "prefecture",
        match first(values, "prefecture").trim() {
            "" => Err(required_error()),
            p => p
                .parse::<i32>()
                .ok()
                .filter(|p| (1..=47).contains(p))
                .map(|p| p.to_string())
                .ok_or_else(choice_error),
        },
    );
    let industry = ok(
        "industry",
        optional_code(first(values, "industry"), &rules.industries).map(Option::unwrap_or_default),
    );
    let band = ok(
        "employees",
        optional_code(first(values, "employees"), &rules.bands).map(Option::unwrap_or_default),
    );
    let mode_text = first(values, "mode").trim();
    let mode = Mode::parse(mode_text).filter(|m| rules.modes.contains(m));
    if mode.is_none() {
        let e = if mode_text.is_empty() {
            required_error()
        } else {
            choice_error()
        };
        errors.add("mode", e.message(lang));
    }
    if first(values, "consent") != "1" {
        errors.add("consent", lang.t("seminars.err_consent"));
    }
    let mut answers = BTreeMap::new();
    for (i, q) in rules.questions.iter().enumerate() {
        let name = format!("q_{i}");
        let given: Vec<&str> = values
            .iter()
            .filter(|(k, _)| *k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
            .collect();
        let answer = match q.kind {
            QuestionKind::Short => validate::line(given.first().copied().unwrap_or(""), false, 500)
                .map(serde_json::Value::from),
            QuestionKind::Long => validate::text(given.first().copied().unwrap_or(""), false, 4000)
                .map(serde_json::Value::from),
            QuestionKind::Single => match given.first() {
                None => Ok(serde_json::Value::from("")),
                Some(v) if q.options.iter().any(|o| o == v) && given.len() == 1 => {
                    Ok(serde_json::Value::from(*v))
                }
                Some(_) => Err(choice_error()),
            },
            QuestionKind::Multiple => {
                if given.iter().all(|v| q.options.iter().any(|o| o == v)) {
                    Ok(serde_json::Value::from(
                        given.iter().map(|v| v.to_string()).collect::<Vec<_>>(),
                    ))
                } else {
                    Err(choice_error())
                }
            }
        };
        match answer {
            Ok(v) => {
                let empty = v.as_str() == Some("") || v.as_array().is_some_and(|a| a.is_empty());
                if empty && q.required {
                    errors.add(&name, required_error().message(lang));
                }
                answers.insert(name, v);
            }
            Err(e) => errors.add(&name, e.message(lang)),
        }
    }
    let participants = participants(values, rules.group_limit, &email, lang, &mut errors);
    match (errors.is_empty(), mode) {
        (true, Some(mode)) => Ok(NewRegistrant {
            name,
            company,
            email,
            prefecture: prefecture.parse().ok(),
            industry,
            employee_band: (!band.is_empty()).then_some(band),
            mode,
            answers: serde_json::to_string(&answers).unwrap_or_else(|_| "{}".into()),
            lang: lang.code().to_string(),
            subscribe_newsletter: first(values, "subscribe_newsletter") == "1",
            intake: Intake::Public,
            participants,
        }),
        _ => Err(errors),
    }
}

/// The field names of participant `number` of a group entry (the applicant is number 1, so
/// the further rows are 2, 3, ...): `p2_name`, `p2_email`.
pub fn participant_fields(number: usize) -> (String, String) {
    (format!("p{number}_name"), format!("p{number}_email"))
}

/// The number of a participant field (`p3_email` → 3), if `name` is one.
fn participant_number(name: &str) -> Option<usize> {
    let rest = name.strip_prefix('p')?;
    let (digits, field) = rest.split_once('_')?;
    if !matches!(field, "name" | "email") || digits.is_empty() {
        return None;
    }
    digits.parse().ok()
}

/// The further participants of a group entry: rows 2 to `limit`, each with a name and an
/// address; a row left empty is skipped. A row with one of the two, a bad address, an address
/// given twice in the entry, or a row beyond the limit is an error that names its row.
fn participants(
    values: &[(String, String)],
    limit: usize,
    applicant: &str,
    lang: Lang,
    errors: &mut FormErrors,
) -> Vec<Participant> {
    let beyond = values.iter().any(|(k, v)| {
        !v.trim().is_empty() && participant_number(k).is_some_and(|n| n < 2 || n > limit)
    });
    if beyond {
        errors.add(
            "participants",
            lang.tf("groups.err_too_many", &[("max", &limit.to_string())]),
        );
    }
    let mut seen: Vec<String> = vec![applicant.to_string()];
    let mut list = Vec::new();
    for number in 2..=limit {
        let (name_field, email_field) = participant_fields(number);
        let (name, email) = (first(values, &name_field), first(values, &email_field));
        if name.trim().is_empty() && email.trim().is_empty() {
            continue;
        }
        let row = number.to_string();
        let in_row = |e: Invalid| {
            lang.tf(
                "groups.err_row",
                &[("row", &row), ("message", &e.message(lang))],
            )
        };
        let name = validate::line(name, true, 100).map_err(|e| errors.add(&name_field, in_row(e)));
        let email = validate::email(email).map_err(|e| errors.add(&email_field, in_row(e)));
        let email = match email {
            Ok(e) if seen.contains(&e) => {
                errors.add(
                    &email_field,
                    lang.tf("groups.err_duplicate", &[("row", &row)]),
                );
                continue;
            }
            Ok(e) => e,
            Err(()) => continue,
        };
        seen.push(email.clone());
        if let Ok(name) = name {
            list.push(Participant { name, email });
        }
    }
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> FormRules {
        FormRules {
            modes: vec![Mode::Onsite, Mode::Online],
            questions: vec![Question {
                label: "関心".into(),
                kind: QuestionKind::Multiple,
                required: true,
                options: vec!["EDR".into(), "UTM".into()],
            }],
            industries: vec!["manufacturing".into()],
            bands: vec!["1-5".into()],
            group_limit: 3,
        }
    }

    fn v(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_good_form_parses() {
        let r = parse(
            &v(&[
                ("name", "九州 太郎"),
                ("email", "Taro@Example.JP"),
                ("prefecture", "40"),
                ("industry", "manufacturing"),
                ("mode", "online"),
                ("consent", "1"),
                ("q_0", "EDR"),
                ("q_0", "UTM"),
            ]),
            &rules(),
            Lang::Ja,
        )
        .unwrap();
        assert_eq!(r.email, "taro@example.jp");
        assert_eq!(r.answers, r#"{"q_0":["EDR","UTM"]}"#);
    }

    #[test]
    fn every_bad_field_is_reported() {
        let errors = parse(
            &v(&[
                ("name", "a\r\nBcc: x@y.z"),
                ("email", "not-an-email"),
                ("prefecture", "99"),
                ("mode", "teleport"),
                ("q_0", "<script>"),
            ]),
            &rules(),
            Lang::Ja,
        )
        .unwrap_err();
        for f in ["name", "email", "prefecture", "mode", "consent", "q_0"] {
            assert!(errors.get(f).is_some(), "{f}");
        }
    }

    #[test]
    fn participant_rows_parse_and_empty_rows_are_skipped() {
        let mut values = v(&[
            ("name", "九州 太郎"),
            ("email", "taro@example.jp"),
            ("prefecture", "40"),
            ("mode", "online"),
            ("consent", "1"),
            ("q_0", "EDR"),
            ("p2_name", ""),
            ("p2_email", ""),
            ("p3_name", "佐藤 花子"),
            ("p3_email", "Hanako@Example.JP"),
        ]);
        let r = parse(&values, &rules(), Lang::Ja).unwrap();
        assert_eq!(
            r.participants,
            vec![Participant {
                name: "佐藤 花子".into(),
                email: "hanako@example.jp".into()
            }]
        );
        values.push(("p4_name".into(), "四人目".into()));
        let errors = parse(&values, &rules(), Lang::Ja).unwrap_err();
        assert!(errors.get("participants").unwrap().contains("3名まで"));
    }

    #[test]
    fn a_bad_or_repeated_participant_address_names_its_row() {
        let values = v(&[
            ("name", "九州 太郎"),
            ("email", "taro@example.jp"),
            ("prefecture", "40"),
            ("mode", "online"),
            ("consent", "1"),
            ("p2_name", "佐藤"),
            ("p2_email", "TARO@example.jp"),
            ("p3_name", "鈴木"),
            ("p3_email", "suzuki@"),
        ]);
        let errors = parse(&values, &rules(), Lang::En).unwrap_err();
        assert!(
            errors
                .get("p2_email")
                .unwrap()
                .starts_with("Participant 2:")
        );
        assert!(
            errors
                .get("p3_email")
                .unwrap()
                .starts_with("Participant 3:")
        );
    }
}
