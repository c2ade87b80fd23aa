#!/usr/bin/env bash
# run.sh — the server check (schemac check without --no-server): mistakes
# that PostgreSQL rejects at apply, each reported by check at its line.
#
#   tests/server/cases/NAME.schema  a mistake; `schemac check` must exit 1,
#                                   print nothing on stdout and exactly
#                                   NAME.err on stderr, both on its own
#                                   throwaway server and with --db on a
#                                   running one (where it leaves no scratch
#                                   database behind);
#   NAME.compiler                   present when the compiler's own checks
#                                   find the mistake: `check --no-server`
#                                   must then fail too; without it,
#                                   `check --no-server` must pass, which
#                                   shows that the server check is what
#                                   finds it.
#
# Then, whatever NAMEs are given: --format json carries the errors and
# their notes; an unreachable --db is a usage error; an
# executable built with --no-server names the refused declaration at plan
# and apply; the throwaway server leaves nothing in TMPDIR; its first
# initdb is kept (SCHEMACTL_CACHE) and later ones start from a copy.
#
#   tests/server/run.sh [NAME...]
#   UPDATE=1 tests/server/run.sh NAME   rewrites NAME.err from what check
#                                       says now; review the diff
#
# Needs PostgreSQL 15 and plpgsql_check (scripts/install-deps.sh). Starts
# its own server for the --db runs (scripts/pg-tmp.sh). Environment:
# SCHEMAC (default bin/schemac). Last line: `N passed, N failed`.
# Exit status: 0 all passed, 1 some failed, 2 usage error.
set -uo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
cd -- "$here/../.." || exit 2
dir=tests/server/cases
schemac=${SCHEMAC:-bin/schemac}
[ -x "$schemac" ] || { echo "run.sh: compiler not found: $schemac" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/server.XXXXXX") || exit 2
chmod 755 "$tmp"
cleanup() { scripts/pg-tmp.sh stop "$tmp/pg" >/dev/null 2>&1; rm -rf -- "$tmp"; }
trap cleanup EXIT
eval "$(scripts/pg-tmp.sh start "$tmp/pg")" || exit 2
db="postgresql:///postgres?host=$PGHOST&port=$PGPORT&user=postgres"

names=()
if [ $# -gt 0 ]; then
	names=("$@")
else
	for f in "$dir"/*.schema; do names+=("$(basename "$f" .schema)"); done
fi

passed=0
failed=0
fail() { printf 'FAIL %s: %s\n' "$1" "$2"; failed=$((failed + 1)); }

# One run of check; $1 the case, the rest check's options.
expect_err() {
	local name=$1 how=$2
	shift 2
	"$schemac" check "$@" "$dir/$name.schema" >"$tmp/out" 2>"$tmp/err"
	local st=$?
	if [ -n "${UPDATE:-}" ] && [ "$how" = embedded ]; then
		cp "$tmp/err" "$dir/$name.err"
	fi
	if [ $st -ne 1 ]; then
		fail "$name" "$how: exit $st, not 1: $(head -3 "$tmp/err")"
	elif [ -s "$tmp/out" ]; then
		fail "$name" "$how: printed on stdout"
	elif [ ! -f "$dir/$name.err" ]; then
		fail "$name" "missing $dir/$name.err (UPDATE=1 writes it)"
	elif ! cmp -s "$tmp/err" "$dir/$name.err"; then
		fail "$name" "$how: diagnostics differ:"
		diff "$dir/$name.err" "$tmp/err" | sed 's/^/    /'
	else
		return 0
	fi
	return 1
}

scratch_left() {
	psql -X -At -d "$db" -c "SELECT count(*) FROM pg_database
		WHERE datname LIKE 'schemac_check_%'" 2>/dev/null
}

for name in "${names[@]}"; do
	[ -f "$dir/$name.schema" ] || { fail "$name" "no $dir/$name.schema"; continue; }
	expect_err "$name" embedded || continue
	expect_err "$name" "--db" --db "$db" || continue
	if [ "$(scratch_left)" != 0 ]; then
		fail "$name" "--db left a scratch database"
		continue
	fi
	"$schemac" check --no-server "$dir/$name.schema" >/dev/null 2>&1
	st=$?
	if [ -f "$dir/$name.compiler" ] && [ $st -ne 1 ]; then
		fail "$name" "check --no-server exit $st: the compiler should find it"
	elif [ ! -f "$dir/$name.compiler" ] && [ $st -ne 0 ]; then
		fail "$name" "check --no-server exit $st: mark it $name.compiler"
	else
		passed=$((passed + 1))
	fi
done

# A --db that cannot be reached is a usage error (2), said in one line.
name=db-unreachable
"$schemac" check --db "postgresql:///postgres?host=$tmp/none" \
	"$dir/view-of-view-column.schema" >/dev/null 2>"$tmp/err"
st=$?
if [ $st -eq 2 ] && grep -q '^schemac: error: server check: cannot connect to --db' "$tmp/err"; then
	passed=$((passed + 1))
else
	fail "$name" "exit $st: $(head -2 "$tmp/err")"
fi

# --format json: the server's error at its line and column, its HINT a
# note.
name=json
"$schemac" check --format json "$dir/view-of-view-column.schema" \
	>"$tmp/out" 2>/dev/null
if grep -q '"line": 13, "column": 28, "severity": "error", "message": "column \\"emial\\" does not exist"' "$tmp/out" &&
	grep -q '"message": "hint: Perhaps you meant to reference the column \\"user_emails.email\\"."' "$tmp/out"; then
	passed=$((passed + 1))
else
	fail "$name" "$(head -5 "$tmp/out")"
fi

# The same mapping at apply: an executable built without the server check
# names the declaration the server refuses, with its HINT, both where it
# plans on a scratch database (plan) and where it applies (apply).
name=apply-mapping
case=$dir/view-of-view-column.schema
if ! "$schemac" build --no-server "$case" -o "$tmp/bin/vv" --sql-dir "$tmp" \
	--pgc-dir "$tmp" --build-dir "$tmp/build" >/dev/null 2>"$tmp/err"; then
	fail "$name" "build: $(head -2 "$tmp/err")"
else
	psql -X -q -d "$db" -c "CREATE DATABASE applied" >/dev/null
	target="postgresql:///applied?host=$PGHOST&port=$PGPORT&user=postgres"
	"$tmp/bin/vv" plan --db "$target" >/dev/null 2>"$tmp/plan"; st_plan=$?
	"$tmp/bin/vv" apply --db "$target" >/dev/null 2>"$tmp/apply"; st_apply=$?
	want_plan="vv: $case:12:6: declared schema: column \"emial\" does not exist
  hint: Perhaps you meant to reference the column \"user_emails.email\"."
	if [ $st_plan -ne 2 ] || [ "$(cat "$tmp/plan")" != "$want_plan" ]; then
		fail "$name" "plan exit $st_plan: $(cat "$tmp/plan")"
	elif [ $st_apply -ne 3 ] ||
		! grep -qx '  hint: Perhaps you meant to reference the column "user_emails.email".' "$tmp/apply" ||
		! grep -qx "  declared at $case:12:6" "$tmp/apply"; then
		fail "$name" "apply exit $st_apply: $(cat "$tmp/apply")"
	else
		passed=$((passed + 1))
	fi
fi

# Nothing of the throwaway server is left behind (TMPDIR says where it
# goes; /dev/shm otherwise).
name=nothing-left
mkdir -m 755 "$tmp/base"
TMPDIR=$tmp/base "$schemac" check "$dir/plpgsql-column.schema" >/dev/null 2>&1
left=$(ls -A "$tmp/base")
if [ -z "$left" ]; then
	passed=$((passed + 1))
else
	fail "$name" "left behind in TMPDIR: $left"
fi

# The throwaway server's first initdb is kept (SCHEMACTL_CACHE) and later
# ones start from a copy of it, which stays as initdb left it; the empty
# SCHEMACTL_CACHE keeps nothing.
name=kept-cluster
case=$dir/plpgsql-column.schema
SCHEMACTL_CACHE=$tmp/cache "$schemac" check "$case" >/dev/null 2>&1
kept=$(find "$tmp/cache" -mindepth 1 -maxdepth 1 -name 'cluster-*' 2>/dev/null)
SCHEMACTL_CACHE=$tmp/cache "$schemac" check "$case" 2>"$tmp/err" >/dev/null
SCHEMACTL_CACHE= HOME=$tmp/home "$schemac" check "$case" >/dev/null 2>&1
if [ -z "$kept" ] || [ ! -f "$kept/data/PG_VERSION" ]; then
	fail "$name" "no cluster kept in SCHEMACTL_CACHE"
elif [ -e "$kept/data/postmaster.pid" ] ||
	grep -q schemactl "$kept/data/postgresql.conf"; then
	fail "$name" "the kept cluster was started or configured"
elif ! cmp -s "$tmp/err" "$dir/plpgsql-column.err"; then
	fail "$name" "from the kept cluster: $(head -3 "$tmp/err")"
elif [ -e "$tmp/home" ]; then
	fail "$name" "SCHEMACTL_CACHE= kept something: $(find "$tmp/home" | head -3)"
else
	passed=$((passed + 1))
fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
