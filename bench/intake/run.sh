#!/bin/bash
# run.sh: cases opened per second through the HTTP API, next to raw
# SQLite's single-row durable commits on the same machine.
#
# Usage: bench/intake/run.sh            (builds nothing)
#
# Starts `fazhi serve` on demo data, creates an API token for the
# petitions officer, and has wrk POST /api/v1/cases from many
# connections: each request opens a petition case through the engine
# (case row, event, clock, audit entry, sealed petitioner) and is answered
# 201 only after its transaction is durable.  Then runs sqlite_commits,
# which commits one row per transaction from as many threads, with the
# same WAL and synchronous=FULL settings, in a file beside the server's
# database.  The ratio of the two is the figure to compare: the server
# reaches more than the raw single-row rate only by committing the writes
# of concurrent requests together.
#
# Environment:
#   FAZHI_BIN          server binary (default: build-release/fazhi)
#   SQLITE_COMMITS     reference binary (default: build-release/sqlite_commits)
#   BENCH_SECONDS      duration of each run (default 10)
#   BENCH_THREADS      wrk threads (default 2)
#   BENCH_CONNECTIONS  wrk connections (default 64)
#   BENCH_WRITERS      sqlite_commits threads (default 8)
#   BENCH_SYNC_US      when set, both sides run with bench/intake/slow_sync.c
#                      preloaded: every fsync/fdatasync takes at least this
#                      many microseconds more (a disk slower to flush than
#                      a virtual disk that returns at once)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${FAZHI_BIN:-$root/build-release/fazhi}
ref=${SQLITE_COMMITS:-$root/build-release/sqlite_commits}
secs=${BENCH_SECONDS:-10}
threads=${BENCH_THREADS:-2}
conns=${BENCH_CONNECTIONS:-64}
writers=${BENCH_WRITERS:-8}
sync_us=${BENCH_SYNC_US:-}
shim=${SLOW_SYNC:-$root/build-release/libslow_sync.so}
# shellcheck source=bench/lib.sh
. "$here/../lib.sh"

command -v wrk >/dev/null || die "wrk not found (run scripts/setup.sh)"
command -v node >/dev/null || die "node not found (run scripts/setup.sh)"
[ -x "$bin" ] || die "no fazhi binary at $bin (build it, or set FAZHI_BIN)"
[ -x "$ref" ] || die "no sqlite_commits at $ref" \
	"(cmake --build build-release --target sqlite_commits)"

if [ -n "$sync_us" ]; then
	[ -f "$shim" ] || die "no $shim" \
		"(cmake --build build-release --target slow_sync)"
	export LD_PRELOAD=$shim BENCH_SYNC_US=$sync_us
	say "every fsync takes $sync_us us more (slow_sync preloaded)"
fi
start_fazhi
token=$("$bin" user token petition bench --data-dir "$scratch/data" |
	awk '/^token:/ { print $2 }')
[ -n "$token" ] || die "could not create an API token for 'petition'"

# One case per request, from a different petitioner each time, on one of
# a few everyday matters (so the duplicate check has similar titles to
# compare, as at a real desk).
cat >"$scratch/intake.lua" <<'LUA'
local token = os.getenv("BENCH_TOKEN")
local day = os.date("!%Y-%m-%d", os.time() + 8 * 3600)
local topics = { "小区门前道路积水", "企业拖欠工资", "噪声扰民", "路灯损坏",
	"违章搭建", "垃圾清运不及时", "公交站点设置", "农田灌溉用水" }
local n = 0
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
local tag = math.random(0, 99999)
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token
request = function()
	n = n + 1
	local topic = topics[n % #topics + 1]
	local body = string.format('{"procedure":"petition","fields":'
		.. '{"channel":"letter","title":"反映%s问题",'
		.. '"content":"%s，请予处理。（%d-%d）",'
		.. '"received_date":"%s"},'
		.. '"petitioner":{"name":"王先生","phone":"139%03d%05d"}}',
		topic, topic, tag, n, day, n % 1000, tag)
	return wrk.format(nil, nil, nil, body)
end
LUA

# A single request first: a wrong payload should fail here, plainly.
status=$(node -e '
const [url, token, day] = process.argv.slice(1);
fetch(url + "/api/v1/cases", { method: "POST", headers: {
	"Content-Type": "application/json", Authorization: "Bearer " + token },
	body: JSON.stringify({ procedure: "petition", fields: {
		channel: "letter", title: "试投", content: "试投",
		received_date: day },
		petitioner: { name: "王先生", phone: "13800138000" } }) })
.then(async (r) => console.log(r.status, r.status === 201 ? "" :
	await r.text()), (e) => console.log(0, e.message));' \
	"$fazhi_url" "$token" "$(TZ=Asia/Shanghai date +%F)")
[ "${status%% *}" = 201 ] || die "POST /api/v1/cases answered $status"

say "wrk -t$threads -c$conns -d${secs}s POST /api/v1/cases"
BENCH_TOKEN=$token run_wrk fazhi_intake "$fazhi_url/api/v1/cases" \
	-s "$scratch/intake.lua"
kill -0 "$fazhi_pid" 2>/dev/null ||
	die "fazhi died during the run: $(tail -n 20 "$scratch/fazhi.err")"
# How many requests shared a commit, from the server's own counters.
admin=$("$bin" user token sysadmin bench-metrics --data-dir "$scratch/data" |
	awk '/^token:/ { print $2 }')
batch=$(node -e 'fetch(process.argv[1], { headers: {
	Authorization: "Bearer " + process.argv[2] } })
	.then((r) => r.text()).then((t) => process.stdout.write(t));' \
	"$fazhi_url/metrics" "$admin" |
	awk '/^fazhi_group_commits_total / { c = $2 }
	     /^fazhi_group_commit_jobs_total / { j = $2 }
	     END { if (c > 0) printf "%.1f", j / c; else print "-" }') ||
	batch=-
stop "$fazhi_pid"

say "sqlite_commits with $writers threads for ${secs}s"
rate=$("$ref" "$scratch/data/reference.db" "$writers" "$secs") ||
	die "sqlite_commits failed"
printf 'sqlite_commits %s 0\n' "$rate" >>"$scratch/results"

echo
awk -v batch="$batch" '{ rps[$1] = $2; err[$1] = $3 }
END {
	printf "%-36s %12s %8s\n", "target", "per second", "errors"
	printf "%-36s %12.0f %8d\n", "fazhi POST /api/v1/cases (201)",
		rps["fazhi_intake"], err["fazhi_intake"]
	printf "%-36s %12.0f %8s\n", "raw SQLite single-row commits",
		rps["sqlite_commits"], "-"
	printf "\nratio cases/s to raw commits/s: %.2f (target >= 3)\n",
		rps["fazhi_intake"] / rps["sqlite_commits"]
	printf "mean requests per commit: %s\n", batch
	if (err["fazhi_intake"] > 0)
		printf "warning: %d errors or non-2xx answers\n",
			err["fazhi_intake"]
}' "$scratch/results"
