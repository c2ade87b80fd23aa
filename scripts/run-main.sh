#!/usr/bin/env bash
# The main job: for each project in schema/, its executable (bin/NAME)
# applies the schema to a throwaway PostgreSQL, verifies every object and
# shows the history; then one line sums up all projects.
set -euo pipefail
cd "$(dirname "$0")/.."

[ $# -gt 0 ] || { echo "run-main.sh: no projects in schema/"; exit 2; }
applied=0 verified=0 drifted=0 failed=0
for p in "$@"; do
  echo "== $p (schema/$p)"
  out=$(mktemp)
  status=0
  "bin/$p" apply verify status --embedded | tee "$out" || status=$?
  line=$(grep -E '^[0-9]+ objects applied, [0-9]+ verified, [0-9]+ drifted$' "$out" || true)
  rm -f "$out"
  if [ "$status" -ne 0 ] || [ -z "$line" ]; then
    echo "$p: failed (exit $status)"
    failed=$((failed + 1))
    continue
  fi
  read -r a _ _ v _ d _ <<<"${line//,/}"
  applied=$((applied + a)) verified=$((verified + v)) drifted=$((drifted + d))
  echo
done
echo "${#@} project(s), $failed failed"
echo "$applied objects applied, $verified verified, $drifted drifted"
[ "$failed" -eq 0 ] && [ "$drifted" -eq 0 ]
