#!/usr/bin/env bash
# What a Supabase project has and writes, end to end on a real PostgreSQL
# with the stand-in: the project tests/integration/cases/platform (its
# catalog against hand-written SQL is tests/integration's business) is
# built, applied with --install-platform-shim, verified, then tampered
# with and repaired:
# - the stand-in has every platform object the compiler assumes, and the
#   search path that makes an unqualified gen_random_bytes() work;
# - triggers, policies, grants and the comment declared on auth.users and
#   storage.objects are verified and repaired; what the schema does not
#   declare there (the platform's own triggers, policies, columns) is
#   neither reported nor touched;
# - grants on the platform's schemas, tables and functions, and the grants
#   `on all tables|functions` expands to, are verified and repaired (a
#   platform function's new body is not reported);
# - database-wide default privileges (the applying role's, and a role's
#   named with `for role`) are verified and repaired;
# - names over 63 bytes are verified and repaired under the cut name;
# - a function taking a declared enum: report reads its access (its
#   signature qualified for search_path = pg_catalog);
# - Vault and the platform's service roles (tests/integration/cases/vault):
#   a secret stored and read through the stand-in's vault, grants to and a
#   policy for supabase_auth_admin tampered and repaired.
# Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD

passed=0 failed=0
ok()   { passed=$((passed + 1)); echo "ok: $*"; }
bad()  { failed=$((failed + 1)); echo "FAIL: $*"; }

work=$(mktemp -d -t schemac-platform.XXXXXX)
chmod 755 "$work"
cleanup() {
  scripts/pg-tmp.sh stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/p"
cp -r tests/integration/cases/platform/schema "$work/p/schema"
(cd "$work/p" && "$repo/bin/schemac" build schema -o bin/platform) \
  >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
exe="$work/p/bin/platform"

env_lines=$(scripts/pg-tmp.sh start "$work/pg") || { echo "cannot start PostgreSQL"; exit 1; }
eval "$env_lines"
export PGHOST PGPORT PGUSER
url() { echo "postgresql:///$1?host=$PGHOST&port=$PGPORT&user=$PGUSER"; }
sql() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }
db=$(url a)
createdb -T template0 a

# --- apply, verify, apply again ----------------------------------------
out=$("$exe" apply --install-platform-shim --db "$db" 2>&1); st=$?
[ $st -eq 0 ] && ok "apply with the stand-in" || bad "apply exit $st: $out"
out=$("$exe" verify --db "$db" 2>&1); st=$?
[ $st -eq 0 ] && grep -q ' 0 differ' <<<"$out" && ok "verify clean" \
  || bad "verify exit $st: $out"
out=$("$exe" apply --db "$db" 2>&1); st=$?
[ $st -eq 0 ] && grep -q '0 statements run, 0 objects changed' <<<"$out" \
  && ok "second apply is a no-op" || bad "second apply: $out"

# --- the stand-in has what the compiler assumes ------------------------
missing=$(sql a "select f from unnest(array['auth.uid()', 'auth.role()',
  'auth.jwt()', 'auth.email()', 'storage.foldername(text)',
  'storage.filename(text)', 'storage.extension(text)', 'storage.operation()',
  'extensions.uuid_generate_v4()', 'extensions.gen_random_bytes(integer)',
  'extensions.digest(text, text)', 'extensions.pg_stat_statements_reset(oid, oid, bigint)'])
  f where to_regprocedure(f) is null")
