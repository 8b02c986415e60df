#!/bin/bash
# item.sh: a portal item page from fazhi next to nginx serving its bytes.
#
# Usage: bench/portal/item.sh            (builds nothing)
#
# Starts `fazhi serve` on a demo data directory, follows the first item
# link of /gk/ (the newest published item), saves the page once, has nginx
# serve those bytes as a static file at the same path with the same
# Content-Type, and runs wrk against both in the same run.  The fazhi page
# is dynamic: every request counts a view and writes the current count
# into the page, which each worker renders (item, QR code, share links)
# at most once per the page cache's 5 seconds.  wrk sends a browser's User-Agent so that the views
# count (a missing User-Agent is a script's and is not counted); after the
# run the script waits for the batch flush and checks that the stored
# count rose by the number of requests wrk made.
#
# Environment:
#   FAZHI_BIN          server binary (default: build-release/fazhi)
#   BENCH_SECONDS      duration of each wrk run (default 10)
#   BENCH_THREADS      wrk threads (default 2)
#   BENCH_CONNECTIONS  wrk connections (default 64)
#   BENCH_ITEM         the item's path (default: the first item of /gk/)
#   NGINX              nginx binary (default: nginx on PATH or /usr/sbin)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${FAZHI_BIN:-$root/build-release/fazhi}
ua='Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'
# shellcheck source=bench/lib.sh
. "$here/../lib.sh"
# shellcheck source=bench/web.sh
. "$here/../web.sh"

command -v sqlite3 >/dev/null || die "sqlite3 not found (apt-get install sqlite3)"

# The stored count of the item (what a flush has written).
stored() {
	sqlite3 -readonly "$scratch/data/fazhi.db" \
		"SELECT visits FROM publications WHERE index_no = '$index_no'"
}

# The count the page shows (stored plus not yet stored).
shown() {
	fetch "$furl$item" "$scratch/shown.html" >/dev/null ||
		die "cannot fetch $item"
	grep -o 'class="gk-visits">[0-9]*' "$scratch/shown.html" |
		grep -o '[0-9]*$'
}

# settle: wait until every counted view is stored (the page shows what
# the table holds), at most 10 s; print the stored count.
settle() {
	local _ s
	for _ in $(seq 50); do
		s=$(stored)
		[ "$s" = "$(shown)" ] && { echo "$s"; return 0; }
		sleep 0.2
	done
	die "views not stored 10 s after the run (stored $s, shown $(shown))"
}

# --- fazhi ------------------------------------------------------------
start_fazhi
furl=$fazhi_url
grep -q '^db = sqlite:' "$scratch/data/fazhi.conf" ||
	die "the demo data is not on SQLite; cannot read the stored count"

mkdir -p "$scratch/nginx/www" "$scratch/nginx/tmp"
if [ -n "${BENCH_ITEM:-}" ]; then
	item=$BENCH_ITEM
else
	fetch "$furl/gk/" "$scratch/gk.html" >/dev/null ||
		die "cannot fetch /gk/ from fazhi"
	item=$(grep -o 'href="/gk/i/[^"]*"' "$scratch/gk.html" | head -n 1 |
		sed -e 's/^href="//' -e 's/"$//')
	[ -n "$item" ] || die "no item linked from /gk/ (no demo items?)"
fi
case $item in
/gk/i/*[!A-Za-z0-9/_.-]*) die "item path $item needs escaping" ;;
/gk/i/?*) ;;
*) die "not an item path: $item" ;;
esac
index_no=${item#/gk/i/}
page_type=$(fetch "$furl$item" "$scratch/nginx/www/item.html") ||
	die "cannot fetch $item from fazhi"
chmod -R a+rX "$scratch/nginx"
say "item $item ($(wc -c <"$scratch/nginx/www/item.html") bytes)"

# --- nginx ------------------------------------------------------------
# As bench/http/nginx.conf.in: a production static server at its best.
nport=$(free_port)
cat >"$scratch/nginx/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes auto;
pid $scratch/nginx/nginx.pid;
error_log $scratch/nginx/error.log warn;
events {
	worker_connections 1024;
}
http {
	access_log off;
	server_tokens off;
	sendfile on;
	tcp_nopush on;
	tcp_nodelay on;
	keepalive_timeout 65;
	keepalive_requests 1000000;
	open_file_cache max=64 inactive=60s;
	open_file_cache_valid 60s;
	client_body_temp_path $scratch/nginx/tmp/body;
	proxy_temp_path $scratch/nginx/tmp/proxy;
	fastcgi_temp_path $scratch/nginx/tmp/fastcgi;
	uwsgi_temp_path $scratch/nginx/tmp/uwsgi;
	scgi_temp_path $scratch/nginx/tmp/scgi;
	server {
		listen 127.0.0.1:$nport reuseport;
		location = $item {
			types { }
			default_type "$page_type";
			alias $scratch/nginx/www/item.html;
		}
		location / {
			return 404;
		}
	}
}
EOF
start_nginx

t=$(fetch "$nurl$item" "$scratch/check") || die "nginx cannot serve $item"
cmp -s "$scratch/check" "$scratch/nginx/www/item.html" ||
	die "nginx serves other bytes for $item"
[ "$t" = "$page_type" ] || die "nginx serves '$t', fazhi '$page_type'"

# --- wrk ------------------------------------------------------------
say "wrk -t$threads -c$conns -d${secs}s per target, User-Agent of a browser"
# a short warm-up so neither side pays for first touches in the figures
wrk -t1 -c4 -d1s -H "User-Agent: $ua" "$furl$item" >/dev/null 2>&1 || true
wrk -t1 -c4 -d1s -H "User-Agent: $ua" "$nurl$item" >/dev/null 2>&1 || true
before=$(settle)
run_wrk fazhi_item "$furl$item" -H "User-Agent: $ua"
run_wrk nginx_item "$nurl$item" -H "User-Agent: $ua"

kill -0 "$fazhi_pid" 2>/dev/null ||
	die "fazhi died during the run: $(tail -n 20 "$scratch/fazhi.err")"

# Every answered request was a counted view; a request wrk sent but did
# not wait for at the end may be counted too (at most one a connection).
made=$(awk '/ requests in / { print $1 }' "$scratch/wrk-fazhi_item.txt")
after=$(settle)

echo
awk -v size="$(wc -c <"$scratch/nginx/www/item.html")" -v item="$item" \
    -v made="$made" -v rose="$((after - before))" -v conns="$conns" '
{ rps[$1] = $2; err[$1] = $3 }
END {
	printf "%-28s %12s %8s\n", "target", "requests/s", "errors"
	printf "%-28s %12.0f %8d\n", "fazhi item page", rps["fazhi_item"],
		err["fazhi_item"]
	printf "%-28s %12.0f %8d\n", "nginx same bytes", rps["nginx_item"],
		err["nginx_item"]
	printf "\n"
	printf "item %s (%d B)\n", item, size
	printf "ratio item page fazhi/nginx: %.2f\n",
		rps["fazhi_item"] / rps["nginx_item"]
	ok = rose >= made && rose <= made + conns
	printf "views stored after the flush: +%d for %d requests%s\n",
		rose, made, ok ? "" : " (MISMATCH)"
	for (k in err)
		if (err[k] > 0)
			printf "warning: %s had %d errors or non-2xx answers\n",
				k, err[k]
}' "$scratch/results"
