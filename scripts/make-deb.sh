#!/bin/sh
# make-deb.sh — build schemac_VERSION_ARCH.deb with dpkg-deb from
# `make install PREFIX=/usr` into a staging directory.
#
#   scripts/make-deb.sh VERSION
#
# The installed schemac links executables itself, so the package depends on
# what that needs (a C compiler, ecpg and the libpq/ecpg headers) besides the
# shared libraries it and the executables load.  libpg_query is linked
# dynamically: the dependency names the package that holds the library this
# binary was linked with.  PostgreSQL is recommended (the executables'
# throwaway server, --embedded).
set -eu

version=${1:?usage: make-deb.sh VERSION}
arch=$(dpkg --print-architecture)
out=schemac_${version}_${arch}.deb
stage=$(mktemp -d "${TMPDIR:-/tmp}/schemac-deb.XXXXXX")
trap 'rm -rf "$stage"' EXIT

make -s install PREFIX=/usr DESTDIR="$stage/root" >/dev/null

# The package that ships the libpg_query this binary loads.
lib=$(ldd bin/schemac | awk '/libpg_query/ { print $3 }')
pgquery=$(dpkg -S "$(readlink -f "$lib")" | cut -d: -f1)
[ -n "$pgquery" ] || { echo "make-deb.sh: which package ships $lib?" >&2; exit 2; }

gzip -9n "$stage/root/usr/share/man"/man?/*
size=$(du -sk "$stage/root" | cut -f1)
mkdir -p "$stage/root/DEBIAN"
cat >"$stage/root/DEBIAN/control" <<CONTROL
Package: schemac
Version: $version
Architecture: $arch
Maintainer: schemac developers <schemac@localhost>
Installed-Size: $size
Section: database
Priority: optional
Depends: libc6, $pgquery, libecpg6, libpq5, libecpg-dev, libpq-dev, gcc | c-compiler
Recommends: postgresql, postgresql-15-plpgsql-check
Description: compiler for PostgreSQL and Supabase schemas
 schemac checks .schema files (every name resolved, every SQL fragment
 parsed by PostgreSQL's parser), emits canonical SQL, and builds one
 executable per project that plans, applies, verifies and tests the
 schema against a database.  Includes the runtime those executables link,
 man pages, bash and zsh completion and Vim syntax.
CONTROL
find "$stage/root" -type d -exec chmod 755 {} +
dpkg-deb --root-owner-group --build "$stage/root" "$out" >/dev/null
echo "$out"
