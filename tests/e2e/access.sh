#!/usr/bin/env bash
# End-to-end tests of access tests (`test` blocks and the `test` command) on
# a real PostgreSQL: the project in tests/e2e/access is built twice, with
# passing tests only (schema/) and with one test that fails on purpose
# (schema/ and failing/).  Checks the PASS and FAIL lines with their
# file:line:col, the summary, the exit statuses, that nothing a test did is
# left behind, that tests change neither the SQL nor its checksum, and the
# refusal to test a database that does not verify clean, whoever applied it.
# Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD

passed=0 failed=0
ok()   { passed=$((passed + 1)); echo "ok: $*"; }
bad()  { failed=$((failed + 1)); echo "FAIL: $*"; }

work=$(mktemp -d -t schemac-access.XXXXXX)
chmod 755 "$work"
cleanup() {
  scripts/pg-tmp.sh stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# Built in the scratch directory, from a copy, so that the repository's
# generated/ and pgc/ stay as they are and FAIL lines name relative paths.
cp -r tests/e2e/access "$work/access"
build() {  # NAME PATH...
  local name=$1
  shift
  (cd "$work" && "$repo/bin/schemac" build "$@" -o "bin/$name") \
    >"$work/build-$name.log" 2>&1 || { cat "$work/build-$name.log"; exit 1; }
}
build access access/schema
build access_fail access/schema access/failing
build library "$repo/tests/integration/cases/library/schema"

env_lines=$(scripts/pg-tmp.sh start "$work/pg") || { echo "cannot start PostgreSQL"; exit 1; }
eval "$env_lines"
export PGHOST PGPORT PGUSER
url() { echo "postgresql:///$1?host=$PGHOST&port=$PGPORT&user=$PGUSER"; }
sql() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }
createdb -T template0 acc

# --- tests are no schema ----------------------------------------------
cmp -s "$work/generated/access.sql" "$work/generated/access_fail.sql" \
  && ok "a test block adds nothing to the canonical SQL" \
  || bad "canonical SQL differs with a test block added"
sum() { grep -o '"[0-9a-f]\{64\}"' "$work/pgc/$1.pgc" | head -n 1; }
[ -n "$(sum access)" ] && [ "$(sum access)" = "$(sum access_fail)" ] \
  && ok "a test block leaves the checksum alone" \
  || bad "checksums differ: $(sum access) $(sum access_fail)"
grep -q '^     "SELECT count(q::text) FROM (\\n"$' "$work/pgc/access.pgc" \
  && grep -q '^    "access/schema/tests.schema",$' "$work/pgc/access.pgc" \
  && grep -Eq '^    \{SCTL_STEP_ROWS, .*, [0-9]+, 6, 3,$' "$work/pgc/access.pgc" \
  && ok "test statements are carried as data, located at the step" \
  || bad "no carried, located test statement in pgc/access.pgc"

# --- before apply: refused --------------------------------------------
out=$("$work/bin/access" test --install-platform-shim --db "$(url acc)" 2>&1); st=$?
[ $st -eq 2 ] && grep -q 'does not hold this schema (.* differ; `verify` lists them); run apply first' <<<"$out" \
  && ok "test on a database without the schema: exit 2, says apply first" \
  || bad "test before apply (exit $st): $out"

# --- passing tests ----------------------------------------------------
out=$("$work/bin/access" apply test --db "$(url acc)" 2>&1); st=$?
want='PASS test "owners see only their own notes"
PASS test "anon may not write"
PASS test "role and claims last one step"
3 tests, 3 passed, 0 failed'
[ $st -eq 0 ] && [ "$(grep -v '^apply:' <<<"$out")" = "$want" ] \
  && ok "apply test: three tests pass, exit 0" \
  || bad "apply test (exit $st): $out"

