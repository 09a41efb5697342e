//! The figures of one fiscal year, counted from the rows [`super::queries`] reads. Nothing
//! personal comes out: only counts, shares and averages, with codes and labels of the
//! reference data. The struct is also the JSON of `GET /api/v1/reports/fiscal-years/{year}`.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDateTime;
use serde::Serialize;
use views::Lang;

use super::fiscal_year::FiscalYear;
use super::queries::{self, Labels};
use crate::seminars::model::SeminarStatus;

/// The code of a value that was not given (a registrant who left the prefecture empty).
pub const UNKNOWN: &str = "unknown";

/// One line of a breakdown of participants.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ParticipantItem {
    /// The code (JIS prefecture code as text, industry or band code, mode), or `unknown`.
    pub code: String,
    /// Its label in the report's language.
    pub label: String,
    /// Registrations received (any status).
    pub registrations: u64,
    /// Of them, attended.
    pub attendees: u64,
}

/// One line of a count of things (seminars, introductions) by a code.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CountItem {
    /// The code.
    pub code: String,
    /// Its label.
    pub label: String,
    /// How many.
    pub count: u64,
}

/// The survey after the seminars of the year.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SurveyFigures {
    /// Surveys sent.
    pub sent: u64,
    /// Answered.
    pub answered: u64,
    /// answered / sent; `null` when none was sent.
    pub response_rate: Option<f64>,
    /// Average satisfaction (1–5), two decimals.
    pub satisfaction_average: Option<f64>,
    /// Average usefulness (1–5), two decimals.
    pub usefulness_average: Option<f64>,
}

/// The seminars section.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SeminarFigures {
    /// Published seminars that started in the year (up to the moment of the report).
    pub held: u64,
    /// Published seminars of the year that have not started yet.
    pub scheduled: u64,
    /// Seminars of the year that were called off.
    pub cancelled: u64,
    /// Held and scheduled seminars by industry.
    pub seminars_by_industry: Vec<CountItem>,
    /// ... by prefecture.
    pub seminars_by_prefecture: Vec<CountItem>,
    /// ... by format.
    pub seminars_by_format: Vec<CountItem>,
    /// Registrations received for them (any status).
    pub registrations: u64,
    /// Of them, holding a seat.
    pub confirmed: u64,
    /// Attended: checked in onsite, or by attendance code or imported attendance online.
    pub attendees: u64,
    /// attendees / confirmed.
    pub turnout: Option<f64>,
    /// People on a waitlist who never got a seat.
    pub waitlist_demand: u64,
    /// Registrations withdrawn or cancelled.
    pub cancelled_registrations: u64,
    /// Participants by prefecture.
    pub by_prefecture: Vec<ParticipantItem>,
    /// ... by industry.
    pub by_industry: Vec<ParticipantItem>,
    /// ... by employee band.
    pub by_employee_band: Vec<ParticipantItem>,
    /// ... by mode (onsite, online).
    pub by_mode: Vec<ParticipantItem>,
    /// Distinct organisations among the attendees (company names compared normalised).
    pub distinct_organizations: u64,
    /// Attendees who attended two or more seminars in the year (matched by normalised email).
    pub returning_participants: u64,
    /// Attendees who had never attended a seminar before the year.
    pub first_timers: u64,
    /// The survey.
    pub survey: SurveyFigures,
}

/// A topic of the newsletter in the year.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TopicItem {
    /// Topic code, or `all` for issues sent to every subscriber.
    pub code: String,
    /// Label.
    pub label: String,
    /// Issues sent.
    pub campaigns: u64,
    /// Messages delivered.
    pub delivered: u64,
}

/// The newsletter section.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct NewsletterFigures {
    /// Subscribers (confirmed, not ended) on 1 April.
    pub subscribers_at_start: u64,
    /// ... at the end of the year (or now, for the current year).
    pub subscribers_at_end: u64,
    /// Confirmations (by link or import with recorded consent) in the year.
    pub new_confirmations: u64,
    /// Unsubscribes.
    pub unsubscribes: u64,
    /// Addresses suppressed after bounces.
    pub bounce_suppressions: u64,
    /// Issues sent.
    pub campaigns_sent: u64,
    /// Messages delivered for them.
    pub messages_delivered: u64,
    /// By topic (an issue for several topics counts under each).
    pub by_topic: Vec<TopicItem>,
}

