CREATE INDEX registrations_seminar_status ON registrations (seminar_id, mode, status);
DROP INDEX registrations_seminar_mode_status_seq;
DROP INDEX registrations_seminar_waitlist;
ALTER TABLE outbox DROP COLUMN template_values;
ALTER TABLE outbox DROP COLUMN template_id;
DROP TABLE mail_templates;
