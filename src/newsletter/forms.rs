//! Input of the newsletter's forms, parsed into validated values. Forms arrive as [`Fields`]
//! because topics are checkboxes (one name, several values).

use views::Lang;
use views::forms::FormErrors;
use views::newsletter::SubscribeValues;

use super::subscribe::Request;
use crate::validate::{self, Invalid};

pub use crate::web::input::Fields;

/// The fields of the newsletter's forms that are checkbox groups; every other field may be sent
/// once.
pub fn is_list_field(name: &str) -> bool {
    name == "topics"
}

/// Collects field errors in the page's language.
pub struct Errors {
    lang: Lang,
    /// The errors so far.
    pub errors: FormErrors,
}

impl Errors {
    /// No errors yet.
    pub fn new(lang: Lang) -> Self {
        Self {
            lang,
            errors: FormErrors::new(),
        }
    }

    /// Keeps the value or records the error of `field`.
    pub fn check<T: Default>(&mut self, field: &str, r: Result<T, Invalid>) -> T {
        match r {
            Ok(v) => v,
            Err(e) => {
                self.errors.add(field, e.message(self.lang));
                T::default()
            }
        }
    }

    /// Records a message of the catalog for `field`.
    pub fn add(&mut self, field: &str, key: &'static str) {
        self.errors.add(field, self.lang.t(key));
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }
}

/// Topic codes that all exist in `known`.
pub fn check_topics(chosen: &[String], known: &[String]) -> Result<Vec<String>, Invalid> {
    if chosen.len() > 50 {
        return Err(invalid_choice());
    }
    for c in chosen {
        validate::one_of(c, &known.iter().map(String::as_str).collect::<Vec<_>>())?;
    }
    Ok(chosen.to_vec())
}

fn invalid_choice() -> Invalid {
    match validate::one_of("", &[]) {
        Err(e) => e,
        Ok(_) => unreachable!("nothing is one of an empty set"),
    }
}

/// An optional choice among `known` ("" → None).
pub fn optional_choice(value: &str, known: &[String]) -> Result<Option<String>, Invalid> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    validate::one_of(value, &known.iter().map(String::as_str).collect::<Vec<_>>())
        .map(|v| Some(v.to_string()))
}

/// The codes offered by a form: topics, prefectures, industries.
#[derive(Debug, Clone, Default)]
pub struct Known {
    /// Active topic codes.
    pub topics: Vec<String>,
    /// Prefecture codes.
    pub prefectures: Vec<String>,
    /// Industry codes.
    pub industries: Vec<String>,
}

/// Parses the subscribe form: the values to show again, and the request or the errors.
pub fn parse_subscribe(
    f: &Fields,
    known: &Known,
    lang: Lang,
) -> (SubscribeValues, Result<Request, FormErrors>) {
    let values = SubscribeValues {
        email: f.get("email").to_string(),
        name: f.get("name").to_string(),
        company: f.get("company").to_string(),
        prefecture: f.get("prefecture").to_string(),
        industry: f.get("industry").to_string(),
        topics: f.all("topics"),
        consent: !f.get("consent").is_empty(),
    };
    let mut e = Errors::new(lang);
    let email = e.check("email", validate::email(&values.email));
    let name = e.check("name", validate::line(&values.name, true, 100));
    let company = e.check("company", validate::line(&values.company, false, 200));
    let prefecture = e.check(
        "prefecture",
        optional_choice(&values.prefecture, &known.prefectures),
    );
    let industry = e.check(
        "industry",
        optional_choice(&values.industry, &known.industries),
    );
    let topics = e.check("topics", check_topics(&values.topics, &known.topics));
    if values.topics.is_empty() {
        e.add("topics", "newsletter.topics_required");
    }
    if !values.consent {
        e.add("consent", "newsletter.consent_required");
    }
    if !e.is_empty() {
        return (values, Err(e.errors));
    }
    let request = Request {
        email,
        name,
        company,
        prefecture: prefecture.and_then(|p| p.parse().ok()),
        industry,
        topics,
        lang,
        source: "web".into(),
    };
    (values, Ok(request))
}

/// A validated campaign draft.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    /// Subject.
    pub subject: String,
    /// Markdown body.
    pub body_markdown: String,
    /// Topics (empty: every subscriber).
    pub topics: Vec<String>,
}

/// Checks a campaign draft, reporting each field's error.
pub fn check_draft(
    subject: &str,
    body: &str,
    topics: &[String],
    known: &[String],
    e: &mut Errors,
) -> Draft {
    Draft {
        subject: e.check("subject", validate::line(subject, true, 200)),
        body_markdown: e.check("body_markdown", validate::text(body, true, 100_000)),
        topics: e.check("topics", check_topics(topics, known)),
    }
}

/// Checks a new topic code: lower-case ASCII letters, digits and `_`, starting with a letter.
pub fn check_topic_code(code: &str) -> bool {
    let code = code.trim();
    !code.is_empty()
        && code.len() <= 32
        && code.starts_with(|c: char| c.is_ascii_lowercase())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Known {
        Known {
            topics: vec!["subsidies".into(), "events".into()],
            prefectures: vec!["40".into()],
            industries: vec!["agriculture".into()],
        }
    }

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn a_good_form_parses() {
        let (_, r) = parse_subscribe(
            &fields(&[
                ("email", "Taro@Example.JP"),
                ("name", "山田 太郎"),
                ("prefecture", "40"),
                ("topics", "events"),
                ("topics", "subsidies"),
                ("consent", "1"),
            ]),
            &known(),
            Lang::Ja,
        );
        let r = r.unwrap();
        assert_eq!(r.email, "taro@example.jp");
        assert_eq!(r.prefecture, Some(40));
        assert_eq!(r.topics, vec!["events", "subsidies"]);
    }

    #[test]
    fn every_bad_field_is_reported() {
        let (values, r) = parse_subscribe(
            &fields(&[
                ("email", "nope"),
                ("prefecture", "99"),
                ("industry", "x"),
                ("topics", "bogus"),
            ]),
            &known(),
            Lang::Ja,
        );
        let e = r.unwrap_err();
        for f in [
            "email",
            "name",
            "prefecture",
            "industry",
            "topics",
            "consent",
        ] {
            assert!(e.get(f).is_some(), "{f}");
        }
        assert_eq!(values.email, "nope");
    }

    #[test]
    fn topic_codes() {
        assert!(check_topic_code("dx_support"));
        assert!(!check_topic_code("DX"));
        assert!(!check_topic_code("1abc"));
        assert!(!check_topic_code(""));
    }
}
