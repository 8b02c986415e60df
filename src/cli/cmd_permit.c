/* cmd_permit.c: `fazhi permit` — import and list the permits register */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attach/attach.h"
#include "audit/audit.h"
#include "calendar/official.h"
#include "cli/app.h"
#include "cli/cli.h"
#include "core/util.h"
#include "permit/permit.h"
#include "store/store.h"

#define SHEET_MAX ((size_t)64 << 20)
#define LIST_PAGE 500

static const char help[] =
	"usage: fazhi permit import FILE [--dry-run] [--data-dir DIR]\n"
	"                          [--db URL]\n"
	"       fazhi permit list [--year YYYY] [--data-dir DIR] [--db URL]\n"
	"\n"
	"import: read permit decisions from FILE, CSV (UTF-8) or xlsx\n"
	"(the first sheet), whose first row names the columns 许可事项,\n"
	"决定文书号, 行政相对人名称, 统一社会信用代码, 许可决定日期,\n"
	"有效期自, 有效期至, 许可机关, 许可依据 and 全文 (是, 否, or the\n"
	"name of the decision's file, which must lie in the same directory\n"
	"as FILE).  Every row is checked and each problem printed with its\n"
	"row and column; the records are stored, and published on the\n"
	"portal, only when no row has an error, all in one transaction.\n"
	"--dry-run checks without storing.  Exit status 1 when the file was\n"
	"refused.\n\n"
	"list: the records, newest decision first, one per line,\n"
	"tab-separated: decided_on, decision_no, fulltext (1 or 0),\n"
	"holder_code ('-' for a natural person), item, holder.  A summary\n"
	"goes to stderr.\n";

/* ---- full texts next to the sheet ---- */

struct side_file {
	struct upload u;
	struct buf data;
};

struct side_files {
	char *dir;
	struct side_file **v;
	size_t n;
};

static bool plain_name(const char *s)
{
	return *s && *s != '.' && !strchr(s, '/') && !strchr(s, '\\');
}

static const struct upload *side_file(const char *name, void *arg)
{
	struct side_files *f = arg;
	struct side_file *x;
	char *path;
	size_t i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->v[i]->u.filename, name) == 0)
			return &f->v[i]->u;
	if (!plain_name(name))
		return NULL;
	x = xcalloc(1, sizeof(*x));
	buf_init(&x->data, ATTACH_FILE_MAX + 2);
	path = xasprintf("%s/%s", f->dir, name);
	if (read_file(path, &x->data, ATTACH_FILE_MAX + 1)) {
		warn("cannot read %s: %s", path, strerror(errno));
		buf_release(&x->data);
		free(x);
		free(path);
		return NULL;
	}
	free(path);
	x->u.field = xstrdup("fulltext");
	x->u.filename = xstrdup(name);
	x->u.ctype = xstrdup("application/octet-stream");
	x->u.data = (const uint8_t *)buf_cstr(&x->data);
	x->u.len = x->data.len;
	f->v = xrealloc(f->v, (f->n + 1) * sizeof(*f->v));
	f->v[f->n++] = x;
	return &x->u;
}

static void side_files_release(struct side_files *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->v[i]->u.field);
		free(f->v[i]->u.filename);
		free(f->v[i]->u.ctype);
		buf_release(&f->v[i]->data);
		free(f->v[i]);
	}
	free(f->v);
	free(f->dir);
}

/* ---- import ---- */

