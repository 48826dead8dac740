-- Annotation layers of each article, as one JSON document, with the signature of the
-- pipeline (model and component versions) that produced them: a changed pipeline
-- re-annotates, an unchanged one skips. (PostgreSQL twin of ../0002_annotations.sql.)
CREATE TABLE annotations (
    article_id TEXT COLLATE "C" PRIMARY KEY,
    signature TEXT COLLATE "C" NOT NULL,
    data TEXT NOT NULL,
    annotated_at TEXT NOT NULL
);
CREATE INDEX annotations_signature ON annotations (signature);

CREATE TRIGGER annotations_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON annotations
    FOR EACH STATEMENT EXECUTE FUNCTION rashomon_changed();
