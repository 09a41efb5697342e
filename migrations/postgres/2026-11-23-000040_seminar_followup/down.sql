DROP TABLE seminar_surveys;
ALTER TABLE seminars DROP COLUMN reminder_time;
