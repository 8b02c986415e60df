/* tokens.c: personal API tokens — created, listed and revoked by their owner */
#include "auth/tokens.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit/audit.h"
#include "core/clock.h"
#include "core/utf8.h"
#include "crypto/crypto.h"
#include "store/store.h"

#define TOKEN_RANDOM_BYTES 32

void token_hash_hex(const char *token, char out[65])
{
	uint8_t h[SM3_LEN];
	struct buf hex = BUF_INIT;

	crypto_sm3(token, strlen(token), h);
	buf_hex(&hex, h, sizeof(h));
	memcpy(out, buf_cstr(&hex), 65);
	buf_release(&hex);
}

bool token_name_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0, i;
	bool blank = true;

	if (n == 0 || !utf8_valid(name, n) ||
	    utf8_chars(name, n) > TOKEN_NAME_MAX_CHARS)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		/* One line of text: the name shows in lists and logs. */
		if (c < 0x20 || c == 0x7f)
			return false;
		if (c != ' ')
			blank = false;
	}
	return !blank;
}

/* Roll back after a failure inside a transaction; passes `rc` through. */
static int abort_tx(struct db *db, int rc)
{
	db_rollback(db);
	return rc;
}

static int count_active(struct db *db, int64_t user_id, int64_t *n,
			struct fz_err *err)
{
	int rc = db_scalar_int(db, n, "SELECT COUNT(*) FROM api_tokens "
			       "WHERE user_id = ? AND revoked = 0", "i",
			       user_id);

	return rc < 0 ? db_failed(err, rc) : 0;
}

static int insert_token(struct db *db, int64_t user_id, const char *name,
			const char *hash, const char *prefix, int64_t *id,
			struct fz_err *err)
{
	struct db_rows *rows;
	int step;

	rows = db_query(db, "INSERT INTO api_tokens (user_id, name, "
			"token_hash, prefix, created_at) "
			"VALUES (?, ?, ?, ?, ?) RETURNING id", "isssi", user_id, name, hash, prefix,
			clock_now());
	if (!rows)
		return db_failed(err, db_errcode(db));
	step = db_next(rows);
	*id = step == 1 ? db_int(rows, 0) : 0;
	db_rows_free(rows);
	if (step != 1)
		return db_failed(err, step < 0 ? step : DB_ERR);
	return 0;
}

int token_create(struct db *db, const struct actor *who, int64_t user_id,
		 const char *name, struct buf *token_out, struct fz_err *err)
{
	char hex[TOKEN_RANDOM_BYTES * 2 + 1], token[TOKEN_RANDOM_BYTES * 2 + 5];
	char hash[65], prefix[TOKEN_PREFIX_LEN + 1], obj[48];
	int64_t active = 0, id = 0;
	int rc;

	if (!token_name_valid(name))
		return fz_fail(err, 400, "bad_name",
			       "令牌名称须为 1–%d 个字符，且不含控制字符",
			       TOKEN_NAME_MAX_CHARS);
	if (crypto_random_hex(hex, TOKEN_RANDOM_BYTES))
		return fz_fail(err, 500, "internal", "无法生成随机令牌");
	snprintf(token, sizeof(token), "fzt_%s", hex);
	crypto_cleanse(hex, sizeof(hex));
	token_hash_hex(token, hash);
	snprintf(prefix, sizeof(prefix), "%.*s", TOKEN_PREFIX_LEN, token);

	rc = db_begin(db);
	if (rc < 0) {
		crypto_cleanse(token, sizeof(token));
		return db_failed(err, rc);
	}
	/* Counted inside the write transaction, so two requests at once
	 * cannot both take the last free place. */
	rc = count_active(db, user_id, &active, err);
	if (!rc && active >= TOKEN_MAX_ACTIVE)
		rc = fz_fail(err, 409, "too_many_tokens",
			     "最多可同时持有 %d 个有效令牌，"
			     "请先撤销不再使用的令牌",
			     TOKEN_MAX_ACTIVE);
	if (!rc)
		rc = insert_token(db, user_id, name, hash, prefix, &id, err);
	if (!rc) {
		snprintf(obj, sizeof(obj), "api_token:%lld", (long long)id);
		int64_t seq = audit_as(db, who, "token.create", obj,
				       "success",
				       json_pack("{s:I,s:s,s:s}", "user_id",
						 (json_int_t)user_id, "name",
						 name, "prefix", prefix));

		if (seq < 0)
			rc = db_failed(err, (int)seq);
	}
	if (!rc && (rc = db_commit(db)) < 0)
		rc = db_failed(err, rc);
	if (rc < 0) {
		crypto_cleanse(token, sizeof(token));
		return abort_tx(db, rc);
	}
	buf_puts(token_out, token);
	crypto_cleanse(token, sizeof(token));
	return 0;
}

