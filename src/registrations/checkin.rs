//! Onsite check-in by QR code, and the one check-in action of staff.
//!
//! The registrant's own page shows, for a confirmed onsite registration, a QR code of the
//! absolute URL `{SECUNITY_BASE_URL}/staff/checkin/{id}/{code}`, where `code` is the first
//! 128 bits of `HMAC-SHA256(secret key, "checkin:{id}")` in URL-safe base64 (22 characters).
//!
//! - The URL carries the registration's id and nothing personal; in particular not the token
//!   of the personal link, which stays with the person (a photo of the printed QR code opens
//!   nothing that the personal link opens).
//! - Only staff can use it: the page and its POST ask for a staff sign-in (login page or 403)
//!   before the code is even looked at, so the URL gives no one else anything, not even
//!   whether it is valid.
//! - It cannot be guessed or made for another id without the secret key; a wrong or altered
//!   code is a 404, as is an unknown id. Nothing is stored: the code is derived when needed
//!   and stays valid as long as the key (changing `SECUNITY_SECRET_KEY` voids printed codes,
//!   as it voids open forms).
//! - Checking in from the QR page and from the registrations list is the same function,
//!   [`super::service::check_in`], with the same audit entry.

use actix_web::{HttpResponse, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDateTime;
use hmac::{Hmac, Mac};
use secrecy::ExposeSecret;
use serde::Deserialize;
use serde_json::json;
use sha2::Sha256;
use views::seminars::checkin::CheckinView;
use views::seminars::public::CheckinQr;

use super::model::RegistrationStatus;
use super::queries;
use crate::accounts::StaffUser;
use crate::audit;
use crate::error::AppError;
use crate::seminars::queries as seminar_queries;
use crate::web::AppState;
use crate::web::ctx::{Page, html};
use crate::web::input::Query;
use crate::web::see_other;

/// Bytes of the MAC kept in the code (128 bits).
const CODE_BYTES: usize = 16;

fn mac(secret: &[u8], reg_id: i64) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(b"checkin:");
    mac.update(reg_id.to_string().as_bytes());
    mac
}

/// The check-in code of a registration.
pub fn code(secret: &[u8], reg_id: i64) -> String {
    let tag = mac(secret, reg_id).finalize().into_bytes();
    URL_SAFE_NO_PAD.encode(&tag[..CODE_BYTES])
}

/// Whether `code` is the check-in code of `reg_id` (compared in constant time).
pub fn verify(secret: &[u8], reg_id: i64, code: &str) -> bool {
    match URL_SAFE_NO_PAD.decode(code.trim()) {
        Ok(tag) if tag.len() == CODE_BYTES => {
            mac(secret, reg_id).verify_truncated_left(&tag).is_ok()
        }
        _ => false,
    }
}

/// The path of a registration's staff check-in page.
pub fn path(secret: &[u8], reg_id: i64) -> String {
    format!("/staff/checkin/{reg_id}/{}", code(secret, reg_id))
}

/// The QR code of `url` as an inline SVG element: black on white with the quiet zone, crisp
/// edges, error correction M (survives a crease or a smudge on paper).
pub fn qr_svg(url: &str) -> Option<String> {
    use qrcode::render::svg;
    let code =
        qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M).ok()?;
    let image = code
        .render::<svg::Color>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    // Inline in HTML: without the XML declaration the renderer puts first.
    Some(image[image.find("<svg")?..].to_string())
}

/// The QR block of a registrant's page: the absolute check-in URL and its picture.
pub fn qr(state: &AppState, reg_id: i64) -> Option<CheckinQr> {
    let url = format!(
        "{}{}",
        state.config.base_url.trim_end_matches('/'),
        path(state.config.secret_key.expose_secret(), reg_id)
    );
    Some(CheckinQr {
        svg: qr_svg(&url)?,
        url,
    })
}

/// When staff may not record attendance now: the sentence that says when they may (`None`
/// while they may, and for a seminar that was called off, whose page says so already).
pub fn window_note(
    seminar: &crate::seminars::model::Seminar,
    now: NaiveDateTime,
    lang: views::Lang,
) -> Option<String> {
    if seminar.check_in_open(now)
        || seminar.status == crate::seminars::model::SeminarStatus::Cancelled
    {
        return None;
    }
    let (from, until) = seminar.check_in_span();
    Some(lang.tf(
        "seminars.checkin.window",
        &[
            ("from", &crate::time::format_datetime(from, lang)),
            ("until", &crate::time::format_datetime(until, lang)),
        ],
    ))
}

