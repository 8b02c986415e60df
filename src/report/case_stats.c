/* case_stats.c: statistics of the petitions and hotline desk, from the
 * case engine's records
 *
 * One query per procedure reads the facts of every case of the cohort
 * (row, primary clock, decline and legal-review events, rating); judge()
 * decides which measures count each case.  The figures and the lists
 * behind them both come from judge(), so a figure and its list cannot
 * disagree.
 */
#include "report/case_stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/util.h"
#include "engine/workflow.h"
#include "store/store.h"

/* The desk's procedures, in the order their rows appear. */
static const struct desk_proc {
	const char *procedure;
	const char *decline;        /* the 不予受理 action */
	bool by_channel;            /* a row per channel, else one row */
	const char *label;          /* the one row's label */
} procs[] = {
	{ "petition", "decline", true, NULL },
	{ "hotline", "decline", false, "市长热线（12345）" },
};

static const struct {
	const char *name;
	const char *title;
} measures[CS_MEASURES] = {
	[CS_RECEIVED] = { "received", "收件" },
	[CS_ACCEPTED] = { "accepted", "受理" },
	[CS_DUE] = { "due", "应办结" },
	[CS_CLOSED] = { "closed", "办结" },
	[CS_ON_TIME] = { "on_time", "按期办结" },
	[CS_LATE] = { "late", "超期办结" },
	[CS_OVERDUE] = { "overdue", "超期未办结" },
	[CS_RATED] = { "rated", "参与评价" },
	[CS_SATISFIED] = { "satisfied", "满意及基本满意" },
	[CS_LEGAL] = { "legal_review", "法律顾问介入" },
};

static const struct {
	const char *name;
	const char *title;
	enum cs_measure num, den;
} rates[CS_RATES] = {
	[CS_COMPLETION] = { "completion", "办结率", CS_CLOSED, CS_DUE },
	[CS_ON_TIME_RATE] = { "on_time_rate", "按时办结率", CS_ON_TIME,
			      CS_DUE },
	[CS_SATISFACTION] = { "satisfaction", "满意率", CS_SATISFIED,
			      CS_RATED },
};

const char *cs_measure_title(enum cs_measure m)
{
	return (unsigned)m < CS_MEASURES ? measures[m].title : "";
}

const char *cs_measure_name(enum cs_measure m)
{
	return (unsigned)m < CS_MEASURES ? measures[m].name : "";
}

const char *cs_rate_title(enum cs_rate r)
{
	return (unsigned)r < CS_RATES ? rates[r].title : "";
}

const char *cs_rate_name(enum cs_rate r)
{
	return (unsigned)r < CS_RATES ? rates[r].name : "";
}

enum cs_measure cs_rate_num(enum cs_rate r)
{
	return rates[r].num;
}

enum cs_measure cs_rate_den(enum cs_rate r)
{
	return rates[r].den;
}

int cs_measure_by_name(const char *name)
{
	int m;

	for (m = 0; m < CS_MEASURES; m++)
		if (str_eq(name, measures[m].name))
			return m;
	return -1;
}

/* ---- arithmetic ---- */

int cs_permille(int64_t num, int64_t den)
{
	int64_t p;

	if (den <= 0)
		return -1;
	if (num < 0)
		num = 0;
	if (num > den)
		num = den;
	p = (num * 2000 + den) / (den * 2);
	/* 1999 of 2000 is not "100.0%", nor 1 of 5000 "0.0%". */
	if (p == 1000 && num < den)
		p = 999;
	if (p == 0 && num > 0)
		p = 1;
	return (int)p;
}

int cs_yoy(int64_t now, int64_t last, int64_t *pct)
{
	int64_t d = now - last, q;

	if (last <= 0)
		return 1;
	q = ((d < 0 ? -d : d) * 200 + last) / (last * 2);
	*pct = d < 0 ? -q : q;
	return 0;
}

