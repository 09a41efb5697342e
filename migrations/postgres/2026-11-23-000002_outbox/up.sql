-- The outbound mail pipeline: one row per message per recipient, and the global send-rate bucket.
CREATE TABLE outbox (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('transactional', 'newsletter')),
    -- 0 transactional, 1 newsletter: transactional mail is served first
    priority INTEGER NOT NULL,
    recipient TEXT NOT NULL,
    recipient_name TEXT,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    -- JSON [[name, value], ...]: List-Id, List-Unsubscribe, ...
    headers TEXT NOT NULL DEFAULT '[]',
    -- JSON [{"filename","content_type","content_base64"}]
    attachments TEXT NOT NULL DEFAULT '[]',
    message_id TEXT NOT NULL UNIQUE,
    -- at most one row per purpose (e.g. campaign:12:subscriber:34)
    dedupe_key TEXT UNIQUE,
    -- what caused the mail (campaign:12, seminar:3, ...) for counts
    source TEXT,
    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_until TIMESTAMP,
    lease_owner TEXT,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_due ON outbox (status, priority, next_attempt_at);
CREATE INDEX outbox_source ON outbox (source, status);

CREATE TABLE mail_throttle (
    id INTEGER PRIMARY KEY,
    tokens DOUBLE PRECISION NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO mail_throttle (id, tokens, updated_at) VALUES (1, 0, '2000-01-01 00:00:00');
