#!/usr/bin/env bash
# run.sh — the bad-input corpus: inputs a compiler must survive. Each case
# must end with the exit status and first diagnostic listed for it in
# tests/bad/expected, within a time limit, without crashing, and with no
# output on stdout when it fails.
#
#   tests/bad/run.sh [NAME...]       every case, or only the named ones
#   VALGRIND=1 tests/bad/run.sh      the same, each run under valgrind
#                                    (memory errors and definite leaks fail)
#   SCHEMAC=/tmp/schemac-asan tests/bad/run.sh
#                                    the same with another build, e.g. one
#                                    with sanitizers:
#      cc -std=c11 -g -fsanitize=address,undefined -Isrc -D_DEFAULT_SOURCE \
#         src/*.c -lpg_query -o /tmp/schemac-asan
#
# Cases are tests/bad/NAME.schema (committed; some hold NUL bytes or invalid
# UTF-8 on purpose: edit them with printf, not an editor) and the large ones
# this script writes into tests/bad/gen/ (ignored by git). Each is compiled
# with `schemac sql` from the repository root with a relative path.
#
# tests/bad/expected lists every case; see its header for the format. When a
# case expects exit status 0, stderr must be empty and, if tests/bad/NAME.sql
# exists, stdout must equal it. tests/bad/known-bugs names cases whose listed
# result is the CORRECT one that the compiler does not give yet: they are run
# and reported as "skipped (known bug)" while they fail.
#
# A report from AddressSanitizer, UBSan or valgrind fails the case whatever
# its exit status. Time limit: 10 s a case (300 s under valgrind).
# Last line: `N passed, N failed`. Exit status: 0 all passed (known bugs
# aside), 1 some failed, 2 usage error.
set -uo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
cd -- "$here/../.." || exit 2
dir=tests/bad
gen=$dir/gen
schemac=${SCHEMAC:-bin/schemac}

if [ ! -x "$schemac" ]; then
	printf 'run.sh: compiler not found: %s (run make bin/schemac)\n' "$schemac" >&2
	exit 2
fi

# Sanitizer builds exit 1 on a finding by default, which is also the status
# for bad input: make their findings unmistakable instead.
export ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=98:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:exitcode=98}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$here/lsan.supp:print_suppressions=0:exitcode=98}

runner=()
limit=10
if [ -n "${VALGRIND:-}" ]; then
	command -v valgrind >/dev/null 2>&1 || {
		echo "run.sh: VALGRIND=1 but valgrind is not installed" >&2
		exit 2
	}
	runner=(valgrind -q --error-exitcode=99 --leak-check=full
		--errors-for-leak-kinds=definite --suppressions="$dir/valgrind.supp")
	limit=300
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bad.XXXXXX") || exit 2
trap 'rm -rf -- "$tmp"' EXIT

# ------------------------------------------------------------ generated

# Prints the one-byte string c n times (no newline); linear in n, unlike
# bash's own ${s//x/y}.
rep() {
	head -c "$2" /dev/zero | tr '\0' "$1"
}

# Writes $gen/$1.schema from the function named $2, whole or not at all.
generate() {
	"$2" >"$gen/$1.schema.tmp" && mv -- "$gen/$1.schema.tmp" "$gen/$1.schema"
}

gen_deep_parens() {
	printf 'table t {\n  a int check ('
	rep '(' 20000
	printf 'a > 0'
	rep ')' 20000
	printf ');\n}\n'
}

gen_deep_parens_unbalanced() {
	printf 'table t {\n  a int check ('
	rep '(' 20000
	printf 'a > 0);\n}\n'
}

gen_deep_braces() {
	printf 'table t {\n'
	rep '{' 20000
	printf '\n}\n'
}

gen_deep_comments() {
	rep o 20000 | sed 's|o|/*|g'
	rep c 20000 | sed 's|c|*/|g'
	printf '\ntable t { a int; }\n'
}

gen_deep_comments_unclosed() {
	rep o 20000 | sed 's|o|/*|g'
	rep c 19999 | sed 's|c|*/|g'
	printf '\ntable t { a int; }\n'
}

# Expressions 100,000 operators deep, which need no parser stack but ran
# libpg_query's tree writer off the C stack: in a check, a policy, an index
# predicate and a function body.
chain() {
	printf 'x'
	rep o 100000 | sed 's|o|+1|g'
}

gen_deep_chain_check() {
	printf 'table t {\n  x int check (%s > 0);\n}\n' "$(chain)"
}

gen_deep_chain_policy() {
	printf 'table t {\n  x int;\n  row level security;\n'
	printf '  policy p for select using (%s > 0);\n}\n' "$(chain)"
}

gen_deep_chain_index() {
	printf 'table t {\n  x int;\n  index (x) where %s > 0;\n}\n' "$(chain)"
}

gen_deep_chain_function() {
	printf 'function f(x int) returns int {\n  language sql;\n'
	printf '  as $$ select %s $$;\n}\n' "$(chain)"
}

gen_deep_chain_plpgsql() {
	printf 'function f(x int) returns int {\n  language plpgsql;\n'
	printf '  as $$ begin return %s; end $$;\n}\n' "$(chain)"
}