void cs_format_rate(int permille, char out[16])
{
	if (permille < 0)
		snprintf(out, 16, "—");
	else
		snprintf(out, 16, "%d.%d%%", permille / 10, permille % 10);
}

void cs_format_yoy(int64_t now, int64_t last, char out[32])
{
	int64_t pct;

	if (cs_yoy(now, last, &pct))
		snprintf(out, 32, "—");
	else
		snprintf(out, 32, "%s%lld%%", pct > 0 ? "+" : "",
			 (long long)pct);
}

void cs_format_pp(int now, int last, char out[32])
{
	int d = now - last;
	int a = d < 0 ? -d : d;

	if (now < 0 || last < 0)
		snprintf(out, 32, "—");
	else
		snprintf(out, 32, "%s%d.%d" CS_PP_UNIT, d > 0 ? "+" : d < 0 ?
			 "-" : "", a / 10, a % 10);
}

int64_t cs_value(const struct cs_row *row, bool last, enum cs_measure m)
{
	return last ? row->last[m] : row->now[m];
}

int cs_rate(const struct cs_row *row, bool last, enum cs_rate r)
{
	return cs_permille(cs_value(row, last, rates[r].num),
			   cs_value(row, last, rates[r].den));
}

/* ---- the columns every view shows ---- */

const struct cs_column cs_columns[] = {
	{ false, CS_RECEIVED },
	{ false, CS_ACCEPTED },
	{ false, CS_DUE },
	{ false, CS_CLOSED },
	{ true, CS_COMPLETION },
	{ false, CS_ON_TIME },
	{ true, CS_ON_TIME_RATE },
	{ false, CS_OVERDUE },
	{ false, CS_RATED },
	{ false, CS_SATISFIED },
	{ true, CS_SATISFACTION },
	{ false, CS_LEGAL },
};
const size_t cs_ncolumns = ARRAY_SIZE(cs_columns);

const char *cs_column_title(const struct cs_column *c)
{
	return c->rate ? cs_rate_title(c->id) : cs_measure_title(c->id);
}

const char *cs_column_name(const struct cs_column *c)
{
	return c->rate ? cs_rate_name(c->id) : cs_measure_name(c->id);
}

int64_t cs_column_value(const struct cs_column *c, const struct cs_row *r,
			bool last)
{
	return c->rate ? cs_rate(r, last, c->id) : cs_value(r, last, c->id);
}

enum cs_measure cs_column_measure(const struct cs_column *c)
{
	return c->rate ? cs_rate_num(c->id) : (enum cs_measure)c->id;
}

void cs_column_change(const struct cs_column *c, const struct cs_row *r,
		      char out[32])
{
	if (c->rate)
		cs_format_pp(cs_rate(r, false, c->id), cs_rate(r, true, c->id),
			     out);
	else
		cs_format_yoy(r->now[c->id], r->last[c->id], out);
}

/* "签发" or "答复、回访": the labels of the actions that stop the
 * primary clock of a procedure. */
static void stop_labels(const struct workflow *w, struct buf *out)
{
	size_t i;

	for (i = 0; w->primary && i < w->primary->nstop; i++) {
		if (i)
			buf_puts(out, "、");
		buf_puts(out, w->primary->stop[i]->label);
	}
}

static void note(struct cs_note *v, size_t max, size_t *n, const char *term,
		 const char *text)
{
	if (*n < max) {
		v[*n].term = term;
		snprintf(v[*n].text, sizeof(v[*n].text), "%s", text);
	}
	(*n)++;
}

