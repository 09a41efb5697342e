//! `secunity demo`: demo data drawn from the bureau's real programme (DESIGN.md §5): the FY2021
//! seminars of 地域SECUNITY in Kyushu with their titles, places and hosts, moved into the coming
//! months; a few registrations; two newsletter issues in the archive; board posts. Running it
//! twice adds nothing the second time.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::schema::{newsletter_campaigns, registrations, seminars};
use crate::seminars::model::SeminarData;
use crate::{time, tokens};

/// What the demo added.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Seminars.
    pub seminars: usize,
    /// Registrations.
    pub registrations: usize,
    /// Newsletter issues.
    pub newsletter_issues: usize,
    /// Board posts.
    pub board_posts: usize,
}

/// One seminar of the programme: title, industry, prefecture, format, venue, hosts, co-hosts,
/// the month offset from now, day of month, start hour, hours.
struct Programme {
    title: &'static str,
    summary: &'static str,
    industry: &'static str,
    prefecture: i32,
    format: &'static str,
    venue: &'static str,
    hosts: &'static [&'static str],
    cohosts: &'static [&'static str],
    months_ahead: u32,
    day: u32,
    start_hour: u32,
    hours: i64,
}

const BUREAU: &str = "九州経済産業局";

const PROGRAMME: &[Programme] = &[
    Programme {
        title: "機械・金属産業向けサイバーセキュリティセミナー(福岡)",
        summary: "取引先からのセキュリティ要請が強まる機械・金属産業の中小企業向けに、工場とオフィスの対策をわかりやすく解説します。",
        industry: "machinery_metal",
        prefecture: 40,
        format: "online",
        venue: "",
        hosts: &[BUREAU],
        cohosts: &["九州地域サイバーセキュリティ連絡会"],
        months_ahead: 0,
        day: 28,
        start_hour: 14,
        hours: 2,
    },
    Programme {
        title: "海外ビジネスとサイバーセキュリティ ― 海外取引で求められる対策(福岡)",
        summary: "海外の取引先や拠点とやり取りする企業が知っておくべきサイバー攻撃の手口と対策を紹介します。",
        industry: "overseas_business",
        prefecture: 40,
        format: "online",
        venue: "",
        hosts: &[BUREAU],
        cohosts: &[],
        months_ahead: 1,
        day: 28,
        start_hour: 14,
        hours: 2,
    },
    Programme {
        title: "宇宙産業とサイバーセキュリティ(大分)",
        summary: "宇宙・衛星データ関連のビジネスに参入する企業のためのセキュリティ入門セミナーです。",
        industry: "space",
        prefecture: 44,
        format: "online",
        venue: "",
        hosts: &[BUREAU],
        cohosts: &[],
        months_ahead: 1,
        day: 10,
        start_hour: 15,
        hours: 2,
    },
    Programme {
        title: "医療・薬局のためのサイバーセキュリティ対策セミナー(佐賀)",
        summary: "電子カルテ・電子薬歴を扱う診療所・薬局向けに、ランサムウェア対策とバックアップの基本を解説します。",
        industry: "medical_pharmacy",
        prefecture: 41,
        format: "hybrid",
        venue: "佐賀県内会場",
        hosts: &[BUREAU],
        cohosts: &[],
        months_ahead: 1,
        day: 22,
        start_hour: 13,
        hours: 2,
    },
    Programme {
        title: "スマート農業とサイバーセキュリティ(熊本)",
        summary: "IoT機器やクラウドを使うスマート農業の現場で気をつけたいセキュリティのポイントを紹介します。",
        industry: "agriculture",
        prefecture: 43,
        format: "online",
        venue: "",
        hosts: &[BUREAU],
        cohosts: &[],
        months_ahead: 2,
        day: 25,
        start_hour: 14,
        hours: 2,
    },
    Programme {
        title: "林業・木材産業のためのサイバーセキュリティセミナー(宮崎)",
        summary: "林業・木材関連事業者向けに、メール詐欺やランサムウェアへの備えをわかりやすく解説します。",
        industry: "forestry",
        prefecture: 45,
        format: "online",
        venue: "",
        hosts: &[BUREAU],
        cohosts: &[],
        months_ahead: 3,
        day: 5,
        start_hour: 14,
        hours: 2,
    },
    Programme {
        title: "中小製造業向け体験型演習",
        summary: "工場へのサイバー攻撃を想定し、初動対応を体験する演習です。会場参加のほか、Webexでの聴講も可能です(無料)。",
        industry: "manufacturing",
        prefecture: 40,
        format: "hybrid",
        venue: "北九州市内会場",
        hosts: &[
            "九州大学サイバーセキュリティセンター",
            "九州オープンイノベーションセンター",
            BUREAU,
        ],
        cohosts: &["北九州産業学術推進機構"],
        months_ahead: 3,
        day: 8,
        start_hour: 13,
        hours: 4,
    },
];

