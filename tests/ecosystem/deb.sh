#!/usr/bin/env bash
# deb.sh — the Debian package as a user gets it: `apt install ./schemac_*.deb`,
# then the installed schemac (from /usr/bin, with its man pages and
# completion) builds a project in a scratch directory and the executable
# applies and verifies it on a throwaway server; then `apt-get remove`
# leaves no file of it.  Needs root (apt); an already installed schemac
# package is left alone and the test skipped.
#
#   tests/ecosystem/deb.sh schemac_VERSION_ARCH.deb
set -uo pipefail
cd "$(dirname "$0")/../.."
deb=${1:?usage: deb.sh PACKAGE.deb}

passed=0 failed=0
ok()  { passed=$((passed + 1)); echo "ok: $*"; }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

if [ "$(id -u)" -ne 0 ]; then
  echo "skip: deb.sh needs root (apt install); run make deb-test as root"
  exit 0
fi
if dpkg -s schemac >/dev/null 2>&1; then
  echo "skip: a schemac package is installed already; not touching it"
  exit 0
fi

work=$(mktemp -d /tmp/schemac-deb.XXXXXX)
chmod 755 "$work"
cleanup() {
  dpkg -s schemac >/dev/null 2>&1 && apt-get remove -y -q schemac >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

# Depends lists only packages a build machine has; no download is needed.
out=$(DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "./$deb" 2>&1) \
  && ok "apt install ./$deb" || { bad "apt install: $(tail -5 <<<"$out")"; exit 1; }
deps=$(dpkg-deb -f "$deb" Depends)
grep -q libpg-query <<<"$deps" && grep -q libecpg6 <<<"$deps" && grep -q libpq5 <<<"$deps" \
  && ok "dependencies declared: $deps" || bad "Depends: $deps"
rec=$(dpkg-deb -f "$deb" Recommends)
[ "$rec" = "postgresql, postgresql-15-plpgsql-check" ] && ok "PostgreSQL and plpgsql_check recommended" || bad "Recommends: $rec"

v=$(/usr/bin/schemac --version) && ok "/usr/bin/schemac: $v" || bad "/usr/bin/schemac --version"
mkdir "$work/p" "$work/cwd"
cp -r schema/spareparts "$work/p/schema"
out=$(cd "$work/cwd" && env -u SCHEMAC_HOME /usr/bin/schemac build "$work/p/schema" -o "$work/p/bin/spareparts" 2>&1) \
  && ok "the packaged schemac builds a project" || bad "build: $out"
out=$("$work/p/bin/spareparts" apply verify test 2>&1); st=$?
[ $st = 0 ] && grep -q '52 tests, 52 passed, 0 failed' <<<"$out" \
  && ok "its executable applies, verifies and passes its 52 access tests" \
  || bad "apply verify test (exit $st): $(tail -3 <<<"$out")"
man -w schemac >/dev/null 2>&1 && man -w 5 schemac >/dev/null 2>&1 && man -w schemactl >/dev/null 2>&1 \
  && ok "man schemac, man 5 schemac and man schemactl are found" || bad "man pages not found"
[ -f /usr/share/bash-completion/completions/schemac ] && ok "bash completion installed" \
  || bad "no bash completion"

files=$(dpkg -L schemac | while read -r f; do [ -f "$f" ] && echo "$f"; done)
apt-get remove -y -q schemac >/dev/null 2>&1 && ok "apt-get remove schemac" || bad "apt-get remove"
left=$(for f in $files; do [ -e "$f" ] && echo "$f"; done)
[ -z "$left" ] && ok "no file left after removal" || bad "left: $left"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
