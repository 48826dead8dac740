-- Articles, their outlets, provenance, duplicate fingerprints and skipped inputs
-- (PostgreSQL twin of ../0001_initial.sql).
--
-- Text that is sorted or compared (ids, dates, names, paths) is COLLATE "C": byte order,
-- as SQLite compares, whatever the database's own locale, so both backends list, page
-- and filter alike.

-- Every change to a Rashomon table is announced on the channel 'rashomon_changes' at
-- commit (NOTIFY is transactional), so readers holding caches (the web app) know when
-- to drop them: the counterpart of SQLite's PRAGMA data_version.
CREATE FUNCTION rashomon_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('rashomon_changes', '');
    RETURN NULL;
END $$;

CREATE TABLE outlets (
    id TEXT COLLATE "C" PRIMARY KEY,
    name TEXT COLLATE "C" NOT NULL,
    domains TEXT NOT NULL DEFAULT '[]',
    aliases TEXT NOT NULL DEFAULT '[]',
    country TEXT,
    language TEXT,
    owner TEXT,
    state_affiliated INTEGER,
    ratings TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE articles (
    id TEXT COLLATE "C" PRIMARY KEY,
    outlet TEXT COLLATE "C",
    title TEXT,
    published TEXT COLLATE "C",
    author TEXT,
    url TEXT,
    site_name TEXT,
    language TEXT COLLATE "C",
    language_score DOUBLE PRECISION,
    path TEXT COLLATE "C" NOT NULL,
    locator TEXT COLLATE "C" NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    blocks TEXT NOT NULL,
    content_hash TEXT COLLATE "C" NOT NULL,
    duplicate_of TEXT COLLATE "C",
    duplicate_kind TEXT,
    duplicate_score DOUBLE PRECISION,
    meta TEXT NOT NULL DEFAULT '{}',
    signature BYTEA,
    ingested_at TEXT NOT NULL
);
CREATE INDEX articles_content_hash ON articles (content_hash);
CREATE INDEX articles_outlet ON articles (outlet);
CREATE INDEX articles_published ON articles (published);
CREATE INDEX articles_duplicate_of ON articles (duplicate_of);

-- Every place an article was read from: the same text can come from several files.
CREATE TABLE article_sources (
    article_id TEXT COLLATE "C" NOT NULL,
    path TEXT COLLATE "C" NOT NULL,
    locator TEXT COLLATE "C" NOT NULL DEFAULT '',
    PRIMARY KEY (article_id, path, locator)
);

-- MinHash LSH band keys, for near-duplicate candidates by index look-up.
CREATE TABLE lsh_bands (
    band INTEGER NOT NULL,
    key BIGINT NOT NULL,
    article_id TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (band, key, article_id)
);

CREATE TABLE skips (
    path TEXT COLLATE "C" NOT NULL,
    locator TEXT COLLATE "C" NOT NULL DEFAULT '',
    stage TEXT COLLATE "C" NOT NULL,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    PRIMARY KEY (path, locator, stage)
);

-- Input files fully ingested, so a re-run skips unchanged files without reading them.
CREATE TABLE inputs (
    path TEXT COLLATE "C" PRIMARY KEY,
    size BIGINT NOT NULL,
    mtime_ns BIGINT NOT NULL,
    articles INTEGER NOT NULL,
    skipped INTEGER NOT NULL,
    done_at TEXT NOT NULL
);

CREATE TRIGGER outlets_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON outlets
    FOR EACH STATEMENT EXECUTE FUNCTION rashomon_changed();
CREATE TRIGGER articles_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON articles
    FOR EACH STATEMENT EXECUTE FUNCTION rashomon_changed();
CREATE TRIGGER article_sources_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON article_sources FOR EACH STATEMENT EXECUTE FUNCTION rashomon_changed();
CREATE TRIGGER skips_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON skips
    FOR EACH STATEMENT EXECUTE FUNCTION rashomon_changed();
