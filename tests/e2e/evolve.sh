#!/usr/bin/env bash
# Schema evolution on a database that holds rows, one case per directory
# of tests/e2e/evolve/: v1.schema, v2.schema, rows.sql (rows put in after
# v1 is applied), and expect:
#
#   ok [FLAGS...]                 v2's apply succeeds (with FLAGS), its
#                                 output matching the second line if any
#   refuse STATUS [FLAGS...]      v2's apply exits STATUS, its output
#                                 matches the extended regex on the
#                                 second line, and nothing changed
#
# and optionally keep.sql: a query whose output must be the same before
# and after the change (the rows kept).  An ok case is checked again by a
# second apply (nothing to do), verify (clean) and pg_dump --schema-only
# against a fresh v2 applied to an empty database.  Ends "N passed, N
# failed".  `evolve.sh NAME...` runs only those cases.
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD

passed=0 failed=0
ok()   { passed=$((passed + 1)); echo "ok: $*"; }
bad()  { failed=$((failed + 1)); echo "FAIL: $*"; }

work=$(mktemp -d /tmp/schemac-evolve.XXXXXX)
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
sql() { local db=$1; shift; psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" "$@"; }
# The catalog as pg_dump prints it, without what differs by history alone.
dump() {
  pg_dump --schema-only --no-owner -d "$1" | grep -v '^--' | grep -v '^$' \
    | grep -v 'schemactl' | grep -v '^.\(un\)\?restrict ' | sed '/^SET /d;/^SELECT pg_catalog.set_config/d'
}

build() {  # NAME FILE
  mkdir -p "$work/$1"
  cp "$2" "$work/$1/schema.schema"
  (cd "$work" && "$repo/bin/schemac" build "$1/schema.schema" -o "bin/$1") \
    >"$work/build-$1.log" 2>&1
}

cases=("$@")
[ ${#cases[@]} -eq 0 ] && cases=($(ls tests/e2e/evolve))

for name in "${cases[@]}"; do
  dir=tests/e2e/evolve/$name
  { read -r verb rest; read -r regex; } <"$dir/expect"
  if ! build "${name}_v1" "$dir/v1.schema" || ! build "${name}_v2" "$dir/v2.schema"; then
    bad "$name: build: $(cat "$work/build-${name}_v1.log" "$work/build-${name}_v2.log" | head -5)"
    continue
  fi
  v1=$work/bin/${name}_v1 v2=$work/bin/${name}_v2
  db=ev_$name fresh=fresh_$name
  createdb -T template0 "$db"; createdb -T template0 "$fresh"
  if ! out=$("$v1" apply --db "$(url "$db")" 2>&1); then
    bad "$name: v1 apply: $out"; continue
  fi
  [ -f "$dir/rows.sql" ] && sql "$db" -f "$dir/rows.sql" >/dev/null
  before=$( [ -f "$dir/keep.sql" ] && sql "$db" -f "$dir/keep.sql")
  if [ -f "$dir/keep.sql" ] && [ -z "$before" ]; then
    bad "$name: keep.sql returned nothing"; continue
  fi
  dump_v1=$(dump "$db")
  case $verb in
  ok)
    out=$("$v2" apply --db "$(url "$db")" $rest 2>&1); st=$?
    if [ $st -ne 0 ]; then bad "$name: v2 apply exit $st: $out"; continue; fi
    if [ -n "$regex" ] && ! grep -Eq -- "$regex" <<<"$out"; then
      bad "$name: v2 apply does not say /$regex/: $out"; continue
    fi
    after=$( [ -f "$dir/keep.sql" ] && sql "$db" -f "$dir/keep.sql")
    [ "$before" = "$after" ] && ok "$name: applied, rows kept" \
      || bad "$name: rows changed: before [$before] after [$after]"
    out=$("$v2" apply --db "$(url "$db")" 2>&1)
    grep -q ' 0 objects changed' <<<"$out" && ok "$name: second apply changes nothing" \
      || bad "$name: second apply: $out"
    out=$("$v2" verify --db "$(url "$db")" 2>&1); st=$?
    [ $st -eq 0 ] && ok "$name: verify clean" || bad "$name: verify exit $st: $out"
    "$v2" apply --db "$(url "$fresh")" >/dev/null 2>&1
    if diff <(dump "$db") <(dump "$fresh") >"$work/$name.dumpdiff"; then
      ok "$name: catalog equal to a fresh v2"
    else
      bad "$name: catalog differs from a fresh v2: $(head -20 "$work/$name.dumpdiff")"
    fi
    ;;
  refuse)
    read -r status flags <<<"$rest"
    out=$("$v2" apply --db "$(url "$db")" $flags 2>&1); st=$?
    if [ "$st" = "$status" ] && grep -Eq -- "$regex" <<<"$out"; then
      ok "$name: refused with exit $st"
    else
      bad "$name: expected exit $status matching /$regex/, got $st: $out"
    fi
    after=$( [ -f "$dir/keep.sql" ] && sql "$db" -f "$dir/keep.sql")
    [ "$before" = "$after" ] && [ "$dump_v1" = "$(dump "$db")" ] \
      && ok "$name: refusal changed nothing" || bad "$name: refusal changed the database"
    ;;
  *) bad "$name: unknown expectation $verb" ;;
  esac
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
