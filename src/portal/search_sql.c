/* search_sql.c: the search index of published items (migrations 10, 12)
 *
 * What each part holds, and why (see portal/search.h for the queries):
 *
 * search_docs (both stores): one row per public item with what results
 * are ordered and filtered on: its section, its publication time and
 * its normalised title (items whose title holds the query come first).
 * Kept narrow on SQLite, where ordering thousands of candidates reads
 * one row each.
 *
 * SQLite:
 *  - search_fts, FTS5 with the trigram tokenizer over the normalised
 *    title and body (rowid = publication id).  Case-sensitive, because
 *    the text is already folded the way the query is (search.c), so a
 *    phrase match of the quoted query is exactly a substring match.
 *  - search_bigrams, the postings of every character and every pair of
 *    adjacent characters of the normalised title and body, for queries
 *    of one or two characters, which trigrams cannot serve.  A table of
 *    (gram, publication_id) rows costs some 14 KB an item (about 900
 *    distinct grams in an item of 1 000 characters: 1.4 GB for 100 000
 *    items, each row a B-tree insertion); FTS5 keeps the same postings
 *    as compressed doclists in under a quarter of the space and builds
 *    them eight times faster.  Each gram is one token, its UTF-8 bytes
 *    in hex (so punctuation and spaces never split it and no token is
 *    FTS5 syntax); contentless and detail=none, as only the rowids are
 *    needed.  A contentless table forgets what it indexed: search.c
 *    deletes an item's postings by recomputing them from the text kept
 *    in search_fts.
 *
 * PostgreSQL: search_docs also holds the normalised body and `grams`,
 * the same postings as SQLite's search_bigrams, as an array under a GIN
 * index (GIN is PostgreSQL's posting list, compressed).  They serve
 * queries of every length: a longer query's candidates are the items
 * holding all its bigrams, which search.c confirms against the text.
 *
 * Migration 10 also made pg_trgm's GIN indexes on the normalised title
 * and body, for longer queries.  pg_trgm sees only what the database's
 * LC_CTYPE calls alphanumeric, so under C (or POSIX) no Chinese at all,
 * and where it did see them (C.UTF-8) it was no faster than `grams` over
 * 100 000 items while doubling the cost of indexing an item
 * (bench/README.md, "Portal search").  Migration 12 drops the indexes
 * and the extension.  Migration 10 stays as it shipped, so a new
 * PostgreSQL database still needs pg_trgm available (Debian: in the
 * postgresql-15 package; elsewhere postgresql-contrib) for the moment
 * between the two.  It is a trusted extension (PostgreSQL 13 and
 * later), which the database owner the migrations run as may create;
 * on older servers, or when that role lacks CREATE on the database, an
 * administrator runs CREATE EXTENSION pg_trgm in Fazhi's database once,
 * as a superuser, before the first `fazhi migrate` (migration 12 then
 * leaves it, as it is not Fazhi's to drop).
 */
#include <stddef.h>

extern const char search_schema_sql[];
extern const char search_sqlite_sql[];
extern const char search_pg_sql[];
extern const char search_v12_sql[];
extern const char search_v12_pg_sql[];

const char search_schema_sql[] =
	"CREATE TABLE search_docs ("
	" publication_id BIGINT PRIMARY KEY REFERENCES publications(id),"
	" catalogue_id BIGINT,"
	" published_at BIGINT NOT NULL,"
	" title TEXT NOT NULL);\n"
	/* the years of the page's filter: MIN and MAX without a scan */
	"CREATE INDEX search_docs_time ON search_docs(published_at);\n";

/* search.c inserts search_docs rows with rowid = publication_id, so
 * that the FTS5 tables' rowids join it without the key's index. */
const char search_sqlite_sql[] =
	"CREATE VIRTUAL TABLE search_fts USING fts5(title, body,"
	" tokenize = 'trigram case_sensitive 1');\n"
	"CREATE VIRTUAL TABLE search_bigrams USING fts5(grams,"
	" content = '', detail = none, columnsize = 0, tokenize = 'ascii');\n";

/* No statistics on the searched columns: with them, a query for a
 * character most items contain (公) is estimated, rightly, to match most
 * rows, and the planner scans the table instead of the GIN index, which
 * costs nothing in its model but means unpacking every row's TOASTed
 * text or grams: 180 ms instead of 4 ms over 10 000 items.  Without
 * them it assumes the default, small selectivity and always takes the
 * index, which is the fast way whatever the term. */
const char search_pg_sql[] =
	"CREATE EXTENSION IF NOT EXISTS pg_trgm;\n"
	"ALTER TABLE search_docs ADD COLUMN body TEXT NOT NULL DEFAULT '';\n"
	"ALTER TABLE search_docs ADD COLUMN grams TEXT[] NOT NULL"
	" DEFAULT '{}';\n"
	"ALTER TABLE search_docs ALTER COLUMN title SET STATISTICS 0,"
	" ALTER COLUMN body SET STATISTICS 0,"
	" ALTER COLUMN grams SET STATISTICS 0;\n"
	"CREATE INDEX search_docs_grams ON search_docs USING gin (grams);\n"
	"CREATE INDEX search_docs_title_trgm ON search_docs"
	" USING gin (title gin_trgm_ops);\n"
	"CREATE INDEX search_docs_body_trgm ON search_docs"
	" USING gin (body gin_trgm_ops);\n";

/* Migration 12: search without pg_trgm.  DROP INDEX IF EXISTS is the
 * same in both dialects, so the indexes go in the portable part, where
 * on SQLite (which never had them) it changes nothing; the part cannot
 * be left empty, as PostgreSQL refuses an empty script. */
const char search_v12_sql[] =
	"DROP INDEX IF EXISTS search_docs_title_trgm;\n"
	"DROP INDEX IF EXISTS search_docs_body_trgm;\n";

/* The extension goes too, unless something else still uses it (a
 * dependent object: DROP without CASCADE refuses) or the role Fazhi
 * connects as does not own it (an administrator created it before
 * migration 10, perhaps for other uses too): either way it then stays,
 * harmless, and the migration goes on.  The exception block rolls back
 * only the DROP. */
const char search_v12_pg_sql[] =
	"DO $$ BEGIN\n"
	" DROP EXTENSION IF EXISTS pg_trgm;\n"
	"EXCEPTION WHEN insufficient_privilege"
	" OR dependent_objects_still_exist THEN NULL;\n"
	"END $$;\n";
