-- The content version: one number that every write to what the public pages show (seminars,
-- their seats, board posts, the names and labels they show) raises in the same transaction, so
-- that a page kept in memory is known to be current by reading this small table
-- (src/content_version.rs). Triggers do it, so no write path can forget it.
--
-- PostgreSQL: deferred constraint triggers, once per transaction (a transaction-local setting
-- remembers that this transaction raised it already). Deferred, they run at commit, and the
-- version is the sum of 16 counters, each transaction raising the one of its transaction id:
-- a single counter's row lock, held to the end of the commit, made every writer wait for the
-- commit (and WAL flush) of the one before it, which halved the registration burst across the
-- group commit's lanes. Every counter only grows, so the sum changes with every commit.
CREATE TABLE content_versions (
    id INTEGER PRIMARY KEY CHECK (id BETWEEN 1 AND 16),
    version BIGINT NOT NULL
);
INSERT INTO content_versions (id, version) SELECT n, CASE WHEN n = 1 THEN 1 ELSE 0 END
    FROM generate_series(1, 16) AS n;

CREATE FUNCTION bump_content_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('secunity.content_version_bumped', true) IS DISTINCT FROM txid_current()::text THEN
        UPDATE content_versions SET version = version + 1 WHERE id = 1 + (txid_current() % 16);
        PERFORM set_config('secunity.content_version_bumped', txid_current()::text, true);
    END IF;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER seminars_content_version AFTER INSERT OR UPDATE OR DELETE ON seminars
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_content_version();

CREATE CONSTRAINT TRIGGER registrations_content_version AFTER INSERT OR UPDATE OR DELETE ON registrations
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_content_version();

CREATE CONSTRAINT TRIGGER matching_needs_content_version AFTER INSERT OR UPDATE OR DELETE ON matching_needs
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_content_version();

CREATE CONSTRAINT TRIGGER matching_offerings_content_version AFTER INSERT OR UPDATE OR DELETE ON matching_offerings
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_content_version();

CREATE CONSTRAINT TRIGGER organizations_content_version AFTER INSERT OR UPDATE OR DELETE ON organizations
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_content_version();

CREATE CONSTRAINT TRIGGER prefectures_content_version AFTER INSERT OR UPDATE OR DELETE ON prefectures
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_content_version();

CREATE CONSTRAINT TRIGGER industries_content_version AFTER INSERT OR UPDATE OR DELETE ON industries
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_content_version();

CREATE CONSTRAINT TRIGGER employee_bands_content_version AFTER INSERT OR UPDATE OR DELETE ON employee_bands
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_content_version();

CREATE CONSTRAINT TRIGGER service_category_groups_content_version AFTER INSERT OR UPDATE OR DELETE ON service_category_groups
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_content_version();

CREATE CONSTRAINT TRIGGER service_categories_content_version AFTER INSERT OR UPDATE OR DELETE ON service_categories
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_content_version();
