#!/bin/sh
# vendor-assets.sh: copy the front-end files the pages serve out of node_modules.
#
# Usage: scripts/vendor-assets.sh SRC_DIR OUT_DIR
#
# SRC_DIR is the repository root (holding node_modules), OUT_DIR the vendor
# directory the server loads under /static/vendor/.  A file is copied only
# when it is missing or its source changed; contents are compared rather
# than timestamps, since a package manager may install files with old ones,
# and an unchanged copy keeps its timestamp so nothing downstream rebuilds.  Without node_modules it warns and succeeds: the
# build must not fail over it, and the pages then work without htmx.
set -eu

if [ $# -ne 2 ]; then
	echo "usage: $0 SRC_DIR OUT_DIR" >&2
	exit 2
fi
src=$1/node_modules
out=$2

if [ ! -d "$src" ]; then
	echo "vendor-assets: warning: $src missing (run scripts/setup.sh);" \
		"pages will be served without htmx and charts" >&2
	exit 0
fi
mkdir -p "$out"

# source path under node_modules, then the name served under /static/vendor/
set -- \
	htmx.org/dist/htmx.min.js htmx.min.js \
	echarts/dist/echarts.min.js echarts.min.js

while [ $# -ge 2 ]; do
	from=$src/$1
	to=$out/$2
	shift 2
	if [ ! -f "$from" ]; then
		echo "vendor-assets: warning: $from missing" >&2
		continue
	fi
	if [ ! -f "$to" ] || ! cmp -s "$from" "$to"; then
		# Copy under a temporary name so a running server never reads
		# a half-written file.
		cp -p "$from" "$to.tmp.$$"
		mv -f "$to.tmp.$$" "$to"
	fi
done