/// 404 unless `code` is the check-in code of `reg_id`.
fn check_code(state: &AppState, reg_id: i64, code: &str) -> Result<(), AppError> {
    if verify(state.config.secret_key.expose_secret(), reg_id, code) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Query of the check-in page.
#[derive(Debug, Default, Deserialize)]
pub struct CheckinQuery {
    /// `1` right after checking in.
    #[serde(default)]
    pub done: String,
}

/// `GET /staff/checkin/{id}/{code}`: who this is and a one-tap check-in (a staff read of
/// personal data, audited).
pub async fn page(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<(i64, String)>,
    query: Query<CheckinQuery>,
) -> Result<HttpResponse, AppError> {
    let (reg_id, code) = path.into_inner();
    check_code(&state, reg_id, &code)?;
    let lang = page.lang;
    let actor = user.0.clone();
    let action = format!("/staff/checkin/{reg_id}/{code}");
    let done = query.done == "1";
    let view = state
        .db
        .run(move |c| {
            let reg = queries::find(c, reg_id)?;
            let s = seminar_queries::find(c, reg.seminar_id)?;
            audit::record(
                c,
                Some(&actor),
                audit::Action::RegistrationView,
                audit::Target::Registration,
                Some(reg_id.to_string()),
                json!({"seminar_id": reg.seminar_id, "via": "qr"}),
            )?;
            Ok::<_, AppError>(CheckinView {
                action,
                seminar_href: format!("/staff/seminars/{}", s.id),
                seminar_title: s.title.clone(),
                when: crate::time::format_span(s.starts_at, s.ends_at, lang),
                name: reg.name.clone(),
                company: reg.company.clone(),
                mode: lang.t(reg.mode().label_key()).to_string(),
                status_label: super::handlers::status_label(reg.status, lang).to_string(),
                confirmed: reg.status == RegistrationStatus::Confirmed,
                checked_in_at: reg
                    .checked_in_at
                    .map(|t| crate::time::format_datetime(t, lang)),
                done,
                open: s.check_in_open(crate::time::now_utc()),
                window: window_note(&s, crate::time::now_utc(), lang),
            })
        })
        .await?;
    Ok(html(views::seminars::checkin::show(&page, &view)))
}

/// `POST /staff/checkin/{id}/{code}`: checks the person in, then shows the page again.
pub async fn check_in(
    user: StaffUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, AppError> {
    let (reg_id, code) = path.into_inner();
    check_code(&state, reg_id, &code)?;
    let actor = user.0.clone();
    state
        .db
        .run(move |c| {
            super::service::check_in(c, &actor, reg_id, "qr", crate::time::now_utc()).map(|_| ())
        })
        .await?;
    Ok(see_other(format!("/staff/checkin/{reg_id}/{code}?done=1")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_bound_to_the_id_and_the_key() {
        let c = code(b"key-one", 12);
        assert_eq!(c.len(), 22);
        assert!(verify(b"key-one", 12, &c));
        assert!(!verify(b"key-one", 13, &c));
        assert!(!verify(b"key-two", 12, &c));
        assert!(!verify(b"key-one", 12, ""));
        assert!(!verify(b"key-one", 12, &c[..21]));
        assert!(!verify(b"key-one", 12, "not base64 !!"));
        let mut altered = c.clone().into_bytes();
        altered[0] = if altered[0] == b'A' { b'B' } else { b'A' };
        assert!(!verify(
            b"key-one",
            12,
            &String::from_utf8(altered).unwrap()
        ));
        assert_eq!(path(b"key-one", 12), format!("/staff/checkin/12/{c}"));
    }

    #[test]
    fn the_qr_code_is_an_inline_svg() {
        let svg = qr_svg("https://secunity.example/staff/checkin/12/abc").unwrap();
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("crispEdges"));
        assert!(!svg.contains("<?xml"));
    }
}
