#!/usr/bin/env bash
# search.sh: search latency of the portal over 100 000 items
#
# Runs search_bench (bench/portal/search.c) on a scratch SQLite database
# and, when PostgreSQL is installed, on a throwaway cluster
# (scripts/pgtmp.sh) twice: on a database with LC_CTYPE C, where pg_trgm
# cannot see Chinese characters and queries of three characters or more
# go through the bigram postings, and on one with LC_CTYPE C.UTF-8, where
# they go through pg_trgm.  Each run fills its database (minutes) and
# prints p50/p99 per query length; everything is removed at the end.
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
base=${url%/*}
psql "$url" -X -q -c "CREATE DATABASE search_utf8 TEMPLATE template0 \
	ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'"

say "PostgreSQL, LC_CTYPE C (bigram postings for 3+ characters)"
"$bin" "$url" "$items" "$queries"
say "database size: $(psql "$url" -X -A -t -c \
	"SELECT pg_size_pretty(pg_database_size(current_database()))")"
psql "$url" -X -q -c "DROP SCHEMA public CASCADE; CREATE SCHEMA public"

say "PostgreSQL, LC_CTYPE C.UTF-8 (pg_trgm for 3+ characters)"
"$bin" "$base/search_utf8" "$items" "$queries"
say "database size: $(psql "$base/search_utf8" -X -A -t -c \
	"SELECT pg_size_pretty(pg_database_size(current_database()))")"
