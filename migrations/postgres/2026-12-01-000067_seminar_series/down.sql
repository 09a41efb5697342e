DROP TRIGGER seminar_series_content_version ON seminar_series;
DROP INDEX registrations_series_entry;
ALTER TABLE registrations DROP COLUMN series_entry_id;
DROP INDEX seminars_series;
ALTER TABLE seminars DROP COLUMN series_id;
DROP TABLE seminar_series;
