//! Rate limits on public endpoints that write or send mail: a token bucket per client IP
//! (and per address where one is given), answering 429 with `Retry-After`.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use actix_web::HttpRequest;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::AppError;

/// The limiters of one process.
#[derive(Clone)]
pub struct RateLimits {
    per_ip: Arc<DefaultKeyedRateLimiter<(&'static str, IpAddr)>>,
    per_address: Arc<DefaultKeyedRateLimiter<(&'static str, String)>>,
}

impl RateLimits {
    /// `per_minute` requests per minute and client IP (bursts of that size); a tenth of it
    /// (at least 3) per email address.
    pub fn new(per_minute: u32) -> Self {
        let ip = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        let address = NonZeroU32::new((per_minute / 10).max(3)).unwrap_or(NonZeroU32::MIN);
        Self {
            per_ip: Arc::new(RateLimiter::keyed(Quota::per_minute(ip))),
            per_address: Arc::new(RateLimiter::keyed(Quota::per_minute(address))),
        }
    }

    /// Counts one request of `bucket` (e.g. `"register"`) from the client; 429 when over.
    pub fn check_ip(&self, req: &HttpRequest, bucket: &'static str) -> Result<(), AppError> {
        // The peer address, not X-Forwarded-For: a client cannot choose its own bucket.
        let ip = req
            .peer_addr()
            .map(|a| a.ip())
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        self.per_ip.check_key(&(bucket, ip)).map_err(|not_until| {
            retry_after(not_until.wait_time_from(DefaultClock::default().now()))
        })
    }

    /// Counts one request of `bucket` for an email address; 429 when over.
    pub fn check_address(&self, address: &str, bucket: &'static str) -> Result<(), AppError> {
        self.per_address
            .check_key(&(bucket, address.trim().to_lowercase()))
            .map_err(|not_until| {
                retry_after(not_until.wait_time_from(DefaultClock::default().now()))
            })
    }
}

fn retry_after(wait: std::time::Duration) -> AppError {
    AppError::RateLimited {
        retry_after: wait.as_secs().max(1),
    }
}
