-- Series (連続講座): seminars grouped into one course. People register once for the series and
-- hold one registration per session, tied by series_entry_id (the id of the registration of
-- the series' first session, as group_id ties a group). capacity: the people the series seats
-- (each session's own seats of the mode still bound it). certificate_min_sessions: the sessions
-- a participant must have attended for the series' certificate of attendance.
CREATE TABLE seminar_series (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title TEXT NOT NULL,
    title_en TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    capacity INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 100000),
    certificate_min_sessions INTEGER NOT NULL DEFAULT 1
        CHECK (certificate_min_sessions BETWEEN 1 AND 100),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
ALTER TABLE seminars ADD COLUMN series_id BIGINT REFERENCES seminar_series (id) ON DELETE SET NULL;
CREATE INDEX seminars_series ON seminars (series_id);
ALTER TABLE registrations ADD COLUMN series_entry_id BIGINT;
CREATE INDEX registrations_series_entry ON registrations (series_entry_id);

-- The public list and pages show the series' titles: its writes raise the content version
-- (000063) like every other table the kept pages are made from.
CREATE CONSTRAINT TRIGGER seminar_series_content_version AFTER INSERT OR UPDATE OR DELETE ON seminar_series
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_content_version();
