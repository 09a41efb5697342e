//! A small SMTP server on loopback that records every message it accepts: the listener of the
//! integration tests and of `secunity bench mail`.
//!
//! Written here rather than taken from a crate because the tests must script its replies
//! (a 451 to some attempts, a 550 to others) and count attempts; the embedded SMTP server
//! crates accept everything. It speaks just enough of RFC 5321 for lettre: EHLO/HELO, MAIL,
//! RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};

/// One message the listener accepted.
#[derive(Debug, Clone)]
pub struct Received {
    /// Envelope sender.
    pub mail_from: String,
    /// Envelope recipients.
    pub rcpt_to: Vec<String>,
    /// The raw message.
    pub data: Vec<u8>,
}

impl Received {
    /// A header value as raw text (unfolded), if present.
    pub fn raw_header(&self, name: &str) -> Option<String> {
        let text = String::from_utf8_lossy(&self.data);
        let head = text.split("\r\n\r\n").next().unwrap_or("");
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        let prefix = format!("{}:", name.to_ascii_lowercase());
        unfolded
            .split("\r\n")
            .find(|l| l.to_ascii_lowercase().starts_with(&prefix))
            .map(|l| l[prefix.len()..].trim().to_string())
    }
}

/// How the listener answers the end of DATA for attempt number `n` (counting from 0).
pub type Reply = Arc<dyn Fn(usize) -> u16 + Send + Sync>;

/// The running listener.
#[derive(Clone)]
pub struct SmtpServer {
    /// `127.0.0.1:port`.
    pub addr: String,
    received: Arc<Mutex<Vec<Received>>>,
    attempts: Arc<AtomicUsize>,
    accepted: Arc<AtomicUsize>,
    keep: bool,
    notify: Arc<Notify>,
    hold_from: Arc<watch::Sender<usize>>,
    held: Arc<AtomicUsize>,
}

impl SmtpServer {
    /// Starts a listener that accepts everything.
    pub async fn start() -> Self {
        Self::start_with(Arc::new(|_| 250)).await
    }

    /// Starts a listener whose DATA replies come from `reply` (250, 451, 550, ...).
    pub async fn start_with(reply: Reply) -> Self {
        Self::start_inner(reply, true).await
    }

    /// Starts a listener that accepts everything and only counts (for benchmarks: no memory
    /// grows with the number of messages).
    pub async fn start_counting() -> Self {
        Self::start_inner(Arc::new(|_| 250), false).await
    }

