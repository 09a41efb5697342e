//! Seminar input (staff form and API) and its validation into [`SeminarData`].

use chrono::{Datelike, Duration, NaiveDateTime};
use serde::Deserialize;

use super::model::{Format, Question, QuestionKind, SeminarData};
use crate::validate::{self, Invalid};

/// Field errors: field name and what is wrong.
pub type FieldErrors = Vec<(&'static str, Invalid)>;

fn invalid(key: &'static str) -> Invalid {
    Invalid {
        key,
        args: Vec::new(),
    }
}

/// The staff form as submitted (every value a string, so it can be shown again).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SeminarForm {
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Markdown body.
    pub body_md: String,
    /// Industry code.
    pub industry: String,
    /// Prefecture code.
    pub prefecture: String,
    /// Format.
    pub format: String,
    /// Venue.
    pub venue: String,
    /// Address.
    pub address: String,
    /// Join URL.
    pub online_url: String,
    /// Start, datetime-local in Tokyo (or RFC 3339 from the API).
    pub starts_at: String,
    /// End.
    pub ends_at: String,
    /// Opening of registration (optional).
    pub registration_opens_at: String,
    /// Deadline.
    pub registration_closes_at: String,
    /// Seats at the venue.
    pub capacity_onsite: String,
    /// Seats online.
    pub capacity_online: String,
    /// Hosts, one per line.
    pub hosts: String,
    /// Co-hosts, one per line.
    pub cohosts: String,
    /// Speakers, one per line.
    pub speakers: String,
    /// Fee text.
    pub fee: String,
    /// Extra questions as JSON.
    pub questions: String,
    /// Reminder time, `HH:MM` (Tokyo, the day before), or [`NO_REMINDER`]; 10:00 when the
    /// field is not sent at all (an empty value is refused).
    #[serde(default = "default_reminder_time")]
    pub reminder_time: String,
    /// `first_come` (the default when not sent) or `lottery`.
    #[serde(default = "default_allocation")]
    pub allocation: String,
    /// The draw time of a lottery, datetime-local in Tokyo (or RFC 3339); empty: the deadline.
    pub draw_at: String,
    /// What happens to those a lottery does not draw: [`LOTTERY_WAITLIST`] (the default when
    /// not sent) or [`LOTTERY_NOT_DRAWN`].
    #[serde(default = "default_lottery_rest")]
    pub lottery_rest: String,
    /// The most participants of one group entry (申込1件あたりの人数), 1 to [`GROUP_LIMIT_MAX`];
    /// 1 (no groups) when not sent or empty.
    #[serde(default)]
    pub group_limit: String,
    /// CSRF token (checked by the middleware).
    pub csrf_token: String,
}

/// The value of the lottery field: those not drawn wait in drawn order.
pub const LOTTERY_WAITLIST: &str = "waitlist";
/// The value of the lottery field: those not drawn are told so.
pub const LOTTERY_NOT_DRAWN: &str = "not_drawn";

fn default_allocation() -> String {
    super::model::Allocation::FirstCome.as_str().into()
}

fn default_lottery_rest() -> String {
    LOTTERY_WAITLIST.into()
}

/// The value of the reminder field that turns the reminder off.
pub const NO_REMINDER: &str = "none";

const TITLE_MAX: usize = 200;
const SUMMARY_MAX: usize = 1000;
const BODY_MAX: usize = 20_000;
const LINE_MAX: usize = 200;
const CAPACITY_MAX: i32 = 100_000;
/// The most participants staff may allow in one group entry.
pub const GROUP_LIMIT_MAX: i32 = 20;

fn group_limit(value: &str) -> Result<i32, Invalid> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(1);
    }
    match value.parse::<i64>() {
        Ok(n) if (1..=i64::from(GROUP_LIMIT_MAX)).contains(&n) => Ok(n as i32),
        _ => Err(Invalid {
            key: "groups.err_limit",
            args: vec![("max", GROUP_LIMIT_MAX.to_string())],
        }),
    }
}

