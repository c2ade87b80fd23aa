#!/usr/bin/env bash
# End-to-end tests of the executables schemac builds, on a real PostgreSQL:
# apply, verify, apply again (nothing to do), tamper in many ways (verify
# must name each drift and its file:line; apply must repair it), a failing
# apply that leaves nothing behind, concurrent applies, data-loss refusal,
# and connection errors.  Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD

passed=0 failed=0
ok()   { passed=$((passed + 1)); echo "ok: $*"; }
bad()  { failed=$((failed + 1)); echo "FAIL: $*"; }

work=$(mktemp -d /tmp/schemac-e2e.XXXXXX)
chmod 755 "$work"
cleanup() {
  scripts/pg-tmp.sh stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# Builds an executable in the scratch directory, so the repository's
# generated/ and pgc/ stay as they are.
build() {  # NAME SCHEMA_DIR
  (cd "$work" && "$repo/bin/schemac" build "$repo/$2" -o "bin/$1") \
    >"$work/build-$1.log" 2>&1
}

env_lines=$(scripts/pg-tmp.sh start "$work/pg") || { echo "cannot start PostgreSQL"; exit 1; }
eval "$env_lines"
export PGHOST PGPORT PGUSER
url() { echo "postgresql:///$1?host=$PGHOST&port=$PGPORT&user=$PGUSER"; }
sql() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }

build library tests/integration/cases/library/schema || { cat "$work/build-library.log"; exit 1; }
# Linked at a fixed address: its tables of pointers need no relocation
# at each start (a PIE's grow with the schema).
relocs=$(readelf -r "$work/bin/library" | grep -c "_RELATIVE ")
readelf -h "$work/bin/library" | grep -q 'Type: *EXEC' && [ "$relocs" -lt 100 ] \
  && ok "the executable is not position-independent ($relocs relative relocations)" \
  || bad "the executable is a PIE: $relocs relative relocations"
lib="$work/bin/library"
createdb -T template0 lib

# --- apply, verify, apply again ---------------------------------------
out=$("$lib" apply --db "$(url lib)" 2>&1); st=$?
[ $st -eq 0 ] && ok "first apply" || bad "first apply exit $st: $out"
out=$("$lib" verify --db "$(url lib)" 2>&1); st=$?
[ $st -eq 0 ] && grep -q ' 0 differ' <<<"$out" && ok "verify after apply is clean" \
  || bad "verify after apply exit $st: $out"
# The first apply read the normal forms back from what it made; the
# scratch-database way must agree with them.
sql lib "delete from schemactl.normal_forms; delete from schemactl.clean_at"
out=$("$lib" verify --db "$(url lib)" 2>&1); st=$?
[ $st -eq 0 ] && grep -q 'from a scratch database' <<<"$out" \
  && ok "scratch normal forms agree with the ones read after creation" \
  || bad "verify with scratch normal forms (exit $st): $out"
out=$("$lib" plan --db "$(url lib)" 2>&1)
grep -q -- '-- plan: 0 statements' <<<"$out" && ok "plan on an up-to-date database is empty" \
  || bad "plan not empty: $out"
out=$("$lib" apply --db "$(url lib)" 2>&1)
grep -q '0 statements run, 0 objects changed' <<<"$out" && ok "second apply changes nothing" \
  || bad "second apply: $out"
n=$(sql lib "select count(*) from schemactl.history")
[ "$n" = 2 ] && ok "history records both runs" || bad "history rows: $n"

# --- tamper, verify names it, apply repairs it -----------------------
# Each case: a description, SQL that tampers, and a pattern verify must
# print (the object and what differs).
tamper() {  # DESCRIPTION SQL PATTERN
  sql lib "$2" || { bad "$1: tampering SQL failed"; return; }
  local out st
  out=$("$lib" verify --db "$(url lib)" 2>&1); st=$?
  if [ $st -eq 1 ] && grep -Eq "$3" <<<"$out" && grep -q 'library.schema:\|\.schema:[0-9]' <<<"$out"; then
    ok "verify names: $1"
  else
    bad "verify after $1 (exit $st): $out"
  fi
  out=$("$lib" apply --db "$(url lib)" 2>&1); st=$?
  [ $st -eq 0 ] || { bad "apply after $1 (exit $st): $out"; return; }
  out=$("$lib" verify --db "$(url lib)" 2>&1); st=$?
  [ $st -eq 0 ] && ok "apply repairs: $1" || bad "still drifting after repair of $1: $out"
}

