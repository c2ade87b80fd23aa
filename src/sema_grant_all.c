/*
 * sema_grant_all.c — `grant PRIVS on all tables|functions to R;` in a
 * schema.  PostgreSQL's GRANT ... ON ALL TABLES IN SCHEMA grants on what is
 * there when it runs; the schema's equivalent is what it declares there,
 * so the grant is expanded here, at compile time, into a grant in each
 * declared table, view and materialized view (or function), which the
 * executable then verifies and repairs like one written there.  Objects
 * made later by anything else are not covered: default privileges are
 * the way to cover those.
 */
#include "sema.h"

#include <string.h>

/* Whether d is one of the objects `on all WHAT` names in schema. */
static bool covered(const Decl *d, const char *what, const char *schema)
{
    if (d->external || d->extends || strcmp(d->schema, schema) != 0)
        return false;
    if (strcmp(what, "tables") == 0)
        return d->kind == DECL_TABLE || d->kind == DECL_VIEW ||
               d->kind == DECL_MATVIEW;
    return d->kind == DECL_FUNCTION;
}

static void expand(Sema *s, const Decl *schema, Item *it)
{
    Grant *g = it->u.grant;
    const char *what = g->on_all.name;
    if (strcmp(what, "tables") != 0 && strcmp(what, "functions") != 0) {
        sema_error(s, g->on_all.tok, "`on all %s` is not supported; write "
                   "`on all tables` or `on all functions`%s", what,
                   strcmp(what, "sequences") == 0
                   ? " (sequences are not declared objects)" : "");
        return;
    }
    if (g->on_schema.name && strcmp(g->on_schema.name, schema->name.name))
        sema_error(s, g->on_schema.tok, "a grant in schema \"%s\" names "
                   "schema \"%s\"; write it in that schema",
                   schema->name.name, g->on_schema.name);
    int n = 0;
    for (int i = 0; i < s->prog->decls.len; i++) {
        Decl *d = s->prog->decls.items[i];
        if (!covered(d, what, schema->name.name))
            continue;
        Grant *copy = arena_alloc(s->arena, sizeof *copy);
        *copy = *g;
        copy->on_all = (Ident){0};
        copy->on_schema = (Ident){0};
        Item *one = arena_alloc(s->arena, sizeof *one);
        *one = *it;
        one->u.grant = copy;
        one->deps = (Vec){0};
        vec_push(s->arena, &d->items, one);
        n++;
    }
    if (!n)
        diag_at(s->diag, DIAG_WARNING, g->on_all.tok->src, g->on_all.tok->off,
                g->on_all.tok->len, "schema \"%s\" declares no %s: this "
                "grant grants nothing", schema->name.name, what);
}

void sema_expand_grants_on_all(Sema *s)
{
    for (int i = 0; i < s->prog->decls.len; i++) {
        Decl *d = s->prog->decls.items[i];
        if (d->kind != DECL_SCHEMA)
            continue;
        Vec kept = {0};
        for (int k = 0; k < d->items.len; k++) {
            Item *it = d->items.items[k];
            if (it->kind == ITEM_GRANT && it->u.grant->on_all.name)
                expand(s, d, it);
            else
                vec_push(s->arena, &kept, it);
        }
        d->items = kept;
    }
}
