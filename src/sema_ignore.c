/*
 * sema_ignore.c — what an `ignore` may name.  Undeclared objects are
 * looked for only in the schemas the program manages (never a platform's
 * own, like Supabase's auth and storage), so an ignore elsewhere would
 * never match; and an ignore that names a declared object exactly
 * contradicts its declaration.  A pattern may cover declared objects:
 * they stay managed, the undeclared ones it matches are left alone.
 */
#include "sema.h"

#include <string.h>

/* Whether a declaration of the program's own puts objects in schema. */
static bool manages(Sema *s, const char *schema)
{
    for (int i = 0; i < s->prog->decls.len; i++) {
        const Decl *d = s->prog->decls.items[i];
        if (d->external || d->kind == DECL_PLATFORM ||
            d->kind == DECL_TEMPLATE || d->kind == DECL_TEST ||
            d->kind == DECL_ROLE || d->kind == DECL_EXTENSION ||
            d->kind == DECL_PUBLICATION || d->kind == DECL_ROWS ||
            d->kind == DECL_BUCKET)
            continue;
        if (d->schema && strcmp(d->schema, schema) == 0 &&
            !(s->prog->supabase && sema_platform_schema(s->prog, schema) &&
              strcmp(schema, "public") != 0))
            return true;
    }
    return false;
}

/* The declaration an exact name of this kind names, or NULL. */
static const Decl *declared(Sema *s, const Ignore *ig)
{
    const char *key = sema_key(s, ig->schema, ig->name);
    const char *w = ig->word;
    if (strcmp(w, "function") == 0) {
        const Vec *v = map_get(s->functions, key);
        return v && v->len ? v->items[0] : NULL;
    }
    if (strcmp(w, "type") == 0)
        return map_get(s->types, key);
    const Decl *d = map_get(s->relations, key);
    if (!d)
        return NULL;
    bool same = strcmp(w, "table") == 0 ? d->kind == DECL_TABLE
              : strcmp(w, "view") == 0 ? d->kind == DECL_VIEW
              : strcmp(w, "materialized view") == 0 ? d->kind == DECL_MATVIEW
              : false;
    return same ? d : NULL;
}

static void check(Sema *s, const Ignore *ig)
{
    if (!strchr(ig->schema, '*') && !manages(s, ig->schema)) {
        sema_error(s, ig->name_tok, "ignore names schema \"%s\", which this "
                   "project does not manage (undeclared objects are looked "
                   "for only in the schemas it declares objects in)",
                   ig->schema);
        return;
    }
    if (strchr(ig->name, '*') || strchr(ig->schema, '*'))
        return;
    const Decl *d = declared(s, ig);
    if (d) {
        sema_error(s, ig->name_tok, "%s \"%s.%s\" is declared; ignore is "
                   "for objects the schema does not declare", ig->word,
                   ig->schema, ig->name);
        sema_note(s, d->name.tok, "%s \"%s.%s\" declared here", ig->word,
                  ig->schema, ig->name);
    }
}

void sema_ignores(Sema *s)
{
    for (int i = 0; i < s->prog->ignores.len; i++)
        check(s, s->prog->ignores.items[i]);
}
