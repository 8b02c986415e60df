/* query.c: parsing audit filters and running them over audit_log */
#include "audit/query.h"

#include <string.h>

#include "auth/roles.h"
#include "core/clock.h"
#include "core/utf8.h"
#include "http/parse.h"
#include "store/store.h"

/*
 * The WHERE clause is put together from the fixed fragments below, one
 * per filter, each with exactly one `?`.  A filter that is not in use
 * contributes "? IS NULL" bound to NULL, which is always true: the
 * statement then always has the same parameters in the same order, so
 * one db_query() call binds them all, and no value ever becomes SQL text.
 * Every combination is a distinct SQL string, cached per connection by
 * the store like any other statement.
 */
enum { F_ACTOR, F_ACTION, F_OBJECT, F_OUTCOME, F_FROM, F_TO, F_UPTO,
       F_COUNT };

static const char unused_frag[] = "? IS NULL";

/* Text patterns bound for the text filters, built per query. */
struct bound {
	const char *text[4];	/* actor, action, object, outcome */
	struct buf pat[3];	/* LIKE patterns for the first three */
	int64_t num[3];		/* from, to, upto */
	char fmt[F_COUNT + 3];	/* format letters, + limit, offset */
};

/* Whether an action or object filter asks for a prefix, and how many
 * bytes of it are the prefix itself (a trailing '*' is dropped). */
static bool is_prefix(const char *v, char sep, size_t *n)
{
	size_t len = strlen(v);

	*n = len;
	if (len && v[len - 1] == '*') {
		*n = len - 1;
		return true;
	}
	return len && v[len - 1] == sep;
}

/* Append `n` bytes of `s` to a LIKE pattern with '!' as the escape, so
 * that '%' and '_' in the value match only themselves. */
static void like_escape(struct buf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '!' || s[i] == '%' || s[i] == '_')
			buf_putc(b, '!');
		buf_putc(b, s[i]);
	}
}

static void add_frag(struct buf *sql, int i, const char *frag)
{
	if (i)
		buf_puts(sql, " AND ");
	buf_puts(sql, frag);
}

/* A text filter: exact, or a prefix when the value ends with `sep`. */
static void text_filter(struct buf *sql, struct bound *b, int i,
			const char *col_eq, const char *col_like,
			const char *v, char sep)
{
	size_t n;

	if (!v) {
		add_frag(sql, i, unused_frag);
		b->text[i] = NULL;
	} else if (is_prefix(v, sep, &n)) {
		add_frag(sql, i, col_like);
		like_escape(&b->pat[i], v, n);
		buf_putc(&b->pat[i], '%');
		b->text[i] = buf_cstr(&b->pat[i]);
	} else {
		add_frag(sql, i, col_eq);
		b->text[i] = v;
	}
	b->fmt[i] = 's';
}

static void num_filter(struct buf *sql, struct bound *b, int i,
		       const char *frag, bool used, int64_t v)
{
	add_frag(sql, i, used ? frag : unused_frag);
	b->num[i - F_FROM] = used ? v : 0;
	b->fmt[i] = used ? 'i' : 'z';
}

/* Build "WHERE ..." for `f` into `sql` and the values into `b`. */
static void build_where(struct buf *sql, struct bound *b,
			const struct audit_filter *f)
{
	int i;

	memset(b, 0, sizeof(*b));
	for (i = 0; i < 3; i++)
		buf_init(&b->pat[i], AUDIT_FILTER_TEXT_MAX * 2 + 8);
	buf_puts(sql, " WHERE ");
	if (!f->actor) {
		add_frag(sql, F_ACTOR, unused_frag);
	} else if (f->actor_exact) {
		add_frag(sql, F_ACTOR, "actor = ?");
		b->text[F_ACTOR] = f->actor;
	} else {
		add_frag(sql, F_ACTOR,
			 "LOWER(actor) LIKE LOWER(?) ESCAPE '!'");
		buf_putc(&b->pat[F_ACTOR], '%');
		like_escape(&b->pat[F_ACTOR], f->actor, strlen(f->actor));
		buf_putc(&b->pat[F_ACTOR], '%');
		b->text[F_ACTOR] = buf_cstr(&b->pat[F_ACTOR]);
	}
	b->fmt[F_ACTOR] = 's';
	text_filter(sql, b, F_ACTION, "action = ?",
		    "LOWER(action) LIKE LOWER(?) ESCAPE '!'", f->action, '.');
	text_filter(sql, b, F_OBJECT, "object = ?",
		    "LOWER(object) LIKE LOWER(?) ESCAPE '!'", f->object, ':');
	add_frag(sql, F_OUTCOME, f->outcome ? "outcome = ?" : unused_frag);
	b->text[F_OUTCOME] = f->outcome;
	b->fmt[F_OUTCOME] = 's';
	num_filter(sql, b, F_FROM, "ts >= ?", f->from != NULL, f->from_ts);
	num_filter(sql, b, F_TO, "ts < ?", f->to != NULL, f->to_ts);
	num_filter(sql, b, F_UPTO, "seq <= ?", f->upto > 0, f->upto);
}

