#!/usr/bin/env bash
# Publications, replica identity, sequences, procedures and data rows end
# to end on a real PostgreSQL (tests/e2e/objects/): apply, a clean verify,
# the catalog (and the rows) `psql -1 -f` of `schemac sql` gives, a second
# apply that does nothing;
# then each tamper of one of these objects is found by verify (exit 1,
# named; after a clean verify, so the fast path must see it too), shown by
# plan, repaired by apply, and verify is clean again.  Supabase's own
# publication is given tables and never dropped.  Ends "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD

passed=0 failed=0
ok()   { passed=$((passed + 1)); echo "ok: $*"; }
bad()  { failed=$((failed + 1)); echo "FAIL: $*"; }

work=$(mktemp -d /tmp/schemac-objects.XXXXXX)
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
sql() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2" 2>&1 | grep -v 'wal_level\|^HINT'; return "${PIPESTATUS[0]}"; }

schema=tests/e2e/objects
(cd "$work" && "$repo/bin/schemac" build "$repo/$schema" -o bin/objects) \
  >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
exe="$work/bin/objects"
run() { "$exe" "$@" 2>&1 | grep -v 'wal_level\|^HINT'; return "${PIPESTATUS[0]}"; }

createdb -T template0 db
out=$(run apply --install-platform-shim --db "$(url db)"); st=$?
[ $st -eq 0 ] && ok "apply" || bad "apply (exit $st): $out"
out=$(run verify --db "$(url db)"); st=$?
[ $st -eq 0 ] && grep -q ' 0 differ' <<<"$out" && ok "verify clean after apply" \
  || bad "verify after apply (exit $st): $out"
out=$(run apply --db "$(url db)"); st=$?
[ $st -eq 0 ] && grep -q '0 statements run' <<<"$out" && ok "a second apply does nothing" \
  || bad "second apply (exit $st): $out"

# The catalog is the one the canonical SQL gives by psql.
createdb -T template0 ref
psql -X -q -v ON_ERROR_STOP=1 -d ref -f src/platform/supabase.sql >/dev/null 2>&1
"$repo/bin/schemac" sql "$schema" >"$work/canonical.sql"
if psql -X -q -v ON_ERROR_STOP=1 -1 -d ref -f "$work/canonical.sql" >"$work/ref.log" 2>&1; then
  dump() { pg_dump --schema-only --no-owner -d "$1" -N schemactl | grep -v '^--\|^\\\(un\)\?restrict\|^$'; }
  if diff <(dump db) <(dump ref) >"$work/dump.diff"; then
    ok "pg_dump equals the canonical SQL's"
  else
    bad "pg_dump differs from the canonical SQL's: $(head -20 "$work/dump.diff")"
  fi
  data() { pg_dump --data-only -t public.room_kinds -t public.flags -d "$1" | grep -v '^--\|^\\\(un\)\?restrict\|^$'; }
  if diff <(data db) <(data ref) >"$work/data.diff" && grep -q 'Invite only' <(data db); then
    ok "pg_dump --data-only of the rows' tables equals the canonical SQL's"
  else
    bad "the rows differ from the canonical SQL's: $(head -20 "$work/data.diff")"
  fi
else
  bad "the canonical SQL does not apply: $(cat "$work/ref.log")"
fi

# One tamper: verify names it (exit 1), plan shows a repair, apply makes
# it, verify is clean again.
tamper() {  # DESCRIPTION SQL PATTERN
  local out st
  out=$(run verify --db "$(url db)"); st=$?
  [ $st -eq 0 ] || { bad "before $1: verify not clean: $out"; return; }
  sql db "$2" >/dev/null || { bad "$1: tampering SQL failed"; return; }
  out=$(run verify --db "$(url db)"); st=$?
  if [ $st -ne 1 ] || ! grep -Eq -- "$3" <<<"$out"; then
    bad "verify after $1 (exit $st): $out"; return
  fi
  out=$(run plan --db "$(url db)")
  grep -q -- '-- plan: 0 statements' <<<"$out" && { bad "plan after $1 is empty"; return; }
  out=$(run apply --db "$(url db)"); st=$?
  [ $st -eq 0 ] || { bad "apply after $1 (exit $st): $out"; return; }
  out=$(run verify --db "$(url db)"); st=$?
  [ $st -eq 0 ] && ok "found and repaired: $1" || bad "verify after repairing $1 (exit $st): $out"
}

tamper "a table taken out of supabase_realtime" \
  "alter publication supabase_realtime drop table public.rooms" \
  'missing: published "supabase_realtime" on public.rooms'
tamper "a published table's row filter" \
  "alter publication supabase_realtime set table public.messages (id, room_id, body, code) where (code = 'x'), public.rooms" \
  "where: live \\(code = 'x'::text\\), declared \\(code <> 'draft'::text\\)"
tamper "a published table's columns" \
  "alter publication audit_feed set table public.messages (id)" \
  'columns: live id, declared \(none\)'
tamper "a declared table put in a publication" \
  "alter publication audit_feed add table public.tickets" \
  'unexpected: published "audit_feed" on public.tickets'
