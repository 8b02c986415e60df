#!/bin/sh
# fuzz-smoke.sh: build the libFuzzer targets, replay their corpus, fuzz briefly
#
# usage: scripts/fuzz-smoke.sh [SECONDS] [BUILD_DIR]
#
# Configures BUILD_DIR (default: build-fuzz in the source tree) as a clang
# build with ASan, UBSan and libFuzzer, builds every tests/fuzz/fuzz_*.c,
# and for each target:
#   1. replays the committed corpus tests/fuzz/corpus/<name>/ (a regression
#      test: every seed must still run clean);
#   2. fuzzes for SECONDS (default 20) starting from a scratch copy of that
#      corpus in a temporary directory, so the repository is never written.
# One summary line is printed per target.  When a target fails, its log and
# crash file are kept in the temporary directory named in the summary and
# the script exits non-zero after trying the remaining targets.
#
# Extra libFuzzer options can be passed in FUZZ_ARGS, e.g.
#   FUZZ_ARGS="-fork=2" scripts/fuzz-smoke.sh 60
set -eu

secs=${1:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${2:-"$root/build-fuzz"}
extra=${FUZZ_ARGS:-}

case $secs in
''|*[!0-9]*)
	echo "usage: $0 [SECONDS] [BUILD_DIR]" >&2
	exit 2
	;;
esac
if ! command -v clang >/dev/null 2>&1; then
	echo "fuzz-smoke: clang is required for libFuzzer" >&2
	exit 2
fi

targets=
for src in "$root"/tests/fuzz/fuzz_*.c; do
	[ -e "$src" ] || continue
	name=$(basename "$src" .c)
	targets="$targets $name"
done
if [ -z "$targets" ]; then
	echo "fuzz-smoke: no tests/fuzz/fuzz_*.c found" >&2
	exit 2
fi

cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER=clang \
	-DFAZHI_FUZZ=ON -DFAZHI_SANITIZE=ON -DFAZHI_TEST_HOOKS=ON \
	-DBUILD_TESTING=OFF >/dev/null
# Only the fuzzers (and the library they link): the default target also
# copies front-end assets, which fuzzing does not need.
# shellcheck disable=SC2086 # $targets is a list of plain names
cmake --build "$build" --parallel "$(nproc 2>/dev/null || echo 2)" \
	--target $targets >/dev/null

# Stop at the first report: UBSan findings count as crashes.
ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS UBSAN_OPTIONS

count_files() {
	find "$1" -type f | wc -l | tr -d ' '
}

failed=0
for name in $targets; do
	bin="$build/$name"
	seeds="$root/tests/fuzz/corpus/${name#fuzz_}"
	scratch=$(mktemp -d "${TMPDIR:-/tmp}/fazhi-$name.XXXXXX")
	mkdir "$scratch/corpus"
	if [ -d "$seeds" ]; then
		cp -R "$seeds/." "$scratch/corpus/"
	fi
	seed_count=$(count_files "$scratch/corpus")

	# With -runs=0 libFuzzer only reads the committed seeds; crash
	# files, if any, go to the scratch directory, never into the tree.
	replay=$seeds
	[ -d "$replay" ] || replay=$scratch/corpus
	if ! "$bin" -runs=0 -artifact_prefix="$scratch/" \
		"$replay" >"$scratch/replay.log" 2>&1; then
		echo "$name: FAIL corpus replay ($seed_count seeds);" \
			"log and crash file kept in $scratch"
		tail -n 30 "$scratch/replay.log" >&2
		failed=1
		continue
	fi

	# shellcheck disable=SC2086 # FUZZ_ARGS is split on purpose
	if ! "$bin" -max_total_time="$secs" -timeout=25 \
		-artifact_prefix="$scratch/" $extra \
		"$scratch/corpus" >"$scratch/fuzz.log" 2>&1; then
		crash=$(find "$scratch" -maxdepth 1 -type f \
			\( -name 'crash-*' -o -name 'leak-*' \
			-o -name 'timeout-*' -o -name 'oom-*' \) | head -n 1)
		echo "$name: FAIL after fuzzing; crash file ${crash:-(none)}," \
			"log $scratch/fuzz.log"
		tail -n 40 "$scratch/fuzz.log" >&2
		failed=1
		continue
	fi

	runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$scratch/fuzz.log" |
		tail -n 1)
	grown=$(count_files "$scratch/corpus")
	echo "$name: ok, $seed_count seeds replayed, ${runs:-?} runs in" \
		"${secs}s, corpus $seed_count -> $grown"
	rm -rf "$scratch"
done

exit "$failed"
