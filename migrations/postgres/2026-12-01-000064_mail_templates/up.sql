-- A message built once and filled in per recipient: a campaign's issue in one language is one
-- template; each outbox row that references it stores only what differs per recipient
-- (greeting, preference link, List-Unsubscribe), in `template_values`.
CREATE TABLE mail_templates (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- what the template is of, with a digest of its content (campaign:12:ja:...): one row per content
    key TEXT NOT NULL UNIQUE,
    -- JSON: the text and HTML parts and the extra headers, as literal segments and numbered slots
    parts TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
ALTER TABLE outbox ADD COLUMN template_id BIGINT REFERENCES mail_templates (id);
-- JSON list of the slot values of the row's template (personal: emptied with the bodies)
ALTER TABLE outbox ADD COLUMN template_values TEXT;

-- Registering reads the last waitlist place of the seminar and the registrant's place in the
-- waitlist of their mode while the seminar is locked: with these two indexes both are index
-- look-ups instead of a walk over every registration of the seminar (the walk made each
-- registration of a burst slower than the one before).
CREATE INDEX registrations_seminar_waitlist ON registrations (seminar_id, waitlist_seq);
CREATE INDEX registrations_seminar_mode_status_seq ON registrations (seminar_id, mode, status, waitlist_seq);
DROP INDEX registrations_seminar_status;
