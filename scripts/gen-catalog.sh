#!/usr/bin/env bash
#
# gen-catalog.sh — regenerates src/catalog_data.c: the names PostgreSQL 15
# provides built in (keywords, pg_catalog types, functions and relations,
# information_schema relations) and the types and functions each available
# extension adds.
#
# Usage: scripts/gen-catalog.sh [OUTPUT [KEYWORDS]]
#        (defaults: src/catalog_data.c and src/common/keywords.c)
#
# It starts a throwaway cluster in a temporary directory, reads the catalogs,
# stops the server and removes the directory.  The build never needs a
# server: the generated file is committed and this script is only rerun when
# the PostgreSQL version or the set of extensions changes.  Set PGBIN to the
# bindir of a PostgreSQL 15 install if it is not found on its own.  PostGIS
# must be installed (Debian: postgresql-15-postgis-3) so that every machine
# regenerates the same file.
#
set -euo pipefail
export LC_ALL=C
# Keep NOTICEs such as "installing required extension" out of the output.
export PGOPTIONS="-c client_min_messages=warning"

die() { echo "gen-catalog.sh: $*" >&2; exit 1; }

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../src/catalog_data.c}
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
kwout=${2:-$here/../src/common/keywords.c}
kwout=$(cd "$(dirname "$kwout")" && pwd)/$(basename "$kwout")

# The server binaries: PGBIN, then pg_config's, then Debian's layout; each
# must be major version 15 since the lists describe PostgreSQL 15.
find_bindir() {
    local d
    for d in "${PGBIN:-}" "$(pg_config --bindir 2>/dev/null || true)" \
             /usr/lib/postgresql/15/bin; do
        if [ -n "$d" ] && [ -x "$d/postgres" ] &&
           "$d/postgres" --version | grep -q ' 15\.'; then
            echo "$d"
            return
        fi
    done
    die "no PostgreSQL 15 server found; set PGBIN to its bindir"
}
bin=$(find_bindir)

# initdb and the server refuse to run as root: use the postgres account then.
as_pg() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

work=$(mktemp -d "${TMPDIR:-/tmp}/gen-catalog.XXXXXX")
[ "$(id -u)" = 0 ] && chown postgres "$work"
cd "$work"
cleanup() {
    if [ -f "$work/data/postmaster.pid" ]; then
        as_pg "$bin/pg_ctl" -D "$work/data" -m fast -w stop >/dev/null || true
    fi
    rm -rf "$work"
    rm -f "$out.tmp.$$" "$kwout.tmp.$$"
}
trap cleanup EXIT

as_pg "$bin/initdb" -D "$work/data" -E UTF8 --locale=C -A trust \
    -U postgres --no-sync >"$work/initdb.log" 2>&1 ||
    die "initdb failed: $(cat "$work/initdb.log")"
as_pg "$bin/pg_ctl" -D "$work/data" -l "$work/server.log" -w \
    -o "-k $work -c listen_addresses='' -c fsync=off" start >/dev/null ||
    die "server did not start: $(cat "$work/server.log")"

# q DB SQL: one unaligned, tuples-only result; stops the script on error.
q() {
    as_pg "$bin/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$work" \
        -U postgres -d "$1" -c "$2"
}

# Sorted C-collation name lists of one query, every name once.
names() { q "$1" "$2" | sort -u; }

# c_strings: each input line as a C string literal line, NULL-free input.
# Only printable ASCII is expected; anything else stops the script rather
# than producing a file that depends on the reader's encoding.
c_strings() {
    awk '
        /[^ -~]/ {
            print "unexpected byte in name: " $0 > "/dev/stderr"
            exit 1
        }
        {
            gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); gsub(/\?/, "\\?")
            print "    \"" $0 "\","
        }'
}

# emit_array NAME: an exported array of the names on stdin and its length.
emit_array() {
    local list
    list=$(cat)
    [ -n "$list" ] || die "empty list for $1"
    echo "const char *const $1[] = {"
    printf '%s\n' "$list" | c_strings
    echo "};"
    echo "const size_t $1_len ="
    echo "    sizeof $1 / sizeof $1[0];"
    echo
}

# ------------------------------------------------------------ built in names

version=$(q postgres "select current_setting('server_version')")
in_ns() { echo "where $1 = '$2'::regnamespace"; }

# The keywords go to src/common/keywords.c: the runtime quotes with them too.
keyword_arrays() {
    local cat
    for cat in U:unreserved C:col_name T:type_func_name R:reserved; do
        names postgres "select word from pg_get_keywords()
                        where catcode = '${cat%%:*}'" |
            emit_array "sctl_keywords_${cat#*:}"
    done
}

builtin_arrays() {
    names postgres "select typname from pg_type
                    $(in_ns typnamespace pg_catalog)" |
        emit_array catalog_data_types
    names postgres "select proname from pg_proc
                    $(in_ns pronamespace pg_catalog)" |
        emit_array catalog_data_functions
    names postgres "select relname from pg_class
                    $(in_ns relnamespace pg_catalog)" |
        emit_array catalog_data_relations_pg_catalog
    names postgres "select relname from pg_class
                    $(in_ns relnamespace information_schema)" |
        emit_array catalog_data_relations_information_schema
}

# ----------------------------------------------------------------- extensions

# Every type and function of a database, as "kind|oid|name" lines.
snapshot() {
    q "$1" "select 't', oid, typname from pg_type
            union all select 'f', oid, proname from pg_proc" | sort
}