/// A family of board categories.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FamilyItem {
    /// A ... E.
    pub code: String,
    /// Label.
    pub label: String,
    /// Needs published with a category of the family.
    pub needs: u64,
    /// Offerings published with one.
    pub offerings: u64,
}

/// The matching board section.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MatchingFigures {
    /// Needs published in the year.
    pub needs_published: u64,
    /// Offerings published.
    pub offerings_published: u64,
    /// By family (a post with categories of several families counts under each).
    pub by_family: Vec<FamilyItem>,
    /// Introductions requested in the year.
    pub introductions_requested: u64,
    /// Of them, accepted by both sides.
    pub introductions_accepted: u64,
    /// Of them, by the stage they reached.
    pub by_stage: Vec<CountItem>,
    /// Median days from a need's publication (in the year) to its first accepted introduction.
    pub median_days_to_first_accepted: Option<f64>,
}

/// One fiscal year.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct YearFigures {
    /// The Western year it starts in.
    pub fiscal_year: i32,
    /// 「令和8年度」 (Japanese) or "FY2026" (English).
    pub label: String,
    /// 1 April, `YYYY-MM-DD`.
    pub first_day: String,
    /// 31 March.
    pub last_day: String,
    /// Seminars.
    pub seminars: SeminarFigures,
    /// Newsletter.
    pub newsletter: NewsletterFigures,
    /// Matching board.
    pub matching: MatchingFigures,
}

/// The rows of one year, as read.
#[derive(Debug, Clone, Default)]
pub struct Source {
    /// Seminars starting in the year.
    pub seminars: Vec<queries::SeminarRow>,
    /// Their registrations (published seminars only).
    pub registrations: Vec<queries::RegistrationRow>,
    /// Who attended before the year.
    pub attended_before: Vec<String>,
    /// Surveys.
    pub surveys: Vec<queries::SurveyRow>,
    /// Consent events up to the end.
    pub consent: Vec<queries::ConsentRow>,
    /// Campaigns sent.
    pub campaigns: Vec<queries::CampaignRow>,
    /// Messages delivered by `campaign:{id}`.
    pub delivered: Vec<(String, i64)>,
    /// Needs published.
    pub needs: Vec<queries::PostRow>,
    /// Offerings published.
    pub offerings: Vec<queries::PostRow>,
    /// Introductions requested in the year.
    pub introductions: Vec<queries::IntroductionRow>,
    /// Introductions of the needs published in the year.
    pub introductions_of_needs: Vec<queries::IntroductionRow>,
}

/// The reference data the labels come from.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Prefectures.
    pub prefectures: Labels,
    /// Industries.
    pub industries: Labels,
    /// Employee bands.
    pub bands: Labels,
    /// Newsletter topics.
    pub topics: Labels,
    /// Board category families.
    pub families: Labels,
}

/// Which instant the year is judged at: its end, or now for the current year.
fn cutoff(fy: FiscalYear, now: NaiveDateTime) -> NaiveDateTime {
    let (_, end) = fy.utc_bounds();
    end.min(now)
}

fn pick(lang: Lang, ja: &str, en: &str) -> String {
    match lang {
        Lang::Ja => ja.to_string(),
        Lang::En => en.to_string(),
    }
}

fn share(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| round(part as f64 / whole as f64, 4))
}

fn round(v: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (v * f).round() / f
}

fn average(values: impl Iterator<Item = i32>) -> Option<f64> {
    let (sum, n) = values.fold((0i64, 0i64), |(s, n), v| (s + i64::from(v), n + 1));
    (n > 0).then(|| round(sum as f64 / n as f64, 2))
}

/// Normalised for matching: trimmed, NFKC, lower case.
fn normalised(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.trim().nfkc().collect::<String>().to_lowercase()
}

