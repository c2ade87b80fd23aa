#!/usr/bin/env bash
# pg-tmp.sh — a throwaway PostgreSQL 15 cluster for tests and the main job.
#
#   scripts/pg-tmp.sh start DIR   initdb into DIR/data and start a server that
#                                 listens only on a unix socket in DIR; waits
#                                 until it accepts connections, then prints
#                                   PGHOST='DIR' PGPORT='N' PGUSER='postgres'; export ...
#                                 for eval. DIR must be new or empty.
#   scripts/pg-tmp.sh stop DIR    stops it (fast) and removes DIR. Succeeds when
#                                 DIR is gone already or the start failed half
#                                 way, so callers can put it in a trap.
#
# Environment: PG_BINDIR (server binaries; default: pg_config --bindir when it
# is PostgreSQL 15, else /usr/lib/postgresql/15/bin), PGTMP_PORT (port number;
# default derived from DIR).
# Exit status: 0 success, 1 the server failed, 2 usage or environment error.
set -euo pipefail

prog=pg-tmp.sh
# start writes this first; stop deletes only directories that carry it, so a
# mistyped DIR can never be wiped.
marker=.pg-tmp

die() {
	local code=$1
	shift
	printf '%s: %s\n' "$prog" "$*" >&2
	exit "$code"
}

usage() {
	printf 'usage: %s start|stop DIR | %s bindir\n' "$prog" "$prog" >&2
	exit 2
}

pg_bindir() {
	local v
	if [ -n "${PG_BINDIR:-}" ]; then
		printf '%s\n' "$PG_BINDIR"
		return
	fi
	# /usr/bin/pg_config may belong to another major version; only trust a 15.
	if v=$(pg_config --version 2>/dev/null) && [[ $v == "PostgreSQL 15."* ]]; then
		pg_config --bindir
		return
	fi
	printf '%s\n' /usr/lib/postgresql/15/bin
}

is_root() { [ "$(id -u)" -eq 0 ]; }

# PostgreSQL refuses to run as root, so as root the server and initdb run as
# the postgres system user. Run from DIR: the caller's cwd may be unreadable
# for postgres (e.g. /root).
as_owner() {
	if is_root; then
		(cd -- "$dir" && runuser -u postgres -- "$@")
	else
		(cd -- "$dir" && "$@")
	fi
}

# Deterministic per DIR so reruns are reproducible. The socket lives in DIR and
# there is no TCP listener, so clusters in different directories may share a
# number; the range merely keeps clear of the usual 5432.
pick_port() {
	local sum
	if [ -n "${PGTMP_PORT:-}" ]; then
		printf '%s\n' "$PGTMP_PORT"
		return
	fi
	sum=$(printf '%s' "$dir" | cksum)
	printf '%s\n' $((20000 + ${sum%% *} % 10000))
}

pick_locale() {
	# grep without -q reads all input, so pipefail never sees a SIGPIPE.
	if locale -a 2>/dev/null | grep -ix 'c\.utf-\?8' >/dev/null; then
		printf 'C.UTF-8\n'
	else
		printf 'C\n'
	fi
}

show_log() {
	local f
	for f in "$@"; do
		[ -s "$f" ] || continue
		printf '%s: --- %s (last 30 lines)\n' "$prog" "$f" >&2
		tail -n 30 -- "$f" >&2
	done
}

start() {
	local port loc
	if [ ! -x "$bindir/initdb" ] || [ ! -x "$bindir/pg_ctl" ]; then
		die 2 "PostgreSQL 15 server binaries not found in $bindir (run scripts/install-deps.sh)"
	fi
	mkdir -p -- "$dir"
	dir=$(cd -- "$dir" && pwd -P)
	[ -z "$(ls -A -- "$dir")" ] || die 2 "$dir is not empty"
	: >"$dir/$marker"
	# The path goes into postgresql.conf inside single quotes.
	case $dir in *[\'\\]* | *[[:space:]]*) die 2 "unsupported characters in $dir" ;; esac
	port=$(pick_port)
	# sun_path holds 107 bytes plus NUL.
	[ $((${#dir} + ${#port} + 10)) -le 107 ] || die 2 "path too long for a unix socket: $dir"
	if is_root; then
		id -u postgres >/dev/null 2>&1 || die 2 "running as root needs the postgres system user (package postgresql-common)"
		chown postgres:postgres -- "$dir" "$dir/$marker"
		runuser -u postgres -- test -w "$dir" ||
			die 2 "user postgres cannot reach $dir; use a directory below /tmp"
	fi
	loc=$(pick_locale)
	# --no-sync: nothing here must survive a crash.
	if ! as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 \
		--locale="$loc" --no-sync --no-instructions >"$dir/initdb.log" 2>&1; then
		show_log "$dir/initdb.log"
		die 1 "initdb failed"
	fi
	# Durability off: a crash loses nothing we care about. No TCP at all.
	cat >>"$dir/data/postgresql.conf" <<EOF

# pg-tmp.sh: throwaway cluster
listen_addresses = ''
unix_socket_directories = '$dir'
port = $port
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
autovacuum = off
jit = off
# big schemas are applied in one transaction
max_locks_per_transaction = 1024
log_min_messages = warning
EOF
	if ! as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -s start >/dev/null 2>&1; then
		show_log "$dir/server.log"
		die 1 "server did not start (run: $prog stop $dir)"
	fi
	printf "PGHOST='%s' PGPORT='%s' PGUSER='postgres'; export PGHOST PGPORT PGUSER\n" "$dir" "$port"
}

# Last resort when pg_ctl cannot stop the server (binaries gone, runuser
# failing): signal the postmaster named in our own pid file, but only after
# checking that this pid really is a postgres serving our data directory.
kill_postmaster() {
	local pid i
	pid=$(head -n 1 -- "$dir/data/postmaster.pid" 2>/dev/null) || return 0
	case $pid in '' | *[!0-9]*) return 0 ;; esac
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -F -- "$dir/data" >/dev/null || return 0
	kill -QUIT "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 10; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.5
	done
	printf '%s: postmaster %s ignored SIGQUIT; killing it\n' "$prog" "$pid" >&2
	kill -KILL "$pid" 2>/dev/null || true
}

stop() {
	[ -e "$dir" ] || return 0
	dir=$(cd -- "$dir" && pwd -P)
	if [ ! -e "$dir/$marker" ]; then
		# A failed start may have left only the empty directory behind.
		rmdir -- "$dir" 2>/dev/null && return 0
		die 1 "$dir was not made by $prog; leaving it alone"
	fi
	if [ -f "$dir/data/postmaster.pid" ]; then
		as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 30 -s stop >/dev/null 2>&1 ||
			kill_postmaster
	fi
	rm -rf -- "$dir"
}

bindir=$(pg_bindir)
if [ $# -eq 1 ] && [ "$1" = bindir ]; then
	printf '%s\n' "$bindir"
	exit 0
fi
if [ $# -ne 2 ] || [ -z "$2" ]; then usage; fi
dir=$2
case $1 in
start) start ;;
stop) stop ;;
*) usage ;;
esac
