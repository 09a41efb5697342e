//! Attendance certificates (受講証明書): the serial that identifies and verifies each one and the
//! PDF that carries it.

pub mod handlers;
pub mod pdf;
pub mod serial;
pub mod service;