# A 1 MiB identifier.
gen_huge_identifier() {
	printf 'table t {\n  '
	rep x 1048576
	printf ' int;\n}\n'
}

mkdir -p -- "$gen" || exit 2
generate deep-parens gen_deep_parens
generate deep-parens-unbalanced gen_deep_parens_unbalanced
generate deep-braces gen_deep_braces
generate deep-comments gen_deep_comments
generate deep-comments-unclosed gen_deep_comments_unclosed
generate huge-identifier gen_huge_identifier
for where in check policy index function plpgsql; do
	generate "deep-chain-$where" "gen_deep_chain_$where"
done

# -------------------------------------------------------------- the cases

declare -A want_status want_diag known
order=()
while read -r name status diag; do
	case $name in '' | '#'*) continue ;; esac
	want_status[$name]=$status
	want_diag[$name]=$diag
	order+=("$name")
done <"$dir/expected"
if [ -f "$dir/known-bugs" ]; then
	while read -r name why; do
		case $name in '' | '#'*) continue ;; esac
		known[$name]=$why
	done <"$dir/known-bugs"
fi

passed=0
failed=0
skipped=0

# A committed case missing from expected would never run: say so.
if [ $# -eq 0 ]; then
	for f in "$dir"/*.schema; do
		name=$(basename -- "$f" .schema)
		if [ -z "${want_status[$name]+set}" ]; then
			echo "FAIL $name: $f is not listed in $dir/expected"
			failed=$((failed + 1))
		fi
	done
	cases=("${order[@]}")
else
	cases=("$@")
fi

# Does the actual first line match the expected one ("..." ends a prefix)?
matches() {
	local want=$1 got=$2
	if [[ $want == *... ]]; then
		[[ $got == "${want%...}"* ]]
	else
		[ "$got" = "$want" ]
	fi
}

# Runs one case; prints the reasons it fails, if any. Returns 1 when the
# result differs from the expected one, 2 for a crash, hang or memory error,
# which fails the case even when it is a known bug.
check() {
	local name=$1 input status first
	if [ -f "$dir/$name.schema" ]; then
		input=$dir/$name.schema
	elif [ -f "$gen/$name.schema" ]; then
		input=$gen/$name.schema
	else
		echo "FAIL $name: no $dir/$name.schema or $gen/$name.schema"
		return 1
	fi
	if [ -z "${want_status[$name]+set}" ]; then
		echo "FAIL $name: not listed in $dir/expected"
		return 1
	fi
	timeout "$limit" "${runner[@]}" "$schemac" sql "$input" >"$tmp/out" 2>"$tmp/err"
	status=$?
	first=$(head -n 1 -- "$tmp/err")
	if grep -Eq 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|^==[0-9]+== ' "$tmp/err"; then
		echo "FAIL $name: sanitizer or valgrind report"
		grep -E -m 20 'ERROR:|runtime error:|^==[0-9]+== |^    #' "$tmp/err"
		return 2
	fi
	if [ "$status" -eq 124 ]; then
		echo "FAIL $name: no result after ${limit}s (hang?)"
		return 2
	fi
	if [ "$status" -ge 98 ]; then
		echo "FAIL $name: exit status $status (crash, signal or checker finding)"
		head -n 5 -- "$tmp/err"
		return 2
	fi
	if [ "$status" != "${want_status[$name]}" ]; then
		echo "FAIL $name: exit status $status, expected ${want_status[$name]}"
		echo "  first diagnostic: ${first:0:300}"
		return 1
	fi
	if [ "$status" -ne 0 ] && [ -s "$tmp/out" ]; then
		echo "FAIL $name: output on stdout despite exit status $status"
		return 1
	fi
	if [ "${want_diag[$name]}" = - ]; then
		if [ -s "$tmp/err" ]; then
			echo "FAIL $name: unexpected diagnostics"
			head -n 5 -- "$tmp/err" | cut -c 1-300
			return 1
		fi
	elif ! matches "${want_diag[$name]}" "$first"; then
		echo "FAIL $name: first diagnostic differs"
		echo "  expected: ${want_diag[$name]}"
		echo "  actual:   ${first:0:300}"
		return 1
	fi
	if [ "$status" -eq 0 ] && [ -f "$dir/$name.sql" ] &&
		! cmp -s -- "$dir/$name.sql" "$tmp/out"; then
		echo "FAIL $name: SQL differs"
		diff -u --label "$dir/$name.sql (expected)" --label actual -- "$dir/$name.sql" "$tmp/out" | head -n 40
		return 1
	fi
	return 0
}

for name in "${cases[@]}"; do
	check "$name" >"$tmp/report"
	result=$?
	if [ "$result" -eq 0 ]; then
		if [ -n "${known[$name]+set}" ]; then
			echo "FIXED $name passes now: remove it from $dir/known-bugs"
		fi
		passed=$((passed + 1))
	elif [ "$result" -eq 1 ] && [ -n "${known[$name]+set}" ]; then
		echo "skipped (known bug): $name — ${known[$name]}"
		skipped=$((skipped + 1))
	else
		cat -- "$tmp/report"
		failed=$((failed + 1))
	fi
done

if [ "$skipped" -gt 0 ]; then
	echo "$skipped skipped (known bugs, see $dir/known-bugs)"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
