DROP TABLE newsletter_campaigns;
DROP TABLE newsletter_consent_events;
DROP TABLE newsletter_subscriber_topics;
DROP TABLE newsletter_subscribers;
DROP TABLE newsletter_topics;
