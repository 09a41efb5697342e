//! `GET /api/v1/taxonomy`: the codes of the reference data with their labels in both languages,
//! for systems that fill in seminars, needs and offerings.

use actix_web::{HttpResponse, web};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::AppError;
use crate::schema::{employee_bands, industries, prefectures, service_categories};
use crate::web::AppState;

/// A code with its labels.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Term {
    /// The code as the API takes it.
    #[schema(example = "B2")]
    pub code: String,
    /// The Japanese label.
    pub label_ja: String,
    /// The English label.
    pub label_en: String,
}

/// A prefecture (JIS X 0401).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Prefecture {
    /// The JIS code, 1 to 47.
    #[schema(example = 40, minimum = 1, maximum = 47)]
    pub code: i32,
    /// The Japanese name.
    #[schema(example = "福岡県")]
    pub label_ja: String,
    /// The English name.
    #[schema(example = "Fukuoka")]
    pub label_en: String,
    /// One of the seven prefectures of the Kyushu bureau.
    pub kyushu: bool,
}

/// A service category of the board.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Category {
    /// The code.
    #[schema(example = "B2")]
    pub code: String,
    /// Its group (`A` ... `E`).
    pub group: String,
    /// The Japanese label.
    pub label_ja: String,
    /// The English label.
    pub label_en: String,
}

/// An employee band.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Band {
    /// The code.
    #[schema(example = "6-20")]
    pub code: String,
    /// The Japanese label.
    pub label_ja: String,
    /// The English label.
    pub label_en: String,
    /// The smallest number of employees in the band.
    pub min_employees: i32,
    /// The largest, or null for the last band.
    pub max_employees: Option<i32>,
}

/// Every list of codes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Taxonomy {
    /// Service categories of the board, in order.
    pub categories: Vec<Category>,
    /// Industries of seminars (the active ones), in programme order.
    pub industries: Vec<Term>,
    /// The 47 prefectures; the bureau's seven first.
    pub prefectures: Vec<Prefecture>,
    /// Employee bands, smallest first.
    pub bands: Vec<Band>,
}

/// Reads every list.
pub fn taxonomy(c: &mut crate::db::DbConn) -> QueryResult<Taxonomy> {
    let categories = service_categories::table
        .order(service_categories::position)
        .select((
            service_categories::code,
            service_categories::group_code,
            service_categories::label_ja,
            service_categories::label_en,
        ))
        .load::<(String, String, String, String)>(c)?
        .into_iter()
        .map(|(code, group, label_ja, label_en)| Category {
            code,
            group,
            label_ja,
            label_en,
        })
        .collect();
    let industries = industries::table
        .filter(industries::active.eq(true))
        .order(industries::position)
        .select((industries::code, industries::label_ja, industries::label_en))
        .load::<(String, String, String)>(c)?
        .into_iter()
        .map(|(code, label_ja, label_en)| Term {
            code,
            label_ja,
            label_en,
        })
        .collect();
    let prefectures = prefectures::table
        .order((prefectures::kyushu.desc(), prefectures::code))
        .select((
            prefectures::code,
            prefectures::name_ja,
            prefectures::name_en,
            prefectures::kyushu,
        ))
        .load::<(i32, String, String, bool)>(c)?
        .into_iter()
        .map(|(code, label_ja, label_en, kyushu)| Prefecture {
            code,
            label_ja,
            label_en,
            kyushu,
        })
        .collect();
    let bands = employee_bands::table
        .order(employee_bands::position)
        .select((
            employee_bands::code,
            employee_bands::label_ja,
            employee_bands::label_en,
            employee_bands::min_employees,
            employee_bands::max_employees,
        ))
        .load::<(String, String, String, i32, Option<i32>)>(c)?
        .into_iter()
        .map(
            |(code, label_ja, label_en, min_employees, max_employees)| Band {
                code,
                label_ja,
                label_en,
                min_employees,
                max_employees,
            },
        )
        .collect();
    Ok(Taxonomy {
        categories,
        industries,
        prefectures,
        bands,
    })
}

/// `GET /api/v1/taxonomy`: every code with its labels (public).
#[utoipa::path(
    get,
    path = "/api/v1/taxonomy",
    tag = "reference",
    summary = "Service categories, industries, prefectures and employee bands, labelled in Japanese and English",
    security(()),
    responses((status = 200, description = "Every list", body = Taxonomy))
)]
pub async fn show(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let out = state.db.run(taxonomy).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// The paths of this module in the API document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(show))]
pub struct Doc;
