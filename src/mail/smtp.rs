//! The SMTP client side: a small pool of lettre SMTP connections on sockets with `TCP_NODELAY`.
//!
//! Why not lettre's own pooled `AsyncSmtpTransport`: lettre 0.11 writes a message's body and the
//! terminating `\r\n.\r\n` as two writes, on a socket with Nagle's algorithm on. The second write
//! then waits until the server acknowledges the first, and a Linux server delays that ACK by
//! 40 ms whenever the body fits in one TCP segment (always on loopback, and for small messages
//! anywhere). That capped one connection at about 22 messages a second (BENCHMARKS.md); lettre
//! sets `TCP_NODELAY` upstream since its PR #1159, which is not in the 0.11.23 release used here,
//! and its transport lets no caller set the option. So this module opens the TCP connection
//! itself, sets `TCP_NODELAY`, and hands the socket to lettre's `AsyncSmtpConnection`: the
//! protocol (EHLO, STARTTLS, AUTH, MAIL/RCPT/DATA, dot-stuffing, replies) stays lettre's.
//!
//! `SMTP_URL` is read exactly as lettre's `from_url` reads it. One exception remains: with
//! implicit TLS (`smtps://`) lettre must open the socket itself (it offers no public way to
//! start TLS on a given socket before the greeting), so those connections keep Nagle on.

use std::borrow::Cow;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use tokio::sync::Semaphore;

use super::transport::SendError;

/// A connection reused within this time is not tested with `NOOP` first: a server does not
/// drop a connection that was in use a moment ago, and the test costs a round trip a message.
const TRUST_RECENT: Duration = Duration::from_secs(1);

/// How the connection is secured, as the URL says.
#[derive(Clone)]
enum Security {
    /// `smtp://host` (port 25): plain text.
    None,
    /// `smtp://host?tls=opportunistic` (port 587): STARTTLS when the server offers it.
    Opportunistic(TlsParameters),
    /// `smtp://host?tls=required` (port 587): STARTTLS or fail.
    Required(TlsParameters),
    /// `smtps://host` (port 465): TLS from the first byte.
    Implicit(TlsParameters),
}

/// Where and how to connect, parsed from `SMTP_URL`.
#[derive(Clone)]
pub struct SmtpEndpoint {
    host: String,
    port: u16,
    security: Security,
    hello: ClientId,
    credentials: Option<Credentials>,
}

impl std::fmt::Debug for SmtpEndpoint {
    // No credentials in logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let security = match self.security {
            Security::None => "none",
            Security::Opportunistic(_) => "starttls-opportunistic",
            Security::Required(_) => "starttls-required",
            Security::Implicit(_) => "implicit-tls",
        };
        f.debug_struct("SmtpEndpoint")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &security)
            .field("auth", &self.credentials.is_some())
            .finish()
    }
}

