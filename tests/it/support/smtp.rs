//! The SMTP listener of the tests is the library's (`secunity::mail::sink`); this adds a parser.

pub use secunity::mail::sink::{Received, SmtpServer};

/// Parses a received message with a real mail parser.
#[allow(dead_code)]
pub fn parsed(received: &Received) -> mail_parser::Message<'_> {
    mail_parser::MessageParser::default()
        .parse(&received.data)
        .expect("a parsable message")
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
