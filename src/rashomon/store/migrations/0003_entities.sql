-- Canonical entities and which entity each annotated mention refers to, and why.
CREATE TABLE entities (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    country TEXT,
    mentions INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX entities_name ON entities (name COLLATE NOCASE);

CREATE TABLE entity_mentions (
    article_id TEXT NOT NULL,
    mention INTEGER NOT NULL,
    entity_id TEXT NOT NULL,
    why TEXT NOT NULL,
    confidence REAL NOT NULL,
    PRIMARY KEY (article_id, mention)
) WITHOUT ROWID;
CREATE INDEX entity_mentions_entity ON entity_mentions (entity_id);
