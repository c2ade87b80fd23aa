#!/usr/bin/env bash
# make bench-peers: schemac beside the tools people use for the same job,
# on one generated schema (tests/bench/generate.sh, 1,000 tables by
# default) applied once to one server:
#
#   schemac verify        the first verify (reads and compares the catalog)
#   schemac verify again  nothing changed since: the fingerprint fast path
#   sqitch verify         one change per table, each verify script checking
#                         the table's columns, indexes, policies and grant
#                         (deployed with --log-only: the schema is there)
#   pgTAP                 15 schema tests per table (has_table, columns_are,
#                         col_type_is, col_not_null, col_is_pk, fk_ok,
#                         indexes_are, policies_are, table_privs_are), one
#                         psql run
#   drizzle-kit pull      introspects the schema into TypeScript
#   schemac import        the same direction, where this schemac has it
#
# It installs the peers itself: Debian's sqitch and postgresql-15-pgtap
# (through scripts/install-deps.sh), drizzle-kit, drizzle-orm and pg from
# npm into build/peers.  Prints a Markdown table with the date, the
# machine and the load average.
#
# Environment: BENCH_PEERS_TABLES (default 1000).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
n=${BENCH_PEERS_TABLES:-1000}

scripts/install-deps.sh sqitch postgresql-15-pgtap >&2
peers=$repo/build/peers
mkdir -p "$peers"
if [ ! -x "$peers/node_modules/.bin/drizzle-kit" ]; then
  (cd "$peers" && npm install --no-audit --no-fund --silent \
    drizzle-kit drizzle-orm pg >&2)
fi

work=$(mktemp -d /tmp/schemac-peers.XXXXXX)
chmod 755 "$work"
trap 'scripts/pg-tmp.sh stop "$work/pg" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
trap 'exit 1' TERM INT

. tests/bench/generate.sh
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
timed() {  # CMD...: its seconds; its output in $work/last.log
  local t
  t=$(now)
  if ! "$@" >"$work/last.log" 2>&1; then
    printf 'bench-peers: failed: %s\n' "$*" >&2
    tail -20 "$work/last.log" >&2
    kill -TERM $$
    exit 1
  fi
  since "$t"
}

eval "$(scripts/pg-tmp.sh start "$work/pg")"
export PGHOST PGPORT PGUSER
db=peers
createdb -T template0 "$db"
url="postgresql:///$db?host=$PGHOST&port=$PGPORT&user=$PGUSER"

mkdir -p "$work/s/schema"
generate "$n" "$work/s/schema/bench.schema"
(cd "$work/s" && "$repo/bin/schemac" build schema -o bin/bench >/dev/null)
echo "bench-peers: applying $n tables" >&2
"$work/s/bin/bench" apply --db "$url" >/dev/null
psql -X -q -d "$db" -c "VACUUM ANALYZE" >/dev/null

# schemac: the full comparison (no memo of a clean verify yet), then the
# fast path
psql -X -q -d "$db" -c "DELETE FROM schemactl.clean_at" >/dev/null
sc_verify=$(timed "$work/s/bin/bench" verify --db "$url")
sc_again=$(timed "$work/s/bin/bench" verify --db "$url")
sc_import=n/a
if "$repo/bin/schemac" --help 2>&1 | grep -q '^  import '; then
  sc_import=$(timed "$repo/bin/schemac" import --db "$url" --schema app \
    -o "$work/imported")
fi

# sqitch: a project of one change per table, written out directly (sqitch
# add per change takes longer than the verify)
sq=$work/sqitch
mkdir -p "$sq/deploy" "$sq/verify" "$sq/revert"
printf '[core]\n\tengine = pg\n' > "$sq/sqitch.conf"
{
  printf '%%syntax-version=1.0.0\n%%project=bench\n\n'
  for ((i = 0; i < n; i++)); do
    printf 't%d 2026-01-01T00:00:00Z Bench <bench@example.com> # table t%d\n' "$i" "$i"
  done
} > "$sq/sqitch.plan"
for ((i = 0; i < n; i++)); do
  echo "-- app.t$i: made by schemac apply" > "$sq/deploy/t$i.sql"
  echo "-- app.t$i: dropped by hand" > "$sq/revert/t$i.sql"
  cat > "$sq/verify/t$i.sql" <<SQL
