/* search.h: full-text search over the portal's published items
 *
 * Citizens search the public items (title and body) in Chinese, often
 * with one or two characters (征地, 信访, 税), which no trigram index can
 * serve.  The index (migration 10, portal/search_sql.c) therefore holds,
 * for every public item:
 *  - search_docs: the item's section, publication time and normalised
 *    title, the rows results are ordered and filtered on;
 *  - a posting list of every character and every pair of adjacent
 *    characters (unigrams and bigrams) of the normalised title and body,
 *    so that a query of one or two characters is one index look-up that
 *    finds every item containing it;
 *  - on SQLite, FTS5 with the trigram tokenizer.
 * A query of three characters or more finds its candidates through the
 * trigrams on SQLite and through its bigrams' postings on PostgreSQL,
 * and keeps those that contain it literally.
 *
 * Normalisation, the same for items and queries: full-width ASCII
 * (ＡＢＣ１２３) as ASCII, ASCII letters in lower case, every run of
 * white space (line breaks, U+3000 included) as one space, zero-width
 * characters dropped, leading and trailing space removed.  Nothing else
 * is folded: 征 and 徵 are different characters.  The query is one
 * literal string: quotes, AND/OR/NEAR, *, ^ are searched for as they
 * are and never change the meaning of the query.
 *
 * Only published items that are not withdrawn are in the index.  The
 * publishing pipeline calls search_index_item() in the transaction that
 * publishes, changes or withdraws an item; `fazhi search reindex`
 * rebuilds the whole index from the publications table.
 */
#ifndef FZ_SEARCH_H
#define FZ_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;

#define SEARCH_QUERY_MAX 40       /* characters of a normalised query */
#define SEARCH_LIMIT_MAX 50       /* hits per call */
#define SEARCH_SNIPPET_CHARS 80   /* characters of a body excerpt */

/*
 * (Re)index item `id` as it now stands in `publications`: a public item
 * (published_at > 0, withdrawn_at = 0) gets its title and body indexed
 * anew, any other (a draft, a withdrawn item, none) leaves the index.
 * Call it after every change of a published item's title, body,
 * section or publication time, and on withdrawal.  Joins the caller's
 * write transaction when one is open (the index then changes with the
 * item, or not at all), else runs in one of its own.  0 or a DB_E* code.
 */
int search_index_item(struct db *db, int64_t id);

/* Take item `id` out of the index (nothing to do when it is not in).
 * Transactions as search_index_item().  0 or a DB_E* code. */
int search_remove_item(struct db *db, int64_t id);

/* Empty the index and index every public item again, in one write
 * transaction (other writers wait for it); *count (may be NULL) gets
 * the number of items indexed.  0 or a DB_E* code. */
int search_reindex(struct db *db, int64_t *count);

struct search_q {
	const char *text;         /* the query as typed (UTF-8) */
	int64_t catalogue_id;     /* 0: all; else this section and below */
	int year;                 /* 0: all; else published that year (CST) */
	int64_t offset;           /* hits to skip, >= 0 */
	int limit;                /* hits wanted, 1..SEARCH_LIMIT_MAX */
};

/* A highlighted stretch: `len` bytes from byte `off` of its string. */
struct search_span {
	size_t off, len;
};

/* One hit, valid during the callback only.  Spans mark every
 * occurrence of the query, in order, never overlapping; the strings
 * are the item's text as published (not normalised), so the caller
 * escapes them and wraps the spans in its own markup. */
struct search_hit {
	int64_t id;
	const char *index_no;         /* 索引号: the item's page */
	const char *title;
	const struct search_span *title_spans;
	size_t ntitle_spans;
	/* About SEARCH_SNIPPET_CHARS characters of the body around the
	 * first occurrence (its beginning when the body has none). */
	const char *snippet;
	const struct search_span *snippet_spans;
	size_t nsnippet_spans;
	bool cut_before, cut_after;   /* the body goes on before / after */
	int64_t published_at;
	int64_t catalogue_id;         /* 0 when the item has no section */
	const char *catalogue;        /* its name, "" without */
};

/* Called once per hit; a non-zero return stops the search, and
 * search_query() returns that value. */
typedef int (*search_hit_fn)(const struct search_hit *hit, void *arg);

/* The number of characters of `text` once normalised (0 for an empty or
 * blank query): a query must have 1..SEARCH_QUERY_MAX. */
size_t search_query_chars(const char *text);

/*
 * Search the public items for `q->text` (see the top of this file),
 * ordered by relevance: items whose title contains it first, then the
 * newest.  Calls `fn` for the hits q->offset .. q->offset + q->limit - 1
 * and sets *total (may be NULL) to the number of all hits.  0, fn's
 * non-zero return, DB_EMISUSE for a query of no or too many characters
 * or a limit out of range, or another DB_E* code.
 */
int search_query(struct db *db, const struct search_q *q, search_hit_fn fn,
		 void *arg, int64_t *total);

/* The years (China Standard Time) of the oldest and the newest indexed
 * item, both 0 when the index is empty.  0 or a DB_E* code. */
int search_years(struct db *db, int *first, int *last);

#endif
