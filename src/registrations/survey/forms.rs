//! The survey form: two scores and two free texts, checked into an [`Answer`].

use serde::Deserialize;
use views::Lang;
use views::forms::FormErrors;

use super::{Answer, COMMENTS_MAX, SCORES, TOPICS_MAX};
use crate::validate::{self, Invalid};

/// The survey form as submitted (strings, so it can be shown again).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SurveyForm {
    /// 1–5.
    pub satisfaction: String,
    /// 1–5.
    pub usefulness: String,
    /// Free text.
    pub topics: String,
    /// Free text.
    pub comments: String,
    /// CSRF token (checked by the middleware).
    pub csrf_token: String,
}

fn score(value: &str) -> Result<i32, Invalid> {
    match value.trim() {
        "" => Err(Invalid {
            key: "form.required_field",
            args: Vec::new(),
        }),
        v => v
            .parse::<i32>()
            .ok()
            .filter(|n| SCORES.contains(n))
            .ok_or_else(validate::invalid_choice),
    }
}

impl SurveyForm {
    /// Checks every field; the errors are in `lang`.
    pub fn validate(&self, lang: Lang) -> Result<Answer, FormErrors> {
        let mut errors = FormErrors::new();
        let mut check = |field: &str, r: Result<(), Invalid>| {
            if let Err(e) = r {
                errors.add(field, e.message(lang));
            }
        };
        let satisfaction = score(&self.satisfaction);
        check("satisfaction", satisfaction.clone().map(drop));
        let usefulness = score(&self.usefulness);
        check("usefulness", usefulness.clone().map(drop));
        let topics = validate::text(&self.topics, false, TOPICS_MAX);
        check("topics", topics.clone().map(drop));
        let comments = validate::text(&self.comments, false, COMMENTS_MAX);
        check("comments", comments.clone().map(drop));
        match (satisfaction, usefulness, topics, comments) {
            (Ok(satisfaction), Ok(usefulness), Ok(topics), Ok(comments)) => Ok(Answer {
                satisfaction,
                usefulness,
                topics,
                comments,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use views::Lang;

    fn form(s: &str, u: &str, topics: &str, comments: &str) -> SurveyForm {
        SurveyForm {
            satisfaction: s.into(),
            usefulness: u.into(),
            topics: topics.into(),
            comments: comments.into(),
            csrf_token: String::new(),
        }
    }

    #[test]
    fn answers_are_checked() {
        let a = form("5", " 4 ", "", "とても参考になりました\r\n次回も参加します")
            .validate(Lang::Ja)
            .unwrap();
        assert_eq!((a.satisfaction, a.usefulness), (5, 4));
        assert_eq!(a.comments, "とても参考になりました\n次回も参加します");
        let long = "あ".repeat(COMMENTS_MAX + 1);
        let e = form("0", "9", "a\u{0}b", &long)
            .validate(Lang::En)
            .unwrap_err();
        for f in ["satisfaction", "usefulness", "topics", "comments"] {
            assert!(e.get(f).is_some(), "{f}");
        }
        let e = form("", "NaN", "", "").validate(Lang::Ja).unwrap_err();
        assert_eq!(e.get("satisfaction"), Some("この項目は必須です。"));
        assert!(e.get("usefulness").is_some());
    }
}
