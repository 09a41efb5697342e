-- Follow-up of seminars: the reminder time of each seminar, and the survey (アンケート) sent to
-- attendees after the seminar with their answers.

-- "HH:MM" in Asia/Tokyo on the day before the seminar; NULL: no reminder.
ALTER TABLE seminars ADD COLUMN reminder_time TEXT
    CHECK (reminder_time IS NULL OR length(reminder_time) = 5);
-- Seminars that exist already keep a reminder: 10:00 on the day before.
UPDATE seminars SET reminder_time = '10:00';

-- One row per registration that was sent the survey; the answers once given.
CREATE TABLE seminar_surveys (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    registration_id BIGINT NOT NULL UNIQUE REFERENCES registrations (id) ON DELETE CASCADE,
    seminar_id BIGINT NOT NULL REFERENCES seminars (id) ON DELETE CASCADE,
    -- when the survey mail was queued
    sent_at TIMESTAMP NOT NULL,
    answered_at TIMESTAMP,
    -- 1 (low) to 5 (high); set together with answered_at
    satisfaction INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
    usefulness INTEGER CHECK (usefulness BETWEEN 1 AND 5),
    topics TEXT NOT NULL DEFAULT '',
    comments TEXT NOT NULL DEFAULT ''
);
CREATE INDEX seminar_surveys_seminar ON seminar_surveys (seminar_id, answered_at);
