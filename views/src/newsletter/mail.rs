//! The newsletter's mails: the confirmation of a subscription (double opt-in) and each issue,
//! as plain text and HTML in the recipient's language.

use maud::{DOCTYPE, PreEscaped, html};

use crate::i18n::Lang;

/// A rendered mail body.
#[derive(Debug, Clone)]
pub struct MailBody {
    /// Subject.
    pub subject: String,
    /// Plain-text part.
    pub text: String,
    /// HTML part.
    pub html: String,
}

/// The confirmation mail: follow the link to start receiving the newsletter.
pub fn confirmation(lang: Lang, name: &str, confirm_url: &str, days: i64) -> MailBody {
    let days = days.to_string();
    let greeting = lang.tf("newsletter.mail.greeting", &[("name", name)]);
    let intro = lang.t("newsletter.mail.confirm_intro");
    let expires = lang.tf("newsletter.mail.confirm_expires", &[("days", &days)]);
    let ignore = lang.t("newsletter.mail.confirm_ignore");
    let signature = lang.t("newsletter.mail.signature");
    let text = format!(
        "{greeting}\n\n{intro}\n\n{confirm_url}\n\n{expires}\n{ignore}\n\n--\n{signature}\n"
    );
    let html = html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head { meta charset="utf-8"; }
            body {
                p { (greeting) }
                p { (intro) }
                p { a href=(confirm_url) { (lang.t("newsletter.mail.confirm_button")) } }
                p { (expires) br; (ignore) }
                p { "--" br; (signature) }
            }
        }
    }
    .into_string();
    MailBody {
        subject: lang.t("newsletter.mail.confirm_subject").to_string(),
        text,
        html,
    }
}

/// The welcome mail after confirming: what comes, the archive, and the preference link.
pub fn welcome(lang: Lang, name: &str, preferences_url: &str, archive_url: &str) -> MailBody {
    let greeting = lang.tf("newsletter.mail.greeting", &[("name", name)]);
    let intro = lang.t("newsletter.welcome.mail_intro");
    let prefs = lang.t("newsletter.welcome.mail_preferences");
    let archive = lang.t("newsletter.welcome.mail_archive");
    let signature = lang.t("newsletter.mail.signature");
    let text = format!(
        "{greeting}\n\n{intro}\n\n{prefs}\n{preferences_url}\n\n{archive}\n{archive_url}\n\n--\n{signature}\n"
    );
    let html = html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head { meta charset="utf-8"; }
            body {
                p { (greeting) }
                p { (intro) }
                p { (prefs) br; a href=(preferences_url) { (lang.t("newsletter.preferences_link")) } }
                p { (archive) br; a href=(archive_url) { (archive_url) } }
                p { "--" br; (signature) }
            }
        }
    }
    .into_string();
    MailBody {
        subject: lang.t("newsletter.welcome.mail_subject").to_string(),
        text,
        html,
    }
}

/// One issue for one subscriber.
#[derive(Debug, Clone, Copy)]
pub struct IssueMail<'a> {
    /// Subject as written by staff.
    pub subject: &'a str,
    /// Body as plain text.
    pub body_text: &'a str,
    /// Body as sanitized HTML.
    pub body_html: &'a str,
    /// The subscriber's name, for the greeting (empty: no greeting).
    pub name: &'a str,
    /// The subscriber's preference page.
    pub preferences_url: &'a str,
    /// The archive of past issues.
    pub archive_url: &'a str,
}

/// What of an issue is the subscriber's own, rendered for its place: the greeting and the
/// preference link, each as it stands in the text part and in the HTML part (escaped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuePersonal {
    /// The greeting line and the blank line after it, or nothing.
    pub greeting_text: String,
    /// The greeting paragraph, escaped, or nothing.
    pub greeting_html: String,
    /// The preference link.
    pub preferences_url_text: String,
    /// The preference link, escaped for an attribute.
    pub preferences_url_html: String,
}

impl IssuePersonal {
    /// The personal parts of the issue to `name` with this preference link.
    pub fn of(lang: Lang, name: &str, preferences_url: &str) -> Self {
        let (greeting_text, greeting_html) = if name.trim().is_empty() {
            (String::new(), String::new())
        } else {
            let greeting = lang.tf("newsletter.mail.greeting", &[("name", name.trim())]);
            let html = html! { p { (greeting) } }.into_string();
            (format!("{greeting}\n\n"), html)
        };
        Self {
            greeting_text,
            greeting_html,
            preferences_url_text: preferences_url.to_string(),
            preferences_url_html: html! { (preferences_url) }.into_string(),
        }
    }
}

/// Renders an issue with the greeting and the footer (preference link) in `lang`. No tracking
/// pixels, no rewritten links.
pub fn issue(lang: Lang, m: &IssueMail) -> MailBody {
    issue_with(lang, m, &IssuePersonal::of(lang, m.name, m.preferences_url))
}

/// Renders an issue with the personal parts given as they are (`m.name` and
/// `m.preferences_url` are not read): what a template of the issue is cut from, with markers
/// in place of the personal parts.
pub fn issue_with(lang: Lang, m: &IssueMail, personal: &IssuePersonal) -> MailBody {
    let footer_why = lang.t("newsletter.mail.footer_why");
    let footer_prefs = lang.t("newsletter.mail.footer_preferences");
    let footer_archive = lang.t("newsletter.mail.footer_archive");
    let signature = lang.t("newsletter.mail.signature");
    let text = format!(
        "{}{}\n\n----------------------------------------\n{footer_why}\n{footer_prefs}\n{}\n{footer_archive}\n{}\n\n{signature}\n",
        personal.greeting_text,
        m.body_text.trim_end(),
        personal.preferences_url_text,
        m.archive_url
    );
    let html = html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head { meta charset="utf-8"; title { (m.subject) } }
            body {
                (PreEscaped(&personal.greeting_html))
                div { (PreEscaped(m.body_html)) }
                hr;
                p style="font-size:small" {
                    (footer_why) br;
                    a href=(PreEscaped(&personal.preferences_url_html)) { (footer_prefs) } br;
                    a href=(m.archive_url) { (footer_archive) } br;
                    (signature)
                }
            }
        }
    }
    .into_string();
    MailBody {
        subject: m.subject.to_string(),
        text,
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_carries_the_preference_link_in_both_parts() {
        let m = issue(
            Lang::Ja,
            &IssueMail {
                subject: "件名",
                body_text: "本文",
                body_html: "<p>本文</p>",
                name: "山田 花子",
                preferences_url: "https://x.example/newsletter/preferences/t",
                archive_url: "https://x.example/newsletter/archive",
            },
        );
        assert!(
            m.text
                .contains("https://x.example/newsletter/preferences/t")
        );
        assert!(
            m.html
                .contains("https://x.example/newsletter/preferences/t")
        );
        assert!(m.html.contains("<p>本文</p>"));
        assert!(m.text.starts_with("山田 花子 様\n\n本文"));
        assert!(m.html.contains("<p>山田 花子 様</p>"));
    }
}
