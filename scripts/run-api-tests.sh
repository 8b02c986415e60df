#!/bin/bash
# run-api-tests.sh: run the HTTP API tests against a built fazhi binary.
#
# Usage: scripts/run-api-tests.sh [BUILD_DIR]      (default: build)
#
# Runs tests/api/ with Node's test runner once, with FAZHI_TEST_PG=1: every
# test runs on SQLite and on PostgreSQL (the harness starts a throwaway
# cluster per server), so the SQLite suite is all there, once.  Exits
# non-zero when any test fails.
#
# Environment:
#   FAZHI_API_TESTS      restrict to files matching this glob, e.g.
#                        'auth*' or 'tests/api/audit_*.test.mjs'
#   FAZHI_API_TIMEOUT_MS per-test timeout (default 600000)
#   FAZHI_TEST_KEEP=1    keep the servers' scratch directories
#   FAZHI_API_PG=0       SQLite alone (a machine without PostgreSQL)
set -u

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
case $build in
/*) ;;
*) build=$root/$build ;;
esac
FAZHI_BIN=$build/fazhi
export FAZHI_BIN

if [ ! -x "$FAZHI_BIN" ]; then
	echo "run-api-tests: no fazhi binary at $FAZHI_BIN (build first)" >&2
	exit 1
fi
command -v node >/dev/null 2>&1 || {
	echo "run-api-tests: node not found (run scripts/setup.sh)" >&2
	exit 1
}
cd "$root" || exit 1

if [ -n "${FAZHI_API_TESTS:-}" ]; then
	case $FAZHI_API_TESTS in
	*/*) pattern=$FAZHI_API_TESTS ;;
	*) pattern=tests/api/$FAZHI_API_TESTS ;;
	esac
	# Node 20's runner takes paths, not globs: let the shell expand it.
	# shellcheck disable=SC2086 # the glob must expand
	set -- $pattern
	if [ ! -e "$1" ]; then
		echo "run-api-tests: no test file matches $pattern" >&2
		exit 1
	fi
else
	set -- tests/api/
fi

log=$(mktemp "${TMPDIR:-/tmp}/fazhi-api-log.XXXXXX")
trap 'rm -f "$log"' EXIT
trap 'exit 130' INT TERM

if [ -t 1 ]; then reporter=spec; else reporter=tap; fi

# run LABEL PG FILES...: one pass of the runner.  Its output is kept to
# count results; --test-force-exit ends a file whose test left a server
# running (the harness kills it at exit) instead of hanging.
run() {
	local label=$1 pg=$2
	shift 2
	echo "== API tests: $label"
	FAZHI_TEST_PG=$pg node --test --test-concurrency=1 --test-force-exit \
		--test-timeout="${FAZHI_API_TIMEOUT_MS:-600000}" \
		--test-reporter="$reporter" "$@" | tee -a "$log"
	return "${PIPESTATUS[0]}"
}

# count KEY...: the sum of the runner's closing "# KEY N" (TAP) or
# "ℹ KEY N" (spec) lines.
count() {
	awk -v keys=" $* " '($1 == "#" || $1 == "ℹ") && NF == 3 &&
		index(keys, " " $2 " ") && $3 ~ /^[0-9]+$/ { n += $3 }
		END { print n + 0 }' "$log"
}

status=0
if [ "${FAZHI_API_PG:-1}" = 0 ]; then
	run sqlite 0 "$@" || status=1
else
	run sqlite+pg 1 "$@" || status=1
fi

# cancelled tests (a failed hook, a timeout) count as failed
echo "api: $(count pass) passed, $(count fail cancelled) failed," \
	"$(count skipped) skipped"
exit $status
