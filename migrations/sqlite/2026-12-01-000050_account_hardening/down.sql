DROP TABLE newsletter_requests;
ALTER TABLE oauth_flows DROP COLUMN link_user_id;
ALTER TABLE sessions DROP COLUMN last_seen_at;
