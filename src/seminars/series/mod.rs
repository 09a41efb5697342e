//! Series (連続講座): seminars grouped into one course, e.g. a three-part tabletop exercise.
//!
//! People register once for the series and hold a registration for every session
//! (`crate::registrations::series`): one capacity for the series, all sessions confirmed or all
//! waitlisted, attendance per session, and a certificate of attendance for the series once a
//! participant attended [`model::Series::certificate_min_sessions`] sessions. The public list
//! shows a series as one entry with all its dates ([`queries::collapsed_sessions`]); its page
//! lists the sessions ([`public`]). Staff create a series and add or remove seminars on the staff
//! screen ([`staff`]) and through the API ([`api`]), both through [`service`].

pub mod api;
pub mod model;
pub mod public;
pub mod queries;
pub mod service;
pub mod staff;
