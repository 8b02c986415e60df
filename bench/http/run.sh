#!/bin/bash
# run.sh: HTTP throughput of fazhi next to nginx serving the same bytes.
#
# Usage: bench/http/run.sh            (builds nothing)
#
# Starts `fazhi serve` on a demo data directory, saves what it answers for
# a static asset and for the login page, has nginx serve those bytes as
# static files with the same Content-Type, and runs wrk against all four.
# Absolute numbers depend on the machine and its load; the fazhi/nginx
# ratios, measured in the same run, are the figures to compare.
#
# Environment:
#   FAZHI_BIN          server binary (default: build-release/fazhi)
#   BENCH_SECONDS      duration of each wrk run (default 10)
#   BENCH_THREADS      wrk threads (default 2)
#   BENCH_CONNECTIONS  wrk connections (default 64)
#   NGINX              nginx binary (default: nginx on PATH or /usr/sbin)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${FAZHI_BIN:-$root/build-release/fazhi}
secs=${BENCH_SECONDS:-10}
threads=${BENCH_THREADS:-2}
conns=${BENCH_CONNECTIONS:-64}
nginx=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}

die() { echo "bench: $*" >&2; exit 1; }
say() { echo "bench: $*"; }

command -v wrk >/dev/null || die "wrk not found (run scripts/setup.sh)"
command -v node >/dev/null || die "node not found (run scripts/setup.sh)"
[ -x "$nginx" ] || die "nginx not found (run scripts/setup.sh)"
[ -x "$bin" ] || die "no fazhi binary at $bin (build it, or set FAZHI_BIN)"
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac

scratch=$(mktemp -d "${TMPDIR:-/tmp}/fazhi-bench.XXXXXX")
# nginx workers drop root privileges and must still read the files
chmod 755 "$scratch"
fazhi_pid='' nginx_pid=''

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
cleanup() {
	stop "$fazhi_pid"
	stop "$nginx_pid"
	rm -rf "$scratch"
}
trap cleanup EXIT
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

# fetch URL FILE: save the body, print the Content-Type; fail unless 200.
# shellcheck disable=SC2016 # the script is JavaScript, not shell
fetch() {
	node -e '
const [url, file] = process.argv.slice(1);
fetch(url).then(async (r) => {
	if (r.status !== 200) {
		console.error(`${url}: HTTP ${r.status}`);
		process.exit(1);
	}
	require("fs").writeFileSync(file, Buffer.from(await r.arrayBuffer()));
	console.log(r.headers.get("content-type") ?? "");
}, (e) => { console.error(`${url}: ${e.cause?.message ?? e.message}`);
	process.exit(1); });' "$1" "$2"
}

# --- fazhi ------------------------------------------------------------
say "fazhi demo data in $scratch/data"
"$bin" demo --data-dir "$scratch/data" --kdf-iterations 1000 --json \
	>"$scratch/demo.json" 2>"$scratch/demo.err" ||
	die "fazhi demo failed: $(tail -n 20 "$scratch/demo.err")"

fport=$(free_port)
"$bin" serve --data-dir "$scratch/data" --listen "127.0.0.1:$fport" \
	--access-log none \
	>"$scratch/fazhi.out" 2>"$scratch/fazhi.err" &
fazhi_pid=$!
for _ in $(seq 200); do
	grep -q 'listening on' "$scratch/fazhi.out" && break
	kill -0 "$fazhi_pid" 2>/dev/null ||
		die "fazhi serve exited: $(tail -n 20 "$scratch/fazhi.err")"
	sleep 0.1
done
grep -q 'listening on' "$scratch/fazhi.out" ||
	die "fazhi serve not listening after 20 s:" \
		"$(tail -n 20 "$scratch/fazhi.err")"
furl=http://127.0.0.1:$fport
say "fazhi serving on $furl (pid $fazhi_pid)"

mkdir -p "$scratch/nginx/www" "$scratch/nginx/tmp"
css_type=$(fetch "$furl/static/css/site.css" "$scratch/nginx/www/site.css") ||
	die "cannot fetch the static asset from fazhi"
login_type=$(fetch "$furl/login" "$scratch/nginx/www/login.html") ||
	die "cannot fetch the login page from fazhi"
