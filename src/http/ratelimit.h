/* ratelimit.h: per-address token buckets, shared by all workers
 *
 * Each bucket kind refills at `rate` tokens a second up to `burst`.  A kind
 * with rate 0 never limits.  State is in memory: a restart forgets it,
 * which is acceptable for throttling (the account lockout that matters is
 * stored in the database).
 */
#ifndef FZ_RATELIMIT_H
#define FZ_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

enum rl_kind {
	RL_GENERAL,   /* every request (off unless configured) */
	RL_LOGIN,     /* login attempts per address */
	RL_SUBMIT,    /* public submissions */
	RL_SEARCH,    /* search */
	RL_EXPORT,    /* exports */
	RL_KIND_COUNT
};

void ratelimit_configure(enum rl_kind kind, double rate, double burst);
/* Take one token for `key`; false when the bucket is empty. */
bool ratelimit_take(enum rl_kind kind, const char *key);
/* Milliseconds until `key` has a token again, without taking one; 0 when
 * it has one now (or the kind does not limit). */
int64_t ratelimit_wait_ms(enum rl_kind kind, const char *key);
/* Forget all state (tests). */
void ratelimit_reset(void);

#endif
