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
