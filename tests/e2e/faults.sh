#!/usr/bin/env bash
# Faults against the executables: an --embedded run interrupted by SIGINT,
# SIGTERM, SIGHUP, SIGPIPE and SIGKILL early (during initdb) and late
# (during apply) and with its stdout closed (SIGPIPE) at once or after the
# first line must leave no schemactl-* directory and no postgres process; a
# run whose parent and watchdog were both killed is cleaned up by the next
# run; kill -9 at several moments and points of apply (waiting for the
# lock, once it has written, deep in it), and the server stopped fast or
# immediate during apply or verify, leave the database (pg_dump) as it was
# or as declared, never in between, with exit 2 or 3, and no scratch
# database the next run does not drop; four applies at once end as
# declared; a server that accepts and never answers makes the run fail
# after --connect-timeout.
# Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
exe=$repo/bin/enorae

passed=0 failed=0
ok()   { passed=$((passed + 1)); echo "ok: $*"; }
bad()  { failed=$((failed + 1)); echo "FAIL: $*"; }

work=$(mktemp -d /tmp/schemac-faults.XXXXXX)
chmod 755 "$work"
listener=
cleanup() {
  [ -n "$listener" ] && kill "$listener" 2>/dev/null
  scripts/pg-tmp.sh stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# The embedded runs' own TMPDIR, so that what they leave is theirs alone.
export TMPDIR=$work/tmp
mkdir -p "$TMPDIR" && chmod 777 "$TMPDIR"
servers() { pgrep -f "postgres -D $TMPDIR/" | wc -l; }
left() { find "$TMPDIR" -mindepth 1 -maxdepth 1 -name 'schemactl-*' | wc -l; }

# Waits up to 60 s for the watchdog to finish after its parent went (a
# loaded machine).
settled() {
  for _ in $(seq 600); do
    [ "$(left)" -eq 0 ] && [ "$(servers)" -eq 0 ] && return 0
    sleep 0.1
  done
  return 1
}

# ---------------------------------------------------- embedded, signals
# job control on: a background job of a script would otherwise ignore SIGINT
set -m
for sig in INT TERM HUP PIPE KILL; do
  for delay in 0.05 2.5; do
    "$exe" apply verify --embedded >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -"$sig" "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    st=$?
    if settled; then
      ok "SIG$sig after ${delay}s (exit $st): no directory, no server left"
    else
      bad "SIG$sig after ${delay}s: $(left) directories, $(servers) servers left"
    fi
  done
done

# stdout closed at once: SIGPIPE is ignored, the run ends and cleans up
"$exe" apply verify status --embedded 2>"$work/pipe.err" | true
if settled; then
  ok "stdout closed: no directory, no server left"
else
  bad "stdout closed: $(left) directories, $(servers) servers left"
fi

# stdout closed late: head reads apply's line and goes; verify and status
# then write to a closed pipe
"$exe" apply verify status --embedded 2>"$work/pipe-late.err" | head -1 >"$work/pipe-late.out"
if settled && grep -q '^apply: ' "$work/pipe-late.out"; then
  ok "stdout closed after the first line: no directory, no server left"
else
  bad "stdout closed late: $(left) directories, $(servers) servers left ($(head -1 "$work/pipe-late.out"))"
fi

# parent and watchdog both killed: the next run removes what they left
"$exe" apply verify --embedded >/dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do
  owner=$(cat "$TMPDIR"/schemactl-*/owner.pid 2>/dev/null) && [ -n "$owner" ] && break
  sleep 0.1
done
read -r _ dog <<<"${owner:-0 0}"
for _ in $(seq 300); do
  [ "$(servers)" -ge 1 ] && break
  sleep 0.1
done
kill -KILL "$pid" "$dog" 2>/dev/null
wait "$pid" 2>/dev/null
sleep 0.5
stale=$(left)
"$exe" --help >/dev/null
"$exe" status --embedded >/dev/null 2>&1
if [ "$stale" -ge 1 ] && settled; then
  ok "a run killed with its watchdog: $stale directory left, removed by the next run"
else
  bad "stale directory: $stale left before, $(left) directories and $(servers) servers after the next run"
fi
set +m
unset TMPDIR

# ------------------------------------------------ connect timeout
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8)
open(sys.argv[2], "w").close()
held = []
while True:
    c, _ = s.accept(); held.append(c)   # accepted, never answered
' "$port" "$work/listening" &
listener=$!
for _ in $(seq 100); do
  [ -e "$work/listening" ] && break
  sleep 0.1
