#!/usr/bin/env bash
# The verify fast path on a real PostgreSQL: after a clean verify, an
# unchanged catalog is not read again (--timing says "catalog unchanged"),
# and a tamper of every kind after such a verify is still found: verify
# exits 1 and names it, plan shows a repair.  The schema is the library
# case with 150 generated tables beside it, large enough (2,000 objects)
# that a verify after a change reads only the relations that changed
# (--timing says "stamps (N changed)"), which must find what a full read
# finds.  Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD

passed=0 failed=0
ok()   { passed=$((passed + 1)); echo "ok: $*"; }
bad()  { failed=$((failed + 1)); echo "FAIL: $*"; }

work=$(mktemp -d /tmp/schemac-fastpath.XXXXXX)
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
sql() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }

. tests/bench/generate.sh
mkdir -p "$work/src/library"
cp tests/integration/cases/library/schema/*.schema "$work/src/library/"
generate 150 "$work/src/library/90-bench.schema"
build() {  # NAME SCHEMA_DIR (under the work directory)
  (cd "$work" && "$repo/bin/schemac" build "$2" -o "bin/$1") \
    >"$work/build-$1.log" 2>&1
}
build library src/library || { cat "$work/build-library.log"; exit 1; }
lib="$work/bin/library"
createdb -T template0 lib

# A clean verify (the first after a change reads the catalog and notes it
# clean), then one that must take the fast path.
cached_clean() {  # WHAT
  local out st
  out=$("$lib" verify --db "$(url lib)" 2>&1); st=$?
  if [ $st -ne 0 ]; then
    bad "$1: verify is not clean (exit $st): $out"
    return 1
  fi
  out=$("$lib" verify --timing --db "$(url lib)" 2>&1); st=$?
  if [ $st -eq 0 ] && grep -q 'catalog unchanged' <<<"$out" \
     && grep -q ' 0 differ' <<<"$out"; then
    return 0
  fi
  bad "$1: a second verify did not take the fast path (exit $st): $out"
  return 1
}

out=$("$lib" apply --db "$(url lib)" 2>&1); st=$?
[ $st -eq 0 ] && ok "first apply" || bad "first apply exit $st: $out"
# A fresh apply read back what it made, which is the declared state: the
# first verify after it needs to read nothing, nor load that state.
out=$("$lib" verify --timing --db "$(url lib)" 2>&1); st=$?
[ $st -eq 0 ] && grep -q 'catalog unchanged' <<<"$out" && grep -q ' 0 differ' <<<"$out" \
  && ! grep -q 'normal forms' <<<"$out" \
  && ok "the first verify after a fresh apply takes the fast path" || bad "first verify (exit $st): $out"
sql lib "delete from schemactl.clean_at"
out=$("$lib" verify --timing --db "$(url lib)" 2>&1); st=$?
[ $st -eq 0 ] && ! grep -q 'catalog unchanged' <<<"$out" && grep -q ' 0 differ' <<<"$out" \
  && ok "without the memo, a full read of the fresh apply is clean too" || bad "full verify (exit $st): $out"
# With no memo to compare them with, the stamps were taken beside the
# reading (on the second connection), for the memo that verify wrote: one
# line per relation, and right, as the next verify after a change finds.
got=$(sql lib "select (select count(*) from regexp_split_to_table(rtrim(stamps, E'\n'), E'\n'))
  = (select count(*) from pg_class where relkind not in ('i', 'I', 't')) from schemactl.clean_at")
sql lib "alter table app.t4 add column x int; alter table app.t4 drop column x"
out=$("$lib" verify --timing --db "$(url lib)" 2>&1); st=$?
[ "$got" = t ] && [ $st -eq 0 ] && grep -q 'stamps (1 changed)' <<<"$out" \
  && ok "a full read keeps every relation's stamp, taken beside it" \
  || bad "stamps of a full read (one per relation: $got; exit $st): $out"
cached_clean "after apply" && ok "an unchanged catalog is not read again"
out=$("$lib" plan --timing --db "$(url lib)" 2>&1)
grep -q 'catalog unchanged' <<<"$out" && grep -q -- '-- plan: 0 statements' <<<"$out" \
  && ! grep -q 'normal forms' <<<"$out" \
  && ok "plan takes the fast path: 0 statements" || bad "plan on the fast path: $out"
out=$("$lib" apply --timing --db "$(url lib)" 2>&1)
grep -q 'catalog unchanged' <<<"$out" && grep -q '0 statements run' <<<"$out" \
  && ! grep -q 'normal forms' <<<"$out" \
  && ok "apply takes the fast path: nothing to do" || bad "apply on the fast path: $out"
got=$(sql lib "select string_agg(changes::text || ':' || (schema_data is not null)::text, ' ' order by id) from schemactl.history")
[[ $got =~ ^[1-9][0-9]*:true\ 0:false$ ]] \
  && ok "applying the same schema again records no second copy of it ($got)" \
  || bad "history after apply again: $got"
out=$("$lib" status --db "$(url lib)" 2>&1)
grep -q 'status: the database matches the schema' <<<"$out" \
  && ok "status on the fast path: matches" || bad "status on the fast path: $out"

# Each case: a description, SQL that tampers, a pattern verify must print
# (empty: the change is one the schema does not manage).  Every case starts
# from a verify that took the fast path, and the verify after the tamper
# must say exactly what one that reads the whole catalog says.
last_read=""
tamper() {  # DESCRIPTION SQL PATTERN [REPAIR_SQL]
  cached_clean "before $1" || return
  sql lib "$2" || { bad "$1: tampering SQL failed"; return; }
  local out st full fst
  out=$("$lib" verify --timing --db "$(url lib)" 2>&1); st=$?
  grep -q 'stamps (' <<<"$out" && last_read=partial || last_read=whole
  sql lib "delete from schemactl.clean_at"
  full=$("$lib" verify --db "$(url lib)" 2>&1); fst=$?
  if grep -q 'catalog unchanged' <<<"$out"; then
    bad "verify after $1 took the fast path: $out"
  elif [ $st -ne $fst ] || [ "$(grep -v '^timing:' <<<"$out")" != "$full" ]; then
    bad "verify after $1 differs from a full read (exit $st, full $fst): $out // $full"
  elif [ -z "$3" ]; then
    ok "after a cached verify, as a full read: $1 (exit $st)"
  elif [ $st -eq 1 ] && grep -Eq "$3" <<<"$out"; then
    ok "found after a cached verify: $1"
  else
    bad "verify after $1 (exit $st): $out"
  fi
  if [ -n "$3" ]; then
    out=$("$lib" plan --db "$(url lib)" 2>&1)
    grep -q -- '-- plan: 0 statements' <<<"$out" && [ -z "${4:-}" ] \
      && bad "plan after $1 is empty: $out"
  fi
  [ -z "${4:-}" ] || sql lib "$4" || bad "$1: repair SQL failed"
  out=$("$lib" apply --allow-data-loss --db "$(url lib)" 2>&1); st=$?
  [ $st -eq 0 ] || bad "apply after $1 (exit $st): $out"
}

# The verify after the last tamper read the changed relations only
# (partial), or all (whole: what changed is no one relation's).
read_was() {  # partial|whole DESCRIPTION
  [ "$last_read" = "$1" ] && ok "$2: read $1" || bad "$2: read $last_read, not $1"
}

first() { sql lib "$1" | head -n 1; }
index=$(first "select indexname from pg_indexes where schemaname='circulation' and indexname not like '%pkey' and indexname not like '%key' order by 1")
rls_table=$(first "select n.nspname||'.'||c.relname from pg_class c join pg_namespace n on n.oid=c.relnamespace where c.relrowsecurity and n.nspname <> 'schemactl' order by 1")
policy=$(first "select format('%I ON %I.%I', policyname, schemaname, tablename) from pg_policies where schemaname <> 'storage' order by 1")
default_col=$(first "select format('%I.%I|%I', c.table_schema, c.table_name, c.column_name) from information_schema.columns c where c.column_default is not null and c.column_default not like 'nextval%' and c.is_generated='NEVER' and c.is_identity='NO' and c.table_schema in ('catalog','circulation','people') order by 1")
notnull_col=$(first "select format('%I.%I|%I', n.nspname, r.relname, a.attname) from pg_attribute a join pg_class r on r.oid=a.attrelid join pg_namespace n on n.oid=r.relnamespace where a.attnotnull and a.attnum>0 and not a.attisdropped and r.relkind='r' and n.nspname in ('catalog','circulation','people') and not exists (select 1 from pg_index i where i.indrelid=r.oid and i.indisprimary and a.attnum = any(i.indkey)) and a.attidentity='' and a.attgenerated='' order by 1")
grant_table=$(first "select format('%I.%I|%s', table_schema, table_name, grantee) from information_schema.role_table_grants where table_schema in ('catalog','circulation','people') and grantee not in (current_user, 'PUBLIC') and privilege_type='SELECT' order by 1")
comment_table=$(first "select format('%I.%I', n.nspname, c.relname) from pg_class c join pg_namespace n on n.oid=c.relnamespace join pg_description d on d.objoid=c.oid and d.objsubid=0 where c.relkind='r' and n.nspname in ('catalog','circulation','people') order by 1")
function=$(first "select p.oid::regprocedure from pg_proc p join pg_namespace n on n.oid=p.pronamespace where n.nspname in ('catalog','circulation','people') and p.prolang=(select oid from pg_language where lanname='sql') and p.prokind='f' order by 1")
trigger=$(first "select format('%I ON %I.%I', t.tgname, n.nspname, c.relname) from pg_trigger t join pg_class c on c.oid=t.tgrelid join pg_namespace n on n.oid=c.relnamespace where not t.tgisinternal and n.nspname in ('catalog','circulation','people') order by 1")
text_col=$(first "select format('%I.%I|%I', n.nspname, r.relname, a.attname) from pg_attribute a join pg_class r on r.oid=a.attrelid join pg_namespace n on n.oid=r.relnamespace where a.atttypid='text'::regtype and a.attnum>0 and not a.attisdropped and r.relkind='r' and n.nspname in ('catalog','circulation','people') and not exists (select 1 from pg_depend d where d.refobjid=r.oid and d.refobjsubid=a.attnum and d.deptype in ('n','a') and d.classid in ('pg_class'::regclass, 'pg_constraint'::regclass, 'pg_rewrite'::regclass)) order by 1")
check=$(first "select format('%I|%I.%I', k.conname, n.nspname, c.relname) from pg_constraint k join pg_class c on c.oid=k.conrelid join pg_namespace n on n.oid=c.relnamespace where k.contype='c' and n.nspname in ('catalog','circulation','people') order by 1")
view=$(first "select format('%I.%I', n.nspname, c.relname) from pg_class c join pg_namespace n on n.oid=c.relnamespace where c.relkind='v' and n.nspname in ('catalog','circulation','people','reporting','library') order by 1")
fk=$(first "select format('%I.%I|%I', n.nspname, c.relname, a.attname) from pg_constraint k join pg_class c on c.oid = k.confrelid join pg_namespace n on n.oid = c.relnamespace join pg_attribute a on a.attrelid = c.oid and a.attnum = k.confkey[1] where k.contype = 'f' and n.nspname in ('catalog','circulation','people','library') order by 1")
ret=$(sql lib "select pg_get_function_result('$function'::regprocedure)")
tbl=${text_col%%|*} col=${text_col##*|}

tamper "a dropped index" "drop index circulation.$index" "missing: index .*$index"
read_was partial "a dropped index"
tamper "an undeclared index" "create index intruder_idx on $tbl ($col)" "unexpected: index \"intruder_idx\""
tamper "row level security disabled" "alter table $rls_table disable row level security" "rls: live f"
tamper "row level security forced" "alter table $rls_table force row level security" "force_rls: live t"
tamper "a changed policy" "alter policy $policy using (false)" "using: live false"
read_was partial "a changed policy"
tamper "a policy's roles" "alter policy $policy to library_auditor" "roles: live"
tamper "an undeclared policy" "create policy intruder on $rls_table using (true)" "unexpected: policy \"intruder\""
tamper "a changed default" "alter table ${default_col%%|*} alter column ${default_col##*|} set default null" "default: live"
tamper "nullability" "alter table ${notnull_col%%|*} alter column ${notnull_col##*|} drop not null" "not_null: live f"
tamper "a column type" "alter table $tbl alter column $col type varchar(500)" "type: live character varying\\(500\\)"
read_was partial "a column type"
tamper "a collation" "alter table $tbl alter column $col type text collate \"POSIX\"" "collation: live"
tamper "an undeclared column" "alter table $tbl add column extra int" "unexpected: column"
tamper "a revoked grant" "revoke select on ${grant_table%%|*} from ${grant_table##*|}" "acl: live"
tamper "a column grant" "grant update ($col) on $tbl to library_auditor" ""
tamper "a changed comment" "comment on table $comment_table is 'tampered'" "comment: live tampered"
tamper "a column comment" "comment on column $tbl.$col is 'tampered'" ""
tamper "a function body" "create or replace function $function returns $ret language sql as \$\$ select null::$ret \$\$" "definition: live"
# a body prints in no relation: the functions are read, no relation
read_was partial "a function body"
# a name may: a default or policy calling it prints it
fn_schema=$(sql lib "select n.nspname from pg_proc p join pg_namespace n on n.oid = p.pronamespace where p.oid = '$function'::regprocedure")
tamper "a function renamed" "alter function $function rename to renamed_by_hand" "missing: function" \
  "alter function $fn_schema.renamed_by_hand(${function#*(} rename to $(sql lib "select proname from pg_proc where oid = '$function'::regprocedure")"
read_was whole "a function renamed"
tamper "a function grant" "revoke execute on function $function from public" ""
tamper "a dropped trigger" "drop trigger $trigger" "missing: trigger"
tamper "a disabled trigger" "alter table ${trigger#* ON } disable trigger ${trigger%% ON *}" "enabled: live D"
tamper "a dropped check" "alter table ${check#*|} drop constraint ${check%%|*}" "missing: constraint"
tamper "an enum label" "alter type circulation.loan_status add value 'tampered'" "labels: live" \
  "delete from pg_enum where enumlabel = 'tampered'"
tamper "a domain default" "alter domain circulation.money_amount set default 1" "definition: live" \
  "alter domain circulation.money_amount set default 0"
read_was partial "a domain default"
tamper "default privileges" "alter default privileges in schema library grant select on tables to library_patron" "default_acl: live" \
  "alter default privileges in schema library revoke select on tables from library_patron"
tamper "a schema grant" "grant create on schema library to library_patron" "acl: live"
read_was partial "a schema grant"
tamper "a schema comment" "comment on schema reporting is 'tampered'" "comment: live tampered"
tamper "a role membership" "grant library_manager to library_auditor" "member_of: live" \
  "revoke library_manager from library_auditor"
tamper "a role's login" "alter role library_auditor login" "login: live t" \
  "alter role library_auditor nologin"
read_was whole "a role's login"
tamper "a view" "create or replace view $view with (security_barrier) as $(sql lib "select pg_get_viewdef('$view'::regclass)" | sed 's/;$//')" "options: live"
tamper "a renamed table" "alter table $tbl rename to renamed_by_hand" "missing: table" \
  "alter table ${tbl%%.*}.renamed_by_hand rename to ${tbl#*.}"
read_was partial "a renamed table"
# What another table prints of one: its foreign key names the column.
tamper "a referenced column renamed" "alter table ${fk%%|*} rename column ${fk##*|} to renamed_by_hand" "definition: live FOREIGN KEY" \
  "alter table ${fk%%|*} rename column renamed_by_hand to ${fk##*|}"
read_was partial "a referenced column renamed"
tamper "an undeclared table" "create table app.intruder (id int)" "unexpected: table"
read_was partial "an undeclared table"
tamper "an undeclared view" "create view app.intruder_v as select 1 as one" "unexpected: view app.intruder_v"
read_was partial "an undeclared view"
tamper "an undeclared sequence" "create sequence app.intruder_seq" "unexpected: sequence app.intruder_seq"
read_was partial "an undeclared sequence"
tamper "an undeclared view on a declared table" "create view app.intruder_t3 as select id from app.t3" "unexpected: view app.intruder_t3"
tamper "a dropped table" "drop table app.t7" "missing: table app.t7 "
read_was partial "a table dropped"
tamper "a type renamed in an unmanaged schema" "create schema elsewhere; create type elsewhere.shade as enum ('x'); alter table $tbl add column shade elsewhere.shade; alter type elsewhere.shade rename to hue" "unexpected: column"
read_was whole "a type renamed in an unmanaged schema"
sql lib "drop schema elsewhere cascade" >/dev/null 2>&1
"$lib" apply --allow-data-loss --db "$(url lib)" >/dev/null 2>&1
cached_clean "after the tampers" && ok "the fast path is taken again once repaired"

# apply after a change, in its own transaction, also reads only the
# relations the stamps say changed (the normal forms loading meanwhile),
# and repairs them: a full read finds nothing left.
apply_after() {  # DESCRIPTION SQL
  cached_clean "before apply after $1" || return
  sql lib "$2" || { bad "$1: tampering SQL failed"; return; }
  local out st full fst
  out=$("$lib" apply --allow-data-loss --timing --db "$(url lib)" 2>&1); st=$?
  sql lib "delete from schemactl.clean_at"
  full=$("$lib" verify --db "$(url lib)" 2>&1); fst=$?
  [ $st -eq 0 ] && grep -q 'stamps (' <<<"$out" && [ $fst -eq 0 ] \
    && grep -q 'normal forms (meanwhile)' <<<"$out" \
    && grep -q ' 0 differ' <<<"$full" \
    && ok "apply after $1 reads the changed relations and repairs them" \
    || bad "apply after $1 (exit $st, then verify $fst): $out // $full"
}
apply_after "a dropped index" "drop index app.t11_lower_idx"
apply_after "a dropped policy" "drop policy \"tenant read\" on app.t12"
apply_after "a changed default" "alter table app.t13 alter column created_at set default '2000-01-01'"
# the type's repair asks what depends on the column: read only then
apply_after "a column type" "alter table $tbl alter column $col type varchar(500)"
apply_after "an undeclared table" "create table app.intruder2 (id int)"
# No cache row to load beside: apply normalises in a scratch database and
# reads again, as before.
cached_clean "before apply without a cache row"
sql lib "delete from schemactl.normal_forms; drop index app.t14_lower_idx"
out=$("$lib" apply --timing --db "$(url lib)" 2>&1); st=$?
sql lib "delete from schemactl.clean_at"
full=$("$lib" verify --db "$(url lib)" 2>&1); fst=$?
[ $st -eq 0 ] && grep -q 'normal forms (scratch)' <<<"$out" \
  && grep -q '1 statement run' <<<"$out" && [ $fst -eq 0 ] \
  && ! grep -q 'from a scratch' <<<"$full" \
  && ok "apply with no cache row to load beside normalises, repairs and stores the row" \
  || bad "apply without a cache row (exit $st, verify $fst): $out // $full"

# plan reads in one snapshot, so it too reads only the changed relations,
# and plans what a full read plans.
sql lib "alter table app.t5 add column x int; alter table app.t5 drop column x"
out=$("$lib" plan --timing --db "$(url lib)" 2>&1); st=$?
[ $st -eq 0 ] && grep -q 'stamps (1 changed)' <<<"$out" && grep -q -- '-- plan: 0 statements' <<<"$out" \
  && ok "plan after a table was altered and put back reads it alone: 0 statements" \
  || bad "plan after a touched table (exit $st): $out"
sql lib "drop index app.t9_lower_idx"
out=$("$lib" plan --timing --db "$(url lib)" 2>&1); st=$?
sql lib "delete from schemactl.clean_at"
full=$("$lib" plan --db "$(url lib)" 2>&1); fst=$?
[ $st -eq 0 ] && grep -q 'stamps (2 changed)' <<<"$out" \
  && grep -q 'CREATE INDEX t9_lower_idx' <<<"$out" \
  && [ "$(grep -v '^timing:' <<<"$out")" = "$full" ] \
  && ok "plan after a dropped index reads two tables and plans what a full read plans" \
  || bad "plan after a dropped index (exit $st, full $fst): $out // $full"
"$lib" apply --db "$(url lib)" >/dev/null 2>&1 || bad "apply after the plans"

# A new version of the schema: the memo of the old one says which
# relations read as declared then, and what was declared of each; the
# relations the new version declares otherwise are read again, whether or
# not the database changed.
mkdir -p "$work/src/library2"
cp "$work"/src/library/*.schema "$work/src/library2/"
awk '/^table app.t3 [{]/ { print; print "  extra int;"; next }
     { sub(/comment .tenant table 4.;/, "comment \x27tenant table four\x27;") }
     { print }' "$work/src/library/90-bench.schema" > "$work/src/library2/90-bench.schema"
build library2 src/library2 || { cat "$work/build-library2.log"; exit 1; }
lib2="$work/bin/library2"
cached_clean "before a new version"
"$lib2" apply --db "$(url lib)" >/dev/null 2>&1 || bad "apply of the new version"
out=$("$lib2" verify --timing --db "$(url lib)" 2>&1); st=$?
[ $st -eq 0 ] && grep -q 'stamps (2 changed)' <<<"$out" && grep -q ' 0 differ' <<<"$out" \
  && ok "the first verify after applying a new version reads its two changed tables" \
  || bad "verify after the new version (exit $st): $out"
# Back to the first version, then the second's verify before it is
# applied again: the database did not change, what is declared did.
"$lib" apply --allow-data-loss --db "$(url lib)" >/dev/null 2>&1 || bad "back to the first version"
cached_clean "the first version again"
out=$("$lib2" verify --timing --db "$(url lib)" 2>&1); st=$?
sql lib "delete from schemactl.clean_at"
full=$("$lib2" verify --db "$(url lib)" 2>&1); fst=$?
[ $st -eq 1 ] && grep -q 'stamps (2 changed)' <<<"$out" \
  && grep -q 'missing: column "extra" on app.t3' <<<"$out" \
  && grep -q 'comment: live tenant table 4, declared tenant table four' <<<"$out" \
  && [ "$(grep -v '^timing:' <<<"$out")" = "$full" ] \
  && ok "a version not applied: the tables it declares otherwise are read, as a full read finds them" \
  || bad "new version, not applied (exit $st, full $fst): $out // $full"
"$lib" apply --allow-data-loss --db "$(url lib)" >/dev/null 2>&1 || bad "back to the first version"

# An object the last clean version ignored is undeclared to one that does
# not ignore it: nothing changed since in the database, yet the relations
# are looked through again for what is not declared.
mkdir -p "$work/src/library3"
cp "$work"/src/library/*.schema "$work/src/library3/"
echo 'ignore table app.legacy_*;' >> "$work/src/library3/90-bench.schema"
build library3 src/library3 || { cat "$work/build-library3.log"; exit 1; }
lib3="$work/bin/library3"
sql lib "create table app.legacy_import (id int)"
"$lib3" apply --db "$(url lib)" >/dev/null 2>&1 || bad "apply of the version that ignores"
"$lib3" verify --db "$(url lib)" >/dev/null 2>&1
out=$("$lib3" verify --timing --db "$(url lib)" 2>&1); st=$?
[ $st -eq 0 ] && grep -q 'catalog unchanged' <<<"$out" \
  && ok "an ignored table is clean, and noted so" || bad "ignored table (exit $st): $out"
out=$("$lib" verify --timing --db "$(url lib)" 2>&1); st=$?
[ $st -eq 1 ] && grep -q 'stamps (' <<<"$out" \
  && grep -q 'unexpected: table app.legacy_import' <<<"$out" \
  && ok "the version that does not ignore it finds it undeclared" \
  || bad "not ignored by this version (exit $st): $out"
sql lib "drop table app.legacy_import"
"$lib" apply --db "$(url lib)" >/dev/null 2>&1 || bad "back to the first version"

# A memo of another catalog is never taken for this one.
sql lib "update schemactl.clean_at set fingerprint = md5('other')"
out=$("$lib" verify --timing --db "$(url lib)" 2>&1); st=$?
[ $st -eq 0 ] && ! grep -q 'catalog unchanged' <<<"$out" \
  && ok "a memo of another fingerprint is not used" || bad "foreign memo (exit $st): $out"

# A read-only transaction default: the memo cannot be written; verify
# still works, reading every time.
sql lib "alter database lib set default_transaction_read_only = on"
for i in 1 2; do out=$("$lib" verify --timing --db "$(url lib)" 2>&1); st=$?; done
[ $st -eq 0 ] && grep -q ' 0 differ' <<<"$out" \
  && ok "verify on a read-only database: clean, memo not needed" || bad "read-only verify (exit $st): $out"
psql -X -q -d lib -c "set default_transaction_read_only = off" \
  -c "alter database lib reset default_transaction_read_only"

# A large schema (2,000 objects or more) reads on two connections and
# loads its normal forms on a third meanwhile: what it finds is what one
# connection finds.
. tests/bench/generate.sh
mkdir -p "$work/large/schema"
generate 150 "$work/large/schema/bench.schema"
(cd "$work/large" && "$repo/bin/schemac" build schema -o "$work/bin/large") \
  >"$work/build-large.log" 2>&1 || { cat "$work/build-large.log"; exit 1; }
large="$work/bin/large"
createdb -T template0 large
"$large" apply --db "$(url large)" >/dev/null 2>&1 || bad "large: apply"
sql large "drop policy \"tenant read\" on app.t7; alter table app.t99 drop constraint t99_name_check; drop index app.t42_lower_idx"
out=$("$large" verify --timing --db "$(url large)" 2>&1); st=$?
[ $st -eq 1 ] && grep -q 'normal forms (meanwhile)' <<<"$out" \
  && grep -q 'missing: policy "tenant read" on app.t7 ' <<<"$out" \
  && grep -q 'missing: constraint "t99_name_check" on app.t99 ' <<<"$out" \
  && grep -q 'missing: index "t42_lower_idx" on app.t42 ' <<<"$out" \
  && grep -q ' 3 differ' <<<"$out" \
  && ok "a large schema read on two connections finds three tampers" \
  || bad "large schema verify (exit $st): $out"
"$large" apply --db "$(url large)" >/dev/null 2>&1 || bad "large: repair"
out=$("$large" verify --db "$(url large)" 2>&1); st=$?
[ $st -eq 0 ] && grep -q ' 0 differ' <<<"$out" \
  && ok "and none once repaired" || bad "large schema after repair (exit $st): $out"
# A cache row that fails its checksum is not used by the loading beside
# the reading either: one warning, normal forms from a scratch database.
sql large "update schemactl.normal_forms set facets = facets || 'x'; delete from schemactl.clean_at"
out=$("$large" verify --timing --db "$(url large)" 2>&1); st=$?
[ $st -eq 0 ] && [ "$(grep -c 'fails its checksum' <<<"$out")" = 1 ] \
  && grep -q 'from a scratch database' <<<"$out" \
  && ! grep -q 'normal forms (meanwhile)' <<<"$out" \
  && ok "a tampered cache row is not used by the loading beside the reading" \
  || bad "large schema, tampered cache row (exit $st): $out"

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
