//! Whole pages that belong to no single feature.

pub mod error;
pub mod home;
pub mod privacy;