impl SmtpEndpoint {
    /// Parses `smtp://[user:password@]host[:port][/hello-name][?tls=required|opportunistic]` or
    /// `smtps://...`, with lettre's defaults: port 25 for plain SMTP, 587 with STARTTLS, 465 for
    /// implicit TLS; user and password are percent-decoded.
    pub fn parse(url: &str) -> Result<Self, String> {
        let url = url::Url::parse(url).map_err(|e| format!("not a URL: {e}"))?;
        let host = url
            .host_str()
            .ok_or("no host")?
            .trim_matches(['[', ']'])
            .to_string();
        let tls = url
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned());
        let params = || TlsParameters::new(host.clone()).map_err(|e| format!("TLS: {e}"));
        let (security, default_port) = match (url.scheme(), tls.as_deref()) {
            ("smtp", None) => (Security::None, 25),
            ("smtp", Some("required")) => (Security::Required(params()?), 587),
            ("smtp", Some("opportunistic")) => (Security::Opportunistic(params()?), 587),
            ("smtps", _) => (Security::Implicit(params()?), 465),
            (scheme, tls) => {
                return Err(format!(
                    "unknown scheme {scheme:?} or tls parameter {tls:?} (smtp://, smtp://...?tls=required, smtp://...?tls=opportunistic, smtps://)"
                ));
            }
        };
        let hello = match url.path().trim_matches('/') {
            "" => ClientId::default(),
            name => ClientId::Domain(name.to_string()),
        };
        let credentials = match url.password() {
            Some(password) => {
                let decode = |s: &str| {
                    percent_encoding::percent_decode_str(s)
                        .decode_utf8()
                        .map(Cow::into_owned)
                        .map_err(|e| format!("user or password is not UTF-8: {e}"))
                };
                Some(Credentials::new(decode(url.username())?, decode(password)?))
            }
            None => None,
        };
        Ok(Self {
            port: url.port().unwrap_or(default_port),
            host,
            security,
            hello,
            credentials,
        })
    }

    /// Opens, secures and authenticates one connection.
    async fn connect(&self, timeout: Duration) -> Result<AsyncSmtpConnection, SendError> {
        let mut conn = match &self.security {
            Security::Implicit(tls) => AsyncSmtpConnection::connect_tokio1(
                (self.host.as_str(), self.port),
                Some(timeout),
                &self.hello,
                Some(tls.clone()),
                None,
            )
            .await
            .map_err(|e| SendError::from_smtp(&e))?,
            _ => {
                let stream = tcp_connect(&self.host, self.port, timeout).await?;
                AsyncSmtpConnection::connect_with_transport(Box::new(stream), &self.hello)
                    .await
                    .map_err(|e| SendError::from_smtp(&e))?
            }
        };
        match &self.security {
            Security::Required(tls) => conn.starttls(tls.clone(), &self.hello).await,
            Security::Opportunistic(tls) if conn.can_starttls() => {
                conn.starttls(tls.clone(), &self.hello).await
            }
            _ => Ok(()),
        }
        .map_err(|e| SendError::from_smtp(&e))?;
        if let Some(credentials) = &self.credentials {
            conn.auth(DEFAULT_MECHANISMS, credentials)
                .await
                .map_err(|e| SendError::from_smtp(&e))?;
        }
        Ok(conn)
    }
}

/// Connects to the first address of `host` that answers, with `TCP_NODELAY` set.
async fn tcp_connect(
    host: &str,
    port: u16,
    timeout: Duration,
) -> Result<tokio::net::TcpStream, SendError> {
    let connect = async {
        let mut last_error = None;
        for addr in tokio::net::lookup_host((host, port)).await? {
            match connect_one(addr).await {
                Ok(stream) => return Ok(stream),
                Err(e) => last_error = Some(e),
            }
        }
        Err(last_error.unwrap_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::NotFound, "the host has no address")
        }))
    };
    match tokio::time::timeout(timeout, connect).await {
        Ok(Ok(stream)) => Ok(stream),
        Ok(Err(e)) => Err(SendError::temporary(format!(
            "cannot connect to the SMTP server: {e}"
        ))),
        Err(_) => Err(SendError::temporary(
            "connecting to the SMTP server timed out".into(),
        )),
    }
}

