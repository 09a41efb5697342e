//! The fiscal-year report over the features' services: the year itself ([`fiscal_year`]) and the
//! rule that makes its tables fit for publication ([`suppression`]).

pub mod fiscal_year;
pub mod suppression;
