-- Annotation layers of each article, as one JSON document, with the signature of the
-- pipeline (model and component versions) that produced them: a changed pipeline
-- re-annotates, an unchanged one skips.
CREATE TABLE annotations (
    article_id TEXT PRIMARY KEY,
    signature TEXT NOT NULL,
    data TEXT NOT NULL,
    annotated_at TEXT NOT NULL
);
CREATE INDEX annotations_signature ON annotations (signature);
