#!/usr/bin/env bash
# run.sh — run the catalog comparison for every case under
# tests/integration/cases/ (or only the named ones) against one shared
# throwaway cluster, and summarise.
#
#   tests/integration/run.sh [CASE...]
#
# A case is a directory holding handwritten.sql and either a schema/ folder
# (the DSL) or a file schema-dir naming one relative to the repository root
# (e.g. `schema/enorae`), and optionally data-tables: tables whose rows are
# compared too. Last line of output: `N passed, N failed`.
#
# Environment: SCHEMAC (compiler; default bin/schemac), CASES_DIR (default
# tests/integration/cases). With PGHOST and PGPORT set, that server is used
# instead of a throwaway cluster.
# Exit status: 0 all passed, 1 some failed, 2 usage or environment error.
set -euo pipefail

prog=run.sh
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
root=$(cd -- "$here/../.." && pwd -P)
cases_dir=${CASES_DIR:-$here/cases}
schemac=${SCHEMAC:-$root/bin/schemac}

die() {
	printf '%s: %s\n' "$prog" "$*" >&2
	exit 2
}

# Checked once here rather than failing every case with the same message.
[ -x "$schemac" ] || die "compiler not found: $schemac (build it first, or set SCHEMAC)"
# compare-catalog.sh runs from its own idea of the root; pass an absolute path.
SCHEMAC=$(cd -- "$(dirname -- "$schemac")" && pwd -P)/$(basename -- "$schemac")
export SCHEMAC

cases=()
if [ $# -gt 0 ]; then
	for c in "$@"; do
		if [ -d "$c" ]; then cases+=("$c"); else cases+=("$cases_dir/$c"); fi
	done
else
	# C collation: the same order on every machine.
	while IFS= read -r c; do cases+=("$c"); done < <(
		[ -d "$cases_dir" ] && LC_ALL=C find "$cases_dir" -mindepth 1 -maxdepth 1 -type d | LC_ALL=C sort
	)
fi
if [ ${#cases[@]} -eq 0 ]; then
	printf '%s: no cases in %s\n' "$prog" "$cases_dir" >&2
	echo "0 passed, 0 failed"
	exit 0
fi

pgdir=
cleanup() {
	if [ -n "$pgdir" ]; then "$root/scripts/pg-tmp.sh" stop "$pgdir" || true; fi
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# One cluster for all cases: initdb is the slowest step. Each case uses its
# own databases; roles are cluster-wide but the platform shim is idempotent.
if [ -z "${PGHOST:-}" ] || [ -z "${PGPORT:-}" ]; then
	pgdir=$(mktemp -d)
	env=$("$root/scripts/pg-tmp.sh" start "$pgdir") || exit 2
	eval "$env"
fi

passed=0
failed=0
failures=()
for c in "${cases[@]}"; do
	name=$(basename -- "$c")
	schema=
	if [ -d "$c/schema" ]; then
		schema=$c/schema
	elif [ -f "$c/schema-dir" ]; then
		rel=
		read -r rel <"$c/schema-dir" || true
		case $rel in
		'') ;;
		/*) schema=$rel ;;
		*) schema=$root/$rel ;;
		esac
	fi
	ok=
	if [ -z "$schema" ]; then
		printf 'FAIL: %s: neither schema/ nor a schema-dir file\n' "$name"
	elif [ ! -f "$c/handwritten.sql" ]; then
		printf 'FAIL: %s: no handwritten.sql\n' "$name"
	elif CASE_NAME=$name DATA_TABLES=$(cat "$c/data-tables" 2>/dev/null || true) \
		"$here/compare-catalog.sh" "$schema" "$c/handwritten.sql"; then
		ok=1
	fi
	if [ -n "$ok" ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failures+=("$name")
	fi
done

if [ "$failed" -gt 0 ]; then printf 'failed: %s\n' "${failures[*]}"; fi
printf '%s passed, %s failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
