//! The SMTP listener of the tests is the library's (`secunity::mail::sink`); this adds a parser.

pub use secunity::mail::sink::{Received, SmtpServer};

/// Parses a received message with a real mail parser.
#[allow(dead_code)]
pub fn parsed(received: &Received) -> mail_parser::Message<'_> {
    mail_parser::MessageParser::default()
        .parse(&received.data)
        .expect("a parsable message")
}