BEGIN;
SELECT id, tenant_id, name, created_at FROM app.t$i WHERE false;
SELECT 1 / (count(*) = 4)::int FROM pg_catalog.pg_indexes
 WHERE schemaname = 'app' AND tablename = 't$i';
SELECT 1 / (count(*) = 3)::int FROM pg_catalog.pg_policies
 WHERE schemaname = 'app' AND tablename = 't$i';
SELECT 1 / has_table_privilege('bench_user', 'app.t$i', 'SELECT, INSERT, UPDATE')::int;
ROLLBACK;
SQL
done
target="db:pg://$PGUSER@/$db"
(cd "$sq" && sqitch deploy --log-only "$target" >/dev/null)
sq_verify=$(cd "$sq" && timed sqitch verify "$target")

# pgTAP: one file, one transaction, rolled back
tap=$work/schema_test.sql
{
  echo "BEGIN;"
  echo "CREATE EXTENSION IF NOT EXISTS pgtap;"
  echo "SELECT plan($((n * 15)));"
  for ((i = 0; i < n; i++)); do
    t="'app', 't$i'"
    cat <<SQL
SELECT has_table($t, 't$i');
SELECT columns_are($t, ARRAY['id', 'tenant_id', 'name', 'created_at']);
SELECT col_type_is($t, 'id', 'uuid', 'type of id');
SELECT col_type_is($t, 'tenant_id', 'uuid', 'type of tenant_id');
SELECT col_type_is($t, 'name', 'text', 'type of name');
SELECT col_type_is($t, 'created_at', 'timestamp with time zone', 'type of created_at');
SELECT col_not_null($t, 'id', 'id not null');
SELECT col_not_null($t, 'tenant_id', 'tenant_id not null');
SELECT col_not_null($t, 'name', 'name not null');
SELECT col_not_null($t, 'created_at', 'created_at not null');
SELECT col_is_pk($t, 'id', 'primary key');
SELECT fk_ok('app', 't$i', 'tenant_id', 'app', 'tenants', 'id');
SELECT indexes_are($t, ARRAY['t${i}_pkey', 't${i}_tenant_id_idx', 't${i}_created_at_idx', 't${i}_lower_idx']);
SELECT policies_are($t, ARRAY['tenant read', 'tenant write', 'tenant update']);
SELECT table_privs_are($t, 'bench_user', ARRAY['SELECT', 'INSERT', 'UPDATE']);
SQL
  done
  echo "SELECT * FROM finish();"
  echo "ROLLBACK;"
} > "$tap"
tap_s=$(timed psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" -f "$tap")
if grep -q '^not ok' "$work/last.log"; then
  echo "bench-peers: pgTAP tests failed:" >&2
  grep -m5 '^not ok' "$work/last.log" >&2
  exit 1
fi

# drizzle-kit: its config names the socket directory; the server has no SSL
dk=$work/drizzle
mkdir -p "$dk"
cat > "$dk/drizzle.config.js" <<JS
module.exports = {
  dialect: 'postgresql',
  out: './out',
  schemaFilter: ['app'],
  dbCredentials: { host: '$PGHOST', port: $PGPORT, user: '$PGUSER',
                   database: '$db', ssl: false },
};
JS
dk_s=$(cd "$dk" && timed "$peers/node_modules/.bin/drizzle-kit" pull \
  --config=drizzle.config.js)
[ -s "$dk/out/schema.ts" ] || { echo "bench-peers: drizzle-kit wrote no schema" >&2; exit 1; }

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores ($cpu), PostgreSQL"\
 "$(psql -X -At -c 'SHOW server_version'), load average"\
 "$(cut -d' ' -f1-3 /proc/loadavg), $n tables:"
echo
echo "| tool | what it does | seconds |"
echo "|---|---|---|"
echo "| schemac verify | every declared object and its grants, policies, comments against the catalog; undeclared objects | $sc_verify |"
echo "| schemac verify (unchanged) | the catalog fingerprint matches the last clean verify | $sc_again |"
echo "| sqitch verify | one hand-written verify script per change (columns, index count, policy count, grant) | $sq_verify |"
echo "| pgTAP | 15 schema tests per table in one psql run | $tap_s |"
echo "| drizzle-kit pull | introspection into TypeScript | $dk_s |"
echo "| schemac import | introspection into .schema | $sc_import |"
