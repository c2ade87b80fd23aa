/*
 * sema_decl.c — checks the declarations that are not tables, views or
 * functions: schemas and their grants, roles, enums, domains, composite
 * types and extensions.
 */
#include "sema.h"

#include <string.h>

static void once(Sema *s, Item *it, Item **seen, const char *what)
{
    if (*seen)
        sema_error(s, it->tok, "%s is declared twice here", what);
    *seen = it;
}

static void schema_item(Sema *s, Item *it, Item **comment,
                        Item **exposed)
{
    if (it->kind == ITEM_COMMENT) {
        once(s, it, comment, "a comment");
    } else if (it->kind == ITEM_ATTRIBUTE) {  /* not exposed */
        once(s, it, exposed, "`not exposed`");
    } else if (it->kind == ITEM_GRANT) {
        sema_grant(s, it->u.grant, "schema");
    } else if (it->kind == ITEM_DEFAULT_PRIVS) {
        Grant *g = it->u.grant;
        if (strcmp(g->on, "schemas") == 0)
            sema_error(s, g->tok, "default privileges on schemas cannot be "
                       "set inside one schema");
        else
            sema_grant(s, g, "default");
    }
}

static void role_item(Sema *s, Item *it, Item **comment)
{
    if (it->kind == ITEM_COMMENT)
        once(s, it, comment, "a comment");
    else if (it->kind == ITEM_IN_ROLE)
        sema_check_roles(s, &it->u.in_roles);
}

static void check_labels(Sema *s, Decl *d)
{
    Map *seen = map_new(s->trees);
    for (int i = 0; i < d->enum_labels.len; i++) {
        const Ident *label = d->enum_labels.items[i];
        if (map_get(seen, label->name))
            sema_error(s, label->tok, "enum label \"%s\" is declared twice",
                       label->name);
        map_put(seen, label->name, (void *)label);
        if (strlen(label->name) > PG_NAME_MAX)
            sema_error(s, label->tok, "enum label is %zu bytes long; "
                       "PostgreSQL keeps at most %d", strlen(label->name),
                       PG_NAME_MAX);
    }
}

#define DOMAIN_PREFIX "CREATE DOMAIN d AS "

/* A domain: its base type must exist; its checks name no tables. */
static void check_domain(Sema *s, Decl *d)
{
    Json *tree = sema_parse(s, DOMAIN_PREFIX, &d->header, "", "domain");
    Json *stmt = tree ? sema_stmt(tree, "CreateDomainStmt") : NULL;
    if (!stmt)
        return;
    sema_resolve_type(s, json_get(stmt, "typeName"), &d->header,
                      strlen(DOMAIN_PREFIX), &d->deps);
    Json *cons = json_get(stmt, "constraints");
    if (!cons)
        return;
    Vec refs = {0};
    pgsql_collect_refs(s->trees, cons, &refs);
    sema_resolve_ref_list(s, &refs, &d->header, strlen(DOMAIN_PREFIX), NULL,
                          &d->deps);
    for (int i = 0; i < refs.len; i++) {
        const PgRef *r = refs.items[i];
        if (r->kind == REF_COLUMN && r->depth == 0 &&
            strcmp(r->name, "value") != 0)
            diag_at(s->diag, DIAG_ERROR, d->header.src, d->header.off +
                    (size_t)(r->location - (long)strlen(DOMAIN_PREFIX)),
                    strlen(r->name), "unknown column \"%s\"; a domain's "
                    "check can name only VALUE", r->name);
    }
}

#define TYPE_PREFIX "CREATE TYPE t AS ("

static size_t field_offset(const Decl *d, const Json *col)
{
    return d->header.off + (size_t)(json_int(json_get(col, "location"), 0) -
                                    (long)strlen(TYPE_PREFIX));
}

static void check_composite(Sema *s, Decl *d)
{
    Json *tree = sema_parse(s, TYPE_PREFIX, &d->header, "\n)",
                            "composite type");
    Json *stmt = tree ? sema_stmt(tree, "CompositeTypeStmt") : NULL;
    Json *cols = json_get(stmt, "coldeflist");
    Map *seen = map_new(s->trees);
    for (int i = 0; i < json_len(cols); i++) {
        Json *col = json_get(json_at(cols, i), "ColumnDef");
        const char *name = json_str(json_get(col, "colname"));
        Json *tn = json_get(col, "typeName");
        Json *first = name ? map_get(seen, name) : NULL;
        if (first) {
            diag_at(s->diag, DIAG_ERROR, d->header.src,
                    field_offset(d, col), strlen(name), "field \"%s\" is "
                    "declared twice in type \"%s\"", name, d->name.name);
            diag_at(s->diag, DIAG_NOTE, d->header.src, field_offset(d, first),
                    strlen(name), "first declared here");
        } else if (name) {
            map_put(seen, name, col);
        }
        sema_resolve_type(s, tn, &d->header, strlen(TYPE_PREFIX), &d->deps);
    }
}

void sema_decl(Sema *s, Decl *d)
{
    Item *comment = NULL, *exposed = NULL;
    for (int i = 0; i < d->items.len; i++) {
        Item *it = d->items.items[i];
        if (d->kind == DECL_SCHEMA)
            schema_item(s, it, &comment, &exposed);
        else if (d->kind == DECL_ROLE)
            role_item(s, it, &comment);
        else if (it->kind == ITEM_COMMENT)
            once(s, it, &comment, "a comment");
    }
    if (d->kind == DECL_ENUM)
        check_labels(s, d);
    if (d->kind == DECL_DOMAIN)
        check_domain(s, d);
    if (d->kind == DECL_TYPE)
        check_composite(s, d);
}
