-- How a seminar gives out its seats: first come (the default) or a lottery (抽選) at draw_at
-- (NULL: the registration deadline). lottery_waitlist: those not drawn wait in drawn order
-- (true) or are told they were not drawn (false). drawn_at is set once, by the draw's claim.
ALTER TABLE seminars ADD COLUMN allocation TEXT NOT NULL DEFAULT 'first_come'
    CHECK (allocation IN ('first_come', 'lottery'));
ALTER TABLE seminars ADD COLUMN draw_at TIMESTAMP;
ALTER TABLE seminars ADD COLUMN lottery_waitlist BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE seminars ADD COLUMN drawn_at TIMESTAMP;

ALTER TABLE registrations DROP CONSTRAINT registrations_status_check;
ALTER TABLE registrations ADD CONSTRAINT registrations_status_check
    CHECK (status IN ('applied', 'confirmed', 'waitlisted', 'not_drawn', 'cancelled'));

-- The record of each draw, so that anyone can re-run it (`secunity lottery verify`): the seed
-- from the operating system, the algorithm, and the record (seats and the entrants in canonical
-- order, JSON) the draw ran on, with the result it gave (every entrant in drawn order with its
-- outcome, JSON). Not unique per seminar on purpose: the draw's claim on seminars.drawn_at is
-- what makes a draw happen once, and a test's control must be able to see a second one.
CREATE TABLE lottery_draws (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