# --- a failing test ---------------------------------------------------
want='PASS test "owners see only their own notes"
PASS test "anon may not write"
PASS test "role and claims last one step"
FAIL access/failing/failing.schema:6:3: test "strangers read nothing": expected 1 rows, got 0
FAIL access/failing/failing.schema:8:3: test "strangers read nothing": expected error 23505, got 0 rows
FAIL access/failing/failing.schema:9:3: test "strangers read nothing": expected error 23505, got 42501: permission denied for table items
FAIL access/failing/failing.schema:10:3: test "strangers read nothing": setup failed: null value in column "owner_id" of relation "items" violates not-null constraint
4 tests, 3 passed, 1 failed'
out=$("$work/bin/access_fail" apply test --db "$(url acc)" 2>&1); st=$?
got=$(grep -v '^apply:' <<<"$out")
[ $st -eq 1 ] && [ "$got" = "$want" ] \
  && ok "a failing test: FAIL lines at file:line:col, summary, exit 1" \
  || bad "failing test (exit $st): $(diff <(echo "$want") <(echo "$got"))"
grep -q '^apply: 0 statements run' <<<"$out" \
  && ok "the same schema with tests applies nothing new" \
  || bad "apply of the same schema with tests: $out"

# --- nothing is left behind -------------------------------------------
n=$(sql acc "select count(*) from notes.items")
[ "$n" = 0 ] && ok "rows the tests wrote were rolled back" || bad "$n rows left in notes.items"
[ "$(sql acc "select to_regclass('notes.items') is not null and to_regclass('notes.scratch') is null")" = t ] \
  && ok "a table a test created was rolled back" || bad "notes.scratch left behind"
out=$("$work/bin/access" test --db "$(url acc)" 2>&1); st=$?
[ $st -eq 0 ] && grep -q '^3 tests, 3 passed, 0 failed$' <<<"$out" \
  && ok "test again: the same results" || bad "second test run (exit $st): $out"
"$work/bin/access" verify --db "$(url acc)" >/dev/null 2>&1 \
  && ok "verify after the tests is clean" || bad "verify after the tests"

# --- identity is the schema, not the executable's name --------------
# history says another project applied last; an executable built from
# the same schema under another name, which never applied anything here,
# runs the tests, since verify is clean.
sql acc "insert into schemactl.history (project, checksum, changes) values ('access', 'feedfacefeedface', 0)"
build access_other access/schema
out=$("$work/bin/access_other" test --db "$(url acc)" 2>&1); st=$?
[ $st -eq 0 ] && grep -q '^3 tests, 3 passed, 0 failed$' <<<"$out" \
  && ok "test by another executable of the same schema on a clean database" \
  || bad "test by another executable (exit $st): $out"

# --- a database that differs from the schema is refused --------------
sql acc "alter policy \"owners read their notes\" on notes.items using (true)"
out=$("$work/bin/access" test --db "$(url acc)" 2>&1); st=$?
[ $st -eq 2 ] && grep -q 'does not hold this schema (1 object differs; `verify` lists them); run apply first' <<<"$out" \
  && ok "test on a database that differs from the schema: exit 2" \
  || bad "test on a database that differs (exit $st): $out"
"$work/bin/access" apply --db "$(url acc)" >/dev/null 2>&1

# --- no tests, and a throwaway server ---------------------------------
createdb -T template0 lib
"$work/bin/library" apply --db "$(url lib)" >/dev/null 2>&1
out=$("$work/bin/library" test --db "$(url lib)" 2>&1); st=$?
[ $st -eq 0 ] && [ "$out" = "0 tests, 0 passed, 0 failed" ] \
  && ok "a project without tests: 0 tests, exit 0" || bad "no tests (exit $st): $out"
out=$("$work/bin/access" apply test --embedded 2>&1); st=$?
[ $st -eq 0 ] && grep -q '^3 tests, 3 passed, 0 failed$' <<<"$out" \
  && ok "apply test --embedded" || bad "apply test --embedded (exit $st): $out"
out=$("$work/bin/access" test --help 2>&1); st=$?
[ $st -eq 0 ] && grep -q 'always rolled back' <<<"$out" \
  && ok "test --help" || bad "test --help (exit $st): $out"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
