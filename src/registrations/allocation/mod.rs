//! Seat allocation beyond first come: the lottery draw (抽選) and the rule for placing group
//! entries whole, which the draw and the waitlist promotion share.
//!
//! Pure logic, no database and no clock: the service layer reads the entries, calls these
//! functions inside its transaction, and stores what they return (and, for a draw, the
//! [`draw::DrawRecord`] that lets anyone re-run it).

pub mod draw;
pub mod placement;
pub mod shuffle;
