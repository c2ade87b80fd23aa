#!/usr/bin/env bash
# run.sh — golden tests: compile each case with `schemac sql` and compare
# with the expected output, byte for byte.
#
#   tests/golden/run.sh [NAME...]        run every case, or only the named ones
#   UPDATE=1 tests/golden/run.sh [NAME...]
#                                        (re)write the expected files from what
#                                        the compiler prints now; review the
#                                        diff before committing it
#
# A case is tests/golden/NAME.schema (one file) or tests/golden/NAME/ (a
# directory of .schema files), compiled from the repository root with a
# relative path, so expected output names files as tests/golden/...
#   NAME.sql  the case must exit 0 and print exactly this on stdout, and on
#             stderr nothing, or exactly NAME.warn when that file exists
#             (warnings);
#   NAME.err  the case must exit 1, print nothing on stdout (no partial
#             output) and exactly this on stderr.
#   NAME.bug  the case shows a known compiler bug: its expected file holds the
#             CORRECT output, which the compiler does not give yet. It is run,
#             and reported as "skipped (known bug)" while it fails; once it
#             passes, delete NAME.bug. UPDATE=1 never rewrites such a case.
#
# Each run is limited to 10 seconds; a crash, a hang or a sanitizer report
# fails a case even when it is a known bug. Last line: `N passed, N failed`.
# Environment: SCHEMAC (compiler, default bin/schemac; e.g. a build with
# -fsanitize=address,undefined), UPDATE.
# Exit status: 0 all passed (known bugs aside), 1 some failed, 2 usage error.
set -uo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
cd -- "$here/../.." || exit 2
dir=tests/golden
schemac=${SCHEMAC:-bin/schemac}
update=${UPDATE:-}

if [ ! -x "$schemac" ]; then
	printf 'run.sh: compiler not found: %s (run make bin/schemac)\n' "$schemac" >&2
	exit 2
fi

# Sanitizer builds (SCHEMAC=...) exit 1 on a finding by default, which is
# also the status for bad input: make their findings unmistakable instead.
export ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=98:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:exitcode=98}
if [ -z "${LSAN_OPTIONS:-}" ] && [ -f tests/unit/lsan.supp ]; then
	export LSAN_OPTIONS="suppressions=$PWD/tests/unit/lsan.supp:print_suppressions=0:exitcode=98"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/golden.XXXXXX") || exit 2
trap 'rm -rf -- "$tmp"' EXIT