static void bound_release(struct bound *b)
{
	int i;

	for (i = 0; i < 3; i++)
		buf_release(&b->pat[i]);
}

int64_t audit_query(struct db *db, const struct audit_filter *f,
		    int64_t limit, int64_t offset, audit_row_fn fn, void *arg)
{
	struct buf sql = BUF_INIT;
	struct db_rows *rows;
	struct bound b;
	int64_t n = 0;
	int step, rc = 0;

	buf_puts(&sql, "SELECT seq, ts, actor_id, actor, actor_role, "
		 "source_ip, request_id, action, object, outcome, details "
		 "FROM audit_log");
	build_where(&sql, &b, f);
	buf_puts(&sql, " ORDER BY seq DESC LIMIT ? OFFSET ?");
	memcpy(b.fmt + F_COUNT, "ii", 3);
	rows = db_query(db, buf_cstr(&sql), b.fmt, b.text[0], b.text[1],
			b.text[2], b.text[3], b.num[0], b.num[1], b.num[2],
			limit, offset);
	bound_release(&b);
	buf_release(&sql);
	if (!rows)
		return db_errcode(db);
	while ((step = db_next(rows)) == 1) {
		struct audit_row row = {
			.seq = db_int(rows, 0),
			.ts = db_int(rows, 1),
			.actor_id = db_int(rows, 2),
			.actor = db_text(rows, 3),
			.actor_role = db_text(rows, 4),
			.source_ip = db_text(rows, 5),
			.request_id = db_text(rows, 6),
			.action = db_text(rows, 7),
			.object = db_text(rows, 8),
			.outcome = db_text(rows, 9),
			.details = db_text(rows, 10),
		};

		rc = fn(&row, arg);
		if (rc < 0)
			break;
		n++;
	}
	if (rc == 0 && step < 0)
		rc = db_errcode(db);
	db_rows_free(rows);
	return rc < 0 ? rc : n;
}

int audit_count(struct db *db, const struct audit_filter *f, int64_t *out)
{
	struct buf sql = BUF_INIT;
	struct bound b;
	int rc;

	buf_puts(&sql, "SELECT COUNT(*) FROM audit_log");
	build_where(&sql, &b, f);
	*out = 0;
	rc = db_scalar_int(db, out, buf_cstr(&sql), b.fmt, b.text[0],
			   b.text[1], b.text[2], b.text[3], b.num[0],
			   b.num[1], b.num[2]);
	bound_release(&b);
	buf_release(&sql);
	return rc < 0 ? rc : 0;
}

int audit_last_checkpoint(struct db *db, int64_t *seq, int64_t *ts)
{
	struct db_rows *rows;
	int rc;

	rows = db_query(db, "SELECT seq, ts FROM audit_checkpoints "
			"ORDER BY seq DESC LIMIT 1", "");
	if (!rows)
		return db_errcode(db);
	rc = db_next(rows);
	if (rc == 1) {
		*seq = db_int(rows, 0);
		*ts = db_int(rows, 1);
	}
	db_rows_free(rows);
	return rc == 1 ? 0 : rc == 0 ? 1 : db_errcode(db);
}

void audit_role_names(struct buf *out, const char *codes)
{
	const char *p = codes ? codes : "";

	while (*p) {
		size_t n = strcspn(p, ",");
		char code[64];
		int role = -1;

		if (n < sizeof(code)) {
			memcpy(code, p, n);
			code[n] = '\0';
			role = role_by_code(code);
		}
		if (p != codes)
			buf_puts(out, "、");
		if (role >= 0)
			buf_puts(out, role_name((enum role)role));
		else
			text_sanitize_log(out, p, n);
		p += n;
		if (*p == ',')
			p++;
	}
}

const char *audit_outcome_name(const char *outcome)
{
	if (str_eq(outcome, "success"))
		return "成功";
	if (str_eq(outcome, "failure"))
		return "失败";
	if (str_eq(outcome, "denied"))
		return "拒绝";
	return outcome ? outcome : "";
}

/* ---- parsing the filter ---- */

static int bad(struct fz_err *err, const char *msg)
{
	return fz_fail(err, 400, "bad_filter", "%s", msg);
}

/* The value of a parameter that may appear at most once; NULL when it is
 * absent or empty.  Returns < 0 when it is repeated or too long. */
static int one_param(const struct kvlist *q, const char *name,
		     const char **out, struct fz_err *err)
{
	const char *v;

	*out = NULL;
	if (kv_count(q, name) > 1)
		return fz_fail(err, 400, "bad_filter", "参数 %s 出现了多次",
			       name);
	v = kv_get(q, name);
	if (v && strlen(v) > AUDIT_FILTER_TEXT_MAX)
		return bad(err, "筛选条件过长（每项不超过 200 字节）");
	*out = v && *v ? v : NULL;
	return 0;
}

