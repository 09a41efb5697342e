//! Personal data across features: the one list of every feature that holds something about a
//! person, so that "My data" exports all of it and deleting an account erases all of it (the
//! outbox included) without the core knowing the features. Each feature implements
//! [`PersonalData`]; `lib.rs` composes the list ([`Holders`]) and hands it to the application
//! as `app_data`.

use std::sync::Arc;

use diesel::QueryResult;
use serde_json::{Map, Value};

use crate::db::DbConn;
use crate::mail::outbox;

/// What one feature holds about an email address, and how it lets go of it.
pub trait PersonalData: Send + Sync {
    /// The key of its part in the exported document (`seminar_registrations`, `newsletter`, ...).
    fn key(&self) -> &'static str;

    /// Everything the feature holds about the address, as JSON.
    fn export(&self, conn: &mut DbConn, email: &str) -> QueryResult<Value>;

    /// Erases or anonymises it, in the caller's transaction.
    fn erase(&self, conn: &mut DbConn, email: &str) -> QueryResult<()>;
}

/// Every feature's [`PersonalData`], in the order of the export.
#[derive(Clone, Default)]
pub struct Holders(Arc<Vec<Box<dyn PersonalData>>>);

impl Holders {
    /// The given features.
    pub fn new(holders: Vec<Box<dyn PersonalData>>) -> Self {
        Self(Arc::new(holders))
    }

    /// What every feature holds about the address, keyed by feature.
    pub fn export(&self, conn: &mut DbConn, email: &str) -> QueryResult<Value> {
        let mut all = Map::new();
        for holder in self.0.iter() {
            all.insert(holder.key().to_string(), holder.export(conn, email)?);
        }
        Ok(Value::Object(all))
    }

    /// Erases what every feature holds about the address, and then every mail to it in the
    /// outbox, in the caller's transaction.
    pub fn erase(&self, conn: &mut DbConn, email: &str) -> QueryResult<()> {
        for holder in self.0.iter() {
            holder.erase(conn, email)?;
        }
        outbox::erase_recipient(conn, email, outbox::ErasureScope::All)?;
        Ok(())
    }
}
