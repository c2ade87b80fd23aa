#!/usr/bin/env bash
# make bench: schemas of N tenant tables (a foreign key, three indexes, RLS
# with three policies, a grant and a comment each); prints compile time,
# build time, apply time beside psql -1 -f of the same SQL on the same
# server, and verify time.  Sizes: BENCH_SIZES (default "1000 10000").
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
sizes=${BENCH_SIZES:-1000 10000}

work=$(mktemp -d /tmp/schemac-bench.XXXXXX)
chmod 755 "$work"
trap 'scripts/pg-tmp.sh stop "$work/pg" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

generate() {  # N FILE
  awk -v n="$1" 'BEGIN {
    print "role bench_user;"
    print "schema app { grant usage to bench_user; }"
    print "table app.tenants { id uuid primary key default gen_random_uuid(); name text not null; }"
    for (i = 0; i < n; i++) {
      printf "table app.t%d {\n", i
      print "  id uuid primary key default gen_random_uuid();"
      print "  tenant_id uuid not null references app.tenants (id) on delete cascade;"
      print "  name text not null check (length(name) > 0);"
      print "  created_at timestamptz not null default now();"
      print "  index (tenant_id);"
      print "  index (created_at desc);"
      print "  index (lower(name));"
      print "  row level security;"
      print "  policy \"tenant read\" for select to bench_user using (tenant_id = current_setting(\x27app.tenant\x27)::uuid);"
      print "  policy \"tenant write\" for insert to bench_user with check (tenant_id = current_setting(\x27app.tenant\x27)::uuid);"
      print "  policy \"tenant update\" for update to bench_user using (tenant_id = current_setting(\x27app.tenant\x27)::uuid);"
      print "  grant select, insert, update to bench_user;"
      printf "  comment \x27tenant table %d\x27;\n}\n", i
    }
  }' > "$2"
}

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

env_lines=$(scripts/pg-tmp.sh start "$work/pg")
eval "$env_lines"
export PGHOST PGPORT PGUSER
url() { echo "postgresql:///$1?host=$PGHOST&port=$PGPORT&user=$PGUSER"; }

printf '%-7s %9s %9s %11s %9s %7s %9s %11s\n' tables compile build "psql -1 -f" apply ratio verify "peak RSS"
for n in $sizes; do
  dir="$work/s$n"
  mkdir -p "$dir/schema"
  generate "$n" "$dir/schema/bench.schema"
  t=$(now); "$repo/bin/schemac" sql "$dir/schema" > "$dir/bench.sql"; compile=$(since "$t")
  rss=0  # GNU time reports the compiler's peak memory, where installed
  if [ -x /usr/bin/time ]; then
    rss=$( { /usr/bin/time -f '%M' "$repo/bin/schemac" sql "$dir/schema" >/dev/null; } 2>&1 | tail -n 1)
  fi
  t=$(now)
  (cd "$dir" && "$repo/bin/schemac" build schema -o "bin/b$n" >/dev/null)
  build=$(since "$t")
  createdb -T template0 "p$n"
  t=$(now); psql -X -q -v ON_ERROR_STOP=1 -1 -d "p$n" -f "$dir/bench.sql" >/dev/null; psql_s=$(since "$t")
  createdb -T template0 "a$n"
  t=$(now); "$dir/bin/b$n" apply --db "$(url "a$n")" >/dev/null; apply=$(since "$t")
  t=$(now); "$dir/bin/b$n" verify --db "$(url "a$n")" >/dev/null; verify=$(since "$t")
  ratio=$(awk -v a="$apply" -v p="$psql_s" 'BEGIN { printf "%.2f", a / p }')
  printf '%-7s %8ss %8ss %10ss %8ss %6sx %8ss %8s MB\n' "$n" "$compile" "$build" \
    "$psql_s" "$apply" "$ratio" "$verify" "$((rss / 1024))"
  dropdb "p$n"
  dropdb "a$n"
  rm -rf "$dir"
done
