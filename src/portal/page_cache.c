/* page_cache.c: rendered pages kept in memory, one cache per thread
 *
 * A hash table of chained nodes for the look-up and a doubly linked list
 * in order of use (most recent first) for eviction.  A node holds its key
 * and its page in one allocation.  The table has at least twice as many
 * buckets as the cache may hold entries, and never grows.
 */
#include "portal/page_cache.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

struct node {
	struct node *chain;       /* the bucket's next */
	struct node *newer, *older;
	uint64_t hash, gen;
	int64_t born_ms;
	size_t klen, size;        /* size: what the node counts for */
	struct page_entry e;      /* e.body points into data */
	char data[];              /* the key, then the page */
};

struct page_cache {
	struct node **tab;
	size_t mask;              /* buckets - 1, a power of two less one */
	struct node *newest, *oldest;
	size_t n, bytes;
	size_t max_entries, max_bytes;
	int64_t ttl_ms;
};

static atomic_uint_fast64_t generation = 1;

uint64_t page_cache_generation(void)
{
	return (uint64_t)atomic_load(&generation);
}

void page_cache_bump(void)
{
	atomic_fetch_add(&generation, 1);
}

struct page_cache *page_cache_new(size_t max_entries, size_t max_bytes,
				  int64_t ttl_ms)
{
	struct page_cache *c = xcalloc(1, sizeof(*c));
	size_t buckets = 16;

	while (buckets < 2 * max_entries)
		buckets *= 2;
	c->tab = xcalloc(buckets, sizeof(*c->tab));
	c->mask = buckets - 1;
	c->max_entries = max_entries ? max_entries : 1;
	c->max_bytes = max_bytes;
	c->ttl_ms = ttl_ms;
	return c;
}

void page_cache_free(struct page_cache *c)
{
	struct node *p, *next;

	if (!c)
		return;
	for (p = c->newest; p; p = next) {
		next = p->older;
		free(p);
	}
	free(c->tab);
	free(c);
}

/* FNV-1a, 64 bits. */
static uint64_t hash_key(const char *key, size_t n)
{
	uint64_t h = UINT64_C(14695981039346656037);
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)key[i];
		h *= UINT64_C(1099511628211);
	}
	return h;
}

static struct node **bucket(struct page_cache *c, uint64_t h)
{
	return &c->tab[h & c->mask];
}

static struct node *find(struct page_cache *c, const char *key, size_t n,
			 uint64_t h)
{
	struct node *p;

	for (p = *bucket(c, h); p; p = p->chain)
		if (p->hash == h && p->klen == n &&
		    memcmp(p->data, key, n) == 0)
			return p;
	return NULL;
}

static void list_unlink(struct page_cache *c, struct node *p)
{
	if (p->newer)
		p->newer->older = p->older;
	else
		c->newest = p->older;
	if (p->older)
		p->older->newer = p->newer;
	else
		c->oldest = p->newer;
	p->newer = p->older = NULL;
}

static void list_push(struct page_cache *c, struct node *p)
{
	p->newer = NULL;
	p->older = c->newest;
	if (c->newest)
		c->newest->newer = p;
	c->newest = p;
	if (!c->oldest)
		c->oldest = p;
}

static void drop(struct page_cache *c, struct node *p)
{
	struct node **pp = bucket(c, p->hash);

	while (*pp != p)
		pp = &(*pp)->chain;
	*pp = p->chain;
	list_unlink(c, p);
	c->n--;
	c->bytes -= p->size;
	free(p);
}

static bool fresh(const struct page_cache *c, const struct node *p,
		  int64_t now_ms)
{
	return p->gen == page_cache_generation() && now_ms >= p->born_ms &&
	       now_ms - p->born_ms < c->ttl_ms;
}

const struct page_entry *page_cache_get(struct page_cache *c, const char *key,
					size_t n, int64_t now_ms)
{
	uint64_t h = hash_key(key, n);
	struct node *p = find(c, key, n, h);

	if (!p)
		return NULL;
	if (!fresh(c, p, now_ms)) {
		drop(c, p);
		return NULL;
	}
	if (c->newest != p) {
		list_unlink(c, p);
		list_push(c, p);
	}
	return &p->e;
}

int page_cache_put(struct page_cache *c, const char *key, size_t n,
		   const struct page_entry *e, uint64_t gen, int64_t now_ms)
{
	uint64_t h = hash_key(key, n);
	size_t room = e->cut <= e->len ? e->len - e->cut : 0;
	size_t skip = e->skip <= room ? e->skip : room;
	size_t len = e->len - skip;
	size_t size = sizeof(struct node) + n + len;
	struct node *p = find(c, key, n, h);
	struct node **b;

	if (p)
		drop(c, p);
	if (e->cut > e->len || gen != page_cache_generation() ||
	    size > c->max_bytes / 4)
		return -1;
	while (c->oldest && (c->n >= c->max_entries ||
			     c->bytes + size > c->max_bytes))
		drop(c, c->oldest);
	p = xmalloc(size);
	p->hash = h;
	p->gen = gen;
	p->born_ms = now_ms;
	p->klen = n;
	p->size = size;
	memcpy(p->data, key, n);
	memcpy(p->data + n, e->body, e->cut);
	memcpy(p->data + n + e->cut, e->body + e->cut + skip,
	       e->len - e->cut - skip);
	p->e = *e;
	p->e.body = p->data + n;
	p->e.len = len;
	p->e.skip = 0;
	b = bucket(c, h);
	p->chain = *b;
	*b = p;
	list_push(c, p);
	c->n++;
	c->bytes += size;
	return 0;
}

size_t page_cache_count(const struct page_cache *c)
{
	return c->n;
}

size_t page_cache_bytes(const struct page_cache *c)
{
	return c->bytes;
}
