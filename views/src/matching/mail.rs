//! Mails of the matching board, plain text and HTML, in the recipient's language. None of them
//! carries the other side's contact details before both sides have agreed.

use maud::html;

use crate::Lang;

/// A rendered mail.
#[derive(Debug, Clone)]
pub struct MailBody {
    /// Subject.
    pub subject: String,
    /// Plain text.
    pub text: String,
    /// HTML.
    pub html: String,
}

fn build(lang: Lang, subject: String, paragraphs: Vec<String>, link: &str) -> MailBody {
    let footer = lang.t("matching.mail.footer");
    let text = format!("{}\n\n{link}\n\n--\n{footer}\n", paragraphs.join("\n\n"));
    let html = html! {
        html lang=(lang.code()) { body {
            @for p in &paragraphs { p { (p) } }
            p { a href=(link) { (link) } }
            hr;
            p { small { (footer) } }
        } }
    }
    .into_string();
    MailBody {
        subject,
        text,
        html,
    }
}

/// To the other side: an introduction was requested about `title`.
pub fn requested(lang: Lang, title: &str, link: &str) -> MailBody {
    build(
        lang,
        lang.tf("matching.mail.requested_subject", &[("title", title)]),
        vec![
            lang.tf("matching.mail.requested_text", &[("title", title)]),
            lang.t("matching.mail.requested_privacy").to_string(),
        ],
        link,
    )
}

/// To both sides once both agreed: the other side's contact.
pub fn introduced(
    lang: Lang,
    title: &str,
    org: &str,
    name: &str,
    email: &str,
    link: &str,
) -> MailBody {
    build(
        lang,
        lang.tf("matching.mail.introduced_subject", &[("title", title)]),
        vec![
            lang.tf("matching.mail.introduced_text", &[("title", title)]),
            format!("{org} {name} <{email}>"),
        ],
        link,
    )
}

/// To the requester: the other side declined.
pub fn declined(lang: Lang, title: &str, reason: &str, link: &str) -> MailBody {
    build(
        lang,
        lang.tf("matching.mail.declined_subject", &[("title", title)]),
        vec![lang.tf(
            "matching.mail.declined_text",
            &[("title", title), ("reason", reason)],
        )],
        link,
    )
}

/// To the poster: staff reviewed the post.
pub fn reviewed(lang: Lang, title: &str, reason: Option<&str>, link: &str) -> MailBody {
    match reason {
        None => build(
            lang,
            lang.tf("matching.mail.approved_subject", &[("title", title)]),
            vec![lang.tf("matching.mail.approved_text", &[("title", title)])],
            link,
        ),
        Some(r) => build(
            lang,
            lang.tf("matching.mail.rejected_subject", &[("title", title)]),
            vec![lang.tf(
                "matching.mail.rejected_text",
                &[("title", title), ("reason", r)],
            )],
            link,
        ),
    }
}

/// To the poster: the post ends in `days` days; renew with one click on the page.
pub fn expiry_reminder(lang: Lang, title: &str, days: i64, link: &str) -> MailBody {
    build(
        lang,
        lang.tf(
            "matching.mail.expiry_subject",
            &[("title", title), ("days", &days.to_string())],
        ),
        vec![lang.tf(
            "matching.mail.expiry_text",
            &[("title", title), ("days", &days.to_string())],
        )],
        link,
    )
}

/// To the side that has not answered a request yet.
pub fn answer_reminder(lang: Lang, title: &str, link: &str) -> MailBody {
    build(
        lang,
        lang.tf("matching.mail.answer_reminder_subject", &[("title", title)]),
        vec![lang.tf("matching.mail.answer_reminder_text", &[("title", title)])],
        link,
    )
}

/// To the requester: no answer within five business days.
pub fn no_response(lang: Lang, title: &str, link: &str) -> MailBody {
    build(
        lang,
        lang.tf("matching.mail.no_response_subject", &[("title", title)]),
        vec![lang.tf("matching.mail.no_response_text", &[("title", title)])],
        link,
    )
}

/// To both sides `days` days after the introduction: how is it going?
pub fn follow_up(lang: Lang, title: &str, days: i64, link: &str) -> MailBody {
    build(
        lang,
        lang.tf("matching.mail.follow_up_subject", &[("title", title)]),
        vec![lang.tf(
            "matching.mail.follow_up_text",
            &[("title", title), ("days", &days.to_string())],
        )],
        link,
    )
}
