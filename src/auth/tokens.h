/* tokens.h: personal API tokens — created, listed and revoked by their owner
 *
 * A token is "fzt_" followed by 64 random hex digits.  It is shown to its
 * owner once, at creation; the database keeps only its SM3 hash (hex) and
 * its first TOKEN_PREFIX_LEN characters, so a list can tell tokens apart
 * without holding anything that could be used to authenticate.  The
 * bearer check itself lives in auth/session.c and uses the same hash.
 */
#ifndef FZ_TOKENS_H
#define FZ_TOKENS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/util.h"

struct db;
struct actor;

#define TOKEN_NAME_MAX_CHARS 64
#define TOKEN_MAX_ACTIVE 20
#define TOKEN_PREFIX_LEN 12

struct api_token {
	int64_t id;
	char *name;
	char prefix[TOKEN_PREFIX_LEN + 1];
	int64_t created_at;
	int64_t last_used_at;    /* 0 when never used */
	bool revoked;
};

/* SM3 of the whole token text ("fzt_..."), as 64 lowercase hex digits. */
void token_hash_hex(const char *token, char out[65]);

/* Create a token named `name` (1..64 characters) for `user_id`, who may
 * hold at most TOKEN_MAX_ACTIVE unrevoked tokens.  Runs in a transaction
 * of its own with its "token.create" audit entry.  On success the token
 * text is appended to `token_out`, the only copy there will ever be; on
 * failure nothing is stored, `token_out` is untouched and `err` says
 * why. */
int token_create(struct db *db, const struct actor *who, int64_t user_id,
		 const char *name, struct buf *token_out, struct fz_err *err);

/* Revoke token `token_id` of `user_id`, audited as "token.revoke".  A
 * token of another user is "not found" (404), so ids reveal nothing;
 * revoking a token that is already revoked changes nothing and succeeds. */
int token_revoke(struct db *db, const struct actor *who, int64_t user_id,
		 int64_t token_id, struct fz_err *err);

/* The tokens of `user_id`, newest first, revoked ones included.  Returns
 * 0 with *out (free with token_list_free) and *n set, or a DB_E* code. */
int token_list(struct db *db, int64_t user_id, struct api_token **out,
	       size_t *n);
void token_list_free(struct api_token *list, size_t n);

/* Whether `name` is acceptable as a token name. */
bool token_name_valid(const char *name);

#endif