first() { sql lib "$1" | head -n 1; }
index=$(first "select indexname from pg_indexes where schemaname='circulation' and indexname not like '%pkey' and indexname not like '%key' order by 1")
rls_table=$(first "select n.nspname||'.'||c.relname from pg_class c join pg_namespace n on n.oid=c.relnamespace where c.relrowsecurity and n.nspname <> 'schemactl' order by 1")
policy=$(first "select format('%I ON %I.%I', policyname, schemaname, tablename) from pg_policies where schemaname <> 'storage' order by 1")
default_col=$(first "select format('%I.%I|%I', c.table_schema, c.table_name, c.column_name) from information_schema.columns c where c.column_default is not null and c.column_default not like 'nextval%' and c.is_generated='NEVER' and c.is_identity='NO' and c.table_schema in ('catalog','circulation','people') order by 1")
notnull_col=$(first "select format('%I.%I|%I', c.table_schema, c.table_name, c.column_name) from information_schema.columns c join information_schema.table_constraints t on false where false union all select format('%I.%I|%I', n.nspname, r.relname, a.attname) from pg_attribute a join pg_class r on r.oid=a.attrelid join pg_namespace n on n.oid=r.relnamespace where a.attnotnull and a.attnum>0 and not a.attisdropped and r.relkind='r' and n.nspname in ('catalog','circulation','people') and not exists (select 1 from pg_index i where i.indrelid=r.oid and i.indisprimary and a.attnum = any(i.indkey)) and a.attidentity='' and a.attgenerated='' order by 1")
grant_table=$(first "select format('%I.%I|%s', table_schema, table_name, grantee) from information_schema.role_table_grants where table_schema in ('catalog','circulation','people') and grantee not in (current_user, 'PUBLIC') and privilege_type='SELECT' order by 1")
comment_table=$(first "select format('%I.%I', n.nspname, c.relname) from pg_class c join pg_namespace n on n.oid=c.relnamespace join pg_description d on d.objoid=c.oid and d.objsubid=0 where c.relkind='r' and n.nspname in ('catalog','circulation','people') order by 1")
function=$(first "select p.oid::regprocedure from pg_proc p join pg_namespace n on n.oid=p.pronamespace where n.nspname in ('catalog','circulation','people') and p.prolang=(select oid from pg_language where lanname='sql') and p.prokind='f' order by 1")
trigger=$(first "select format('%I ON %I.%I', t.tgname, n.nspname, c.relname) from pg_trigger t join pg_class c on c.oid=t.tgrelid join pg_namespace n on n.oid=c.relnamespace where not t.tgisinternal and n.nspname in ('catalog','circulation','people') order by 1")
text_col=$(first "select format('%I.%I|%I', n.nspname, r.relname, a.attname) from pg_attribute a join pg_class r on r.oid=a.attrelid join pg_namespace n on n.oid=r.relnamespace where a.atttypid='text'::regtype and a.attnum>0 and not a.attisdropped and r.relkind='r' and n.nspname in ('catalog','circulation','people') and not exists (select 1 from pg_depend d where d.refobjid=r.oid and d.refobjsubid=a.attnum and d.deptype in ('n','a') and d.classid in ('pg_class'::regclass, 'pg_constraint'::regclass, 'pg_rewrite'::regclass)) order by 1")

tamper "a dropped index" "drop index circulation.$index" "missing: index .*$index"
tamper "row level security disabled" "alter table $rls_table disable row level security" "rls: live f"
tamper "a changed policy" "alter policy $policy using (false)" "using: live false"
tamper "a changed default" "alter table ${default_col%%|*} alter column ${default_col##*|} set default null" "default: live"
tamper "nullability" "alter table ${notnull_col%%|*} alter column ${notnull_col##*|} drop not null" "not_null: live f"
tamper "a revoked grant" "revoke select on ${grant_table%%|*} from ${grant_table##*|}" "acl: live"
tamper "a changed comment" "comment on table $comment_table is 'tampered'" "comment: live tampered"
ret=$(sql lib "select pg_get_function_result('$function'::regprocedure)")
tamper "a function body" "create or replace function $function returns $ret language sql as \$\$ select null::$ret \$\$" "definition: live"
tamper "a dropped trigger" "drop trigger $trigger" "missing: trigger"
tamper "a column type" "alter table ${text_col%%|*} alter column ${text_col##*|} type varchar(500)" "type: live character varying\\(500\\)"
tamper "an undeclared policy" "create policy intruder on $rls_table using (true)" "unexpected: policy \"intruder\""
tamper "an undeclared index" "create index intruder_idx on ${text_col%%|*} (${text_col##*|})" "unexpected: index \"intruder_idx\""

