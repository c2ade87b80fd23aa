#!/usr/bin/env bash
# Comments on a table's constraints, indexes, policies and triggers (an
# item's trailing `comment '...'`), end to end on a real PostgreSQL:
# applied and verified; each tampered with (changed or dropped) and
# reported, then repaired; an undeclared comment left alone; and
# `schemac import --db` of the result written back as trailing comments
# (a commented column constraint as the table's item) that build and
# apply to the same pg_dump.  Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD

passed=0 failed=0
ok()  { passed=$((passed + 1)); echo "ok: $*"; }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

work=$(mktemp -d -t schemac-comments.XXXXXX)
chmod 755 "$work"
cleanup() {
  scripts/pg-tmp.sh stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/p/schema"
cat >"$work/p/schema/shop.schema" <<'SCHEMA'
table public.items {
  id bigint primary key;
  owner uuid;
  price numeric constraint price_positive check (price > 0);
  constraint items_owner_key unique (owner) comment 'one item per owner';
  constraint items_positive check (id > 0) comment 'ids start at one';
  index items_by_price (price) where price is not null comment 'for the price list';
  row level security;
  policy "read items" for select using (true) comment 'everyone reads items';
  trigger touch before update for each row execute function public.touch()
    comment 'keeps it fresh';
}
function public.touch() returns trigger {
  language plpgsql; set search_path = '';
  as $$ begin return new; end $$;
}
SCHEMA
(cd "$work/p" && "$repo/bin/schemac" build schema -o bin/shop) >"$work/build.log" 2>&1 \
  || { cat "$work/build.log"; exit 1; }
exe=$work/p/bin/shop

env_lines=$(scripts/pg-tmp.sh start "$work/pg") || { echo "cannot start PostgreSQL"; exit 1; }
eval "$env_lines"
export PGHOST PGPORT PGUSER
url() { echo "postgresql:///$1?host=$PGHOST&port=$PGPORT&user=$PGUSER"; }
sql() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }
createdb -T template0 a

out=$("$exe" apply verify --db "$(url a)" 2>&1); st=$?
[ $st -eq 0 ] && grep -q ' 0 differ' <<<"$out" && ok "apply and verify" || bad "apply verify exit $st: $out"
got=$(sql a "select string_agg(d.description, '|' order by d.description)
  from pg_description d where d.classoid in ('pg_constraint'::regclass,
  'pg_class'::regclass, 'pg_policy'::regclass, 'pg_trigger'::regclass)")
[ "$got" = "everyone reads items|for the price list|ids start at one|keeps it fresh|one item per owner" ] \
  && ok "the five comments are in the catalog" || bad "comments: $got"

# --- tampered: changed, dropped; an undeclared one added --------------
sql a "comment on constraint items_positive on public.items is 'changed';
  comment on constraint items_owner_key on public.items is null;
  comment on index public.items_by_price is 'changed';
  comment on policy \"read items\" on public.items is null;
  comment on trigger touch on public.items is 'changed';
  comment on constraint price_positive on public.items is 'nobody declared this'"
out=$("$exe" verify --db "$(url a)" 2>&1); st=$?
n=$(grep -c '^    comment: live' <<<"$out")
[ $st -eq 1 ] && [ "$n" = 5 ] && grep -q 'verify: .* 5 differ' <<<"$out" \
  && ! grep -q price_positive <<<"$out" \
  && ok "each tampered comment reported, the undeclared one not" \
  || bad "verify after tamper (exit $st, $n comment drifts): $out"
grep -q 'constraint "items_positive" on public.items (schema/shop.schema:6)' <<<"$out" \
  && grep -q 'comment: live changed, declared ids start at one' <<<"$out" \
  && ok "a drift names the constraint, its line and both comments" || bad "drift text: $out"
out=$("$exe" apply verify --db "$(url a)" 2>&1); st=$?
[ $st -eq 0 ] && grep -q 'apply: 5 statements run' <<<"$out" && grep -q ' 0 differ' <<<"$out" \
  && ok "apply repairs the five with COMMENT ON; verify clean" || bad "repair exit $st: $out"
[ "$(sql a "select obj_description(oid, 'pg_constraint') from pg_constraint where conname = 'price_positive'")" = "nobody declared this" ] \
  && ok "the undeclared comment is left alone" || bad "undeclared comment touched"

# --- import writes them back -----------------------------------------
# (price_positive keeps the comment the tamper gave it: a column's
# constraint with a comment is written as the table's item)
out=$("$repo/bin/schemac" import --db "$(url a)" -o "$work/imp" 2>&1); st=$?
f=$work/imp/public.schema
if [ $st -eq 0 ] && grep -q "constraint items_positive check ((id > 0)) comment 'ids start at one';" "$f" &&
   grep -q "comment 'for the price list';" "$f" && grep -q "comment 'keeps it fresh';" "$f" &&
   grep -q "comment 'everyone reads items';" "$f" &&
   grep -q "^  unique (owner) comment 'one item per owner';" "$f" &&
   grep -q "^  price numeric;" "$f" &&
   grep -q "^  constraint price_positive check ((price > (0)::numeric)) comment 'nobody declared this';" "$f"; then
  ok "import writes each as the item's trailing comment"
else
  bad "import (exit $st): $out $(cat "$f" 2>/dev/null)"
fi
out=$(cd "$work" && "$repo/bin/schemac" build "$work/imp" -o "$work/bin/imp" 2>&1) \
  || bad "build of the import: $out"
createdb -T template0 b
out=$("$work/bin/imp" apply --db "$(url b)" 2>&1) || bad "apply of the import: $out"
restrict=()
[[ $(pg_dump --help) == *--restrict-key* ]] && restrict=(--restrict-key=comments)
dump() { pg_dump --schema-only "${restrict[@]}" --exclude-schema=schemactl -d "$1" | grep -v '^--'; }
if diff <(dump a) <(dump b) >"$work/dump.diff"; then
  ok "import -> build -> apply gives the same pg_dump ($(dump a | grep -c 'COMMENT ON') COMMENT ON lines)"
else
  bad "pg_dump differs: $(head -20 "$work/dump.diff")"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
