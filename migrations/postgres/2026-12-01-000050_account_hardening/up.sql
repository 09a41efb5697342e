-- Account hardening: the idle clock of sessions, OAuth flows that link an identity to the
-- signed-in user, and newsletter requests for known addresses that wait for confirmation.

-- When the session was last used (refreshed at most once a minute); a session idle for
-- longer than its role's limit ends. Existing sessions start their idle clock now.
ALTER TABLE sessions ADD COLUMN last_seen_at TIMESTAMP;
UPDATE sessions SET last_seen_at = (now() AT TIME ZONE 'UTC');

-- Set when a signed-in user started the flow from /account to link an identity to
-- themselves; NULL for a sign-in.
ALTER TABLE oauth_flows ADD COLUMN link_user_id BIGINT REFERENCES users (id) ON DELETE CASCADE;

-- A subscription request for an address that is already known (pending or unsubscribed):
-- what was submitted waits here with its confirmation token and touches the subscriber only
-- once the address confirms, so nobody can overwrite another person's details or consent.
CREATE TABLE newsletter_requests (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscriber_id BIGINT NOT NULL REFERENCES newsletter_subscribers (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    company TEXT NOT NULL,
    prefecture INTEGER REFERENCES prefectures (code),
    industry TEXT,
    lang TEXT NOT NULL,
    -- JSON list of topic codes
    topics TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX newsletter_requests_subscriber ON newsletter_requests (subscriber_id, created_at);
