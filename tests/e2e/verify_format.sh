#!/usr/bin/env bash
# verify --format json|sarif|github on a real PostgreSQL: a clean database
# gives an empty document and exit 0; after tampering, one diagnostic per
# difference at the .schema file:line:col of the object that declares it
# (JSON and SARIF parsed with python3), exit 1; a bad format or --format
# with another command is a usage error with nothing on standard output.
# Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD

passed=0 failed=0
ok()   { passed=$((passed + 1)); echo "ok: $*"; }
bad()  { failed=$((failed + 1)); echo "FAIL: $*"; }

work=$(mktemp -d /tmp/schemac-vformat.XXXXXX)
chmod 755 "$work"
cleanup() {
  scripts/pg-tmp.sh stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

case_dir=tests/integration/cases/library/schema
(cd "$work" && "$repo/bin/schemac" build "$repo/$case_dir" -o bin/library) \
  >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
lib="$work/bin/library"

env_lines=$(scripts/pg-tmp.sh start "$work/pg") || { echo "cannot start PostgreSQL"; exit 1; }
eval "$env_lines"
export PGHOST PGPORT PGUSER
db="postgresql:///lib?host=$PGHOST&port=$PGPORT&user=$PGUSER"
createdb -T template0 lib
sql() { psql -X -q -At -v ON_ERROR_STOP=1 -d lib -c "$1"; }

out=$("$lib" apply --db "$db" 2>&1) || bad "apply: $out"

# python3 CHECK FILE: runs the check on the parsed document in FILE.
pycheck() {
  python3 - "$1" "$repo" <<PY
import json, sys, os
doc = json.load(open(sys.argv[1]))
repo = sys.argv[2]
$2
PY
}

"$lib" verify --format json --db "$db" >"$work/clean.json" 2>"$work/clean.err"; st=$?
[ $st -eq 0 ] && pycheck "$work/clean.json" 'assert doc == {"diagnostics": []}, doc' \
  && ok "a clean verify writes an empty document, exit 0" \
  || bad "clean verify (exit $st): $(cat "$work/clean.json" "$work/clean.err")"
grep -q '^verify: [0-9]* objects checked, 0 differ' "$work/clean.err" \
  && ok "the summary goes to standard error" || bad "summary: $(cat "$work/clean.err")"

# Four differences: a column's type, a missing index, an undeclared column
# (on a declared table) and an undeclared table.
sql "alter table library.books alter column subtitle type varchar(300);
     drop index library.books_title_idx;
     alter table library.books add column shelf text;
     create table library.stray (id int)" || bad "tampering failed"

"$lib" verify --format json --db "$db" >"$work/drift.json" 2>"$work/drift.err"; st=$?
[ $st -eq 1 ] && ok "verify with differences exits 1" || bad "drift verify exit $st: $(cat "$work/drift.err")"
pycheck "$work/drift.json" '
ds = doc["diagnostics"]
keys = {"file", "line", "column", "severity", "message", "rule", "notes"}
for d in ds:
    assert set(d) == keys, d
    assert d["severity"] == "error", d
by = {}
for d in ds:
    by.setdefault(d["rule"], []).append(d)
def at(d, text):
    # the line the diagnostic names declares the object
    path = os.path.join(repo, d["file"]) if not os.path.isabs(d["file"]) else d["file"]
    line = open(path).read().split("\n")[d["line"] - 1]
    assert text in line, (d, line)
    assert d["column"] >= 1, d
drift = [d for d in by.get("drift", []) if "subtitle" in d["message"]]
assert len(drift) == 1 and "character varying(300)" in drift[0]["message"], ds
at(drift[0], "subtitle")
missing = [d for d in by.get("missing", []) if "books_title_idx" in d["message"]]
assert len(missing) == 1, ds
at(missing[0], "index (title")
extra = [d for d in by.get("unexpected", []) if "shelf" in d["message"]]
assert len(extra) == 1, ds
at(extra[0], "table library.books")
stray = [d for d in by.get("unexpected", []) if "stray" in d["message"]]
assert len(stray) == 1 and stray[0]["file"] is None, ds
print(len(ds))
' >"$work/count" && ok "json: each difference at the line declaring its object ($(cat "$work/count") diagnostics)" \
  || bad "json document: $(cat "$work/drift.json")"

"$lib" verify --format sarif --db "$db" >"$work/drift.sarif" 2>/dev/null; st=$?
[ $st -eq 1 ] && pycheck "$work/drift.sarif" '
assert doc["version"] == "2.1.0", doc
run = doc["runs"][0]
assert run["tool"]["driver"]["name"] == "library", run["tool"]
ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
assert len(ids) == len(set(ids)) and {"drift", "missing", "unexpected"} <= set(ids), ids
res = run["results"]
assert len(res) == '"$(cat "$work/count" 2>/dev/null || echo -1)"', len(res)
for r in res:
    assert r["level"] == "error" and r["ruleId"] in ids and r["message"]["text"], r
    for loc in r["locations"]:
        reg = loc["physicalLocation"]["region"]
        assert loc["physicalLocation"]["artifactLocation"]["uri"].endswith(".schema"), loc
        assert reg["startLine"] >= 1 and reg["startColumn"] >= 1, loc
assert sum(1 for r in res if not r["locations"]) == 1, res
' && ok "sarif: 2.1.0, the same results, each rule once" || bad "sarif (exit $st): $(head -c 2000 "$work/drift.sarif")"

"$lib" verify --format github --db "$db" >"$work/drift.gh" 2>/dev/null; st=$?
n=$(cat "$work/count" 2>/dev/null || echo -1)
if [ $st -eq 1 ] && [ "$(wc -l <"$work/drift.gh")" -eq "$n" ] \
   && [ "$(grep -cE '^::error file=[^,]*\.schema,line=[0-9]+,col=[0-9]+,title=(drift|missing|unexpected)::' "$work/drift.gh")" -eq $((n - 1)) ] \
   && grep -qE '^::error title=unexpected::unexpected: table library\.stray' "$work/drift.gh"; then
  ok "github: one workflow command per difference"
else
  bad "github (exit $st): $(cat "$work/drift.gh")"
fi

out=$("$lib" verify --format yaml --db "$db" 2>"$work/err"); st=$?
[ $st -eq 2 ] && [ -z "$out" ] && grep -q 'format takes' "$work/err" \
  && ok "an unknown format is a usage error" || bad "--format yaml (exit $st): $out $(cat "$work/err")"
out=$("$lib" apply verify --format json --db "$db" 2>"$work/err"); st=$?
[ $st -eq 2 ] && [ -z "$out" ] && [ "$(sql "select count(*) from pg_class where relname = 'books_title_idx'")" = 0 ] \
  && ok "--format with another command is refused before anything runs" \
  || bad "apply verify --format (exit $st): $out $(cat "$work/err")"
out=$("$lib" verify --format=text --db "$db" 2>&1); st=$?
[ $st -eq 1 ] && grep -q '^missing: index' <<<"$out" && ok "--format=text is the plain listing" \
  || bad "--format=text (exit $st): $out"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
