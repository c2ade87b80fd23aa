#!/usr/bin/env bash
# The normal-form cache (schemactl.normal_forms) is trusted only with a
# checksum the executable recomputes: a row edited so that it hides a drift
# of the database is caught and not used (verify normalises again and names
# the drift); the next apply rewrites it, and verify trusts the new row.
# The row is stored compressed with lz4.
# Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD

passed=0 failed=0
ok()   { passed=$((passed + 1)); echo "ok: $*"; }
bad()  { failed=$((failed + 1)); echo "FAIL: $*"; }

work=$(mktemp -d /tmp/schemac-cache.XXXXXX)
chmod 755 "$work"
cleanup() {
  scripts/pg-tmp.sh stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

env_lines=$(scripts/pg-tmp.sh start "$work/pg") || { echo "cannot start PostgreSQL"; exit 1; }
eval "$env_lines"
export PGHOST PGPORT PGUSER
url() { echo "postgresql:///$1?host=$PGHOST&port=$PGPORT&user=$PGUSER"; }
sql() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }

(cd "$work" && "$repo/bin/schemac" build \
  "$repo/tests/integration/cases/library/schema" -o bin/library) \
  >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
lib=$work/bin/library
createdb -T template0 lib
"$lib" apply --db "$(url lib)" >"$work/apply.log" 2>&1 \
  || { cat "$work/apply.log"; exit 1; }

out=$("$lib" verify --db "$(url lib)" 2>&1); st=$?
[ $st -eq 0 ] && ! grep -q 'from a scratch' <<<"$out" \
  && ok "verify after apply reads the cache" \
  || bad "verify after apply (exit $st): $out"

# The row is megabytes at 10,000 tables: stored with lz4, which the
# server has, rather than the slower default pglz.
got=$(sql lib "select pg_column_compression(facets) || ' ' || (length(facets) > 2000)::text
  from schemactl.normal_forms")
[ "$got" = "lz4 true" ] && ok "the cache row is compressed with lz4" \
  || bad "compression of the cache row (method, longer than 2000): $got"
got=$(sql lib "select pg_column_compression(schema_data) || ' ' || (length(schema_data) > 2000)::text
  from schemactl.history")
[ "$got" = "lz4 true" ] && ok "the schema recorded in history is compressed with lz4 too" \
  || bad "compression of history's schema (method, longer than 2000): $got"

# The drift: a column's type changed.  The edit: the cached declared type
# changed to match, so that a trusted row would hide the drift.
col=$'Kcolumn\x1flibrary\x1fbooks\x1fsubtitle\nFtype\t'
sql lib "alter table library.books alter column subtitle type varchar(200)"
n=$(psql -X -q -At -d lib -v col="$col" <<'SQL'
update schemactl.normal_forms
   set facets = replace(facets, :'col' || E'text\n',
                        :'col' || E'character varying(200)\n')
 where strpos(facets, :'col' || E'text\n') > 0
returning 1;
SQL
)
[ "$n" = 1 ] && ok "cache row edited to hide the drift" \
  || bad "the cache row holds no such column line ($n)"

out=$("$lib" verify --db "$(url lib)" 2>&1); st=$?
if [ $st -eq 1 ] && grep -q 'normal_forms holds a row for this schema that fails its checksum' <<<"$out" \
   && grep -q 'from a scratch' <<<"$out" && grep -q 'subtitle' <<<"$out"; then
  ok "edited row not used: verify names the drift (exit 1)"
else
  bad "edited row (exit $st): $out"
fi
[ "$(grep -c . <<<"$(grep 'warning:' <<<"$out")")" = 1 ] \
  && ok "the warning is one line" || bad "warning lines: $out"

# verify writes nothing: the row stays untrusted until apply, which repairs
# the drift and stores a fresh row; the next verify trusts that, quietly.
out=$("$lib" verify --db "$(url lib)" 2>&1); st=$?
[ $st -eq 1 ] && grep -q 'fails its checksum' <<<"$out" \
  && ok "verify leaves the row as it is, and again does not use it" \
  || bad "second verify (exit $st): $out"
"$lib" apply --db "$(url lib)" >"$work/apply2.log" 2>&1 \
  || { bad "apply after the edit: $(cat "$work/apply2.log")"; }
out=$("$lib" verify --db "$(url lib)" 2>&1); st=$?
[ $st -eq 0 ] && ! grep -q 'fails its checksum\|from a scratch' <<<"$out" \
  && ok "apply rewrote the row: verify trusts it and is clean" \
  || bad "after apply (exit $st): $out"

# No row for this schema (a version not applied yet, or a cache of an
# older layout): the normal forms verify makes in a scratch database are
# kept, so the next verify need not make them again.
sql lib "delete from schemactl.normal_forms; delete from schemactl.clean_at"
out=$("$lib" verify --db "$(url lib)" 2>&1); st=$?
[ $st -eq 0 ] && grep -q 'from a scratch' <<<"$out" \
  && ok "without a row, verify normalises in a scratch database" \
  || bad "verify without a row (exit $st): $out"
got=$(sql lib "select count(*) from schemactl.normal_forms")
sql lib "delete from schemactl.clean_at"
out=$("$lib" verify --db "$(url lib)" 2>&1); st=$?
[ "$got" = 1 ] && [ $st -eq 0 ] && ! grep -q 'from a scratch\|fails its checksum' <<<"$out" \
  && ok "and keeps them: the next verify loads the row it stored" \
  || bad "verify after one that normalised (rows $got, exit $st): $out"

# A row that is another schema's own, filed under this schema's checksum:
# the other schema differs in one comment, which a trusted row would show.
cp -r tests/integration/cases/library/schema "$work/other"
sed -i "s/comment 'Writers of books'/comment 'Authors'/" "$work/other/10-library.schema"
(cd "$work" && "$repo/bin/schemac" build "$work/other" -o bin/other) \
  >"$work/build-other.log" 2>&1 || { cat "$work/build-other.log"; exit 1; }
createdb -T template0 other
"$work/bin/other" apply --db "$(url other)" >"$work/apply-other.log" 2>&1 \
  || { cat "$work/apply-other.log"; exit 1; }
# COPY carries the row byte for byte (a shell variable would lose its
# last newline, and so its checksum).
psql -X -q -v ON_ERROR_STOP=1 -d other \
  -c "\\copy (select facets from schemactl.normal_forms) to '$work/row.copy'"
psql -X -q -v ON_ERROR_STOP=1 -d lib <<SQL
create temp table other_row (facets text);
\\copy other_row from '$work/row.copy'
update schemactl.normal_forms set facets = (select facets from other_row);
delete from schemactl.clean_at;
SQL
out=$("$lib" verify --db "$(url lib)" 2>&1); st=$?
[ $st -eq 0 ] && grep -q 'fails its checksum' <<<"$out" \
  && ok "another schema's row under this checksum is not used" \
  || bad "another schema's row (exit $st): $out"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