# --- data loss is refused unless asked for ---------------------------
sql lib "alter table ${text_col%%|*} add column extra int"
out=$("$lib" apply --db "$(url lib)" 2>&1); st=$?
[ $st -eq 3 ] && grep -q 'refusing: .*DROP COLUMN extra' <<<"$out" \
  && ok "dropping an undeclared column is refused" || bad "data loss not refused (exit $st): $out"
out=$("$lib" apply --allow-data-loss --db "$(url lib)" 2>&1); st=$?
[ $st -eq 0 ] && "$lib" verify --db "$(url lib)" >/dev/null \
  && ok "--allow-data-loss drops it" || bad "apply --allow-data-loss (exit $st): $out"

# --- a failing apply leaves nothing behind ---------------------------
createdb -T template0 failing
# An undeclared view takes a declared index's name; apply would drop it
# (undeclared), but a view of another schema reads it, so the drop fails.
sql failing "create schema circulation; create view circulation.$index as select 1 as x;
  create schema elsewhere; create view elsewhere.reader as select * from circulation.$index"
before=$(sql failing "select count(*) from pg_class")
out=$("$lib" apply --db "$(url failing)" 2>&1); st=$?
after=$(sql failing "select count(*) from pg_class")
[ $st -eq 3 ] && [ "$before" = "$after" ] && grep -q 'rolled back' <<<"$out" \
  && ok "a failed apply exits 3 and changes nothing ($before relations before and after)" \
  || bad "failed apply: exit $st, relations $before -> $after: $out"
[ "$(sql failing "select to_regclass('schemactl.history') is null")" = t ] \
  && ok "not even the history table was created" || bad "history table left behind"

# --- two applies at once serialise -----------------------------------
createdb -T template0 race
"$lib" apply --db "$(url race)" >"$work/race1" 2>&1 & p1=$!
"$lib" apply --db "$(url race)" >"$work/race2" 2>&1 & p2=$!
wait $p1; s1=$?; wait $p2; s2=$?
rows=$(sql race "select string_agg(changes::text, ',' order by id) from schemactl.history")
if [ $s1 -eq 0 ] && [ $s2 -eq 0 ] && [[ "$rows" =~ ^[1-9][0-9]*,0$ ]] \
   && "$lib" verify --db "$(url race)" >/dev/null; then
  ok "concurrent applies serialise (changes per run: $rows)"
else
  bad "concurrent applies: exits $s1 $s2, history $rows"
fi

# --- connection errors -----------------------------------------------
out=$("$lib" verify --db "postgresql://127.0.0.1:1/x?connect_timeout=3" 2>&1); st=$?
[ $st -eq 2 ] && grep -q 'cannot connect' <<<"$out" && ok "refused connection: exit 2" \
  || bad "refused connection (exit $st): $out"
out=$("$lib" verify --db "postgresql://%%zz" 2>&1); st=$?
[ $st -eq 2 ] && grep -qi 'invalid' <<<"$out" && ok "bad URL: exit 2" || bad "bad URL (exit $st): $out"
out=$("$lib" frobnicate 2>&1); st=$?
[ $st -eq 2 ] && ok "unknown command: exit 2" || bad "unknown command (exit $st)"

# --- a Supabase schema on plain PostgreSQL ---------------------------
build clinic tests/integration/cases/clinic/schema || { cat "$work/build-clinic.log"; exit 1; }
createdb -T template0 plain
out=$("$work/bin/clinic" apply --db "$(url plain)" 2>&1); st=$?
[ $st -eq 2 ] && grep -q -- '--install-platform-shim' <<<"$out" \
  && ok "missing Supabase platform is named, with the way out" || bad "platform check (exit $st): $out"
out=$("$work/bin/clinic" apply verify --install-platform-shim --db "$(url plain)" 2>&1); st=$?
[ $st -eq 0 ] && ok "--install-platform-shim then apply and verify" || bad "shim install (exit $st): $out"

# --- generated code and storage buckets ------------------------------
build features tests/e2e/features || { cat "$work/build-features.log"; exit 1; }
feat="$work/bin/features"
createdb -T template0 feat
out=$("$feat" apply verify --install-platform-shim --db "$(url feat)" 2>&1); st=$?
[ $st -eq 0 ] && grep -q ' 0 drifted' <<<"$out" && ok "features: apply and verify" \
  || bad "features apply (exit $st): $out"
