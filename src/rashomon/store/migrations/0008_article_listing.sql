-- The article listing's order (undated last, then by date, then id) straight from an
-- index: a page far into a large store no longer sorts the whole table first.
-- (Numbered 0008: 0007 is the entity state for incremental resolution.)
CREATE INDEX articles_listing ON articles (published IS NULL, published, id);
