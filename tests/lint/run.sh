#!/usr/bin/env bash
# run.sh — the lint rules, one pair of cases per rule:
#   cases/RULE.schema     must pass `schemac check` (exit 0) and warn exactly
#                         the lines of cases/RULE.warn (file:line:col, the
#                         message and its rule), one of them naming [RULE];
#   cases/RULE-ok.schema  the same mistake fixed: no warning at all.
# Every rule schemac knows (docs/lint.md) must have both.  The rules are
# the compiler's own, decided without PostgreSQL, so check runs with
# --no-server: no throwaway server, and no PostgreSQL needed (the server
# check has its own suite, tests/server).
#
#   tests/lint/run.sh [RULE...]
#   UPDATE=1 tests/lint/run.sh RULE   rewrites RULE.warn from what check says
#                                     now; review the diff before committing
#
# Environment: SCHEMAC (default bin/schemac). Last line: `N passed, N failed`.
# Exit status: 0 all passed, 1 some failed, 2 usage error.
set -uo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
cd -- "$here/../.." || exit 2
dir=tests/lint/cases
schemac=${SCHEMAC:-bin/schemac}
[ -x "$schemac" ] || { echo "run.sh: compiler not found: $schemac" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lint.XXXXXX") || exit 2
trap 'rm -rf -- "$tmp"' EXIT

# The rules, from the table in docs/lint.md: `| `rule` | ...`.
rules=()
if [ $# -gt 0 ]; then
	rules=("$@")
else
	while IFS= read -r r; do rules+=("$r"); done < <(
		sed -n 's/^| `\([a-z_]*\)` |.*/\1/p' docs/lint.md | LC_ALL=C sort -u)
fi
[ ${#rules[@]} -gt 0 ] || { echo "run.sh: no rules in docs/lint.md" >&2; exit 2; }

passed=0
failed=0
fail() { printf 'FAIL %s: %s\n' "$1" "$2"; failed=$((failed + 1)); }

for rule in "${rules[@]}"; do
	bad=$dir/$rule.schema good=$dir/$rule-ok.schema want=$dir/$rule.warn
	if [ ! -f "$bad" ] || [ ! -f "$good" ]; then
		fail "$rule" "missing $bad or $good"
		continue
	fi
	"$schemac" check --no-server "$bad" >"$tmp/out" 2>"$tmp/err"; st=$?
	grep -E "^$dir/[^:]+:[0-9]+:[0-9]+: warning: " "$tmp/err" >"$tmp/got"
	if [ -n "${UPDATE:-}" ]; then
		cp "$tmp/got" "$want"
	fi
	if [ $st -ne 0 ]; then
		fail "$rule" "check exit $st: $(head -3 "$tmp/err")"
	elif [ ! -f "$want" ]; then
		fail "$rule" "missing $want (UPDATE=1 writes it)"
	elif ! cmp -s "$tmp/got" "$want"; then
		fail "$rule" "warnings differ:"; diff "$want" "$tmp/got" | sed 's/^/    /'
	elif ! grep -q " \[$rule\]\$" "$tmp/got"; then
		fail "$rule" "no warning names [$rule]"
	else
		"$schemac" check --no-server "$good" >"$tmp/out" 2>"$tmp/err"; st=$?
		if [ $st -ne 0 ] || grep -q ": warning: " "$tmp/err"; then
			fail "$rule" "the fixed case warns (exit $st): $(grep ': warning: ' "$tmp/err" | head -2)"
		else
			passed=$((passed + 1))
		fi
	fi
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
