//! Turning an outbox row into an RFC 5322 message: UTF-8, multipart text + HTML, subject per
//! RFC 2047, attachments, a stable Message-ID and Date, optional DKIM signature (see
//! [`super::dkim`]). No value from user input can carry CR or LF into a header.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use lettre::Message;
use lettre::message::dkim::DkimConfig;
use lettre::message::header::{
    self, ContentTransferEncoding, ContentType, HeaderName, HeaderValue,
};
use lettre::message::{
    Attachment as LettreAttachment, Body, Mailbox, MessageBuilder, MultiPart, SinglePart,
};

use super::Attachment;
use super::outbox::OutboxRow;
use super::template::{self, PreparedHeader};

/// Replaces CR, LF and other control characters by spaces: a value that reaches a header can
/// never start a new one.
pub fn header_safe(value: &str) -> String {
    value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

/// The domain of the sender address (`no-reply@example.jp` → `example.jp`), for Message-IDs.
pub fn sender_domain(mail_from: &str) -> String {
    mail_from
        .rsplit_once('@')
        .map(|(_, d)| d.trim_end_matches('>').trim().to_string())
        .filter(|d| !d.is_empty() && !d.contains(' '))
        .unwrap_or_else(|| "localhost".into())
}

/// Why a row cannot become a message: permanent, retrying will not help.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BuildError(pub String);

/// The headers every message has: From, To, Message-ID and Date (the row's, stable across
/// attempts).
fn addressed(row: &OutboxRow, from: &Mailbox) -> Result<MessageBuilder, BuildError> {
    let address: lettre::Address = row
        .recipient
        .parse()
        .map_err(|e| BuildError(format!("invalid recipient address: {e}")))?;
    // Given rather than read back from the headers by lettre (which parses them again).
    let envelope = lettre::address::Envelope::new(Some(from.email.clone()), vec![address.clone()])
        .map_err(|e| BuildError(format!("invalid envelope: {e}")))?;
    let to = Mailbox::new(row.recipient_name.as_deref().map(header_safe), address);
    let date = UNIX_EPOCH + Duration::from_secs(row.created_at.and_utc().timestamp().max(0) as u64);
    Ok(Message::builder()
        .envelope(envelope)
        .from(from.clone())
        .to(to)
        .message_id(Some(row.message_id.clone()))
        .date(
            date.max(UNIX_EPOCH)
                .min(SystemTime::now() + Duration::from_secs(86_400)),
        ))
}

/// Builds the message of a row (of a template row, see [`build_templated`]).
pub fn build(
    row: &OutboxRow,
    from: &Mailbox,
    dkim: Option<&DkimConfig>,
) -> Result<Message, BuildError> {
    let mut builder = addressed(row, from)?.subject(header_safe(&row.subject));
    let headers: Vec<(String, String)> = serde_json::from_str(&row.headers)
        .map_err(|e| BuildError(format!("stored headers are not valid: {e}")))?;
    for (name, value) in headers {
        let name = HeaderName::new_from_ascii(name)
            .map_err(|_| BuildError("invalid header name".into()))?;
        builder = builder.raw_header(HeaderValue::new(name, header_safe(&value)));
    }
    let attachments: Vec<Attachment> = serde_json::from_str(&row.attachments)
        .map_err(|e| BuildError(format!("stored attachments are not valid: {e}")))?;
    let alternative = MultiPart::alternative()
        .singlepart(SinglePart::plain(row.body_text.clone()))
        .singlepart(SinglePart::html(row.body_html.clone()));
    let message = if attachments.is_empty() {
        builder.multipart(alternative)
    } else {
        let mut mixed = MultiPart::mixed().multipart(alternative);
        for a in attachments {
            let content_type = ContentType::parse(&a.content_type)
                .map_err(|_| BuildError("invalid attachment content type".into()))?;
            mixed = mixed.singlepart(
                LettreAttachment::new(header_safe(&a.filename)).body(a.content, content_type),
            );
        }
        builder.multipart(mixed)
    }
    .map_err(|e| BuildError(format!("cannot build the message: {e}")))?;
    let mut message = message;
    if let Some(config) = dkim {
        message.sign(config);
    }
    Ok(message)
}

/// Builds the message of a row that references a template: the template's fixed headers as
/// they were encoded once, the row's values filled into the rest, and the two parts encoded in
/// base64 into a `multipart/alternative` body. Signed like any other message.
pub fn build_templated(
    row: &OutboxRow,
    template: &template::Prepared,
    from: &Mailbox,
    dkim: Option<&DkimConfig>,
) -> Result<Message, BuildError> {
    let values: Vec<String> = match row.template_values.as_deref() {
        Some(json) => serde_json::from_str(json)
            .map_err(|e| BuildError(format!("stored template values are not valid: {e}")))?,
        None => Vec::new(),
    };
    if values.len() < template.slots {
        return Err(BuildError(format!(
            "the row has {} template values, the template needs {}",
            values.len(),
            template.slots
        )));
    }
    let mut builder = addressed(row, from)?
        .raw_header(template.subject.clone())
        .header(header::MIME_VERSION_1_0);
    for h in &template.headers {
        builder = builder.raw_header(match h {
            PreparedHeader::Fixed(value) => value.clone(),
            PreparedHeader::Filled(name, segments) => HeaderValue::new(
                name.clone(),
                header_safe(&template::fill(segments, &values)?),
            ),
        });
    }
    let content_type = ContentType::parse(&format!(
        "multipart/alternative; boundary=\"{}\"",
        template.boundary
    ))
    .map_err(|_| BuildError("invalid boundary".into()))?;
    let mut scratch = String::with_capacity(4096);
    let mut body = Vec::with_capacity(8192);
    for (segments, mime) in [
        (&template.text, "text/plain"),
        (&template.html, "text/html"),
    ] {
        scratch.clear();
        template::fill_into(&mut scratch, segments, &values)?;
        body.extend_from_slice(b"--");
        body.extend_from_slice(template.boundary.as_bytes());
        body.extend_from_slice(b"\r\nContent-Type: ");
        body.extend_from_slice(mime.as_bytes());
        body.extend_from_slice(b"; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n");
        base64_lines(&crlf(&scratch), &mut body);
    }
    body.extend_from_slice(b"--");
    body.extend_from_slice(template.boundary.as_bytes());
    body.extend_from_slice(b"--\r\n");
    let mut message = builder
        .header(content_type)
        .body(Body::dangerous_pre_encoded(
            body,
            ContentTransferEncoding::SevenBit,
        ))
        .map_err(|e| BuildError(format!("cannot build the message: {e}")))?;
    // lettre gives every raw body a top-level Content-Transfer-Encoding; a multipart message
    // has its encodings in the parts (as lettre writes its own multipart messages).
    message.headers_mut().remove::<ContentTransferEncoding>();
    if let Some(config) = dkim {
        message.sign(config);
    }
    Ok(message)
}

/// `text` with every line ending as CRLF (what lettre does to a text part before encoding).
fn crlf(text: &str) -> std::borrow::Cow<'_, [u8]> {
    let bytes = text.as_bytes();
    let bare_lf = bytes
        .iter()
        .enumerate()
        .any(|(i, &b)| b == b'\n' && (i == 0 || bytes[i - 1] != b'\r'));
    let bare_cr = bytes
        .iter()
        .enumerate()
        .any(|(i, &b)| b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
    if !bare_lf && !bare_cr {
        return std::borrow::Cow::Borrowed(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 16);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                out.extend_from_slice(b"\r\n");
                i += 1;
            }
            b'\r' | b'\n' => out.extend_from_slice(b"\r\n"),
            b => out.push(b),
        }
        i += 1;
    }
    std::borrow::Cow::Owned(out)
}

