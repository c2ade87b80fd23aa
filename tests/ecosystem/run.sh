#!/usr/bin/env bash
# run.sh — what a new user meets first: make install into a temporary
# prefix, moved elsewhere, building a project from another directory and
# applying it; make uninstall; the command-line conventions of schemac and
# of the executables; man pages checked by man --warnings; bash completion;
# the Vim syntax.  Ends with "N passed, N failed"; exit 1 if any failed.
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD

passed=0 failed=0 skipped=0
ok()   { passed=$((passed + 1)); echo "ok: $*"; }
bad()  { failed=$((failed + 1)); echo "FAIL: $*"; }
skip() { skipped=$((skipped + 1)); echo "skip: $*"; }
# expect NAME WANT GOT
expect() { [ "$2" = "$3" ] && ok "$1" || bad "$1: wanted [$2], got [$3]"; }

work=$(mktemp -d /tmp/schemac-eco.XXXXXX)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
unset SCHEMAC_HOME

# --- a fresh machine: make before make deps ---------------------------
# -nostdinc hides every header, as on a machine without the -dev packages.
out=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory bin/schemac \
  BUILD="$work/fresh" CC="cc -nostdinc" 2>&1); st=$?
[ $st != 0 ] && [ "$(wc -l <<<"$out")" -le 2 ] && grep -q 'run make deps first' <<<"$out" \
  && ! grep -q 'pg_query.h' <<<"$out" \
  && ok "make without the libraries says in one line to run make deps" \
  || bad "make without the libraries (exit $st): $out"

# --- make install, the prefix moved, a build from elsewhere -----------
make -s install PREFIX=/usr/local DESTDIR="$work/dest" >/dev/null 2>&1 \
  && ok "make install into a DESTDIR" || bad "make install"
for f in bin/schemac lib/schemac/libschemactl.a include/schemac/schemactl.h \
         include/schemac/objects.h share/schemac/supabase.sql \
         share/man/man1/schemac.1 share/man/man1/schemactl.1 \
         share/man/man5/schemac.5 share/bash-completion/completions/schemac \
         share/zsh/site-functions/_schemac share/vim/vimfiles/syntax/schema.vim \
         share/vim/vimfiles/ftdetect/schema.vim; do
  [ -f "$work/dest/usr/local/$f" ] || bad "not installed: $f"
done
ok "every installed file is there"

# Moved: it can only find the runtime beside itself, not in this tree.
mkdir -p "$work/moved" "$work/project" "$work/elsewhere"
mv "$work/dest/usr/local" "$work/moved/prefix"
sc="$work/moved/prefix/bin/schemac"
expect "installed schemac --version" "schemac $(sed -n 's/^VERSION *:= *//p' Makefile)" \
  "$("$sc" --version)"
cp -r schema/enorae "$work/project/schema"
out=$(cd "$work/elsewhere" && "$sc" build "$work/project/schema" -o "$work/project/bin/enorae" 2>&1) \
  && ok "the moved schemac builds a project from another directory" \
  || bad "build with the moved schemac: $out"
[ -z "$(ls -A "$work/elsewhere")" ] && ok "nothing written in the current directory" \
  || bad "build wrote into the current directory: $(ls -A "$work/elsewhere")"
expect "everything written beside -o" "bin build generated pgc schema" \
  "$(ls "$work/project" | tr '\n' ' ' | sed 's/ $//')"
out=$(cd "$work/elsewhere" && "$work/project/bin/enorae" apply verify test 2>&1); st=$?
[ $st = 0 ] && grep -q ' 0 drifted' <<<"$out" && grep -q '^PASS test' <<<"$out" \
  && ok "the executable it built applies, verifies and tests" \
  || bad "apply verify test with the built executable (exit $st): $(tail -3 <<<"$out")"
grep -q $'\033' <<<"$out" && bad "executable: colors on a pipe" || ok "executable: no colors on a pipe"
out=$("$work/project/bin/enorae" apply test --color=always 2>&1)
grep -q $'^\033\\[1;32mPASS\033\\[0m test' <<<"$out" && ok "executable: --color=always colors PASS" \
  || bad "executable --color=always: $out"
