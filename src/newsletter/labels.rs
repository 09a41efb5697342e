//! Catalog keys of stored codes (statuses, events), for pages.

use super::{campaigns, queries as q};

/// The label key of a subscriber status.
pub fn subscriber_status(status: &str) -> &'static str {
    match status {
        q::PENDING => "newsletter.status_pending",
        q::ACTIVE => "newsletter.status_active",
        q::PAUSED => "newsletter.status_paused",
        q::UNSUBSCRIBED => "newsletter.status_unsubscribed",
        _ => "newsletter.status_suppressed",
    }
}

/// The label key of a campaign status.
pub fn campaign_status(status: &str) -> &'static str {
    match status {
        campaigns::DRAFT => "newsletter.campaign_draft",
        campaigns::SCHEDULED => "newsletter.campaign_scheduled",
        campaigns::SENDING => "newsletter.campaign_sending",
        campaigns::PAUSED => "newsletter.campaign_paused",
        campaigns::SENT => "newsletter.campaign_sent",
        _ => "newsletter.campaign_cancelled",
    }
}

/// The label key of a consent event.
pub fn event(event: &str) -> &'static str {
    match event {
        "subscribed" => "newsletter.event_subscribed",
        "confirmed" => "newsletter.event_confirmed",
        "topics_changed" => "newsletter.event_topics_changed",
        "paused" => "newsletter.event_paused",
        "resumed" => "newsletter.event_resumed",
        "unsubscribed" => "newsletter.event_unsubscribed",
        "imported" => "newsletter.event_imported",
        _ => "newsletter.event_suppressed",
    }
}
