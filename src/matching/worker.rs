//! The board's background work, run every few minutes by [`run`]: expire posts past their
//! date, remind posters 7 days and 1 day before, remind the side that has not answered an
//! introduction request (after 2 and 4 business days), close it as "no response" after 5,
//! and ask both sides for the stage 14, 30 and 90 days after an introduction.
//!
//! Every mail carries a dedupe key, so running the tick twice (or on two workers) mails once.

use std::time::Duration;

use chrono::{Datelike, NaiveDateTime, Weekday};
use diesel::prelude::*;
use tokio::sync::watch;

use super::api_types::{IntroductionStage, PostStatus, Side};
use super::queries::{self, Introduction};
use crate::db::{Db, DbConn};
use crate::mail::{Mailer, OutgoingMail};
use crate::schema::{
    matching_introductions as intro, matching_needs as needs, matching_offerings as offerings,
};
use crate::time::now_utc;

/// How often the tick runs.
pub const INTERVAL: Duration = Duration::from_secs(300);

/// Weekdays (Monday to Friday) between two times; public holidays are not known here and
/// count as business days.
pub fn business_days_between(from: NaiveDateTime, to: NaiveDateTime) -> i64 {
    let (mut d, end) = (
        crate::time::to_jst(from).date_naive(),
        crate::time::to_jst(to).date_naive(),
    );
    let mut n = 0;
    while d < end {
        d = d.succ_opt().unwrap_or(end);
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            n += 1;
        }
    }
    n
}

fn lang_of(code: &str) -> views::Lang {
    views::Lang::from_code(code).unwrap_or_default()
}

struct Sender<'a> {
    mailer: &'a Mailer,
    base_url: &'a str,
    sent: usize,
}

impl Sender<'_> {
    fn send(
        &mut self,
        c: &mut DbConn,
        to: Option<(String, String, String)>,
        key: String,
        build: impl Fn(views::Lang, &str) -> views::matching::mail::MailBody,
        path: &str,
    ) -> QueryResult<()> {
        let Some((email, name, lang)) = to else {
            return Ok(());
        };
        let link = format!("{}{path}", self.base_url.trim_end_matches('/'));
        let body = build(lang_of(&lang), &link);
        let mut mail = OutgoingMail::transactional(&email, &body.subject, body.text, body.html);
        mail.to_name = Some(name);
        mail.dedupe_key = Some(key);
        mail.source = Some("matching:worker".into());
        if self.mailer.enqueue(c, &mail)?.is_some() {
            self.sent += 1;
        }
        Ok(())
    }
}

