//! The HTML of secunity: pages, shared components, mail bodies and the message catalogs.
//!
//! This crate knows maud and nothing of actix or diesel: handlers hand it plain view structs
//! whose values are already formatted, and get markup back.

pub mod accounts;
pub mod certificates;
pub mod components;
pub mod confirm;
pub mod forms;
pub mod i18n;
pub mod layout;
pub mod mail;
pub mod matching;
pub mod newsletter;
pub mod pages;
pub mod reports;
pub mod seminars;
pub mod staff;

pub use i18n::Lang;
pub use layout::{PageCtx, UserBadge};
pub use maud::{Markup, PreEscaped, html};
