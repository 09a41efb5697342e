//! Demo posts for `secunity demo`: a few SMEs' needs and local vendors' offerings, published,
//! so that a new user sees a living board. Wiring: call [`load`] from the demo command.

use diesel::prelude::*;

use super::api_types::{IntroductionStage, Side};
use super::forms::{NeedInput, OfferingInput};
use super::queries::{self, Submit};
use crate::db::DbConn;
use crate::schema::organizations;

fn organization(conn: &mut DbConn, kind: &str, name: &str, prefecture: i32) -> QueryResult<i64> {
    if let Some(id) = organizations::table
        .filter(organizations::name.eq(name))
        .select(organizations::id)
        .first::<i64>(conn)
        .optional()?
    {
        return Ok(id);
    }
    diesel::insert_into(organizations::table)
        .values((
            organizations::kind.eq(kind),
            organizations::name.eq(name),
            organizations::prefecture.eq(prefecture),
            organizations::created_at.eq(crate::time::now_utc()),
        ))
        .returning(organizations::id)
        .get_result(conn)
}

fn list(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// Loads the demo organizations and posts; returns how many posts it added (none when the demo
/// vendor already has posts, so running it twice adds nothing).
pub fn load(conn: &mut DbConn) -> QueryResult<usize> {
    let pharmacy = organization(conn, "sme", "(デモ)ひまわり調剤薬局", 40)?;
    let factory = organization(conn, "sme", "(デモ)有明精密工業", 43)?;
    let shop = organization(conn, "sme", "(デモ)みやざき物産オンライン", 45)?;
    let hakata = organization(conn, "vendor", "(デモ)博多セキュリティサービス", 40)?;
    let otasuke = organization(conn, "vendor", "(デモ)九州お助け隊ネット", 41)?;
    let remote = organization(conn, "vendor", "(デモ)南九州クラウド診断", 46)?;
    let (_, existing) = queries::posts_of(conn, hakata)?;
    if !existing.is_empty() {
        return Ok(0);
    }
    let needs = [
        (pharmacy, NeedInput {
            title: "端末監視とバックアップを検討しています".into(),
            description: "調剤薬局です。受付と調剤のPCが10台あり、電子薬歴のバックアップと端末の監視を検討しています。".into(),
            categories: list(&["B2", "B7"]),
            prefecture: 40,
            onsite_needed: true,
            employee_band: "6-20".into(),
            device_count: 10,
            budget_band: "monthly_30k_50k".into(),
            urgency: "within_3_months".into(),
            sector: "medical_pharmacy".into(),
            ..Default::default()
        }),
        (factory, NeedInput {
            title: "工場ネットワークの監視と初動対応".into(),
            description: "製造ラインの制御PCと事務所のネットワークが分かれていません。監視と、何かあったときの駆付けをお願いできる先を探しています。".into(),
            categories: list(&["B1", "B3", "C1"]),
            prefecture: 43,
            onsite_needed: true,
            employee_band: "51-100".into(),
            device_count: 60,
            budget_band: "unknown".into(),
            wants_subsidy: true,
            urgency: "considering".into(),
            sector: "manufacturing_ot".into(),
            ..Default::default()
        }),
        (shop, NeedInput {
            title: "ECサイトの脆弱性診断と従業員教育".into(),
            description: "自社ECサイトを運営しています。年に一度の脆弱性診断と、フィッシングメールの訓練を考えています。".into(),
            categories: list(&["A4", "D2", "B8"]),
            prefecture: 45,
            employee_band: "6-20".into(),
            device_count: 12,
            budget_band: "one_off_300k_1m".into(),
            urgency: "considering".into(),
            sector: "ec".into(),
            show_name: true,
            ..Default::default()
        }),
    ];
    let fy = super::match_context().fiscal_year();
    let offerings = [
        (hakata, OfferingInput {
            title: "中小企業向け 端末監視+クラウドバックアップ".into(),
            description: "EDRによる端末監視と、毎日のクラウドバックアップを月額で提供します。福岡・佐賀は駆付け対応します。".into(),
            categories: list(&["B2", "B7", "A1"]),
            onsite_prefectures: vec![40, 41],
            remote_ok: true,
            price_model: "per_device".into(),
            price_amount: Some(4_000),
            target_bands: list(&["1-5", "6-20", "21-50"]),
            sectors: list(&["medical_pharmacy", "ec"]),
            subsidy_fiscal_year: Some(fy),
            languages: list(&["ja"]),
            capacity: "open".into(),
            ..Default::default()
        }),
        (otasuke, OfferingInput {
            title: "サイバーセキュリティお助け隊サービス(ネットワーク一体型)".into(),
            description: "相談窓口、UTMによる24時間監視、駆付け、簡易サイバー保険をひとつにしたパッケージです。".into(),
            categories: list(&["E1"]),
            onsite_prefectures: vec![40, 41, 42, 43, 44, 45, 46],
            remote_ok: true,
            price_model: "monthly_per_network".into(),
            price_amount: Some(9_800),
            target_bands: list(&["1-5", "6-20", "21-50", "51-100"]),
            otasuketai_type: Some("network".into()),
            otasuketai_valid_until: crate::time::parse_local_input(&format!("{}-03-31T23:59", fy + 2)),
            subsidy_fiscal_year: Some(fy),
            languages: list(&["ja"]),
            capacity: "limited".into(),
            ..Default::default()
        }),
        (remote, OfferingInput {
            title: "リモート脆弱性診断とフィッシング訓練".into(),
            description: "Webサイト・ECサイトの脆弱性診断と、訓練メールによる従業員教育をリモートで実施します。英語でも対応できます。".into(),
            categories: list(&["A4", "D2", "B8"]),
            remote_ok: true,
            price_model: "one_off".into(),
            price_amount: Some(450_000),
            sectors: list(&["ec", "overseas_trade"]),
            languages: list(&["ja", "en"]),
            capacity: "open".into(),
            ..Default::default()
        }),
    ];
    let mut n = 0;
    let mut need_ids = Vec::new();
    for (org, need) in &needs {
        need_ids.push(queries::create_need(
            conn,
            *org,
            None,
            need,
            Submit::Publish,
        )?);
        n += 1;
    }
    let mut offering_ids = Vec::new();
    for (org, offering) in &offerings {
        offering_ids.push(queries::create_offering(
            conn,
            *org,
            None,
            offering,
            Submit::Publish,
        )?);
        n += 1;
    }
    if let (Some(&need), Some(&offering)) = (need_ids.first(), offering_ids.first()) {
        accepted_introduction(conn, need, offering)?;
    }
    Ok(n)
}

/// The pharmacy's need introduced to the vendor of endpoint monitoring, accepted by both a day
/// at once, so that the board's figures of the year have an introduction to show.
fn accepted_introduction(conn: &mut DbConn, need: i64, offering: i64) -> QueryResult<()> {
    use crate::schema::matching_introductions as intro;
    let now = crate::time::now_utc();
    diesel::insert_into(intro::table)
        .values((
            intro::need_id.eq(need),
            intro::offering_id.eq(offering),
            intro::requested_by.eq(Side::Sme),
            intro::stage.eq(IntroductionStage::Introduced),
            intro::sme_consent_at.eq(Some(now)),
            intro::vendor_consent_at.eq(Some(now)),
            intro::created_at.eq(now),
            intro::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}