size_t case_stats_notes(struct cs_note *v, size_t max)
{
	const struct workflow *pw = workflow_find("petition", 0);
	const struct workflow *hw = workflow_find("hotline", 0);
	struct buf closed = BUF_INIT;
	size_t n = 0;

	buf_puts(&closed, "办理期限已因办结动作终止计时（");
	if (pw) {
		buf_puts(&closed, "信访事项：");
		stop_labels(pw, &closed);
	}
	if (pw && hw)
		buf_puts(&closed, "；");
	if (hw) {
		buf_puts(&closed, "热线工单：");
		stop_labels(hw, &closed);
	}
	buf_puts(&closed, "），不含因不予受理、合并等终结而取消计时的。");
	note(v, max, &n, "统计对象", "登记年度为所选年度的信访事项（按来源"
	     "渠道）和12345热线工单；状态以统计日为准。");
	note(v, max, &n, "受理", "办理期限已起算且未作“不予受理”的（信访"
	     "事项自受理之日起算，热线工单自登记之日起算）。");
	note(v, max, &n, "办结", buf_cstr(&closed));
	note(v, max, &n, "按期办结", "办结之日不晚于办理期限截止日（含经批准"
	     "延期后的截止日）。");
	note(v, max, &n, "超期未办结", "办理期限仍在计时、截止日早于统计日"
	     "的。");
	note(v, max, &n, "应办结", "办结 + 超期未办结。");
	note(v, max, &n, "办结率", "办结 ÷ 应办结。");
	note(v, max, &n, "按时办结率", "按期办结 ÷ 应办结。");
	note(v, max, &n, "满意率", "（满意 + 基本满意）÷ 参与评价；评价以"
	     "群众本人的网上评价为准，没有的以回访记录为准。");
	note(v, max, &n, "法律顾问介入", "法律顾问出具法律意见的次数（一件"
	     "可有多次），链接列出有介入的案件。");
	note(v, max, &n, "同比", "（本年 − 上年）÷ 上年，四舍五入为整数百分"
	     "比，上年为 0 时不计算；比率的同比为两年比率之差（百分点）。");
	note(v, max, &n, "取整", "比率保留一位小数、四舍五入，但未全部办结"
	     "时不显示为 100.0%，有办结时不显示为 0.0%。");
	note(v, max, &n, "说明", "《信访工作条例》和国办发〔2020〕53号均未"
	     "规定上述比率的计算公式，以上为本平台采用的口径。");
	buf_release(&closed);
	return n < max ? n : max;
}

int case_stats_years(struct db *db, int **years, size_t *n)
{
	struct db_rows *rows = db_query(db, "SELECT DISTINCT year FROM cases "
					"WHERE proc = ? OR proc = ? ORDER BY "
					"year DESC", "ss", procs[0].procedure,
					procs[1].procedure);
	size_t cap = 0;
	int rc;

	*years = NULL;
	*n = 0;
	if (!rows)
		return db_errcode(db);
	while ((rc = db_next(rows)) == 1) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*years = xrealloc(*years, cap * sizeof(**years));
		}
		(*years)[(*n)++] = (int)db_int(rows, 0);
	}
	db_rows_free(rows);
	return rc < 0 ? rc : 0;
}

const char *cs_timeliness(const struct cs_case *c)
{
	if (c->in[CS_ON_TIME])
		return "按期办结";
	if (c->in[CS_LATE])
		return "超期办结";
	if (c->in[CS_OVERDUE])
		return "超期未办结";
	if (c->in[CS_ACCEPTED] && !c->in[CS_CLOSED] && c->due > 0)
		return "办理中";
	return "未受理或已终结";
}

const char *cs_rating_label(const char *satisfaction)
{
	if (str_eq(satisfaction, "satisfied"))
		return "满意";
	if (str_eq(satisfaction, "basically_satisfied"))
		return "基本满意";
	if (str_eq(satisfaction, "unsatisfied"))
		return "不满意";
	return "";
}

void cs_filter_describe(const struct cs_filter *f, const struct cs_depts *d,
			struct buf *out)
{
	const struct desk_proc *p = NULL;
	const struct workflow *w;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(procs); i++)
		if (str_eq(procs[i].procedure, f->procedure))
			p = &procs[i];
	if (f->year)
		buf_printf(out, "%d年 · ", f->year);
	w = p ? workflow_find(p->procedure, 0) : NULL;
	if (p && f->channel[0])
		buf_puts(out, w && w->channel_field ?
			 wf_option_label(w->channel_field, f->channel) :
			 f->channel);
	else if (p)
		buf_puts(out, p->label ? p->label : w ? w->title :
			 p->procedure);
	else
		buf_puts(out, "全部渠道");
	if (f->dept_id)
		buf_printf(out, " · %s", cs_dept_name(d, f->dept_id));
	buf_printf(out, " · %s", cs_measure_title(f->measure));
}