chmod -R a+rX "$scratch/nginx"

# --- nginx ------------------------------------------------------------
nport=$(free_port)
sed -e "s|@PREFIX@|$scratch/nginx|g" -e "s|@PORT@|$nport|g" \
	-e "s|@CSS_TYPE@|$css_type|g" -e "s|@LOGIN_TYPE@|$login_type|g" \
	"$here/nginx.conf.in" >"$scratch/nginx/nginx.conf"
"$nginx" -p "$scratch/nginx" -e "$scratch/nginx/error.log" \
	-c "$scratch/nginx/nginx.conf" 2>"$scratch/nginx/stderr.log" &
nginx_pid=$!
wait_port "$nport" "$nginx_pid" ||
	die "nginx did not start:" \
		"$(tail -n 20 "$scratch/nginx/error.log" \
			"$scratch/nginx/stderr.log" 2>/dev/null)"
nurl=http://127.0.0.1:$nport
say "nginx serving on $nurl (pid $nginx_pid)"

# Same bytes and type from both, or the comparison means nothing.
for p in /static/css/site.css /login; do
	t=$(fetch "$nurl$p" "$scratch/check") || die "nginx cannot serve $p"
	case $p in /login) f=login.html want=$login_type ;;
	*) f=site.css want=$css_type ;; esac
	cmp -s "$scratch/check" "$scratch/nginx/www/$f" ||
		die "nginx serves other bytes for $p"
	[ "$t" = "$want" ] || die "nginx serves $p as '$t', fazhi as '$want'"
done

# --- wrk --------------------------------------------------------------
# bench NAME URL: one wrk run; appends "NAME REQS ERRORS" to the results.
results=$scratch/results
bench() {
	local out rps errs
	out=$(wrk -t"$threads" -c"$conns" -d"${secs}s" "$2" 2>&1) ||
		die "wrk failed on $2: $out"
	rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
	errs=$(awk '/Non-2xx or 3xx responses:/ { n += $NF }
		/Socket errors:/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 }
		END { print n + 0 }' <<<"$out")
	[ -n "$rps" ] || die "no Requests/sec from wrk on $2: $out"
	printf '%s %s %s\n' "$1" "$rps" "$errs" >>"$results"
	say "$1: $rps req/s"
}

say "wrk -t$threads -c$conns -d${secs}s per target"
# a short warm-up so neither side pays for first touches in the figures
wrk -t1 -c4 -d1s "$furl/login" >/dev/null 2>&1 || true
wrk -t1 -c4 -d1s "$nurl/login" >/dev/null 2>&1 || true
bench fazhi_static "$furl/static/css/site.css"
bench nginx_static "$nurl/static/css/site.css"
bench fazhi_login "$furl/login"
bench nginx_login "$nurl/login"

kill -0 "$fazhi_pid" 2>/dev/null ||
	die "fazhi died during the run: $(tail -n 20 "$scratch/fazhi.err")"

echo
awk -v css="$(wc -c <"$scratch/nginx/www/site.css")" \
    -v login="$(wc -c <"$scratch/nginx/www/login.html")" '
{ rps[$1] = $2; err[$1] = $3 }
END {
	printf "%-28s %12s %8s\n", "target", "requests/s", "errors"
	split("fazhi_static nginx_static fazhi_login nginx_login", order, " ")
	label["fazhi_static"] = "fazhi /static/css/site.css"
	label["nginx_static"] = "nginx same bytes"
	label["fazhi_login"] = "fazhi /login"
	label["nginx_login"] = "nginx same bytes"
	for (i = 1; i <= 4; i++)
		printf "%-28s %12.0f %8d\n", label[order[i]], rps[order[i]],
			err[order[i]]
	printf "\n"
	printf "ratio static asset (%d B) fazhi/nginx: %.2f\n", css,
		rps["fazhi_static"] / rps["nginx_static"]
	printf "ratio login page (%d B) fazhi/nginx:   %.2f\n", login,
		rps["fazhi_login"] / rps["nginx_login"]
	for (k in err)
		if (err[k] > 0)
			printf "warning: %s had %d errors or non-2xx answers\n",
				label[k], err[k]
}' "$results"