/* 0 when the token is the user's and unrevoked, 1 when it is the user's
 * and already revoked; 404 through `err` otherwise. */
static int token_state(struct db *db, int64_t user_id, int64_t token_id,
		       struct fz_err *err)
{
	struct db_rows *rows;
	int step, state = -1;

	rows = db_query(db, "SELECT revoked FROM api_tokens WHERE id = ? "
			"AND user_id = ?", "ii", token_id, user_id);
	if (!rows)
		return db_failed(err, db_errcode(db));
	step = db_next(rows);
	if (step == 1)
		state = db_int(rows, 0) ? 1 : 0;
	db_rows_free(rows);
	if (step < 0)
		return db_failed(err, step);
	if (state < 0)
		return fz_fail(err, 404, "not_found", "令牌不存在");
	return state;
}

int token_revoke(struct db *db, const struct actor *who, int64_t user_id,
		 int64_t token_id, struct fz_err *err)
{
	char obj[48];
	int64_t seq;
	int rc = db_begin(db);

	if (rc < 0)
		return db_failed(err, rc);
	rc = token_state(db, user_id, token_id, err);
	if (rc == 1)
		return abort_tx(db, 0);
	if (rc < 0)
		return abort_tx(db, rc);
	rc = db_exec(db, "UPDATE api_tokens SET revoked = 1 WHERE id = ? "
		     "AND user_id = ?", "ii", token_id, user_id);
	if (rc < 0)
		return abort_tx(db, db_failed(err, rc));
	snprintf(obj, sizeof(obj), "api_token:%lld", (long long)token_id);
	seq = audit_as(db, who, "token.revoke", obj, "success",
		       json_pack("{s:I}", "user_id", (json_int_t)user_id));
	if (seq < 0)
		return abort_tx(db, db_failed(err, (int)seq));
	rc = db_commit(db);
	if (rc < 0)
		return abort_tx(db, db_failed(err, rc));
	return 0;
}

int token_list(struct db *db, int64_t user_id, struct api_token **out,
	       size_t *n)
{
	struct api_token *list = NULL;
	struct db_rows *rows;
	size_t len = 0, cap = 0;
	int step;

	*out = NULL;
	*n = 0;
	rows = db_query(db, "SELECT id, name, prefix, created_at, "
			"last_used_at, revoked FROM api_tokens WHERE "
			"user_id = ? ORDER BY id DESC", "i", user_id);
	if (!rows)
		return db_errcode(db);
	while ((step = db_next(rows)) == 1) {
		struct api_token *t;

		if (len == cap) {
			cap = cap ? cap * 2 : 8;
			list = xrealloc(list, cap * sizeof(*list));
		}
		t = &list[len++];
		t->id = db_int(rows, 0);
		t->name = db_strdup(rows, 1);
		snprintf(t->prefix, sizeof(t->prefix), "%s",
			 db_str(rows, 2));
		t->created_at = db_int(rows, 3);
		t->last_used_at = db_int(rows, 4);
		t->revoked = db_int(rows, 5) != 0;
	}
	db_rows_free(rows);
	if (step < 0) {
		token_list_free(list, len);
		return step;
	}
	*out = list;
	*n = len;
	return 0;
}

void token_list_free(struct api_token *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(list[i].name);
	free(list);
}
