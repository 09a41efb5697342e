-- Group entries (グループ申込): one applicant registers several participants of one company.
-- group_limit: the most participants one entry may have (1: no groups). A participant is a
-- registration of its own (own link, mails, seat); group_id is the id of the applicant's
-- registration for every member of a group, the applicant included, and NULL for one person.
-- The members of a waiting group share one waitlist_seq: the group is placed whole.
ALTER TABLE seminars ADD COLUMN group_limit INTEGER NOT NULL DEFAULT 1
    CHECK (group_limit BETWEEN 1 AND 20);
ALTER TABLE registrations ADD COLUMN group_id BIGINT;
CREATE INDEX registrations_group ON registrations (group_id);

-- Online attendance from the meeting tools' reports: the minutes a matched registrant was in
-- the meeting, and one row per imported file (what it matched, the rows left unmatched as
-- JSON, for staff to confirm by name or look into).
ALTER TABLE registrations ADD COLUMN attended_minutes INTEGER;
CREATE TABLE attendance_imports (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    seminar_id BIGINT NOT NULL REFERENCES seminars (id) ON DELETE CASCADE,
    tool TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    row_count INTEGER NOT NULL,
    matched INTEGER NOT NULL,
    already INTEGER NOT NULL,
    unmatched TEXT NOT NULL DEFAULT '[]',
    imported_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    imported_at TIMESTAMP NOT NULL
);
CREATE INDEX attendance_imports_seminar ON attendance_imports (seminar_id);