/* ---- URLs ---- */

/* "?name=value", then "&name=value", the value percent-encoded. */
static void url_arg(struct buf *b, bool *first, const char *name,
		    const char *value)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)value;

	buf_putc(b, *first ? '?' : '&');
	*first = false;
	buf_puts(b, name);
	buf_putc(b, '=');
	for (; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-_.~", *p)) {
			buf_putc(b, *p);
		} else {
			buf_putc(b, '%');
			buf_putc(b, hex[*p >> 4]);
			buf_putc(b, hex[*p & 15]);
		}
	}
}

void case_stats_href(const struct cs_filter *f, struct buf *out)
{
	bool first = true;
	char num[24];

	buf_puts(out, CS_LIST_PATH);
	if (f->procedure[0])
		url_arg(out, &first, "procedure", f->procedure);
	if (f->channel[0])
		url_arg(out, &first, "channel", f->channel);
	if (f->dept_id > 0) {
		snprintf(num, sizeof(num), "%lld", (long long)f->dept_id);
		url_arg(out, &first, "dept", num);
	}
	if (f->year) {
		snprintf(num, sizeof(num), "%d", f->year);
		url_arg(out, &first, "year", num);
	}
	if (f->measure != CS_RECEIVED)
		url_arg(out, &first, "state", cs_measure_name(f->measure));
}

/* ---- reading and judging the cases ---- */

/* The facts of one case as read, owning its strings. */
struct fact {
	struct cs_case c;
	char *number, *channel, *state, *satisfaction;
	bool has_clock, cancelled, paused, declined;
	bool stopped;
};

struct facts {
	struct fact *v;
	size_t n, cap;
};

static void facts_release(struct facts *fs)
{
	size_t i;

	for (i = 0; i < fs->n; i++) {
		free(fs->v[i].number);
		free(fs->v[i].channel);
		free(fs->v[i].state);
		free(fs->v[i].satisfaction);
	}
	free(fs->v);
	memset(fs, 0, sizeof(*fs));
}

static bool satisfied(const char *s)
{
	return str_eq(s, "satisfied") || str_eq(s, "basically_satisfied");
}

static bool rating(const char *s)
{
	return satisfied(s) || str_eq(s, "unsatisfied");
}

/* Decide which measures count the case (see case_stats.h). */
static void judge(struct fact *f, cal_day today)
{
	struct cs_case *c = &f->c;
	bool closed = f->has_clock && f->stopped && !f->cancelled;
	bool running = f->has_clock && !f->stopped && !f->paused;

	memset(c->in, 0, sizeof(c->in));
	c->in[CS_RECEIVED] = true;
	c->in[CS_ACCEPTED] = f->has_clock && !f->declined;
	c->in[CS_CLOSED] = closed;
	c->in[CS_ON_TIME] = closed && c->closed <= c->due;
	c->in[CS_LATE] = closed && c->closed > c->due;
	c->in[CS_OVERDUE] = running && c->due < today;
	c->in[CS_DUE] = c->in[CS_CLOSED] || c->in[CS_OVERDUE];
	c->in[CS_RATED] = rating(c->satisfaction);
	c->in[CS_SATISFIED] = satisfied(c->satisfaction);
	c->in[CS_LEGAL] = c->legal > 0;
	if (!closed)
		c->closed = 0;
}

/* The day in a "YYYY-MM-DD" field of the case, else `dflt`. */
static cal_day field_day(json_t *fields, const char *name, cal_day dflt)
{
	const char *s = json_string_value(json_object_get(fields, name));
	cal_day d;

	return s && cal_parse(s, &d) == 0 ? d : dflt;
}

