/* audit.c: appending to and verifying the hash-chained audit trail */
#include "audit/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/util.h"
#include "crypto/crypto.h"
#include "store/store.h"

#define GENESIS_HASH \
	"0000000000000000000000000000000000000000000000000000000000000000"

static struct {
	struct sm2_key *signer;
	char key_id[17];
	_Atomic int every;    /* changed by the security policy page */
	_Atomic int minutes;
} cfg = { NULL, "", 64, 5 };

void audit_configure(struct sm2_key *signer, const char *key_id, int every,
		     int minutes)
{
	cfg.signer = signer;
	snprintf(cfg.key_id, sizeof(cfg.key_id), "%s", key_id ? key_id : "");
	cfg.every = every > 0 ? every : 64;
	cfg.minutes = minutes > 0 ? minutes : 5;
}

void audit_set_spacing(int every, int minutes)
{
	if (every > 0)
		cfg.every = every;
	if (minutes > 0)
		cfg.minutes = minutes;
}

static void netstring(struct buf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	buf_printf(b, "%zu:", n);
	buf_add(b, s ? s : "", n);
	buf_putc(b, ',');
}

static void netstring_int(struct buf *b, int64_t v)
{
	char tmp[24];

	snprintf(tmp, sizeof(tmp), "%lld", (long long)v);
	netstring(b, tmp);
}

/* The fields of one stored entry, as text, in canonical order. */
struct row {
	int64_t seq, ts, actor_id;
	const char *actor, *role, *ip, *rid, *action, *object, *outcome;
	const char *details, *prev, *hash;
};

static void entry_hash(const struct row *e, char out[65])
{
	struct buf b = BUF_INIT, hex = BUF_INIT;
	uint8_t h[SM3_LEN];

	netstring(&b, e->prev);
	netstring_int(&b, e->seq);
	netstring_int(&b, e->ts);
	netstring_int(&b, e->actor_id);
	netstring(&b, e->actor);
	netstring(&b, e->role);
	netstring(&b, e->ip);
	netstring(&b, e->rid);
	netstring(&b, e->action);
	netstring(&b, e->object);
	netstring(&b, e->outcome);
	netstring(&b, e->details);
	crypto_sm3(buf_cstr(&b), b.len, h);
	buf_hex(&hex, h, SM3_LEN);
	memcpy(out, buf_cstr(&hex), 65);
	buf_release(&b);
	buf_release(&hex);
}

static void checkpoint_message(struct buf *b, int64_t seq, const char *head,
			       int64_t ts)
{
	buf_printf(b, "fazhi-audit-checkpoint\n%lld\n%s\n%lld\n",
		   (long long)seq, head, (long long)ts);
}

/* Sign a checkpoint when N entries or T minutes have passed since the
 * last one.  Runs inside the appending transaction. */
static int maybe_checkpoint(struct db *db, int64_t seq, const char *head,
			    int64_t now)
{
	struct buf msg = BUF_INIT, sig = BUF_INIT;
	int64_t last_seq = 0, last_ts = 0;
	struct db_rows *rows;
	int rc;

	if (!cfg.signer)
		return 0;
	rows = db_query(db, "SELECT seq, ts FROM audit_checkpoints "
			"ORDER BY seq DESC LIMIT 1", "");
	if (!rows)
		return db_errcode(db);
	if (db_next(rows) == 1) {
		last_seq = db_int(rows, 0);
		last_ts = db_int(rows, 1);
	}
	db_rows_free(rows);
	/* Before the first checkpoint the T-minute rule counts from the
	 * first entry, so a young, quiet trail still gets signed. */
	if (last_seq == 0) {
		rc = db_scalar_int(db, &last_ts, "SELECT MIN(ts) FROM "
				   "audit_log", "");
		if (rc < 0)
			return rc;
	}
	if (seq - last_seq < cfg.every && now - last_ts < cfg.minutes * 60)
		return 0;
	checkpoint_message(&msg, seq, head, now);
	rc = sm2_sign(cfg.signer, msg.data, msg.len, &sig);
	if (rc == 0)
		rc = db_exec(db, "INSERT INTO audit_checkpoints (seq, ts, "
			     "head_hash, key_id, signature) VALUES "
			     "(?, ?, ?, ?, ?)", "iisss", seq, now, head,
			     cfg.key_id, buf_cstr(&sig));
	buf_release(&msg);
	buf_release(&sig);
	return rc < 0 ? rc : 0;
}

/* Test builds: FAZHI_FAULT=audit_append makes every append fail, and
 * FAZHI_FAULT=audit_append=ACTION only appends of that action, so a test
 * can log in and then watch one change fail closed. */
static bool append_fault(const char *action)
{
#ifdef FAZHI_TEST_HOOKS
	const char *f = getenv("FAZHI_FAULT"), *p;

	if (!f || !(p = strstr(f, "audit_append")))
		return false;
	p += strlen("audit_append");
	if (*p != '=')
		return true;
	return strncmp(p + 1, action, strcspn(p + 1, ",")) == 0 &&
	       strlen(action) == strcspn(p + 1, ",");
#else
	(void)action;
	return false;
#endif
}

