# bash completion for schemac and the executables it builds (schemactl,
# bin/NAME).  For a project executable add:  complete -F _schemactl NAME
# shellcheck shell=bash disable=SC2207  # compgen words never hold spaces but paths, which are split on newlines

# .schema files and directories under the word being completed.
_schemac_paths()
{
    local cur=$1
    local IFS=$'\n'
    COMPREPLY+=($(compgen -d -S / -- "$cur"))
    COMPREPLY+=($(compgen -f -X '!*.schema' -- "$cur"))
    compopt -o filenames 2>/dev/null
    # a directory goes on being completed: no space after its slash
    if [ ${#COMPREPLY[@]} -eq 1 ] && [ "${COMPREPLY[0]%/}" != "${COMPREPLY[0]}" ]; then
        compopt -o nospace 2>/dev/null
    fi
    return 0
}

_schemac()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local commands="check sql pgc build matrix fmt import"
    COMPREPLY=()
    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
        return
    fi
    case $prev in
    --platform)
        COMPREPLY=($(compgen -W "supabase" -- "$cur")); return ;;
    --db|--schema)
        return ;;
    -o|--sql-dir|--pgc-dir|--build-dir)
        COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --db)
        return ;;
    --format)
        COMPREPLY=($(compgen -W "markdown json" -- "$cur")); return ;;
    --color)
        COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
    esac
    case $cur in
    --format=*|--color=*)
        local values=auto\ always\ never
        [ "${cur%%=*}" = --format ] && values="markdown json"
        COMPREPLY=($(compgen -P "${cur%%=*}=" -W "$values" -- "${cur#*=}"))
        return ;;
    -*)
        local opts="--strict --color --help"
        case ${COMP_WORDS[1]} in
        build) opts="$opts -o --sql-dir --pgc-dir --build-dir --no-server --db" ;;
        check) opts="$opts --no-server --db" ;;
        pgc) opts="$opts -o" ;;
        matrix) opts="$opts --format --emit-tests" ;;
        fmt) opts="$opts --check" ;;
        import) opts="--db --schema --platform -o --help" ;;
        esac
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return ;;
    esac
    _schemac_paths "$cur"
}

_schemactl()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    COMPREPLY=()
    case $prev in
    --db) COMPREPLY=($(compgen -W "postgresql://" -- "$cur")); return ;;
    --color) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
    --format) COMPREPLY=($(compgen -W "text json sarif github" -- "$cur")); return ;;
    -o) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    esac
    case $cur in
    -*) COMPREPLY=($(compgen -W "-o --db --embedded --allow-data-loss
            --install-platform-shim --timing --color --format --help --version" -- "$cur")) ;;
    *) COMPREPLY=($(compgen -W "plan apply verify status test report" -- "$cur")) ;;
    esac
}

complete -F _schemac schemac
complete -F _schemactl schemactl
