-- The UID of the calendar event a seminar was imported from (staff .ics import): importing
-- the same file again finds it and creates nothing. NULL for seminars made here.
ALTER TABLE seminars ADD COLUMN import_uid TEXT;
CREATE UNIQUE INDEX seminars_import_uid ON seminars (import_uid);