fn unknown_label(lang: Lang) -> String {
    lang.t("reports.unknown").to_string()
}

/// Counts of participants by a key, in the order of `labels` (codes with no registrations
/// left out), then codes outside the list, then `unknown`.
fn participants_by(
    regs: &[&queries::RegistrationRow],
    key: impl Fn(&queries::RegistrationRow) -> Option<String>,
    labels: &[(String, String)],
    lang: Lang,
) -> Vec<ParticipantItem> {
    let mut counts: HashMap<String, (u64, u64)> = HashMap::new();
    for r in regs {
        let code = key(r).unwrap_or_else(|| UNKNOWN.to_string());
        let entry = counts.entry(code).or_default();
        entry.0 += 1;
        entry.1 += u64::from(r.checked_in_at.is_some());
    }
    let mut out = Vec::new();
    for (code, label) in labels {
        if let Some((registrations, attendees)) = counts.remove(code) {
            out.push(ParticipantItem {
                code: code.clone(),
                label: label.clone(),
                registrations,
                attendees,
            });
        }
    }
    let mut rest: Vec<(String, (u64, u64))> = counts.into_iter().collect();
    rest.sort_by(|a, b| (a.0 == UNKNOWN, &a.0).cmp(&(b.0 == UNKNOWN, &b.0)));
    for (code, (registrations, attendees)) in rest {
        let label = if code == UNKNOWN {
            unknown_label(lang)
        } else {
            code.clone()
        };
        out.push(ParticipantItem {
            code,
            label,
            registrations,
            attendees,
        });
    }
    out
}

fn counts_by(codes: impl Iterator<Item = String>, labels: &[(String, String)]) -> Vec<CountItem> {
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for code in codes {
        *counts.entry(code).or_default() += 1;
    }
    let mut out: Vec<CountItem> = labels
        .iter()
        .filter_map(|(code, label)| {
            counts.remove(code).map(|count| CountItem {
                code: code.clone(),
                label: label.clone(),
                count,
            })
        })
        .collect();
    out.extend(counts.into_iter().map(|(code, count)| CountItem {
        label: code.clone(),
        code,
        count,
    }));
    out
}

fn localized(labels: &Labels, lang: Lang) -> Vec<(String, String)> {
    labels
        .iter()
        .map(|(c, ja, en)| (c.clone(), pick(lang, ja, en)))
        .collect()
}

