#!/usr/bin/env bash
# The main job: for each project in schema/, its executable (bin/NAME)
# applies the schema to a throwaway PostgreSQL, verifies every object, runs
# its access tests and shows what it holds; then a table sums up all
# projects.  Exit 0 only if every project applied, verified with no drift
# and passed all its tests.
set -euo pipefail
cd "$(dirname "$0")/.."

[ $# -gt 0 ] || { echo "run-main.sh: no projects in schema/"; exit 2; }
report=$(mktemp)
trap 'rm -f "$report"' EXIT
failed=0
for p in "$@"; do
  echo "== $p (schema/$p)"
  out=$(mktemp)
  status=0
  "bin/$p" apply verify test status --embedded | tee "$out" || status=$?
  totals=$(grep -E '^[0-9]+ objects applied, [0-9]+ verified, [0-9]+ drifted$' "$out" || true)
  tests=$(grep -E '^[0-9]+ tests?, [0-9]+ passed, [0-9]+ failed$' "$out" || true)
  contents=$(grep -E '^schema [^ ]+: ' "$out" || true)
  rm -f "$out"
  if [ "$status" -ne 0 ] || [ -z "$totals" ] || [ -z "$tests" ] || [ -z "$contents" ]; then
    echo "$p: failed (exit $status)"
    failed=$((failed + 1))
    continue
  fi
  read -r _ _ tables _ indexes _ policies _ ntests _ <<<"${contents//,/}"
  read -r applied _ _ verified _ drifted _ <<<"${totals//,/}"
  read -r _ _ passed _ tfailed _ <<<"${tests//,/}"
  echo "$p $tables $indexes $policies $ntests $passed $applied $verified $drifted" >>"$report"
  echo
done

echo "== report"
printf '%-12s %7s %8s %9s %6s %7s %8s %9s %8s\n' project tables indexes policies tests passed applied verified drifted
awk '{ printf "%-12s %7d %8d %9d %6d %7d %8d %9d %8d\n", $1, $2, $3, $4, $5, $6, $7, $8, $9
       for (i = 2; i <= 9; i++) sum[i] += $i }
     END { printf "%-12s %7d %8d %9d %6d %7d %8d %9d %8d\n", "total", sum[2], sum[3], sum[4], sum[5], sum[6], sum[7], sum[8], sum[9] }' "$report"
echo "${#@} project(s), $failed failed"
[ "$failed" -eq 0 ] && ! awk '$9 != 0 || $5 != $6 { bad = 1 } END { exit !bad }' "$report"