user=00000000-0000-0000-0000-000000000001
as_user="set role authenticated; select set_config('request.jwt.claims', '{\"sub\": \"$user\"}', false);"
sql feat "insert into shop.orders (owner) values ('$user')"
out=$(sql feat "update shop.orders set status = 'shipped'" 2>&1); st=$?
[ $st -ne 0 ] && grep -q 'shop.orders.status cannot change from pending to shipped' <<<"$out" \
  && ok "transitions: a change not listed is refused, with the values" \
  || bad "transitions refusal (exit $st): $out"
state=$(psql -X -q -At -d feat -c "do \$\$ begin update shop.orders set status = 'shipped'; exception when check_violation then raise notice 'sqlstate ok'; end \$\$" 2>&1)
grep -q 'sqlstate ok' <<<"$state" && ok "transitions: SQLSTATE 23514" || bad "transitions sqlstate: $state"
sql feat "update shop.orders set status = 'paid'" && sql feat "update shop.orders set status = 'shipped'" \
  && ok "transitions: listed changes pass" || bad "transitions: listed changes refused"
n=$(sql feat "select count(*) from shop.changes where table_name = 'orders' and operation = 'UPDATE' and new_row->>'status' = 'shipped'")
[ "$n" = 1 ] && ok "audit: the change is logged" || bad "audit rows for shipped: $n"
actor=$(psql -X -q -At -d feat -c "$as_user insert into shop.orders default values; reset role; select actor || ' ' || actor_role from shop.changes order by id desc limit 1" 2>&1 | tail -n 1)
[ "$actor" = "$user authenticated" ] && ok "audit: actor and role of an API user" || bad "audit actor: $actor"
sql feat "insert into shop.orders (owner, created_at) values ('$user', now() - interval '40 days')"
gone=$(sql feat "select shop.orders_retention()")
left=$(sql feat "select count(*) from shop.orders where created_at < now() - interval '30 days'")
[ "$gone" = 1 ] && [ "$left" = 0 ] && ok "retain: old rows deleted and counted" || bad "retention: $gone deleted, $left left"
part=$(sql feat "insert into shop.readings values (1, '2025-12-24 10:00+00', 1) returning tableoid::regclass")
[ "$part" = "shop.readings_p2025_12" ] && ok "partitions: a row lands in its month" || bad "partition: $part"
out=$(psql -X -q -At -d feat -c "$as_user insert into storage.objects (bucket_id, name) values ('avatars', '$user/me.png')" 2>&1); st=$?
[ $st -eq 0 ] && ok "bucket: a user uploads into their folder" || bad "bucket upload (exit $st): $out"
out=$(psql -X -q -At -d feat -c "$as_user insert into storage.objects (bucket_id, name) values ('public-media', '$user/x.png')" 2>&1); st=$?
[ $st -ne 0 ] && grep -q 'row-level security' <<<"$out" \
  && ok "bucket: policies do not reach another bucket" || bad "cross-bucket insert (exit $st): $out"

ftamper() {  # DESCRIPTION SQL PATTERN
  sql feat "$2" || { bad "$1: tampering SQL failed"; return; }
  local out st
  out=$("$feat" verify --db "$(url feat)" 2>&1); st=$?
  [ $st -eq 1 ] && grep -Eq "$3" <<<"$out" && grep -q 'features.schema:[0-9]' <<<"$out" \
    && ok "verify names: $1" || bad "verify after $1 (exit $st): $out"
  out=$("$feat" apply verify --db "$(url feat)" 2>&1); st=$?
  [ $st -eq 0 ] && ok "apply repairs: $1" || bad "still drifting after repair of $1 (exit $st): $out"
}
ftamper "a bucket made public" "update storage.buckets set public = true where id = 'avatars'" \
  "bucket storage.avatars.*|public: live true, declared false"
ftamper "a bucket's MIME types" "update storage.buckets set allowed_mime_types = null where id = 'avatars'" \
  "allowed_mime_types: live \(none\)"
ftamper "a dropped bucket policy" "drop policy \"anyone reads public media\" on storage.objects" \
  "missing: policy \"anyone reads public media\" on storage.objects"
ftamper "a bucket policy widened" "alter policy \"users read their own folder\" on storage.objects using (true)" \
  "using: live true"
ftamper "a transition trigger dropped" "drop trigger status_transitions on shop.orders" \
  "missing: trigger \"status_transitions\""
ftamper "a monthly partition detached" "alter table shop.readings detach partition shop.readings_p2026_01" \
  "partition_of|partition_bound"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
