//! The answers summed up for staff: counts, averages, distributions, free texts, CSV rows and
//! the API's JSON. No names anywhere.

use views::Lang;
use views::seminars::staff::SurveySummary;

use super::{SATISFACTION_KEYS, SCORES, Survey, USEFULNESS_KEYS, scale};

/// The mean of some scores to one decimal, `None` when there are none.
fn average(scores: &[i32]) -> Option<f64> {
    (!scores.is_empty()).then(|| {
        (f64::from(scores.iter().sum::<i32>()) / scores.len() as f64 * 10.0).round() / 10.0
    })
}

/// The mean of some scores as 「4.3」 (「–」 when there are none).
fn mean(scores: &[i32]) -> String {
    average(scores).map_or_else(|| "–".into(), |a| format!("{a:.1}"))
}

/// The answered surveys and their two lists of scores (satisfaction, usefulness).
fn answered(surveys: &[Survey]) -> (Vec<&Survey>, Vec<i32>, Vec<i32>) {
    let answered: Vec<&Survey> = surveys.iter().filter(|v| v.answered_at.is_some()).collect();
    let satisfaction = answered.iter().filter_map(|v| v.satisfaction).collect();
    let usefulness = answered.iter().filter_map(|v| v.usefulness).collect();
    (answered, satisfaction, usefulness)
}

/// How many of `scores` gave each value, 5 first, labelled.
fn distribution(scores: &[i32], lang: Lang, keys: [&'static str; 5]) -> Vec<(String, i64)> {
    scale(lang, keys)
        .into_iter()
        .zip(SCORES.rev())
        .map(|((_, label), n)| (label, scores.iter().filter(|s| **s == n).count() as i64))
        .collect()
}

/// The staff summary of a seminar's surveys: sent, answered, response rate, averages,
/// distributions and the free texts (no names).
pub fn summary(surveys: &[Survey], lang: Lang) -> SurveySummary {
    let (answered, satisfaction, usefulness) = answered(surveys);
    let sent = surveys.len() as i64;
    let texts = |f: fn(&Survey) -> &str| -> Vec<String> {
        answered
            .iter()
            .map(|v| f(v).to_string())
            .filter(|t| !t.is_empty())
            .collect()
    };
    SurveySummary {
        sent,
        answered: answered.len() as i64,
        rate: if sent == 0 {
            "–".into()
        } else {
            format!("{}%", answered.len() as i64 * 100 / sent)
        },
        satisfaction: mean(&satisfaction),
        usefulness: mean(&usefulness),
        charts: vec![
            (
                lang.t("seminars.survey_chart_satisfaction").to_string(),
                distribution(&satisfaction, lang, SATISFACTION_KEYS),
            ),
            (
                lang.t("seminars.survey_chart_usefulness").to_string(),
                distribution(&usefulness, lang, USEFULNESS_KEYS),
            ),
        ],
        topics: texts(|v| v.topics.as_str()),
        comments: texts(|v| v.comments.as_str()),
    }
}

/// The answers as CSV rows (header first): answered at, the two scores, the two texts; no names.
pub(super) fn csv_rows(surveys: &[Survey], lang: Lang) -> Vec<Vec<String>> {
    let head = [
        "seminars.survey_csv_answered_at",
        "seminars.survey_q_satisfaction",
        "seminars.survey_q_usefulness",
        "seminars.survey_q_topics",
        "seminars.survey_q_comments",
    ]
    .iter()
    .map(|k| lang.t(k).to_string())
    .collect();
    let mut rows = vec![head];
    let number = |n: Option<i32>| n.map(|n| n.to_string()).unwrap_or_default();
    rows.extend(surveys.iter().filter_map(|v| {
        Some(vec![
            crate::time::rfc3339(v.answered_at?),
            number(v.satisfaction),
            number(v.usefulness),
            v.topics.clone(),
            v.comments.clone(),
        ])
    }));
    rows
}

/// The surveys of a seminar as the API shows them: counts, averages and the answers, no names.
pub fn api_json(surveys: &[Survey]) -> crate::registrations::api::SurveyResults {
    use crate::registrations::api::{SurveyAnswer, SurveyResults};
    let (answered, satisfaction, usefulness) = answered(surveys);
    SurveyResults {
        sent: surveys.len() as i64,
        answered: answered.len() as i64,
        satisfaction_average: average(&satisfaction),
        usefulness_average: average(&usefulness),
        answers: answered
            .iter()
            .map(|v| SurveyAnswer {
                answered_at: v.answered_at.map(crate::time::rfc3339).unwrap_or_default(),
                satisfaction: v.satisfaction,
                usefulness: v.usefulness,
                topics: v.topics.clone(),
                comments: v.comments.clone(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use views::Lang;

    fn survey(answer: Option<(i32, i32, &str)>) -> Survey {
        Survey {
            id: 1,
            registration_id: 1,
            seminar_id: 1,
            sent_at: crate::time::now_utc(),
            answered_at: answer.map(|_| crate::time::now_utc()),
            satisfaction: answer.map(|a| a.0),
            usefulness: answer.map(|a| a.1),
            topics: String::new(),
            comments: answer.map(|a| a.2.to_string()).unwrap_or_default(),
        }
    }

    #[test]
    fn the_summary_counts_and_averages() {
        let list = vec![
            survey(Some((5, 4, "<b>良い</b>"))),
            survey(Some((4, 4, ""))),
            survey(Some((4, 1, ""))),
            survey(None),
        ];
        let s = summary(&list, Lang::Ja);
        assert_eq!((s.sent, s.answered), (4, 3));
        assert_eq!(s.rate, "75%");
        assert_eq!(s.satisfaction, "4.3");
        assert_eq!(s.usefulness, "3.0");
        assert_eq!(s.comments, vec!["<b>良い</b>".to_string()]);
        assert!(s.topics.is_empty());
        let sat = &s.charts[0].1;
        assert_eq!(sat.len(), 5);
        assert_eq!(sat[0].1, 1, "one 5");
        assert_eq!(sat[1].1, 2, "two 4s");
        let empty = summary(&[], Lang::En);
        assert_eq!(
            (empty.rate.as_str(), empty.satisfaction.as_str()),
            ("–", "–")
        );
        let rows = csv_rows(&list, Lang::Ja);
        assert_eq!(rows.len(), 4, "header and three answers");
    }
}
