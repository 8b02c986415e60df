/* query.h: filtering and paging through the audit trail
 *
 * What the audit administrator's page, its JSON twin and the export share:
 * a filter parsed strictly from a query string, and a query that runs it
 * over audit_log newest first with every value bound as a parameter.
 *
 * Times in a filter are China Standard Time as people type them
 * ("2026-11-27" or "2026-11-27T08:30"); `from` is inclusive and `to`
 * covers the whole day or minute it names, so from=to=2026-11-27 is that
 * one day.
 */
#ifndef FZ_AUDIT_QUERY_H
#define FZ_AUDIT_QUERY_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/util.h"

struct db;
struct kvlist;

#define AUDIT_PAGE_SIZE 50        /* default rows per page */
#define AUDIT_PAGE_SIZE_MAX 200
#define AUDIT_PAGE_MAX 1000000
#define AUDIT_FILTER_TEXT_MAX 200 /* bytes per text filter */

/*
 * A parsed filter.  The strings are borrowed from the query string list
 * it was parsed from and are NULL when that filter is not in use.
 *  - actor: a substring of the login (case-insensitive for ASCII), or
 *    the whole login when actor_exact is set;
 *  - action, object: the exact value, or a prefix when the value ends
 *    with '*' or with the separator of its kind ('.' for actions such as
 *    "user.", ':' for objects such as "user:");
 *  - outcome: "success", "failure" or "denied";
 *  - from/to: as typed (for showing the form again) and as a half-open
 *    range [from_ts, to_ts) of unix seconds;
 *  - upto: only entries with seq <= upto (0: no bound), so that paging
 *    stays put while new entries arrive.
 */
struct audit_filter {
	const char *actor;
	bool actor_exact;
	const char *action;
	const char *object;
	const char *outcome;
	const char *from;
	const char *to;
	int64_t from_ts;          /* valid when from != NULL */
	int64_t to_ts;            /* valid when to != NULL; exclusive */
	int64_t upto;
	int64_t page;             /* 1-based */
	int64_t size;             /* rows per page */
};

/* One stored entry as the query hands it over; valid during the call. */
struct audit_row {
	int64_t seq;
	int64_t ts;
	int64_t actor_id;         /* 0 for the system or an operator */
	const char *actor;
	const char *actor_role;
	const char *source_ip;
	const char *request_id;
	const char *action;
	const char *object;
	const char *outcome;
	const char *details;      /* JSON text */
};

/* Called once per row; a negative return stops the query, which then
 * returns that value. */
typedef int (*audit_row_fn)(const struct audit_row *row, void *arg);

/*
 * Parse the filter parameters actor, actor_exact, action, object, outcome,
 * from, to, upto, page and size from `q` into `f` (empty values count as
 * absent).  Returns 0, or a negative value with `err` filled (status 400,
 * code "bad_filter", a message in Chinese naming the problem) for a bad
 * date, a range that ends before it starts, a page or size out of range,
 * an unknown outcome, a repeated parameter or an overlong value.
 */
int audit_filter_parse(const struct kvlist *q, struct audit_filter *f,
		       struct fz_err *err);

/* The filters in use as a new JSON object, for the audit entry that
 * records the query itself. */
json_t *audit_filter_json(const struct audit_filter *f);

/*
 * Run the filter over audit_log, newest first, skipping `offset` rows and
 * delivering at most `limit` (page and size in `f` are ignored here) to
 * `fn`.  Returns the number of rows delivered, a DB_E* code, or the
 * negative value `fn` stopped with.
 */
int64_t audit_query(struct db *db, const struct audit_filter *f,
		    int64_t limit, int64_t offset, audit_row_fn fn, void *arg);

/* Number of entries the filter matches; 0 or a DB_E* code. */
int audit_count(struct db *db, const struct audit_filter *f, int64_t *out);

/* The newest signed checkpoint: 0 and its sequence and time, 1 when there
 * is none yet, or a DB_E* code. */
int audit_last_checkpoint(struct db *db, int64_t *seq, int64_t *ts);

/* Append the Chinese names of the comma-separated role codes in `codes`
 * ("sysadmin,clerk" -> "系统管理员、经办人"); unknown codes are kept as
 * they are, through text_sanitize_log() (core/utf8.h). */
void audit_role_names(struct buf *out, const char *codes);

/* "成功", "失败" or "拒绝" for a stored outcome; other values as stored. */
const char *audit_outcome_name(const char *outcome);

#endif