static const char CASE_FACTS[] =
	"SELECT c.id, c.year, c.number, c.channel, COALESCE(c.dept_id, 0), "
	"c.state, c.created_at, c.fields, k.case_id, k.due_day, "
	"k.stopped_day, k.cancelled, k.paused_since, "
	"(SELECT COUNT(*) FROM case_events e WHERE e.case_id = c.id AND "
	"e.action = ?), "
	"(SELECT COUNT(*) FROM case_events e WHERE e.case_id = c.id AND "
	"e.legal_review = 1), "
	"COALESCE(p.satisfaction, '') "
	"FROM cases c "
	"LEFT JOIN case_clocks k ON k.case_id = c.id AND k.clock_id = ? "
	"LEFT JOIN petitioner p ON p.case_id = c.id "
	"WHERE c.proc = ? AND c.year >= ? AND c.year <= ? AND "
	"(? = '' OR c.channel = ?) AND (? = 0 OR COALESCE(c.dept_id, 0) = ?) "
	"ORDER BY c.year, c.seq";

static const char *nz(const char *s)
{
	return s ? s : "";
}

static void read_fact(struct db_rows *r, const struct desk_proc *p,
		      const struct workflow *w, cal_day today, struct fact *f)
{
	json_t *fields = json_loads(nz(db_text(r, 7)), 0, NULL);
	const char *own = nz(db_text(r, 15));
	const char *called = json_string_value(json_object_get(fields,
							       "satisfaction"));
	struct cs_case *c = &f->c;

	memset(f, 0, sizeof(*f));
	c->id = db_int(r, 0);
	c->procedure = w->procedure;
	c->year = (int)db_int(r, 1);
	c->number = f->number = xstrdup(nz(db_text(r, 2)));
	c->channel = f->channel = xstrdup(nz(db_text(r, 3)));
	c->channel_label = w->channel_field ?
		wf_option_label(w->channel_field, f->channel) : f->channel;
	c->source = p->by_channel ? (f->channel[0] ? c->channel_label :
				     "未填写渠道") : p->label;
	c->dept_id = db_int(r, 4);
	c->state = f->state = xstrdup(nz(db_text(r, 5)));
	c->state_label = wf_state_label(w, f->state);
	c->registered = cal_day_of(db_int(r, 6));
	c->received = field_day(fields, "received_date", c->registered);
	f->has_clock = !db_isnull(r, 8);
	c->due = f->has_clock ? (cal_day)db_int(r, 9) : 0;
	f->stopped = f->has_clock && !db_isnull(r, 10);
	c->closed = f->stopped ? (cal_day)db_int(r, 10) : 0;
	f->cancelled = db_int(r, 11) != 0;
	f->paused = f->has_clock && !db_isnull(r, 12);
	f->declined = db_int(r, 13) > 0;
	c->legal = db_int(r, 14);
	/* The citizen's own rating first, else the call-back's record. */
	c->satisfaction = f->satisfaction =
		xstrdup(rating(own) ? own : nz(called));
	json_decref(fields);
	judge(f, today);
}

/* Read the cases of one procedure registered in [from, to]. */
static int read_facts(struct db *db, const struct desk_proc *p, int from,
		      int to, const char *channel, int64_t dept, cal_day today,
		      struct facts *fs)
{
	const struct workflow *w = workflow_find(p->procedure, 0);
	struct db_rows *rows;
	int rc;

	if (!w)
		return 0;       /* not loaded: nothing of it to count */
	rows = db_query(db, CASE_FACTS, "sssiissii", p->decline,
			w->primary ? w->primary->id : "", p->procedure,
			(int64_t)from, (int64_t)to, channel, channel, dept,
			dept);
	if (!rows)
		return db_errcode(db);
	while ((rc = db_next(rows)) == 1) {
		if (fs->n == fs->cap) {
			fs->cap = fs->cap ? fs->cap * 2 : 64;
			fs->v = xrealloc(fs->v, fs->cap * sizeof(*fs->v));
		}
		read_fact(rows, p, w, today, &fs->v[fs->n++]);
	}
	db_rows_free(rows);
	return rc < 0 ? rc : 0;
}

