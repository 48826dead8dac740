-- The state of entity resolution, kept so that new articles join existing entities
-- without recomputing the world (PostgreSQL twin of ../0007_entity_state.sql).
CREATE TABLE entity_nodes (
    id BIGINT PRIMARY KEY,
    kind TEXT COLLATE "C" NOT NULL,
    key TEXT COLLATE "C" NOT NULL,
    first_article TEXT COLLATE "C" NOT NULL,
    first_mention INTEGER NOT NULL,
    component BIGINT NOT NULL,   -- id of the group's root node
    entity_id TEXT COLLATE "C" NOT NULL,
    why TEXT NOT NULL,
    confidence DOUBLE PRECISION NOT NULL,
    data TEXT NOT NULL,
    UNIQUE (kind, key)
);
CREATE INDEX entity_nodes_component ON entity_nodes (component);

-- Blocking keys: two nodes can change each other's grouping only if they share one.
CREATE TABLE entity_node_keys (
    key TEXT COLLATE "C" NOT NULL,
    node BIGINT NOT NULL,
    PRIMARY KEY (key, node)
);
CREATE INDEX entity_node_keys_node ON entity_node_keys (node);

-- Each entity's base id and first mention: entities that share a base are numbered.
CREATE TABLE entity_clusters (
    entity_id TEXT COLLATE "C" PRIMARY KEY,
    base TEXT COLLATE "C" NOT NULL,
    first_article TEXT COLLATE "C" NOT NULL,
    first_mention INTEGER NOT NULL
);
CREATE INDEX entity_clusters_base ON entity_clusters (base);

-- Which articles' annotations (signature and time) the state includes.
CREATE TABLE entity_articles (
    article_id TEXT COLLATE "C" PRIMARY KEY,
    version TEXT NOT NULL
);

-- Settings the state was computed with (resolver version, rules).
CREATE TABLE entity_state (
    name TEXT COLLATE "C" PRIMARY KEY,
    value TEXT NOT NULL
);

-- The node of each resolved mention, so a node's entity can change in one statement.
ALTER TABLE entity_mentions ADD COLUMN node BIGINT;
CREATE INDEX entity_mentions_node ON entity_mentions (node);

CREATE TRIGGER entity_nodes_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON entity_nodes
    FOR EACH STATEMENT EXECUTE FUNCTION rashomon_changed();
CREATE TRIGGER entity_node_keys_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON entity_node_keys FOR EACH STATEMENT EXECUTE FUNCTION rashomon_changed();
CREATE TRIGGER entity_clusters_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON entity_clusters FOR EACH STATEMENT EXECUTE FUNCTION rashomon_changed();
CREATE TRIGGER entity_articles_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON entity_articles FOR EACH STATEMENT EXECUTE FUNCTION rashomon_changed();
CREATE TRIGGER entity_state_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON entity_state
    FOR EACH STATEMENT EXECUTE FUNCTION rashomon_changed();