out=$(SCHEMAC_HOME=/nonexistent "$sc" build "$work/project/schema" -o "$work/project/bin/x" 2>&1); st=$?
[ $st = 2 ] && grep -q 'SCHEMAC_HOME=/nonexistent holds no schemac runtime' <<<"$out" \
  && ok "a wrong SCHEMAC_HOME is named" || bad "wrong SCHEMAC_HOME (exit $st): $out"

make -s install PREFIX=/usr DESTDIR="$work/dest2" >/dev/null 2>&1
make -s uninstall PREFIX=/usr DESTDIR="$work/dest2" >/dev/null 2>&1
left=$(find "$work/dest2" -type f)
[ -z "$left" ] && ok "make uninstall removes every file it installed" || bad "left behind: $left"

# --- conventions: schemac ----------------------------------------------
out=$(bin/schemac chek schema/enorae 2>&1); st=$?
expect "unknown command named, with a suggestion" \
  '2 schemac: unknown command "chek" (did you mean "check"?)' "$st $out"
out=$(bin/schemac frobnicate 2>&1); st=$?
expect "unknown command without a suggestion" \
  '2 schemac: unknown command "frobnicate"; see schemac --help' "$st $out"
a=$(bin/schemac matrix --format=json schema/enorae | cksum)
b=$(bin/schemac matrix --format json schema/enorae | cksum)
[ "$a" = "$b" ] && ok "--opt=value is --opt value" || bad "--format=json differs from --format json"
out=$(bin/schemac matrix --format=xml schema/enorae 2>&1); st=$?
expect "a wrong option value is named" '2 schemac: invalid value "xml" for --format' "$st $out"
out=$(bin/schemac build -o 2>&1); st=$?
expect "a missing option value is named" '2 schemac: -o needs a value' "$st $out"
bin/schemac check tests/golden/err-unknown-item-view.schema >/dev/null 2>&1
expect "errors in the input exit 1" 1 $?
out=$(bin/schemac check --color=always tests/golden/err-unknown-item-view.schema 2>&1)
grep -q $'\033\\[1;31merror:' <<<"$out" && ok "--color=always colors the errors" \
  || bad "--color=always: $out"
out=$(bin/schemac check tests/golden/err-unknown-item-view.schema 2>&1)
grep -q $'\033' <<<"$out" && bad "colors on a pipe" || ok "no colors on a pipe"
if command -v script >/dev/null; then
  out=$(script -qec "bin/schemac check tests/golden/err-unknown-item-view.schema" /dev/null)
  grep -q $'\033\\[1;31m' <<<"$out" && ok "colors on a terminal" || bad "no colors on a terminal: $out"
  out=$(NO_COLOR=1 script -qec "bin/schemac check tests/golden/err-unknown-item-view.schema" /dev/null)
  grep -q $'\033\\[1;31m' <<<"$out" && bad "NO_COLOR ignored" || ok "NO_COLOR turns colors off"
else
  skip "script(1) missing: colors on a terminal not tested"
fi

# --- conventions: the executables --------------------------------------
out=$(bin/enorae --version)
expect "executable --version" "enorae (schema enorae, built by schemac $(sed -n 's/^VERSION *:= *//p' Makefile))" "$out"
out=$(bin/enorae verfy 2>&1); st=$?
expect "executable: unknown command with a suggestion" \
  '2 enorae: unknown command "verfy" (did you mean "verify"?)' "$st $out"
