DROP TABLE lottery_draws;
UPDATE registrations SET status = 'waitlisted' WHERE status IN ('applied', 'not_drawn');
ALTER TABLE registrations DROP CONSTRAINT registrations_status_check;
ALTER TABLE registrations ADD CONSTRAINT registrations_status_check
    CHECK (status IN ('confirmed', 'waitlisted', 'cancelled'));
ALTER TABLE seminars DROP COLUMN drawn_at;
ALTER TABLE seminars DROP COLUMN lottery_waitlist;
ALTER TABLE seminars DROP COLUMN draw_at;
ALTER TABLE seminars DROP COLUMN allocation;
