DROP TABLE mail_throttle;
DROP TABLE outbox;
