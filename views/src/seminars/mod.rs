//! Seminars and registrations: the public list and page, the registrant's own page and
//! survey, the back office, and the mails.

pub mod add;
pub mod attendance;
pub mod charts;
pub mod checkin;
pub mod import;
pub mod lottery;
pub mod mail;
pub mod public;
pub mod series;
pub mod staff;
pub mod survey;