/// The seminars section from its rows.
pub fn seminars(
    fy: FiscalYear,
    src: &Source,
    cat: &Catalog,
    lang: Lang,
    now: NaiveDateTime,
) -> SeminarFigures {
    let until = cutoff(fy, now);
    let published: Vec<&queries::SeminarRow> = src
        .seminars
        .iter()
        .filter(|s| s.status == SeminarStatus::Published)
        .collect();
    let published_ids: HashSet<i64> = published.iter().map(|s| s.id).collect();
    let held = published.iter().filter(|s| s.starts_at <= until).count() as u64;
    let cancelled = src
        .seminars
        .iter()
        .filter(|s| s.status == SeminarStatus::Cancelled)
        .count() as u64;
    let prefectures = localized(&cat.prefectures, lang);
    let industries = localized(&cat.industries, lang);
    let formats: Vec<(String, String)> = crate::seminars::model::Format::ALL
        .iter()
        .map(|f| (f.to_string(), lang.t(format_key(f)).to_string()))
        .collect();
    let regs: Vec<&queries::RegistrationRow> = src
        .registrations
        .iter()
        .filter(|r| published_ids.contains(&r.seminar_id))
        .collect();
    let count =
        |f: &dyn Fn(&queries::RegistrationRow) -> bool| regs.iter().filter(|r| f(r)).count() as u64;
    let confirmed =
        count(&|r| r.status == crate::registrations::model::RegistrationStatus::Confirmed);
    let attendees = count(&|r| r.checked_in_at.is_some());
    let industry_codes: HashSet<&str> = industries.iter().map(|(c, _)| c.as_str()).collect();
    let modes: Vec<(String, String)> = crate::seminars::model::Mode::ALL
        .iter()
        .map(|m| {
            let key = crate::seminars::model::Mode::parse(m)
                .map_or("reports.unknown", crate::seminars::model::Mode::label_key);
            (m.to_string(), lang.t(key).to_string())
        })
        .collect();

    // Attendance per person (normalised email): how many seminars of the year.
    let mut attended: HashMap<String, u64> = HashMap::new();
    let mut organizations: HashSet<String> = HashSet::new();
    for r in regs.iter().filter(|r| r.checked_in_at.is_some()) {
        *attended.entry(normalised(&r.email)).or_default() += 1;
        let company = normalised(&r.company);
        if !company.is_empty() {
            organizations.insert(company);
        }
    }
    let before: HashSet<String> = src.attended_before.iter().map(|e| normalised(e)).collect();
    let surveys = &src.surveys;
    let answered: Vec<&queries::SurveyRow> =
        surveys.iter().filter(|s| s.answered_at.is_some()).collect();
    SeminarFigures {
        held,
        scheduled: published.len() as u64 - held,
        cancelled,
        seminars_by_industry: counts_by(published.iter().map(|s| s.industry.clone()), &industries),
        seminars_by_prefecture: counts_by(
            published.iter().map(|s| s.prefecture.to_string()),
            &prefectures,
        ),
        seminars_by_format: counts_by(published.iter().map(|s| s.format.clone()), &formats),
        registrations: regs.len() as u64,
        confirmed,
        attendees,
        turnout: share(attendees, confirmed),
        waitlist_demand: count(&|r| {
            r.status == crate::registrations::model::RegistrationStatus::Waitlisted
        }),
        cancelled_registrations: count(&|r| {
            r.status == crate::registrations::model::RegistrationStatus::Cancelled
        }),
        by_prefecture: participants_by(
            &regs,
            |r| r.prefecture.map(|p| p.to_string()),
            &prefectures,
            lang,
        ),
        by_industry: participants_by(
            &regs,
            // Codes outside the list (free text of an old form) count as その他.
            |r| {
                let code = r.industry.trim();
                if code.is_empty() {
                    None
                } else if industry_codes.contains(code) {
                    Some(code.to_string())
                } else {
                    Some("other".to_string())
                }
            },
            &industries,
            lang,
        ),
        by_employee_band: participants_by(
            &regs,
            |r| r.employee_band.clone().filter(|b| !b.is_empty()),
            &localized(&cat.bands, lang),
            lang,
        ),
        by_mode: participants_by(&regs, |r| Some(r.mode.clone()), &modes, lang),
        distinct_organizations: organizations.len() as u64,
        returning_participants: attended.values().filter(|&&n| n >= 2).count() as u64,
        first_timers: attended.keys().filter(|e| !before.contains(*e)).count() as u64,
        survey: SurveyFigures {
            sent: surveys.len() as u64,
            answered: answered.len() as u64,
            response_rate: share(answered.len() as u64, surveys.len() as u64),
            satisfaction_average: average(answered.iter().filter_map(|s| s.satisfaction)),
            usefulness_average: average(answered.iter().filter_map(|s| s.usefulness)),
        },
    }
}

fn format_key(format: &str) -> &'static str {
    match format {
        "online" => "reports.format.online",
        "onsite" => "reports.format.onsite",
        _ => "reports.format.hybrid",
    }
}

/// Whether a consent event makes a subscription active (`Some(true)`), ends it
/// (`Some(false)`), or leaves it as it was.
fn activity(event: &queries::ConsentRow) -> Option<bool> {
    match event.event.as_str() {
        "confirmed" | "resumed" => Some(true),
        "imported" => serde_json::from_str::<serde_json::Value>(&event.detail)
            .ok()
            .and_then(|d| d.get("confirmed").and_then(serde_json::Value::as_bool))
            .filter(|&confirmed| confirmed),
        "unsubscribed" | "suppressed" => Some(false),
        _ => None,
    }
}

