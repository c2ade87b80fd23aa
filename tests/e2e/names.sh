#!/usr/bin/env bash
# Names that once broke or corrupted the executable, end to end on a real
# PostgreSQL: every ECPG and C keyword, and names holding a newline, a
# carriage return, a tab, quotes, a backslash and $$, as schema, table,
# column, index, constraint, policy, trigger, function, role and enum
# label; a function body holding $1 and ?.  Each must pass check and
# build, apply, verify clean, give the catalog `psql -1 -f` of `schemac
# sql` gives, and apply again as a no-op.  And with an event trigger
# recording current_query(), every DDL statement apply sends must be a
# statement of generated/NAME.sql, byte for byte.  Ends with "N passed,
# N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD

passed=0 failed=0
ok()   { passed=$((passed + 1)); echo "ok: $*"; }
bad()  { failed=$((failed + 1)); echo "FAIL: $*"; }

work=$(mktemp -d /tmp/schemac-names.XXXXXX)
chmod 755 "$work"
cleanup() {
  scripts/pg-tmp.sh stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# ECPG's own keywords and C's, each a column, a few an index or policy.
ecpg="allocate autocommit bool break cardinality char connect continue count
data describe descriptor disconnect found free get go goto identified
indicator length nullable octet_length open output reference scale section
sql sqlerror sqlprint sqlwarning stop varchar auto const double enum extern
float hour int long minute month register second short signed static
struct to typedef union unsigned volatile year case default do else for if
inline restrict return sizeof switch void while"
nl=$'\n' cr=$'\r' tab=$'\t'

mkdir -p "$work/p/schema"
{
  echo "role \"long\";"
  echo "role \"line${nl}break\";"
  echo "schema \"struct\" { grant usage to \"long\", \"line${nl}break\"; comment 'it''s'; }"
  echo "enum \"struct\".\"signed\" ('a${nl}b', 'it''s', '\$1', '?');"
  echo "table \"struct\".\"allocate\" {"
  echo "  \"descriptor\" int primary key;"
  for k in $ecpg; do
    [ "$k" = descriptor ] || echo "  \"$k\" int;"
  done
  echo "  \"new${nl}line\" text not null default 'x${nl}y';"
  echo "  \"carriage${cr}return\" int check (\"carriage${cr}return\" > 0);"
  echo "  \"tab${tab}bed\" int;"
  echo "  \"quo\"\"te\" text default 'it''s';"
  echo "  \"back\\slash\" text default E'a\\\\b';"
  echo "  \"\$\$\" \"struct\".\"signed\";"
  echo "  constraint \"unsigned\" check (\"descriptor\" > 0);"
  echo "  unique (\"reference\");"
  echo "  index \"free\" (\"get\", \"output\");"
  echo "  index \"new${nl}index\" (\"new${nl}line\");"
  echo "  row level security;"
  echo "  policy \"output\" for select to \"long\" using (\"bool\" is not null);"
  echo "  policy \"sig\$\$ned${nl}policy\" for insert to \"line${nl}break\" with check (true);"
  echo "  grant select, insert to \"long\";"
  echo "  trigger \"short\" before insert for each row execute function \"struct\".\"autocommit\"();"
  echo "  comment 'a \$\$ comment';"
  echo "}"
  echo "table \"struct\".\"reference\" {"
  echo "  id int primary key;"
  echo "  \"struct\" int references \"struct\".\"allocate\" (\"reference\");"
  echo "  index (\"struct\");"
  echo "}"
  echo "function \"struct\".\"autocommit\"() returns trigger { language plpgsql;"
  echo "  as \$\$ begin return new; end \$\$; }"
  echo "function \"struct\".\"get\"(x int) returns int { language sql; immutable;"
  echo "  as \$\$ select \$1 + 1 -- is it? \$2"
  echo "\$\$; grant execute to \"long\"; }"
  echo "view \"struct\".\"descriptor${nl}view\" {"
  echo "  as select \"descriptor\", \"new${nl}line\" from \"struct\".\"allocate\";"
  echo "  grant select to \"long\";"
  echo "}"
} >"$work/p/schema/names.schema"

out=$(bin/schemac check "$work/p/schema" 2>&1); st=$?
[ $st -eq 0 ] && ok "check" || bad "check exit $st: $out"
out=$(cd "$work/p" && "$repo/bin/schemac" build schema -o bin/names 2>&1); st=$?
[ $st -eq 0 ] && ok "build" || bad "build exit $st: $out"
names="$work/p/bin/names"

# Built again from the same source, nothing is compiled; built another
# way (other compiler flags), it is.
stamp() { stat -c %Y.%s "$names" 2>/dev/null; }
before=$(stamp); sleep 1
(cd "$work/p" && "$repo/bin/schemac" build schema -o bin/names) >/dev/null 2>&1
[ -n "$before" ] && [ "$(stamp)" = "$before" ] && ok "an unchanged build compiles nothing" \
  || bad "the unchanged build relinked bin/names"
(cd "$work/p" && SCHEMAC_CFLAGS=-O1 "$repo/bin/schemac" build schema -o bin/names) >/dev/null 2>&1
[ "$(stamp)" != "$before" ] && ok "other compiler flags rebuild" \
  || bad "other compiler flags did not rebuild bin/names"

env_lines=$(scripts/pg-tmp.sh start "$work/pg") || { echo "cannot start PostgreSQL"; exit 1; }
eval "$env_lines"
export PGHOST PGPORT PGUSER
url() { echo "postgresql:///$1?host=$PGHOST&port=$PGPORT&user=$PGUSER"; }
sql() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }

