/*
 * home.c — where `schemac build` finds the runtime it links executables
 * with.  Found from the running binary's own location, so a copied or
 * installed schemac works from any directory and needs no compiled-in path:
 *
 *   PREFIX/bin/schemac   PREFIX/lib/schemac/libschemactl.a
 *                        PREFIX/include/schemac/{schemactl.h,objects.h}
 *   TREE/bin/schemac     TREE/build/libschemactl.a, TREE/src/{runtime,common}
 *
 * $SCHEMAC_HOME, when set, names a source tree (or an installed prefix)
 * and wins over both.
 */
#include "schemac.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool readable(const char *path)
{
    return access(path, R_OK) == 0;
}

/* The layout of root, if it holds a runtime: installed, then source tree. */
static bool home_at(Arena *a, const char *root, SchemacHome *out)
{
    char *lib = arena_printf(a, "%s/lib/schemac/libschemactl.a", root);
    char *inc = arena_printf(a, "%s/include/schemac", root);
    if (readable(lib) && readable(arena_printf(a, "%s/schemactl.h", inc))) {
        *out = (SchemacHome){lib, inc, inc};
        return true;
    }
    lib = arena_printf(a, "%s/build/libschemactl.a", root);
    char *rt = arena_printf(a, "%s/src/runtime", root);
    if (readable(lib) && readable(arena_printf(a, "%s/schemactl.h", rt))) {
        *out = (SchemacHome){lib, rt, arena_printf(a, "%s/src/common", root)};
        return true;
    }
    return false;
}

/* The directory above the one holding the running binary. */
static char *exe_root(Arena *a)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    for (int up = 0; up < 2; up++) {
        char *slash = strrchr(exe, '/');
        if (!slash)
            return NULL;
        *slash = '\0';
    }
    return arena_strdup(a, exe[0] ? exe : "/");
}

bool home_find(Arena *a, SchemacHome *out, Diag *d)
{
    const char *env = getenv("SCHEMAC_HOME");
    if (env && *env) {
        if (home_at(a, env, out))
            return true;
        diag_plain(d, DIAG_ERROR, "SCHEMAC_HOME=%s holds no schemac runtime "
                   "(lib/schemac/libschemactl.a or build/libschemactl.a)",
                   env);
        return false;
    }
    char *root = exe_root(a);
    if (root && home_at(a, root, out))
        return true;
    diag_plain(d, DIAG_ERROR, "cannot find the schemac runtime beside this "
               "binary (%s/lib/schemac or %s/build); reinstall schemac or set "
               "SCHEMAC_HOME", root ? root : "?", root ? root : "?");
    return false;
}
