-- Merges and splits of entities asked for by people (web app or CLI), applied by every
-- later resolution together with a rules file's.
CREATE TABLE entity_rules (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('merge', 'split')),
    names TEXT NOT NULL,
    created_at TEXT NOT NULL
);
