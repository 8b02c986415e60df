#!/usr/bin/env bash
# test.sh: build and run Fazhi's tests.
#
#   scripts/test.sh all     unit + API (SQLite, PostgreSQL) + browser +
#                           sanitizer build (unit on both, API on SQLite)
#                           + fuzz smoke
#   scripts/test.sh unit|api|e2e|asan|fuzz
#
# Every server and database cluster the tests start is started by the test
# itself on a free port and stopped by it; nothing is left running.
set -euo pipefail
cd "$(dirname "$0")/.."

what=${1:-all}
jobs=${JOBS:-2}
failed=()

section() { printf '\n=== %s ===\n' "$*"; }

configure() { # dir, extra cmake args...
	local dir=$1; shift
	cmake -S . -B "$dir" -DFAZHI_TEST_HOOKS=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
	cmake --build "$dir" -j"$jobs"
}

# Unit tests, with a throwaway PostgreSQL cluster for the store tests.
run_unit() { # build dir
	local dir=$1 pgdir url rc=0
	pgdir=$(mktemp -d /tmp/fazhi-pg.XXXXXX)
	url=$(scripts/pgtmp.sh start "$pgdir/pg")
	FAZHI_TEST_PG_URL=$url ctest --test-dir "$dir" --output-on-failure -j"$jobs" || rc=$?
	scripts/pgtmp.sh stop "$pgdir/pg" || true
	rm -rf "$pgdir"
	return $rc
}

step() { # name, command...
	local name=$1; shift
	section "$name"
	if ! "$@"; then failed+=("$name"); fi
}

case $what in
all|unit|api|e2e)
	section "build (test hooks on)"
	configure build
	;;
esac

case $what in
all|unit) step "unit tests" run_unit build ;;
esac
case $what in
all|api) step "API tests (SQLite, PostgreSQL)" scripts/run-api-tests.sh build ;;
esac
case $what in
all|e2e) step "browser tests" env FAZHI_BIN=build/fazhi node --test --test-concurrency=1 tests/e2e/ ;;
esac
case $what in
all|asan)
	section "build (AddressSanitizer + UndefinedBehaviorSanitizer)"
	configure build-asan -DFAZHI_SANITIZE=ON
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	step "unit tests under ASan+UBSan" run_unit build-asan
	# On SQLite: the PostgreSQL backend runs under the sanitizers in the
	# unit tests (test_store, test_visits, test_ogireport), and the API
	# pass on PostgreSQL would write each suite's demonstration data
	# again with fsync, about nine minutes the suite has no room for.
	step "API tests under ASan+UBSan (SQLite)" \
		env FAZHI_API_PG=0 scripts/run-api-tests.sh build-asan
	;;
esac
case $what in
all|fuzz) step "fuzz smoke" scripts/fuzz-smoke.sh "${FUZZ_SECONDS:-20}" build-fuzz ;;
esac

section "summary"
if [ ${#failed[@]} -gt 0 ]; then
	printf 'FAILED: %s\n' "${failed[@]}"
	exit 1
fi
echo "all test steps passed ($what)"
