#!/usr/bin/env bash
# make bench: schemas of N tenant tables (a foreign key, three indexes, RLS
# with three policies, a grant and a comment each), timed on one server
# beside `psql -1 -f` of the same SQL:
#
#   compile, build       schemac sql / schemac build
#   psql -1 -f           the generated SQL by psql, in one transaction
#   apply, ratio         apply to an empty database, and apply / psql
#   verify               the first verify after apply: a fresh apply read
#                        back what it made, so the fingerprint fast path
#   full                 verify with no memo (schemactl.clean_at emptied):
#                        reads the whole catalog and the normal forms, as
#                        after any change
#   again                verify after that: the fast path again
#   touched              verify after one table was altered and put back
#                        (a column added and dropped): reads that table
#                        only, against the memo's stamps (stamps.c)
#   plan touched         plan after another table was altered and put back
#                        (in one snapshot, so with the stamps too)
#   plan, apply again    on the up-to-date database
#   a.fix                apply after one index was dropped: it reads the
#                        changed table only and makes the index again
#   embedded             initdb + start + stop of --embedded (`test`, which
#                        finds no applied schema there and stops)
#   check                schemac check of schema/thorbis, --no-server and
#                        with the server check
#
# Under each row, the same phases in ms per table ("m"): what is linear in
# the number of tables keeps its figure from one size to the next.
#
# The server runs with jit = on, PostgreSQL's default (the test servers
# turn it off), so that what JIT costs a catalog query shows.
#
# Environment: BENCH_SIZES (default "100 1000 10000"); BENCH_BASELINE, the
# schemac of another checkout (say main's bin/schemac), timed beside this
# one on the same server in the same run; BENCH_REPEAT (default 1): each
# time is the best of that many runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
sizes=${BENCH_SIZES:-100 1000 10000}
repeat=${BENCH_REPEAT:-1}
impls="this=$repo/bin/schemac"
if [ -n "${BENCH_BASELINE:-}" ]; then
  [ -x "$BENCH_BASELINE" ] || { echo "bench: $BENCH_BASELINE: not executable" >&2; exit 2; }
  impls="baseline=$BENCH_BASELINE $impls"
fi

work=$(mktemp -d /tmp/schemac-bench.XXXXXX)
chmod 755 "$work"
trap 'scripts/pg-tmp.sh stop "$work/pg" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
trap 'exit 1' TERM INT

. tests/bench/generate.sh

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }'; }

# timed CMD...: the seconds CMD took; its output is dropped, a failure
# stops the bench with its message (it runs in a command substitution, so
# it stops the bench itself, whose trap removes the server).
timed() {
  local t out
  t=$(now)
  if ! out=$("$@" 2>&1); then
    printf 'bench: failed: %s\n%s\n' "$*" "$out" >&2
    kill -TERM $$
    exit 1
  fi
  since "$t"
}

env_lines=$(scripts/pg-tmp.sh start "$work/pg")
eval "$env_lines"
export PGHOST PGPORT PGUSER
psql -X -q -c "ALTER SYSTEM SET jit = on" -c "SELECT pg_reload_conf()" >/dev/null
url() { echo "postgresql:///$1?host=$PGHOST&port=$PGPORT&user=$PGUSER"; }

# phases IMPL N DIR: apply (best of $repeat, each on a new database), then
# the rest on the last one.  Prints the seconds, space separated.
phases() {
  local bin=$3/bin/$1 db="$1$2" apply="" verify full again touched plan
  local tplan reapply fix i
  for ((i = 0; i < repeat; i++)); do
    dropdb --if-exists "$db" 2>/dev/null
    createdb -T template0 "$db"
    apply=$(min "$apply" "$(timed "$bin" apply --db "$(url "$db")")")
  done
  verify=$(timed "$bin" verify --db "$(url "$db")")
  psql -X -q -d "$db" -c "DELETE FROM schemactl.clean_at"
  full=$(timed "$bin" verify --db "$(url "$db")")
  again=$(timed "$bin" verify --db "$(url "$db")")
  psql -X -q -d "$db" -c "ALTER TABLE app.t1 ADD COLUMN touched int" \
    -c "ALTER TABLE app.t1 DROP COLUMN touched"
  touched=$(timed "$bin" verify --db "$(url "$db")")
  psql -X -q -d "$db" -c "ALTER TABLE app.t2 ADD COLUMN touched int" \
    -c "ALTER TABLE app.t2 DROP COLUMN touched"
  tplan=$(timed "$bin" plan --db "$(url "$db")")
  timed "$bin" verify --db "$(url "$db")" >/dev/null   # the memo again
  plan=$(timed "$bin" plan --db "$(url "$db")")
  reapply=$(timed "$bin" apply --db "$(url "$db")")
  psql -X -q -d "$db" -c "DROP INDEX app.t3_lower_idx"
  fix=$(timed "$bin" apply --db "$(url "$db")")
  dropdb "$db"
  echo "$apply $verify $full $again $touched $tplan $plan $reapply $fix"
}