/// The demo registrants: name, company, prefecture, industry, employee band.
type Person = (&'static str, &'static str, i32, &'static str, &'static str);

const PEOPLE: [Person; 3] = [
    (
        "(デモ)山田 太郎",
        "(デモ)有明精密工業",
        43,
        "manufacturing",
        "21-50",
    ),
    (
        "(デモ)佐藤 花子",
        "(デモ)ひまわり調剤薬局",
        40,
        "medical_pharmacy",
        "6-20",
    ),
    (
        "(デモ)鈴木 一郎",
        "(デモ)みやざき物産オンライン",
        45,
        "ec",
        "1-5",
    ),
];

/// Stores one confirmed demo registration (its personal link is not kept); returns its id.
fn insert_registration(
    conn: &mut DbConn,
    seminar_id: i64,
    i: usize,
    (name, company, prefecture, industry, band): &Person,
    mode: &str,
    at: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(registrations::table)
        .values((
            registrations::seminar_id.eq(seminar_id),
            registrations::name.eq(name),
            registrations::company.eq(company),
            registrations::email.eq(format!("demo{}+{seminar_id}@example.jp", i + 1)),
            registrations::prefecture.eq(Some(*prefecture)),
            registrations::industry.eq(industry),
            registrations::employee_band.eq(Some(*band)),
            registrations::mode.eq(mode),
            registrations::answers.eq("{}"),
            registrations::status.eq(crate::registrations::model::RegistrationStatus::Confirmed),
            registrations::token_hash.eq(tokens::hash_for("registration", &tokens::new_token())),
            registrations::lang.eq("ja"),
            registrations::created_at.eq(at),
            registrations::updated_at.eq(at),
        ))
        .returning(registrations::id)
        .get_result(conn)
}

/// The title of the demo's seminar that is over.
pub const PAST_TITLE: &str = "(開催済み)農業×IoT セキュリティ入門(熊本)";

/// A seminar held ten days ago: its registrants checked in, were sent the survey, and two of
/// them answered, so the archive, the turnout and the survey results have something to show.
/// Returns (seminars, registrations) added.
fn past_seminar(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<(usize, usize)> {
    use crate::schema::seminar_surveys as sv;
    let exists: i64 = seminars::table
        .filter(seminars::title.eq(PAST_TITLE))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok((0, 0));
    }
    let day = time::to_jst(now).date_naive() - Duration::days(10);
    let starts_at = day
        .and_hms_opt(14, 0, 0)
        .and_then(|t| time::jst().from_local_datetime(&t).single())
        .map_or(now - Duration::days(10), |t| t.naive_utc());
    let data = SeminarData {
        title: PAST_TITLE.into(),
        summary: "スマート農業の機器やクラウドサービスを安全に使うための基本を、熊本の事例とともに紹介しました。".into(),
        body_md: "## 内容\n\n- スマート農業とサイバーリスク\n- 今日からできる対策".into(),
        industry: "agriculture".into(),
        prefecture: 43,
        format: "hybrid".into(),
        venue: "(デモ)熊本県産業技術センター".into(),
        address: String::new(),
        online_url: "https://example.webex.com/meet/secunity-demo".into(),
        starts_at,
        ends_at: starts_at + Duration::hours(2),
        registration_opens_at: None,
        registration_closes_at: starts_at - Duration::days(1),
        capacity_onsite: 30,
        capacity_online: 100,
        hosts: json_list(&[BUREAU]),
        cohosts: "[]".into(),
        speakers: "[]".into(),
        fee: "無料".into(),
        questions: "[]".into(),
        reminder_time: Some(crate::seminars::model::DEFAULT_REMINDER_TIME.into()),
        allocation: "first_come".into(),
        draw_at: None,
        lottery_waitlist: true,
        group_limit: 1,
    };
    let id = crate::seminars::queries::create(conn, &data, true, starts_at - Duration::days(30))?;
    let answers = [
        Some((
            5,
            4,
            "ランサムウェアの復旧手順",
            "農業法人でも取り組める内容で参考になりました。",
        )),
        Some((4, 4, "", "")),
        None,
    ];
    for (i, (person, answer)) in PEOPLE.iter().zip(answers).enumerate() {
        let mode = if i == 0 { "onsite" } else { "online" };
        let registered = starts_at - Duration::days(14 - i as i64);
        let reg = insert_registration(conn, id, i, person, mode, registered)?;
        diesel::update(registrations::table.find(reg))
            .set(registrations::checked_in_at.eq(Some(starts_at + Duration::minutes(5))))
            .execute(conn)?;
        let sent_at = data.ends_at + Duration::hours(1);
        let (satisfaction, usefulness, topics, comments) = match answer {
            Some((s, u, t, c)) => (Some(s), Some(u), t, c),
            None => (None, None, "", ""),
        };
        diesel::insert_into(sv::table)
            .values((
                sv::registration_id.eq(reg),
                sv::seminar_id.eq(id),
                sv::sent_at.eq(sent_at),
                sv::answered_at.eq(answer.map(|_| sent_at + Duration::hours(3))),
                sv::satisfaction.eq(satisfaction),
                sv::usefulness.eq(usefulness),
                sv::topics.eq(topics),
                sv::comments.eq(comments),
            ))
            .execute(conn)?;
    }
    Ok((1, PEOPLE.len()))
}

