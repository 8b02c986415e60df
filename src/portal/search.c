/* search.c: full-text search over the portal's published items
 *
 * See search.h for the contract and search_sql.c for the tables.  Text
 * is normalised here, in C, the same way for items and queries, so that
 * the indexes only ever compare exact strings: FTS5's trigram tokenizer
 * runs case-sensitive on folded text, and the postings are made of
 * folded text too.
 *
 * Which index answers, by the length n of the normalised query:
 *   n <= 2  the unigram/bigram postings: the postings of the query
 *           itself are exactly the items that contain it;
 *   n >= 3  SQLite: the FTS5 trigram phrase, which over folded text
 *           is the substring test itself (see SQ_TRIGRAMS);
 *           PostgreSQL: the items holding all the query's bigrams
 *           (GIN on `grams`), confirmed with strpos().  (pg_trgm
 *           was no faster, sees no Chinese under LC_CTYPE C and
 *           doubled the cost of indexing: bench/README.md.)
 * Hits are then ordered title-first, newest first, and only the page
 * asked for is read back from `publications` and highlighted there.
 */
#include "portal/search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/util.h"
#include "store/store.h"

/* Characters of context before the first hit in a snippet. */
#define SNIPPET_LEAD 20

/* ---- normalisation ---- */

/* Normalised text as code points; with `map`, the bytes of the
 * original text each code point stands for, [ostart, oend). */
struct norm {
	uint32_t *cp;
	size_t *ostart, *oend;
	size_t n, cap;
	bool map;
};

static void norm_release(struct norm *t)
{
	free(t->cp);
	free(t->ostart);
	free(t->oend);
	memset(t, 0, sizeof(*t));
}

/* Decode one code point of the `n` bytes at `s` (n >= 1); returns the
 * bytes used.  A byte that starts no valid sequence reads as U+FFFD, so
 * stray bytes cannot join their neighbours into something else. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c = s[0], min;
	size_t len, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2, c &= 0x1F, min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3, c &= 0x0F, min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4, c &= 0x07, min = 0x10000;
	} else {
		*cp = 0xFFFD;
		return 1;
	}
	if (len > n)
		goto bad;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			goto bad;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		goto bad;
	*cp = c;
	return len;
bad:
	*cp = 0xFFFD;
	return 1;
}

static size_t utf8_encode(uint32_t c, char out[4])
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xC0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xE0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		out[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	out[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

static bool is_space(uint32_t c)
{
	return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 ||
	       c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
	       c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
	       c == 0x3000;
}

/* Characters that show nothing and would only break a match. */
static bool is_invisible(uint32_t c)
{
	return c == 0xAD || (c >= 0x200B && c <= 0x200D) || c == 0x2060 ||
	       c == 0xFEFF;
}

/* The character as the index sees it; ' ' for white space. */
static uint32_t fold(uint32_t c)
{
	if (c >= 0xFF01 && c <= 0xFF5E)         /* full-width ASCII */
		c -= 0xFEE0;
	if (c >= 'A' && c <= 'Z')
		c += 'a' - 'A';
	return is_space(c) ? ' ' : c;
}

static void norm_push(struct norm *t, uint32_t c, size_t from, size_t to)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->cp = xrealloc(t->cp, t->cap * sizeof(*t->cp));
		if (t->map) {
			t->ostart = xrealloc(t->ostart,
					     t->cap * sizeof(*t->ostart));
			t->oend = xrealloc(t->oend, t->cap * sizeof(*t->oend));
		}
	}
	t->cp[t->n] = c;
	if (t->map) {
		t->ostart[t->n] = from;
		t->oend[t->n] = to;
	}
	t->n++;
}

/* Normalise `s` into `t` (see search.h): folded characters, one space
 * for a run of white space, none at either end. */