/// A newline-separated list, each entry a checked line.
fn lines(value: &str) -> Result<Vec<String>, Invalid> {
    let mut out = Vec::new();
    for l in value.split('\n') {
        let l = validate::line(l.trim_end_matches('\r'), false, LINE_MAX)?;
        if !l.is_empty() {
            out.push(l);
        }
    }
    if out.len() > 20 {
        return Err(invalid("seminars.err_too_many"));
    }
    Ok(out)
}

fn capacity(value: &str) -> Result<i32, Invalid> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(0);
    }
    match value.parse::<i64>() {
        Ok(n) if (0..=CAPACITY_MAX as i64).contains(&n) => Ok(n as i32),
        _ => Err(invalid("seminars.err_capacity")),
    }
}

/// The times a seminar can mean: a programme is planned a few years ahead and past seminars
/// are entered as records for a while, a seminar lasts days rather than years, and
/// registration opens months rather than decades before it.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    /// The earliest start.
    pub earliest_start: NaiveDateTime,
    /// The latest start.
    pub latest_start: NaiveDateTime,
    /// A stored start that stays as it is (editing an old record), allowed outside the window.
    pub kept_start: Option<NaiveDateTime>,
}

/// How far back a start may be: past seminars entered as records.
pub const YEARS_BACK: i64 = 2;
/// How far ahead a start may be.
pub const YEARS_AHEAD: i64 = 5;
/// The longest seminar (a multi-day exercise included).
pub const MAX_DAYS: i64 = 7;
/// How long before the start registration may open or close.
pub const REGISTRATION_DAYS: i64 = 365;

impl Window {
    /// The window around `now` (UTC); `kept_start` is the stored start of the seminar being
    /// changed, if any.
    pub fn around(now: NaiveDateTime, kept_start: Option<NaiveDateTime>) -> Self {
        let date = now.date();
        let years = |n: i64| {
            date.with_year(date.year() + n as i32)
                // 29 February in a year without it.
                .or_else(|| (date - Duration::days(1)).with_year(date.year() + n as i32))
                .unwrap_or(date)
                .and_time(chrono::NaiveTime::MIN)
        };
        Self {
            earliest_start: years(-YEARS_BACK),
            latest_start: years(YEARS_AHEAD) + Duration::days(1),
            kept_start,
        }
    }

    fn start(&self, start: NaiveDateTime) -> Result<(), Invalid> {
        if self.kept_start == Some(start)
            || (self.earliest_start..self.latest_start).contains(&start)
        {
            return Ok(());
        }
        let day = |t: NaiveDateTime| t.format("%Y-%m-%d").to_string();
        Err(Invalid {
            key: "seminars.err_start_window",
            args: vec![
                ("from", day(self.earliest_start)),
                ("to", day(self.latest_start - Duration::days(1))),
            ],
        })
    }
}

fn days_arg(key: &'static str, days: i64) -> Invalid {
    Invalid {
        key,
        args: vec![("days", days.to_string())],
    }
}

fn default_reminder_time() -> String {
    super::model::DEFAULT_REMINDER_TIME.to_string()
}

/// Checks the reminder field: `HH:MM` (stored as such) or [`NO_REMINDER`] (stored as `None`).
pub fn reminder_time(value: &str) -> Result<Option<String>, Invalid> {
    let value = value.trim();
    if value == NO_REMINDER {
        return Ok(None);
    }
    if value.is_empty() {
        return Err(invalid("form.required_field"));
    }
    super::model::parse_reminder_time(value)
        .map(|t| Some(t.format("%H:%M").to_string()))
        .ok_or_else(|| invalid("seminars.err_reminder_time"))
}

/// The form value of a stored reminder time.
pub fn reminder_value(stored: Option<&str>) -> String {
    stored.unwrap_or(NO_REMINDER).to_string()
}

