/* ratelimit.c: per-address token buckets, shared by all workers */
#include "http/ratelimit.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "core/clock.h"
#include "core/util.h"

#define SLOTS 4096  /* open addressing; old entries are simply overwritten */

struct bucket {
	uint64_t hash;
	double tokens;
	int64_t last_ms;
};

static struct {
	double rate, burst;
} limits[RL_KIND_COUNT] = {
	[RL_GENERAL] = { 0, 0 },
	/* Generous enough for an office behind one NAT address signing in
	 * at 8:30; account lockout is what stops guessing of one password. */
	[RL_LOGIN] = { 2, 30 },
	[RL_SUBMIT] = { 0.2, 5 },
	[RL_SEARCH] = { 10, 30 },
	[RL_EXPORT] = { 0.5, 5 },
};

static struct bucket table[SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

void ratelimit_configure(enum rl_kind kind, double rate, double burst)
{
	pthread_mutex_lock(&lock);
	limits[kind].rate = rate;
	limits[kind].burst = burst;
	pthread_mutex_unlock(&lock);
}

/* FNV-1a over kind and key; never 0 so 0 marks an empty slot. */
static uint64_t key_hash(enum rl_kind kind, const char *key)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)kind;

	for (; *key; key++)
		h = (h ^ (unsigned char)*key) * 1099511628211ULL;
	return h ? h : 1;
}

/* The bucket of `key`, refilled up to now; under `lock`, for a kind
 * that limits. */
static struct bucket *refill(enum rl_kind kind, const char *key)
{
	uint64_t h = key_hash(kind, key);
	struct bucket *b = &table[h % SLOTS];
	int64_t now = clock_now_ms();

	if (b->hash != h) {
		b->hash = h;
		b->tokens = limits[kind].burst;
		b->last_ms = now;
	}
	/* A clock that steps back (NTP, or a test clock) must not drain
	 * the bucket: elapsed time is never negative. */
	if (now > b->last_ms)
		b->tokens += (double)(now - b->last_ms) / 1000.0 *
			     limits[kind].rate;
	if (b->tokens > limits[kind].burst)
		b->tokens = limits[kind].burst;
	b->last_ms = now;
	return b;
}

bool ratelimit_take(enum rl_kind kind, const char *key)
{
	struct bucket *b;
	bool ok = true;

	pthread_mutex_lock(&lock);
	if (limits[kind].rate > 0) {
		b = refill(kind, key);
		ok = b->tokens >= 1.0;
		if (ok)
			b->tokens -= 1.0;
	}
	pthread_mutex_unlock(&lock);
	return ok;
}

int64_t ratelimit_wait_ms(enum rl_kind kind, const char *key)
{
	struct bucket *b;
	int64_t ms = 0;

	pthread_mutex_lock(&lock);
	if (limits[kind].rate > 0) {
		b = refill(kind, key);
		if (b->tokens < 1.0)
			ms = (int64_t)((1.0 - b->tokens) / limits[kind].rate *
				       1000.0) + 1;
	}
	pthread_mutex_unlock(&lock);
	return ms;
}

void ratelimit_reset(void)
{
	pthread_mutex_lock(&lock);
	memset(table, 0, sizeof(table));
	pthread_mutex_unlock(&lock);
}