done
start=$(date +%s)
out=$(timeout 30 "$exe" verify --db "postgresql://u@127.0.0.1:$port/x" --connect-timeout 2 2>&1)
st=$?
took=$(( $(date +%s) - start ))
lines=$(printf '%s\n' "$out" | wc -l)
if [ "$st" -eq 2 ] && [ "$took" -le 10 ] && [ "$lines" -eq 1 ]; then
  ok "silent server: exit 2 after ${took}s, one line: $out"
else
  bad "silent server: exit $st after ${took}s, $lines lines: $out"
fi

# a password given in --db is not in the arguments ps shows
"$exe" verify --db "postgresql://u:hunter2@127.0.0.1:$port/x" --connect-timeout 5 \
  >/dev/null 2>&1 &
pid=$!
sleep 1
args=$(tr '\0' ' ' </proc/$pid/cmdline 2>/dev/null)
wait "$pid"
if [ -n "$args" ] && ! grep -q hunter2 <<<"$args" && grep -q 'u:\*\*\*\*\*\*\*@' <<<"$args"; then
  ok "password hidden from ps: $args"
else
  bad "password in ps: [$args]"
fi

# ------------------------------------------------ kill -9 during apply
env_lines=$(scripts/pg-tmp.sh start "$work/pg") || { echo "cannot start PostgreSQL"; exit 1; }
eval "$env_lines"
export PGHOST PGPORT PGUSER
url() { echo "postgresql:///$1?host=$PGHOST&port=$PGPORT&user=$PGUSER"; }
dump() {
  pg_dump --schema-only --no-owner -d "$1" | grep -v '^--' | grep -v '^$' \
    | grep -v '^.\(un\)\?restrict ' \
    | sed '/^SET /d;/^SELECT pg_catalog.set_config/d'
}
psql -X -q -d postgres -c 'create database declared' -c 'create database target'
"$exe" apply --db "$(url declared)" --install-platform-shim >/dev/null 2>&1
dump declared >"$work/declared.sql"
dump target >"$work/before.sql"
for delay in 0.1 0.3 0.6 1.0; do
  "$exe" apply --db "$(url target)" --install-platform-shim >/dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  # the server notices the closed connection and rolls back
  for _ in $(seq 50); do
    n=$(psql -X -At -d postgres -c "select count(*) from pg_stat_activity where datname = 'target'")
    [ "$n" = 0 ] && break
    sleep 0.1
  done
  dump target >"$work/after.sql"
  if cmp -s "$work/after.sql" "$work/before.sql"; then
    ok "kill -9 after ${delay}s: database as before"
  elif grep -v schemactl "$work/after.sql" | cmp -s - <(grep -v schemactl "$work/declared.sql"); then
    ok "kill -9 after ${delay}s: apply had committed, database as declared"
    psql -X -q -d postgres -c 'drop database target' -c 'create database target'
  else
    bad "kill -9 after ${delay}s: database neither as before nor as declared"
    diff "$work/before.sql" "$work/after.sql" | head -5
  fi
done

