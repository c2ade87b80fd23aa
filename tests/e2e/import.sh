#!/usr/bin/env bash
# schemac import on a real PostgreSQL.  Round trips: the five projects'
# generated/*.sql and the integration cases' hand-written SQL, each run
# into a source database and also imported from the file (on the
# throwaway server), then built, applied to an empty database and
# compared: pg_dump --schema-only of the whole database, byte for byte
# after dropping pg_dump's comment lines (schemactl's own schema aside),
# and verify of the source database against the import is clean.  One
# import from a live database (--db) is compared with the file import.
# Sequences, procedures, publications, replica identities and
# database-wide default privileges round-trip too.  Bad input: an
# unreachable URL, a bad SQL file, objects the language cannot say (and
# the platform case, which still holds some), an output directory that is not empty; each with its exit
# status, one line, and nothing left behind.  Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
schemac=$repo/bin/schemac

passed=0 failed=0
ok()   { passed=$((passed + 1)); echo "ok: $*"; }
bad()  { failed=$((failed + 1)); echo "FAIL: $*"; }

work=$(mktemp -d /tmp/schemac-import.XXXXXX)
chmod 755 "$work"
cleanup() {
  scripts/pg-tmp.sh stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

env_lines=$(scripts/pg-tmp.sh start "$work/pg") || { echo "cannot start PostgreSQL"; exit 1; }
eval "$env_lines"
export PGHOST PGPORT PGUSER
export PGOPTIONS="-c client_min_messages=warning"
# The throwaway servers of import live here, to be checked for leftovers.
mkdir -p "$work/tmp" && chmod 1777 "$work/tmp"
export TMPDIR=$work/tmp
url() { echo "postgresql:///$1?host=$PGHOST&port=$PGPORT&user=$PGUSER"; }
shim=$repo/src/platform/supabase.sql

restrict=()
if [[ $(pg_dump --help) == *--restrict-key* ]]; then
  restrict=(--restrict-key=schemacimport)
fi
# The whole database but schemactl's own state, pg_dump's comments out;
# fails when pg_dump does (two failed dumps must not compare equal).
dump() {  # DB OUT
  pg_dump --schema-only "${restrict[@]}" --exclude-schema=schemactl -d "$1" \
    2>"$2.err" >"$2.raw" && grep -v '^--' "$2.raw" >"$2" && [ -s "$2" ]
}

# NAME SQL_FILE SUPABASE(0/1): source database, import, build, apply,
# compare, verify.
round_trip() {
  local name=$1 sql=$2 supa=$3 platform=() out st
  # IMPORT_ONLY=NAME runs that round trip alone (and the rest of the file)
  [ -n "${IMPORT_ONLY:-}" ] && [ "$IMPORT_ONLY" != "$name" ] && return
  [ "$supa" = 1 ] && platform=(--platform supabase)
  createdb -T template0 "src_$name"
  [ "$supa" = 1 ] && psql -X -q -v ON_ERROR_STOP=1 -1 -d "src_$name" -f "$shim" >/dev/null
  if ! psql -X -q -v ON_ERROR_STOP=1 -1 -d "src_$name" -f "$sql" >"$work/$name.psql.log" 2>&1; then
    bad "$name: the source SQL does not run: $(tail -1 "$work/$name.psql.log")"; return
  fi
  out=$("$schemac" import "$sql" "${platform[@]}" -o "$work/$name" 2>&1); st=$?
  if [ $st -ne 0 ]; then bad "$name: import exit $st: $out"; return; fi
  out=$(cd "$work" && "$schemac" build "$work/$name" -o "bin/$name" 2>&1); st=$?
  if [ $st -ne 0 ]; then bad "$name: build of the import exit $st: $(tail -3 <<<"$out")"; return; fi
  createdb -T template0 "tgt_$name"
  local shimopt=()
  [ "$supa" = 1 ] && shimopt=(--install-platform-shim)
  out=$("$work/bin/$name" apply "${shimopt[@]}" --db "$(url "tgt_$name")" 2>&1); st=$?
  if [ $st -ne 0 ]; then bad "$name: apply of the import exit $st: $(tail -3 <<<"$out")"; return; fi
  if ! dump "src_$name" "$work/$name.src.dump" || ! dump "tgt_$name" "$work/$name.tgt.dump"; then
    bad "$name: pg_dump failed: $(cat "$work/$name".*.dump.err)"; return
  fi
  if cmp -s "$work/$name.src.dump" "$work/$name.tgt.dump"; then
    ok "$name: pg_dump of import -> build -> apply is the source's ($(grep -c . "$work/$name.src.dump") lines)"
  else
    bad "$name: pg_dump differs (- source, + round trip):"
    diff -u "$work/$name.src.dump" "$work/$name.tgt.dump" | head -40
  fi
  out=$("$work/bin/$name" verify --db "$(url "src_$name")" 2>&1); st=$?
  [ $st -eq 0 ] && ok "$name: verify of the source against its import is clean" \
    || bad "$name: verify of the source exit $st: $(head -5 <<<"$out")"
}

for p in chefleet enorae rental spareparts thorbis; do
  supa=0
  grep -qs '^platform supabase;' schema/$p/*.schema && supa=1
  round_trip "$p" "generated/$p.sql" "$supa"
done
for c in tests/integration/cases/*/; do
  c=${c%/}; name=case_$(basename "$c")
  supa=0
  grep -rqs --include='*.schema' '^platform supabase;' "$c" && supa=1
  [ -f "$c/schema-dir" ] && grep -qs '^platform supabase;' "$(cat "$c/schema-dir")"/*.schema && supa=1
  round_trip "$name" "$c/handwritten.sql" "$supa"
done

# Replica identity full, nothing and using an index are written as table
# items; the index is named even where its name is PostgreSQL's own (the
# language names the replica identity's index as declared).
cat >"$work/replica.sql" <<'SQL'
create table public.feed (id bigint primary key, body text not null);
alter table public.feed replica identity full;
create table public.scratch (id bigint primary key);
alter table public.scratch replica identity nothing;
create table public.t (id int not null, code text not null unique);
create unique index t_id on public.t (id);
alter table public.t replica identity using index t_id;
create table public.u (code text not null unique);
alter table public.u replica identity using index u_code_key;
SQL
round_trip replica "$work/replica.sql" 0
if [ -z "${IMPORT_ONLY:-}" ]; then
  f=$work/replica/public.schema
  grep -q 'replica identity full;' "$f" && grep -q 'replica identity nothing;' "$f" &&
    grep -q 'replica identity using index t_id;' "$f" &&
    grep -q 'constraint u_code_key unique' "$f" &&
    grep -q 'replica identity using index u_code_key;' "$f" \
    && ok "replica identities are imported as table items, the index named" \
    || bad "replica identity not in the import: $(cat "$f")"
fi

# Sequences on their own, owned by a column, and a serial's that has a
# grant (so it is declared apart); publications of every form.
cat >"$work/seq.sql" <<'SQL'
create sequence public.s;
create table public.t (id int primary key default nextval('public.s'));
create sequence public.down as smallint increment by -3 cache 10;
create table public.u (id serial primary key, n bigint not null);
grant select on sequence public.u_id_seq to public;
comment on sequence public.u_id_seq is 'numbers of u';
create sequence public.n_seq owned by public.u.n;
create table public.v (id bigserial primary key);
create procedure public.p(x int, inout y text default 'a, b', z int[] default array[1, 2])
  language sql as $$ select x $$;
create publication pub;
create publication feed for table public.u (id) where (id > 10), public.t
  with (publish = 'update, delete');
SQL
round_trip seq "$work/seq.sql" 0
if [ -z "${IMPORT_ONLY:-}" ]; then
  f=$work/seq/public.schema
  grep -q '^sequence s;' "$f" &&
    grep -q '^sequence down as smallint increment by -3 cache 10;' "$f" &&
    grep -q '^sequence u_id_seq as integer owned by u.id {' "$f" &&
    grep -q '^sequence n_seq owned by u.n;' "$f" &&
    grep -q 'id bigserial primary key;' "$f" && ! grep -q 'v_id_seq' "$f" &&
    grep -q "^procedure p(x integer, INOUT y text DEFAULT 'a, b'::text, z integer\[\] DEFAULT ARRAY\[1, 2\]) {" "$f" &&
    grep -q '^publication pub;' "$work/seq/project.schema" \
    && ok "sequences, a procedure and publications are imported as declarations" \
    || bad "sequences or publications not as expected: $(cat "$f" "$work/seq/project.schema")"
fi

# Database-wide default privileges, the applying role's and another's.
cat >"$work/defacl.sql" <<'SQL'
do $$ begin
  if not exists (select from pg_roles where rolname = 'imp_owner') then
    create role imp_owner nologin;
  end if;
  if not exists (select from pg_roles where rolname = 'imp_reader') then
    create role imp_reader nologin;
  end if;
end $$;
alter default privileges revoke execute on functions from public;
alter default privileges grant select, insert on tables to imp_reader;
alter default privileges for role imp_owner grant usage on sequences to imp_reader;
alter default privileges for role imp_owner revoke usage on types from public;
create table public.t (id int);
SQL
round_trip defacl "$work/defacl.sql" 0
if [ -z "${IMPORT_ONLY:-}" ]; then
  f=$work/defacl/project.schema
  grep -q '^default privileges revoke execute on functions from public;' "$f" &&
    grep -q '^default privileges grant select, insert on tables to imp_reader;' "$f" &&
    grep -q '^default privileges for role imp_owner grant usage on sequences to imp_reader;' "$f" &&
    grep -q '^default privileges for role imp_owner revoke usage on types from public;' "$f" \
    && ok "database-wide default privileges are imported as top-level items" \
    || bad "default privileges not as expected: $(cat "$f")"
fi

# A remote_schema dump creates the extensions Supabase preinstalls; those
# whose objects the stand-in makes itself (pg_graphql, supabase_vault) are
# the platform's there, and skipped. Without the platform they fail at
# their line.
if [ -z "${IMPORT_ONLY:-}" ]; then
  printf '%s\n' 'CREATE EXTENSION IF NOT EXISTS "pg_graphql" WITH SCHEMA "graphql";' \
    'create extension if not exists supabase_vault with schema vault;' \
    'create table public.keys (id uuid primary key references vault.secrets (id));' \
    'grant select on public.keys to supabase_auth_admin;' >"$work/preinstalled.sql"
  sed -n '3,$p' "$work/preinstalled.sql" >"$work/preinstalled-plain.sql"
  out=$("$schemac" import "$work/preinstalled.sql" --platform supabase -o "$work/pre" 2>&1); st=$?
  out2=$("$schemac" import "$work/preinstalled-plain.sql" --platform supabase -o "$work/pre-plain" 2>&1); st2=$?
  [ $st -eq 0 ] && [ $st2 -eq 0 ] && grep -q 'references vault.secrets' "$work/pre/public.schema" \
    && diff -r "$work/pre" "$work/pre-plain" >/dev/null \
    && ok "platform supabase: CREATE EXTENSION pg_graphql and supabase_vault are the platform's" \
    || bad "preinstalled extensions (exit $st, $st2): $out $out2 $(diff -r "$work/pre" "$work/pre-plain")"
  out=$("$schemac" import "$work/preinstalled.sql" -o "$work/pre-none" 2>&1); st=$?
  [ $st -eq 1 ] && grep -q 'preinstalled.sql:1:1: error: extension "pg_graphql" is not available' <<<"$out" \
    && [ ! -e "$work/pre-none" ] \
    && ok "without the platform, pg_graphql fails at its line" \
    || bad "pg_graphql without the platform (exit $st): $out"
fi

# From a live database: the same files as from the SQL file.
if [ -z "${IMPORT_ONLY:-}" ]; then
out=$("$schemac" import --db "$(url src_enorae)" --platform supabase -o "$work/live" 2>&1); st=$?
if [ $st -eq 0 ] && diff -r "$work/live" "$work/enorae" >/dev/null; then
  ok "import --db of a live database writes what the SQL file import writes"
else
  bad "import --db (exit $st): $out $(diff -r "$work/live" "$work/enorae" | head -5)"
fi
# From a live Supabase (here the stand-in, read as if it were one): the
# triggers and policies a project put on the platform's tables are
# written; grants there are the platform's.
out=$("$schemac" import --db "$(url src_case_platform)" --platform supabase -o "$work/live_platform" 2>&1); st=$?
if [ $st -eq 0 ] && grep -q 'trigger on_auth_user_created after insert' "$work/live_platform/auth.schema" &&
   grep -q 'policy "avatars are public" for select' "$work/live_platform/storage.schema" &&
   (cd "$work" && "$schemac" build "$work/live_platform" -o bin/live_platform >/dev/null 2>&1) &&
   "$work/bin/live_platform" verify --db "$(url src_case_platform)" >/dev/null 2>&1; then
  ok "import --db of a Supabase writes what it added to auth.users and storage.objects; verify clean"
else
  bad "import --db of the platform case (exit $st): $out $(cat "$work/live_platform/"*.schema 2>/dev/null | head -20)"
fi
# A live Supabase's own publications (Realtime's, owned by its
# supabase_* roles) are left out, not refused as another role's.
createdb -T template0 live_pub
psql -X -q -v ON_ERROR_STOP=1 -d live_pub -f "$shim" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d live_pub >/dev/null 2>&1 <<SQL
do \$\$ begin
  if not exists (select from pg_roles where rolname = 'supabase_admin') then
    create role supabase_admin nologin;
  end if;
end \$\$;
grant create on database live_pub to supabase_admin;
create publication supabase_realtime_messages_publication;
alter publication supabase_realtime_messages_publication owner to supabase_admin;
create table public.notes (id bigint primary key);
SQL
out=$("$schemac" import --db "$(url live_pub)" --platform supabase -o "$work/live_pub" 2>&1); st=$?
[ $st -eq 0 ] && ! grep -q 'publication' "$work/live_pub/project.schema" \
  && ok "a live Supabase's own publications are left out" \
  || bad "live Supabase publication (exit $st): $out"
out=$("$schemac" import --db "$(url src_enorae)" --platform supabase --schema identity -o "$work/one" 2>&1); st=$?
files=$(cd "$work/one" 2>/dev/null && ls | tr '\n' ' ')
[ $st -eq 0 ] && [ "$files" = "identity.schema project.schema " ] \
  && ok "--schema imports only that schema" || bad "--schema (exit $st): $out; files: $files"
fi

# ------------------------------------------------------------ bad input

leftovers() { find "$work" -maxdepth 1 -name '.schemac-import-*' | wc -l; }
lines() { printf '%s\n' "$1" | grep -c .; }
expect_fail() {  # WHAT STATUS OUTDIR OUT ST
  local what=$1 want=$2 dir=$3 out=$4 st=$5
  if [ "$st" -eq "$want" ] && [ "$(lines "$out")" -eq 1 ] && [ ! -e "$dir" ] \
     && [ "$(leftovers)" -eq 0 ]; then
    ok "$what: exit $st, one line: $out"
  else
    bad "$what: exit $st (want $want), $(lines "$out") lines, dir left: $([ -e "$dir" ] && echo yes || echo no), temporaries: $(leftovers): $out"
  fi
}
servers() { pgrep -fc "$work/tmp/schemactl-" 2>/dev/null || true; }

out=$("$schemac" import --db "postgresql:///nope?host=$work/nosuch&port=1" -o "$work/bad1" 2>&1); st=$?
expect_fail "unreachable database" 2 "$work/bad1" "$out" $st

printf 'create table t (id int primary key);\ncreate tabel u (id int);\n' >"$work/bad.sql"
out=$("$schemac" import "$work/bad.sql" -o "$work/bad2" 2>&1); st=$?
expect_fail "bad SQL file" 1 "$work/bad2" "$out" $st
grep -q "bad.sql:2:8: error: syntax error" <<<"$out" && ok "the bad statement is named by file:line:col" \
  || bad "position of the bad statement: $out"

printf 'create table t (id int);\ninsert into t values (1);\nselect * from nosuch;\n' >"$work/bad3.sql"
out=$("$schemac" import "$work/bad3.sql" -o "$work/bad3" 2>&1); st=$?
expect_fail "a statement that fails on the server" 1 "$work/bad3" "$out" $st
grep -q 'bad3.sql:3:15: error: relation "nosuch" does not exist' <<<"$out" \
  && ok "the failing statement is named by file:line:col" || bad "position: $out"

# What the language cannot say yet is refused by name: an aggregate, and
# a schema's default privileges of another role than the applying one.
printf 'create aggregate public.total(int) (sfunc = int4pl, stype = int);\n' >"$work/agg.sql"
out=$("$schemac" import "$work/agg.sql" -o "$work/bad4" 2>&1); st=$?
expect_fail "an aggregate the language cannot say" 1 "$work/bad4" "$out" $st
grep -q 'aggregate public.total(integer): aggregates cannot be imported yet' <<<"$out" \
  && ok "the unsayable object is named" || bad "unsayable message: $out"

printf 'create role imp_other nologin;\nalter default privileges for role imp_other in schema public grant select on tables to public;\n' >"$work/schemadef.sql"
out=$("$schemac" import "$work/schemadef.sql" -o "$work/bad5" 2>&1); st=$?
expect_fail "a schema's default privileges of another role" 1 "$work/bad5" "$out" $st
grep -q "default privileges of role imp_other in schema public: a schema's default privileges of another role cannot be imported yet" <<<"$out" \
  && ok "the schema's default privileges of another role are named" || bad "message: $out"

# What the files make in the platform's schemas beyond what a schema may
# add there (the stand-in's catalog, taken before they run, tells).
printf 'create table auth.sessions (id uuid primary key);\ncreate function storage.mine() returns int language sql as $$ select 1 $$;\n' >"$work/platform_extra.sql"
out=$("$schemac" import "$work/platform_extra.sql" --platform supabase -o "$work/bad7" 2>&1); st=$?
expect_fail "a table the files made in the platform's schema" 1 "$work/bad7" "$out" $st
grep -q "relation auth.sessions: objects in the platform's schemas cannot be imported yet (and 2 more such objects)" <<<"$out" \
  && ok "objects made in the platform's schemas are named" || bad "message: $out"

mkdir -p "$work/full" && touch "$work/full/keep"
out=$("$schemac" import "$work/agg.sql" -o "$work/full" 2>&1)
printf 'create table t (id int);\n' >"$work/ok.sql"
out=$("$schemac" import "$work/ok.sql" -o "$work/full" 2>&1); st=$?
if [ $st -eq 2 ] && [ "$(ls "$work/full")" = keep ] && [ "$(leftovers)" -eq 0 ]; then
  ok "an output directory that is not empty is left alone: $out"
else
  bad "non-empty output directory (exit $st): $out; $(ls "$work/full")"
fi
out=$("$schemac" import "$work/ok.sql" -o 2>&1); st=$?
[ $st -eq 2 ] && [ "$out" = "schemac: -o needs a value" ] && ok "a missing option value is named" \
  || bad "missing value (exit $st): $out"
out=$("$schemac" import "$work/ok.sql" --frob -o "$work/x" 2>&1); st=$?
[ $st -eq 2 ] && [ ! -e "$work/x" ] && grep -q '^schemac: unknown option --frob for import' <<<"$out" \
  && ok "an unknown option is named" || bad "unknown option (exit $st): $out"

# Killed while the files run (a statement that sleeps holds it there once
# the throwaway server is up): the server and the output go.
printf 'create table t (id int primary key);\nselect pg_sleep(60);\n' >"$work/slow.sql"
"$schemac" import "$work/slow.sql" -o "$work/killed" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do
  [ "$(servers)" -gt 0 ] && sleep 0.5 && break
  sleep 0.1
done
running=$(kill -0 $pid 2>/dev/null && echo yes || echo no)
kill -TERM $pid; wait $pid; st=$?
for _ in $(seq 50); do [ -z "$(ls -A "$work/tmp")" ] && break; sleep 0.2; done
if [ "$running" = yes ] && [ $st -ne 0 ] && [ ! -e "$work/killed" ] && [ "$(leftovers)" -eq 0 ] &&
   [ -z "$(ls -A "$work/tmp")" ] && [ "$(servers)" -eq 0 ]; then
  ok "SIGTERM during an import leaves nothing (exit $st)"
else
  bad "SIGTERM: still running when killed: $running, exit $st, output: $([ -e "$work/killed" ] && echo left), temporaries: $(leftovers), servers: $(servers), TMPDIR: $(ls -A "$work/tmp")"
fi

out=$("$schemac" import --db "$(url src_enorae)" --schema nosuch -o "$work/bad6" 2>&1); st=$?
expect_fail "an unknown --schema" 2 "$work/bad6" "$out" $st
sleep 1
if [ "$(servers)" -eq 0 ] && [ -z "$(ls -A "$work/tmp")" ]; then
  ok "no throwaway server left running, no directory left"
else
  bad "throwaway servers left: $(servers); in TMPDIR: $(ls -A "$work/tmp")"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
