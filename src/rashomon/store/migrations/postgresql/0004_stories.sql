-- Story clustering: each article's clustering features (computed once per article),
-- the story and block each article belongs to, stories and storylines.
-- (PostgreSQL twin of ../0004_stories.sql; "end" is a reserved word here, hence quoted.)
CREATE TABLE story_features (
    article_id TEXT COLLATE "C" PRIMARY KEY,
    day DOUBLE PRECISION,
    data TEXT NOT NULL,
    vector BYTEA,
    model TEXT,
    -- what the features were computed from: "a" annotations, "e" entities (or neither)
    basis TEXT NOT NULL DEFAULT ''
);

CREATE TABLE story_members (
    article_id TEXT COLLATE "C" PRIMARY KEY,
    story_id TEXT COLLATE "C" NOT NULL,
    block TEXT COLLATE "C" NOT NULL
);
CREATE INDEX story_members_story ON story_members (story_id);
CREATE INDEX story_members_block ON story_members (block);

CREATE TABLE stories (
    id TEXT COLLATE "C" PRIMARY KEY,
    storyline TEXT COLLATE "C",
    title TEXT NOT NULL,
    start TEXT COLLATE "C",
    "end" TEXT COLLATE "C",
    size INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX stories_storyline ON stories (storyline);

CREATE TABLE storylines (
    id TEXT COLLATE "C" PRIMARY KEY,
    title TEXT NOT NULL,
    data TEXT NOT NULL
);

CREATE TRIGGER story_features_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON story_features FOR EACH STATEMENT EXECUTE FUNCTION rashomon_changed();
CREATE TRIGGER story_members_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON story_members FOR EACH STATEMENT EXECUTE FUNCTION rashomon_changed();
CREATE TRIGGER stories_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON stories
    FOR EACH STATEMENT EXECUTE FUNCTION rashomon_changed();
CREATE TRIGGER storylines_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON storylines
    FOR EACH STATEMENT EXECUTE FUNCTION rashomon_changed();