static bool year_ok(int year)
{
	return year > 1970 && year < 9999;
}

int case_stats_cases(struct db *db, const struct cs_filter *f, cal_day today,
		     cs_case_fn fn, void *arg)
{
	struct facts fs = { 0 };
	int from = f->year ? f->year : 1, to = f->year ? f->year : 9999;
	size_t i;
	int rc = 0;

	if ((unsigned)f->measure >= CS_MEASURES ||
	    (f->year && !year_ok(f->year)))
		return DB_EMISUSE;
	for (i = 0; rc == 0 && i < ARRAY_SIZE(procs); i++)
		if (!f->procedure[0] || str_eq(f->procedure,
					       procs[i].procedure))
			rc = read_facts(db, &procs[i], from, to, f->channel,
					f->dept_id, today, &fs);
	for (i = 0; rc == 0 && i < fs.n; i++)
		if (fs.v[i].c.in[f->measure])
			rc = fn(&fs.v[i].c, arg);
	facts_release(&fs);
	return rc;
}

/* ---- grouping into rows ---- */

struct table {
	struct cs_row *v;
	size_t n, cap;
};

static struct cs_row *add_row(struct table *t, const char *key,
			      const char *label, int year)
{
	struct cs_row *r;

	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
	}
	r = &t->v[t->n++];
	memset(r, 0, sizeof(*r));
	snprintf(r->key, sizeof(r->key), "%s", key);
	snprintf(r->label, sizeof(r->label), "%s", label);
	r->filter.year = year;
	r->filter.measure = CS_RECEIVED;
	return r;
}

static struct cs_row *find_row(struct table *t, const char *key)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (str_eq(t->v[i].key, key))
			return &t->v[i];
	return NULL;
}

static void count(struct cs_row *r, const struct cs_case *c, bool last)
{
	int64_t *v = last ? r->last : r->now;
	int m;

	for (m = 0; m < CS_MEASURES; m++)
		if (c->in[m])
			v[m] += m == CS_LEGAL ? c->legal : 1;
}

/* The channel rows every table shows, in the definitions' order. */
static void channel_rows(struct table *t, int year)
{
	const struct workflow *w;
	struct cs_row *r;
	char key[48];
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(procs); i++) {
		w = workflow_find(procs[i].procedure, 0);
		if (!w)
			continue;
		if (!procs[i].by_channel || !w->channel_field) {
			r = add_row(t, procs[i].procedure, procs[i].label ?
				    procs[i].label : w->title, year);
			snprintf(r->filter.procedure,
				 sizeof(r->filter.procedure), "%s",
				 procs[i].procedure);
			continue;
		}
		for (j = 0; j < w->channel_field->nvalues; j++) {
			const struct wf_option *o =
				&w->channel_field->values[j];

			snprintf(key, sizeof(key), "%s:%s",
				 procs[i].procedure, o->id);
			r = add_row(t, key, o->label, year);
			snprintf(r->filter.procedure,
				 sizeof(r->filter.procedure), "%s",
				 procs[i].procedure);
			snprintf(r->filter.channel, sizeof(r->filter.channel),
				 "%s", o->id);
		}
	}
}

static const struct desk_proc *desk_proc(const char *procedure)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(procs); i++)
		if (str_eq(procs[i].procedure, procedure))
			return &procs[i];
	return NULL;
}

/* The channel row of a case, made when its channel has none yet. */
static struct cs_row *channel_row(struct table *t, const struct cs_case *c,
				  int year)
{
	const struct desk_proc *p = desk_proc(c->procedure);
	struct cs_row *r;
	char key[48], label[128];

	if (!p->by_channel)
		return find_row(t, c->procedure);
	snprintf(key, sizeof(key), "%s:%s", c->procedure, c->channel);
	r = find_row(t, key);
	if (r)
		return r;
	snprintf(label, sizeof(label), "%s", c->channel[0] ?
		 c->channel_label : "未填写渠道");
	r = add_row(t, key, label, year);
	snprintf(r->filter.procedure, sizeof(r->filter.procedure), "%s",
		 c->procedure);
	snprintf(r->filter.channel, sizeof(r->filter.channel), "%s",
		 c->channel);
	return r;
}