declare -A array_for    # list checksum -> name of the array holding it
ext_names=() ext_types=() ext_funcs=() ext_notes=() skipped=()

# ext_list KIND ADDED NAME: sets list_array to the array for one kind of
# added object, emitted once per distinct list (many extensions add no
# types, for one).  Not a $(...) call: array_for must outlive it.
ext_list() {
    local list sum
    list=$(printf '%s\n' "$2" | awk -F'|' -v k="$1" '$1 == k { print $3 }' |
           sort -u)
    sum=$(printf '%s' "$list" | md5sum | cut -c1-32)
    if [ -z "${array_for[$sum]:-}" ]; then
        array_for[$sum]=$3
        [ -n "$list" ] || array_for[$sum]=ext_nothing
        {
            echo "static const char *const ${array_for[$sum]}[] = {"
            [ -z "$list" ] || printf '%s\n' "$list" | c_strings
            echo "    NULL"
            echo "};"
            echo
        } >>"$work/ext_arrays.c"
    fi
    list_array=${array_for[$sum]}
}

# add_extension EXT N: creates EXT (and what it requires) in scratch
# database N and records what appeared.
add_extension() {
    local ext=$1 db=scratch_$2 before after added id
    [[ $ext =~ ^[A-Za-z0-9_-]+$ ]] || die "unexpected extension name: $ext"
    q postgres "create database $db" >/dev/null
    before=$(snapshot "$db")
    if ! q "$db" "create extension if not exists \"$ext\" cascade" \
            >/dev/null 2>"$work/ext.err"; then
        echo "gen-catalog.sh: skipping $ext: $(head -n1 "$work/ext.err")" >&2
        skipped+=("$ext")
        q postgres "drop database $db" >/dev/null
        return
    fi
    after=$(snapshot "$db")
    added=$(comm -13 <(printf '%s\n' "$before") <(printf '%s\n' "$after"))
    id=ext_$(printf '%s' "$ext" | tr -c 'A-Za-z0-9_' '_')
    ext_names+=("$ext")
    ext_list t "$added" "${id}_types"
    ext_types+=("$list_array")
    ext_list f "$added" "${id}_functions"
    ext_funcs+=("$list_array")
    ext_notes+=("$ext $(q "$db" "select extversion from pg_extension
                                  where extname = '$ext'")")
    q postgres "drop database $db" >/dev/null
}

# emit_index NAME TYPE ITEM...: an exported array of ITEMs (already C).
emit_index() {
    local name=$1 type=$2 item
    shift 2
    echo "const $type $name[] = {"
    for item in "$@"; do echo "    $item,"; done
    echo "};"
}

extension_arrays() {
    local quoted=() e
    cat "$work/ext_arrays.c"
    for e in "${ext_names[@]}"; do quoted+=("\"$e\""); done
    emit_index catalog_data_extensions "char *const" "${quoted[@]}"
    echo "const size_t catalog_data_extensions_len ="
    echo "    sizeof catalog_data_extensions / sizeof *catalog_data_extensions;"
    echo
    emit_index catalog_data_extension_types "char *const *const" \
        "${ext_types[@]}"
    echo
    emit_index catalog_data_extension_functions "char *const *const" \
        "${ext_funcs[@]}"
}

# -------------------------------------------------------------------- output

banner() {
    local note
    cat <<HEAD
/*
 * catalog_data.c — generated by scripts/gen-catalog.sh from PostgreSQL $version — do not edit.
 *
 * Sorted (C collation) name lists for catalog.c, which binary-searches them.
 * Each exported catalog_data_X array has its length in catalog_data_X_len;
 * catalog_data_extension_types[i] and catalog_data_extension_functions[i]
 * belong to catalog_data_extensions[i] and are NULL-terminated.  They hold
 * what CREATE EXTENSION ... CASCADE added, so they include the extensions
 * it requires.  Extension versions:
HEAD
    for note in "${ext_notes[@]}"; do echo " *   $note"; done
    if [ "${#skipped[@]}" -gt 0 ]; then
        echo " * CREATE EXTENSION failed (aliases without an install script,"
        echo " * missing languages), so not listed:"
        printf '%s\n' "${skipped[@]}" | fmt -w 72 | sed 's/^/ *   /'
    fi
    echo " */"
    echo "#include <stddef.h>"
    echo
}

exts=$(names postgres "select name from pg_available_extensions")
grep -qx postgis <<<"$exts" ||
    die "PostGIS is not installed (Debian: postgresql-15-postgis-3)"
: >"$work/ext_arrays.c"
n=0
for ext in $exts; do
    add_extension "$ext" "$n"
    n=$((n + 1))
done
[ "${#ext_names[@]}" -gt 0 ] || die "no extension could be created"

{
    banner
    builtin_arrays
    extension_arrays
} >"$out.tmp.$$"
{
    cat <<HEAD
/*
 * keywords.c — PostgreSQL's keywords by category, as pg_get_keywords()
 * lists them: what decides whether an identifier must be quoted.  Written
 * by scripts/gen-catalog.sh from PostgreSQL $version; do not edit.  Shared
 * by the compiler and the runtime (ident.c).
 */
#include <stddef.h>

HEAD
    keyword_arrays
} >"$kwout.tmp.$$"
mv "$out.tmp.$$" "$out"
mv "$kwout.tmp.$$" "$kwout"
echo "gen-catalog.sh: wrote $out and $kwout" >&2
