# web.sh: what the benchmarks that put fazhi next to nginx share — their
# settings, the tools they need, fetching a page's bytes to serve and
# starting nginx on them.
#
# Source it after lib.sh.  Sets secs, threads, conns and nginx from
# BENCH_SECONDS, BENCH_THREADS, BENCH_CONNECTIONS and NGINX.
# shellcheck shell=bash

secs=${BENCH_SECONDS:-10}
threads=${BENCH_THREADS:-2}
conns=${BENCH_CONNECTIONS:-64}
nginx=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}

command -v wrk >/dev/null || die "wrk not found (run scripts/setup.sh)"
command -v node >/dev/null || die "node not found (run scripts/setup.sh)"
[ -x "$nginx" ] || die "nginx not found (run scripts/setup.sh)"
[ -x "$bin" ] || die "no fazhi binary at $bin (build it, or set FAZHI_BIN)"

# fetch URL FILE: save the body, print the Content-Type; fail unless 200.
# Node's fetch says "node" as its User-Agent, which the portal does not
# count as a view, so fetching leaves visit counters alone.
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

# start_nginx: run nginx on $scratch/nginx/nginx.conf, which must listen
# on $nport; wait for it and set nginx_pid and nurl.
start_nginx() {
	"$nginx" -p "$scratch/nginx" -e "$scratch/nginx/error.log" \
		-c "$scratch/nginx/nginx.conf" 2>"$scratch/nginx/stderr.log" &
	nginx_pid=$!
	track_pid "$nginx_pid"
	wait_port "$nport" "$nginx_pid" ||
		die "nginx did not start:" \
			"$(tail -n 20 "$scratch/nginx/error.log" \
				"$scratch/nginx/stderr.log" 2>/dev/null)"
	nurl=http://127.0.0.1:$nport
	say "nginx serving on $nurl (pid $nginx_pid)"
}
