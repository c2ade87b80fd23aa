/*
 * sema_platform.c — a platform's table or function declared again in the
 * schema: `table auth.users { trigger ...; policy ...; }`, `function
 * auth.uid() returns uuid { grant execute to r; }`.  The object is the
 * platform's (a table's columns, keys and indexes, a function's body are
 * not the schema's to declare); what the schema adds to it is its own:
 * triggers, policies, grants, a comment and the row level security
 * switch.
 */
#include "sema.h"

#include <string.h>

static const char *qualified(Sema *s, const Decl *d)
{
    return arena_printf(s->arena, "%s.%s", d->schema, d->name.name);
}

bool sema_extend_platform_table(Sema *s, Decl *d, Decl *prev)
{
    if (d->kind != DECL_TABLE || d->external || prev->kind != DECL_TABLE ||
        !prev->external)
        return false;
    for (int i = 0; i < s->prog->decls.len; i++) {
        const Decl *other = s->prog->decls.items[i];
        if (other == d)
            break;
        if (other->extends == prev) {
            diag_at(s->diag, DIAG_ERROR, d->name.tok->src, d->name.tok->off,
                    d->name.len, "table \"%s\" is declared twice in the "
                    "schema", qualified(s, d));
            diag_at(s->diag, DIAG_NOTE, other->name.tok->src,
                    other->name.tok->off, other->name.len,
                    "first declared here");
            break;
        }
    }
    d->extends = prev;
    if (d->renamed_from.name)
        sema_error(s, d->renamed_from.tok, "table \"%s\" is the platform's; "
                   "it cannot be renamed", qualified(s, d));
    return true;
}

/* Whether an item of a platform table's declaration is allowed there
 * (reported when not). */
bool sema_platform_item(Sema *s, const Decl *t, const Item *it)
{
    switch (it->kind) {
    case ITEM_POLICY:
    case ITEM_TRIGGER:
    case ITEM_GRANT:
    case ITEM_COMMENT:
    case ITEM_RLS:
    case ITEM_ALLOW:
        return true;
    case ITEM_COLUMN:
    case ITEM_CONSTRAINT:
    case ITEM_INDEX:
    case ITEM_PARTITION_BY:
    case ITEM_PARTITION:
    case ITEM_USE:
    case ITEM_OPTIONS:
    case ITEM_QUERY:
    case ITEM_LANGUAGE:
    case ITEM_ATTRIBUTE:
    case ITEM_SET:
    case ITEM_BODY:
    case ITEM_DEFAULT_PRIVS:
    case ITEM_IN_ROLE:
    case ITEM_LOGIN:
    case ITEM_AUDIT:
    case ITEM_TRANSITIONS:
    case ITEM_RETAIN:
    case ITEM_PARTITIONS:
    case ITEM_BUCKET_SETTING:
    case ITEM_REPLICA:
    case ITEM_PUB_TABLE:
    case ITEM_PUBLISH:
        break;
    }
    sema_error(s, it->tok, "%s is not allowed on \"%s\", the platform's "
               "table: only triggers, policies, grants, a comment and row "
               "level security may be declared there", item_kind_name(it->kind),
               qualified(s, t));
    return false;
}

/* Policies on storage.objects share their names with the buckets'. */
Map *sema_platform_policies(Sema *s, const Decl *t, Map *own)
{
    return strcmp(t->schema, "storage") == 0 &&
           strcmp(t->name.name, "objects") == 0 ? s->bucket_policies : own;
}

void sema_platform_function(Sema *s, Decl *f)
{
    for (int i = 0; i < f->items.len; i++) {
        const Item *it = f->items.items[i];
        if (it->kind == ITEM_GRANT)
            sema_grant(s, it->u.grant, "function");
        else if (it->kind != ITEM_COMMENT && it->kind != ITEM_ALLOW)
            sema_error(s, it->tok, "%s is not allowed on \"%s.%s(%s)\", "
                       "the platform's function: only grants and a comment "
                       "may be declared there", item_kind_name(it->kind),
                       f->schema, f->name.name, f->argtypes);
    }
}
