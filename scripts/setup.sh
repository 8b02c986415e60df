#!/bin/sh
# setup.sh: install what Fazhi needs to build, run and test on Debian 12.
#
# Usage: scripts/setup.sh [--runtime-only]
#
# Idempotent and non-interactive: it asks dpkg which packages are missing,
# installs only those (one `apt-get update` first, only when something is
# missing), then runs `npm ci` when node_modules is absent or older than
# package-lock.json.  With everything present it does nothing and is quick.
#
# --runtime-only installs only what `make run` needs: compiler, C libraries,
# OpenCC data, node and npm (the server serves htmx from node_modules).
# The default also installs what the tests and benchmarks use: PostgreSQL,
# nginx, wrk, Chromium with CJK fonts and clang's fuzzer runtime.
set -eu

runtime_only=0
for arg in "$@"; do
	case "$arg" in
	--runtime-only) runtime_only=1 ;;
	-h|--help)
		sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
		exit 0 ;;
	*)
		echo "setup: unknown option: $arg" >&2
		exit 2 ;;
	esac
done

root=$(cd "$(dirname "$0")/.." && pwd)

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: %s\n' "$*" >&2; exit 1; }

runtime_pkgs="build-essential cmake pkg-config libevent-dev libsqlite3-dev
	sqlite3 libpq-dev libjansson-dev libssl-dev openssl libopencc-dev opencc
	libxlsxwriter-dev libcmocka-dev zlib1g-dev libqrencode-dev john-data
	libzip-dev libexpat1-dev ca-certificates"
# fonts-noto-cjk: browser tests screenshot Chinese pages, which would
# otherwise render as empty boxes; poppler-utils: they read the text of
# printed pages (pdftotext).
test_pkgs="postgresql-15 nginx-light wrk chromium fonts-noto-cjk clang
	libclang-rt-14-dev poppler-utils"

# A node from outside Debian (e.g. a vendor repository or a manual install)
# is kept when it is recent enough: Debian's nodejs/npm would conflict.
node_ok=0
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
	major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null ||
		echo 0)
	[ "$major" -ge 18 ] 2>/dev/null && node_ok=1
fi

want=$runtime_pkgs
[ "$runtime_only" = 1 ] || want="$want $test_pkgs"
[ "$node_ok" = 1 ] || want="$want nodejs npm"

command -v dpkg-query >/dev/null 2>&1 ||
	die "dpkg-query not found: this script supports Debian 12 only"

# dpkg-query prints nothing for packages it has never heard of, so anything
# not reported as installed ("ii") counts as missing.
# shellcheck disable=SC2086 # word splitting of the lists is intended
installed=" $(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' $want \
	2>/dev/null | awk '$1 == "ii" { printf "%s ", $2 }')"
missing=
for p in $want; do
	case $installed in
	*" $p "*) ;;
	*) missing="$missing $p" ;;
	esac
done

if [ -z "$missing" ]; then
	say "system packages: all present"
else
	if [ "$(id -u)" = 0 ]; then
		sudo=
	elif command -v sudo >/dev/null 2>&1; then
		# -n: never prompt when nobody is there to answer.
		if [ -t 0 ]; then sudo=sudo; else sudo="sudo -n"; fi
	else
		die "missing packages:$missing (run as root or install sudo)"
	fi
	apt="$sudo env DEBIAN_FRONTEND=noninteractive apt-get -q -y \
		-o DPkg::Lock::Timeout=300 \
		-o Dpkg::Options::=--force-confdef \
		-o Dpkg::Options::=--force-confold"
	say "apt-get update"
	$apt update >/dev/null || die "apt-get update failed"
	say "installing:$missing"
	# shellcheck disable=SC2086
	$apt install --no-install-recommends $missing >/dev/null ||
		die "apt-get install failed:$missing"
fi

command -v npm >/dev/null 2>&1 || die "npm not found after install"
cd "$root"
if [ ! -f package-lock.json ]; then
	say "npm packages: no package-lock.json, skipped"
elif [ ! -f node_modules/.package-lock.json ] || [ -n "$(find \
	package-lock.json -newer node_modules/.package-lock.json)" ]; then
	say "npm ci"
	npm ci --no-audit --no-fund --loglevel=error >/dev/null ||
		die "npm ci failed"
else
	say "npm packages: up to date"
fi
