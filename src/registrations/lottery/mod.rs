//! The lottery (抽選) of a seminar: until the draw every application is `applied` and equal;
//! at the draw time the worker draws (staff and the API may draw early, once registration has
//! closed), exactly once however many processes try; winners are confirmed and mailed with the
//! calendar entry, the others waitlisted in drawn order or told they were not drawn. Each draw
//! stores the record of [`crate::registrations::allocation::draw`] so that anyone can re-run
//! it (`secunity lottery verify SEMINAR_ID`, [`service::verify`]).

pub mod api;
pub mod queries;
pub mod service;
pub mod staff;
