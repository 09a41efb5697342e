//! The SMTP listener of the tests is the library's (`secunity::bench::sink`); this adds a parser
//! and the check of what a crash may leave (copies with the same Message-ID, nothing lost).

use std::collections::HashMap;

pub use secunity::bench::sink::{Received, SmtpServer};

/// Parses a received message with a real mail parser.
#[allow(dead_code)]
pub fn parsed(received: &Received) -> mail_parser::Message<'_> {
    mail_parser::MessageParser::default()
        .parse(&received.data)
        .expect("a parsable message")
}

/// Per recipient, the Message-ID of every copy that arrived, in order: a multiset, so that a
/// message delivered twice counts twice.
#[allow(dead_code)]
pub fn deliveries(messages: &[Received]) -> HashMap<String, Vec<String>> {
    let mut by_recipient: HashMap<String, Vec<String>> = HashMap::new();
    for m in messages {
        by_recipient
            .entry(m.rcpt_to[0].clone())
            .or_default()
            .push(m.raw_header("Message-ID").expect("a Message-ID"));
    }
    by_recipient
}

/// The promise of the outbox after a crash: every one of `total` messages arrived, and every
/// copy of a message that arrived more than once carries the Message-ID of the first (so the
/// receiving side can drop it). Returns how many copies were extra.
#[allow(dead_code)]
pub fn check_redelivery(messages: &[Received], total: usize) -> Result<usize, String> {
    let by_recipient = deliveries(messages);
    if by_recipient.len() != total {
        return Err(format!(
            "{} of {total} messages arrived",
            by_recipient.len()
        ));
    }
    let changed: Vec<(&String, &Vec<String>)> = by_recipient
        .iter()
        .filter(|(_, ids)| ids.iter().any(|id| *id != ids[0]))
        .collect();
    if !changed.is_empty() {
        return Err(format!(
            "{} messages arrived again with another Message-ID: {changed:?}",
            changed.len()
        ));
    }
    Ok(messages.len() - total)
}

/// A listener that accepts while the switch is off and answers `550` (a permanent failure)
/// while it is on; the switch starts off.
#[allow(dead_code)]
pub async fn switchable() -> (SmtpServer, std::sync::Arc<std::sync::atomic::AtomicBool>) {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let failing = Arc::new(AtomicBool::new(false));
    let flag = failing.clone();
    let reply = Arc::new(move |_| {
        if flag.load(Ordering::SeqCst) {
            550
        } else {
            250
        }
    });
    (SmtpServer::start_with(reply).await, failing)
}
