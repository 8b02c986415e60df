#!/usr/bin/env bash
# search.sh: search latency of the portal over 100 000 items
#
# Runs search_bench (bench/portal/search.c) on a scratch SQLite database
# and, when PostgreSQL is installed, on a throwaway cluster
# (scripts/pgtmp.sh), where the bigram postings serve queries of every
# length.  Each run fills its database (minutes) and prints p50/p99 per
# query length; everything is removed at the end.
#
#   cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release
#   cmake --build build-release --target search_bench
#   bench/portal/search.sh
#
# Variables: SEARCH_BENCH (default build-release/search_bench), ITEMS
# (100000), QUERIES (1000), BENCH_PG=0 to skip PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/../.."

bin=${SEARCH_BENCH:-build-release/search_bench}
items=${ITEMS:-100000}
queries=${QUERIES:-1000}
[ -x "$bin" ] || { echo "bench: no $bin; build the search_bench target" >&2; exit 1; }
# shellcheck source=../lib.sh
. bench/lib.sh

pgdir=
cleanup() {
	if [ -n "$pgdir" ]; then
		scripts/pgtmp.sh stop "$pgdir" >/dev/null 2>&1 || true
	fi
	bench_cleanup
}
trap cleanup EXIT

say "SQLite, $items items"
"$bin" "sqlite:$scratch/search.db" "$items" "$queries"
say "database size: $(du -ch "$scratch"/search.db* | tail -1 | cut -f1)"
rm -f "$scratch"/search.db*

if [ "${BENCH_PG:-1}" = 0 ] || [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then
	exit 0
fi
pgdir=$scratch/pg
url=$(scripts/pgtmp.sh start "$pgdir")

say "PostgreSQL, $items items"
"$bin" "$url" "$items" "$queries"
say "database size: $(psql "$url" -X -A -t -c \
	"SELECT pg_size_pretty(pg_database_size(current_database()))")"