    async fn start_inner(reply: Reply, keep: bool) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free loopback port for the SMTP listener");
        let addr = listener
            .local_addr()
            .map(|a| a.to_string())
            .unwrap_or_default();
        let server = SmtpServer {
            addr,
            received: Arc::default(),
            attempts: Arc::default(),
            accepted: Arc::default(),
            keep,
            notify: Arc::new(Notify::new()),
            hold_from: Arc::new(watch::channel(usize::MAX).0),
            held: Arc::default(),
        };
        let s = server.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let s = s.clone();
                let reply = reply.clone();
                tokio::spawn(async move {
                    let _ = s.session(stream, reply).await;
                });
            }
        });
        server
    }

    /// `smtp://127.0.0.1:port`, for `SMTP_URL`.
    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// What was accepted so far.
    pub fn messages(&self) -> Vec<Received> {
        self.received
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// How many messages were accepted.
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }

    /// How many DATA attempts were answered (accepted or not).
    pub fn attempts(&self) -> usize {
        self.attempts.load(Ordering::SeqCst)
    }

    /// From DATA attempt number `n` on (counting every attempt from 0), the listener takes the
    /// message (it counts as accepted and received) but holds its reply until
    /// [`release`](Self::release): a server that stalls after the data, with its client waiting
    /// in the middle of a delivery.
    pub fn hold_from(&self, n: usize) {
        self.hold_from.send_replace(n);
    }

    /// Holds the reply to every DATA from now on (see [`hold_from`](Self::hold_from)).
    pub fn hold(&self) {
        self.hold_from(self.attempts());
    }

    /// Answers the held replies, and every later one at once.
    pub fn release(&self) {
        self.hold_from.send_replace(usize::MAX);
    }

    /// How many replies are held right now.
    pub fn held(&self) -> usize {
        self.held.load(Ordering::SeqCst)
    }

    /// Waits until at least `n` replies are held (panics after `timeout`).
    pub async fn wait_held(&self, n: usize, timeout: Duration) {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.notify.notified();
            if self.held() >= n {
                return;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                assert!(
                    self.held() >= n,
                    "expected {n} held deliveries, the SMTP listener holds {}",
                    self.held()
                );
                return;
            }
        }
    }

    /// Waits while the reply to attempt `attempt` is held.
    async fn wait_while_held(&self, attempt: usize) {
        let mut threshold = self.hold_from.subscribe();
        if attempt < *threshold.borrow_and_update() {
            return;
        }
        self.held.fetch_add(1, Ordering::SeqCst);
        self.notify.notify_waiters();
        while attempt >= *threshold.borrow_and_update() {
            if threshold.changed().await.is_err() {
                break;
            }
        }
        self.held.fetch_sub(1, Ordering::SeqCst);
    }

    /// Waits until at least `n` messages were accepted (panics after `timeout`).
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.notify.notified();
            if self.accepted() >= n {
                return self.messages();
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                assert!(
                    self.accepted() >= n,
                    "expected {n} messages, the SMTP listener received {}",
                    self.accepted()
                );
                return self.messages();
            }
        }
    }

    async fn session(&self, stream: tokio::net::TcpStream, reply: Reply) -> std::io::Result<()> {
        let (read, mut write) = stream.into_split();
        let mut lines = BufReader::new(read);
        write.write_all(b"220 localhost ESMTP test\r\n").await?;
        let mut from = String::new();
        let mut rcpt = Vec::new();
        let mut line = String::new();
        loop {
            line.clear();
            if lines.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            let upper = line.trim_end().to_ascii_uppercase();
            if upper.starts_with("EHLO") {
                write
                    .write_all(
                        b"250-localhost\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 PIPELINING\r\n",
                    )
                    .await?;
            } else if upper.starts_with("HELO") {
                write.write_all(b"250 localhost\r\n").await?;
            } else if upper.starts_with("MAIL FROM:") {
                from = line.trim_end()[10..].trim().to_string();
                rcpt.clear();
                write.write_all(b"250 OK\r\n").await?;
            } else if upper.starts_with("RCPT TO:") {
                rcpt.push(
                    line.trim_end()[8..]
                        .trim()
                        .trim_matches(['<', '>'])
                        .to_string(),
                );
                write.write_all(b"250 OK\r\n").await?;
            } else if upper == "DATA" {
                write.write_all(b"354 go ahead\r\n").await?;
                let mut data = Vec::new();
                loop {
                    let mut l = Vec::new();
                    if lines.read_until(b'\n', &mut l).await? == 0 {
                        return Ok(());
                    }
                    if l == b".\r\n" {
                        break;
                    }
                    if l.starts_with(b"..") {
                        l.remove(0);
                    }
                    data.extend_from_slice(&l);
                }
                let attempt = self.attempts.fetch_add(1, Ordering::SeqCst);
                let code = reply(attempt);
                if code == 250 {
                    self.accepted.fetch_add(1, Ordering::SeqCst);
                }
                if code == 250 && self.keep {
                    self.received
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(Received {
                            mail_from: from.clone(),
                            rcpt_to: rcpt.clone(),
                            data,
                        });
                }
                if code == 250 {
                    self.notify.notify_waiters();
                    self.wait_while_held(attempt).await;
                    write.write_all(b"250 2.0.0 accepted\r\n").await?;
                } else if code < 500 {
                    write
                        .write_all(format!("{code} 4.3.0 try again later\r\n").as_bytes())
                        .await?;
                } else {
                    write
                        .write_all(format!("{code} 5.1.1 mailbox unavailable\r\n").as_bytes())
                        .await?;
                }
                rcpt.clear();
            } else if upper == "RSET" {
                rcpt.clear();
                write.write_all(b"250 OK\r\n").await?;
            } else if upper == "NOOP" {
                write.write_all(b"250 OK\r\n").await?;
            } else if upper == "QUIT" {
                write.write_all(b"221 bye\r\n").await?;
                return Ok(());
            } else {
                write.write_all(b"502 command not implemented\r\n").await?;
            }
        }
    }
}
