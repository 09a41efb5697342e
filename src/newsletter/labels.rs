//! Catalog keys of stored codes (statuses, events), for pages.

use super::{campaigns, queries as q};

/// The label key of a subscriber status.
pub fn subscriber_status(status: q::SubscriberStatus) -> &'static str {
    match status {
        q::SubscriberStatus::Pending => "newsletter.status_pending",
        q::SubscriberStatus::Active => "newsletter.status_active",
        q::SubscriberStatus::Paused => "newsletter.status_paused",
        q::SubscriberStatus::Unsubscribed => "newsletter.status_unsubscribed",
        q::SubscriberStatus::Suppressed => "newsletter.status_suppressed",
    }
}

/// The label key of a campaign status.
pub fn campaign_status(status: campaigns::CampaignStatus) -> &'static str {
    match status {
        campaigns::CampaignStatus::Draft => "newsletter.campaign_draft",
        campaigns::CampaignStatus::Scheduled => "newsletter.campaign_scheduled",
        campaigns::CampaignStatus::Sending => "newsletter.campaign_sending",
        campaigns::CampaignStatus::Paused => "newsletter.campaign_paused",
        campaigns::CampaignStatus::Sent => "newsletter.campaign_sent",
        campaigns::CampaignStatus::Cancelled => "newsletter.campaign_cancelled",
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
