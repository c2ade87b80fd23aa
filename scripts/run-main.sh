#!/usr/bin/env bash
# The main job until schemactl exists: compile each project in schema/,
# apply its SQL to a throwaway PostgreSQL in one transaction, and report
# what the catalog then holds.
set -euo pipefail
cd "$(dirname "$0")/.."

schemac=bin/schemac
projects=("$@")
[ ${#projects[@]} -gt 0 ] || { echo "run-main.sh: no projects in schema/"; exit 2; }

dir=$(mktemp -d /tmp/schemac-run.XXXXXX)
trap 'scripts/pg-tmp.sh stop "$dir" >/dev/null 2>&1 || true' EXIT
env_lines=$(scripts/pg-tmp.sh start "$dir") || exit 1
eval "$env_lines"

report() {
  psql -X -q -At -d "$1" -c "
    select count(*) filter (where c.relkind in ('r','p')) || ' tables, ' ||
           count(*) filter (where c.relkind = 'v') || ' views, ' ||
           count(*) filter (where c.relkind = 'm') || ' materialized views, ' ||
           count(*) filter (where c.relkind = 'i') || ' indexes'
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast',
                            'auth', 'storage', 'extensions')"
  psql -X -q -At -d "$1" -c "
    select (select count(*) from pg_policy p join pg_class c on c.oid = p.polrelid
              join pg_namespace n on n.oid = c.relnamespace
             where n.nspname not in ('auth', 'storage')) || ' policies, ' ||
           (select count(*) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
             where n.nspname not in ('pg_catalog', 'information_schema', 'auth',
                                     'storage', 'extensions')) || ' functions, ' ||
           (select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where c.relrowsecurity and c.relkind in ('r','p')
               and n.nspname not in ('auth', 'storage')) || ' tables with RLS'"
}

total=0
for p in "${projects[@]}"; do
  echo "== $p"
  "$schemac" check "schema/$p"
  sql="build/$p.sql"
  "$schemac" sql "schema/$p" > "$sql"
  statements=$(grep -c '^-- source:' "$sql")
  createdb -T template0 "$p"
  if grep -rqsE '^[[:space:]]*platform[[:space:]]+supabase[[:space:]]*;' "schema/$p"; then
    psql -X -q -v ON_ERROR_STOP=1 -1 -d "$p" -f src/platform/supabase.sql >/dev/null
    echo "platform: supabase stand-in installed"
  fi
  psql -X -q -v ON_ERROR_STOP=1 -1 -d "$p" -f "$sql" >/dev/null
  echo "applied $statements statements in one transaction"
  report "$p"
  total=$((total + statements))
done
echo "${#projects[@]} project(s), $total statements applied, 0 failed"
