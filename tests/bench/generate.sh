# generate.sh — sourced by the benchmarks: the schema of N tenant tables
# (a foreign key, three indexes, RLS with three policies, a grant and a
# comment each).
# shellcheck shell=bash

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