/// Demo subscribers of the newsletter, confirmed over the last weeks (one of them has since
/// unsubscribed), and the issues' deliveries to them, so that the newsletter's figures of the
/// year have something to show. The addresses are of the reserved example domain.
fn subscribers(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<()> {
    use crate::schema::{newsletter_consent_events as ev, newsletter_subscribers as subs, outbox};
    let people = [
        ("demo-reader1@example.jp", 40, false),
        ("demo-reader2@example.jp", 35, false),
        ("demo-reader3@example.jp", 20, true),
    ];
    let issues: Vec<i64> = newsletter_campaigns::table
        .filter(newsletter_campaigns::status.eq(crate::newsletter::campaigns::CampaignStatus::Sent))
        .select(newsletter_campaigns::id)
        .load(conn)?;
    for (email, days_ago, left) in people {
        let at = now - Duration::days(days_ago);
        let status = if left { "unsubscribed" } else { "active" };
        let id: i64 = diesel::insert_into(subs::table)
            .values((
                subs::email.eq(email),
                subs::status.eq(status),
                subs::pref_nonce.eq(tokens::new_token()),
                subs::consent_source.eq("demo"),
                subs::consented_at.eq(Some(at)),
                subs::confirmed_at.eq(Some(at)),
                subs::created_at.eq(at),
                subs::updated_at.eq(at),
            ))
            .returning(subs::id)
            .get_result(conn)?;
        let mut events = vec![("subscribed", at), ("confirmed", at)];
        if left {
            events.push(("unsubscribed", now - Duration::days(5)));
        }
        for (event, at) in events {
            diesel::insert_into(ev::table)
                .values((
                    ev::subscriber_id.eq(id),
                    ev::event.eq(event),
                    ev::source.eq("demo"),
                    ev::at.eq(at),
                ))
                .execute(conn)?;
        }
        for issue in &issues {
            diesel::insert_into(outbox::table)
                .values((
                    outbox::kind.eq(crate::mail::MailKind::Newsletter),
                    outbox::priority.eq(5),
                    outbox::recipient.eq(email),
                    outbox::subject.eq(""),
                    outbox::body_text.eq(""),
                    outbox::body_html.eq(""),
                    outbox::headers.eq("{}"),
                    outbox::attachments.eq("[]"),
                    outbox::message_id.eq(format!("<demo-{issue}-{id}@example.jp>")),
                    outbox::source.eq(Some(format!("campaign:{issue}"))),
                    outbox::status.eq(crate::mail::outbox::OutboxStatus::Sent),
                    outbox::attempts.eq(1),
                    outbox::next_attempt_at.eq(now),
                    outbox::created_at.eq(now),
                    outbox::sent_at.eq(Some(now)),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// The date `months_ahead` months after `today` on `day` (clamped to the month's length), in
/// Tokyo, as stored UTC at `hour`:00.
fn date_ahead(today: NaiveDate, months_ahead: u32, day: u32, hour: u32) -> NaiveDateTime {
    let mut month = today.month() + months_ahead;
    let mut year = today.year();
    while month > 12 {
        month -= 12;
        year += 1;
    }
    let mut date = None;
    for d in (1..=day).rev() {
        if let Some(found) = NaiveDate::from_ymd_opt(year, month, d) {
            date = Some(found);
            break;
        }
    }
    let mut date = date.unwrap_or(today);
    // A seminar in the past of this month moves to next week.
    if date <= today {
        date = today + Duration::days(7);
    }
    let local = date.and_hms_opt(hour, 0, 0).unwrap_or_default();
    local - Duration::hours(9)
}

fn json_list(items: &[&str]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

/// Loads the demo data.
pub fn load(conn: &mut DbConn) -> QueryResult<Loaded> {
    conn.write_transaction(|conn| {
        let mut loaded = Loaded::default();
        let now = time::now_utc();
        let today = time::to_jst(now).date_naive();
        let mut seminar_ids = Vec::new();
        for p in PROGRAMME {
            let exists: i64 = seminars::table
                .filter(seminars::title.eq(p.title))
                .count()
                .get_result(conn)?;
            if exists > 0 {
                continue;
            }
            let starts_at = date_ahead(today, p.months_ahead, p.day, p.start_hour);
            let onsite = if p.format == "online" { 0 } else { 40 };
            let online = if p.format == "onsite" { 0 } else { 300 };
            let data = SeminarData {
                title: p.title.into(),
                summary: p.summary.into(),
                body_md: "## プログラム\n\n\
                    - 最近のサイバー攻撃の動向と中小企業の被害事例\n\
                    - 今日からできる対策(SECURITY ACTION、サイバーセキュリティお助け隊サービス)\n\
                    - 質疑応答\n\n\
                    ## 対象\n\n九州の中小企業の経営者・情報システム担当者の方"
                    .into(),
                industry: p.industry.into(),
                prefecture: p.prefecture,
                format: p.format.into(),
                venue: p.venue.into(),
                address: String::new(),
                online_url: if p.format == "onsite" {
                    String::new()
                } else {
                    "https://example.webex.com/meet/secunity-demo".into()
                },
                starts_at,
                ends_at: starts_at + Duration::hours(p.hours),
                registration_opens_at: None,
                registration_closes_at: starts_at - Duration::days(1),
                capacity_onsite: onsite,
                capacity_online: online,
                hosts: json_list(p.hosts),
                cohosts: json_list(p.cohosts),
                speakers: "[]".into(),
                fee: "無料".into(),
                questions: "[]".into(),
                reminder_time: Some(crate::seminars::model::DEFAULT_REMINDER_TIME.into()),
                allocation: "first_come".into(),
                draw_at: None,
                lottery_waitlist: true,
        group_limit: 1,
            };
            let id = crate::seminars::queries::create(conn, &data, true, now)?;
            seminar_ids.push((id, p.format));
            loaded.seminars += 1;
        }
        for (seminar_id, format) in &seminar_ids {
            for (i, person) in PEOPLE.iter().enumerate() {
                let mode = if *format == "online" || i > 0 { "online" } else { "onsite" };
                insert_registration(conn, *seminar_id, i, person, mode, now)?;
                loaded.registrations += 1;
            }
        }
        let (past, past_registrations) = past_seminar(conn, now)?;
        loaded.seminars += past;
        loaded.registrations += past_registrations;
        let issues = [
            (
                "【九州IoTコミュニティ】補助金公募情報・セミナーのご案内",
                "## 補助金・公募情報\n\n- IT導入補助金(セキュリティ対策推進枠)の公募が始まりました。サイバーセキュリティお助け隊サービスの導入も対象です。\n\n## イベント・セミナー\n\n- 業種別のサイバーセキュリティセミナーを九州各県で開催します。詳しくは地域SECUNITYのセミナー一覧をご覧ください。",
                30,
            ),
            (
                "【九州IoTコミュニティ】セキュリティ注意喚起:年末年始の長期休暇に向けて",
                "## セキュリティ注意喚起\n\n長期休暇の前後は、ランサムウェアやメール詐欺の被害が増える傾向があります。\n\n1. 休暇前にバックアップを取得し、復元できることを確認する\n2. 休暇明けはOSやソフトウェアを更新してから業務を始める\n3. 不審なメールの添付ファイルやリンクを開かない",
                10,
            ),
        ];
        for (subject, body, days_ago) in issues {
            let exists: i64 = newsletter_campaigns::table
                .filter(newsletter_campaigns::subject.eq(subject))
                .count()
                .get_result(conn)?;
            if exists > 0 {
                continue;
            }
            let id = crate::newsletter::campaigns::create(conn, subject, body, &[], None)?;
            let sent = now - Duration::days(days_ago);
            diesel::update(newsletter_campaigns::table.find(id))
                .set((
                    newsletter_campaigns::status.eq(crate::newsletter::campaigns::CampaignStatus::Sent),
                    newsletter_campaigns::started_at.eq(Some(sent)),
                    newsletter_campaigns::sent_at.eq(Some(sent)),
                ))
                .execute(conn)?;
            loaded.newsletter_issues += 1;
        }
        if loaded.newsletter_issues > 0 {
            subscribers(conn, now)?;
        }
        loaded.board_posts = crate::matching::demo::load(conn)?;
        Ok(loaded)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_dates_land_in_the_coming_months_at_tokyo_time() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let t = date_ahead(today, 0, 28, 14);
        assert_eq!(time::local_input_value(t), "2026-11-28T14:00");
        let t = date_ahead(today, 2, 31, 13);
        assert_eq!(time::local_input_value(t), "2027-01-31T13:00");
        let t = date_ahead(today, 0, 10, 9);
        assert_eq!(time::local_input_value(t), "2026-11-30T09:00");
        let t = date_ahead(today, 3, 30, 9);
        assert_eq!(time::local_input_value(t), "2027-02-28T09:00");
    }
}