/// Parses and checks the questions JSON.
pub fn questions(value: &str) -> Result<Vec<Question>, Invalid> {
    if value.trim().is_empty() {
        return Ok(Vec::new());
    }
    let list: Vec<Question> =
        serde_json::from_str(value).map_err(|_| invalid("seminars.err_questions"))?;
    if list.len() > 20 {
        return Err(invalid("seminars.err_questions"));
    }
    for q in &list {
        validate::line(&q.label, true, LINE_MAX).map_err(|_| invalid("seminars.err_questions"))?;
        let choice = matches!(q.kind, QuestionKind::Single | QuestionKind::Multiple);
        if choice == q.options.is_empty() || q.options.len() > 30 {
            return Err(invalid("seminars.err_questions"));
        }
        for o in &q.options {
            validate::line(o, true, LINE_MAX).map_err(|_| invalid("seminars.err_questions"))?;
        }
    }
    Ok(list)
}

impl SeminarForm {
    /// Checks every field; `parse_time` reads the time fields (Tokyo datetime-local from the
    /// form, RFC 3339 from the API); `industries` are the known industry codes; the times must
    /// fall in `window` and within [`MAX_DAYS`] and [`REGISTRATION_DAYS`] of each other.
    pub fn validate(
        &self,
        parse_time: fn(&str) -> Option<NaiveDateTime>,
        industries: &[String],
        window: &Window,
    ) -> Result<SeminarData, FieldErrors> {
        let mut errors: FieldErrors = Vec::new();
        let mut check = |field: &'static str, r: Result<String, Invalid>| match r {
            Ok(v) => v,
            Err(e) => {
                errors.push((field, e));
                String::new()
            }
        };
        let title = check("title", validate::line(&self.title, true, TITLE_MAX));
        let summary = check("summary", validate::text(&self.summary, false, SUMMARY_MAX));
        let body_md = check("body_md", validate::text(&self.body_md, false, BODY_MAX));
        let industry = check(
            "industry",
            if industries.iter().any(|i| i == self.industry.trim()) {
                Ok(self.industry.trim().to_string())
            } else if self.industry.trim().is_empty() {
                Err(invalid("form.required_field"))
            } else {
                Err(invalid("form.invalid_choice"))
            },
        );
        let venue = check("venue", validate::line(&self.venue, false, LINE_MAX));
        let address = check("address", validate::line(&self.address, false, LINE_MAX));
        let online_url = check("online_url", validate::web_url(&self.online_url, 500));
        let fee = check("fee", validate::line(&self.fee, false, 100));
        let format = check(
            "format",
            validate::one_of(&self.format, &Format::ALL).map(str::to_string),
        );
        let mut list = |field: &'static str, value: &str| match lines(value) {
            Ok(v) => serde_json::to_string(&v).unwrap_or_else(|_| "[]".into()),
            Err(e) => {
                errors.push((field, e));
                "[]".into()
            }
        };
        let hosts = list("hosts", &self.hosts);
        let cohosts = list("cohosts", &self.cohosts);
        let speakers = list("speakers", &self.speakers);
        let questions = match questions(&self.questions) {
            Ok(q) => serde_json::to_string(&q).unwrap_or_else(|_| "[]".into()),
            Err(e) => {
                errors.push(("questions", e));
                "[]".into()
            }
        };
        let reminder_time = match reminder_time(&self.reminder_time) {
            Ok(t) => t,
            Err(e) => {
                errors.push(("reminder_time", e));
                None
            }
        };
        // Not sent (an older client, the API without the field): first come, waitlist.
        let or_default =
            |v: &str, d: &'static str| if v.trim().is_empty() { d } else { v }.to_string();
        let allocation = match validate::one_of(
            &or_default(&self.allocation, "first_come"),
            &super::model::Allocation::ALL,
        ) {
            Ok(v) => v.to_string(),
            Err(e) => {
                errors.push(("allocation", e));
                String::new()
            }
        };
        let lottery_waitlist = match validate::one_of(
            &or_default(&self.lottery_rest, LOTTERY_WAITLIST),
            &[LOTTERY_WAITLIST, LOTTERY_NOT_DRAWN],
        ) {
            Ok(v) => v == LOTTERY_WAITLIST,
            Err(e) => {
                errors.push(("lottery_rest", e));
                true
            }
        };
        let prefecture = match self.prefecture.trim().parse::<i32>() {
            Ok(p) if (1..=47).contains(&p) => p,
            _ => {
                errors.push(("prefecture", invalid("form.invalid_choice")));
                0
            }
        };
        let mut time = |field: &'static str, value: &str, required: bool| {
            if value.trim().is_empty() {
                if required {
                    errors.push((field, invalid("form.required_field")));
                }
                return None;
            }
            let t = parse_time(value);
            if t.is_none() {
                errors.push((field, invalid("seminars.err_datetime")));
            }
            t
        };
        let starts_at = time("starts_at", &self.starts_at, true);
        let ends_at = time("ends_at", &self.ends_at, true);
        let opens_at = time("registration_opens_at", &self.registration_opens_at, false);
        let closes_at = time("registration_closes_at", &self.registration_closes_at, true);
        let draw_at = time("draw_at", &self.draw_at, false);
        // A draw before the deadline would shut out later applications; after the start it
        // would come too late for anyone.
        if let (Some(d), Some(c)) = (draw_at, closes_at)
            && d < c
        {
            errors.push(("draw_at", invalid("lottery.err_draw_before_deadline")));
        }
        if let (Some(d), Some(s)) = (draw_at, starts_at)
            && d >= s
        {
            errors.push(("draw_at", invalid("lottery.err_draw_after_start")));
        }
        if let Some(s) = starts_at
            && let Err(e) = window.start(s)
        {
            errors.push(("starts_at", e));
        }
        if let (Some(s), Some(e)) = (starts_at, ends_at) {
            if e <= s {
                errors.push(("ends_at", invalid("seminars.err_end_before_start")));
            } else if e - s > Duration::days(MAX_DAYS) {
                errors.push(("ends_at", days_arg("seminars.err_too_long", MAX_DAYS)));
            }
        }
        let earliest_registration = |s: NaiveDateTime| s - Duration::days(REGISTRATION_DAYS);
        for (field, at) in [
            ("registration_opens_at", opens_at),
            ("registration_closes_at", closes_at),
        ] {
            if let (Some(s), Some(at)) = (starts_at, at)
                && at < earliest_registration(s)
            {
                errors.push((
                    field,
                    days_arg("seminars.err_registration_too_early", REGISTRATION_DAYS),
                ));
            }
        }
        if let (Some(s), Some(c)) = (starts_at, closes_at)
            && c > s
        {
            errors.push((
                "registration_closes_at",
                invalid("seminars.err_deadline_after_start"),
            ));
        }
        if let (Some(o), Some(c)) = (opens_at, closes_at)
            && o >= c
        {
            errors.push((
                "registration_opens_at",
                invalid("seminars.err_opens_after_deadline"),
            ));
        }
        let mut cap = |field: &'static str, value: &str| match capacity(value) {
            Ok(n) => n,
            Err(e) => {
                errors.push((field, e));
                0
            }
        };
        let capacity_onsite = cap("capacity_onsite", &self.capacity_onsite);
        let capacity_online = cap("capacity_online", &self.capacity_online);
        let group_limit = match group_limit(&self.group_limit) {
            Ok(n) => n,
            Err(e) => {
                errors.push(("group_limit", e));
                1
            }
        };
        if let Some(f) = Format::parse(&format) {
            let modes = f.modes();
            if modes.contains(&super::model::Mode::Onsite) && capacity_onsite == 0 {
                errors.push(("capacity_onsite", invalid("seminars.err_capacity_needed")));
            }
            if modes.contains(&super::model::Mode::Online) && capacity_online == 0 {
                errors.push(("capacity_online", invalid("seminars.err_capacity_needed")));
            }
        }
        let (Some(starts_at), Some(ends_at), Some(registration_closes_at), true) =
            (starts_at, ends_at, closes_at, errors.is_empty())
        else {
            return Err(errors);
        };
        Ok(SeminarData {
            title,
            summary,
            body_md,
            industry,
            prefecture,
            format,
            venue,
            address,
            online_url,
            starts_at,
            ends_at,
            registration_opens_at: opens_at,
            registration_closes_at,
            capacity_onsite,
            capacity_online,
            hosts,
            cohosts,
            speakers,
            fee: if fee.is_empty() { "無料".into() } else { fee },
            questions,
            reminder_time,
            allocation,
            draw_at,
            lottery_waitlist,
            group_limit,
        })
    }

    /// The form filled with a stored seminar's values (times in Tokyo).
    pub fn of(d: &SeminarData) -> Self {
        let join = |json: &str| super::model::name_list(json).join("\n");
        let t = crate::time::local_input_value;
        Self {
            title: d.title.clone(),
            summary: d.summary.clone(),
            body_md: d.body_md.clone(),
            industry: d.industry.clone(),
            prefecture: d.prefecture.to_string(),
            format: d.format.clone(),
            venue: d.venue.clone(),
            address: d.address.clone(),
            online_url: d.online_url.clone(),
            starts_at: t(d.starts_at),
            ends_at: t(d.ends_at),
            registration_opens_at: d.registration_opens_at.map(t).unwrap_or_default(),
            registration_closes_at: t(d.registration_closes_at),
            capacity_onsite: d.capacity_onsite.to_string(),
            capacity_online: d.capacity_online.to_string(),
            hosts: join(&d.hosts),
            cohosts: join(&d.cohosts),
            speakers: join(&d.speakers),
            fee: d.fee.clone(),
            questions: if d.questions == "[]" {
                String::new()
            } else {
                d.questions.clone()
            },
            reminder_time: reminder_value(d.reminder_time.as_deref()),
            allocation: d.allocation.clone(),
            draw_at: d.draw_at.map(t).unwrap_or_default(),
            lottery_rest: if d.lottery_waitlist {
                LOTTERY_WAITLIST
            } else {
                LOTTERY_NOT_DRAWN
            }
            .into(),
            group_limit: d.group_limit.to_string(),
            csrf_token: String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> SeminarForm {
        SeminarForm {
            title: "製造業向け演習".into(),
            industry: "manufacturing".into(),
            prefecture: "40".into(),
            format: "hybrid".into(),
            starts_at: "2026-12-10T13:00".into(),
            ends_at: "2026-12-10T17:00".into(),
            registration_closes_at: "2026-12-09T17:00".into(),
            capacity_onsite: "30".into(),
            capacity_online: "100".into(),
            hosts: "九州大学\n\n九州経済産業局".into(),
            reminder_time: "10:00".into(),
            ..Default::default()
        }
    }

    fn window() -> Window {
        Window::around(at("2026-12-01T09:00"), None)
    }

    fn at(s: &str) -> NaiveDateTime {
        crate::time::parse_local_input(s).unwrap()
    }

    fn check(f: &SeminarForm) -> Result<SeminarData, FieldErrors> {
        f.validate(
            crate::time::parse_local_input,
            &["manufacturing".into()],
            &window(),
        )
    }

    fn keys(f: &SeminarForm) -> Vec<(&'static str, &'static str)> {
        check(f)
            .unwrap_err()
            .iter()
            .map(|(f, e)| (*f, e.key))
            .collect()
    }

    #[test]
    fn a_good_form_validates() {
        let d = check(&form()).unwrap();
        assert_eq!(d.hosts, r#"["九州大学","九州経済産業局"]"#);
        assert_eq!(d.fee, "無料");
        assert_eq!(d.reminder_time.as_deref(), Some("10:00"));
    }

    #[test]
    fn the_reminder_time_is_a_time_or_none() {
        assert_eq!(reminder_time("18:30").unwrap().as_deref(), Some("18:30"));
        assert_eq!(reminder_time(" 9:00 ").unwrap().as_deref(), Some("09:00"));
        assert_eq!(reminder_time("none").unwrap(), None);
        assert_eq!(reminder_time("").unwrap_err().key, "form.required_field");
        for bad in ["25:00", "10:00\r\nX", "noon", "10:00:00"] {
            assert_eq!(
                reminder_time(bad).unwrap_err().key,
                "seminars.err_reminder_time",
                "{bad}"
            );
        }
        let mut f = form();
        f.reminder_time = "7pm".into();
        let errors = check(&f).unwrap_err();
        assert_eq!(errors[0].0, "reminder_time");
        assert_eq!(reminder_value(None), "none");
    }

    #[test]
    fn a_deadline_after_the_start_is_refused() {
        let mut f = form();
        f.registration_closes_at = "2026-12-11T10:00".into();
        f.capacity_onsite = "-1".into();
        f.format = "party".into();
        let errors = check(&f).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|(f, _)| *f).collect();
        assert!(fields.contains(&"registration_closes_at"));
        assert!(fields.contains(&"capacity_onsite"));
        assert!(fields.contains(&"format"));
    }

    #[test]
    fn times_stay_within_what_a_seminar_can_mean() {
        let mut f = form();
        f.starts_at = "1900-01-01T13:00".into();
        f.ends_at = "1900-01-01T17:00".into();
        f.registration_closes_at = "1899-12-31T17:00".into();
        assert_eq!(keys(&f), [("starts_at", "seminars.err_start_window")]);
        let e = &check(&f).unwrap_err()[0].1;
        assert_eq!(
            e.args,
            [
                ("from", "2024-12-01".to_string()),
                ("to", "2031-12-01".to_string())
            ]
        );
        f.starts_at = "9999-12-31T13:00".into();
        f.ends_at = "9999-12-31T17:00".into();
        f.registration_closes_at = "9999-12-30T17:00".into();
        assert_eq!(keys(&f), [("starts_at", "seminars.err_start_window")]);
        // A 973-year seminar, a registration opening in year 0.
        let mut f = form();
        f.ends_at = "2999-12-10T17:00".into();
        f.registration_opens_at = "0000-01-01T00:00".into();
        assert_eq!(
            keys(&f),
            [
                ("ends_at", "seminars.err_too_long"),
                (
                    "registration_opens_at",
                    "seminars.err_registration_too_early"
                ),
            ]
        );
        let mut f = form();
        f.registration_closes_at = "2025-12-01T17:00".into();
        assert_eq!(
            keys(&f),
            [(
                "registration_closes_at",
                "seminars.err_registration_too_early"
            )]
        );
        // The edges are in: two years back (a record), five ahead, a week long.
        let mut f = form();
        f.starts_at = "2024-12-01T10:00".into();
        f.ends_at = "2024-12-08T10:00".into();
        f.registration_closes_at = "2024-11-30T17:00".into();
        assert!(check(&f).is_ok());
        f.starts_at = "2031-12-01T23:00".into();
        f.ends_at = "2031-12-02T01:00".into();
        f.registration_closes_at = "2031-11-30T17:00".into();
        assert!(check(&f).is_ok());
        // An old record keeps its start when edited.
        let mut f = form();
        f.starts_at = "2020-06-01T13:00".into();
        f.ends_at = "2020-06-01T17:00".into();
        f.registration_closes_at = "2020-05-31T17:00".into();
        assert!(check(&f).is_err());
        let kept = Window::around(at("2026-12-01T09:00"), Some(at("2020-06-01T13:00")));
        assert!(
            f.validate(
                crate::time::parse_local_input,
                &["manufacturing".into()],
                &kept
            )
            .is_ok()
        );
    }

    #[test]
    fn join_urls_are_absolute_web_addresses() {
        for bad in ["http://", "http://exa mple.jp/", "webex.example.jp/j/1"] {
            let mut f = form();
            f.online_url = bad.into();
            assert_eq!(keys(&f), [("online_url", "form.invalid_url")], "{bad}");
        }
    }

    #[test]
    fn questions_are_checked() {
        assert!(questions(r#"[{"label":"業種","kind":"single","options":["a","b"]}]"#).is_ok());
        assert!(questions(r#"[{"label":"業種","kind":"single"}]"#).is_err());
        assert!(questions(r#"[{"label":"x","kind":"essay"}]"#).is_err());
        assert!(questions("not json").is_err());
    }
}
