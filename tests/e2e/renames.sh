#!/usr/bin/env bash
# Renames on a database that holds rows (tests/e2e/renames/): v1 applied
# and filled, then v2, which renames a table, a column a view and a
# materialized view read, an index, a constraint, a policy, a view, a
# function and an enum label, and whose unnamed constraints and indexes
# follow the renamed table and columns.  Checks that verify and plan report
# the renames first and change nothing, that one apply renames and keeps
# every row, that verify is clean and a second apply does nothing, that
# the catalog is the one a fresh v2 makes (pg_dump --schema-only), and
# that a rename whose old and new names both exist is refused with nothing
# changed.  Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
dir=tests/e2e/renames

passed=0 failed=0
ok()   { passed=$((passed + 1)); echo "ok: $*"; }
bad()  { failed=$((failed + 1)); echo "FAIL: $*"; }

work=$(mktemp -d /tmp/schemac-renames.XXXXXX)
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
# The catalog as pg_dump prints it, without schemactl's own state.
dump() {
  pg_dump --schema-only --no-owner -d "$1" | grep -v '^--' | grep -v '^$' \
    | grep -v 'schemactl' | grep -v '^.\(un\)\?restrict ' \
    | sed '/^SET /d;/^SELECT pg_catalog.set_config/d'
}

for v in v1 v2; do
  mkdir -p "$work/$v"
  cp "$dir/$v.schema" "$work/$v/"
  (cd "$work" && "$repo/bin/schemac" build "$v/$v.schema" -o "bin/$v") \
    >"$work/build-$v.log" 2>&1 || { cat "$work/build-$v.log"; exit 1; }
done
v1=$work/bin/v1 v2=$work/bin/v2
[ -s "$work/generated/v2.sql" ] && ! grep -qi 'renamed\|customers' "$work/generated/v2.sql" \
  && ok "renames leave no trace in the canonical SQL" \
  || bad "generated/v2.sql mentions renames: $(grep -i 'renamed\|customers' "$work/generated/v2.sql" | head -3)"

createdb -T template0 live; createdb -T template0 fresh
"$v1" apply --db "$(url live)" >/dev/null 2>&1 || { bad "v1 apply"; exit 1; }
sql live -f "$dir/rows.sql" >/dev/null

# --- before: verify and plan report, and change nothing ----------------
out=$("$v2" verify --db "$(url live)" 2>&1); st=$?
[ $st -eq 1 ] && grep -q '^rename pending: ALTER TABLE shop.customers RENAME TO clients (v2/v2.schema:6)$' <<<"$out" \
  && grep -q "^rename pending: ALTER TYPE shop.state RENAME VALUE 'done' TO 'closed' (v2/v2.schema:4)$" <<<"$out" \
  && ok "verify before apply: exit 1, each pending rename at its file:line" \
  || bad "verify before apply (exit $st): $out"
out=$("$v2" plan --db "$(url live)" 2>&1); st=$?
renames=$(grep -c '^ALTER .* RENAME ' <<<"$out")
first_other=$(grep -v '^ALTER .* RENAME ' <<<"$out" | head -n 1)
[ $st -eq 0 ] && [ "$renames" -eq 16 ] \
  && [ "$(head -n 16 <<<"$out" | grep -c '^ALTER .* RENAME ')" -eq 16 ] \
  && grep -q '^ALTER SEQUENCE IF EXISTS shop.customers_serial_no_seq RENAME TO clients_number_seq;' <<<"$out" \
  && [ "$first_other" = "DROP VIEW shop.client_names;  -- v2/v2.schema:28" ] \
  && ok "plan: the 16 renames first (an identity's sequence too), then only what remains" \
  || bad "plan (exit $st): $out"
[ "$(sql live -c "select to_regclass('shop.customers') is not null and to_regclass('shop.clients') is null")" = t ] \
  && ok "verify and plan renamed nothing" || bad "verify or plan changed the database"

# --- apply: one command ------------------------------------------------
out=$("$v2" apply --db "$(url live)" 2>&1); st=$?
[ $st -eq 0 ] && ok "v2 apply: exit 0" || bad "v2 apply (exit $st): $out"
got=$(sql live -c "select full_name, email, state from shop.clients order by 1")
[ "$got" = "$(printf 'ann|a@x|open\nbob|b@x|closed')" ] \
  && ok "rows kept: values, renamed label included" || bad "clients rows: $got"
got=$(sql live -c "select count(*), count(distinct client_id) from shop.orders o join shop.clients c on c.id = o.client_id")
[ "$got" = "3|2" ] && ok "rows kept: orders still reach their clients" || bad "orders: $got"
got=$(sql live -c "select string_agg(full_name, ',' order by full_name) from shop.client_names")
[ "$got" = "ann,bob" ] && ok "the renamed view reads the renamed column" || bad "client_names: $got"
got=$(sql live -c "select count(*), sum(total) from shop.client_totals")
[ "$got" = "2|35.00" ] && ok "the materialized view is populated" || bad "client_totals: $got"
got=$(sql live -c "select shop.client_count()")
[ "$got" = 2 ] && ok "the renamed function reads the renamed table" || bad "client_count: $got"

# --- after: clean, nothing more to do, the catalog of a fresh v2 -------
out=$("$v2" verify --db "$(url live)" 2>&1); st=$?
[ $st -eq 0 ] && ok "verify after apply: clean" || bad "verify after apply (exit $st): $out"
out=$("$v2" apply --db "$(url live)" 2>&1)
grep -q '^apply: 0 statements run, 0 objects changed$' <<<"$out" \
  && ok "second apply: nothing to do" || bad "second apply: $out"
"$v2" apply --db "$(url fresh)" >/dev/null 2>&1 || bad "fresh v2 apply"
if diff <(dump live) <(dump fresh) >"$work/dump.diff"; then
  ok "catalog after the renames equals a fresh v2 (pg_dump --schema-only)"
else
  bad "catalog differs from a fresh v2: $(head -20 "$work/dump.diff")"
fi

# --- both names there: refused, nothing changed ------------------------
createdb -T template0 both
"$v1" apply --db "$(url both)" >/dev/null 2>&1
sql both -c "create table shop.clients (id integer)"
before=$(dump both)
out=$("$v2" apply --db "$(url both)" 2>&1); st=$?
[ $st -eq 3 ] && grep -q 'refusing: table shop.clients is declared `renamed from` table shop.customers, and both exist: drop one, or take `renamed from` out -- v2/v2.schema:6' <<<"$out" \
  && ok "old and new name both there: refused (exit 3), naming both" \
  || bad "both names (exit $st): $out"
[ "$before" = "$(dump both)" ] && ok "the refused apply changed nothing" \
  || bad "the refused apply changed the catalog"
out=$("$v2" plan --db "$(url both)" 2>&1)
grep -q '^-- cannot: table shop.clients is declared `renamed from` table shop.customers' <<<"$out" \
  && ok "plan shows the refusal" || bad "plan with both names: $out"

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
