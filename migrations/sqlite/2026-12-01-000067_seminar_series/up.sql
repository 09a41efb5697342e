-- Series (連続講座): seminars grouped into one course. People register once for the series and
-- hold one registration per session, tied by series_entry_id (the id of the registration of
-- the series' first session, as group_id ties a group). capacity: the people the series seats
-- (each session's own seats of the mode still bound it). certificate_min_sessions: the sessions
-- a participant must have attended for the series' certificate of attendance.
CREATE TABLE seminar_series (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
-- No REFERENCES here: SQLite cannot drop a column that is in a foreign key (down.sql), and a
-- series is never deleted.
ALTER TABLE seminars ADD COLUMN series_id BIGINT;
CREATE INDEX seminars_series ON seminars (series_id);
ALTER TABLE registrations ADD COLUMN series_entry_id BIGINT;
CREATE INDEX registrations_series_entry ON registrations (series_entry_id);

-- The public list and pages show the series' titles: its writes raise the content version
-- (000063) like every other table the kept pages are made from.
CREATE TRIGGER seminar_series_content_version_insert AFTER INSERT ON seminar_series
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER seminar_series_content_version_update AFTER UPDATE ON seminar_series
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER seminar_series_content_version_delete AFTER DELETE ON seminar_series
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE id = 1;
END;
