#!/usr/bin/env bash
# The time `schemac import --db` takes to read a database of N tenant
# tables (a foreign key, three indexes, row level security with three
# policies, a grant and a comment each) and write, check and rename its
# .schema files; best of BENCH_REPEAT (default 3).  Run by make bench, on
# a server of its own.  Environment: BENCH_IMPORT_TABLES (default 1000).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
n=${BENCH_IMPORT_TABLES:-1000}
repeat=${BENCH_REPEAT:-3}

work=$(mktemp -d /tmp/schemac-bench-import.XXXXXX)
chmod 755 "$work"
trap 'scripts/pg-tmp.sh stop "$work/pg" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
trap 'exit 1' TERM INT

awk -v n="$n" 'BEGIN {
  print "CREATE ROLE bench_reader NOLOGIN;"
  print "CREATE SCHEMA app;"
  print "GRANT USAGE ON SCHEMA app TO bench_reader;"
  print "CREATE TABLE app.tenants (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL);"
  for (i = 0; i < n; i++) {
    printf "CREATE TABLE app.t%d (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),", i
    printf " tenant_id uuid NOT NULL REFERENCES app.tenants (id) ON DELETE CASCADE,"
    printf " name text NOT NULL CHECK (length(name) > 0), created_at timestamptz NOT NULL DEFAULT now());\n"
    printf "CREATE INDEX ON app.t%d (tenant_id);\n", i
    printf "CREATE INDEX ON app.t%d (created_at DESC);\n", i
    printf "CREATE INDEX ON app.t%d (lower(name));\n", i
    printf "ALTER TABLE app.t%d ENABLE ROW LEVEL SECURITY;\n", i
    printf "CREATE POLICY \"tenant read\" ON app.t%d FOR SELECT TO bench_reader USING (tenant_id = current_setting(\x27app.tenant\x27)::uuid);\n", i
    printf "CREATE POLICY \"tenant write\" ON app.t%d FOR INSERT TO bench_reader WITH CHECK (tenant_id = current_setting(\x27app.tenant\x27)::uuid);\n", i
    printf "CREATE POLICY \"tenant update\" ON app.t%d FOR UPDATE TO bench_reader USING (tenant_id = current_setting(\x27app.tenant\x27)::uuid);\n", i
    printf "GRANT SELECT, INSERT, UPDATE ON app.t%d TO bench_reader;\n", i
    printf "COMMENT ON TABLE app.t%d IS \x27tenant table %d\x27;\n", i, i
  }
}' > "$work/db.sql"

env_lines=$(scripts/pg-tmp.sh start "$work/pg")
eval "$env_lines"
export PGHOST PGPORT PGUSER
createdb -T template0 bench
psql -X -q -v ON_ERROR_STOP=1 -1 -d bench -f "$work/db.sql" >/dev/null
url="postgresql:///bench?host=$PGHOST&port=$PGPORT&user=$PGUSER"

best=
for ((i = 0; i < repeat; i++)); do
  rm -rf "$work/out"
  t0=$(date +%s.%N)
  "$repo/bin/schemac" import --db "$url" -o "$work/out"
  t=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
  best=$(awk -v a="$best" -v b="$t" 'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }')
done
tables=$(grep -c '^table ' "$work/out/app.schema")
printf 'import: %s tables read and written in %ss (best of %s; target under 2 s)\n' \
  "$tables" "$best" "$repeat"