ms() { awk -v s="$1" -v n="$2" 'BEGIN { printf "%.2f", s * 1000 / n }'; }

per_table() {  # N SECONDS...: each as ms per table
  local n=$1 v
  shift
  for v in "$@"; do printf '%sm ' "$(ms "$v" "$n")"; done
}

printf '%-6s %-9s %8s %8s %10s %8s %6s %8s %8s %8s %8s %8s %8s %8s %8s %9s\n' \
  tables schemac compile build "psql -1 -f" apply ratio verify full again \
  touched "t.plan" plan "apply2" "a.fix" embedded
for n in $sizes; do
  dir="$work/s$n"
  mkdir -p "$dir/schema"
  generate "$n" "$dir/schema/bench.schema"
  "$repo/bin/schemac" sql "$dir/schema" > "$dir/bench.sql"
  psql_s=""
  for ((i = 0; i < repeat; i++)); do
    dropdb --if-exists "p$n" 2>/dev/null
    createdb -T template0 "p$n"
    psql_s=$(min "$psql_s" "$(timed psql -X -q -v ON_ERROR_STOP=1 -1 -d "p$n" -f "$dir/bench.sql")")
  done
  dropdb "p$n"
  for impl in $impls; do
    name=${impl%%=*} schemac=${impl#*=}
    compile=$(timed "$schemac" sql "$dir/schema")
    build=$(cd "$dir" && timed "$schemac" build schema -o "bin/$name")
    read -r apply verify full again touched tplan plan reapply fix \
      <<<"$(phases "$name" "$n" "$dir")"
    # test needs no declared state and refuses a database that does not
    # hold the schema: what is left is initdb, start, connect and stop
    t=$(now); "$dir/bin/$name" test --embedded >/dev/null 2>&1 || true
    embedded=$(since "$t")
    ratio=$(awk -v a="$apply" -v p="$psql_s" 'BEGIN { printf "%.2f", a / p }')
    printf '%-6s %-9s %7ss %7ss %9ss %7ss %5sx %7ss %7ss %7ss %7ss %7ss %7ss %7ss %7ss %8ss\n' \
      "$n" "$name" "$compile" "$build" "$psql_s" "$apply" "$ratio" "$verify" \
      "$full" "$again" "$touched" "$tplan" "$plan" "$reapply" "$fix" "$embedded"
    read -r c b p a <<<"$(per_table "$n" "$compile" "$build" "$psql_s" "$apply")"
    read -r v f g t tp l r x <<<"$(per_table "$n" "$verify" "$full" "$again" \
                                  "$touched" "$tplan" "$plan" "$reapply" "$fix")"
    printf '%-6s %-9s %8s %8s %10s %8s %6s %8s %8s %8s %8s %8s %8s %8s %8s\n' \
      "" "ms/table" "$c" "$b" "$p" "$a" "" "$v" "$f" "$g" "$t" "$tp" "$l" "$r" "$x"
  done
  rm -rf "$dir"
done

# check of the largest project, without and with the server check (targets:
# under 0.1 s and under 2 s).
best() {  # best of $repeat runs of CMD...
  local b="" i
  for ((i = 0; i < repeat; i++)); do b=$(min "$b" "$(timed "$@")"); done
  echo "$b"
}
printf '\n%-28s %8s %8s\n' "check schema/thorbis" "--no-server" server
printf '%-28s %10ss %7ss\n' "bin/schemac" \
  "$(best "$repo/bin/schemac" check --no-server schema/thorbis)" \
  "$(best "$repo/bin/schemac" check schema/thorbis)"

# schemac import of a 1,000-table database (its own script and server)
"$repo/tests/bench/import.sh"
