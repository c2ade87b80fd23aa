#!/usr/bin/env bash
# Undeclared objects and online safety on a real server with rows
# (tests/e2e/online/*.schema):
#   - undeclared views, functions and tables of an owned schema are reported
#     by verify (exit 1, `unexpected: ...`), dropped by apply in dependency
#     order (a table only with --allow-data-loss), left alone when ignored;
#     a Supabase project's auth and storage are never reported;
#   - a foreign key and a check added to a table with rows are planned and
#     run NOT VALID + VALIDATE, each step with its lock, and end validated;
#   - --online builds the new index concurrently (the server's own record of
#     the statements it received says so);
#   - --lock-timeout: a second session holding a lock makes apply fail
#     within the timeout, exit 3, nothing changed.
# Ends "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
cases=tests/e2e/online

passed=0 failed=0
ok()   { passed=$((passed + 1)); echo "ok: $*"; }
bad()  { failed=$((failed + 1)); echo "FAIL: $*"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }

work=$(mktemp -d /tmp/schemac-online.XXXXXX)
chmod 755 "$work"
holder=
cleanup() {
  [ -n "$holder" ] && kill "$holder" 2>/dev/null
  scripts/pg-tmp.sh stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

env_lines=$(scripts/pg-tmp.sh start "$work/pg") || { echo "cannot start PostgreSQL"; exit 1; }
eval "$env_lines"
export PGHOST PGPORT PGUSER
url() { echo "postgresql:///$1?host=$PGHOST&port=$PGPORT&user=$PGUSER"; }
sql() { local db=$1; shift; psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" "$@"; }
dump() {
  pg_dump --schema-only --no-owner -d "$1" | grep -v '^--' | grep -v '^$' \
    | grep -v '^.\(un\)\?restrict '
}

for name in v1 v2 undeclared platform; do
  mkdir -p "$work/$name"
  cp "$cases/$name.schema" "$work/$name/schema.schema"
  (cd "$work" && "$repo/bin/schemac" build "$name/schema.schema" -o "bin/$name") \
    >"$work/build-$name.log" 2>&1 || { bad "build $name: $(head -3 "$work/build-$name.log")"; exit 1; }
done
v1=$work/bin/v1 v2=$work/bin/v2 und=$work/bin/undeclared plat=$work/bin/platform

rows="insert into parent select generate_series(1, 100);
      insert into child select g, 1 + g % 100, g from generate_series(1, 1000) g;"

# ------------------------------------------------------- undeclared objects
createdb -T template0 und
"$v1" apply --db "$(url und)" >/dev/null 2>&1 || bad "v1 apply (und)"
sql und -c "$rows"
sql und -c "create table legacy (id int primary key, note text);
  insert into legacy values (1, 'kept until dropped');
  create function old_fn(a integer) returns integer language sql as 'select a + 1';
  create view old_report as select l.id, old_fn(l.id) as next from legacy l;
  create sequence loose_seq;
  create type mood as enum ('sad', 'happy');
  create table keep_import (id int); insert into keep_import values (7);
  create function keep_helper() returns int language sql as 'select 1';
  create view keep_view as select keep_helper() as one;"
# keep_view is not ignored, keep_helper only stands under it: both reported.
out=$("$und" verify --db "$(url und)" 2>&1); st=$?
check "verify exits 1 on undeclared objects" '[ $st -eq 1 ]'
for line in "unexpected: view public.old_report (not declared)" \
            "unexpected: function public.old_fn(a integer) (not declared)" \
            "unexpected: table public.legacy (not declared)" \
            "unexpected: table public.child (not declared)" \
            "unexpected: sequence public.loose_seq (not declared)" \
            "unexpected: type public.mood (not declared)"; do
  check "verify reports: $line" 'grep -qxF "$line" <<<"$out"'
done
check "verify leaves the ignored table alone" '! grep -q "keep_import" <<<"$out"'

before=$(dump und)
out=$("$und" apply --db "$(url und)" 2>&1); st=$?
check "apply refuses to drop undeclared tables without --allow-data-loss (exit 3)" '[ $st -eq 3 ]'
check "the refusal names the table" \
  'grep -qF "refusing: DROP TABLE public.legacy (loses data; --allow-data-loss permits it)" <<<"$out"'
check "the refused apply changed nothing" '[ "$before" = "$(dump und)" ]'

out=$("$und" plan --db "$(url und)" 2>&1)
view_at=$(grep -n '^DROP VIEW public.old_report;' <<<"$out" | cut -d: -f1)
table_at=$(grep -n '^DROP TABLE public.legacy;' <<<"$out" | cut -d: -f1)
fn_at=$(grep -n '^DROP ROUTINE public.old_fn(integer);' <<<"$out" | cut -d: -f1)
check "plan drops the view before the table and the function it reads" \
  '[ -n "$view_at" ] && [ -n "$table_at" ] && [ -n "$fn_at" ] && [ "$view_at" -lt "$table_at" ] && [ "$view_at" -lt "$fn_at" ]'
check "plan shows the table drop's lock and warning" \
  'grep -qF -- "-- warning: dropping a table: its rows are gone" <<<"$out"'

out=$("$und" apply --allow-data-loss --db "$(url und)" 2>&1); st=$?
check "apply --allow-data-loss drops them (exit 0)" '[ $st -eq 0 ]' || echo "$out"
left=$(sql und -c "select string_agg(relname, ',' order by relname) from pg_class c
  join pg_namespace n on n.oid = c.relnamespace where nspname = 'public' and relkind in ('r','v','S')")
check "only the declared and the ignored relations remain ($left)" '[ "$left" = "keep_import,parent" ]'
check "functions and types are gone" \
  '[ "$(sql und -c "select count(*) from pg_proc where pronamespace = '"'"'public'"'"'::regnamespace")" = 0 ] &&
   [ "$(sql und -c "select count(*) from pg_type where typname = '"'"'mood'"'"'")" = 0 ]'
check "the ignored table keeps its rows" '[ "$(sql und -c "select id from keep_import")" = 7 ]'
check "the declared table keeps its rows" '[ "$(sql und -c "select count(*) from parent")" = 100 ]'
out=$("$und" verify --db "$(url und)" 2>&1)
check "verify is clean afterwards" 'grep -q "0 differ" <<<"$out"' || echo "$out"
out=$("$und" apply --db "$(url und)" 2>&1)
check "a second apply changes nothing" 'grep -q " 0 objects changed" <<<"$out"' || echo "$out"

# An ignored view keeps what it stands on.
sql und -c "create table helper (id int); create view keep_view as select * from helper"
cat "$cases/undeclared.schema" >"$work/undeclared2.schema"
echo "ignore view public.keep_view;" >>"$work/undeclared2.schema"
mkdir -p "$work/und2" && cp "$work/undeclared2.schema" "$work/und2/schema.schema"
(cd "$work" && "$repo/bin/schemac" build und2/schema.schema -o bin/und2) >/dev/null 2>&1
out=$("$work/bin/und2" verify --db "$(url und)" 2>&1); st=$?
check "what an ignored view reads is left alone too" '[ $st -eq 0 ]' || echo "$out"

# The platform's schemas are not the project's.
createdb -T template0 plat
out=$("$plat" apply verify --install-platform-shim --db "$(url plat)" 2>&1); st=$?
check "a Supabase project verifies clean: auth and storage are not reported" \
  '[ $st -eq 0 ] && ! grep -q unexpected <<<"$out"' || echo "$out"

# -------------------------------------------- NOT VALID, then VALIDATE
createdb -T template0 nv
"$v1" apply --db "$(url nv)" >/dev/null 2>&1
sql nv -c "$rows"
out=$("$v2" plan --db "$(url nv)" 2>&1)
for line in \
  "ALTER TABLE public.child ADD CONSTRAINT child_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES public.parent (id) NOT VALID;" \
  "ALTER TABLE public.child VALIDATE CONSTRAINT child_parent_id_fkey;" \
  "ALTER TABLE public.child ADD CONSTRAINT child_qty_check CHECK (qty > 0) NOT VALID;" \
  "ALTER TABLE public.child VALIDATE CONSTRAINT child_qty_check;" \
  "-- lock: SHARE ROW EXCLUSIVE on public.child and on the table it references; no rewrite, no scan" \
  "-- lock: SHARE UPDATE EXCLUSIVE on public.child; scans the table" \
  "-- lock: SHARE on public.child; scans the table"; do
  check "plan on a table with rows: $line" 'grep -qF -- "$line" <<<"$out"'
done
check "plan warns about the index built without CONCURRENTLY" \
  'grep -qF -- "-- warning: building an index without CONCURRENTLY" <<<"$out"'
validate_at=$(grep -n 'VALIDATE CONSTRAINT child_qty_check' <<<"$out" | cut -d: -f1)
add_at=$(grep -n 'ADD CONSTRAINT child_qty_check' <<<"$out" | cut -d: -f1)
check "the check is validated after it is added" '[ "$add_at" -lt "$validate_at" ]'
out=$("$v2" apply --db "$(url nv)" 2>&1); st=$?
check "apply adds them (exit 0)" '[ $st -eq 0 ]' || echo "$out"
check "both constraints end validated" \
  '[ "$(sql nv -c "select string_agg(conname || '"'"'='"'"'|| convalidated, '"'"','"'"' order by conname) from pg_constraint where conrelid = '"'"'child'"'"'::regclass and contype in ('"'"'f'"'"', '"'"'c'"'"')")" = "child_parent_id_fkey=true,child_qty_check=true" ]'
out=$("$v2" verify --db "$(url nv)" 2>&1)
check "verify is clean" 'grep -q "0 differ" <<<"$out"'

# On tables without rows the constraints are added as they are.
createdb -T template0 empty
"$v1" apply --db "$(url empty)" >/dev/null 2>&1
out=$("$v2" plan --db "$(url empty)" 2>&1)
check "no NOT VALID on a table with no rows" '! grep -q "NOT VALID;" <<<"$out" && grep -q "ADD CONSTRAINT child_qty_check CHECK (qty > 0);" <<<"$out"'

# Refused rows: a check that some row fails stops the apply, nothing changed.
createdb -T template0 badrow
"$v1" apply --db "$(url badrow)" >/dev/null 2>&1
sql badrow -c "$rows insert into child values (5000, 1, -1);"
before=$(dump badrow)
out=$("$v2" apply --db "$(url badrow)" 2>&1); st=$?
check "a row failing the check fails the apply (exit 3), nothing changed" \
  '[ $st -eq 3 ] && [ "$before" = "$(dump badrow)" ]' || echo "$out"

# ---------------------------------------------------------------- --online
createdb -T template0 onl
"$v1" apply --db "$(url onl)" >/dev/null 2>&1
sql onl -c "$rows"
sql onl -c "create schema eventlog;
create table eventlog.q (id bigserial, q text);
create function eventlog.record() returns event_trigger language plpgsql as
  \$\$ begin insert into eventlog.q (q) values (current_query()); end \$\$;
create event trigger record_ddl on ddl_command_start execute function eventlog.record();"
out=$("$v2" plan --online --db "$(url onl)" 2>&1)
check "plan --online builds the index concurrently after the commit" \
  'grep -qF "CREATE INDEX CONCURRENTLY child_qty_idx ON public.child USING btree (qty);  -- after the commit" <<<"$out" ||
   grep -qF "CREATE INDEX CONCURRENTLY child_qty_idx ON public.child (qty);  -- after the commit" <<<"$out"' || echo "$out"
out=$("$v2" apply --online --db "$(url onl)" 2>&1); st=$?
check "apply --online succeeds" '[ $st -eq 0 ]' || echo "$out"
got=$(sql onl -c "select q from eventlog.q where q ~* 'create index'")
check "the server received CREATE INDEX CONCURRENTLY" 'grep -q "^CREATE INDEX CONCURRENTLY child_qty_idx" <<<"$got"' || echo "$got"
check "the index is valid, the constraints validated" \
  '[ "$(sql onl -c "select indisvalid from pg_index where indexrelid = '"'"'child_qty_idx'"'"'::regclass")" = t ] &&
   [ "$(sql onl -c "select bool_and(convalidated) from pg_constraint where conrelid = '"'"'child'"'"'::regclass and contype in ('"'"'f'"'"','"'"'c'"'"')")" = t ]'
sql onl -c "drop event trigger record_ddl; drop schema eventlog cascade" 2>/dev/null
out=$("$v2" verify --db "$(url onl)" 2>&1)
check "verify is clean after --online" 'grep -q "0 differ" <<<"$out"' || echo "$out"

# ----------------------------------------------------------- lock timeout
createdb -T template0 lk
"$v1" apply --db "$(url lk)" >/dev/null 2>&1
sql lk -c "$rows"
before=$(dump lk)
psql -X -q -d lk -c "begin; lock table child in access exclusive mode; select pg_sleep(30); commit;" >/dev/null 2>&1 &
holder=$!
for _ in $(seq 50); do
  [ "$(sql lk -c "select count(*) from pg_locks where relation = 'child'::regclass and mode = 'AccessExclusiveLock' and granted")" = 1 ] && break
  sleep 0.1
done
start=$(date +%s%N)
out=$("$v2" apply --lock-timeout 500 --db "$(url lk)" 2>&1); st=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check "apply with a lock held elsewhere exits 3" '[ $st -eq 3 ]' || echo "$out"
check "it says the lock timed out" 'grep -q "lock timeout" <<<"$out"' || echo "$out"
check "it gave up within the timeout (took ${ms} ms for 500)" '[ "$ms" -lt 3000 ]'
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null; holder=
sql lk -c "select pg_terminate_backend(pid) from pg_stat_activity where query ~ 'pg_sleep' and pid <> pg_backend_pid()" >/dev/null
check "nothing changed" '[ "$before" = "$(dump lk)" ]'
out=$("$v2" apply --lock-timeout abc --db "$(url lk)" 2>&1); st=$?
check "a bad --lock-timeout is a usage error (exit 2)" \
  '[ $st -eq 2 ] && grep -q "takes milliseconds" <<<"$out"'
out=$("$v2" apply --statement-timeout 1 --db "$(url lk)" 2>&1); st=$?
check "--statement-timeout 1 cancels the apply (exit 3), nothing changed" \
  '[ $st -eq 3 ] && [ "$before" = "$(dump lk)" ]' || echo "$out"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
