//! What seminars need from the people registered for them, without knowing registrations: when
//! staff change a seminar or call it off, its registrants are told. Registrations implement
//! [`Registrants`] (their notifier, under the seat lock) and `lib.rs` hands it to the seminar
//! handlers as `web::Data<dyn Registrants>`, so that registrations build on seminars and never
//! the other way round.

use chrono::NaiveDateTime;
use diesel::QueryResult;

use super::model::SeminarData;
use crate::db::DbConn;
use crate::error::AppError;

/// The registrants of seminars, as seminars see them. Each method runs in the caller's
/// transaction (its writes and the mails it queues commit or roll back with the caller's).
pub trait Registrants: Send + Sync {
    /// Stores `data` as seminar `id` and tells each confirmed registrant what changed for them
    /// (time, place, join URL: a mail and the calendar update); how many were told.
    fn update_seminar(
        &self,
        c: &mut DbConn,
        id: i64,
        data: &SeminarData,
        now: NaiveDateTime,
    ) -> QueryResult<usize>;

    /// Calls seminar `id` off and tells every active registrant (the confirmed ones with the
    /// calendar's cancellation); how many were told. Nothing happens to one already called off.
    fn call_off(&self, c: &mut DbConn, id: i64, now: NaiveDateTime) -> Result<usize, AppError>;
}
