//! Mail bodies: every mail is plain text plus HTML in the same words, with the community's
//! signature. Features build their content here and hand the result to the mail pipeline.

pub mod accounts;

use maud::{DOCTYPE, Markup, html};

use crate::i18n::Lang;

/// A rendered mail.
#[derive(Debug, Clone)]
pub struct MailBody {
    /// Subject line.
    pub subject: String,
    /// Plain-text part.
    pub text: String,
    /// HTML part.
    pub html: String,
}

/// One block of a mail: a paragraph, or a link with its label.
#[derive(Debug, Clone)]
pub enum Block {
    /// A paragraph (line breaks kept).
    Para(String),
    /// A prominent link: label, URL.
    Link(String, String),
    /// A small note.
    Note(String),
}

/// Builds text and HTML from the same blocks, with greeting and signature.
pub fn compose(lang: Lang, subject: String, greeting: Option<&str>, blocks: &[Block]) -> MailBody {
    let mut text = String::new();
    if let Some(g) = greeting {
        text.push_str(g);
        text.push_str("\n\n");
    }
    for block in blocks {
        match block {
            Block::Para(p) | Block::Note(p) => {
                text.push_str(p);
                text.push_str("\n\n");
            }
            Block::Link(label, url) => {
                text.push_str(&format!("{label}\n{url}\n\n"));
            }
        }
    }
    let signature = signature(lang);
    text.push_str("--\n");
    text.push_str(&signature.join("\n"));
    text.push('\n');
    let html = layout(
        lang,
        &subject,
        html! {
            @if let Some(g) = greeting { p { (g) } }
            @for block in blocks {
                @match block {
                    Block::Para(p) => p style="margin:0 0 16px;white-space:pre-line" { (p) },
                    Block::Note(p) => p style="margin:0 0 16px;color:#555;font-size:14px;white-space:pre-line" { (p) },
                    Block::Link(label, url) => p style="margin:24px 0" {
                        a href=(url) style="display:inline-block;background:#0017c1;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:bold" { (label) }
                        br;
                        span style="font-size:13px;color:#555;word-break:break-all" { (url) }
                    },
                }
            }
        },
        &signature,
    );
    MailBody {
        subject,
        text,
        html: html.into_string(),
    }
}

fn signature(lang: Lang) -> Vec<String> {
    vec![
        lang.t("site.name").to_string(),
        lang.t("site.org").to_string(),
        lang.t("mail.signature_note").to_string(),
    ]
}

/// The HTML frame of every mail (inline styles only: mail clients ignore style sheets).
pub fn layout(lang: Lang, title: &str, content: Markup, signature: &[String]) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
            }
            body style="margin:0;padding:0;background:#f2f2f2" {
                div style="max-width:600px;margin:0 auto;background:#ffffff;font-family:'Noto Sans JP','Hiragino Sans',Meiryo,sans-serif;color:#1a1a1a;line-height:1.7;font-size:16px" {
                    div style="border-top:6px solid #0017c1;padding:16px 24px;font-weight:bold;color:#0017c1;font-size:18px" { (lang.t("site.name")) }
                    div style="padding:8px 24px 24px" { (content) }
                    div style="padding:16px 24px;background:#f2f2f2;color:#555;font-size:13px" {
                        @for line in signature { (line) br; }
                    }
                }
            }
        }
    }
}
