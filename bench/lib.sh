# lib.sh: what the benchmark scripts share — messages, a scratch
# directory cleaned up on exit, free ports, starting `fazhi serve` on demo
# data, and one wrk run parsed into "NAME REQS ERRORS".
#
# Source it after setting `bin` (the fazhi binary).  It defines `scratch`
# and `fazhi_url`, and stops everything started with track_pid on exit.
# shellcheck shell=bash

die() { echo "bench: $*" >&2; exit 1; }
say() { echo "bench: $*"; }

case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
scratch=$(mktemp -d "${TMPDIR:-/tmp}/fazhi-bench.XXXXXX")
# nginx workers drop root privileges and must still read the files
chmod 755 "$scratch"
tracked_pids=()

track_pid() { tracked_pids+=("$1"); }

# stop PID: SIGTERM, then SIGKILL after 10 s; only processes we started.
stop() {
	local pid=$1 _
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}
bench_cleanup() {
	local pid
	for pid in "${tracked_pids[@]}"; do
		stop "$pid"
	done
	rm -rf "$scratch"
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

# A port the kernel just handed out for port 0.
free_port() {
	node -e 'const s = require("net").createServer();
s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# wait_port PORT PID: until PORT accepts connections (PID must stay up).
wait_port() {
	local _
	for _ in $(seq 200); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
			return 0
		fi
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# start_fazhi [SERVE OPTIONS...]: demo data in $scratch/data, then
# `fazhi serve` on a free port; sets fazhi_url and fazhi_pid.
start_fazhi() {
	local port _
	say "fazhi demo data in $scratch/data"
	"$bin" demo --data-dir "$scratch/data" --kdf-iterations 1000 --json \
		>"$scratch/demo.json" 2>"$scratch/demo.err" ||
		die "fazhi demo failed: $(tail -n 20 "$scratch/demo.err")"
	port=$(free_port)
	"$bin" serve --data-dir "$scratch/data" --listen "127.0.0.1:$port" \
		--access-log none "$@" \
		>"$scratch/fazhi.out" 2>"$scratch/fazhi.err" &
	fazhi_pid=$!
	track_pid "$fazhi_pid"
	for _ in $(seq 200); do
		grep -q 'listening on' "$scratch/fazhi.out" && break
		kill -0 "$fazhi_pid" 2>/dev/null ||
			die "fazhi serve exited: $(tail -n 20 "$scratch/fazhi.err")"
		sleep 0.1
	done
	grep -q 'listening on' "$scratch/fazhi.out" ||
		die "fazhi serve not listening after 20 s:" \
			"$(tail -n 20 "$scratch/fazhi.err")"
	fazhi_url=http://127.0.0.1:$port
	say "fazhi serving on $fazhi_url (pid $fazhi_pid)"
}

# run_wrk NAME URL [WRK OPTIONS...]: one wrk run with $threads, $conns
# and $secs; appends "NAME REQS ERRORS" to $scratch/results, where
# ERRORS counts non-2xx/3xx answers and socket errors, and keeps wrk's
# report in $scratch/wrk-NAME.txt.
run_wrk() {
	local name=$1 url=$2 out rps errs
	shift 2
	out=$(wrk -t"$threads" -c"$conns" -d"${secs}s" "$@" "$url" 2>&1) ||
		die "wrk failed on $url: $out"
	printf '%s\n' "$out" >"$scratch/wrk-$name.txt"
	rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
	errs=$(awk '/Non-2xx or 3xx responses:/ { n += $NF }
		/Socket errors:/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 }
		END { print n + 0 }' <<<"$out")
	[ -n "$rps" ] || die "no Requests/sec from wrk on $url: $out"
	printf '%s %s %s\n' "$name" "$rps" "$errs" >>"$scratch/results"
	say "$name: $rps req/s"
}
