//! What waits for staff, for the dashboard's 「今日の確認事項」: each feature contributes a
//! provider (composed in `lib.rs`, so the core names no feature), the dashboard asks them all.

use diesel::QueryResult;
use views::Lang;

use crate::db::DbConn;

/// One kind of thing that waits for staff: how many, said in words, and where to act on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingItem {
    /// How many wait (a provider leaves out what is zero).
    pub count: i64,
    /// The sentence in the staff user's language (「掲示板の投稿 2 件が確認を待っています」).
    pub text: String,
    /// The staff page where it is done.
    pub href: String,
}

impl PendingItem {
    /// An item when `count` is above zero: the text is the catalog entry `key` with `{count}`.
    pub fn of(count: i64, lang: Lang, key: &'static str, href: &str) -> Option<Self> {
        (count > 0).then(|| Self {
            count,
            text: lang.tf(key, &[("count", &count.to_string())]),
            href: href.to_string(),
        })
    }
}

/// A feature's part of the list: what of it waits for staff now.
pub type Provider = fn(&mut DbConn, Lang) -> QueryResult<Vec<PendingItem>>;

/// Every provider, in the order the dashboard lists them (`app_data` of the application).
#[derive(Clone, Default)]
pub struct Pending(pub Vec<Provider>);

impl Pending {
    /// Asks every provider.
    pub fn collect(&self, conn: &mut DbConn, lang: Lang) -> QueryResult<Vec<PendingItem>> {
        let mut out = Vec::new();
        for provider in &self.0 {
            out.extend(provider(conn, lang)?);
        }
        Ok(out)
    }
}
