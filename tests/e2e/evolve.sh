#!/usr/bin/env bash
# Schema evolution on a database that holds rows, one case per directory
# of tests/e2e/evolve/, in one of two forms:
#
#   v1.schema, v2.schema          a small schema before and after, or
#   project, v2.patch             a project of schema/ (its name in
#                                 `project`) as v1, and a unified diff that
#                                 `patch -p1` applies to a copy of it to
#                                 give v2 (errors then name schema/NAME/...)
#
# with rows.sql (rows put in after v1 is applied; on a project they must
# satisfy its foreign keys and checks: auth.users first on Supabase), and
# expect:
#
#   ok [FLAGS...]                 v2's apply succeeds (with FLAGS), its
#                                 output matching the second line if any
#   refuse STATUS [FLAGS...]      v2's apply exits STATUS, its output
#                                 matches the extended regex on the
#                                 second line, and nothing changed
#
# and optionally keep.sql: a query whose output must be the same before
# and after the change (the rows kept), and after.sql: a query whose output
# after an ok change must be after.expected (e.g. the values a backfill
# gave).  An ok case is checked again by verify (clean right after the
# change), a second apply (nothing to do) and pg_dump --schema-only against
# a fresh v2 applied to an empty database.
#
# A file known-bug (one line: what fails) marks a case that shows a bug of
# the product: it is run, and reported "skipped (known bug)" with its first
# failure while it fails; once it passes, delete known-bug.
#
# A project's v1 is built and applied once per run; each of its cases
# starts from a copy of that database.  A job compiles the cases'
# executables ahead of them, and an ok case's fresh v2 is applied while its
# live database changes.  Ends "N passed, N failed".
# `evolve.sh NAME...` runs only those cases.
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD

passed=0 failed=0 skipped=0
# Checks of the current case; they count once the case is over.
case_passed=0 case_failures=()
ok()  { case_passed=$((case_passed + 1)); echo "ok: $*"; }
bad() { case_failures+=("$*"); }

