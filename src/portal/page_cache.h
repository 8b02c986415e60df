/* page_cache.h: rendered pages kept in memory, one cache per thread
 *
 * A public page that costs database reads and rendering on every view but
 * changes rarely is kept as the bytes sent, under a key that names
 * everything those bytes depend on.  One part of it may stay live: the
 * entry keeps the page without it and remembers where it goes (`cut`),
 * and the caller writes it at serve time (a visit counter, say).
 *
 * An entry is used only while both hold:
 *  - it is younger than the cache's TTL, so that what changed without
 *    this process knowing (another server process sharing the database)
 *    shows within that bound;
 *  - no change was announced since the reads it was made from began:
 *    page_cache_bump() advances a process-wide generation, and an entry
 *    made under an older generation is never used again, so a change
 *    announced after its commit shows at once in this process.
 *
 * A cache is not thread-safe: each thread keeps its own, so that the hot
 * path takes no lock.  Its memory is bounded by a number of entries and a
 * number of bytes; the least recently used entries make room.
 */
#ifndef FZ_PAGE_CACHE_H
#define FZ_PAGE_CACHE_H

#include <stddef.h>
#include <stdint.h>

struct page_cache;

struct page_entry {
	const char *body;         /* the page without its live part */
	size_t len;
	size_t cut;               /* where the live part goes, <= len */
	size_t skip;              /* put: bytes at `cut` left out (the live
				   * part as rendered); 0 in a kept entry */
	int64_t id, base;         /* the caller's, kept as given */
};

/* An empty cache of at most `max_entries` entries and about `max_bytes`
 * bytes (keys and bookkeeping included), whose entries live `ttl_ms`
 * milliseconds.  Never fails. */
struct page_cache *page_cache_new(size_t max_entries, size_t max_bytes,
				  int64_t ttl_ms);
void page_cache_free(struct page_cache *c);

/* The process-wide generation; read it before the reads a page is made
 * from.  Any thread. */
uint64_t page_cache_generation(void);
/* Announce a change, after its commit: every entry of every cache made
 * before now is stale.  Any thread. */
void page_cache_bump(void);

/* The fresh entry of the key (`n` bytes, any bytes) at `now_ms` (the
 * caller's clock, the same as for page_cache_put()), or NULL; a stale one
 * is dropped.  The entry stays valid until the next call on `c`. */
const struct page_entry *page_cache_get(struct page_cache *c, const char *key,
					size_t n, int64_t now_ms);
/* Keep a copy of `e` (without its `skip` bytes at `cut`) under the key,
 * replacing the entry there, for a page made from reads that began at
 * `now_ms` under generation `gen`.  0 when kept; -1 when not: the
 * generation has moved on, or the entry would take more than a quarter
 * of the cache's bytes. */
int page_cache_put(struct page_cache *c, const char *key, size_t n,
		   const struct page_entry *e, uint64_t gen, int64_t now_ms);
/* The number of entries and the bytes they take (for tests). */
size_t page_cache_count(const struct page_cache *c);
size_t page_cache_bytes(const struct page_cache *c);

#endif
