//! The fiscal-year report: a year (FY2025) and the year before (FY2024) built in the database
//! with seminars, registrations, check-ins, survey answers, subscribers, campaigns, board posts
//! and introductions; the figures read back exactly from the JSON API, the staff page, the
//! workbook (through calamine) and the CSV, the publication version's withheld cells, the
//! audit entries, and access control and bad input.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use secunity::accounts::Role;
use secunity::matching::forms::{NeedInput, OfferingInput};
use secunity::matching::queries::{Submit, create_need, create_offering};
use secunity::schema::{
    audit_log, matching_introductions as intro, matching_needs, matching_offerings,
    newsletter_campaigns as camp, newsletter_consent_events as ev, newsletter_subscribers as subs,
    organizations, outbox, registrations as r, seminar_surveys as sv, seminars as s,
};
use serde_json::Value;

use crate::seminars::data;
use crate::support::{TestApp, spawn_app};

/// A stored UTC time from Tokyo local time.
fn jst(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap() - chrono::Duration::hours(9)
}

async fn seminar(
    app: &TestApp,
    industry: &str,
    pref: i32,
    format: &str,
    at: &str,
    st: &str,
) -> i64 {
    let mut d = data(format, 30, 100);
    d.industry = industry.into();
    d.prefecture = pref;
    d.starts_at = jst(at);
    d.ends_at = d.starts_at + chrono::Duration::hours(2);
    d.registration_closes_at = d.starts_at - chrono::Duration::days(1);
    let status = st.to_string();
    app.db(move |c| {
        let id = secunity::seminars::queries::create(c, &d, true, d.starts_at)?;
        diesel::update(s::table.find(id))
            .set(s::status.eq(status))
            .execute(c)?;
        Ok::<_, diesel::result::Error>(id)
    })
    .await
}

/// (email, company, prefecture, industry, band, mode, status, checked in)
type Person = (
    &'static str,
    &'static str,
    Option<i32>,
    &'static str,
    Option<&'static str>,
    &'static str,
    &'static str,
    bool,
);

async fn register(app: &TestApp, seminar_id: i64, people: &[Person]) -> Vec<i64> {
    let people = people.to_vec();
    app.db(move |c| {
        let at: NaiveDateTime = s::table.find(seminar_id).select(s::starts_at).first(c)?;
        let mut ids = Vec::new();
        for (i, (email, company, pref, industry, band, mode, status, present)) in
            people.into_iter().enumerate()
        {
            let id = diesel::insert_into(r::table)
                .values((
                    r::seminar_id.eq(seminar_id),
                    r::name.eq(format!("参加者{i}")),
                    r::company.eq(company),
                    r::email.eq(email),
                    r::prefecture.eq(pref),
                    r::industry.eq(industry),
                    r::employee_band.eq(band),
                    r::mode.eq(mode),
                    r::status.eq(status),
                    r::checked_in_at.eq(present.then_some(at)),
                    r::token_hash.eq(format!("hash-{seminar_id}-{email}")),
                    r::created_at.eq(at - chrono::Duration::days(7)),
                    r::updated_at.eq(at - chrono::Duration::days(7)),
                ))
                .returning(r::id)
                .get_result::<i64>(c)?;
            ids.push(id);
        }
        Ok::<_, diesel::result::Error>(ids)
    })
    .await
}

async fn surveys(app: &TestApp, seminar_id: i64, answers: &[(i64, Option<(i32, i32)>)]) {
    let answers = answers.to_vec();
    app.db(move |c| {
        for (reg, answer) in answers {
            diesel::insert_into(sv::table)
                .values((
                    sv::registration_id.eq(reg),
                    sv::seminar_id.eq(seminar_id),
                    sv::sent_at.eq(jst("2025-07-01 10:00")),
                    sv::answered_at.eq(answer.map(|_| jst("2025-07-02 10:00"))),
                    sv::satisfaction.eq(answer.map(|a| a.0)),
                    sv::usefulness.eq(answer.map(|a| a.1)),
                    sv::topics.eq(""),
                    sv::comments.eq(""),
                ))
                .execute(c)?;
        }
        Ok::<_, diesel::result::Error>(())
    })
    .await
}