out=$(bin/enorae status --db=postgresql://nohost.invalid/x 2>&1); st=$?
[ $st = 2 ] && grep -q '^enorae: cannot connect to postgresql://nohost.invalid' <<<"$out" \
  && ok "--db=URL, and errors under the executable's name" || bad "--db=URL (exit $st): $out"
out=$(bin/enorae status --db 2>&1); st=$?
expect "executable: --db without a URL" '2 enorae: --db needs a URL' "$st $out"

# --- man pages -----------------------------------------------------------
if command -v man >/dev/null && command -v groff >/dev/null; then
  for page in man/schemac.1 man/schemactl.1 man/schemac.5; do
    warn=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$page" 2>&1 >/dev/null)
    [ -z "$warn" ] && ok "man --warnings $page" || bad "$page: $warn"
  done
  # the check itself: a broken page must warn
  printf '.Dd x\n.Dt X 1\n.Os\n.Sh NAME\n.Bl -tag\n.Foo\n' >"$work/broken.1"
  warn=$(LC_ALL=C.UTF-8 man --warnings -E UTF-8 -l -Tutf8 -Z "$work/broken.1" 2>&1 >/dev/null)
  [ -n "$warn" ] && ok "man --warnings reports a broken page" || bad "man --warnings saw nothing wrong"
  for c in check sql pgc build matrix fmt; do
    man -l man/schemac.1 2>/dev/null | grep -q "^ *$c " || bad "schemac(1) does not describe $c"
  done
  ok "schemac(1) describes every command"
else
  bad "man or groff missing (scripts/install-deps.sh installs man-db and groff-base)"
fi

# --- bash completion ----------------------------------------------------
comp() {  # WORDS...: the completions of the last word
  (cd "$work/project" && bash -c 'source "$1/completion/schemac.bash"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
    case $1 in schemac) _schemac ;; *) _schemactl ;; esac
    printf "%s\n" "${COMPREPLY[@]}"' _ "$repo" "$@" | sort | tr '\n' ' ' | sed 's/ $//')
}
expect "complete -p schemac" "complete -F _schemac schemac" \
  "$(bash -c 'source completion/schemac.bash; complete -p schemac')"
expect "complete -p schemactl" "complete -F _schemactl schemactl" \
  "$(bash -c 'source completion/schemac.bash; complete -p schemactl')"
expect "completes commands" "check" "$(comp schemac ch)"
expect "completes every command" "--help --version build check fmt import matrix pgc sql" "$(comp schemac '')"
expect "completes a command's options" "--check --color" "$(comp schemac fmt --c)"
expect "completes --format=" "--format=json" "$(comp schemac matrix --format=j)"
expect "completes --color values" "always" "$(comp schemac check --color al)"
expect "completes directories" "schema/" "$(comp schemac check sch)"
expect "completes .schema files only" "schema/engagement.schema" "$(comp schemac check schema/eng)"
expect "completes executable commands" "verify" "$(comp enorae ver)"
expect "completes every executable command" "apply plan report status test verify" "$(comp enorae '')"
expect "completes executable options" "--db" "$(comp enorae --d)"
if command -v zsh >/dev/null; then
  zsh -n completion/_schemac && ok "zsh completion parses" || bad "zsh -n completion/_schemac"
else
  skip "zsh missing: its completion is not tested"
fi

# --- Vim syntax ---------------------------------------------------------
if command -v vim >/dev/null && vim --version | grep -q '+syntax'; then
  cp tests/fmt/messy.expected "$work/messy.schema"
  cat >"$work/t.vim" <<VIM
set rtp^=$repo/editors/vim
filetype on
syntax on
edit $work/messy.schema
let s:names = []
for [s:l, s:c] in [[1, 1], [7, 1], [8, 25], [8, 3], [34, 4]]
  call add(s:names, synIDattr(synID(s:l, s:c, 1), 'name'))
endfor
call writefile([&filetype, join(s:names, ','), v:errmsg], \$OUT)
qa!
VIM
  OUT="$work/vim.out" vim -Nu NONE -i NONE -es -S "$work/t.vim"
  expect "Vim detects and highlights .schema" \
    "schema|schemaComment,schemaDeclaration,schemaConstraint,,schemaDollar||" \
    "$(tr '\n' '|' <"$work/vim.out")"
else
  skip "vim with +syntax missing: the syntax file is not tested"
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