exts=$(sql a "select string_agg(e.extname, ',' order by e.extname) from pg_extension e
  join pg_namespace n on n.oid = e.extnamespace where n.nspname = 'extensions'")
[ -z "$missing" ] && [ "$exts" = "pg_stat_statements,pgcrypto,uuid-ossp" ] \
  && ok "the stand-in has the platform's functions and extensions ($exts)" \
  || bad "missing from the stand-in: $missing; extensions: $exts"
# A new session gets Supabase's search path; the unqualified default works.
path=$(sql a "show search_path")
sql a "insert into auth.users (id, email) values
  ('00000000-0000-0000-0000-000000000001', 'a@example.com')"
key=$(sql a "select length(api_key) from public.profiles
  where id = '00000000-0000-0000-0000-000000000001'")
[ "$path" = '"$user", public, extensions' ] && [ "$key" = 32 ] \
  && ok "search path $path: the trigger on auth.users made a profile, gen_random_bytes() unqualified" \
  || bad "search path '$path', api_key length '$key'"

# --- tamper with what the schema declares on the platform's tables -----
sql a "drop trigger on_auth_user_created on auth.users;
  alter policy \"users read themselves\" on auth.users using (true);
  revoke select (email) on auth.users from authenticated;
  comment on table auth.users is 'tampered';
  drop policy \"avatars are public\" on storage.objects;
  alter policy \"only the service role reads the audit trail of the profiles of \"
    on public.an_audit_trail_of_every_change_made_to_the_profiles_of_users_x using (false);
  alter table public.an_audit_trail_of_every_change_made_to_the_profiles_of_users_x
    drop constraint an_audit_trail_entry_must_have_a_positive_identifier_at_all_tim;
  revoke execute on function public.cheer(public.mood) from authenticated;
  revoke select on public.tags from app_reader;
  revoke execute on function public.handle_new_user() from service_role;
  revoke usage on schema storage from app_reader;
  revoke select on storage.buckets from app_reader;
  revoke execute on function auth.uid() from app_reader;
  alter default privileges grant execute on functions to public;
  alter default privileges in schema public revoke select on tables from app_reader;
  alter default privileges revoke select on tables from app_reader;
  alter default privileges for role app_reader revoke select on tables from authenticated"
# ... and what it does not: the platform's own, left alone.
sql a "alter table auth.users add column nickname text;
  create index users_nickname on auth.users (nickname);
  create policy \"the platform's own\" on storage.objects for select using (false);
  create function auth.platform_hook() returns trigger language plpgsql
    as \$\$ begin return new; end \$\$;
  create trigger platform_hook before update on auth.users
    for each row execute function auth.platform_hook();
  alter table storage.objects disable row level security;
  create or replace function auth.uid() returns uuid language sql stable as
    \$\$ select nullif(nullif(current_setting('request.jwt.claims', true), '')::jsonb
             ->> 'sub', '')::uuid -- the platform's new version \$\$"
out=$("$exe" verify --db "$db" 2>&1); st=$?
want="drift: policy \"users read themselves\" on auth.users
drift: table auth.users
drift: column \"email\" on auth.users
missing: trigger \"on_auth_user_created\" on auth.users
missing: policy \"avatars are public\" on storage.objects
drift: policy \"only the service role reads the audit trail of the profiles of \" on public.an_audit_trail_of_every_change_made_to_the_profiles_of_users_x
missing: constraint \"an_audit_trail_entry_must_have_a_positive_identifier_at_all_tim\" on public.an_audit_trail_of_every_change_made_to_the_profiles_of_users_x
drift: function public.cheer(mood)
drift: table public.tags
drift: function public.handle_new_user()
drift: schema storage
drift: table storage.buckets
drift: function auth.uid()
drift: role postgres
drift: role app_reader
drift: schema public"
got=$(grep -E '^(drift|missing|unexpected):' <<<"$out" | sed -E 's/ \([^()]*:[0-9]+\)$//')
lines() { sort <<<"$1"; }
[ $st -eq 1 ] && [ "$(lines "$got")" = "$(lines "$want")" ] \
  && ok "verify reports the 16 declared objects tampered with, and nothing of the platform's own" \
  || bad "verify exit $st: $(diff <(lines "$want") <(lines "$got"))"
out=$("$exe" apply --db "$db" 2>&1); st=$?
[ $st -eq 0 ] && ok "apply repairs" || bad "apply exit $st: $out"
out=$("$exe" verify --db "$db" 2>&1); st=$?
[ $st -eq 0 ] && grep -q ' 0 differ' <<<"$out" && ok "verify clean after the repair" \
  || bad "verify after repair exit $st: $out"
left=$(sql a "select (select count(*) from pg_attribute where attrelid = 'auth.users'::regclass
    and attname = 'nickname')
  + (select count(*) from pg_class where relname = 'users_nickname')
  + (select count(*) from pg_policy where polname = 'the platform''s own')
  + (select count(*) from pg_trigger where tgname = 'platform_hook')
  + (select count(*) from pg_class where oid = 'storage.objects'::regclass
     and not relrowsecurity)
  + (select count(*) from pg_proc where oid = 'auth.uid()'::regprocedure
     and prosrc like '%the platform''s new version%')")
[ "$left" = 6 ] && ok "the platform's column, index, policy, trigger, function body and undeclared RLS switch left alone" \
  || bad "only $left of 6 undeclared platform changes left"

# Database-wide default privileges as repaired: objects made later get them.
got=$(sql a "create function public.later() returns int language sql as 'select 1';
  create table public.later (id int);
  select has_function_privilege('anon', 'public.later()', 'execute')::text || ','
      || has_table_privilege('app_reader', 'public.later', 'select')::text;
  drop function public.later(); drop table public.later")
[ "$got" = "false,true" ] && ok "objects made later get the repaired default privileges" \
  || bad "execute by anon, select by app_reader on new objects: $got"

# --- the row level security switch, when declared, is repaired ---------
sed -i 's/^table storage.objects {$/table storage.objects {\n  row level security;/' \
  "$work/p/schema/platform.schema"
(cd "$work/p" && "$repo/bin/schemac" build schema -o bin/platform) >"$work/build.log" 2>&1 \
  || { cat "$work/build.log"; exit 1; }
out=$("$exe" plan --db "$db" 2>&1)
grep -qx 'ALTER TABLE storage.objects ENABLE ROW LEVEL SECURITY;  -- schema/platform.schema:[0-9]*' <<<"$out" \
  && [ "$(grep -c ';  -- ' <<<"$out")" = 1 ] \
  && ok "a declared row level security switch on storage.objects is planned, and only it" \
  || bad "plan: $out"
out=$("$exe" apply verify --db "$db" 2>&1); st=$?
[ $st -eq 0 ] && grep -q ' 0 differ' <<<"$out" && ok "apply turns it on; verify clean" \
  || bad "apply verify exit $st: $out"

# --- Vault and the platform's service roles (tests/integration/cases/vault)
mkdir -p "$work/v"
cp -r tests/integration/cases/vault/schema "$work/v/schema"
(cd "$work/v" && "$repo/bin/schemac" build schema -o bin/vault) >"$work/build.log" 2>&1 \
  || { cat "$work/build.log"; exit 1; }
vexe="$work/v/bin/vault"
createdb -T template0 v
out=$("$vexe" apply verify --install-platform-shim --db "$(url v)" 2>&1); st=$?
[ $st -eq 0 ] && grep -q ' 0 differ' <<<"$out" && ok "vault: apply and verify with the stand-in" \
  || bad "vault apply verify exit $st: $out"
# As an auth hook would: store a token for a user, read it back as the
# service key; the API roles cannot reach the vault.
got=$(sql v "insert into auth.users (id) values ('00000000-0000-0000-0000-000000000002');
  insert into public.profiles (user_id) values ('00000000-0000-0000-0000-000000000002');
  set role supabase_auth_admin;
  select public.store_token('00000000-0000-0000-0000-000000000002', 's3cret') is not null;
  reset role; set role service_role;
  select public.token_of('00000000-0000-0000-0000-000000000002');
  reset role; set role authenticated;
  select has_schema_privilege('vault', 'usage')" | tr '\n' ,)
[ "$got" = "t,s3cret,f," ] && ok "vault: a token stored by supabase_auth_admin, read by service_role; authenticated has no usage on schema vault" \
  || bad "vault round trip: $got"
sql v "revoke select on public.profiles from supabase_auth_admin;
  drop policy \"only the auth admin reads profiles\" on public.profiles;
  revoke execute on function public.store_token(uuid, text) from supabase_auth_admin"
out=$("$vexe" verify --db "$(url v)" 2>&1); st=$?
[ $st -eq 1 ] && grep -q 'supabase_auth_admin' <<<"$out" && grep -q 'only the auth admin reads profiles' <<<"$out" \
  && ok "vault: grants to and a policy for supabase_auth_admin tampered are reported" \
  || bad "vault verify after tamper exit $st: $out"
out=$("$vexe" apply verify --db "$(url v)" 2>&1); st=$?
[ $st -eq 0 ] && grep -q ' 0 differ' <<<"$out" && ok "vault: apply repairs them; verify clean" \
  || bad "vault repair exit $st: $out"

# --- report reads the access of a function taking an enum --------------
# (Other cells differ: the stand-in has none of the default privileges the
# declared matrix assumes, see report.sh.)
out=$("$exe" report -o "$work/report" --db "$db" 2>&1); st=$?
cheer=$(sed -n '/function public.cheer(public.mood)/,/<h3/p' "$work/report/index.html")
[ $st -le 1 ] && ! grep -q 'does not exist' <<<"$out" && grep -q ' access cells differ' <<<"$out" \
  && grep -q 'execute' <<<"$cheer" && ! grep -q 'differs' <<<"$cheer" \
  && ok "report reads the live access of public.cheer(public.mood)" \
  || bad "report exit $st: $out"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
