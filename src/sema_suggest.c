/*
 * sema_suggest.c — "did you mean" for names that resolve to nothing: the
 * nearest declared column, table, function, type, role or template by edit
 * distance, a swap of two neighbours counting as one edit, within a
 * third of the name's length (at least one, and fewer than its length),
 * so that a typo is named as one instead of being taken for a missing
 * object, and short names do not suggest unrelated ones.
 */
#include "sema.h"

#include <string.h>

/* SQL's names for built-in types, which pg_type spells otherwise. */
static const char *const type_aliases[] = {
    "integer", "int", "bigint", "smallint", "boolean", "text", "varchar",
    "character", "timestamp", "timestamptz", "numeric", "decimal", "real",
    "double precision", "serial", "bigserial", "uuid", "jsonb", "json",
    "date", "time", "interval", NULL,
};

typedef struct Nearest {
    const char *word;
    int max;
    const char *best;
    int best_d;
} Nearest;

/* Optimal string alignment distance (names of up to 63 bytes). */
static int distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > PG_NAME_MAX || lb > PG_NAME_MAX)
        return 99;
    int d[PG_NAME_MAX + 1][PG_NAME_MAX + 1];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            int best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
                a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[la][lb];
}

static Nearest nearest_to(const char *word)
{
    int len = (int)strlen(word);
    int max = len / 3 > 1 ? len / 3 : 1;
    if (max >= len)
        max = len - 1;
    return (Nearest){word, max, NULL, max + 1};
}

static void consider(Nearest *n, const char *candidate)
{
    if (!candidate || strcmp(candidate, n->word) == 0)
        return;
    int d = distance(n->word, candidate);
    if (d < n->best_d) {
        n->best = candidate;
        n->best_d = d;
    }
}

static const char *hint(Sema *s, const Nearest *n)
{
    return n->best ? arena_printf(s->arena, "; did you mean \"%s\"?", n->best)
                   : "";
}

/* A name written with its schema is suggested with it: "auth.uid". */
static const char *hint_in(Sema *s, const Nearest *n, const char *schema)
{
    if (!n->best || !schema)
        return hint(s, n);
    return arena_printf(s->arena, "; did you mean \"%s.%s\"?", schema,
                        n->best);
}

const char *sema_hint_column(Sema *s, const Decl *table, const char *name)
{
    Nearest n = nearest_to(name);
    for (int i = 0; i < table->columns.len; i++)
        consider(&n, ((const Column *)table->columns.items[i])->name.name);
    return hint(s, &n);
}

/* Declarations of the kinds asked, in schema (NULL: where unqualified
 * names go). */
static void consider_decls(Sema *s, Nearest *n, const char *schema,
                           const DeclKind *kinds, int nkinds)
{
    const char *in = schema ? schema : "public";
    for (int i = 0; i < s->prog->decls.len; i++) {
        const Decl *d = s->prog->decls.items[i];
        bool kind = false;
        for (int k = 0; k < nkinds; k++)
            kind |= d->kind == kinds[k];
        if (kind && d->schema && strcmp(d->schema, in) == 0)
            consider(n, d->name.name);
    }
}

const char *sema_hint_relation(Sema *s, const char *schema, const char *name)
{
    static const DeclKind kinds[] = {DECL_TABLE, DECL_VIEW, DECL_MATVIEW};
    Nearest n = nearest_to(name);
    consider_decls(s, &n, schema, kinds, 3);
    return hint_in(s, &n, schema);
}

const char *sema_hint_function(Sema *s, const char *schema, const char *name)
{
    static const DeclKind kinds[] = {DECL_FUNCTION};
    Nearest n = nearest_to(name);
    consider_decls(s, &n, schema, kinds, 1);
    if (!schema || strcmp(schema, "pg_catalog") == 0)
        consider(&n, catalog_nearest(false, name, n.max + 1));
    return hint_in(s, &n, schema);
}

const char *sema_hint_type(Sema *s, const char *schema, const char *name)
{
    static const DeclKind kinds[] = {DECL_ENUM, DECL_DOMAIN, DECL_TYPE};
    Nearest n = nearest_to(name);
    consider_decls(s, &n, schema, kinds, 3);
    if (!schema || strcmp(schema, "pg_catalog") == 0) {
        for (int i = 0; type_aliases[i]; i++)
            consider(&n, type_aliases[i]);
        consider(&n, catalog_nearest(true, name, n.max + 1));
    }
    return hint_in(s, &n, schema);
}

const char *sema_hint_role(Sema *s, const char *name)
{
    static const char *const platform[] = {"anon", "authenticated",
                                           "service_role", NULL};
    Nearest n = nearest_to(name);
    for (int i = 0; i < s->prog->decls.len; i++) {
        const Decl *d = s->prog->decls.items[i];
        if (d->kind == DECL_ROLE)
            consider(&n, d->name.name);
    }
    for (int i = 0; s->prog->supabase && platform[i]; i++)
        consider(&n, platform[i]);
    consider(&n, "public");
    return hint(s, &n);
}

const char *sema_hint_template(Sema *s, const char *name)
{
    Nearest n = nearest_to(name);
    for (int i = 0; i < s->prog->decls.len; i++) {
        const Decl *d = s->prog->decls.items[i];
        if (d->kind == DECL_TEMPLATE)
            consider(&n, d->name.name);
    }
    return hint(s, &n);
}
