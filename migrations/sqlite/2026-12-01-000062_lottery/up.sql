PRAGMA foreign_keys = OFF;
BEGIN;
-- How a seminar gives out its seats: first come (the default) or a lottery (抽選) at draw_at
-- (NULL: the registration deadline). lottery_waitlist: those not drawn wait in drawn order
-- (true) or are told they were not drawn (false). drawn_at is set once, by the draw's claim.
ALTER TABLE seminars ADD COLUMN allocation TEXT NOT NULL DEFAULT 'first_come'
    CHECK (allocation IN ('first_come', 'lottery'));
ALTER TABLE seminars ADD COLUMN draw_at TIMESTAMP;
ALTER TABLE seminars ADD COLUMN lottery_waitlist BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE seminars ADD COLUMN drawn_at TIMESTAMP;

-- Registrations get two statuses: applied (in a lottery, until the draw) and not_drawn.
CREATE TABLE registrations_new (
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
    status TEXT NOT NULL CHECK (status IN ('applied', 'confirmed', 'waitlisted', 'not_drawn', 'cancelled')),
    -- order on the waitlist (smaller first); set when waitlisted
    waitlist_seq BIGINT,
    checked_in_at TIMESTAMP,
    -- SHA-256 of the personal link's token
    token_hash TEXT NOT NULL UNIQUE,
    lang TEXT NOT NULL DEFAULT 'ja',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO registrations_new SELECT * FROM registrations;
DROP TABLE registrations;
ALTER TABLE registrations_new RENAME TO registrations;
CREATE UNIQUE INDEX registrations_seminar_email ON registrations (seminar_id, lower(email));
CREATE INDEX registrations_seminar_status ON registrations (seminar_id, mode, status);
CREATE INDEX registrations_email ON registrations (email);

-- The record of each draw, so that anyone can re-run it (`secunity lottery verify`): the seed
-- from the operating system, the algorithm, and the record (seats and the entrants in canonical
-- order, JSON) the draw ran on, with the result it gave (every entrant in drawn order with its
-- outcome, JSON). Not unique per seminar on purpose: the draw's claim on seminars.drawn_at is
-- what makes a draw happen once, and a test's control must be able to see a second one.
CREATE TABLE lottery_draws (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    seminar_id BIGINT NOT NULL REFERENCES seminars (id) ON DELETE CASCADE,
    algorithm TEXT NOT NULL,
    version INTEGER NOT NULL,
    seed TEXT NOT NULL,
    record TEXT NOT NULL,
    result TEXT NOT NULL,
    entrants INTEGER NOT NULL,
    confirmed INTEGER NOT NULL,
    waitlisted INTEGER NOT NULL,
    not_drawn INTEGER NOT NULL,
    -- NULL: the worker drew at the draw time
    drawn_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    drawn_at TIMESTAMP NOT NULL
);
CREATE INDEX lottery_draws_seminar ON lottery_draws (seminar_id);
COMMIT;
PRAGMA foreign_keys = ON;