static void normalize(const char *s, bool map, struct norm *t)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, k, sp_from = 0, sp_to = 0;
	bool space = false;
	uint32_t c;

	memset(t, 0, sizeof(*t));
	t->map = map;
	while (i < len) {
		k = utf8_decode(p + i, len - i, &c);
		if (is_invisible(c)) {
			i += k;
			continue;
		}
		c = fold(c);
		if (c == ' ') {
			if (!space)
				sp_from = i;
			space = true;
			sp_to = i + k;
		} else {
			if (space && t->n)
				norm_push(t, ' ', sp_from, sp_to);
			space = false;
			norm_push(t, c, i, i + k);
		}
		i += k;
	}
}

static void put_cps(struct buf *b, const uint32_t *cp, size_t n)
{
	char u[4];
	size_t i;

	for (i = 0; i < n; i++)
		buf_add(b, u, utf8_encode(cp[i], u));
}

size_t search_query_chars(const char *text)
{
	struct norm t;
	size_t n;

	normalize(text ? text : "", false, &t);
	n = t.n;
	norm_release(&t);
	return n;
}

/* ---- grams ---- */

/* A unigram is its code point; a bigram has bit 42 set and its two code
 * points (21 bits each) above each other. */
#define GRAM_PAIR ((uint64_t)1 << 42)

struct grams {
	uint64_t *v;
	size_t n, cap;
};

static void gram_add(struct grams *g, uint64_t key)
{
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 256;
		g->v = xrealloc(g->v, g->cap * sizeof(*g->v));
	}
	g->v[g->n++] = key;
}

/* The unigrams and bigrams of `t` without a space in them. */
static void grams_of(const struct norm *t, bool uni, bool bi,
		     struct grams *g)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		if (t->cp[i] == ' ')
			continue;
		if (uni)
			gram_add(g, t->cp[i]);
		if (bi && i + 1 < t->n && t->cp[i + 1] != ' ')
			gram_add(g, GRAM_PAIR | (uint64_t)t->cp[i] << 21 |
				 t->cp[i + 1]);
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Append the distinct grams, separated by spaces, as UTF-8 or (`hex`)
 * as the hex digits of their UTF-8 bytes. */
static void grams_put(struct grams *g, bool hex, struct buf *out)
{
	char u[8];
	size_t i, n;

	if (g->n)
		qsort(g->v, g->n, sizeof(*g->v), cmp_u64);
	for (i = 0; i < g->n; i++) {
		uint64_t k = g->v[i];

		if (i && k == g->v[i - 1])
			continue;
		if (k & GRAM_PAIR) {
			n = utf8_encode((uint32_t)(k >> 21) & 0x1FFFFF, u);
			n += utf8_encode((uint32_t)k & 0x1FFFFF, u + n);
		} else {
			n = utf8_encode((uint32_t)k, u);
		}
		if (out->len)
			buf_putc(out, ' ');
		if (hex)
			buf_hex(out, u, n);
		else
			buf_add(out, u, n);
	}
}

/* The postings text of an item: every gram of title and body. */
static void item_grams(const struct norm *title, const struct norm *body,
		       bool hex, struct buf *out)
{
	struct grams g = { 0 };

	grams_of(title, true, true, &g);
	grams_of(body, true, true, &g);
	grams_put(&g, hex, out);
	free(g.v);
}

/* ---- keeping the index ---- */

static bool is_pg(struct db *db)
{
	return db_kind(db) == DB_PG;
}

/* Run fn in the caller's transaction, or in one of its own.  On SQLite
 * db_commit() may return a positive count: FTS5 writes its pending
 * postings into its own tables at COMMIT, and the backend reports the
 * rows that changed. */
static int in_tx(struct db *db, int (*fn)(struct db *, void *), void *arg)
{
	bool own = !db_in_tx(db);
	int rc;

	if (own && (rc = db_begin(db)))
		return rc;
	rc = fn(db, arg);
	if (own) {
		if (rc)
			db_rollback(db);
		else
			rc = db_commit(db);
	}
	return rc < 0 ? rc : 0;
}

