-- The article listing's order straight from an index (twin of ../0008_article_listing.sql).
-- PostgreSQL sorts NULLs last in ascending order, so (published, id) is the listing's
-- "published IS NULL, published, id"; it also serves the date filters, which makes the
-- single-column index on published redundant.
CREATE INDEX articles_listing ON articles (published, id);
DROP INDEX articles_published;
