//! Rate limits on public endpoints that write or send mail: a token bucket per client IP
//! (and per address where one is given), answering 429 with `Retry-After`.
//!
//! The client IP is the peer address of the connection. Behind a reverse proxy listed in
//! `SECUNITY_TRUSTED_PROXIES` it is read from `X-Forwarded-For` instead: the right-most address
//! there that is not itself a trusted proxy (each proxy appends who connected to it, so what
//! stands left of that is whatever the client chose to send and is never believed).

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use actix_web::HttpRequest;
use actix_web::http::header::HeaderMap;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::AppError;

/// The limiters of one process.
#[derive(Clone)]
pub struct RateLimits {
    per_ip: Arc<DefaultKeyedRateLimiter<(&'static str, IpAddr)>>,
    per_address: Arc<DefaultKeyedRateLimiter<(&'static str, String)>>,
    trusted_proxies: Arc<[ipnet::IpNet]>,
}

impl RateLimits {
    /// `per_minute` requests per minute and client IP (bursts of that size); a tenth of it
    /// (at least 3) per email address. `X-Forwarded-For` is believed only from
    /// `trusted_proxies`.
    pub fn new(per_minute: u32, trusted_proxies: Vec<ipnet::IpNet>) -> Self {
        let ip = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        let address = NonZeroU32::new((per_minute / 10).max(3)).unwrap_or(NonZeroU32::MIN);
        Self {
            per_ip: Arc::new(RateLimiter::keyed(Quota::per_minute(ip))),
            per_address: Arc::new(RateLimiter::keyed(Quota::per_minute(address))),
            trusted_proxies: trusted_proxies.into(),
        }
    }

    /// The client's address: the peer's, or the one a trusted proxy reported.
    pub fn client_ip(&self, req: &HttpRequest) -> IpAddr {
        let peer = req
            .peer_addr()
            .map(|a| a.ip().to_canonical())
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        client_behind(peer, req.headers(), &self.trusted_proxies)
    }

    /// Counts one request of `bucket` (e.g. `"register"`) from the client; 429 when over.
    pub fn check_ip(&self, req: &HttpRequest, bucket: &'static str) -> Result<(), AppError> {
        let ip = self.client_ip(req);
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

/// Walks `X-Forwarded-For` from the right while the hop it came from is a trusted proxy; the
/// first address not trusted is the client. An entry that is not an address stops the walk at
/// the last address known (a client cannot hide behind garbage).
fn client_behind(peer: IpAddr, headers: &HeaderMap, trusted: &[ipnet::IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("X-Forwarded-For")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        let Some(ip) = parse_hop(hop) else { break };
        client = ip;
        if !is_trusted(&ip) {
            break;
        }
    }
    client
}

/// An address as proxies write it: `203.0.113.7`, `2001:db8::1`, `[2001:db8::1]:443` or
/// `203.0.113.7:51000`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    hop.parse::<std::net::SocketAddr>()
        .ok()
        .map(|a| a.ip().to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::HeaderValue;

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append(
                "X-Forwarded-For".parse().unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        headers
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let trusted = crate::config::parse_trusted_proxies("10.0.0.0/8, 192.0.2.1").unwrap();
        let h = forwarded(&["198.51.100.9, 203.0.113.5"]);
        // From a trusted proxy: the right-most address that is not a proxy.
        assert_eq!(
            client_behind(ip("10.1.2.3"), &h, &trusted),
            ip("203.0.113.5")
        );
        // From anyone else: the peer, whatever the header says.
        assert_eq!(
            client_behind(ip("203.0.113.77"), &h, &trusted),
            ip("203.0.113.77")
        );
        assert_eq!(client_behind(ip("10.1.2.3"), &h, &[]), ip("10.1.2.3"));
        // Two proxies in a row, the header split over two lines.
        let h = forwarded(&["203.0.113.5", "192.0.2.1"]);
        assert_eq!(
            client_behind(ip("10.1.2.3"), &h, &trusted),
            ip("203.0.113.5")
        );
        // Ports and brackets as some proxies write them.
        let h = forwarded(&["[2001:db8::7]:443"]);
        assert_eq!(
            client_behind(ip("192.0.2.1"), &h, &trusted),
            ip("2001:db8::7")
        );
        // Garbage stops at the last address known; no header leaves the proxy itself.
        let h = forwarded(&["203.0.113.5, junk"]);
        assert_eq!(client_behind(ip("10.1.2.3"), &h, &trusted), ip("10.1.2.3"));
        assert_eq!(
            client_behind(ip("10.1.2.3"), &HeaderMap::new(), &trusted),
            ip("10.1.2.3")
        );
    }
}