int64_t audit_append(struct db *db, const struct audit_entry *e)
{
	struct row r = { 0 };
	struct db_rows *rows;
	char prev[65] = GENESIS_HASH, hash[65];
	char *details;
	int rc;

	if (!db_in_tx(db))
		return DB_EMISUSE;
	if (append_fault(e->action))
		return DB_ERR;
	rows = db_query(db, "SELECT seq, hash FROM audit_log "
			"ORDER BY seq DESC LIMIT 1", "");
	if (!rows)
		return db_errcode(db);
	if (db_next(rows) == 1) {
		r.seq = db_int(rows, 0);
		snprintf(prev, sizeof(prev), "%s", db_text(rows, 1));
	}
	db_rows_free(rows);
	details = e->details ? json_dumps(e->details, JSON_COMPACT |
					  JSON_SORT_KEYS) : xstrdup("{}");
	r.seq++;
	r.ts = clock_now();
	r.actor_id = e->actor_id;
	r.actor = e->actor ? e->actor : "system";
	r.role = e->actor_role ? e->actor_role : "";
	r.ip = e->source_ip ? e->source_ip : "-";
	r.rid = e->request_id ? e->request_id : "-";
	r.action = e->action;
	r.object = e->object ? e->object : "";
	r.outcome = e->outcome ? e->outcome : "success";
	r.details = details ? details : "{}";
	r.prev = prev;
	entry_hash(&r, hash);
	rc = db_exec(db, "INSERT INTO audit_log (seq, ts, actor_id, actor, "
		     "actor_role, source_ip, request_id, action, object, "
		     "outcome, details, prev_hash, hash) VALUES "
		     "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		     "iizssssssssss", r.seq, r.ts, r.actor_id, r.actor, r.role,
		     r.ip, r.rid, r.action, r.object, r.outcome, r.details,
		     prev, hash);
	free(details);
	if (rc < 0)
		return rc;
	rc = maybe_checkpoint(db, r.seq, hash, r.ts);
	return rc < 0 ? rc : r.seq;
}

int64_t audit_length(struct db *db)
{
	int64_t n = 0;
	int rc = db_scalar_int(db, &n, "SELECT COALESCE(MAX(seq), 0) "
			       "FROM audit_log", "");

	return rc < 0 ? rc : n;
}

static int verify_fail(struct audit_verify *v, int64_t seq, const char *msg)
{
	v->bad_seq = seq;
	snprintf(v->problem, sizeof(v->problem), "%s", msg);
	return 1;
}

/* Walk the chain in sequence order. */
static int verify_chain(struct db *db, struct audit_verify *v)
{
	struct db_rows *rows;
	char prev[65] = GENESIS_HASH, hash[65];
	int64_t expect = 1;
	int rc = 0, step;

	rows = db_query(db, "SELECT seq, ts, actor_id, actor, actor_role, "
			"source_ip, request_id, action, object, outcome, "
			"details, prev_hash, hash FROM audit_log ORDER BY seq",
			"");
	if (!rows)
		return db_errcode(db);
	while (rc == 0 && (step = db_next(rows)) == 1) {
		struct row r = {
			db_int(rows, 0), db_int(rows, 1), db_int(rows, 2),
			db_text(rows, 3), db_text(rows, 4), db_text(rows, 5),
			db_text(rows, 6), db_text(rows, 7), db_text(rows, 8),
			db_text(rows, 9), db_text(rows, 10), db_text(rows, 11),
			db_text(rows, 12),
		};

		if (r.seq != expect) {
			rc = verify_fail(v, expect, "entry missing "
					 "(deleted, or the sequence was "
					 "altered)");
			break;
		}
		if (!r.prev || strcmp(r.prev, prev) != 0) {
			rc = verify_fail(v, r.seq, "previous-hash link "
					 "broken (entries removed, inserted or "
					 "reordered)");
			break;
		}
		r.prev = prev;
		entry_hash(&r, hash);
		if (!r.hash || strcmp(r.hash, hash) != 0) {
			rc = verify_fail(v, r.seq, "content does not match "
					 "its hash (entry altered)");
			break;
		}
		memcpy(prev, hash, sizeof(prev));
		v->entries++;
		expect++;
	}
	if (rc == 0 && step < 0)
		rc = db_errcode(db);
	db_rows_free(rows);
	return rc;
}

/* Each checkpoint must carry a valid signature over the hash that the
 * entry at its sequence really has; one past the end means the tail was
 * cut off. */
static int verify_checkpoints(struct db *db, struct sm2_key *pub,
			      struct audit_verify *v)
{
	struct db_rows *rows;
	int rc = 0, step;

	rows = db_query(db, "SELECT c.seq, c.ts, c.head_hash, c.signature, "
			"l.hash FROM audit_checkpoints c LEFT JOIN audit_log l "
			"ON l.seq = c.seq ORDER BY c.seq", "");
	if (!rows)
		return db_errcode(db);
	while (rc == 0 && (step = db_next(rows)) == 1) {
		int64_t seq = db_int(rows, 0);
		const char *head = db_text(rows, 2);
		const char *actual = db_text(rows, 4);
		struct buf msg = BUF_INIT;

		checkpoint_message(&msg, seq, head, db_int(rows, 1));
		if (pub && sm2_verify(pub, msg.data, msg.len,
				      db_text(rows, 3)) != 0)
			rc = verify_fail(v, seq, "checkpoint signature does "
					 "not verify");
		else if (!actual)
			rc = verify_fail(v, seq, "entries up to a signed "
					 "checkpoint are missing (log "
					 "truncated)");
		else if (strcmp(actual, head) != 0)
			rc = verify_fail(v, seq, "entry differs from the "
					 "signed checkpoint");
		else
			v->checkpoints++;
		buf_release(&msg);
	}
	if (rc == 0 && step < 0)
		rc = db_errcode(db);
	db_rows_free(rows);
	return rc;
}

int audit_verify(struct db *db, struct sm2_key *pub, struct audit_verify *v)
{
	int rc;

	memset(v, 0, sizeof(*v));
	rc = verify_chain(db, v);
	if (rc)
		return rc;
	return verify_checkpoints(db, pub, v);
}