async fn newsletter(app: &TestApp) {
    app.db(|c| {
        let histories: [&[(&str, &str)]; 6] = [
            &[("confirmed", "2025-01-10 10:00")],
            &[
                ("confirmed", "2025-02-01 10:00"),
                ("unsubscribed", "2025-08-01 10:00"),
            ],
            &[("imported", "2025-05-01 10:00")],
            &[
                ("confirmed", "2025-06-01 10:00"),
                ("suppressed", "2025-09-01 10:00"),
            ],
            &[("subscribed", "2025-07-01 10:00")],
            &[("confirmed", "2026-05-01 10:00")],
        ];
        for (i, history) in histories.iter().enumerate() {
            let id: i64 = diesel::insert_into(subs::table)
                .values((
                    subs::email.eq(format!("sub{i}@example.jp")),
                    subs::status.eq("active"),
                    subs::pref_nonce.eq(format!("nonce{i}")),
                    subs::consent_source.eq("test"),
                    subs::created_at.eq(jst("2025-01-01 00:00")),
                    subs::updated_at.eq(jst("2025-01-01 00:00")),
                ))
                .returning(subs::id)
                .get_result(c)?;
            for (event, at) in *history {
                let detail = if *event == "imported" {
                    r#"{"confirmed":true}"#
                } else {
                    "{}"
                };
                diesel::insert_into(ev::table)
                    .values((
                        ev::subscriber_id.eq(id),
                        ev::event.eq(*event),
                        ev::source.eq("test"),
                        ev::detail.eq(detail),
                        ev::at.eq(jst(at)),
                    ))
                    .execute(c)?;
            }
        }
        let campaigns = [
            (Some(r#"["events"]"#), "sent", "2025-07-15 10:00", 3, 1),
            (None, "sent", "2025-12-01 10:00", 2, 0),
            (None, "draft", "2025-12-05 10:00", 0, 0),
        ];
        for (i, (topics, status, at, sent, failed)) in campaigns.into_iter().enumerate() {
            let id: i64 = diesel::insert_into(camp::table)
                .values((
                    camp::subject.eq(format!("第{i}号")),
                    camp::body_markdown.eq("本文"),
                    camp::topics.eq(topics),
                    camp::status.eq(status),
                    camp::sent_at.eq((status == "sent").then(|| jst(at))),
                    camp::created_at.eq(jst(at)),
                    camp::updated_at.eq(jst(at)),
                ))
                .returning(camp::id)
                .get_result(c)?;
            for (n, state) in (0..sent)
                .map(|n| (n, "sent"))
                .chain((0..failed).map(|n| (100 + n, "failed")))
            {
                diesel::insert_into(outbox::table)
                    .values((
                        outbox::kind.eq("newsletter"),
                        outbox::priority.eq(5),
                        outbox::recipient.eq(format!("r{n}@example.jp")),
                        outbox::subject.eq("s"),
                        outbox::body_text.eq(""),
                        outbox::body_html.eq(""),
                        outbox::headers.eq("{}"),
                        outbox::attachments.eq("[]"),
                        outbox::message_id.eq(format!("<{id}.{n}@test>")),
                        outbox::source.eq(Some(format!("campaign:{id}"))),
                        outbox::status.eq(state),
                        outbox::attempts.eq(1),
                        outbox::next_attempt_at.eq(jst(at)),
                        outbox::created_at.eq(jst(at)),
                    ))
                    .execute(c)?;
            }
        }
        Ok::<_, diesel::result::Error>(())
    })
    .await
}

async fn board(app: &TestApp) {
    app.db(|c| {
        let org = |c: &mut secunity::db::DbConn, kind: &str, name: &str| {
            diesel::insert_into(organizations::table)
                .values((
                    organizations::kind.eq(kind.to_string()),
                    organizations::name.eq(name.to_string()),
                    organizations::prefecture.eq(40),
                    organizations::created_at.eq(jst("2024-01-01 00:00")),
                ))
                .returning(organizations::id)
                .get_result::<i64>(c)
        };
        let sme = org(c, "sme", "テスト薬局")?;
        let vendor = org(c, "vendor", "テストベンダー")?;
        let need = |c: &mut secunity::db::DbConn, cats: &[&str], at: &str| {
            let input = NeedInput {
                title: "端末監視を検討しています".into(),
                description: "PCが10台あります。".into(),
                categories: cats.iter().map(|s| s.to_string()).collect(),
                prefecture: 40,
                employee_band: "6-20".into(),
                device_count: 10,
                budget_band: "unknown".into(),
                urgency: "considering".into(),
                sector: "ec".into(),
                ..Default::default()
            };
            let id = create_need(c, sme, None, &input, Submit::Publish)?;
            diesel::update(matching_needs::table.find(id))
                .set(matching_needs::published_at.eq(Some(jst(at))))
                .execute(c)?;
            Ok::<_, diesel::result::Error>(id)
        };
        let offering = |c: &mut secunity::db::DbConn, cats: &[&str], at: &str| {
            let input = OfferingInput {
                title: "端末監視サービス".into(),
                description: "EDRで監視します。".into(),
                categories: cats.iter().map(|s| s.to_string()).collect(),
                remote_ok: true,
                price_model: "quote".into(),
                languages: vec!["ja".into()],
                capacity: "open".into(),
                ..Default::default()
            };
            let id = create_offering(c, vendor, None, &input, Submit::Publish)?;
            diesel::update(matching_offerings::table.find(id))
                .set(matching_offerings::published_at.eq(Some(jst(at))))
                .execute(c)?;
            Ok::<_, diesel::result::Error>(id)
        };
        let n1 = need(c, &["B2", "B7"], "2025-05-01 00:00")?;
        let n2 = need(c, &["A4", "D2", "B8"], "2025-06-01 00:00")?;
        let n3 = need(c, &["C1"], "2024-10-01 00:00")?;
        let o1 = offering(c, &["B2", "A1"], "2025-04-10 00:00")?;
        let o2 = offering(c, &["E1"], "2025-07-01 00:00")?;
        let intros = [
            (
                n1,
                o1,
                "introduced",
                "2025-05-03 00:00",
                Some("2025-05-04 00:00"),
                Some("2025-05-05 00:00"),
            ),
            (
                n2,
                o1,
                "declined",
                "2025-06-05 00:00",
                Some("2025-06-05 00:00"),
                None,
            ),
            (
                n2,
                o2,
                "contracted",
                "2025-06-10 00:00",
                Some("2025-06-10 00:00"),
                Some("2025-06-11 00:00"),
            ),
            (
                n3,
                o2,
                "requested",
                "2024-11-01 00:00",
                Some("2024-11-01 00:00"),
                None,
            ),
        ];
        for (need, offering, stage, at, sme_at, vendor_at) in intros {
            diesel::insert_into(intro::table)
                .values((
                    intro::need_id.eq(need),
                    intro::offering_id.eq(offering),
                    intro::requested_by.eq("sme"),
                    intro::stage.eq(stage),
                    intro::sme_consent_at.eq(sme_at.map(jst)),
                    intro::vendor_consent_at.eq(vendor_at.map(jst)),
                    intro::created_at.eq(jst(at)),
                    intro::updated_at.eq(jst(at)),
                ))
                .execute(c)?;
        }
        Ok::<_, diesel::result::Error>(())
    })
    .await
}

/// FY2024 and FY2025 as described at the top of the expected figures below.
async fn build_years(app: &TestApp) {
    // FY2024: one seminar.
    let p1 = seminar(
        app,
        "manufacturing",
        40,
        "online",
        "2024-10-01 14:00",
        "published",
    )
    .await;
    register(
        app,
        p1,
        &[
            (
                "b@example.jp",
                "株式会社B",
                Some(40),
                "manufacturing",
                Some("21-50"),
                "online",
                "confirmed",
                true,
            ),
            (
                "k@example.jp",
                "K社",
                Some(40),
                "manufacturing",
                Some("6-20"),
                "online",
                "confirmed",
                false,
            ),
            (
                "l@example.jp",
                "L社",
                Some(42),
                "ec",
                Some("1-5"),
                "online",
                "confirmed",
                true,
            ),
        ],
    )
    .await;
    // FY2025.
    let s1 = seminar(
        app,
        "manufacturing",
        40,
        "hybrid",
        "2025-06-10 14:00",
        "published",
    )
    .await;
    let s2 = seminar(
        app,
        "agriculture",
        43,
        "online",
        "2026-01-20 14:00",
        "published",
    )
    .await;
    let s3 = seminar(app, "space", 44, "online", "2025-11-10 14:00", "cancelled").await;
    seminar(app, "forestry", 45, "online", "2025-12-10 14:00", "draft").await;
    // 00:00 on 1 April 2026 in Tokyo: FY2026, not counted.
    let next = seminar(app, "ec", 40, "online", "2026-04-01 00:00", "published").await;
    let s1_regs = register(
        app,
        s1,
        &[
            (
                "a@example.jp",
                "株式会社A",
                Some(40),
                "manufacturing",
                Some("6-20"),
                "onsite",
                "confirmed",
                true,
            ),
            (
                "b@example.jp",
                "株式会社B",
                Some(40),
                "manufacturing",
                Some("21-50"),
                "onsite",
                "confirmed",
                true,
            ),
            (
                "c@example.jp",
                "株式会社A ",
                Some(40),
                "manufacturing",
                Some("6-20"),
                "online",
                "confirmed",
                true,
            ),
            (
                "d@example.jp",
                "C社",
                Some(41),
                "ec",
                Some("1-5"),
                "online",
                "confirmed",
                false,
            ),
            (
                "e@example.jp",
                "D社",
                Some(40),
                "machinery_metal",
                None,
                "onsite",
                "waitlisted",
                false,
            ),
            (
                "f@example.jp",
                "E社",
                None,
                "manufacturing",
                Some("6-20"),
                "online",
                "cancelled",
                false,
            ),
        ],
    )
    .await;
    let s2_regs = register(
        app,
        s2,
        &[
            (
                "A@Example.JP",
                "株式会社A",
                Some(40),
                "manufacturing",
                Some("6-20"),
                "online",
                "confirmed",
                true,
            ),
            (
                "g@example.jp",
                "F社",
                Some(43),
                "agriculture",
                Some("101-300"),
                "online",
                "confirmed",
                true,
            ),
            (
                "h@example.jp",
                "G社",
                Some(43),
                "agriculture",
                Some("101-300"),
                "online",
                "confirmed",
                true,
            ),
            (
                "i@example.jp",
                "H社",
                Some(43),
                "agriculture",
                Some("101-300"),
                "online",
                "confirmed",
                true,
            ),
        ],
    )
    .await;
    register(
        app,
        s3,
        &[(
            "j@example.jp",
            "J社",
            Some(44),
            "space",
            None,
            "online",
            "cancelled",
            false,
        )],
    )
    .await;
    register(
        app,
        next,
        &[(
            "m@example.jp",
            "M社",
            Some(40),
            "ec",
            None,
            "online",
            "confirmed",
            true,
        )],
    )
    .await;
    surveys(
        app,
        s1,
        &[
            (s1_regs[0], Some((5, 4))),
            (s1_regs[1], Some((4, 3))),
            (s1_regs[2], None),
        ],
    )
    .await;
    surveys(app, s2, &[(s2_regs[0], Some((3, 5)))]).await;
    newsletter(app).await;
    board(app).await;
}

fn items(v: &Value) -> Vec<(String, u64, u64)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["code"].as_str().unwrap().to_string(),
                i["registrations"].as_u64().unwrap(),
                i["attendees"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn owned(list: &[(&str, u64, u64)]) -> Vec<(String, u64, u64)> {
    list.iter()
        .map(|(c, a, b)| (c.to_string(), *a, *b))
        .collect()
}

async fn audit_count(app: &TestApp, action: &'static str) -> i64 {
    app.db(move |c| {
        audit_log::table
            .filter(audit_log::action.eq(action))
            .count()
            .get_result::<i64>(c)
    })
    .await
}

#[tokio::test]
async fn the_api_gives_the_years_figures_exactly_with_the_year_before() {
    let app = spawn_app().await;
    build_years(&app).await;
    let (_, token) = app.api_token("staff@example.jp", Role::Staff).await;
    let res = app
        .client
        .get(app.url("/api/v1/reports/fiscal-years/2025"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["fiscal_year"], 2025);
    assert_eq!(v["label"], "令和7年度");
    let sem = &v["seminars"];
    assert_eq!(sem["held"], 2);
    assert_eq!(sem["scheduled"], 0);
    assert_eq!(sem["cancelled"], 1);
    assert_eq!(sem["registrations"], 10);
    assert_eq!(sem["confirmed"], 8);
    assert_eq!(sem["attendees"], 7);
    assert_eq!(sem["turnout"], 0.875);
    assert_eq!(sem["waitlist_demand"], 1);
    assert_eq!(sem["cancelled_registrations"], 1);
    assert_eq!(sem["distinct_organizations"], 5);
    assert_eq!(sem["returning_participants"], 1);
    assert_eq!(sem["first_timers"], 5);
    assert_eq!(sem["survey"]["sent"], 4);
    assert_eq!(sem["survey"]["answered"], 3);
    assert_eq!(sem["survey"]["response_rate"], 0.75);
    assert_eq!(sem["survey"]["satisfaction_average"], 4.0);
    assert_eq!(sem["survey"]["usefulness_average"], 4.0);
    assert_eq!(
        items(&sem["by_prefecture"]),
        owned(&[("40", 5, 4), ("41", 1, 0), ("43", 3, 3), ("unknown", 1, 0)])
    );
    assert_eq!(sem["by_prefecture"][0]["label"], "福岡県");
    assert_eq!(sem["by_prefecture"][3]["label"], "未回答");
    assert_eq!(
        items(&sem["by_industry"]),
        owned(&[
            ("machinery_metal", 1, 0),
            ("agriculture", 3, 3),
            ("ec", 1, 0),
            ("manufacturing", 5, 4)
        ])
    );
    assert_eq!(
        items(&sem["by_employee_band"]),
        owned(&[
            ("1-5", 1, 0),
            ("6-20", 4, 3),
            ("21-50", 1, 1),
            ("101-300", 3, 3),
            ("unknown", 1, 0)
        ])
    );
    assert_eq!(
        items(&sem["by_mode"]),
        owned(&[("onsite", 3, 2), ("online", 7, 5)])
    );
    let codes = |v: &Value| -> Vec<(String, u64)> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["code"].as_str().unwrap().to_string(),
                    i["count"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(
        codes(&sem["seminars_by_format"]),
        vec![("online".to_string(), 1), ("hybrid".to_string(), 1)]
    );
    let nl = &v["newsletter"];
    assert_eq!(nl["subscribers_at_start"], 2);
    assert_eq!(nl["subscribers_at_end"], 2);
    assert_eq!(nl["new_confirmations"], 2);
    assert_eq!(nl["unsubscribes"], 1);
    assert_eq!(nl["bounce_suppressions"], 1);
    assert_eq!(nl["campaigns_sent"], 2);
    assert_eq!(nl["messages_delivered"], 5);
    assert_eq!(nl["by_topic"][0]["code"], "events");
    assert_eq!(nl["by_topic"][0]["delivered"], 3);
    assert_eq!(nl["by_topic"][1]["code"], "all");
    assert_eq!(nl["by_topic"][1]["delivered"], 2);
    let m = &v["matching"];
    assert_eq!(m["needs_published"], 2);
    assert_eq!(m["offerings_published"], 2);
    let families: Vec<(String, u64, u64)> = m["by_family"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["code"].as_str().unwrap().to_string(),
                i["needs"].as_u64().unwrap(),
                i["offerings"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        families,
        owned(&[("A", 1, 1), ("B", 2, 1), ("D", 1, 0), ("E", 0, 1)])
    );
    assert_eq!(m["introductions_requested"], 3);
    assert_eq!(m["introductions_accepted"], 2);
    assert_eq!(
        codes(&m["by_stage"]),
        vec![
            ("introduced".to_string(), 1),
            ("contracted".to_string(), 1),
            ("declined".to_string(), 1)
        ]
    );
    assert_eq!(m["median_days_to_first_accepted"], 7.0);

    // The year before.
    let p = &v["previous"];
    assert_eq!(p["fiscal_year"], 2024);
    assert_eq!(p["label"], "令和6年度");
    assert_eq!(p["seminars"]["held"], 1);
    assert_eq!(p["seminars"]["registrations"], 3);
    assert_eq!(p["seminars"]["attendees"], 2);
    assert_eq!(p["seminars"]["first_timers"], 2);
    assert_eq!(
        items(&p["seminars"]["by_prefecture"]),
        owned(&[("40", 2, 1), ("42", 1, 1)])
    );
    assert_eq!(p["newsletter"]["subscribers_at_start"], 0);
    assert_eq!(p["newsletter"]["subscribers_at_end"], 2);
    assert_eq!(p["newsletter"]["new_confirmations"], 2);
    assert_eq!(p["matching"]["needs_published"], 1);
    assert_eq!(p["matching"]["introductions_requested"], 1);
    assert!(p["matching"]["median_days_to_first_accepted"].is_null());
    // No personal data anywhere.
    let text = v.to_string();
    for personal in ["example.jp", "株式会社A", "参加者", "テスト薬局"] {
        assert!(!text.contains(personal), "{personal} in the report");
    }
    // FY2026 holds the seminar at 00:00 on 1 April in Tokyo.
    let v: Value = app
        .api_json("/api/v1/reports/fiscal-years/2026", &token)
        .await;
    assert_eq!(v["seminars"]["held"], 1);
    assert_eq!(v["label"], "令和8年度");
    assert_eq!(audit_count(&app, "report.export").await, 2);
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// The row of a sheet whose first cell is `label`, under the table captioned `caption`.
fn sheet_row(
    book: &mut Xlsx<Cursor<Vec<u8>>>,
    sheet: &str,
    caption: &str,
    label: &str,
) -> Vec<Data> {
    let range = book.worksheet_range(sheet).unwrap();
    let mut in_table = false;
    for row in range.rows() {
        let first = row.first().map(cell_text).unwrap_or_default();
        if first == caption {
            in_table = true;
        } else if in_table && first == label {
            return row.to_vec();
        }
    }
    panic!("no row {label} under {caption} in {sheet}");
}

#[tokio::test]
async fn the_workbook_and_csv_carry_the_figures_and_the_publication_version_withholds_small_cells()
{
    let app = spawn_app().await;
    build_years(&app).await;
    app.sign_in("staff@example.jp", Role::Staff).await;

    let res = app.get("/staff/reports/2025.xlsx").await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = res.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    assert_eq!(
        book.sheet_names(),
        vec!["セミナー", "メールマガジン", "マッチング"]
    );
    let row = sheet_row(&mut book, "セミナー", "都道府県別の申込・参加", "福岡県");
    assert_eq!(
        row[1..5].to_vec(),
        vec![
            Data::Float(5.0),
            Data::Float(4.0),
            Data::Float(2.0),
            Data::Float(1.0)
        ]
    );
    let row = sheet_row(&mut book, "セミナー", "セミナーの概要", "開催数");
    assert_eq!(row[1..3].to_vec(), vec![Data::Float(2.0), Data::Float(1.0)]);
    let row = sheet_row(
        &mut book,
        "セミナー",
        "セミナーの概要",
        "参加率（参加者÷参加確定）",
    );
    assert_eq!(row[1], Data::Float(0.875));
    let row = sheet_row(
        &mut book,
        "メールマガジン",
        "メールマガジンの概要",
        "配信数",
    );
    assert_eq!(row[1], Data::Float(5.0));
    let row = sheet_row(
        &mut book,
        "マッチング",
        "マッチングの概要",
        "紹介成立（双方承諾）",
    );
    assert_eq!(row[1..3].to_vec(), vec![Data::Float(2.0), Data::Float(0.0)]);
    // The header row names both years in Japanese.
    let range = book.worksheet_range("セミナー").unwrap();
    assert!(
        range
            .rows()
            .any(|r| r.iter().any(|c| cell_text(c) == "申込 (令和7年度)"))
    );
    assert!(
        range
            .rows()
            .any(|r| r.iter().any(|c| cell_text(c) == "参加 (令和6年度)"))
    );

    // Publication: the 1s and 2s withheld as 「-」, the totals the true figures.
    let res = app
        .get("/staff/reports/2025.xlsx?version=publication")
        .await;
    let bytes = res.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let caption = "都道府県別の申込・参加";
    let shown = |row: Vec<Data>| row[1..5].iter().map(cell_text).collect::<Vec<_>>();
    assert_eq!(
        shown(sheet_row(&mut book, "セミナー", caption, "福岡県")),
        ["5", "4", "-", "-"]
    );
    assert_eq!(
        shown(sheet_row(&mut book, "セミナー", caption, "佐賀県")),
        ["-", "0", "0", "0"]
    );
    assert_eq!(
        shown(sheet_row(&mut book, "セミナー", caption, "熊本県")),
        ["3", "3", "0", "0"]
    );
    assert_eq!(
        shown(sheet_row(&mut book, "セミナー", caption, "未回答")),
        ["-", "0", "0", "0"]
    );
    assert_eq!(
        shown(sheet_row(&mut book, "セミナー", caption, "長崎県")),
        ["0", "0", "-", "-"]
    );
    assert_eq!(
        shown(sheet_row(&mut book, "セミナー", caption, "合計")),
        ["10", "7", "3", "2"]
    );

    // CSV: BOM, CRLF, labels with codes, the same withheld cells.
    let res = app
        .get("/staff/reports/2025/participants-by-prefecture.csv?version=publication")
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let body = res.text().await.unwrap();
    assert!(body.starts_with('\u{feff}'));
    let lines: Vec<&str> = body.trim_start_matches('\u{feff}').split("\r\n").collect();
    assert_eq!(
        lines[0],
        "都道府県,コード,申込 (令和7年度),参加 (令和7年度),申込 (令和6年度),参加 (令和6年度)"
    );
    assert!(lines.contains(&"佐賀県,41,-,0,0,0"), "{body}");
    assert!(lines.contains(&"合計,total,10,7,3,2"), "{body}");
    let body = app
        .get("/staff/reports/2025/participants-by-prefecture.csv")
        .await
        .text()
        .await
        .unwrap();
    assert!(body.contains("佐賀県,41,1,0,0,0\r\n"), "{body}");

    // Every download is in the audit log.
    assert_eq!(audit_count(&app, "report.export").await, 4);
}

#[tokio::test]
async fn the_staff_page_shows_tables_charts_the_year_before_and_an_empty_state() {
    let app = spawn_app().await;
    build_years(&app).await;
    app.sign_in("staff@example.jp", Role::Staff).await;
    let (status, html) = app.get_text("/staff/reports/2025").await;
    assert_eq!(status, 200);
    assert!(html.contains("令和7年度 (FY2025)"));
    assert!(html.contains("令和6年度 (FY2024)"));
    assert!(html.contains("<caption>都道府県別の申込・参加</caption>"));
    assert!(html.contains("<th scope=\"row\">福岡県</th>"));
    assert!(html.contains("<svg"));
    assert!(html.contains("href=\"/staff/reports/2025.xlsx\""));
    assert!(html.contains("href=\"/staff/reports/2025/participants-by-prefecture.csv\""));
    assert!(!html.contains("example.jp"));
    assert_eq!(audit_count(&app, "report.view").await, 1);
    // The picker's choice lands on the year.
    let res = app.get("/staff/reports?year=2024").await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/staff/reports/2024");
    // A year with nothing in it says so; English labels.
    let (status, html) = app.get_text("/staff/reports/2010").await;
    assert_eq!(status, 200);
    assert!(html.contains("この年度にはまだ"));
    app.get("/lang/en").await;
    let (_, html) = app.get_text("/staff/reports/2025").await;
    assert!(html.contains("FY2025 (令和7年度)"));
    assert!(html.contains("Registrations and attendees by prefecture"));
    assert!(html.contains("Fukuoka"));
}

#[tokio::test]
async fn reports_are_for_staff_only_and_bad_years_and_tables_are_refused() {
    let app = spawn_app().await;
    // Not signed in: the login page, or 401 on the API.
    let res = app.get("/staff/reports/2025").await;
    assert!(
        matches!(res.status().as_u16(), 303 | 401),
        "{}",
        res.status()
    );
    let res = app.get("/api/v1/reports/fiscal-years/2025").await;
    assert_eq!(res.status(), 401);
    let (_, member) = app.api_token("member@example.jp", Role::Member).await;
    let res = app
        .client
        .get(app.url("/api/v1/reports/fiscal-years/2025"))
        .bearer_auth(&member)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    app.sign_in("member@example.jp", Role::Member).await;
    for path in [
        "/staff/reports/2025",
        "/staff/reports/2025.xlsx",
        "/staff/reports/2025/seminars-summary.csv",
    ] {
        assert_eq!(app.get(path).await.status(), 403, "{path}");
    }
    app.sign_in("staff@example.jp", Role::Staff).await;
    for path in [
        "/staff/reports/1999",
        "/staff/reports/2101",
        "/staff/reports/abcd",
        "/staff/reports/２０２５",
        "/staff/reports/1999.xlsx",
        "/staff/reports/0/seminars-summary.csv",
        "/staff/reports?year=99999",
    ] {
        let (status, body) = app.get_text(path).await;
        assert_eq!(status, 400, "{path}");
        assert!(body.contains("2000〜2100"), "{path}");
    }
    assert_eq!(
        app.get("/staff/reports/2025/no-such-table.csv")
            .await
            .status(),
        404
    );
    let (_, staff) = app.api_token("staff2@example.jp", Role::Staff).await;
    let res = app
        .client
        .get(app.url("/api/v1/reports/fiscal-years/1999"))
        .bearer_auth(&staff)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["error"]["code"], "bad_request");
    assert_eq!(audit_count(&app, "report.export").await, 0);
}
