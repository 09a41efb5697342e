DROP INDEX seminars_import_uid;
ALTER TABLE seminars DROP COLUMN import_uid;
