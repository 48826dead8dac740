-- Canonical entities and which entity each annotated mention refers to, and why.
-- (PostgreSQL twin of ../0003_entities.sql; lower(name) stands in for COLLATE NOCASE.)
CREATE TABLE entities (
    id TEXT COLLATE "C" PRIMARY KEY,
    name TEXT COLLATE "C" NOT NULL,
    type TEXT COLLATE "C" NOT NULL,
    country TEXT,
    mentions INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX entities_name ON entities (lower(name));

CREATE TABLE entity_mentions (
    article_id TEXT COLLATE "C" NOT NULL,
    mention INTEGER NOT NULL,
    entity_id TEXT COLLATE "C" NOT NULL,
    why TEXT NOT NULL,
    confidence DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (article_id, mention)
);
CREATE INDEX entity_mentions_entity ON entity_mentions (entity_id);

CREATE TRIGGER entities_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON entities
    FOR EACH STATEMENT EXECUTE FUNCTION rashomon_changed();
CREATE TRIGGER entity_mentions_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON entity_mentions FOR EACH STATEMENT EXECUTE FUNCTION rashomon_changed();
