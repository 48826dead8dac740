-- The state of entity resolution, kept so that new articles join existing entities
-- without recomputing the world (rashomon.entities.incremental).
--
-- A node is the unit resolution groups: a person named in one article, or a place or
-- other name anywhere. Its data (JSON) sums its mentions: spellings, tagger labels,
-- outlets, roles, and the reason of its first mention.
CREATE TABLE entity_nodes (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    first_article TEXT NOT NULL,
    first_mention INTEGER NOT NULL,
    component INTEGER NOT NULL,   -- id of the group's root node
    entity_id TEXT NOT NULL,
    why TEXT NOT NULL,
    confidence REAL NOT NULL,
    data TEXT NOT NULL,
    UNIQUE (kind, key)
);
CREATE INDEX entity_nodes_component ON entity_nodes (component);

-- Blocking keys: two nodes can change each other's grouping only if they share one.
CREATE TABLE entity_node_keys (
    key TEXT NOT NULL,
    node INTEGER NOT NULL,
    PRIMARY KEY (key, node)
) WITHOUT ROWID;
CREATE INDEX entity_node_keys_node ON entity_node_keys (node);

-- Each entity's base id (a hash of its type and name) and first mention: entities that
-- share a base are numbered by first mention ("e1a2b3", "e1a2b3-2").
CREATE TABLE entity_clusters (
    entity_id TEXT PRIMARY KEY,
    base TEXT NOT NULL,
    first_article TEXT NOT NULL,
    first_mention INTEGER NOT NULL
);
CREATE INDEX entity_clusters_base ON entity_clusters (base);

-- Which articles' annotations (signature and time) the state includes.
CREATE TABLE entity_articles (
    article_id TEXT PRIMARY KEY,
    version TEXT NOT NULL
) WITHOUT ROWID;

-- Settings the state was computed with (resolver version, rules).
CREATE TABLE entity_state (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The node of each resolved mention, so a node's entity can change in one statement.
ALTER TABLE entity_mentions ADD COLUMN node INTEGER;
CREATE INDEX entity_mentions_node ON entity_mentions (node);
