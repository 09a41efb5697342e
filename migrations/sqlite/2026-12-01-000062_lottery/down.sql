PRAGMA foreign_keys = OFF;
BEGIN;
DROP TABLE lottery_draws;
UPDATE registrations SET status = 'waitlisted' WHERE status IN ('applied', 'not_drawn');
CREATE TABLE registrations_old (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    seminar_id BIGINT NOT NULL REFERENCES seminars (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    company TEXT NOT NULL DEFAULT '',
    -- lower-cased on input
    email TEXT NOT NULL,
    prefecture INTEGER REFERENCES prefectures (code),
    industry TEXT NOT NULL DEFAULT '',
    employee_band TEXT REFERENCES employee_bands (code),
    mode TEXT NOT NULL CHECK (mode IN ('onsite', 'online')),
    -- JSON object: question index -> answer
    answers TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'cancelled')),
    -- order on the waitlist (smaller first); set when waitlisted
    waitlist_seq BIGINT,
    checked_in_at TIMESTAMP,
    -- SHA-256 of the personal link's token
    token_hash TEXT NOT NULL UNIQUE,
    lang TEXT NOT NULL DEFAULT 'ja',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO registrations_old SELECT * FROM registrations;
DROP TABLE registrations;
ALTER TABLE registrations_old RENAME TO registrations;
CREATE UNIQUE INDEX registrations_seminar_email ON registrations (seminar_id, lower(email));
CREATE INDEX registrations_seminar_status ON registrations (seminar_id, mode, status);
CREATE INDEX registrations_email ON registrations (email);
ALTER TABLE seminars DROP COLUMN drawn_at;
ALTER TABLE seminars DROP COLUMN lottery_waitlist;
ALTER TABLE seminars DROP COLUMN draw_at;
ALTER TABLE seminars DROP COLUMN allocation;
COMMIT;
PRAGMA foreign_keys = ON;