# Cases in C collation order, so every machine prints the same report.
cases=()
if [ $# -gt 0 ]; then
	for name in "$@"; do
		name=${name#"$dir"/}
		name=${name%.schema}
		name=${name%/}
		cases+=("$name")
	done
else
	while IFS= read -r path; do
		name=${path#"$dir"/}
		cases+=("${name%.schema}")
	done < <(LC_ALL=C find "$dir" -mindepth 1 -maxdepth 1 \( -name '*.schema' -o -type d \) | LC_ALL=C sort)
fi

passed=0
failed=0
skipped=0

# The input path given to the compiler, or nothing if the case is missing.
input_of() {
	if [ -f "$dir/$1.schema" ]; then
		printf '%s\n' "$dir/$1.schema"
	elif [ -d "$dir/$1" ]; then
		printf '%s\n' "$dir/$1"
	fi
}

# Compares expected file $1 with actual file $2; prints a diff when they differ.
same() {
	cmp -s -- "$1" "$2" && return 0
	diff -u --label "$1 (expected)" --label "actual" -- "$1" "$2" | head -n 60
	return 1
}

# Runs one case; prints nothing on success, a reason and a diff on failure.
# Returns 1 when the output differs, 2 for a crash or hang, which fails the
# case even when it is a known bug.
check() {
	local name=$1 input=$2 status
	timeout 10 "$schemac" sql "$input" >"$tmp/out" 2>"$tmp/err"
	status=$?
	if grep -Eq 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$tmp/err"; then
		echo "FAIL $name: sanitizer report"
		grep -E -m 20 'ERROR:|runtime error:|^    #' "$tmp/err"
		return 2
	fi
	if [ "$status" -eq 124 ] || [ "$status" -ge 98 ]; then
		echo "FAIL $name: schemac crashed or hung (exit status $status)"
		head -n 20 -- "$tmp/err"
		return 2
	fi
	if [ -f "$dir/$name.sql" ] && [ -f "$dir/$name.err" ]; then
		echo "FAIL $name: both $name.sql and $name.err exist; keep one"
		return 1
	elif [ -f "$dir/$name.sql" ]; then
		if [ "$status" -ne 0 ]; then
			echo "FAIL $name: exit status $status, expected 0"
			head -n 20 -- "$tmp/err"
			return 1
		fi
		if [ -f "$dir/$name.warn" ]; then
			if ! same "$dir/$name.warn" "$tmp/err" >"$tmp/diff"; then
				echo "FAIL $name: warnings differ"
				cat -- "$tmp/diff"
				return 1
			fi
		elif [ -s "$tmp/err" ]; then
			echo "FAIL $name: unexpected diagnostics on stderr"
			head -n 20 -- "$tmp/err"
			return 1
		fi
		if ! same "$dir/$name.sql" "$tmp/out" >"$tmp/diff"; then
			echo "FAIL $name: SQL differs"
			cat -- "$tmp/diff"
			return 1
		fi
	elif [ -f "$dir/$name.err" ]; then
		if [ -f "$dir/$name.warn" ]; then
			echo "FAIL $name: $name.warn goes with $name.sql, not $name.err"
			return 1
		fi
		if [ "$status" -ne 1 ]; then
			echo "FAIL $name: exit status $status, expected 1"
			same "$dir/$name.err" "$tmp/err"
			return 1
		fi
		if [ -s "$tmp/out" ]; then
			echo "FAIL $name: output on stdout despite errors"
			head -n 5 -- "$tmp/out"
			return 1
		fi
		if ! same "$dir/$name.err" "$tmp/err" >"$tmp/diff"; then
			echo "FAIL $name: diagnostics differ"
			cat -- "$tmp/diff"
			return 1
		fi
	else
		echo "FAIL $name: no $name.sql or $name.err (write one with UPDATE=1)"
		return 1
	fi
	return 0
}

# Writes the expected file from what the compiler prints now.
record() {
	local name=$1 input=$2 status
	timeout 10 "$schemac" sql "$input" >"$tmp/out" 2>"$tmp/err"
	status=$?
	case $status in
	0)
		rm -f -- "$dir/$name.err" "$dir/$name.warn"
		cp -- "$tmp/out" "$dir/$name.sql"
		echo "wrote $dir/$name.sql"
		if [ -s "$tmp/err" ]; then
			cp -- "$tmp/err" "$dir/$name.warn"
			echo "wrote $dir/$name.warn"
		fi
		;;
	1)
		rm -f -- "$dir/$name.sql" "$dir/$name.warn"
		cp -- "$tmp/err" "$dir/$name.err"
		echo "wrote $dir/$name.err"
		;;
	*)
		echo "FAIL $name: exit status $status; nothing written"
		return 1
		;;
	esac
}

# An expected file whose case is gone (renamed, deleted) would rot unseen.
if [ $# -eq 0 ]; then
	for f in "$dir"/*.sql "$dir"/*.err "$dir"/*.warn "$dir"/*.bug; do
		[ -e "$f" ] || continue
		name=${f%.*}
		name=${name#"$dir"/}
		if [ -z "$(input_of "$name")" ]; then
			echo "FAIL $name: $f has no $name.schema or $name/"
			failed=$((failed + 1))
		fi
	done
fi

for name in "${cases[@]}"; do
	input=$(input_of "$name")
	if [ -z "$input" ]; then
		echo "FAIL $name: no $dir/$name.schema or $dir/$name/"
		failed=$((failed + 1))
		continue
	fi
	if [ -n "$update" ]; then
		if [ -f "$dir/$name.bug" ]; then
			echo "kept $name (known bug: its expected file is the correct output)"
		elif record "$name" "$input"; then
			passed=$((passed + 1))
			continue
		else
			failed=$((failed + 1))
			continue
		fi
	fi
	check "$name" "$input" >"$tmp/report"
	result=$?
	if [ "$result" -eq 0 ]; then
		if [ -f "$dir/$name.bug" ]; then
			echo "FIXED $name passes now: delete $dir/$name.bug"
		fi
		passed=$((passed + 1))
	elif [ "$result" -eq 1 ] && [ -f "$dir/$name.bug" ]; then
		echo "skipped (known bug): $name — $(head -n 1 -- "$dir/$name.bug")"
		skipped=$((skipped + 1))
	else
		cat -- "$tmp/report"
		failed=$((failed + 1))
	fi
done

if [ "$skipped" -gt 0 ]; then
	echo "$skipped skipped (known bugs, see $dir/*.bug)"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