/* SQLite: the postings of item `id` must be deleted with exactly the
 * tokens they were made of, recomputed from the text search_fts kept
 * (normalising normalised text changes nothing). */
static int sq_remove(struct db *db, int64_t id)
{
	struct db_rows *r;
	struct norm t, b;
	struct buf g = BUF_INIT;
	int rc;

	r = db_query(db, "SELECT title, body FROM search_fts"
		     " WHERE rowid = ?", "i", id);
	if (!r)
		return db_errcode(db);
	rc = db_next(r);
	if (rc == 1) {
		normalize(db_text(r, 0), false, &t);
		normalize(db_text(r, 1), false, &b);
		item_grams(&t, &b, true, &g);
		norm_release(&t);
		norm_release(&b);
	}
	db_rows_free(r);
	if (rc <= 0)
		return rc;
	rc = buf_err(&g) ? DB_ERR :
		db_exec(db, "INSERT INTO search_bigrams (search_bigrams,"
			" rowid, grams) VALUES ('delete', ?, ?)", "is", id,
			buf_cstr(&g));
	buf_release(&g);
	if (rc >= 0)
		rc = db_exec(db, "DELETE FROM search_fts WHERE rowid = ?",
			     "i", id);
	return rc < 0 ? rc : 0;
}

static int remove_locked(struct db *db, int64_t id)
{
	int rc = 0;

	if (!is_pg(db))
		rc = sq_remove(db, id);
	if (rc >= 0)
		rc = db_exec(db, "DELETE FROM search_docs"
			     " WHERE publication_id = ?", "i", id);
	return rc < 0 ? rc : 0;
}

struct item {
	int64_t id, catalogue_id, published_at;
	char *title, *body;
};

static int add_locked(struct db *db, const struct item *it)
{
	struct norm t, b;
	struct buf nt = BUF_INIT, nb = BUF_INIT, g = BUF_INIT;
	bool pg = is_pg(db);
	int rc;

	normalize(it->title, false, &t);
	normalize(it->body, false, &b);
	put_cps(&nt, t.cp, t.n);
	put_cps(&nb, b.cp, b.n);
	item_grams(&t, &b, !pg, &g);
	norm_release(&t);
	norm_release(&b);
	if (buf_err(&nt) || buf_err(&nb) || buf_err(&g))
		rc = DB_ERR;
	else if (pg)
		rc = db_exec(db, "INSERT INTO search_docs (publication_id,"
			     " catalogue_id, published_at, title, body,"
			     " grams) VALUES (?, ?, ?, ?, ?,"
			     " string_to_array(?, ' '))", "izisss", it->id,
			     it->catalogue_id, it->published_at,
			     buf_cstr(&nt), buf_cstr(&nb), buf_cstr(&g));
	else if ((rc = db_exec(db, "INSERT INTO search_docs (rowid,"
			       " publication_id, catalogue_id, published_at,"
			       " title) VALUES (?, ?, ?, ?, ?)", "iizis",
			       it->id, it->id, it->catalogue_id,
			       it->published_at, buf_cstr(&nt))) >= 0 &&
		 (rc = db_exec(db, "INSERT INTO search_fts (rowid, title,"
			       " body) VALUES (?, ?, ?)", "iss", it->id,
			       buf_cstr(&nt), buf_cstr(&nb))) >= 0)
		rc = db_exec(db, "INSERT INTO search_bigrams (rowid, grams)"
			     " VALUES (?, ?)", "is", it->id, buf_cstr(&g));
	buf_release(&nt);
	buf_release(&nb);
	buf_release(&g);
	return rc < 0 ? rc : 0;
}

/* Item `id` from publications: 0 with *it filled when it is public, 1
 * when it is not (or does not exist), or a DB_E* code. */