/// Subscribers active at `at`, from the events in order.
fn active_at(events: &[queries::ConsentRow], at: NaiveDateTime) -> u64 {
    let mut state: HashMap<i64, bool> = HashMap::new();
    for e in events.iter().filter(|e| e.at < at) {
        if let Some(active) = activity(e) {
            state.insert(e.subscriber_id, active);
        }
    }
    state.values().filter(|&&a| a).count() as u64
}

/// The newsletter section from its rows.
pub fn newsletter(
    fy: FiscalYear,
    src: &Source,
    cat: &Catalog,
    lang: Lang,
    now: NaiveDateTime,
) -> NewsletterFigures {
    let (start, _) = fy.utc_bounds();
    let until = cutoff(fy, now);
    let in_year: Vec<&queries::ConsentRow> = src
        .consent
        .iter()
        .filter(|e| e.at >= start && e.at < until)
        .collect();
    let events_named = |name: &str| in_year.iter().filter(|e| e.event == name).count() as u64;
    let delivered: HashMap<&str, u64> = src
        .delivered
        .iter()
        .map(|(s, n)| (s.as_str(), u64::try_from(*n).unwrap_or(0)))
        .collect();
    let mut by_topic: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut messages = 0;
    for c in &src.campaigns {
        let sent = delivered
            .get(format!("campaign:{}", c.id).as_str())
            .copied()
            .unwrap_or(0);
        messages += sent;
        let codes: Vec<String> = c
            .topics
            .as_deref()
            .and_then(|t| serde_json::from_str::<Vec<String>>(t).ok())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| vec!["all".to_string()]);
        for code in codes {
            let entry = by_topic.entry(code).or_default();
            entry.0 += 1;
            entry.1 += sent;
        }
    }
    let mut topics: Vec<TopicItem> = Vec::new();
    for (code, ja, en) in &cat.topics {
        if let Some((campaigns, delivered)) = by_topic.remove(code) {
            topics.push(TopicItem {
                code: code.clone(),
                label: pick(lang, ja, en),
                campaigns,
                delivered,
            });
        }
    }
    for (code, (campaigns, delivered)) in by_topic {
        let label = if code == "all" {
            lang.t("reports.newsletter.all_topics").to_string()
        } else {
            code.clone()
        };
        topics.push(TopicItem {
            code,
            label,
            campaigns,
            delivered,
        });
    }
    NewsletterFigures {
        subscribers_at_start: active_at(&src.consent, start),
        subscribers_at_end: active_at(&src.consent, until),
        new_confirmations: in_year.iter().filter(|e| activity(e) == Some(true)).count() as u64
            - events_named("resumed"),
        unsubscribes: events_named("unsubscribed"),
        bounce_suppressions: events_named("suppressed"),
        campaigns_sent: src.campaigns.len() as u64,
        messages_delivered: messages,
        by_topic: topics,
    }
}

/// The families (first letters) of a post's categories (stored `B2,B7`), each once.
fn families(categories: &str) -> Vec<String> {
    let mut out: Vec<String> = categories
        .split(',')
        .filter_map(|c| c.trim().chars().next())
        .map(|c| c.to_string())
        .collect();
    out.sort();
    out.dedup();
    out
}

fn accepted_at(i: &queries::IntroductionRow) -> Option<NaiveDateTime> {
    Some(i.sme_consent_at?.max(i.vendor_consent_at?))
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    let m = if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    };
    Some(round(m, 1))
}

