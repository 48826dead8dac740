-- Full-text search over article titles and text, kept in sync by triggers: PostgreSQL
-- text search standing in for SQLite's FTS5 (twin of ../0005_search.sql).
--
-- Words are cut where FTS5's unicode61 tokenizer cuts them: ASCII punctuation becomes a
-- space before PostgreSQL's parser sees the text (else "well-known", "example.com" or
-- "3.5" would be single tokens that the words of a query never meet). No stemming, no
-- stop words ('simple'), as in FTS5. Accents are folded with the unaccent extension where
-- the server has it and this user may create it, so "Zelezov" finds "Železov" (FTS5's
-- remove_diacritics 2); without it search still works, accent-sensitive.
-- Titles weigh A and text B: a match in the title ranks higher (bm25(2.0, 1.0) in SQLite).
CREATE TEXT SEARCH CONFIGURATION rashomon_search (COPY = pg_catalog.simple);

DO $$
BEGIN
    BEGIN
        CREATE EXTENSION IF NOT EXISTS unaccent;
    EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'unaccent is not available (%): search will be accent-sensitive', SQLERRM;
        RETURN;
    END;
    ALTER TEXT SEARCH CONFIGURATION rashomon_search
        ALTER MAPPING FOR word, numword, hword, hword_part, hword_numpart WITH unaccent, simple;
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'unaccent cannot be used (%): search will be accent-sensitive', SQLERRM;
END $$;

CREATE FUNCTION rashomon_search_text(t TEXT) RETURNS TEXT
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT regexp_replace(coalesce(t, ''), '[\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+', ' ', 'g') $$;

CREATE FUNCTION rashomon_search_document(title TEXT, body TEXT) RETURNS tsvector
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$
        SELECT setweight(to_tsvector('rashomon_search', rashomon_search_text(title)), 'A')
            || setweight(to_tsvector('rashomon_search', rashomon_search_text(body)), 'B')
    $$;

CREATE TABLE article_search (
    article_id TEXT COLLATE "C" PRIMARY KEY,
    document tsvector NOT NULL
);
CREATE INDEX article_search_document ON article_search USING gin (document);

CREATE FUNCTION rashomon_index_article() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM article_search WHERE article_id = OLD.id;
    ELSE
        INSERT INTO article_search (article_id, document)
            VALUES (NEW.id, rashomon_search_document(NEW.title, NEW.text))
            ON CONFLICT (article_id) DO UPDATE SET document = excluded.document;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER articles_search_insert AFTER INSERT ON articles
    FOR EACH ROW EXECUTE FUNCTION rashomon_index_article();
CREATE TRIGGER articles_search_update AFTER UPDATE OF title, text ON articles
    FOR EACH ROW EXECUTE FUNCTION rashomon_index_article();
CREATE TRIGGER articles_search_delete AFTER DELETE ON articles
    FOR EACH ROW EXECUTE FUNCTION rashomon_index_article();

-- Articles stored before this migration.
INSERT INTO article_search (article_id, document)
    SELECT id, rashomon_search_document(title, text) FROM articles;
