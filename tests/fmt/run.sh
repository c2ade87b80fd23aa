#!/usr/bin/env bash
# run.sh — schemac fmt: on a copy of every .schema file in the repository,
# fmt must keep the meaning (the canonical SQL of every case that compiles
# is the same before and after, `-- source:` lines aside, since lines move),
# be idempotent (fmt --check on its own output lists nothing), never crash
# on the bad-input corpus nor touch a file it cannot parse, and lay out
# tests/fmt/messy.schema exactly as tests/fmt/messy.expected.  Also checks
# that the projects in schema/ are committed formatted.
# Ends with "N passed, N failed"; exit 1 if any failed.
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
schemac=${SCHEMAC:-$repo/bin/schemac}

passed=0 failed=0
ok()  { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

work=$(mktemp -d /tmp/schemac-fmt.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/before" "$work/after"
cp -r schema tests "$work/before/"
cp -r schema tests "$work/after/"
rm -rf "$work/before/tests/bad" "$work/after/tests/bad"

# Every case that compiles: each project, each golden case, each directory
# of .schema files under tests/.
units() {
  cd "$work/before" || exit 2
  ls -d schema/*/
  find tests -name '*.schema' -printf '%h\n' | sort -u | grep -v '^tests/golden$'
  ls tests/golden/*.schema
}

out=$(cd "$work/after" && "$schemac" fmt schema tests 2>&1); st=$?
if grep -q 'change its meaning' <<<"$out" || [ $st -gt 1 ]; then
  bad "fmt over the repository (exit $st): $(grep -v '^ ' <<<"$out" | head -5)"
else
  ok
fi

compiled=0
for u in $(units); do
  (cd "$work/before" && "$schemac" sql "$u" 2>/dev/null) | grep -v '^-- source:' \
    >"$work/a.sql" || true
  [ "${PIPESTATUS[0]}" = 0 ] || continue
  [ -s "$work/a.sql" ] || continue
  compiled=$((compiled + 1))
  (cd "$work/after" && "$schemac" sql "$u" 2>/dev/null) | grep -v '^-- source:' >"$work/b.sql"
  cmp -s "$work/a.sql" "$work/b.sql" && ok || bad "fmt changed the SQL of $u"
done
[ "$compiled" -gt 100 ] && ok || bad "only $compiled cases compiled"

listed=$(cd "$work/after" && "$schemac" fmt --check schema tests 2>/dev/null)
[ -z "$listed" ] && ok || bad "fmt is not idempotent on: $listed"

n=$(find "$work/after" -name '*.schema' | wc -l)
echo "fmt: $n files formatted, $compiled cases compile to the same SQL"

# Hostile input: no crash, a file with errors is left as it was.
for f in tests/bad/*.schema; do
  cp "$f" "$work/bad.schema"
  timeout 10 "$schemac" fmt "$work/bad.schema" >/dev/null 2>"$work/err"; st=$?
  if [ $st -gt 2 ]; then bad "fmt $f: exit $st"; continue; fi
  if [ $st = 1 ] && ! cmp -s "$f" "$work/bad.schema"; then
    bad "fmt rewrote $f although it has errors"; continue
  fi
  ok
done

# The layout itself, pinned.
cp tests/fmt/messy.schema "$work/messy.schema"
out=$("$schemac" fmt --check "$work/messy.schema"); st=$?
[ $st = 1 ] && [ "$out" = "$work/messy.schema" ] && cmp -s tests/fmt/messy.schema "$work/messy.schema" \
  && ok || bad "fmt --check on an unformatted file: exit $st, listed '$out', or it wrote"
"$schemac" fmt "$work/messy.schema"
cmp -s "$work/messy.schema" tests/fmt/messy.expected && ok \
  || bad "layout of tests/fmt/messy.schema: $(diff tests/fmt/messy.expected "$work/messy.schema" | head -20)"
"$schemac" fmt --check tests/fmt/messy.expected >/dev/null && ok || bad "messy.expected is not formatted"

# The projects are committed formatted.
out=$("$schemac" fmt --check schema); st=$?
[ $st = 0 ] && ok || bad "schema/ is not formatted (run bin/schemac fmt schema): $out"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