# ------------------------------------- server stopped during apply, verify
# The largest project, so that the run is still going when the server goes.
big=$repo/bin/thorbis
bindir=$(scripts/pg-tmp.sh bindir)
pgctl() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd "$work/pg" && runuser -u postgres -- "$bindir/pg_ctl" -D "$work/pg/data" "$@")
  else
    (cd "$work/pg" && "$bindir/pg_ctl" -D "$work/pg/data" "$@")
  fi
}
restart() { pgctl -l "$work/pg/server.log" -w -t 60 -s start >/dev/null; }
# Waits up to 60 s until QUERY (in postgres) says t.
until_true() {
  for _ in $(seq 1200); do
    [ "$(psql -X -At -d postgres -c "$1" 2>/dev/null)" = t ] && return 0
    sleep 0.05
  done
  return 1
}
scratch_dbs() {
  psql -X -At -d postgres -c "select count(*) from pg_database where datname like 'schemactl_scratch%'"
}
# As before (compared with BEFORE) or as declared (with DECLARED, the
# tool's own schema aside): the word, else nothing.
as_what() {  # DB BEFORE DECLARED
  dump "$1" >"$work/now.sql"
  if cmp -s "$work/now.sql" "$2"; then echo "as before"
  elif grep -v schemactl "$work/now.sql" | cmp -s - <(grep -v schemactl "$3"); then
    echo "as declared"
  fi
}
psql -X -q -d postgres -c 'create database big_declared' -c 'create database big_empty'
"$big" apply --db "$(url big_declared)" --install-platform-shim >/dev/null 2>&1
dump big_declared >"$work/big_declared.sql"
dump big_empty >"$work/big_before.sql"
for mode in fast immediate; do
  db=big_apply_$mode
  psql -X -q -d postgres -c "create database $db"
  "$big" apply --db "$(url "$db")" --install-platform-shim >"$work/$db.log" 2>&1 &
  pid=$!
  # the apply's transaction has written something
  until_true "select exists (select from pg_stat_activity where datname = '$db'
              and backend_xid is not null)" || bad "stop $mode: apply never wrote"
  pgctl -m "$mode" -w -s stop
  wait "$pid"; st=$?
  restart
  state=$(as_what "$db" "$work/big_before.sql" "$work/big_declared.sql")
  if { [ "$st" -eq 2 ] || [ "$st" -eq 3 ]; } && [ -n "$state" ] && [ "$(scratch_dbs)" = 0 ]; then
    ok "server stopped ($mode) during apply: exit $st, database $state, no scratch database"
  else
    bad "server stopped ($mode) during apply: exit $st, database ${state:-neither as before nor as declared}, $(scratch_dbs) scratch databases: $(head -3 "$work/$db.log")"
  fi
  # what it says of the database is what the dump shows
  said=$(tail -1 "$work/$db.log")
  if { [ "$state" = "as before" ] && grep -q 'rolled back; the database is as it was$' <<<"$said"; } ||
     { [ "$state" = "as declared" ] && ! grep -q 'rolled back' "$work/$db.log"; }; then
    ok "stop $mode during apply: the last line tells the truth: $said"
  else
    bad "stop $mode during apply: database $state, yet: $said"
  fi
done

for mode in fast immediate; do
  db=big_verify_$mode
  psql -X -q -d postgres -c "create database $db template big_declared"
  # a cold cache: verify normalises in a scratch database
  psql -X -q -d "$db" -c 'delete from schemactl.normal_forms' -c 'delete from schemactl.clean_at'
  dump "$db" >"$work/$db.before.sql"
  "$big" verify --db "$(url "$db")" >"$work/$db.log" 2>&1 &
  pid=$!
  until_true "select exists (select from pg_database where datname like 'schemactl_scratch%')" \
    || bad "stop $mode: verify made no scratch database"
  sleep 0.5   # the declared SQL is being applied there
  pgctl -m "$mode" -w -s stop
  wait "$pid"; st=$?
  restart
  left_now=$(scratch_dbs)
  state=$(as_what "$db" "$work/$db.before.sql" "$work/$db.before.sql")
  if [ "$st" -eq 2 ] && [ "$state" = "as before" ]; then
    ok "server stopped ($mode) during verify: exit 2, database as before ($(head -1 "$work/$db.log"))"
  else
    bad "server stopped ($mode) during verify: exit $st, database ${state:-changed}: $(head -3 "$work/$db.log")"
  fi
  # the scratch database it could not drop: the next run's to remove
  out=$("$big" verify --db "$(url "$db")" 2>&1); vst=$?
  if [ "$vst" -eq 0 ] && [ "$(scratch_dbs)" = 0 ]; then
    ok "stop $mode during verify: $left_now scratch database left, dropped by the next verify"
  else
    bad "stop $mode during verify: next verify exit $vst, $(scratch_dbs) scratch databases: $out"
  fi
done

# ------------------------------------- kill -9 at given points of apply
# (beside the moments above): waiting for another apply's lock; once its
# transaction has written; two seconds later, deep in the statements.
hold_lock() {
  PGAPPNAME=lock_holder psql -X -q -d "$1" \
    -c "select pg_advisory_lock(8314604121892287596)" \
    -c "select pg_sleep(120)" >/dev/null 2>&1 &
  holder=$!
  until_true "select exists (select from pg_locks where locktype = 'advisory'
              and granted)"
}
for point in lock written deep; do
  db=big_kill_$point
  psql -X -q -d postgres -c "create database $db"
  holder=
  [ "$point" = lock ] && hold_lock "$db"
  "$big" apply --db "$(url "$db")" --install-platform-shim >"$work/$db.log" 2>&1 &
  pid=$!
  case $point in
  lock) until_true "select exists (select from pg_stat_activity where datname = '$db'
                    and wait_event = 'advisory')" ;;
  *) until_true "select exists (select from pg_stat_activity where datname = '$db'
                 and backend_xid is not null)" ;;
  esac || bad "kill -9 at $point: the point was never reached"
  [ "$point" = deep ] && sleep 2
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null
  if [ -n "$holder" ]; then
    psql -X -q -At -d postgres -c "select pg_terminate_backend(pid) from
      pg_stat_activity where application_name = 'lock_holder'" >/dev/null
    wait "$holder" 2>/dev/null
  fi
  # the server notices the closed connection and rolls back
  until_true "select not exists (select from pg_stat_activity where datname = '$db')"
  state=$(as_what "$db" "$work/big_before.sql" "$work/big_declared.sql")
  [ -n "$state" ] && ok "kill -9 at $point: database $state" \
    || bad "kill -9 at $point: database neither as before nor as declared"