/// The matching board section from its rows.
pub fn matching(src: &Source, cat: &Catalog, lang: Lang) -> MatchingFigures {
    let mut by_family: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for n in &src.needs {
        for f in families(&n.categories) {
            by_family.entry(f).or_default().0 += 1;
        }
    }
    for o in &src.offerings {
        for f in families(&o.categories) {
            by_family.entry(f).or_default().1 += 1;
        }
    }
    let mut family_items = Vec::new();
    for (code, ja, en) in &cat.families {
        if let Some((needs, offerings)) = by_family.remove(code) {
            family_items.push(FamilyItem {
                code: code.clone(),
                label: pick(lang, ja, en),
                needs,
                offerings,
            });
        }
    }
    family_items.extend(
        by_family
            .into_iter()
            .map(|(code, (needs, offerings))| FamilyItem {
                label: code.clone(),
                code,
                needs,
                offerings,
            }),
    );
    let stages: Vec<(String, String)> = crate::matching::labels::STAGES
        .iter()
        .map(|(code, key)| (code.to_string(), lang.t(key).to_string()))
        .collect();
    let published: HashMap<i64, NaiveDateTime> = src
        .needs
        .iter()
        .filter_map(|n| Some((n.id, n.published_at?)))
        .collect();
    let mut first_accepted: HashMap<i64, NaiveDateTime> = HashMap::new();
    for i in &src.introductions_of_needs {
        if let Some(at) = accepted_at(i) {
            let entry = first_accepted.entry(i.need_id).or_insert(at);
            *entry = (*entry).min(at);
        }
    }
    let days: Vec<f64> = first_accepted
        .iter()
        .filter_map(|(need, at)| {
            let from = published.get(need)?;
            Some((*at - *from).num_seconds().max(0) as f64 / 86_400.0)
        })
        .collect();
    MatchingFigures {
        needs_published: src.needs.len() as u64,
        offerings_published: src.offerings.len() as u64,
        by_family: family_items,
        introductions_requested: src.introductions.len() as u64,
        introductions_accepted: src
            .introductions
            .iter()
            .filter(|i| accepted_at(i).is_some())
            .count() as u64,
        by_stage: counts_by(src.introductions.iter().map(|i| i.stage.clone()), &stages),
        median_days_to_first_accepted: median(days),
    }
}

/// The whole year.
pub fn year(
    fy: FiscalYear,
    src: &Source,
    cat: &Catalog,
    lang: Lang,
    now: NaiveDateTime,
) -> YearFigures {
    YearFigures {
        fiscal_year: fy.year(),
        label: fy.label(lang),
        first_day: fy.first_day().to_string(),
        last_day: fy.last_day().to_string(),
        seminars: seminars(fy, src, cat, lang, now),
        newsletter: newsletter(fy, src, cat, lang, now),
        matching: matching(src, cat, lang),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn event(id: i64, name: &str, at: &str) -> queries::ConsentRow {
        queries::ConsentRow {
            subscriber_id: id,
            event: name.into(),
            detail: if name == "imported" {
                r#"{"confirmed":true}"#.into()
            } else {
                "{}".into()
            },
            at: t(at),
        }
    }

    #[test]
    fn subscribers_are_counted_from_their_consent_history() {
        let fy = FiscalYear::new(2026).unwrap();
        let src = Source {
            consent: vec![
                event(1, "confirmed", "2026-01-10 00:00"),
                event(2, "subscribed", "2026-02-10 00:00"),
                event(3, "imported", "2026-05-01 00:00"),
                event(1, "unsubscribed", "2026-06-01 00:00"),
                event(4, "confirmed", "2026-07-01 00:00"),
                event(4, "suppressed", "2026-08-01 00:00"),
                event(5, "confirmed", "2026-09-01 00:00"),
                event(5, "paused", "2026-09-02 00:00"),
                event(5, "resumed", "2026-09-03 00:00"),
            ],
            ..Default::default()
        };
        let n = newsletter(
            fy,
            &src,
            &Catalog::default(),
            Lang::Ja,
            t("2027-06-01 00:00"),
        );
        assert_eq!(n.subscribers_at_start, 1);
        assert_eq!(n.subscribers_at_end, 2);
        assert_eq!(n.new_confirmations, 3);
        assert_eq!(n.unsubscribes, 1);
        assert_eq!(n.bounce_suppressions, 1);
    }

    #[test]
    fn medians_and_families() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0]), Some(2.5));
        assert_eq!(median(vec![]), None);
        assert_eq!(families("B2,A1,B7"), vec!["A", "B"]);
        assert_eq!(normalised("  Ｔａｒｏ@Example.JP "), "taro@example.jp");
    }
}
