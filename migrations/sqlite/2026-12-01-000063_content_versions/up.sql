-- The content version: one number that every write to what the public pages show (seminars,
-- their seats, board posts, the names and labels they show) raises in the same transaction, so
-- that a page kept in memory is known to be current by reading this small table
-- (src/content_version.rs). Triggers do it, so no write path can forget it. SQLite has one
-- writer at a time, so a row trigger costs one small update per written row and no waiting,
-- and one counter is enough (PostgreSQL spreads the version over 16 counters; the version is
-- their sum on both).
CREATE TABLE content_versions (
    id INTEGER PRIMARY KEY CHECK (id BETWEEN 1 AND 16),
    version BIGINT NOT NULL
);
INSERT INTO content_versions (id, version) VALUES (1, 1);

CREATE TRIGGER seminars_content_version_insert AFTER INSERT ON seminars
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER seminars_content_version_update AFTER UPDATE ON seminars
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER seminars_content_version_delete AFTER DELETE ON seminars
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER registrations_content_version_insert AFTER INSERT ON registrations
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER registrations_content_version_update AFTER UPDATE ON registrations
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER registrations_content_version_delete AFTER DELETE ON registrations
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER matching_needs_content_version_insert AFTER INSERT ON matching_needs
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER matching_needs_content_version_update AFTER UPDATE ON matching_needs
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER matching_needs_content_version_delete AFTER DELETE ON matching_needs
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER matching_offerings_content_version_insert AFTER INSERT ON matching_offerings
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER matching_offerings_content_version_update AFTER UPDATE ON matching_offerings
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER matching_offerings_content_version_delete AFTER DELETE ON matching_offerings
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER organizations_content_version_insert AFTER INSERT ON organizations
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER organizations_content_version_update AFTER UPDATE ON organizations
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER organizations_content_version_delete AFTER DELETE ON organizations
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER prefectures_content_version_insert AFTER INSERT ON prefectures
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER prefectures_content_version_update AFTER UPDATE ON prefectures
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER prefectures_content_version_delete AFTER DELETE ON prefectures
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER industries_content_version_insert AFTER INSERT ON industries
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER industries_content_version_update AFTER UPDATE ON industries
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER industries_content_version_delete AFTER DELETE ON industries
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER employee_bands_content_version_insert AFTER INSERT ON employee_bands
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER employee_bands_content_version_update AFTER UPDATE ON employee_bands
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER employee_bands_content_version_delete AFTER DELETE ON employee_bands
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER service_category_groups_content_version_insert AFTER INSERT ON service_category_groups
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER service_category_groups_content_version_update AFTER UPDATE ON service_category_groups
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER service_category_groups_content_version_delete AFTER DELETE ON service_category_groups
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER service_categories_content_version_insert AFTER INSERT ON service_categories
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER service_categories_content_version_update AFTER UPDATE ON service_categories
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER service_categories_content_version_delete AFTER DELETE ON service_categories
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE id = 1;
END;
