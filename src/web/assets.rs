//! CSS, JavaScript and icons, embedded into the binary and served under a versioned URL
//! (`/assets/{version}/{file}`) so browsers may cache them for a year.

use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use actix_web::{HttpRequest, HttpResponse, web};
use sha2::{Digest, Sha256};

use crate::error::AppError;

/// The files under `assets/`, compiled into the binary; the fonts are for documents
/// (`src/pdf/`), which embed them on their own, and are not served.
#[derive(rust_embed::Embed)]
#[folder = "assets/"]
#[exclude = "fonts/*"]
struct Embedded;

/// The version segment of asset URLs: a hash over every embedded file, so any change to any
/// asset changes every URL and no browser keeps a stale copy.
#[derive(Debug, Clone)]
pub struct AssetIndex {
    /// First 12 hex digits of the combined hash.
    pub version: String,
}

impl AssetIndex {
    /// Hashes the embedded files.
    pub fn build() -> Self {
        let mut names: Vec<_> = Embedded::iter().collect();
        names.sort();
        let mut hasher = Sha256::new();
        for name in names {
            if let Some(file) = Embedded::get(&name) {
                hasher.update(name.as_bytes());
                hasher.update(file.metadata.sha256_hash());
            }
        }
        let digest = hasher.finalize();
        let version = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
        Self { version }
    }
}

/// `GET /assets/{version}/{file}`.
pub async fn serve(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    state: web::Data<super::AppState>,
) -> Result<HttpResponse, AppError> {
    let (version, file) = path.into_inner();
    let asset = Embedded::get(&file).ok_or(AppError::NotFound)?;
    let etag = format!(
        "\"{}\"",
        asset.metadata.sha256_hash()[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    // An old version in the URL still gets the file, but must not be cached as immutable.
    let cache = if version == state.assets.version {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    if req
        .headers()
        .get(IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        return Ok(HttpResponse::NotModified()
            .insert_header((ETAG, etag))
            .insert_header((CACHE_CONTROL, cache))
            .finish());
    }
    let mime = asset.metadata.mimetype();
    let content_type = if mime.starts_with("text/") || mime == "application/javascript" {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    };
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, content_type))
        .insert_header((CACHE_CONTROL, cache))
        .insert_header((ETAG, etag))
        .body(asset.data.into_owned()))
}

/// `GET /favicon.ico`: the icon browsers ask for at the site's root whatever the page says
/// (pages link `icon.svg`; this is the same shield as PNG images of 16, 32 and 48 pixels).
pub async fn favicon() -> Result<HttpResponse, AppError> {
    let icon = Embedded::get("favicon.ico").ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "image/x-icon"))
        .insert_header((CACHE_CONTROL, "public, max-age=86400"))
        .body(icon.data.into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stylesheets_and_icon_are_embedded() {
        for name in [
            "app.css",
            "app.js",
            "icon.svg",
            "favicon.ico",
            "vendor/digital-go-jp/tokens.css",
        ] {
            assert!(Embedded::get(name).is_some(), "{name} is not embedded");
        }
        assert_eq!(AssetIndex::build().version.len(), 12);
    }

    #[test]
    fn the_document_font_is_not_a_web_asset() {
        assert!(Embedded::get("fonts/BIZUDPGothic-Regular.ttf").is_none());
        assert!(Embedded::iter().all(|name| !name.starts_with("fonts/")));
    }
}
