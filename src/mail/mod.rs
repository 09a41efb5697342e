//! The outbound mail pipeline.
//!
//! Features never talk to SMTP. They [`Mailer::enqueue`] an [`OutgoingMail`] inside the same
//! database transaction as the change that causes it (a rolled-back registration sends nothing,
//! a committed one always sends). The [`worker::Sender`] claims due rows with a lease, sends them
//! outside any transaction through lettre (SMTP, or `.eml` files when no `SMTP_URL` is set),
//! retries temporary failures with backoff, stops at permanent ones, and re-sends rows whose
//! lease expired with the same Message-ID: at least once, never lost. What staff see of it is
//! the back office in [`crate::mail_office`].

pub mod dkim;
pub mod message;
pub mod outbox;
pub mod smtp;
pub mod template;
pub mod transport;
pub mod worker;

use diesel::QueryResult;
use rand::RngCore;

use crate::config::Config;
use crate::db::DbConn;

crate::api_enum! {
    /// What a mail is for; transactional mail is sent before newsletters.
    pub enum MailKind {
        /// Confirmations, login links, reminders, notifications.
        Transactional = "transactional",
        /// Newsletter issues.
        Newsletter = "newsletter",
    }
}

impl MailKind {
    /// Claim order: lower first.
    pub fn priority(self) -> i32 {
        match self {
            MailKind::Transactional => 0,
            MailKind::Newsletter => 1,
        }
    }
}

/// A file attached to a mail (the seminar's `.ics`, say).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Attachment {
    /// File name shown to the recipient.
    pub filename: String,
    /// MIME type, e.g. `text/calendar; charset=utf-8; method=PUBLISH`.
    pub content_type: String,
    /// The bytes, base64 in storage.
    #[serde(with = "base64_bytes")]
    pub content: Vec<u8>,
}

mod base64_bytes {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        STANDARD.decode(text).map_err(serde::de::Error::custom)
    }
}

/// One message to one recipient, already rendered.
#[derive(Debug, Clone)]
pub struct OutgoingMail {
    /// Transactional or newsletter.
    pub kind: MailKind,
    /// Recipient address.
    pub to: String,
    /// Recipient display name (user input: CR/LF and other controls are removed).
    pub to_name: Option<String>,
    /// Subject (encoded per RFC 2047 when sent).
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body.
    pub html: String,
    /// Extra headers (List-Id, List-Unsubscribe, ...).
    pub headers: Vec<(String, String)>,
    /// Attachments.
    pub attachments: Vec<Attachment>,
    /// When set, a second enqueue with the same key is ignored (one mail per purpose).
    pub dedupe_key: Option<String>,
    /// What caused the mail (`campaign:12`, `seminar:3`), for counts.
    pub source: Option<String>,
}

impl OutgoingMail {
    /// A transactional mail with no extra headers or attachments.
    pub fn transactional(to: &str, subject: &str, text: String, html: String) -> Self {
        Self {
            kind: MailKind::Transactional,
            to: to.to_string(),
            to_name: None,
            subject: subject.to_string(),
            text,
            html,
            headers: Vec::new(),
            attachments: Vec::new(),
            dedupe_key: None,
            source: None,
        }
    }
}

/// The enqueue side of the pipeline, cheap to clone into request closures.
#[derive(Debug, Clone)]
pub struct Mailer {
    /// Domain of Message-IDs (the sender's domain).
    pub domain: String,
    /// The sender (`MAIL_FROM`): the organizer of the calendar invitations mails carry.
    pub from: MailFrom,
}

/// The sender of every mail, as name and address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailFrom {
    /// Display name (`地域SECUNITY`), when `MAIL_FROM` has one.
    pub name: Option<String>,
    /// Address (`no-reply@example.jp`).
    pub address: String,
}

impl MailFrom {
    /// Reads `MAIL_FROM` (`Name <address>` or a bare address); a value the sender worker would
    /// refuse anyway falls back to `no-reply@` the domain.
    pub fn parse(mail_from: &str) -> Self {
        match mail_from.parse::<lettre::message::Mailbox>() {
            Ok(mailbox) => Self {
                name: mailbox.name,
                address: mailbox.email.to_string(),
            },
            Err(_) => Self {
                name: None,
                address: format!("no-reply@{}", message::sender_domain(mail_from)),
            },
        }
    }
}

impl Mailer {
    /// Builds the mailer from the settings.
    pub fn new(config: &Config) -> Self {
        Self {
            domain: message::sender_domain(&config.mail_from),
            from: MailFrom::parse(&config.mail_from),
        }
    }

    /// A new, globally unique Message-ID (`<random@domain>`).
    pub fn new_message_id(&self) -> String {
        let mut bytes = [0u8; 16];
        rand::rng().fill_bytes(&mut bytes);
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        format!("<{hex}@{}>", self.domain)
    }

    /// Queues `mail` on `conn`; call it inside the transaction of the change that causes it.
    /// Returns the outbox id, or `None` when a row with the same `dedupe_key` exists already.
    pub fn enqueue(&self, conn: &mut DbConn, mail: &OutgoingMail) -> QueryResult<Option<i64>> {
        outbox::insert(conn, mail, &self.new_message_id())
    }
}
