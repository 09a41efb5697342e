-- The newsletter of the 九州IoTコミュニティ: topics, subscribers with their consent history,
-- and campaigns.
CREATE TABLE newsletter_topics (
    code TEXT PRIMARY KEY,
    label_ja TEXT NOT NULL,
    label_en TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    active BOOLEAN NOT NULL DEFAULT TRUE
);
INSERT INTO newsletter_topics (code, label_ja, label_en, position, active) VALUES
    ('subsidies', '補助金・公募情報', 'Subsidies and calls for proposals', 1, TRUE),
    ('events', 'イベント・セミナー', 'Events and seminars', 2, TRUE),
    ('alerts', 'セキュリティ注意喚起', 'Security alerts', 3, TRUE);

CREATE TABLE newsletter_subscribers (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- lower-cased: one row per address
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL DEFAULT '',
    company TEXT NOT NULL DEFAULT '',
    prefecture INTEGER REFERENCES prefectures (code),
    industry TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'paused', 'unsubscribed', 'suppressed')),
    lang TEXT NOT NULL DEFAULT 'ja',
    -- SHA-256 of the confirmation token (double opt-in); cleared once used
    confirm_token_hash TEXT UNIQUE,
    confirm_sent_at TIMESTAMP,
    confirm_expires_at TIMESTAMP,
    -- the preference/unsubscribe token is HMAC(secret key, nonce): the database alone opens nothing
    pref_nonce TEXT NOT NULL,
    pref_token_hash TEXT UNIQUE,
    consent_source TEXT NOT NULL,
    consented_at TIMESTAMP,
    confirmed_at TIMESTAMP,
    soft_bounces INTEGER NOT NULL DEFAULT 0,
    hard_bounces INTEGER NOT NULL DEFAULT 0,
    last_bounce_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX newsletter_subscribers_status ON newsletter_subscribers (status, id);

CREATE TABLE newsletter_subscriber_topics (
    subscriber_id BIGINT NOT NULL REFERENCES newsletter_subscribers (id) ON DELETE CASCADE,
    topic_code TEXT NOT NULL REFERENCES newsletter_topics (code),
    PRIMARY KEY (subscriber_id, topic_code)
);
CREATE INDEX newsletter_subscriber_topics_topic ON newsletter_subscriber_topics (topic_code, subscriber_id);

CREATE TABLE newsletter_consent_events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscriber_id BIGINT NOT NULL REFERENCES newsletter_subscribers (id) ON DELETE CASCADE,
    event TEXT NOT NULL CHECK (event IN ('subscribed', 'confirmed', 'topics_changed', 'paused', 'resumed', 'unsubscribed', 'imported', 'suppressed')),
    source TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}',
    at TIMESTAMP NOT NULL
);
CREATE INDEX newsletter_consent_events_subscriber ON newsletter_consent_events (subscriber_id, id);
CREATE INDEX newsletter_consent_events_event ON newsletter_consent_events (event, at);

CREATE TABLE newsletter_campaigns (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subject TEXT NOT NULL,
    body_markdown TEXT NOT NULL,
    -- JSON array of topic codes; NULL sends to every active subscriber
    topics TEXT,
    status TEXT NOT NULL CHECK (status IN ('draft', 'scheduled', 'sending', 'paused', 'sent', 'cancelled')),
    scheduled_at TIMESTAMP,
    started_at TIMESTAMP,
    sent_at TIMESTAMP,
    audience INTEGER NOT NULL DEFAULT 0,
    -- the audience is the matching subscribers with an id up to this one when sending started
    last_subscriber_id BIGINT NOT NULL DEFAULT 0,
    -- expansion into the outbox has covered subscriber ids up to this one
    expanded_through BIGINT NOT NULL DEFAULT 0,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX newsletter_campaigns_status ON newsletter_campaigns (status, scheduled_at);
