#!/usr/bin/env bash
# Migration files and rollback on a real server, with rows in the tables.
#
#   schemac diff v1 v2 | psql -v ON_ERROR_STOP=1  on v1-with-rows gives the
#       catalog of a fresh v2 (pg_dump --schema-only) and keeps the rows;
#       diff v2 v1 back (data loss refused, then allowed) gives v1's;
#   bin/v2 apply, then bin/v2 rollback: v1's catalog, v1 verifies clean,
#       refusals and "nothing earlier" tested for exit status and message;
#   REV:PATH from a temporary git repository; -o DIR --name NAME and
#       --format supabase file names; nothing half written or left behind
#       (temporary directories, servers), a signal included;
#   every ok case of tests/e2e/evolve through `schemac diff` and psql (with
#   the flags of the case's diff-flags file, if any), and
#       every refused one: refused by diff, or failing in psql with nothing
#       changed.
# Ends "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
schemac=$repo/bin/schemac
cases=tests/e2e/migrate

passed=0 failed=0
ok()   { passed=$((passed + 1)); echo "ok: $*"; }
bad()  { failed=$((failed + 1)); echo "FAIL: $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }

work=$(mktemp -d /tmp/schemac-migrate.XXXXXX)
chmod 755 "$work"
cleanup() {
  scripts/pg-tmp.sh stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

env_lines=$(scripts/pg-tmp.sh start "$work/pg") || { echo "cannot start PostgreSQL"; exit 1; }
eval "$env_lines"
export PGHOST PGPORT PGUSER
# Whatever schemac diff and the executables leave in TMPDIR shows here.
export TMPDIR=$work/tmp
mkdir -p "$TMPDIR"; chmod 777 "$TMPDIR"
url() { echo "postgresql:///$1?host=$PGHOST&port=$PGPORT&user=$PGUSER"; }
sql() { local db=$1; shift; psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" "$@"; }
# The catalog as pg_dump prints it, without schemactl's own tables (a
# database psql made has none).
dump() {
  pg_dump --schema-only --no-owner --exclude-schema=schemactl -d "$1" \
    | grep -v '^--' | grep -v '^$' | grep -v '^.\(un\)\?restrict ' \
    | sed '/^SET /d;/^SELECT pg_catalog.set_config/d'
}
tmp_empty() { [ -z "$(ls -A "$TMPDIR")" ]; }
fresh() {  # DB SQLFILE: a new database made by psql from canonical SQL
  createdb -T template0 "$1" && sql "$1" -1 -f "$2" >/dev/null
}
same_dump() { diff <(dump "$1") <(dump "$2") >"$work/dumpdiff"; }

# The two versions as one project "shop" at two places, as a repository
# holds one project at two commits.
for v in v1 v2; do
  mkdir -p "$work/$v/schema"
  cp "$cases/$v.schema" "$work/$v/schema/shop.schema"
  (cd "$work/$v" && "$schemac" build schema -o bin/shop >/dev/null &&
     "$schemac" sql schema > shop.sql) || { echo "cannot build $v"; exit 1; }
done
v1=$work/v1/bin/shop v2=$work/v2/bin/shop
keep="select id, note from items order by id"

# ---------------------------------------------------- diff v1 v2 and back
fresh fresh1 "$work/v1/shop.sql"; fresh fresh2 "$work/v2/shop.sql"
fresh live "$work/v1/shop.sql"; sql live -f "$cases/rows.sql"
rows_before=$(sql live -c "$keep")

cd "$work"
"$schemac" diff v1/schema v2/schema >m12.sql 2>m12.err; st=$?
cd "$repo"
check "diff v1 v2 exits 0 ($(head -c 300 "$work/m12.err"))" [ $st -eq 0 ]
check "diff v1 v2 names each statement's source" \
  grep -q '^-- source: v2/schema/shop.schema:4$' "$work/m12.sql"
check "diff v1 v2 has its own BEGIN and COMMIT" \
  [ "$(grep -c '^BEGIN;$' "$work/m12.sql")" = 1 -a "$(grep -c '^COMMIT;$' "$work/m12.sql")" = 1 ]
check "the concurrent index comes after the COMMIT" \
  awk '/^COMMIT;$/ {c=1} /CREATE INDEX CONCURRENTLY/ {exit !c}' "$work/m12.sql"
out=$(sql live -f "$work/m12.sql" 2>&1); st=$?
check "psql runs diff v1 v2 on v1 with rows ($out)" [ $st -eq 0 ]
check "v1 + diff v1 v2 has the catalog of a fresh v2 ($(head -c 600 "$work/dumpdiff" 2>/dev/null))" same_dump live fresh2
check "diff v1 v2 keeps every row" [ "$rows_before" = "$(sql live -c "$keep")" ]
out=$("$v2" verify --db "$(url live)" 2>&1)
check "v2 verifies clean after the migration ($out)" grep -q ' 0 differ' <<<"$out"

"$schemac" diff "$work/v2/schema" "$work/v1/schema" >"$work/m21.sql" 2>"$work/m21.err"; st=$?
check "diff v2 v1 refuses data loss with exit 1" [ $st -eq 1 ]
check "a refused diff prints nothing" [ ! -s "$work/m21.sql" ]
check "the refusal names the dropped column" \
  grep -q '^schemac: refusing: ALTER TABLE public.items DROP COLUMN label (loses data; --allow-data-loss permits it) -- not declared$' "$work/m21.err"
check "the refusal names the narrowed type and its file:line" \
  grep -q "^schemac: refusing: ALTER TABLE public.items ALTER COLUMN qty TYPE int (loses data; --allow-data-loss permits it) -- $work/v1/schema/shop.schema:3\$" "$work/m21.err"
"$schemac" diff --allow-data-loss "$work/v2/schema" "$work/v1/schema" >"$work/m21.sql" 2>"$work/m21.err"; st=$?
check "diff --allow-data-loss v2 v1 exits 0 ($(head -c 300 "$work/m21.err"))" [ $st -eq 0 ]
check "allowed data loss is a hazard comment" \
  grep -q '^-- hazard: loses data (allowed by --allow-data-loss)$' "$work/m21.sql"
out=$(sql live -f "$work/m21.sql" 2>&1); st=$?
check "psql runs diff v2 v1 ($out)" [ $st -eq 0 ]
check "v2 + diff v2 v1 has the catalog of a fresh v1 ($(head -c 600 "$work/dumpdiff"))" same_dump live fresh1
check "diff v2 v1 keeps the rows of what v1 declares" [ "$rows_before" = "$(sql live -c "$keep")" ]
check "diff leaves nothing in TMPDIR ($(ls "$TMPDIR"))" tmp_empty

# ------------------------------------------------------------- rollback
createdb -T template0 rb
out=$("$v2" rollback --db "$(url rb)" 2>&1); st=$?
check "rollback with nothing recorded: exit 2 ($out)" [ $st -eq 2 ]
check "rollback with nothing recorded says so" \
  grep -q '^shop: nothing to roll back: no apply is recorded here$' <<<"$out"
"$v1" apply --db "$(url rb)" >/dev/null && sql rb -f "$cases/rows.sql"
out=$("$v1" rollback --db "$(url rb)" 2>&1); st=$?
check "rollback after one apply: exit 2 ($out)" [ $st -eq 2 ]
check "rollback after one apply says nothing earlier is recorded" \
  grep -q '^shop: nothing to roll back: no apply of shop before the last one is recorded here$' <<<"$out"
"$v2" apply --db "$(url rb)" >/dev/null; "$v2" apply --db "$(url rb)" >/dev/null
dump_v2=$(dump rb)
out=$("$v2" rollback --db "$(url rb)" 2>&1); st=$?
check "rollback refuses data loss: exit 3 ($out)" [ $st -eq 3 ]
# (every qty fits an int again: the narrowing, counted, loses nothing)
check "the refusal names the statement, and that it is not declared" \
  grep -q '^shop: refusing: ALTER TABLE public.items DROP COLUMN label (loses data; --allow-data-loss permits it) -- not declared$' <<<"$out"
check "a refused rollback changes nothing" [ "$dump_v2" = "$(dump rb)" ]
out=$("$v2" rollback --allow-data-loss --db "$(url rb)" 2>&1); st=$?
check "rollback --allow-data-loss: exit 0 ($out)" [ $st -eq 0 ]
check "rollback says what it undoes" grep -q '^rollback: undoing run 2, back to shop' <<<"$out"
check "rollback gives the catalog of a fresh v1 ($(head -c 600 "$work/dumpdiff"))" same_dump rb fresh1
check "rollback keeps the rows" [ "$rows_before" = "$(sql rb -c "$keep")" ]
out=$("$v1" verify --db "$(url rb)" 2>&1); st=$?
check "v1 verifies clean after rollback ($out)" [ $st -eq 0 ]
check "rollback is recorded" \
  [ "$(sql rb -c "select action from schemactl.history order by id desc limit 1")" = rollback ]
out=$("$v2" rollback --db "$(url rb)" 2>&1); st=$?
check "a second rollback finds nothing earlier: exit 2 ($out)" [ $st -eq 2 ]
out=$("$v2" apply --db "$(url rb)" 2>&1) && out=$("$v2" rollback --allow-data-loss --db "$(url rb)" 2>&1); st=$?
check "apply after a rollback can be rolled back again ($out)" [ $st -eq 0 ] && same_dump rb fresh1
check "rollback leaves nothing in TMPDIR" tmp_empty

# ------------------------------------------------------------ REV:PATH
git=$work/git
mkdir -p "$git/schema"
g() { git -C "$git" -c user.email=t@example.com -c user.name=t "$@" >/dev/null; }
g init -q; cp "$cases/v1.schema" "$git/schema/shop.schema"; g add .; g commit -qm v1
cp "$cases/v2.schema" "$git/schema/shop.schema"; g commit -qam v2
fresh live_git "$work/v1/shop.sql"; sql live_git -f "$cases/rows.sql"
(cd "$git" && "$schemac" diff HEAD~1:schema HEAD:schema) >"$work/mgit.sql" 2>"$work/mgit.err"; st=$?
check "diff HEAD~1:schema HEAD:schema exits 0 ($(head -c 300 "$work/mgit.err"))" [ $st -eq 0 ]
check "REV:PATH sources are named from the top of the repository" \
  grep -q '^-- source: schema/shop.schema:4$' "$work/mgit.sql"
check "REV:PATH gives the same statements as the directories" \
  diff <(grep -v '^--' "$work/mgit.sql") <(grep -v '^--' "$work/m12.sql")
sql live_git -f "$work/mgit.sql" >/dev/null 2>&1
check "psql runs the REV:PATH migration to a fresh v2" same_dump live_git fresh2
(cd "$git/schema" && "$schemac" diff HEAD~1:schema HEAD:schema) >"$work/mgit2.sql" 2>/dev/null; st=$?
check "REV:PATH works from a subdirectory too (exit $st)" [ $st -eq 0 ]
(cd "$git" && "$schemac" diff nosuchrev:schema schema) >"$work/mgit.sql" 2>"$work/mgit.err"; st=$?
check "an unknown revision: exit 2" [ $st -eq 2 ]
check "an unknown revision is named" grep -q '^schemac: cannot read nosuchrev:schema from git$' "$work/mgit.err"
check "an unknown revision prints nothing" [ ! -s "$work/mgit.sql" ]
check "REV:PATH leaves nothing in TMPDIR" tmp_empty

# ------------------------------------------------------------- files
out_dir=$work/project
before=$(date -u +%Y%m%d%H%M%S)
path=$("$schemac" diff -o "$out_dir" --name add_label --format supabase "$work/v1/schema" "$work/v2/schema" 2>&1); st=$?
after=$(date -u +%Y%m%d%H%M%S)
check "--format supabase exits 0 ($path)" [ $st -eq 0 ]
check "--format supabase names the file as the Supabase CLI does ($path)" \
  grep -Eq "^$out_dir/supabase/migrations/[0-9]{14}_add_label\.sql\$" <<<"$path"
stamp=$(basename "$path" | cut -c1-14)
check "its timestamp is the UTC time of the run" [ "$stamp" -ge "$before" -a "$stamp" -le "$after" ]
check "the file holds the migration" diff <(grep -v '^--' "$path") <(grep -v '^--' "$work/m12.sql")
check "nothing else is left in the directory" [ "$(ls -A "$out_dir/supabase/migrations")" = "$(basename "$path")" ]
path=$("$schemac" diff -o "$out_dir/plain" --name up "$work/v1/schema" "$work/v2/schema" 2>&1); st=$?
check "-o DIR --name NAME writes DIR/NAME.sql ($path)" [ $st -eq 0 -a "$path" = "$out_dir/plain/up.sql" -a -s "$out_dir/plain/up.sql" ]
"$schemac" diff -o "$out_dir/refused" --name down "$work/v2/schema" "$work/v1/schema" >/dev/null 2>&1; st=$?
check "a refused diff writes no file (exit $st)" [ $st -eq 1 -a ! -e "$out_dir/refused" ]
for args in "-o $out_dir" "--name x" "--format supabase --name x" "-o $out_dir --name a/b" "only-one" "a b c" "--bogus a b"; do
  out=$("$schemac" diff $args 2>&1 >/dev/null); st=$?
  check "diff $args: exit 2" [ $st -eq 2 ]
done
printf 'table t { id int primary key;\n  x nosuchtype; }\n' >"$work/broken.schema"
out=$("$schemac" diff "$work/v1/schema" "$work/broken.schema" 2>&1 >/dev/null); st=$?
check "an error in NEW: exit 1 with its position ($out)" \
  [ $st -eq 1 ] && grep -q "broken.schema:2:5: error" <<<"$out"
check "errors leave nothing in TMPDIR" tmp_empty

# A signal in the middle leaves no directory and no server behind.
"$schemac" diff "$work/v1/schema" "$work/v2/schema" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 50); do
  pgrep -f "$TMPDIR/schemac-diff-[^/]*/schemactl-" >/dev/null && break
  sleep 0.1
done
kill -TERM $pid; wait $pid; st=$?
sleep 0.5
check "diff stopped by SIGTERM exits 143 (got $st)" [ $st -eq 143 ]
check "a stopped diff leaves nothing in TMPDIR ($(ls "$TMPDIR"))" tmp_empty
no_server() { ! pgrep -f "postgres -D $TMPDIR" >/dev/null; }
check "a stopped diff leaves no server running" no_server

# ------------------------------------------------- the evolution cases
for dir in $( [ -z "${MIGRATE_SKIP_EVOLVE:-}" ] && ls -d tests/e2e/evolve/*/); do
  name=$(basename "$dir")
  # the project cases (a patch over schema/NAME) are evolve.sh's alone
  [ -f "$dir/v1.schema" ] || continue
  { read -r verb rest; read -r _; } <"$dir/expect"
  db=mg_$name
  fresh "$db" <("$schemac" sql "$dir/v1.schema") || { bad "$name: v1 by psql"; continue; }
  [ -f "$dir/rows.sql" ] && sql "$db" -f "$dir/rows.sql" >/dev/null
  kept=$( [ -f "$dir/keep.sql" ] && sql "$db" -f "$dir/keep.sql")
  dump_v1=$(dump "$db")
  flags=$rest
  [ "$verb" = refuse ] && read -r _ flags <<<"$rest"
  # a migration file cannot count the rows: what might lose data needs the
  # flag there even where apply, seeing no such row, needs none
  [ -f "$dir/diff-flags" ] && flags="$flags $(cat "$dir/diff-flags")"
  "$schemac" diff $flags "$dir/v1.schema" "$dir/v2.schema" >"$work/ev.sql" 2>"$work/ev.err"; st=$?
  # A file cannot count the rows an enum rebuild or a narrowing would
  # change, so diff asks for --allow-data-loss where apply counted none.
  if [ "$verb" = ok ] && [ $st -eq 1 ] && grep -q 'loses data' "$work/ev.err"; then
    ok "evolve/$name: diff refuses what only rows could show harmless"
    "$schemac" diff $flags --allow-data-loss "$dir/v1.schema" "$dir/v2.schema" >"$work/ev.sql" 2>"$work/ev.err"; st=$?
  fi
  if [ "$verb" = ok ]; then
    out=$(sql "$db" -f "$work/ev.sql" 2>&1); pst=$?
    fresh "${db}_v2" <("$schemac" sql "$dir/v2.schema")
    if [ $st -eq 0 ] && [ $pst -eq 0 ] && same_dump "$db" "${db}_v2" &&
       [ "$kept" = "$( [ -f "$dir/keep.sql" ] && sql "$db" -f "$dir/keep.sql")" ]; then
      ok "evolve/$name: diff by psql gives a fresh v2, rows kept"
    else
      bad "evolve/$name: diff exit $st $(head -c 300 "$work/ev.err"), psql exit $pst $out $(head -c 400 "$work/dumpdiff")"
    fi
  elif [ $st -eq 1 ] && [ ! -s "$work/ev.sql" ]; then
    ok "evolve/$name: refused by diff (exit 1, nothing printed)"
  else
    out=$(sql "$db" -f "$work/ev.sql" 2>&1); pst=$?
    if [ $st -eq 0 ] && [ $pst -ne 0 ] && [ "$dump_v1" = "$(dump "$db")" ]; then
      ok "evolve/$name: psql stops the migration on the rows, nothing changed"
    else
      bad "evolve/$name: diff exit $st, psql exit $pst: $out"
    fi
  fi
done
check "the evolution cases leave nothing in TMPDIR" tmp_empty

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
