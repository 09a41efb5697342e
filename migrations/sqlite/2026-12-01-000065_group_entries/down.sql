DROP TABLE attendance_imports;
ALTER TABLE registrations DROP COLUMN attended_minutes;
DROP INDEX registrations_group;
ALTER TABLE registrations DROP COLUMN group_id;
ALTER TABLE seminars DROP COLUMN group_limit;
