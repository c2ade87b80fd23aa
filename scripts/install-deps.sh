#!/bin/sh
# install-deps.sh — make sure the Debian packages needed to build and test
# schemac are installed; install only the missing ones.
#
#   scripts/install-deps.sh [--fuzz] [EXTRA-PACKAGE...]
#
# --fuzz adds what `make fuzz` needs (clang for libFuzzer, afl++), which
# `make test` does not.
#
# CI starts from a bare Debian 12 with gcc and make only, so `make test` calls
# this first. Prints one line when everything is present. When not root and
# something is missing, uses sudo if there is one, else says what to install
# and exits 2.
set -eu

prog=install-deps.sh
packages="gcc make pkg-config patch libpq-dev libecpg-dev check libpg-query-dev
postgresql-15 postgresql-client-15 postgresql-contrib postgresql-15-postgis-3
postgresql-15-plpgsql-check
graphviz chromium fonts-dejavu-core man-db groff-base"
if [ "${1:-}" = --fuzz ]; then
	shift
	packages="$packages clang afl++"
fi

command -v dpkg-query >/dev/null 2>&1 || {
	echo "$prog: dpkg-query not found; install by hand: $packages $*" >&2
	exit 2
}

missing=
count=0
for p in $packages "$@"; do
	count=$((count + 1))
	# "install ok installed" (or "hold ok installed"); anything else, including
	# "deinstall ok config-files" and unknown packages, means missing.
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case $status in
	*" ok installed") ;;
	*) missing="$missing $p" ;;
	esac
done

if [ -z "$missing" ]; then
	echo "$prog: all $count packages installed"
	exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
	sudo=
elif command -v sudo >/dev/null 2>&1; then
	sudo=sudo
else
	echo "$prog: missing packages; as root run: apt-get install$missing" >&2
	exit 2
fi

echo "$prog: installing$missing"
# Package scripts must never stop to ask; env passes the setting through sudo.
# shellcheck disable=SC2086 # $sudo and $missing are deliberately split
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
# shellcheck disable=SC2086
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
