ALTER TABLE outbox DROP COLUMN template_values;
ALTER TABLE outbox DROP COLUMN template_id;
DROP TABLE mail_templates;