# A publication the schema does not declare is another tool's: its
# tables are neither reported nor taken out.
sql db "create publication other_feed for table public.tickets" >/dev/null
out=$(run verify --db "$(url db)"); st=$?
[ $st -eq 0 ] && ok "a declared table in an undeclared publication is not drift" \
  || bad "a declared table in an undeclared publication (exit $st): $out"
run apply --db "$(url db)" >/dev/null
n=$(sql db "select count(*) from pg_publication_tables where pubname = 'other_feed'")
[ "$n" = 1 ] && ok "apply leaves an undeclared publication's tables" \
  || bad "apply took the table out of other_feed ($n left)"
sql db "drop publication other_feed" >/dev/null
tamper "what a publication publishes" \
  "alter publication audit_feed set (publish = 'insert, update')" \
  'publish: live insert, update, declared insert, delete'
tamper "a dropped publication" "drop publication audit_feed" \
  'missing: publication audit_feed'
tamper "a publication's comment" "comment on publication audit_feed is 'x'" \
  'comment: live x'
tamper "a replica identity changed" "alter table public.rooms replica identity default" \
  'replica_identity: live default, declared full'
tamper "a replica identity's index" "alter table public.messages replica identity full" \
  'replica_identity: live full, declared index:messages_code'
tamper "a replica identity not declared" "alter table public.tickets replica identity full" \
  'replica_identity: live full, declared default'
tamper "a sequence's options" "alter sequence public.ticket_no increment by 1 maxvalue 500 cycle" \
  'increment: live 1, declared 5'
tamper "a sequence's type" "alter sequence public.ticket_no as bigint" \
  'type: live bigint, declared integer'
tamper "a sequence's owner" "alter sequence public.message_no owned by none" \
  'owned_by: live \(none\), declared public.messages.no'
tamper "a sequence's grant" "revoke usage on sequence public.ticket_no from chat_worker" \
  'acl: live chat_worker:SELECT, declared chat_worker:SELECT,chat_worker:USAGE'
tamper "a sequence's comment" "comment on sequence public.ticket_no is null" \
  'comment: live \(none\), declared ticket numbers'
tamper "an undeclared sequence" "create sequence public.stray" \
  'unexpected: sequence public.stray'
tamper "a procedure's body" \
  "create or replace procedure public.close_stale(days integer) language plpgsql set search_path = '' as \$\$ begin null; end \$\$" \
  'drift: function public.close_stale\(integer\)'
tamper "a procedure's grant" "grant execute on procedure public.close_stale(integer) to public" \
  'acl: live PUBLIC:EXECUTE,chat_worker:EXECUTE'
tamper "a dropped procedure" "drop procedure public.close_stale(integer)" \
  'missing: function public.close_stale\(integer\)'

tamper "a declared row changed" "update public.room_kinds set max = 1 where kind = 'invite'" \
  'row 2: live \(invite,"Invite only",private,1\), declared \(invite,"Invite only",private,20\)'
tamper "a declared row deleted" "delete from public.room_kinds where kind = 'open'" \
  'row 1: live \(none\), declared \(open,"Open to all",public,500\)'
tamper "a row added to exact rows" "insert into public.flags values ('polls', true)" \
  'rows not declared: live 1, declared 0'
tamper "an exact row changed" "update public.flags set enabled = not enabled" \
  'row 1: live \(reactions,f\), declared \(reactions,t\)'
tamper "a column the rows give dropped" "alter table public.room_kinds drop column max" \
  'missing: column "max" on public.room_kinds'

# Rows not declared stay where the rows are not `exact`, and so do the
# columns the rows do not give.
sql db "insert into public.room_kinds values ('secret', 'Hidden', 'private', 5)" >/dev/null
out=$(run verify --db "$(url db)"); st=$?
[ $st -eq 0 ] && ok "a row not declared is no drift where rows are not exact" \
  || bad "verify with an undeclared row (exit $st): $out"
out=$(run apply --db "$(url db)")
[ "$(sql db "select count(*) from public.room_kinds")" = 3 ] && grep -q '0 statements run' <<<"$out" \
  && ok "apply leaves it" || bad "apply with an undeclared row: $out"

# The sequence's value is never set back by a repair.
sql db "select setval('public.ticket_no', 400)" >/dev/null
sql db "alter sequence public.ticket_no cache 9" >/dev/null
run apply --db "$(url db)" >/dev/null
v=$(sql db "select last_value from public.ticket_no")
[ "$v" = 400 ] && ok "a sequence repaired keeps its value" || bad "sequence value after repair: $v"

# The procedure runs; the platform's publication is still there, and the
# Supabase stand-in's tables were never given to it.
sql db "insert into public.tickets (state) values ('stale')" >/dev/null
sql db "call public.close_stale(1)" >/dev/null \
  && [ "$(sql db "select state from public.tickets")" = closed ] \
  && ok "the procedure runs" || bad "call close_stale"
n=$(sql db "select string_agg(tablename, ',' order by tablename) from pg_publication_tables where pubname = 'supabase_realtime'")
[ "$n" = "messages,rooms" ] && ok "supabase_realtime holds the declared tables" \
  || bad "supabase_realtime holds: $n"

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
