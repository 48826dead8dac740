-- Merges and splits of entities asked for by people (web app or CLI), applied by every
-- later resolution together with a rules file's. (PostgreSQL twin of ../0006_entity_rules.sql.)
CREATE TABLE entity_rules (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('merge', 'split')),
    names TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TRIGGER entity_rules_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON entity_rules
    FOR EACH STATEMENT EXECUTE FUNCTION rashomon_changed();