static int import(const char *path, bool dry, const char *data_dir,
		  const char *db_url)
{
	const char *slash = strrchr(path, '/');
	struct side_files side = { 0 };
	struct buf sheet, out = BUF_INIT;
	struct fz_err err = { 0 };
	struct permit_batch b = { 0 };
	struct calendar *cal;
	struct attach_store s;
	struct actor who;
	struct app a;
	struct db *db;
	int rc = 1;

	buf_init(&sheet, SHEET_MAX + 1);
	if (read_file(path, &sheet, SHEET_MAX)) {
		error("cannot read %s: %s", path, strerror(errno));
		buf_release(&sheet);
		return 1;
	}
	side.dir = slash ? xstrndup(path, (size_t)(slash - path) +
				    (slash == path)) : xstrdup(".");
	if (cli_open(&a, &db, data_dir, db_url))
		goto out;
	cal = calendar_open(a.data_dir, &err);
	if (!cal)
		warn("calendar: %s (publication deadlines not checked)",
		     err.msg);
	s.data_dir = a.data_dir;
	s.kr = a.keyring;
	cli_actor(&who);
	rc = permit_import(db, &s, &who, slash ? slash + 1 : path,
			   buf_cstr(&sheet), sheet.len, side_file, &side, cal,
			   dry, &b, &err);
	calendar_free(cal);
	if (rc < 0) {
		error("%s", err.msg);
		rc = 1;
		goto out;
	}
	permit_report_text(&b.rep, &out);
	fputs(buf_cstr(&out), stdout);
	rc = rc || fflush(stdout) ? 1 : 0;
out:
	permit_batch_release(&b);
	side_files_release(&side);
	buf_release(&out);
	buf_release(&sheet);
	cli_close(&a, db);
	return rc;
}

/* ---- list ---- */

static void print_row(const struct permit *p)
{
	printf("%s\t%s\t%d\t%s\t%s\t%s\n", p->decided_on, p->decision_no,
	       p->fulltext ? 1 : 0, p->holder_kind == PERMIT_PERSON ? "-" :
	       p->holder_code, p->item, p->holder);
}

static int list(int year, const char *data_dir, const char *db_url)
{
	struct permit_filter f = { .year = year, .item = "", .q = "",
				   .page = 1, .size = LIST_PAGE };
	struct permit_list l = { 0 };
	int64_t items = 0, with = 0;
	struct app a;
	struct db *db;
	size_t i;
	int rc = 1;

	if (cli_open(&a, &db, data_dir, db_url))
		goto out;
	for (;; f.page++) {
		if (permit_list_load(db, &f, &l) < 0) {
			error("cannot read the register: %s", db_errmsg(db));
			goto out;
		}
		for (i = 0; i < l.n; i++)
			print_row(&l.v[i]);
		if (l.n < LIST_PAGE) {
			permit_list_release(&l);
			break;
		}
		permit_list_release(&l);
	}
	if (permit_rate(db, year, &items, &with) < 0) {
		error("cannot read the register: %s", db_errmsg(db));
		goto out;
	}
	fprintf(stderr, "%lld permits, %lld with an electronic full text\n",
		(long long)items, (long long)with);
	rc = fflush(stdout) == 0 ? 0 : 1;
out:
	cli_close(&a, db);
	return rc;
}

int cmd_permit(int argc, char **argv)
{
	const char *data_dir = NULL, *db_url = NULL, *year_s = NULL;
	bool dry = false;
	const struct cli_opt opts[] = {
		{ "data-dir", &data_dir, NULL }, { "db", &db_url, NULL },
		{ "year", &year_s, NULL }, { "dry-run", NULL, &dry },
	};
	int64_t year = 0;
	int first, rc;
	bool is_import;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
			  strcmp(argv[1], "-h") == 0))
		return cli_help(help);
	if (argc < 2 || (strcmp(argv[1], "import") && strcmp(argv[1], "list")))
		return cli_usage_error("permit", "expected 'import FILE' or "
				       "'list'");
	is_import = strcmp(argv[1], "import") == 0;
	rc = cli_parse("permit", help, argc - 1, argv + 1, opts,
		       (int)ARRAY_SIZE(opts), &first);
	if (rc)
		return rc == CLI_HELP ? 0 : rc;
	first++;        /* an index into argv again */
	if (is_import && (first != argc - 1 || year_s))
		return cli_usage_error("permit", "expected 'fazhi permit "
				       "import FILE [--dry-run]'");
	if (!is_import && (first != argc || dry))
		return cli_usage_error("permit", "expected 'fazhi permit list "
				       "[--year YYYY]'");
	if (year_s && parse_int64(year_s, 1970, 9998, &year))
		return cli_usage_error("permit", "--year must be a year from "
				       "1970 to 9998, not '%s'", year_s);
	if (is_import)
		return import(argv[first], dry, data_dir, db_url);
	return list((int)year, data_dir, db_url);
}
