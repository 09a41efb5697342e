//! The integration tests: one binary that drives the real HTTP server on port 0 against a
//! fresh database per test (a temp SQLite file, or a fresh PostgreSQL database when
//! `TEST_DATABASE_URL` is set) and a real SMTP listener on loopback.

mod support;

mod accounts;
mod anonymous_pages;
mod applications;
mod attendance_imports;
mod bad_input;
mod bench;
mod calendar;
mod certificates;
mod confirmations;
mod dashboard;
mod demo;
mod dkim;
mod erasure;
mod followup;
mod groups;
mod inputs;
mod kept_feeds;
mod labels;
mod logs;
mod lottery;
mod mail;
mod matching;
mod newsletter;
mod oauth_linking;
mod openapi;
mod organizations_api;
mod outbox_staff;
mod page_cache;
mod pages;
mod privacy;
mod protocols;
mod reports;
mod seat_lock;
mod seminar_scale;
mod seminars;
mod seminars_desk;
mod series;
mod sessions;
mod skeleton;
mod suggestions;
