//! Mails of accounts: the sign-in link and the invitation.

use super::{Block, MailBody, compose};
use crate::i18n::Lang;

/// The one-time sign-in link (valid for `minutes`).
pub fn login_link(lang: Lang, url: &str, minutes: i64) -> MailBody {
    let m = minutes.to_string();
    compose(
        lang,
        lang.t("mail.login.subject").to_string(),
        None,
        &[
            Block::Para(lang.t("mail.login.intro").to_string()),
            Block::Link(lang.t("mail.login.button").to_string(), url.to_string()),
            Block::Note(lang.tf("mail.login.expiry", &[("minutes", &m)])),
            Block::Note(lang.t("mail.login.not_you").to_string()),
        ],
    )
}

/// An invitation to join an organization.
pub fn invitation(lang: Lang, organization: &str, inviter: &str, url: &str) -> MailBody {
    compose(
        lang,
        lang.tf("mail.invite.subject", &[("organization", organization)]),
        None,
        &[
            Block::Para(lang.tf(
                "mail.invite.intro",
                &[("organization", organization), ("inviter", inviter)],
            )),
            Block::Link(lang.t("mail.invite.button").to_string(), url.to_string()),
            Block::Note(lang.t("mail.invite.expiry").to_string()),
        ],
    )
}

/// An application for an organization was approved: the link to the board.
pub fn application_approved(lang: Lang, organization: &str, board_url: &str) -> MailBody {
    compose(
        lang,
        lang.tf(
            "mail.apply.approved_subject",
            &[("organization", organization)],
        ),
        None,
        &[
            Block::Para(lang.tf(
                "mail.apply.approved_intro",
                &[("organization", organization)],
            )),
            Block::Link(
                lang.t("mail.apply.approved_button").to_string(),
                board_url.to_string(),
            ),
        ],
    )
}

/// An application for an organization was refused: why, and where to apply again.
pub fn application_refused(lang: Lang, organization: &str, reason: &str, url: &str) -> MailBody {
    compose(
        lang,
        lang.tf(
            "mail.apply.refused_subject",
            &[("organization", organization)],
        ),
        None,
        &[
            Block::Para(lang.tf(
                "mail.apply.refused_intro",
                &[("organization", organization)],
            )),
            Block::Para(lang.tf("mail.apply.refused_reason", &[("reason", reason)])),
            Block::Link(
                lang.t("mail.apply.refused_button").to_string(),
                url.to_string(),
            ),
        ],
    )
}
