#!/usr/bin/env bash
# Faults against the executables: an --embedded run interrupted by SIGINT,
# SIGTERM, SIGHUP and SIGKILL early (during initdb) and late (during apply)
# and with its stdout closed (SIGPIPE) must leave no schemactl-* directory
# and no postgres process; a run whose parent and watchdog were both killed
# is cleaned up by the next run; kill -9 at several points of apply leaves
# the database as it was or as declared, never in between; a server that
# accepts and never answers makes the run fail after --connect-timeout.
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

# Waits up to 30 s for the watchdog to finish after its parent went.
settled() {
  for _ in $(seq 300); do
    [ "$(left)" -eq 0 ] && [ "$(servers)" -eq 0 ] && return 0
    sleep 0.1
  done
  return 1
}

# ---------------------------------------------------- embedded, signals
# job control on: a background job of a script would otherwise ignore SIGINT
set -m
for sig in INT TERM HUP KILL; do
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
if [ "$sts" = 0000 ] && [ "$vst" -eq 0 ]; then
  ok "four concurrent applies: all exit 0, verify clean"
else
  bad "four concurrent applies: exits $sts, verify $vst: $(cat "$work"/together.* | grep -v '^apply:' | head -3)"
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

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