async fn connect_one(addr: SocketAddr) -> std::io::Result<tokio::net::TcpStream> {
    let stream = tokio::net::TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

struct Idle {
    conn: AsyncSmtpConnection,
    since: Instant,
}

struct Shared {
    endpoint: SmtpEndpoint,
    timeout: Duration,
    idle_timeout: Duration,
    idle: Mutex<Vec<Idle>>,
    slots: Semaphore,
    reaper: AtomicBool,
}

/// Up to `max_size` SMTP connections, reused while they are fresh.
///
/// A connection that saw any error is closed, not reused (lettre marks it broken). Idle
/// connections are closed with `QUIT` after `idle_timeout`.
#[derive(Clone)]
pub struct SmtpPool {
    shared: Arc<Shared>,
}

impl SmtpPool {
    /// A pool for `endpoint`; `timeout` bounds connecting and each message.
    pub fn new(
        endpoint: SmtpEndpoint,
        max_size: usize,
        timeout: Duration,
        idle_timeout: Duration,
    ) -> Self {
        Self {
            shared: Arc::new(Shared {
                endpoint,
                timeout,
                idle_timeout,
                idle: Mutex::new(Vec::new()),
                slots: Semaphore::new(max_size.max(1)),
                reaper: AtomicBool::new(false),
            }),
        }
    }

    /// Sends one message (envelope and formatted bytes) on a pooled connection.
    pub async fn send(&self, envelope: &Envelope, message: &[u8]) -> Result<(), SendError> {
        let shared = &self.shared;
        let _slot = shared
            .slots
            .acquire()
            .await
            .map_err(|_| SendError::temporary("the SMTP pool is closed".into()))?;
        let mut conn = self.checkout().await?;
        match tokio::time::timeout(shared.timeout, conn.send(envelope, message)).await {
            Ok(Ok(_)) => {
                self.checkin(conn);
                Ok(())
            }
            Ok(Err(e)) => {
                // lettre has already sent QUIT and closed a connection that saw an error.
                if !conn.has_broken() {
                    conn.abort().await;
                }
                Err(SendError::from_smtp(&e))
            }
            Err(_) => {
                conn.abort().await;
                Err(SendError::temporary(
                    "the SMTP server did not answer in time".into(),
                ))
            }
        }
    }

    /// A fresh idle connection, or a new one.
    async fn checkout(&self) -> Result<AsyncSmtpConnection, SendError> {
        let shared = &self.shared;
        loop {
            let idle = lock(&shared.idle).pop();
            let Some(Idle { mut conn, since }) = idle else {
                break;
            };
            let age = since.elapsed();
            if age >= shared.idle_timeout {
                conn.abort().await;
                continue;
            }
            if age < TRUST_RECENT || conn.test_connected().await {
                return Ok(conn);
            }
            conn.abort().await;
        }
        shared.endpoint.connect(shared.timeout).await
    }

    fn checkin(&self, conn: AsyncSmtpConnection) {
        lock(&self.shared.idle).push(Idle {
            conn,
            since: Instant::now(),
        });
        if !self.shared.reaper.swap(true, Ordering::Relaxed) {
            tokio::spawn(reap(Arc::downgrade(&self.shared)));
        }
    }
}

/// Closes connections idle for longer than the idle timeout, until the pool is dropped.
async fn reap(shared: Weak<Shared>) {
    loop {
        let every = match shared.upgrade() {
            Some(s) => (s.idle_timeout / 2).max(Duration::from_millis(100)),
            None => return,
        };
        tokio::time::sleep(every).await;
        let Some(s) = shared.upgrade() else {
            return;
        };
        let expired: Vec<Idle> = {
            let mut idle = lock(&s.idle);
            let (old, fresh): (Vec<Idle>, Vec<Idle>) = idle
                .drain(..)
                .partition(|i| i.since.elapsed() >= s.idle_timeout);
            *idle = fresh;
            old
        };
        drop(s);
        for mut i in expired {
            i.conn.abort().await;
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn security(url: &str) -> (&'static str, u16) {
        let e = SmtpEndpoint::parse(url).unwrap();
        let kind = match e.security {
            Security::None => "none",
            Security::Opportunistic(_) => "opportunistic",
            Security::Required(_) => "required",
            Security::Implicit(_) => "implicit",
        };
        (kind, e.port)
    }

    #[test]
    fn urls_are_read_as_lettre_reads_them() {
        assert_eq!(security("smtp://127.0.0.1:1025"), ("none", 1025));
        assert_eq!(security("smtp://mail.example.jp"), ("none", 25));
        assert_eq!(
            security("smtp://mail.example.jp?tls=required"),
            ("required", 587)
        );
        assert_eq!(
            security("smtp://mail.example.jp:2525?tls=opportunistic"),
            ("opportunistic", 2525)
        );
        assert_eq!(security("smtps://mail.example.jp"), ("implicit", 465));
        assert!(SmtpEndpoint::parse("smtp://mail.example.jp?tls=maybe").is_err());
        assert!(SmtpEndpoint::parse("http://mail.example.jp").is_err());
        assert!(SmtpEndpoint::parse("not a url").is_err());
    }

    #[test]
    fn credentials_are_percent_decoded_and_never_shown() {
        let e =
            SmtpEndpoint::parse("smtps://user%40example.jp:p%40ss%2Fword@smtp.example.jp").unwrap();
        assert_eq!(
            e.credentials,
            Some(Credentials::new(
                "user@example.jp".into(),
                "p@ss/word".into()
            ))
        );
        let shown = format!("{e:?}");
        assert!(
            !shown.contains("p@ss") && !shown.contains("user@"),
            "{shown}"
        );
        let e = SmtpEndpoint::parse("smtp://relay.example.jp/mx.secunity.example").unwrap();
        assert_eq!(e.hello, ClientId::Domain("mx.secunity.example".into()));
        assert!(e.credentials.is_none());
    }
}
