-- What a need's suggestions are ranked from, besides the posts (000063): the vendors'
-- introduction figures and staff's pins and removals. Their writes raise the content version
-- too, so that the board's offerings held in memory (src/matching/index.rs) are known current.

CREATE CONSTRAINT TRIGGER matching_introductions_content_version AFTER INSERT OR UPDATE OR DELETE ON matching_introductions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_content_version();

CREATE CONSTRAINT TRIGGER matching_suggestion_overrides_content_version AFTER INSERT OR UPDATE OR DELETE ON matching_suggestion_overrides
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_content_version();
