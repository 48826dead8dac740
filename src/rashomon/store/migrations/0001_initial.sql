-- Articles, their outlets, provenance, duplicate fingerprints and skipped inputs.
CREATE TABLE outlets (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    domains TEXT NOT NULL DEFAULT '[]',
    aliases TEXT NOT NULL DEFAULT '[]',
    country TEXT,
    language TEXT,
    owner TEXT,
    state_affiliated INTEGER,
    ratings TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    outlet TEXT,
    title TEXT,
    published TEXT,
    author TEXT,
    url TEXT,
    site_name TEXT,
    language TEXT,
    language_score REAL,
    path TEXT NOT NULL,
    locator TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    blocks TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    duplicate_of TEXT,
    duplicate_kind TEXT,
    duplicate_score REAL,
    meta TEXT NOT NULL DEFAULT '{}',
    signature BLOB,
    ingested_at TEXT NOT NULL
);
CREATE INDEX articles_content_hash ON articles (content_hash);
CREATE INDEX articles_outlet ON articles (outlet);
CREATE INDEX articles_published ON articles (published);
CREATE INDEX articles_duplicate_of ON articles (duplicate_of);

-- Every place an article was read from: the same text can come from several files.
CREATE TABLE article_sources (
    article_id TEXT NOT NULL,
    path TEXT NOT NULL,
    locator TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (article_id, path, locator)
) WITHOUT ROWID;

-- MinHash LSH band keys, for near-duplicate candidates by index look-up.
CREATE TABLE lsh_bands (
    band INTEGER NOT NULL,
    key INTEGER NOT NULL,
    article_id TEXT NOT NULL,
    PRIMARY KEY (band, key, article_id)
) WITHOUT ROWID;

CREATE TABLE skips (
    path TEXT NOT NULL,
    locator TEXT NOT NULL DEFAULT '',
    stage TEXT NOT NULL,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    PRIMARY KEY (path, locator, stage)
);

-- Input files fully ingested, so a re-run skips unchanged files without reading them.
CREATE TABLE inputs (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    articles INTEGER NOT NULL,
    skipped INTEGER NOT NULL,
    done_at TEXT NOT NULL
);
