-- Story clustering: each article's clustering features (computed once per article),
-- the story and block each article belongs to, stories and storylines.
CREATE TABLE story_features (
    article_id TEXT PRIMARY KEY,
    day REAL,
    data TEXT NOT NULL,
    vector BLOB,
    model TEXT,
    -- what the features were computed from: "a" annotations, "e" entities (or neither)
    basis TEXT NOT NULL DEFAULT ''
);

CREATE TABLE story_members (
    article_id TEXT PRIMARY KEY,
    story_id TEXT NOT NULL,
    block TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX story_members_story ON story_members (story_id);
CREATE INDEX story_members_block ON story_members (block);

CREATE TABLE stories (
    id TEXT PRIMARY KEY,
    storyline TEXT,
    title TEXT NOT NULL,
    start TEXT,
    end TEXT,
    size INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX stories_storyline ON stories (storyline);

CREATE TABLE storylines (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    data TEXT NOT NULL
);
