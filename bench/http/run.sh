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
# shellcheck source=bench/lib.sh
. "$here/../lib.sh"
# shellcheck source=bench/web.sh
. "$here/../web.sh"

# --- fazhi ------------------------------------------------------------
start_fazhi
furl=$fazhi_url

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
start_nginx

# Same bytes and type from both, or the comparison means nothing.
for p in /static/css/site.css /login; do
	t=$(fetch "$nurl$p" "$scratch/check") || die "nginx cannot serve $p"
	case $p in /login) f=login.html want=$login_type ;;
	*) f=site.css want=$css_type ;; esac
	cmp -s "$scratch/check" "$scratch/nginx/www/$f" ||
		die "nginx serves other bytes for $p"
	[ "$t" = "$want" ] || die "nginx serves $p as '$t', fazhi as '$want'"
done

# --- wrk ------------------------------------------------------------
say "wrk -t$threads -c$conns -d${secs}s per target"
# a short warm-up so neither side pays for first touches in the figures
wrk -t1 -c4 -d1s "$furl/login" >/dev/null 2>&1 || true
wrk -t1 -c4 -d1s "$nurl/login" >/dev/null 2>&1 || true
run_wrk fazhi_static "$furl/static/css/site.css"
run_wrk nginx_static "$nurl/static/css/site.css"
run_wrk fazhi_login "$furl/login"
run_wrk nginx_login "$nurl/login"

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
}' "$scratch/results"