static int load_item(struct db *db, int64_t id, struct item *it)
{
	struct db_rows *r;
	int rc;

	memset(it, 0, sizeof(*it));
	r = db_query(db, "SELECT title, body, COALESCE(catalogue_id, 0),"
		     " published_at FROM publications WHERE id = ?"
		     " AND published_at > 0 AND withdrawn_at = 0", "i", id);
	if (!r)
		return db_errcode(db);
	rc = db_next(r);
	if (rc == 1) {
		it->id = id;
		it->title = xstrdup(db_text(r, 0));
		it->body = xstrdup(db_text(r, 1));
		it->catalogue_id = db_int(r, 2);
		it->published_at = db_int(r, 3);
	}
	db_rows_free(r);
	return rc < 0 ? rc : rc == 1 ? 0 : 1;
}

static void item_release(struct item *it)
{
	free(it->title);
	free(it->body);
}

/* Index item `id` afresh; `fresh` when it is known not to be in. */
static int index_locked(struct db *db, int64_t id, bool fresh)
{
	struct item it;
	int rc;

	if (!fresh && (rc = remove_locked(db, id)))
		return rc;
	rc = load_item(db, id, &it);
	if (rc == 0)
		rc = add_locked(db, &it);
	item_release(&it);
	return rc < 0 ? rc : 0;
}

static int index_item_fn(struct db *db, void *id)
{
	return index_locked(db, *(int64_t *)id, false);
}

static int remove_item_fn(struct db *db, void *id)
{
	return remove_locked(db, *(int64_t *)id);
}

int search_index_item(struct db *db, int64_t id)
{
	return in_tx(db, index_item_fn, &id);
}

int search_remove_item(struct db *db, int64_t id)
{
	return in_tx(db, remove_item_fn, &id);
}

static int clear_locked(struct db *db)
{
	int rc;

	rc = db_exec(db, "DELETE FROM search_docs", "");
	if (rc >= 0 && !is_pg(db))
		rc = db_exec(db, "DELETE FROM search_fts", "");
	if (rc >= 0 && !is_pg(db))
		rc = db_exec(db, "INSERT INTO search_bigrams (search_bigrams)"
			     " VALUES ('delete-all')", "");
	return rc < 0 ? rc : 0;
}

/* The ids of all public items (read first: one result set at a time). */
static int public_ids(struct db *db, int64_t **ids, size_t *n)
{
	struct db_rows *r;
	size_t cap = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	r = db_query(db, "SELECT id FROM publications WHERE published_at > 0"
		     " AND withdrawn_at = 0 ORDER BY id", "");
	if (!r)
		return db_errcode(db);
	while ((rc = db_next(r)) == 1) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 256;
			*ids = xrealloc(*ids, cap * sizeof(**ids));
		}
		(*ids)[(*n)++] = db_int(r, 0);
	}
	db_rows_free(r);
	return rc;
}

static int reindex_fn(struct db *db, void *count_out)
{
	int64_t *ids, *count = count_out;
	size_t i, n;
	int rc;

	rc = clear_locked(db);
	if (!rc)
		rc = public_ids(db, &ids, &n);
	if (rc)
		return rc;
	for (i = 0; i < n && !rc; i++)
		rc = index_locked(db, ids[i], true);
	free(ids);
	if (!rc && count)
		*count = (int64_t)n;
	return rc;
}

int search_reindex(struct db *db, int64_t *count)
{
	return in_tx(db, reindex_fn, count);
}

/* ---- years ---- */

static int year_of(int64_t t)
{
	char s[17];
	int64_t y = 0;

	clock_local_minute(t, s);
	s[4] = '\0';
	return parse_int64(s, 1, 9999, &y) ? 0 : (int)y;
}

/* [from, to): the year `y` in China Standard Time. */
static int year_range(int y, int64_t *from, int64_t *to)
{
	char s[24];

	snprintf(s, sizeof(s), "%04d-01-01", y);
	if (clock_parse_local(s, from))
		return -1;
	snprintf(s, sizeof(s), "%04d-01-01", y + 1);
	return clock_parse_local(s, to) ? -1 : 0;
}