# The statements apply sends, as the server received them.
createdb -T template0 a
sql a "create schema eventlog;
create table eventlog.q (id bigserial, q text);
create function eventlog.record() returns event_trigger language plpgsql as
  \$\$ begin insert into eventlog.q (q) values (current_query()); end \$\$;
create event trigger record_ddl on ddl_command_start execute function eventlog.record();"

out=$("$names" apply --db "$(url a)" 2>&1); st=$?
[ $st -eq 0 ] && ok "apply" || bad "apply exit $st: $out"
out=$("$names" verify --db "$(url a)" 2>&1); st=$?
[ $st -eq 0 ] && grep -q ' 0 differ' <<<"$out" && ok "verify clean" \
  || bad "verify exit $st: $out"
out=$("$names" apply --db "$(url a)" 2>&1); st=$?
[ $st -eq 0 ] && grep -q '0 statements run, 0 objects changed' <<<"$out" \
  && ok "second apply is a no-op" || bad "second apply: $out"

# Every recorded DDL statement is one of generated/names.sql, whole (but
# the tool's own, in schema schemactl).
gen="$work/p/generated/names.sql"
sql a "delete from eventlog.q where q ~ 'schemactl\.'"
n=$(sql a "select count(*) from eventlog.q")
sql a "drop event trigger record_ddl"
# gen ends in a newline; $(cat) drops it, the query puts it back.
missing=$(psql -X -q -At -d a -v gen="$(cat "$gen")" <<'EOF'
select q from eventlog.q
 where position(E'\n' || q || E';\n' in :'gen' || E'\n') = 0;
EOF
)
[ "$n" -gt 20 ] && [ -z "$missing" ] \
  && ok "each of the $n DDL statements apply sent is in generated/names.sql byte for byte" \
  || bad "statements sent that are not in generated/names.sql: $missing"
sql a "drop schema eventlog cascade"

# The same catalog as psql -1 -f of the canonical SQL.
createdb -T template0 b
bin/schemac sql "$work/p/schema" >"$work/names.sql"
psql -X -q -v ON_ERROR_STOP=1 -1 -d b -f "$work/names.sql" >/dev/null 2>&1 \
  && ok "psql -1 -f of schemac sql" || bad "psql -1 -f failed"
# pg_dump 15.14 and later wrap the dump in \restrict lines with a random key.
dump() { pg_dump --schema-only --no-owner -N schemactl "$1" |
  grep -Ev '^(--|$|\\(un)?restrict )'; }
if diff <(dump a) <(dump b) >"$work/dump.diff"; then
  ok "catalog identical to psql -1 -f of schemac sql"
else
  bad "catalogs differ: $(head -20 "$work/dump.diff")"
fi

# The newline stayed in the names (the ECPG path once dropped it).
got=$(sql a "select count(*) from pg_attribute where attrelid = '\"struct\".\"allocate\"'::regclass
  and attname in (E'new\nline', E'carriage\rreturn', E'tab\tbed', 'quo\"te', E'back\\\\slash', '\$\$')")
[ "$got" = 6 ] && ok "names with newline, CR, tab, quotes, backslash, \$\$ kept" \
  || bad "only $got of 6 hostile column names in the catalog"
got=$(sql a "select \"struct\".\"get\"(41)")
[ "$got" = 42 ] && ok "a body with \$1 and ? runs as written" || bad "get(41) = $got"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