/// One pass; returns how many mails it queued.
pub fn tick(c: &mut DbConn, mailer: &Mailer, base_url: &str) -> QueryResult<usize> {
    let now = now_utc();
    queries::expire_due(c)?;
    let mut s = Sender {
        mailer,
        base_url,
        sent: 0,
    };

    // Expiry reminders, 7 days and 1 day before; the key names the date, so a renewed post is
    // reminded again before its new date.
    let due: Vec<(i64, i64, Option<i64>, String, NaiveDateTime)> = needs::table
        .filter(needs::status.eq(PostStatus::Published))
        .filter(needs::expires_at.gt(now))
        .filter(needs::expires_at.le(now + chrono::Duration::days(7)))
        .select((
            needs::id,
            needs::organization_id,
            needs::created_by,
            needs::title,
            needs::expires_at.assume_not_null(),
        ))
        .load(c)?;
    let offers: Vec<(i64, i64, Option<i64>, String, NaiveDateTime)> = offerings::table
        .filter(offerings::status.eq(PostStatus::Published))
        .filter(offerings::reconfirm_by.gt(now))
        .filter(offerings::reconfirm_by.le(now + chrono::Duration::days(7)))
        .select((
            offerings::id,
            offerings::organization_id,
            offerings::created_by,
            offerings::title,
            offerings::reconfirm_by.assume_not_null(),
        ))
        .load(c)?;
    for (kind, rows) in [("needs", due), ("offerings", offers)] {
        for (id, org, author, title, until) in rows {
            let days = if until - now <= chrono::Duration::days(1) {
                1
            } else {
                7
            };
            let to = queries::recipient_for(c, author, org)?;
            let key = format!(
                "board-expiry:{kind}:{id}:{}:{days}",
                until.and_utc().timestamp()
            );
            s.send(
                c,
                to,
                key,
                |l, link| views::matching::mail::expiry_reminder(l, &title, days, link),
                &format!("/board/{kind}/{id}"),
            )?;
        }
    }

    // Requests waiting for an answer.
    let waiting: Vec<Introduction> = intro::table
        .filter(intro::stage.eq(IntroductionStage::Requested))
        .select(Introduction::as_select())
        .load(c)?;
    for i in waiting {
        let n = queries::find_need(c, i.need_id)?;
        let o = queries::find_offering(c, i.offering_id)?;
        let days = business_days_between(i.created_at, now);
        let (answerer, answer_org, answer_title) = if i.requested_by == Side::Sme {
            (i.vendor_user_id, o.organization_id, o.title.clone())
        } else {
            (i.sme_user_id, n.organization_id, n.title.clone())
        };
        if days >= 5 {
            queries::set_stage(c, &i, IntroductionStage::NoResponse, "system", None)?;
            let (asker, ask_org, ask_title) = if i.requested_by == Side::Sme {
                (i.sme_user_id, n.organization_id, o.title.clone())
            } else {
                (i.vendor_user_id, o.organization_id, n.title.clone())
            };
            let to = queries::recipient_for(c, asker, ask_org)?;
            s.send(
                c,
                to,
                format!("intro-no-response:{}", i.id),
                |l, link| views::matching::mail::no_response(l, &ask_title, link),
                "/board/mine",
            )?;
        } else {
            for (threshold, nth) in [(2, 1), (4, 2)] {
                if days >= threshold {
                    let to = queries::recipient_for(c, answerer, answer_org)?;
                    s.send(
                        c,
                        to,
                        format!("intro-remind:{}:{nth}", i.id),
                        |l, link| views::matching::mail::answer_reminder(l, &answer_title, link),
                        "/board/mine",
                    )?;
                }
            }
        }
    }

    // Follow-ups after an introduction.
    let active: Vec<Introduction> = intro::table
        .filter(intro::stage.eq_any([
            IntroductionStage::Introduced,
            IntroductionStage::MeetingHeld,
            IntroductionStage::ProposalSent,
        ]))
        .select(Introduction::as_select())
        .load(c)?;
    for i in active {
        let (Some(a), Some(b)) = (i.sme_consent_at, i.vendor_consent_at) else {
            continue;
        };
        let since = (now - a.max(b)).num_days();
        let n = queries::find_need(c, i.need_id)?;
        let o = queries::find_offering(c, i.offering_id)?;
        for days in [14, 30, 90] {
            if since >= days {
                for (side, user, org) in [
                    ("sme", i.sme_user_id, n.organization_id),
                    ("vendor", i.vendor_user_id, o.organization_id),
                ] {
                    let to = queries::recipient_for(c, user, org)?;
                    s.send(
                        c,
                        to,
                        format!("intro-follow-up:{}:{days}:{side}", i.id),
                        |l, link| views::matching::mail::follow_up(l, &n.title, days, link),
                        "/board/mine",
                    )?;
                }
            }
        }
    }
    Ok(s.sent)
}

/// Runs [`tick`] every [`INTERVAL`] until `shutdown` turns true.
pub async fn run(db: Db, mailer: Mailer, base_url: String, mut shutdown: watch::Receiver<bool>) {
    loop {
        if *shutdown.borrow() {
            break;
        }
        let (m, b) = (mailer.clone(), base_url.clone());
        if let Err(e) = db
            .run(move |c| c.write_transaction(|c| tick(c, &m, &b)))
            .await
        {
            tracing::warn!(error = %e, "matching worker: tick failed");
        }
        tokio::select! {
            _ = tokio::time::sleep(INTERVAL) => {}
            _ = shutdown.changed() => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        crate::time::parse_local_input(s).unwrap()
    }

    #[test]
    fn business_days_skip_weekends() {
        // Friday to the next Friday: five business days.
        assert_eq!(
            business_days_between(at("2026-11-20T10:00"), at("2026-11-27T10:00")),
            5
        );
        // Friday to Monday: one.
        assert_eq!(
            business_days_between(at("2026-11-20T10:00"), at("2026-11-23T09:00")),
            1
        );
        assert_eq!(
            business_days_between(at("2026-11-23T10:00"), at("2026-11-23T18:00")),
            0
        );
    }
}
