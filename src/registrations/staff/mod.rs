//! The staff's side of registrations: the seminar list with its overview, each seminar's page
//! with its registrations, the actions on a registration, and messages to registrants. (The
//! programme itself, creating and editing seminars, is `crate::seminars::staff`.)

pub mod actions;
pub mod message;
pub mod overview;
pub mod seminar_page;