work=$(mktemp -d /tmp/schemac-evolve.XXXXXX)
chmod 755 "$work"
compiler= fresh_job=
cleanup() {
  touch "$work/stop"
  [ -n "$compiler" ] && wait "$compiler" 2>/dev/null
  [ -n "$fresh_job" ] && wait "$fresh_job" 2>/dev/null
  scripts/pg-tmp.sh stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

env_lines=$(scripts/pg-tmp.sh start "$work/pg") || { echo "cannot start PostgreSQL"; exit 1; }
eval "$env_lines"
export PGHOST PGPORT PGUSER
url() { echo "postgresql:///$1?host=$PGHOST&port=$PGPORT&user=$PGUSER"; }
sql() { local db=$1; shift; psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" "$@"; }
# The catalog as pg_dump prints it, without what differs by history alone;
# fails (saying why) when pg_dump does, so two failed dumps never compare
# equal.
dump() {  # DB
  if ! pg_dump --schema-only --no-owner -d "$1" -f "$work/dump.sql" 2>"$work/dump.err"; then
    echo "pg_dump $1 failed: $(head -3 "$work/dump.err")"; return 1
  fi
  grep -v '^--' "$work/dump.sql" | grep -v '^$' \
    | grep -v 'schemactl' | grep -v '^.\(un\)\?restrict ' | sed '/^SET /d;/^SELECT pg_catalog.set_config/d'
}

# Builds DIR/bin/exe from SOURCE (relative to DIR), so that errors name
# SOURCE's files; the log is DIR/build.log.
build() {  # DIR SOURCE
  (cd "$1" && "$repo/bin/schemac" build "$2" -o bin/exe) >"$1/build.log" 2>&1
}

# Marks DIR done: `built`, or `failed` holding why (written whole, then
# renamed, so a reader never sees half of it).
built() { touch "$1/built"; }
failed() { echo "$2" >"$1/failed.tmp" && mv "$1/failed.tmp" "$1/failed"; }

# Compiles what case NAME needs into $work/case-NAME: v2 (a project's patched
# copy, or v2.schema) and, for a one-file case, v1; a project's v1 goes to
# $work/v1-P, once.  Run by the compiler job below, ahead of the cases.
compile_case() {  # NAME
  local name=$1 dir=tests/e2e/evolve/$1 cw=$work/case-$1
  mkdir -p "$cw/v1" "$cw/v2"
  if [ -f "$dir/project" ]; then
    local p d
    read -r p <"$dir/project"
    [ -d "schema/$p" ] || { failed "$cw" "no project schema/$p"; return; }
    d=$work/v1-$p
    if [ ! -e "$d/built" ] && [ ! -e "$d/failed" ]; then
      mkdir -p "$d/schema"
      cp -R "schema/$p" "$d/schema/$p"
      if build "$d" "schema/$p"; then built "$d"; else failed "$d" "$(head -5 "$d/build.log")"; fi
    fi
    [ -e "$d/failed" ] && { failed "$cw" "v1 build: $(cat "$d/failed")"; return; }
    mkdir -p "$cw/v2/schema"
    cp -R "schema/$p" "$cw/v2/schema/$p"
    if ! patch -p1 -s --batch --forward --no-backup-if-mismatch -r - \
        -d "$cw/v2/schema/$p" <"$dir/v2.patch" >"$cw/patch.log" 2>&1; then
      failed "$cw" "v2.patch does not apply: $(head -5 "$cw/patch.log")"; return
    fi
    build "$cw/v2" "schema/$p" || { failed "$cw" "v2 build: $(head -5 "$cw/v2/build.log")"; return; }
  else
    cp "$dir/v1.schema" "$cw/v1/schema.schema"
    cp "$dir/v2.schema" "$cw/v2/schema.schema"
    build "$cw/v1" schema.schema || { failed "$cw" "v1 build: $(head -5 "$cw/v1/build.log")"; return; }
    build "$cw/v2" schema.schema || { failed "$cw" "v2 build: $(head -5 "$cw/v2/build.log")"; return; }
  fi
  built "$cw"
}

# Waits until DIR is built (0) or failed (1, why on stdout); fails too when
# the compiler job is gone without saying.
await() {  # DIR
  until [ -e "$1/built" ] || [ -e "$1/failed" ]; do
    if ! kill -0 "$compiler" 2>/dev/null && [ ! -e "$1/built" ] && [ ! -e "$1/failed" ]; then
      echo "the compiler job stopped before $1"; return 1
    fi
    sleep 0.1
  done
  [ -e "$1/built" ] || { cat "$1/failed"; return 1; }
}

# The database tmpl_P holding project P's v1, made once per run; each case
# copies it.
project_v1() {  # P
  local p=$1 d=$work/v1-$1
  [ -f "$d/ready" ] && return 0
  [ -f "$d/unusable" ] && { cat "$d/unusable"; return 1; }
  await "$d" || return 1
  createdb -T template0 "tmpl_$p"
  if ! "$d/bin/exe" apply --install-platform-shim --db "$(url "tmpl_$p")" >"$d/apply.log" 2>&1; then
    echo "v1 apply: $(tail -5 "$d/apply.log")" | tee "$d/unusable"; return 1
  fi
  touch "$d/ready"
}

# Sets v1, v2, shim and case_db (a database holding v1) for case NAME in
# DIR, or prints why not and fails.
prepare() {  # NAME DIR
  local name=$1 dir=$2 cw=$work/case-$1
  case_db=ev_$name
  await "$cw" || return 1
  v2=$cw/v2/bin/exe
  if [ -f "$dir/project" ]; then
    local p
    read -r p <"$dir/project"
    project_v1 "$p" || return 1
    v1=$work/v1-$p/bin/exe shim=--install-platform-shim
    createdb -T "tmpl_$p" "$case_db"
  else
    v1=$cw/v1/bin/exe shim=
    createdb -T template0 "$case_db"
    local out
    out=$("$v1" apply --db "$(url "$case_db")" 2>&1) || { echo "v1 apply: $out"; return 1; }
  fi
}

run_case() {  # NAME
  local name=$1 dir=tests/e2e/evolve/$1 verb rest regex out st before after dump_v1
  { read -r verb rest; read -r regex; } <"$dir/expect"
  # Not in $(...): prepare sets variables of this shell.
  if ! prepare "$name" "$dir" >"$work/why-$name" 2>&1; then
    bad "$name: $(cat "$work/why-$name")"; return
  fi
  local db=$case_db fresh=fresh_$name
  if [ -f "$dir/rows.sql" ] && ! out=$(sql "$db" -f "$dir/rows.sql" 2>&1); then
    bad "$name: rows.sql: $out"; return
  fi
  before=$( [ -f "$dir/keep.sql" ] && sql "$db" -f "$dir/keep.sql")
  if [ -f "$dir/keep.sql" ] && [ -z "$before" ]; then
    bad "$name: keep.sql returned nothing"; return
  fi
  case $verb in
  ok)
    out=$("$v2" apply --db "$(url "$db")" $rest 2>&1); st=$?
    if [ $st -ne 0 ]; then bad "$name: v2 apply exit $st: $out"; return; fi
    # The fresh v2 it is compared with is made meanwhile (not during the
    # apply: two stand-ins installed at once race on the cluster's roles).
    createdb -T template0 "$fresh"
    ( "$v2" apply $shim --db "$(url "$fresh")" >"$work/fresh-$name.log" 2>&1
      echo $? >"$work/fresh-$name.rc" ) &
    fresh_job=$!
    if [ -n "$regex" ] && ! grep -Eq -- "$regex" <<<"$out"; then
      bad "$name: v2 apply does not say /$regex/: $out"; return
    fi
    if [ -f "$dir/keep.sql" ]; then
      after=$(sql "$db" -f "$dir/keep.sql")
      [ "$before" = "$after" ] && ok "$name: applied, rows kept" \
        || bad "$name: rows changed: before [$before] after [$after]"
    else
      ok "$name: applied (no keep.sql: no rows compared)"
    fi
    if [ -f "$dir/after.sql" ]; then
      out=$(sql "$db" -f "$dir/after.sql" 2>&1)
      [ "$out" = "$(cat "$dir/after.expected")" ] && ok "$name: after.sql gives after.expected" \
        || bad "$name: after.sql gave [$out], expected [$(cat "$dir/after.expected")]"
    fi
    out=$("$v2" verify --db "$(url "$db")" 2>&1); st=$?
    [ $st -eq 0 ] && ok "$name: verify clean" || bad "$name: verify exit $st: $out"
    out=$("$v2" apply --db "$(url "$db")" 2>&1)
    grep -q ' 0 objects changed' <<<"$out" && ok "$name: second apply changes nothing" \
      || bad "$name: second apply: $out"
    wait "$fresh_job"; fresh_job=
    if [ "$(cat "$work/fresh-$name.rc")" != 0 ]; then
      bad "$name: fresh v2 apply: $(cat "$work/fresh-$name.log")"; return
    fi
    dump "$db" >"$work/$name.live" || { bad "$name: $(cat "$work/$name.live")"; return; }
    dump "$fresh" >"$work/$name.fresh" || { bad "$name: $(cat "$work/$name.fresh")"; return; }
    if diff "$work/$name.live" "$work/$name.fresh" >"$work/$name.dumpdiff"; then
      ok "$name: catalog equal to a fresh v2"
    else
      bad "$name: catalog differs from a fresh v2: $(head -20 "$work/$name.dumpdiff")"
    fi
    ;;
  refuse)
    local status flags
    read -r status flags <<<"$rest"
    dump_v1=$(dump "$db") || { bad "$name: $dump_v1"; return; }
    out=$("$v2" apply --db "$(url "$db")" $flags 2>&1); st=$?
    if [ "$st" = "$status" ] && grep -Eq -- "$regex" <<<"$out"; then
      ok "$name: refused with exit $st"
    else
      bad "$name: expected exit $status matching /$regex/, got $st: $out"
    fi
    after=$( [ -f "$dir/keep.sql" ] && sql "$db" -f "$dir/keep.sql")
    local dump_after
    dump_after=$(dump "$db") || { bad "$name: $dump_after"; return; }
    [ "$before" = "$after" ] && [ "$dump_v1" = "$dump_after" ] \
      && ok "$name: refusal changed nothing" || bad "$name: refusal changed the database"
    ;;
  *) bad "$name: unknown expectation $verb" ;;
  esac
}

