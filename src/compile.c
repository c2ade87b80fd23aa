/*
 * compile.c — the front end's one entry: reads (or takes) the sources,
 * lexes and parses each, then checks the whole program.  Every command,
 * import's self-check and the unit tests go through here, so they all
 * compile a schema the same way.
 */
#include "schemac.h"

/* Lexes and parses one source into p; its diagnostics go to d. */
static void read_source(Arena *a, Program *p, Source *src, Diag *d)
{
    vec_push(a, &p->sources, src);
    TokenList tl = lex_source(a, src, d);
    parse_file(a, p, &tl, d);
}

/* The files in order; false (reported) at the first that cannot be read:
 * the files before it are parsed, the ones after are not. */
static bool read_files(Arena *a, Program *p, const Vec *paths, Diag *d)
{
    for (int i = 0; i < paths->len; i++) {
        const char *path = paths->items[i];
        const char *why;
        Source *src = source_load(a, path, &why);
        if (!src) {
            diag_plain(d, DIAG_ERROR, "cannot read %s: %s", path, why);
            return false;
        }
        read_source(a, p, src, d);
    }
    return true;
}

Compilation compile(Arena *a, const CompileInput *in, Diag *d)
{
    int errors = d->errors, warnings = d->warnings;
    Program *p = arena_alloc(a, sizeof *p);
    Compilation c = {.status = COMPILE_OK};
    if (!read_files(a, p, &in->paths, d))
        c.status = COMPILE_UNREADABLE;
    for (int i = 0; c.status == COMPILE_OK && i < in->sources.len; i++)
        read_source(a, p, in->sources.items[i], d);
    if (c.status == COMPILE_OK && d->errors == errors)
        sema_check(a, p, d);
    if (c.status == COMPILE_OK && d->errors != errors)
        c.status = COMPILE_INVALID;
    c.errors = d->errors - errors;
    c.warnings = d->warnings - warnings;
    c.prog = c.status == COMPILE_OK ? p : NULL;
    return c;
}