/// Appends `bytes` in base64, 76 characters a line, each line ended by CRLF (RFC 2045).
fn base64_lines(bytes: &[u8], out: &mut Vec<u8>) {
    // 57 input bytes make one 76-character line.
    for chunk in bytes.chunks(57) {
        let at = out.len();
        out.resize(at + 76, 0);
        let n = STANDARD
            .encode_slice(chunk, &mut out[at..])
            .unwrap_or_default();
        out.truncate(at + n);
        out.extend_from_slice(b"\r\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn row(name: &str, subject: &str) -> OutboxRow {
        OutboxRow {
            id: 1,
            kind: crate::mail::MailKind::Transactional,
            recipient: "sme@example.jp".into(),
            recipient_name: Some(name.into()),
            subject: subject.into(),
            body_text: "本文です。\n".into(),
            body_html: "<p>本文です。</p>".into(),
            headers: "[[\"List-Id\",\"<news.example.jp>\"]]".into(),
            attachments: "[]".into(),
            message_id: "<abc@example.jp>".into(),
            attempts: 0,
            created_at: NaiveDate::from_ymd_opt(2026, 12, 10)
                .unwrap()
                .and_hms_opt(4, 0, 0)
                .unwrap(),
            template_id: None,
            template_values: None,
        }
    }

    fn from() -> Mailbox {
        "地域SECUNITY <no-reply@example.jp>".parse().unwrap()
    }

    #[test]
    fn crlf_in_a_name_or_subject_cannot_add_a_header() {
        let m = build(
            &row("山田\r\nBcc: victim@example.com", "件名\r\nX-Evil: 1"),
            &from(),
            None,
        )
        .unwrap();
        let text = String::from_utf8(m.formatted()).unwrap();
        let head = text.split("\r\n\r\n").next().unwrap();
        assert!(!head.lines().any(|l| l.starts_with("Bcc:")));
        assert!(!head.lines().any(|l| l.starts_with("X-Evil:")));
        assert!(head.contains("Message-ID: <abc@example.jp>"));
        assert!(head.contains("List-Id: <news.example.jp>"));
    }

    #[test]
    fn the_sender_domain_names_message_ids() {
        assert_eq!(
            sender_domain("地域SECUNITY <no-reply@secunity.example>"),
            "secunity.example"
        );
        assert_eq!(sender_domain("no-reply@example.jp"), "example.jp");
        assert_eq!(sender_domain("nobody"), "localhost");
    }

    #[test]
    fn attachments_are_added() {
        let mut r = row("A", "S");
        r.attachments = serde_json::to_string(&[Attachment {
            filename: "seminar.ics".into(),
            content_type: "text/calendar; charset=utf-8".into(),
            content: b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".to_vec(),
        }])
        .unwrap();
        let text = String::from_utf8(build(&r, &from(), None).unwrap().formatted()).unwrap();
        assert!(text.contains("multipart/mixed"));
        assert!(text.contains("seminar.ics"));
    }
}
