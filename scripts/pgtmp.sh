#!/bin/bash
# pgtmp.sh: start and stop a throwaway PostgreSQL 15 cluster for tests
#
#   scripts/pgtmp.sh start DIR   create a cluster in DIR (new or empty),
#                                print its URL on stdout (one line)
#   scripts/pgtmp.sh stop DIR    stop it and remove DIR
#
# The cluster listens on 127.0.0.1 only, on a free port the script finds by
# trying (so several clusters in different DIRs may start at once), keeps
# its unix socket inside DIR, trusts every local connection (it holds only
# test data) and runs with fsync, synchronous_commit and full_page_writes
# on, as production must.  PostgreSQL refuses to run as root, so when the
# caller is root the cluster belongs to the `postgres` user.
set -eu

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
MARK=.pgtmp-cluster

usage() {
	echo "usage: $0 start|stop DIR" >&2
	exit 2
}

# Run a PostgreSQL program as the cluster's owner.
as_owner() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# A port number in 20000..59999 from the kernel's random source.
random_port() {
	local n
	n=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
	echo $((20000 + n % 40000))
}

start() {
	local dir=$1 port url i

	if [ -e "$dir" ] && [ -n "$(ls -A "$dir")" ]; then
		echo "pgtmp: $dir exists and is not empty" >&2
		exit 1
	fi
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	touch "$dir/$MARK"
	# unix socket paths are limited to 107 bytes
	if [ ${#dir} -gt 80 ]; then
		echo "pgtmp: path $dir is too long for a socket" >&2
		rm -rf "$dir"
		exit 1
	fi
	if [ "$(id -u)" = 0 ]; then
		chown postgres:postgres "$dir"
		if ! runuser -u postgres -- test -w "$dir"; then
			echo "pgtmp: user postgres cannot reach $dir" >&2
			rm -rf "$dir"
			exit 1
		fi
	fi
	# The server's own tools must not inherit a directory they cannot
	# read (e.g. /root) as their working directory.
	cd /

	if ! as_owner "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust \
		-E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1; then
		cat "$dir/initdb.log" >&2
		rm -rf "$dir"
		exit 1
	fi
	as_owner mkdir -p "$dir/sock"
	as_owner tee -a "$dir/data/postgresql.conf" >/dev/null <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir/sock'
fsync = on
synchronous_commit = on
full_page_writes = on
shared_buffers = 32MB
max_connections = 40
logging_collector = off
EOF

	# Two clusters may pick the same port at once: the loser of the
	# race fails to bind and tries another.
	for i in $(seq 1 20); do
		port=$(random_port)
		rm -f "$dir/server.log"
		if as_owner "$PGBIN/pg_ctl" -D "$dir/data" \
			-l "$dir/server.log" -o "-p $port" -w -t 60 \
			start >/dev/null 2>&1; then
			break
		fi
		port=
		if ! grep -q "could not bind\|could not create any TCP" \
			"$dir/server.log" 2>/dev/null; then
			break
		fi
	done
	if [ -z "$port" ]; then
		echo "pgtmp: the server did not start" >&2
		cat "$dir/server.log" >&2 2>/dev/null || true
		# pg_ctl may have given up waiting on a server that lives on
		stop "$dir"
		exit 1
	fi
	echo "$port" >"$dir/port"

	if ! as_owner "$PGBIN/createdb" -h "$dir/sock" -p "$port" \
		-U postgres fazhi >&2; then
		stop "$dir"
		exit 1
	fi
	url="postgresql://postgres@127.0.0.1:$port/fazhi"
	echo "$url"
}

stop() {
	local dir=$1

	if [ ! -d "$dir" ]; then
		echo "pgtmp: no cluster in $dir" >&2
		exit 1
	fi
	dir=$(cd "$dir" && pwd)
	# Never remove a directory this script did not create.
	if [ ! -e "$dir/$MARK" ]; then
		echo "pgtmp: $dir was not made by pgtmp.sh; not touching it" >&2
		exit 1
	fi
	cd /
	if [ -e "$dir/data/postmaster.pid" ]; then
		as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 \
			stop >/dev/null 2>&1 ||
		as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w \
			stop >/dev/null 2>&1 || true
	fi
	if [ -e "$dir/data/postmaster.pid" ]; then
		echo "pgtmp: the server in $dir would not stop" >&2
		exit 1
	fi
	rm -rf "$dir"
}

[ $# -eq 2 ] || usage
case $1 in
start) start "$2" ;;
stop) stop "$2" ;;
*) usage ;;
esac
