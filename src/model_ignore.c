/*
 * model_ignore.c — what an executable needs to find undeclared objects:
 * the schemas it owns (those it manages but a platform's own: Supabase's
 * auth and storage hold objects no schema declares) and the `ignore`
 * patterns, with their positions.
 */
#include "schemac.h"

#include <string.h>

static bool platform_only(const Program *p, const char *schema)
{
    return strcmp(schema, "public") != 0 && sema_platform_schema(p, schema);
}

void model_ignores(ModelFiles *f, const Program *p, SctlSchema *s)
{
    const char **owned = arena_alloc(f->a, sizeof *owned *
                                     (size_t)(s->nschemas + 1));
    int n = 0;
    for (int i = 0; i < s->nschemas; i++)
        if (!platform_only(p, s->schemas[i]))
            owned[n++] = s->schemas[i];
    s->owned = owned;
    s->nowned = n;
    SctlIgnore *ig = arena_alloc(f->a, sizeof *ig *
                                 (size_t)(p->ignores.len + 1));
    for (int i = 0; i < p->ignores.len; i++) {
        const Ignore *g = p->ignores.items[i];
        ig[i] = (SctlIgnore){g->word, g->schema, g->name, 0, 0, 0};
        ig[i].file = model_file(f, g->tok, &ig[i].line, &ig[i].col);
    }
    s->ignores = ig;
    s->nignores = p->ignores.len;
}
