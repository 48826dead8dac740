-- Full-text search over article titles and text (SQLite FTS5), kept in sync by triggers.
--
-- The index is an external-content table: it stores the index, not a second copy of the
-- text, and reads titles and text back from `search_content` for snippets. FTS5 needs an
-- integer key; the articles table's rowid is not one to rely on (VACUUM may renumber the
-- rows of a table keyed by TEXT), so `search_rows` gives each article a stable number.
-- "remove_diacritics 2" lets "Zelezov" find "Železov".
CREATE TABLE search_rows (
    n INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL UNIQUE
);

CREATE VIEW search_content AS
    SELECT r.n AS n, a.title AS title, a.text AS text
    FROM search_rows r JOIN articles a ON a.id = r.article_id;

CREATE VIRTUAL TABLE article_search USING fts5(
    title, text,
    content = 'search_content', content_rowid = 'n',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER articles_search_insert AFTER INSERT ON articles BEGIN
    INSERT INTO search_rows (article_id) VALUES (new.id);
    INSERT INTO article_search (rowid, title, text)
        VALUES ((SELECT n FROM search_rows WHERE article_id = new.id), new.title, new.text);
END;

CREATE TRIGGER articles_search_delete AFTER DELETE ON articles BEGIN
    INSERT INTO article_search (article_search, rowid, title, text)
        VALUES ('delete', (SELECT n FROM search_rows WHERE article_id = old.id),
                old.title, old.text);
    DELETE FROM search_rows WHERE article_id = old.id;
END;

CREATE TRIGGER articles_search_update AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO article_search (article_search, rowid, title, text)
        VALUES ('delete', (SELECT n FROM search_rows WHERE article_id = old.id),
                old.title, old.text);
    INSERT INTO article_search (rowid, title, text)
        VALUES ((SELECT n FROM search_rows WHERE article_id = new.id), new.title, new.text);
END;

-- Articles stored before this migration.
INSERT INTO search_rows (article_id) SELECT id FROM articles ORDER BY id;
INSERT INTO article_search (article_search) VALUES ('rebuild');
