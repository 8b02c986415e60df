/* cmd_search.c: `fazhi search` — rebuild and try the portal's search
 * index */
#include <stdio.h>
#include <string.h>

#include "cli/app.h"
#include "cli/cli.h"
#include "core/clock.h"
#include "core/util.h"
#include "portal/search.h"
#include "store/store.h"

static const char help[] =
	"usage: fazhi search reindex [--data-dir DIR] [--db URL]\n"
	"       fazhi search query WORDS [--page N] [--data-dir DIR]"
	" [--db URL]\n\n"
	"reindex  empty the search index of the public portal and index every\n"
	"         published item that is not withdrawn again, from the\n"
	"         publications table, in one transaction (other writers wait\n"
	"         for it: a few seconds for thousands of items).  Needed\n"
	"         after items were changed by hand in the database, or\n"
	"         restored; the server keeps the index current by itself.\n"
	"         Prints the number of items indexed.\n"
	"query    search as /gk/search does and print one hit a line (id,\n"
	"         publication date, index number, title), then 'total N':\n"
	"         ten hits a page, --page N (from 1) for the others.\n";

static int reindex(struct db *db)
{
	int64_t n = 0, t0 = clock_mono_ns();
	int rc = search_reindex(db, &n);

	if (rc < 0)
		return error("reindex failed: %s", db_errmsg(db));
	printf("indexed %lld items in %.1f s\n", (long long)n,
	       (double)(clock_mono_ns() - t0) / 1e9);
	return 0;
}

static int print_hit(const struct search_hit *h, void *arg)
{
	char day[17];

	clock_local_minute(h->published_at, day);
	day[10] = '\0';
	printf("%lld %s %s %s\n", (long long)h->id, day, h->index_no,
	       h->title);
	return 0;
}

static int query(struct db *db, const char *words, int64_t page)
{
	struct search_q q = { words, 0, 0, (page - 1) * 10, 10 };
	int64_t total = 0;
	size_t n = search_query_chars(words);
	int rc;

	if (n == 0 || n > SEARCH_QUERY_MAX)
		return cli_usage_error("search", "a query has 1 to %d "
				       "characters", SEARCH_QUERY_MAX);
	rc = search_query(db, &q, print_hit, NULL, &total);
	if (rc < 0)
		return error("search failed: %s", db_errmsg(db));
	printf("total %lld\n", (long long)total);
	return 0;
}

int cmd_search(int argc, char **argv)
{
	const char *data_dir = NULL, *db_url = NULL, *page_opt = NULL;
	const struct cli_opt opts[] = {
		{ "data-dir", &data_dir, NULL }, { "db", &db_url, NULL },
		{ "page", &page_opt, NULL },
	};
	bool is_query;
	int64_t page = 1;
	struct app a;
	struct db *db;
	int first, rc, want;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
			  strcmp(argv[1], "-h") == 0))
		return cli_help(help);
	if (argc < 2 || (strcmp(argv[1], "reindex") &&
			 strcmp(argv[1], "query")))
		return cli_usage_error("search", "expected 'reindex' or "
				       "'query'");
	is_query = strcmp(argv[1], "query") == 0;
	rc = cli_parse("search", help, argc - 1, argv + 1, opts,
		       (int)ARRAY_SIZE(opts), &first);
	if (rc)
		return rc == CLI_HELP ? 0 : rc;
	want = is_query ? 1 : 0;
	if (argc - 1 - first != want)
		return cli_usage_error("search", is_query ? "query takes the "
				       "words as one argument" : "unexpected "
				       "argument '%s'", argv[1 + first]);
	if (page_opt && (!is_query || parse_int64(page_opt, 1, 100000,
						  &page)))
		return cli_usage_error("search", "--page needs a query and a "
				       "number from 1");
	if (cli_open(&a, &db, data_dir, db_url)) {
		cli_close(&a, db);
		return 1;
	}
	rc = is_query ? query(db, argv[1 + first], page) : reindex(db);
	cli_close(&a, db);
	if (rc == 2)
		return 2;
	return rc || fflush(stdout) ? 1 : 0;
}