int cs_depts_load(struct db *db, struct cs_depts *d)
{
	struct db_rows *rows = db_query(db, "SELECT id, name FROM "
					"departments ORDER BY id", "");
	size_t cap = 0;
	int rc;

	memset(d, 0, sizeof(*d));
	if (!rows)
		return db_errcode(db);
	while ((rc = db_next(rows)) == 1) {
		if (d->n == cap) {
			cap = cap ? cap * 2 : 16;
			d->v = xrealloc(d->v, cap * sizeof(*d->v));
		}
		d->v[d->n].id = db_int(rows, 0);
		d->v[d->n++].name = xstrdup(nz(db_text(rows, 1)));
	}
	db_rows_free(rows);
	if (rc < 0)
		cs_depts_release(d);
	return rc < 0 ? rc : 0;
}

const char *cs_dept_name(const struct cs_depts *d, int64_t id)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->v[i].id == id)
			return d->v[i].name;
	return id ? "" : "无承办部门";
}

void cs_depts_release(struct cs_depts *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->v[i].name);
	free(d->v);
	memset(d, 0, sizeof(*d));
}

static struct cs_row *dept_row(struct table *t, const struct cs_case *c,
			       const struct cs_depts *d, int year)
{
	struct cs_row *r;
	char key[48];

	snprintf(key, sizeof(key), "dept:%lld", (long long)c->dept_id);
	r = find_row(t, key);
	if (r)
		return r;
	r = add_row(t, key, cs_dept_name(d, c->dept_id), year);
	r->filter.dept_id = c->dept_id;
	return r;
}

static int by_dept(const void *a, const void *b)
{
	const struct cs_row *x = a, *y = b;

	return (x->filter.dept_id > y->filter.dept_id) -
	       (x->filter.dept_id < y->filter.dept_id);
}

int case_stats_compute(struct db *db, int year, enum cs_group by,
		       cal_day today, struct case_stats *out)
{
	struct table t = { 0 };
	struct facts fs = { 0 };
	struct cs_depts depts = { 0 };
	struct cs_row *r, *total;
	size_t i;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!year_ok(year))
		return DB_EMISUSE;
	if (by == CS_BY_CHANNEL)
		channel_rows(&t, year);
	else
		rc = cs_depts_load(db, &depts);
	for (i = 0; rc == 0 && i < ARRAY_SIZE(procs); i++)
		rc = read_facts(db, &procs[i], year - 1, year, "", 0, today,
				&fs);
	for (i = 0; rc == 0 && i < fs.n; i++) {
		const struct cs_case *c = &fs.v[i].c;

		r = by == CS_BY_CHANNEL ? channel_row(&t, c, year) :
		    dept_row(&t, c, &depts, year);
		if (r)
			count(r, c, c->year != year);
	}
	if (by == CS_BY_DEPT && t.n > 1)
		qsort(t.v, t.n, sizeof(*t.v), by_dept);
	total = add_row(&t, "total", "合计", year);
	for (i = 0; i + 1 < t.n; i++) {
		int m;

		for (m = 0; m < CS_MEASURES; m++) {
			total->now[m] += t.v[i].now[m];
			total->last[m] += t.v[i].last[m];
		}
	}
	cs_depts_release(&depts);
	facts_release(&fs);
	if (rc) {
		free(t.v);
		return rc;
	}
	out->year = year;
	out->today = today;
	out->by = by;
	out->rows = t.v;
	out->n = t.n;
	return 0;
}

void case_stats_release(struct case_stats *s)
{
	free(s->rows);
	memset(s, 0, sizeof(*s));
}