int search_years(struct db *db, int *first, int *last)
{
	struct db_rows *r;
	int rc;

	*first = *last = 0;
	r = db_query(db, "SELECT MIN(published_at), MAX(published_at)"
		     " FROM search_docs", "");
	if (!r)
		return db_errcode(db);
	rc = db_next(r);
	if (rc == 1 && !db_isnull(r, 0)) {
		*first = year_of(db_int(r, 0));
		*last = year_of(db_int(r, 1));
	}
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

/* ---- querying ---- */

/* The filters every plan ends with, two parameters each: the section
 * and those below it, the publication time.  A filter not asked for is
 * a comparison of its two parameters (0 = 0, 0 < max) instead: the same
 * parameters either way, and a condition on no column, which no plan
 * answers through an index.  (With "d.published_at >= 0" a generic
 * PostgreSQL plan would AND the time index's every row into each
 * search: 5 ms over 100 000 items, even for a term no item holds.) */
#define CAT_FILTER \
	" AND ? > 0 AND d.catalogue_id IN (WITH RECURSIVE sub(id) AS" \
	" (SELECT CAST(? AS BIGINT) UNION SELECT c.id FROM catalogue c" \
	" JOIN sub ON c.parent_id = sub.id) SELECT id FROM sub)"
#define NO_CAT_FILTER " AND ? = ?"
#define TIME_FILTER " AND d.published_at >= ? AND d.published_at < ?"
#define NO_TIME_FILTER " AND ? < ?"
#define SQ_ORDER \
	" ORDER BY instr(d.title, ?) = 0, d.published_at DESC," \
	" d.publication_id DESC LIMIT ? OFFSET ?"
#define PG_ORDER \
	" ORDER BY strpos(d.title, ?) = 0, d.published_at DESC," \
	" d.publication_id DESC LIMIT ? OFFSET ?"

/* One way of finding the hits: the condition's SQL takes `nargs` text
 * parameters, then the filters'. */
struct plan {
	const char *where;       /* FROM ... WHERE <condition> */
	const char *order;
	const char *arg[3];
	int nargs;
	const char *count;       /* SQLite: the count without filters */
	bool window;             /* PostgreSQL: count in the page query */
};

#define SQ_GRAMS \
	" FROM search_bigrams g JOIN search_docs d ON d.rowid = g.rowid" \
	" WHERE search_bigrams MATCH ?"
/* The quoted query is a phrase of its trigrams at consecutive
 * positions, which over the case-sensitive trigrams of normalised text
 * is exactly "contains the query": the phrase match is the literal
 * confirmation.  Testing instr() on the body again would read every
 * candidate's text, the whole cost of a common query (200 ms over
 * 100 000 items), for nothing. */
#define SQ_TRIGRAMS \
	" FROM search_fts f JOIN search_docs d ON d.rowid = f.rowid" \
	" WHERE search_fts MATCH ?"
/* An FTS5 table holds the same items as search_docs (search.c keeps
 * them together), so without filters its count needs no join: half the
 * work of a query that matches most items. */
#define SQ_GRAMS_COUNT \
	"SELECT count(*) FROM search_bigrams WHERE search_bigrams MATCH ?"
#define SQ_TRIGRAMS_COUNT \
	"SELECT count(*) FROM search_fts WHERE search_fts MATCH ?"
#define PG_GRAMS \
	" FROM search_docs d WHERE d.grams @> ARRAY[?]"
#define PG_ALLGRAMS \
	" FROM search_docs d WHERE d.grams @> string_to_array(?, ' ')" \
	" AND (strpos(d.title, ?) > 0 OR strpos(d.body, ?) > 0)"

/* The texts the plans bind, owned here. */
struct qtext {
	struct buf plain;   /* the normalised query */
	struct buf token;   /* the condition's own form of it */
};

static void fts_phrase(struct buf *out, const char *s)
{
	buf_putc(out, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_putc(out, '"');
		buf_putc(out, *s);
	}
	buf_putc(out, '"');
}

/* The bigrams of the query, or its characters when every bigram has a
 * space in it: the items holding them all are the candidates. */
static void query_grams(const struct norm *q, struct buf *out)
{
	struct grams g = { 0 };

	grams_of(q, false, true, &g);
	if (!g.n)
		grams_of(q, true, false, &g);
	grams_put(&g, false, out);
	free(g.v);
}

static int make_plan(struct db *db, const struct norm *q, struct qtext *t,
		     struct plan *p)
{
	const char *s = buf_cstr(&t->plain);

	memset(p, 0, sizeof(*p));
	p->order = is_pg(db) ? PG_ORDER : SQ_ORDER;
	p->nargs = 1;
	p->window = is_pg(db);
	if (!is_pg(db) && q->n <= 2) {
		buf_putc(&t->token, '"');
		buf_hex(&t->token, s, strlen(s));
		buf_putc(&t->token, '"');
		p->where = SQ_GRAMS;
		p->count = SQ_GRAMS_COUNT;
	} else if (!is_pg(db)) {
		fts_phrase(&t->token, s);
		p->where = SQ_TRIGRAMS;
		p->count = SQ_TRIGRAMS_COUNT;
	} else if (q->n <= 2) {
		p->where = PG_GRAMS;
		p->arg[0] = s;
		return 0;
	} else {
		query_grams(q, &t->token);
		p->where = PG_ALLGRAMS;
		p->arg[1] = p->arg[2] = s;
		p->nargs = 3;
	}
	p->arg[0] = buf_cstr(&t->token);
	return buf_err(&t->token) ? DB_ERR : 0;
}

struct filter {
	int64_t cat, from, to;
};

static void filters(struct buf *sql, const struct filter *f)
{
	buf_puts(sql, f->cat ? CAT_FILTER : NO_CAT_FILTER);
	buf_puts(sql, f->from || f->to != INT64_MAX ? TIME_FILTER :
		 NO_TIME_FILTER);
}

static int count_hits(struct db *db, const struct plan *p,
		      const struct filter *f, int64_t *total)
{
	struct buf sql = BUF_INIT;
	int rc = DB_EMISUSE;

	if (p->count && !f->cat && !f->from && f->to == INT64_MAX) {
		rc = db_scalar_int(db, total, p->count, "s", p->arg[0]);
		return rc < 0 ? rc : 0;
	}
	buf_puts(&sql, "SELECT count(*)");
	buf_puts(&sql, p->where);
	filters(&sql, f);
	if (buf_err(&sql))
		rc = DB_ERR;
	else if (p->nargs == 1)
		rc = db_scalar_int(db, total, buf_cstr(&sql), "siiii",
				   p->arg[0], f->cat, f->cat, f->from, f->to);
	else if (p->nargs == 3)
		rc = db_scalar_int(db, total, buf_cstr(&sql), "sssiiii",
				   p->arg[0], p->arg[1], p->arg[2], f->cat,
				   f->cat, f->from, f->to);
	buf_release(&sql);
	return rc < 0 ? rc : 0;
}

/* The ids of the hits wanted, in order, into ids[] (at most `limit`);
 * with p->window also the count of all hits into *count (unknown, 0,
 * when the page is past the last).  PostgreSQL confirms each candidate
 * against the text, the whole cost of a common query, so there the
 * page and the count are one pass. */
static int page_ids(struct db *db, const struct plan *p,
		    const struct filter *f, const char *plain, int64_t limit,
		    int64_t offset, int64_t *ids, size_t *n, int64_t *count)
{
	struct buf sql = BUF_INIT;
	struct db_rows *r = NULL;
	int rc = 0;

	*n = 0;
	buf_puts(&sql, p->window ? "SELECT d.publication_id, count(*) OVER ()"
		 : "SELECT d.publication_id");
	buf_puts(&sql, p->where);
	filters(&sql, f);
	buf_puts(&sql, p->order);
	if (buf_err(&sql)) {
		buf_release(&sql);
		return DB_ERR;
	}
	if (p->nargs == 1)
		r = db_query(db, buf_cstr(&sql), "siiiisii", p->arg[0],
			     f->cat, f->cat, f->from, f->to, plain, limit,
			     offset);
	else
		r = db_query(db, buf_cstr(&sql), "sssiiiisii", p->arg[0],
			     p->arg[1], p->arg[2], f->cat, f->cat, f->from,
			     f->to, plain, limit, offset);
	buf_release(&sql);
	if (!r)
		return db_errcode(db);
	while ((rc = db_next(r)) == 1 && *n < (size_t)limit) {
		if (p->window)
			*count = db_int(r, 1);
		ids[(*n)++] = db_int(r, 0);
	}
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

/* The page of hits into ids[] and, when `count` is not NULL, their
 * number; 0 or a DB_E* code. */
static int hits(struct db *db, const struct plan *p, const struct filter *f,
		const char *plain, const struct search_q *q, int64_t *ids,
		size_t *n, int64_t *count)
{
	int64_t ignored = 0;
	int rc;

	*n = 0;
	if (p->window) {
		rc = page_ids(db, p, f, plain, q->limit, q->offset, ids, n,
			      count ? count : &ignored);
		if (!rc && count && !*n && q->offset > 0)
			rc = count_hits(db, p, f, count);
		return rc;
	}
	if (count && (rc = count_hits(db, p, f, count)))
		return rc;
	if (count && q->offset >= *count)
		return 0;
	return page_ids(db, p, f, plain, q->limit, q->offset, ids, n, NULL);
}

/* ---- highlighting ---- */

struct spans {
	struct search_span *v;
	size_t n, cap;
};

static void span_add(struct spans *s, size_t off, size_t len)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 8;
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	s->v[s->n++] = (struct search_span){ off, len };
}

/* The first occurrence of q in t at or after `from`, or t->n. */
static size_t find(const struct norm *t, const struct norm *q, size_t from)
{
	size_t i;

	if (!q->n || q->n > t->n)
		return t->n;
	for (i = from; i + q->n <= t->n; i++)
		if (t->cp[i] == q->cp[0] &&
		    !memcmp(t->cp + i, q->cp, q->n * sizeof(*q->cp)))
			return i;
	return t->n;
}

/* Spans of every occurrence of q in t within characters [from, to),
 * as bytes from the original byte `base`. */
static void mark(const struct norm *t, const struct norm *q, size_t from,
		 size_t to, size_t base, struct spans *out)
{
	size_t i = find(t, q, from);

	while (i < t->n && i + q->n <= to) {
		span_add(out, t->ostart[i] - base,
			 t->oend[i + q->n - 1] - t->ostart[i]);
		i = find(t, q, i + q->n);
	}
}

struct shown {
	struct search_hit hit;
	char *index_no, *title, *body, *catalogue, *snippet;
	struct spans ts, bs;
};

static void shown_release(struct shown *s)
{
	free(s->index_no);
	free(s->title);
	free(s->body);
	free(s->catalogue);
	free(s->snippet);
	free(s->ts.v);
	free(s->bs.v);
}

/* The snippet: SEARCH_SNIPPET_CHARS characters from SNIPPET_LEAD
 * before the first occurrence (or the start), and its spans. */
static void snippet(struct shown *s, const struct norm *q)
{
	struct norm b;
	size_t first, from, to, lo, hi;

	normalize(s->body, true, &b);
	first = find(&b, q, 0);
	from = first < b.n && first > SNIPPET_LEAD ? first - SNIPPET_LEAD : 0;
	to = from + SEARCH_SNIPPET_CHARS < b.n ?
		from + SEARCH_SNIPPET_CHARS : b.n;
	if (to - from < SEARCH_SNIPPET_CHARS && from > 0)
		from = to > SEARCH_SNIPPET_CHARS ? to - SEARCH_SNIPPET_CHARS :
			0;
	lo = from < to ? b.ostart[from] : 0;
	hi = from < to ? b.oend[to - 1] : 0;
	s->snippet = xstrndup(s->body + lo, hi - lo);
	mark(&b, q, from, to, lo, &s->bs);
	s->hit.cut_before = from > 0;
	s->hit.cut_after = to < b.n;
	norm_release(&b);
}

/* Read hit `id` and hand it to fn; a hit gone meanwhile is skipped. */
static int show(struct db *db, int64_t id, const struct norm *q,
		search_hit_fn fn, void *arg)
{
	struct shown s;
	struct norm t;
	struct db_rows *r;
	int rc;

	memset(&s, 0, sizeof(s));
	r = db_query(db, "SELECT p.index_no, p.title, p.body, p.published_at,"
		     " COALESCE(p.catalogue_id, 0), COALESCE(c.name, '')"
		     " FROM publications p LEFT JOIN catalogue c"
		     " ON c.id = p.catalogue_id WHERE p.id = ?"
		     " AND p.published_at > 0 AND p.withdrawn_at = 0",
		     "i", id);
	if (!r)
		return db_errcode(db);
	rc = db_next(r);
	if (rc == 1) {
		s.index_no = xstrdup(db_text(r, 0));
		s.title = xstrdup(db_text(r, 1));
		s.body = xstrdup(db_text(r, 2));
		s.hit.published_at = db_int(r, 3);
		s.hit.catalogue_id = db_int(r, 4);
		s.catalogue = xstrdup(db_text(r, 5));
	}
	db_rows_free(r);
	if (rc != 1)
		return rc;
	normalize(s.title, true, &t);
	mark(&t, q, 0, t.n, 0, &s.ts);
	norm_release(&t);
	snippet(&s, q);
	s.hit.id = id;
	s.hit.index_no = s.index_no;
	s.hit.title = s.title;
	s.hit.title_spans = s.ts.v;
	s.hit.ntitle_spans = s.ts.n;
	s.hit.snippet = s.snippet;
	s.hit.snippet_spans = s.bs.v;
	s.hit.nsnippet_spans = s.bs.n;
	s.hit.catalogue = s.catalogue;
	rc = fn(&s.hit, arg);
	shown_release(&s);
	return rc;
}

static int filter_of(const struct search_q *q, struct filter *f)
{
	f->cat = q->catalogue_id > 0 ? q->catalogue_id : 0;
	f->from = 0;
	f->to = INT64_MAX;
	if (q->year && (q->year < 1 || q->year > 9998 ||
			year_range(q->year, &f->from, &f->to)))
		return DB_EMISUSE;
	return 0;
}

int search_query(struct db *db, const struct search_q *q, search_hit_fn fn,
		 void *arg, int64_t *total)
{
	struct qtext t = { BUF_INIT, BUF_INIT };
	struct filter f;
	struct norm qn;
	struct plan p;
	int64_t ids[SEARCH_LIMIT_MAX], count = 0;
	size_t i, n = 0;
	int rc;

	if (total)
		*total = 0;
	if (!q->text || q->limit < 1 || q->limit > SEARCH_LIMIT_MAX ||
	    q->offset < 0 || filter_of(q, &f))
		return DB_EMISUSE;
	normalize(q->text, false, &qn);
	if (qn.n == 0 || qn.n > SEARCH_QUERY_MAX) {
		norm_release(&qn);
		return DB_EMISUSE;
	}
	put_cps(&t.plain, qn.cp, qn.n);
	rc = buf_err(&t.plain) ? DB_ERR : make_plan(db, &qn, &t, &p);
	if (!rc)
		rc = hits(db, &p, &f, buf_cstr(&t.plain), q, ids, &n,
			  total ? &count : NULL);
	for (i = 0; !rc && i < n; i++)
		rc = show(db, ids[i], &qn, fn, arg);
	if (!rc && total)
		*total = count;
	norm_release(&qn);
	buf_release(&t.plain);
	buf_release(&t.token);
	return rc;
}