/*
 * The span a time value covers, from its shape: 86400 for "YYYY-MM-DD",
 * 60 for "YYYY-MM-DDTHH:MM" and 1 with seconds; 0 for any other shape.
 * The shape is checked here byte by byte because the calendar check in
 * clock_parse_local() reads numbers with sscanf, which would also take
 * signs and spaces inside the fields.
 */
static int64_t time_span(const char *s)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:dd";
	size_t n = strlen(s), i;

	if (n != 10 && n != 16 && n != 19)
		return 0;
	for (i = 0; i < n; i++) {
		char p = pat[i], c = s[i];

		if (p == 'd' && (c < '0' || c > '9'))
			return 0;
		if (p == 'T' && c != 'T' && c != ' ')
			return 0;
		if (p != 'd' && p != 'T' && c != p)
			return 0;
	}
	return n == 10 ? 86400 : n == 16 ? 60 : 1;
}

static int parse_time(const char *s, int64_t *start, int64_t *span)
{
	*span = time_span(s);
	if (!*span || clock_parse_local(s, start))
		return -1;
	return 0;
}

static int parse_range(const struct kvlist *q, struct audit_filter *f,
		       struct fz_err *err)
{
	int64_t t, span;

	if (one_param(q, "from", &f->from, err) ||
	    one_param(q, "to", &f->to, err))
		return -1;
	if (f->from) {
		if (parse_time(f->from, &t, &span))
			return bad(err, "开始时间无效：请按 2026-01-31 或 "
				   "2026-01-31T08:30 的格式填写（北京时间），"
				   "并确认日期存在");
		f->from_ts = t;
	}
	if (f->to) {
		if (parse_time(f->to, &t, &span))
			return bad(err, "结束时间无效：请按 2026-01-31 或 "
				   "2026-01-31T08:30 的格式填写（北京时间），"
				   "并确认日期存在");
		/* The end names a day or minute that is itself included. */
		f->to_ts = t + span;
	}
	if (f->from && f->to && f->from_ts >= f->to_ts)
		return bad(err, "开始时间不能晚于结束时间");
	return 0;
}

static int parse_number(const struct kvlist *q, const char *name,
			int64_t min, int64_t max, int64_t *out,
			const char *msg, struct fz_err *err)
{
	const char *v;

	if (one_param(q, name, &v, err))
		return -1;
	if (v && parse_int64(v, min, max, out))
		return bad(err, msg);
	return 0;
}

static int parse_flags(const struct kvlist *q, struct audit_filter *f,
		       struct fz_err *err)
{
	const char *v;

	if (one_param(q, "actor_exact", &v, err))
		return -1;
	if (v && !str_eq(v, "1") && !str_eq(v, "on") && !str_eq(v, "0"))
		return bad(err, "参数 actor_exact 无效：应为 1 或 0");
	f->actor_exact = v && !str_eq(v, "0");
	if (one_param(q, "outcome", &f->outcome, err))
		return -1;
	if (f->outcome && !str_eq(f->outcome, "success") &&
	    !str_eq(f->outcome, "failure") && !str_eq(f->outcome, "denied"))
		return bad(err, "结果筛选无效：应为成功、失败或拒绝");
	return 0;
}

int audit_filter_parse(const struct kvlist *q, struct audit_filter *f,
		       struct fz_err *err)
{
	memset(f, 0, sizeof(*f));
	f->page = 1;
	f->size = AUDIT_PAGE_SIZE;
	if (one_param(q, "actor", &f->actor, err) ||
	    one_param(q, "action", &f->action, err) ||
	    one_param(q, "object", &f->object, err) ||
	    parse_flags(q, f, err) || parse_range(q, f, err))
		return -1;
	if (parse_number(q, "page", 1, AUDIT_PAGE_MAX, &f->page,
			 "页码无效：应为 1 到 1000000 之间的整数", err) ||
	    parse_number(q, "size", 1, AUDIT_PAGE_SIZE_MAX, &f->size,
			 "每页条数无效：应为 1 到 200 之间的整数", err) ||
	    parse_number(q, "upto", 1, INT64_MAX, &f->upto,
			 "序号上限无效：应为正整数", err))
		return -1;
	return 0;
}

json_t *audit_filter_json(const struct audit_filter *f)
{
	json_t *o = json_object();

	if (f->actor)
		json_object_set_new(o, "actor", json_string(f->actor));
	if (f->actor && f->actor_exact)
		json_object_set_new(o, "actor_exact", json_true());
	if (f->action)
		json_object_set_new(o, "action", json_string(f->action));
	if (f->object)
		json_object_set_new(o, "object", json_string(f->object));
	if (f->outcome)
		json_object_set_new(o, "outcome", json_string(f->outcome));
	if (f->from)
		json_object_set_new(o, "from", json_string(f->from));
	if (f->to)
		json_object_set_new(o, "to", json_string(f->to));
	if (f->upto)
		json_object_set_new(o, "upto", json_integer(f->upto));
	return o;
}
