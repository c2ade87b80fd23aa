#!/usr/bin/env bash
# compare-catalog.sh — does the compiled schema produce exactly the catalog
# that the hand-written SQL produces?
#
#   tests/integration/compare-catalog.sh SCHEMA_DIR HANDWRITTEN_SQL
#
# Applies `schemac sql SCHEMA_DIR` to one database and HANDWRITTEN_SQL to
# another (each in one transaction, stopping at the first error), installing
# src/platform/supabase.sql into both first when a .schema file declares
# `platform supabase;`. Then compares `pg_dump --schema-only --no-owner` of
# the two; comments and grants are part of the comparison.
#
# With PGHOST and PGPORT set it uses that server (run.sh shares one cluster
# across cases) and names the databases CASE_compiled / CASE_handwritten,
# dropping them afterwards; otherwise it starts its own throwaway cluster with
# databases compiled / handwritten and removes it on any exit.
#
# Environment: DATA_TABLES (schema.table ...: also compares their rows,
# `pg_dump --data-only`), SCHEMAC (compiler; default bin/schemac in the repository),
# CASE_NAME (label; default the name of HANDWRITTEN_SQL's directory),
# SUPABASE_SHIM (default src/platform/supabase.sql).
# Exit status: 0 catalogs match, 1 they differ or applying failed, 2 usage or
# environment error.
set -euo pipefail

prog=compare-catalog.sh
root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
pgtmp=$root/scripts/pg-tmp.sh

die() {
	local code=$1
	shift
	printf '%s: %s\n' "$prog" "$*" >&2
	exit "$code"
}

[ $# -eq 2 ] || {
	printf 'usage: %s SCHEMA_DIR HANDWRITTEN_SQL\n' "$prog" >&2
	exit 2
}
schema=$1
hand=$2
schemac=${SCHEMAC:-$root/bin/schemac}
shim=${SUPABASE_SHIM:-$root/src/platform/supabase.sql}
[ -e "$schema" ] || die 2 "no such schema directory: $schema"
[ -f "$hand" ] || die 2 "no such file: $hand"
[ -x "$schemac" ] || die 2 "compiler not found: $schemac (build it first, or set SCHEMAC)"
case_name=${CASE_NAME:-$(basename -- "$(cd -- "$(dirname -- "$hand")" && pwd -P)")}
bindir=$("$pgtmp" bindir)

pgdir=
work=
dropdbs=
cleanup() {
	if [ -n "$dropdbs" ]; then
		"$bindir/dropdb" --if-exists "$db_compiled" || true
		"$bindir/dropdb" --if-exists "$db_hand" || true
	fi
	if [ -n "$pgdir" ]; then "$pgtmp" stop "$pgdir" || true; fi
	if [ -n "$work" ]; then rm -rf -- "$work"; fi
}
trap cleanup EXIT
# Turn signals into a normal exit so the EXIT trap tears everything down.
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

work=$(mktemp -d)
if [ -n "${PGHOST:-}" ] && [ -n "${PGPORT:-}" ]; then
	# Identifier-safe and short enough that neither suffix is cut at 63 bytes.
	base=$(printf '%s' "$case_name" | tr -c 'A-Za-z0-9_' '_' | tr '[:upper:]' '[:lower:]' | cut -c1-40)
	db_compiled=${base}_compiled
	db_hand=${base}_handwritten
	dropdbs=1
else
	# Not inside $work: as root the cluster directory must belong to postgres.
	pgdir=$(mktemp -d)
	env=$("$pgtmp" start "$pgdir") || exit 2
	eval "$env"
	db_compiled=compiled
	db_hand=handwritten
fi
# Keep NOTICEs (e.g. "drop ... skipping") out of the report.
export PGOPTIONS="${PGOPTIONS:+$PGOPTIONS }-c client_min_messages=warning"

psql_file() { # DB FILE
	"$bindir/psql" -X -v ON_ERROR_STOP=1 -1 -q -d "$1" -f "$2"
}

rc=0
"$schemac" sql "$schema" >"$work/compiled.sql" || rc=$?
[ "$rc" -eq 0 ] || die 1 "$case_name: '$schemac sql $schema' failed (exit $rc)"

for db in "$db_compiled" "$db_hand"; do
	"$bindir/dropdb" --if-exists "$db"
	"$bindir/createdb" -T template0 "$db"
done

if grep -rqsE --include='*.schema' '^[[:space:]]*platform[[:space:]]+supabase[[:space:]]*;' -- "$schema"; then
	[ -f "$shim" ] || die 2 "$case_name: platform supabase declared but $shim is missing"
	for db in "$db_compiled" "$db_hand"; do
		psql_file "$db" "$shim" || die 1 "$case_name: installing $shim into $db failed"
	done
fi

psql_file "$db_compiled" "$work/compiled.sql" ||
	die 1 "$case_name: applying the compiled SQL failed (line numbers refer to '$schemac sql $schema')"
psql_file "$db_hand" "$hand" || die 1 "$case_name: applying $hand failed"

# pg_dump since 15.14 wraps its output in \restrict/\unrestrict with a random
# key; a fixed key keeps the two dumps comparable byte for byte.
restrict=()
# (No `| grep -q` here: under pipefail its early exit would fail pg_dump.)
if [[ $("$bindir/pg_dump" --help) == *--restrict-key* ]]; then
	restrict=(--restrict-key=schemaccompare)
fi
# Normalise only what legitimately differs between the two databases: the
# database's own name (pg_dump prints none without --create, but be sure) and
# the version headers.
dump() { # DB OUT
	"$bindir/pg_dump" --schema-only --no-owner "${restrict[@]}" -d "$1" |
		sed -E -e '/^-- Dumped (from database|by pg_dump) version /d' \
			-e "s/(DATABASE|\\\\connect) \"?$1\"?([^A-Za-z0-9_\$\"]|\$)/\\1 :DBNAME\\2/g" >"$2"
}
dump "$db_hand" "$work/handwritten.dump"
dump "$db_compiled" "$work/compiled.dump"

if ! diff -u --label "$case_name/handwritten" --label "$case_name/compiled" \
	"$work/handwritten.dump" "$work/compiled.dump"; then
	printf 'FAIL: %s catalogs differ (- handwritten, + compiled)\n' "$case_name"
	exit 1
fi
n=$(grep -cE '^(CREATE|ALTER|COMMENT|GRANT) ' "$work/compiled.dump" || true)
# DATA_TABLES (space-separated, schema.table): their rows compared too.
if [ -n "${DATA_TABLES:-}" ]; then
	tables=()
	for t in $DATA_TABLES; do tables+=(-t "$t"); done
	data() { # DB OUT
		"$bindir/pg_dump" --data-only --no-owner "${restrict[@]}" "${tables[@]}" -d "$1" |
			sed -E -e '/^-- Dumped (from database|by pg_dump) version /d' >"$2"
	}
	data "$db_hand" "$work/handwritten.data"
	data "$db_compiled" "$work/compiled.data"
	if ! diff -u --label "$case_name/handwritten" --label "$case_name/compiled" \
		"$work/handwritten.data" "$work/compiled.data"; then
		printf 'FAIL: %s rows differ (- handwritten, + compiled)\n' "$case_name"
		exit 1
	fi
	rows=$(grep -cvE '^(--|SET |SELECT |COPY |\\\.|$|\\(un)?restrict)' "$work/compiled.data" || true)
	n="$n objects; $rows rows match"
else
	n="$n objects"
fi
printf 'ok: %s catalogs match (%s)\n' "$case_name" "$n"
