-- What a need's suggestions are ranked from, besides the posts (000063): the vendors'
-- introduction figures and staff's pins and removals. Their writes raise the content version
-- too, so that the board's offerings held in memory (src/matching/index.rs) are known current.

CREATE TRIGGER matching_introductions_content_version_insert AFTER INSERT ON matching_introductions
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER matching_introductions_content_version_update AFTER UPDATE ON matching_introductions
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER matching_introductions_content_version_delete AFTER DELETE ON matching_introductions
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER matching_suggestion_overrides_content_version_insert AFTER INSERT ON matching_suggestion_overrides
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER matching_suggestion_overrides_content_version_update AFTER UPDATE ON matching_suggestion_overrides
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER matching_suggestion_overrides_content_version_delete AFTER DELETE ON matching_suggestion_overrides
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE id = 1;
END;