cases=("$@")
[ ${#cases[@]} -eq 0 ] && cases=($(ls tests/e2e/evolve))

# The compiler job builds every case's executables in order, while the
# cases run; cleanup stops it between two cases.
( for name in "${cases[@]}"; do
    [ -e "$work/stop" ] && break
    compile_case "$name"
  done ) &
compiler=$!

fresh_job=
for name in "${cases[@]}"; do
  case_passed=0 case_failures=()
  run_case "$name"
  [ -n "$fresh_job" ] && { wait "$fresh_job"; fresh_job=; }
  bug=tests/e2e/evolve/$name/known-bug
  if [ ${#case_failures[@]} -eq 0 ]; then
    passed=$((passed + case_passed))
    [ -f "$bug" ] && echo "FIXED $name passes now: delete $bug"
  elif [ -f "$bug" ]; then
    skipped=$((skipped + 1))
    echo "skipped (known bug): $name — $(head -n 1 "$bug")"
    echo "    first failure: $(head -n 3 <<<"${case_failures[0]}")"
  else
    passed=$((passed + case_passed))
    failed=$((failed + ${#case_failures[@]}))
    for f in "${case_failures[@]}"; do echo "FAIL: $f"; done
  fi
done

[ "$skipped" -gt 0 ] && echo "$skipped skipped (known bugs, see tests/e2e/evolve/*/known-bug)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
