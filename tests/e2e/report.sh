#!/usr/bin/env bash
# The executable's report, for each project in schema/ (or those named):
# applied to a database holding the Supabase stand-in and Supabase's
# default privileges (what the declared matrix assumes, docs/matrix.md),
# the live access matrix must equal the declared one cell by cell, verify
# find nothing and every test pass; after a grant is revoked behind the
# schema's back the report must show the cell that changed and exit 1.
# Each page is rendered by headless Chromium to a PNG (kept in
# $REPORT_PNG_DIR when set, to look at), with no console message.
# Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD

passed=0 failed=0
ok()   { passed=$((passed + 1)); echo "ok: $*"; }
bad()  { failed=$((failed + 1)); echo "FAIL: $*"; }

work=$(mktemp -d /tmp/schemac-report.XXXXXX)
chmod 755 "$work"
cleanup() {
  scripts/pg-tmp.sh stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

env_lines=$(scripts/pg-tmp.sh start "$work/pg") || { echo "cannot start PostgreSQL"; exit 1; }
eval "$env_lines"
export PGHOST PGPORT PGUSER
url() { echo "postgresql:///$1?host=$PGHOST&port=$PGPORT&user=$PGUSER"; }
psql_db() { psql -X -q -v ON_ERROR_STOP=1 -d "$@" >/dev/null; }

defaults='alter default privileges in schema public
  grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public
  grant all on sequences to anon, authenticated, service_role;
alter default privileges in schema public
  grant all on functions to anon, authenticated, service_role;'

browser=$(command -v chromium || command -v chromium-browser || true)

# Renders DIR/index.html to PNG; fails on a console message or no image.
render() {  # DIR PNG
  [ -n "$browser" ] || { echo "no chromium"; return 1; }
  timeout 120 "$browser" --headless=new --no-sandbox --disable-gpu \
    --hide-scrollbars --enable-logging=stderr --v=0 --window-size=1400,2400 \
    --user-data-dir="$work/chromium" --screenshot="$2" "file://$1/index.html" \
    >"$work/chromium.log" 2>&1
  [ -s "$2" ] && ! grep -q 'CONSOLE' "$work/chromium.log"
}

projects=("$@")
[ ${#projects[@]} -eq 0 ] && projects=($(ls schema))

for p in "${projects[@]}"; do
  createdb -T template0 "r_$p"
  psql_db "r_$p" -f src/platform/supabase.sql && psql_db "r_$p" -c "$defaults" \
    || { bad "$p: cannot install the stand-in"; continue; }
  dir="$work/$p"
  out=$("bin/$p" apply report -o "$dir" --db "$(url "r_$p")" 2>&1); st=$?
  line=$(grep '^report: ' <<<"$out")
  # The projects' own tests are written for the stand-in without Supabase's
  # default privileges (docs/matrix.md), so some fail here: the report
  # must count them as `test` does, and exit 1 then.
  tests=$("bin/$p" test --db "$(url "r_$p")" 2>&1 | grep -E '^[0-9]+ tests, ')
  pass=$(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"$tests")
  fail=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$tests")
  want=$([ "$fail" = 0 ] && echo 0 || echo 1)
  if [ "$st" = "$want" ] && grep -q ": 0 differences, 0 access cells differ, $pass tests passed, $fail failed" <<<"$line"; then
    ok "$p: the live access matrix is the declared one; $line"
  else
    bad "$p: report (exit $st, test says: $tests): $(grep -v '^PASS' <<<"$out" | head -n 20)"
  fi
  cells=$(grep -c '<td class=' "$dir/index.html")
  [ "$cells" -gt 0 ] && ! grep -q '<script' "$dir/index.html" \
    && grep -q '<svg' "$dir/index.html" \
    && ok "$p: a static page with $cells matrix cells and an inline diagram" \
    || bad "$p: page has $cells cells, or a script, or no diagram"
  png=${REPORT_PNG_DIR:-$work}/$p.png
  render "$dir" "$png" && ok "$p: rendered by Chromium without console messages" \
    || bad "$p: rendering: $(tail -n 5 "$work/chromium.log")"
done

# A privilege taken behind the schema's back shows as the cell it changes.
p=${projects[0]}
table=$(psql -X -At -d "r_$p" -c "select n.nspname || '.' || c.relname from pg_class c
  join pg_namespace n on n.oid = c.relnamespace where c.relkind = 'r'
  and has_table_privilege('authenticated', c.oid, 'SELECT')
  and has_schema_privilege('authenticated', n.oid, 'USAGE')
  and n.nspname not in ('auth', 'storage', 'extensions', 'schemactl',
    'pg_catalog', 'information_schema') order by 1 limit 1")
if [ -n "$table" ]; then
  psql_db "r_$p" -c "revoke select on $table from authenticated"
  out=$("bin/$p" report -o "$work/tampered" --db "$(url "r_$p")" 2>&1); st=$?
  # the outlined cell must be in the section of that very table
  section=$(awk -v h="<h3>table $table " 'index($0, h) == 1 { on = 1; next }
    /^<h3>/ { on = 0 } on' "$work/tampered/index.html")
  if [ $st -eq 1 ] && grep -Eq ' [1-9][0-9]* access cells differ' <<<"$out" \
     && grep -q 'differs">[^<]*<span class="live">live: none</span>' <<<"$section"; then
    ok "$p: a revoked grant on $table shows in the report (exit 1)"
  else
    bad "$p: tampered report (exit $st): $(grep '^report' <<<"$out")"
  fi
else
  bad "$p: no table readable by authenticated to tamper with"
fi

# The page is written whole or not at all: an unwritable place is an error.
out=$("bin/$p" report -o /proc/no-such-dir --db "$(url "r_$p")" 2>&1); st=$?
[ $st -eq 2 ] && grep -q 'cannot make /proc/no-such-dir' <<<"$out" \
  && ok "an unwritable report directory: exit 2, one line" \
  || bad "unwritable report directory (exit $st): $out"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