done

# ------------------------------------- four applies at once
psql -X -q -d postgres -c 'create database together'
pids=()
for i in 1 2 3 4; do
  "$exe" apply --db "$(url together)" --install-platform-shim >"$work/together.$i" 2>&1 &
  pids+=($!)
done
sts=""
for p in "${pids[@]}"; do wait "$p"; sts+="$?"; done
"$exe" verify --db "$(url together)" >"$work/together.verify" 2>&1
vst=$?
state=$(as_what together "$work/before.sql" "$work/declared.sql")
if [ "$sts" = 0000 ] && [ "$vst" -eq 0 ] && [ "$state" = "as declared" ] \
   && [ "$(scratch_dbs)" = 0 ]; then
  ok "four concurrent applies: all exit 0, verify clean, pg_dump as declared, no scratch database"
else
  bad "four concurrent applies: exits $sts, verify $vst, database ${state:-neither as before nor as declared}: $(cat "$work"/together.* | grep -v '^apply:' | head -3)"
fi

# ------------------------------------- a stale scratch database dropped
# one a run cut off before its DROP would leave: its backend is gone
psql -X -q -d postgres -c 'create database schemactl_scratch_999999_1' \
  -c 'create database cold'
"$exe" verify --db "$(url cold)" --install-platform-shim >/dev/null 2>&1
scratch=$(psql -X -At -d postgres -c "select count(*) from pg_database where datname like 'schemactl_scratch%'")
if [ "$scratch" = 0 ]; then
  ok "cold-cache verify: the stale scratch database dropped, its own too"
else
  bad "cold-cache verify: $scratch scratch databases left"
fi

# ------------------------------------- NOTICEs are not printed
# GRANT of a membership already held draws a NOTICE from the server, on
# every run that normalises in a scratch database
mkdir -p "$work/members"
printf 'role base;\nrole finance { in role base; }\n' >"$work/members/schema.schema"
(cd "$work" && "$repo/bin/schemac" build members/schema.schema -o bin/members) >/dev/null 2>&1
psql -X -q -d postgres -c 'create database members'
"$work/bin/members" apply --db "$(url members)" >/dev/null 2>"$work/members.err"
"$work/bin/members" apply verify --db "$(url members)" >/dev/null 2>>"$work/members.err"
psql -X -q -d members -c 'drop schema schemactl cascade' 2>/dev/null  # a cold cache
"$work/bin/members" verify --db "$(url members)" >/dev/null 2>>"$work/members.err"
if [ -x "$work/bin/members" ] && ! grep -q NOTICE "$work/members.err"; then
  ok "role memberships applied and verified: no NOTICE printed"
else
  bad "NOTICEs printed: $(grep -m1 NOTICE "$work/members.err")"
fi

# ------------------------------------- a bad default named at its column
mkdir -p "$work/baddef"
# (a literal the column cannot read is the compiler's to refuse; a
# sequence that does not exist only the server knows of)
printf "table t {\n  id int primary key;\n  note text;\n  qty bigint default nextval('no_such_seq');\n}\n" \
  >"$work/baddef/schema.schema"
# built without the server check, which would refuse it (tests/server)
(cd "$work" && "$repo/bin/schemac" build --no-server baddef/schema.schema \
  -o bin/baddef) >/dev/null 2>&1
psql -X -q -d postgres -c 'create database baddef'
out=$("$work/bin/baddef" apply --db "$(url baddef)" 2>&1); st=$?
if [ "$st" -eq 3 ] && grep -q '^  declared at baddef/schema.schema:4:3$' <<<"$out"; then
  ok "a default the server rejects: exit 3, named at its column (4:3)"
else
  bad "bad default: exit $st: $out"
fi

