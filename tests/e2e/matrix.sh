#!/usr/bin/env bash
# The access matrix proven against a real PostgreSQL, cell by cell: for each
# project in schema/ (or those named), the tests `schemac matrix
# --emit-tests` derives from its matrix are added to a copy of the project,
# which is built there and applied to a fresh database that holds the
# Supabase stand-in and Supabase's default privileges (what the matrix
# assumes; docs/matrix.md); every test, the project's own included, must
# pass.  Nothing is written into the repository.
# Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD

passed=0 failed=0
ok()   { passed=$((passed + 1)); echo "ok: $*"; }
bad()  { failed=$((failed + 1)); echo "FAIL: $*"; }

work=$(mktemp -d -t schemac-matrix.XXXXXX)
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

# Supabase's default privileges in schema public (for the role that
# creates the objects), installed before the schema is applied.
defaults='alter default privileges in schema public
  grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public
  grant all on sequences to anon, authenticated, service_role;
alter default privileges in schema public
  grant all on functions to anon, authenticated, service_role;'

prove() {  # NAME
  local p=$1 dir="$work/$1"
  mkdir -p "$dir"
  cp -r "schema/$p" "$dir/$p"
  rm -f "$dir/$p/tests.schema"
  if ! "$repo/bin/schemac" matrix --emit-tests "schema/$p" \
       >"$dir/$p/matrix-tests.schema" 2>"$dir/emit.log"; then
    bad "$p: --emit-tests: $(cat "$dir/emit.log")"; return
  fi
  local n; n=$(grep -c '^test ' "$dir/$p/matrix-tests.schema")
  if ! (cd "$dir" && "$repo/bin/schemac" build "$p" -o "bin/$p") \
       >"$dir/build.log" 2>&1; then
    bad "$p: build with the emitted tests: $(head -n 20 "$dir/build.log")"; return
  fi
  createdb -T template0 "$p"
  psql_db "$p" -f src/platform/supabase.sql && psql_db "$p" -c "$defaults" \
    || { bad "$p: cannot install the stand-in"; return; }
  local out st
  out=$("$dir/bin/$p" apply test --db "$(url "$p")" 2>&1); st=$?
  local summary; summary=$(grep -E '^[0-9]+ tests, ' <<<"$out")
  if [ $st -eq 0 ] && grep -qE '^[0-9]+ tests, [0-9]+ passed, 0 failed$' <<<"$summary"; then
    ok "$p: $n matrix tests; $summary"
  else
    bad "$p (exit $st): $(grep -v '^PASS\|^apply:' <<<"$out" | head -n 40)"
  fi
}

# --- the command line ---------------------------------------------------
printf 'table t { id int; grant select to nobody; }\n' >"$work/bad.schema"
out=$(bin/schemac matrix "$work/bad.schema" 2>/dev/null); st=$?
[ $st -eq 1 ] && [ -z "$out" ] \
  && ok "an error in the input: exit 1, nothing printed" \
  || bad "matrix of a bad schema (exit $st): $out"
bin/schemac matrix --format xml schema/enorae >/dev/null 2>&1; st=$?
[ $st -eq 2 ] && ok "an unknown format: exit 2" || bad "--format xml: exit $st"
json=$(bin/schemac matrix --format json schema/enorae)
got=$(psql -X -At -d postgres -v j="$json" <<'SQL'
select count(*) > 0 and bool_and(
  (select array_agg(k order by k) from json_object_keys(c) k)
  = array['access', 'command', 'granted', 'policies', 'restrictive', 'role', 'table'])
from json_array_elements(:'j'::json -> 'cells') c;
SQL
)
[ "$got" = t ] && ok "--format json: valid JSON, cells with exactly the seven keys" \
  || bad "--format json is not the documented JSON: $got"

projects=("$@")
[ ${#projects[@]} -gt 0 ] || projects=($(cd schema && ls -d */ | tr -d /))
for p in "${projects[@]}"; do
  prove "$p"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
