//! The public board lists served from memory: for a visitor who is not signed in, each list
//! (needs or offerings, per filter and language) is computed from the database once per
//! content version ([`crate::content_version`]) and kept as a rendered fragment (in a [`KeptPage`]), framed
//! per request. Every write to needs, offerings and organizations raises the version in its
//! own transaction (database triggers), so an approved post shows on the very next request; a
//! post expiring ends the kept lists at that moment ([`super::queries::next_board_change`]).
//! Signed-in visitors see links of their own and are served from the database.

use std::sync::Arc;

use chrono::NaiveDateTime;
use views::{Lang, PageCtx};

use super::handlers::board_view;
use super::queries::{self, BoardFilter};
use super::view::Refs;
use crate::content_version::PerVersion;
use crate::error::AppError;
use crate::reference;
use crate::web::AppState;
use crate::web::kept::KeptPage;

/// How many board lists (filter × language) are kept.
const BOARD_LISTS: usize = 256;

/// The kept public board lists (one per process, shared by the HTTP workers).
pub struct BoardPages {
    /// Stands for the CSRF token in kept pages (the board list has none today; kept for the
    /// day it has one).
    placeholder: String,
    lists: PerVersion<(BoardFilter, Lang), KeptPage>,
    next_change: PerVersion<(), Option<NaiveDateTime>>,
    labels: reference::Kept,
}

impl Default for BoardPages {
    fn default() -> Self {
        Self {
            placeholder: crate::web::csrf::placeholder(),
            lists: PerVersion::new(BOARD_LISTS),
            next_change: PerVersion::new(1),
            labels: reference::Kept::default(),
        }
    }
}

impl BoardPages {
    /// `GET /board` as a visitor who is not signed in sees it.
    pub async fn board(
        self: &Arc<Self>,
        state: &AppState,
        filter: BoardFilter,
        lang: Lang,
    ) -> Result<Arc<KeptPage>, AppError> {
        let version = state.content.current().await?;
        let key = (filter, lang);
        if let Some(kept) = self.lists.get(version, &key) {
            return Ok(kept);
        }
        let pages = self.clone();
        state
            .db
            .run(move |c| {
                let until = match pages.next_change.get(version, &()) {
                    Some(until) => *until,
                    None => {
                        let until = queries::next_board_change(c, crate::time::now_utc())?;
                        *pages.next_change.insert(version, (), until, until)
                    }
                };
                let refs = Refs::kept(c, &pages.labels, version, lang)?;
                let view = board_view(c, refs, &key.0, None)?;
                let ctx = PageCtx::template(lang, &pages.placeholder);
                let fragment = views::matching::board_fragment(&ctx, &view);
                Ok::<_, AppError>(
                    pages
                        .lists
                        .insert(version, key, KeptPage::new(fragment), until),
                )
            })
            .await
    }
}