# ------------------------------------- a failure in a later batch
# A fresh apply sends its statements in batches of 256 without waiting for
# each (a pipeline): a statement that fails in the second batch is named,
# with its object, as any other, and nothing of the first batch is left.
mkdir -p "$work/batch/schema"
. tests/bench/generate.sh
generate 40 "$work/batch/schema/bench.schema"
# (a column of a view read by a view: only the server knows it)
printf 'view app.v0 {\n  as select id, name from app.t39;\n}\nview app.v {\n  as select id, split_part(nmae, %s, 1) as part from app.v0;\n}\n' \
  "'x'" >>"$work/batch/schema/bench.schema"
line=$(grep -n '^view app.v {' "$work/batch/schema/bench.schema" | cut -d: -f1)
(cd "$work/batch" && "$repo/bin/schemac" build --no-server schema -o "$work/bin/batch") \
  >/dev/null 2>&1
n=$(grep -c '^-- source:' <("$repo/bin/schemac" sql "$work/batch/schema"))
psql -X -q -d postgres -c 'create database batch'
out=$("$work/bin/batch" apply --db "$(url batch)" 2>&1); st=$?
left=$(psql -X -At -d batch -c "select count(*) from pg_namespace where nspname = 'app'")
if [ "$st" -eq 3 ] && [ "$n" -gt 256 ] && [ "$left" = 0 ] \
   && grep -q '^batch: apply failed: column "nmae" does not exist$' <<<"$out" \
   && grep -q "^  declared at schema/bench.schema:$line:" <<<"$out" \
   && grep -q 'rolled back; the database is as it was' <<<"$out"; then
  ok "a failure in the second batch of $n statements: named, all rolled back"
else
  bad "failure in a later batch ($n statements, app schemas left: $left): exit $st: $out"
fi

# ------------------------------------- the tool's own objects, locked
psql -X -q -d postgres -c 'create database priv' \
  -c "do \$\$ begin create role authenticated; exception when duplicate_object then null; end \$\$"
psql -X -q -d priv \
  -c 'alter default privileges grant all on tables to authenticated' \
  -c 'alter default privileges grant all on sequences to authenticated' \
  -c 'alter default privileges grant all on schemas to authenticated' \
  -c 'alter default privileges grant all on tables to public'
"$exe" apply --db "$(url priv)" --install-platform-shim >"$work/priv.log" 2>&1
grants=$(psql -X -At -d priv -c "
  select count(*) from pg_class c, aclexplode(c.relacl) a
   where c.relnamespace = 'schemactl'::regnamespace and a.grantee <> c.relowner")
schema_grants=$(psql -X -At -d priv -c "
  select count(*) from pg_namespace n, aclexplode(n.nspacl) a
   where n.nspname = 'schemactl' and a.grantee <> n.nspowner")
can=$(psql -X -At -d priv -c "select has_table_privilege('authenticated',
  'schemactl.history', 'update') or has_table_privilege('authenticated',
  'schemactl.normal_forms', 'select')")
tables=$(psql -X -At -d priv -c "select count(*) from pg_class where relnamespace = 'schemactl'::regnamespace")
if [ "$grants" = 0 ] && [ "$schema_grants" = 0 ] && [ "$can" = f ] && [ "$tables" -ge 2 ]; then
  ok "default privileges: schemactl's $tables relations are the owner's alone"
else
  bad "default privileges: $grants table grants, $schema_grants schema grants, authenticated can: $can ($(tail -1 "$work/priv.log"))"
fi

# a grant made afterwards: verify reports it, apply revokes it
psql -X -q -d priv -c 'grant update on schemactl.normal_forms to authenticated' \
  -c 'grant usage on schema schemactl to public'
out=$("$exe" verify --db "$(url priv)" 2>&1); st=$?
if [ "$st" -eq 1 ] \
   && grep -q '^exposed: table schemactl.normal_forms grants UPDATE to authenticated (' <<<"$out" \
   && grep -q '^exposed: schema schemactl grants USAGE to PUBLIC (' <<<"$out" \
   && grep -q ' 2 differ' <<<"$out"; then
  ok "verify reports grants on schemactl's objects (exit 1)"
else
  bad "grants on schemactl's objects: verify exit $st: $out"
fi
"$exe" apply --db "$(url priv)" >/dev/null 2>&1
out=$("$exe" verify --db "$(url priv)" 2>&1); st=$?
[ "$st" -eq 0 ] && ! grep -q exposed <<<"$out" \
  && ok "apply revoked them: verify clean" || bad "after apply: verify exit $st: $out"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
