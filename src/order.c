/*
 * order.c — turns a checked program into statements (units) and sorts them
 * so that everything a statement needs comes before it.
 *
 * Declarations are visited in a canonical order (kind, schema, name), not
 * file order, so that moving an object between files changes no SQL.  Each
 * object's statements are numbered right after it; among the statements
 * whose dependencies are met, the lowest number goes first (Kahn's
 * algorithm with a heap).  That keeps each object's statements together
 * unless a dependency forces otherwise, e.g. a foreign key to a table that
 * sorts later.
 */
#include "schemac.h"

#include <stdlib.h>
#include <string.h>

typedef struct Builder {
    Arena *arena;
    Program *prog;
    Diag *diag;
    Map *schemas;     /* name -> Unit* creating it */
    Map *roles;       /* name -> Unit* creating it */
    Vec units;
    int seq;
} Builder;

static Unit *new_unit(Builder *b, UnitKind kind, Decl *d, const Token *at)
{
    Unit *u = arena_alloc(b->arena, sizeof *u);
    u->kind = kind;
    u->decl = d;
    u->at = at;
    u->seq = b->seq++;
    vec_push(b->arena, &b->units, u);
    return u;
}

static void need(Builder *b, Unit *u, Unit *first)
{
    if (first && first != u)
        vec_push(b->arena, &u->deps, first);
}

static int kind_rank(DeclKind k)
{
    switch (k) {
    case DECL_ROLE: return 0;
    case DECL_SCHEMA: return 1;
    case DECL_EXTENSION: return 2;
    case DECL_ENUM:
    case DECL_DOMAIN:
    case DECL_TYPE:
    case DECL_SEQUENCE: return 3;
    case DECL_TABLE: return 4;
    case DECL_FUNCTION: return 5;
    case DECL_VIEW: return 6;
    case DECL_MATVIEW: return 7;
    case DECL_BUCKET: return 8;
    case DECL_PUBLICATION: return 9;
    case DECL_ROWS: return 10;
    case DECL_PLATFORM:
    case DECL_TEMPLATE:
    case DECL_TEST: return 11;
    }
    return 11;
}

static int compare_decls(const void *pa, const void *pb)
{
    const Decl *a = *(Decl *const *)pa, *b = *(Decl *const *)pb;
    int r = kind_rank(a->kind) - kind_rank(b->kind);
    if (!r)
        r = strcmp(a->schema, b->schema);
    if (!r)
        r = strcmp(a->name.name, b->name.name);
    if (!r && a->argtypes && b->argtypes)
        r = strcmp(a->argtypes, b->argtypes);
    return r ? r : a->ordinal - b->ordinal;
}

/* The unit creating a schema, made on first use for implied schemas;
 * NULL for schemas that already exist (public, the platform's). */
static Unit *schema_unit(Builder *b, const char *name, const Token *at)
{
    Unit *u = map_get(b->schemas, name);
    if (u || sema_platform_schema(b->prog, name))
        return u;
    u = new_unit(b, UNIT_SCHEMA, NULL, at);
    u->name = name;
    map_put(b->schemas, name, u);
    return u;
}

static void need_roles(Builder *b, Unit *u, const Vec *roles)
{
    for (int i = 0; i < roles->len; i++)
        need(b, u, map_get(b->roles, ((Ident *)roles->items[i])->name));
}

static void need_decls(Builder *b, Unit *u, const Vec *decls)
{
    for (int i = 0; i < decls->len; i++)
        need(b, u, ((Decl *)decls->items[i])->unit);
}

static Unit *item_unit(Builder *b, UnitKind kind, Decl *d, Item *it)
{
    Unit *u = new_unit(b, kind, d, it->tok);
    u->item = it;
    it->unit = u;
    need(b, u, d->unit);
    need_decls(b, u, &it->deps);
    return u;
}

static void column_units(Builder *b, Decl *d, Column *c)
{
    for (int i = 0; i < c->cons.len; i++) {
        Constraint *con = c->cons.items[i];
        if (con->kind != CON_FOREIGN_KEY)
            continue;
        Unit *u = new_unit(b, UNIT_FOREIGN_KEY, d, con->tok);
        u->con = con;
        need(b, u, d->unit);
        need(b, u, con->ref_decl ? con->ref_decl->unit : NULL);
    }
    if (c->comment) {
        Unit *u = new_unit(b, UNIT_COLUMN_COMMENT, d, c->comment_tok);
        u->column = c;
        need(b, u, d->unit);
    }
}

/* The comment follows the item (or, for a constraint made inside CREATE
 * TABLE, its table; the item's own unit follows the table already). */
static void part_comment_unit(Builder *b, Decl *d, Item *it)
{
    const char *name, *comment;
    const Token *at;
    if (!ast_item_part(it, &name, &comment, &at) || !comment)
        return;
    Unit *u = new_unit(b, UNIT_PART_COMMENT, d, at);
    u->item = it;
    need(b, u, it->unit ? it->unit : d->unit);
}

static void table_item_units(Builder *b, Decl *d, Item *it)
{
    Unit *u;
    switch (it->kind) {
    case ITEM_COLUMN: column_units(b, d, it->u.column); break;
    case ITEM_CONSTRAINT:
        if (it->u.constraint->kind != CON_FOREIGN_KEY)
            break;
        u = item_unit(b, UNIT_FOREIGN_KEY, d, it);
        u->con = it->u.constraint;
        need(b, u, u->con->ref_decl ? u->con->ref_decl->unit : NULL);
        break;
    case ITEM_INDEX: item_unit(b, UNIT_INDEX, d, it); break;
    case ITEM_RLS: item_unit(b, UNIT_RLS, d, it); break;
    case ITEM_POLICY:
        need_roles(b, item_unit(b, UNIT_POLICY, d, it),
                   &it->u.policy->roles);
        break;
    case ITEM_GRANT:
        need_roles(b, item_unit(b, UNIT_GRANT, d, it), &it->u.grant->roles);
        break;
    case ITEM_DEFAULT_PRIVS:
        need_roles(b, item_unit(b, UNIT_DEFAULT_PRIVS, d, it),
                   &it->u.grant->roles);
        break;
    case ITEM_COMMENT: item_unit(b, UNIT_COMMENT, d, it); break;
    case ITEM_TRIGGER: item_unit(b, UNIT_TRIGGER, d, it); break;
    case ITEM_PARTITION: {
        QName *q = &it->u.partition->name;
        u = item_unit(b, UNIT_PARTITION, d, it);
        need(b, u, schema_unit(b, q->schema ? q->schema : d->schema, it->tok));
        break;
    }
    case ITEM_IN_ROLE:
        need_roles(b, item_unit(b, UNIT_ROLE_MEMBERSHIP, d, it),
                   &it->u.in_roles);
        break;
    case ITEM_PARTITION_BY:
    case ITEM_USE:
    case ITEM_OPTIONS:
    case ITEM_QUERY:
    case ITEM_LANGUAGE:
    case ITEM_ATTRIBUTE:
    case ITEM_SET:
    case ITEM_BODY:
    case ITEM_LOGIN:
        break;  /* part of the object's own statement */
    case ITEM_ALLOW:
        break;  /* for lint only */
    case ITEM_AUDIT:
    case ITEM_TRANSITIONS:
    case ITEM_RETAIN:
    case ITEM_PARTITIONS:
        break;  /* replaced by what they generate (sema_generate.c) */
    case ITEM_BUCKET_SETTING:
        break;  /* part of the bucket's row */
    case ITEM_PUBLISH:
        break;  /* part of CREATE PUBLICATION */
    case ITEM_REPLICA: item_unit(b, UNIT_REPLICA, d, it); break;
    case ITEM_PUB_TABLE:
        item_unit(b, UNIT_PUB_TABLE, d, it);
        break;
    }
}

static UnitKind main_kind(DeclKind k)
{
    switch (k) {
    case DECL_ROLE: return UNIT_ROLE;
    case DECL_SCHEMA: return UNIT_SCHEMA;
    case DECL_EXTENSION: return UNIT_EXTENSION;
    case DECL_ENUM:
    case DECL_DOMAIN:
    case DECL_TYPE: return UNIT_TYPE;
    case DECL_TABLE: return UNIT_TABLE;
    case DECL_FUNCTION: return UNIT_FUNCTION;
    case DECL_VIEW:
    case DECL_MATVIEW: return UNIT_VIEW;
    case DECL_BUCKET: return UNIT_BUCKET;
    case DECL_PUBLICATION: return UNIT_PUBLICATION;
    case DECL_SEQUENCE: return UNIT_SEQUENCE;
    case DECL_ROWS: return UNIT_ROWS;
    case DECL_PLATFORM:
    case DECL_TEMPLATE:
    case DECL_TEST: return UNIT_TABLE;
    }
    return UNIT_TABLE;
}

static bool emitted(const Decl *d)
{
    return !d->external && d->kind != DECL_PLATFORM &&
           d->kind != DECL_TEMPLATE && d->kind != DECL_TEST;
}

/* Main units first, so that dependencies on any object can be linked. */
static void make_main_units(Builder *b, Vec *decls)
{
    for (int i = 0; i < decls->len; i++) {
        Decl *d = decls->items[i];
        if (d->extends)
            continue;   /* the platform made the table: only its items */
        if (d->kind == DECL_PUBLICATION &&
            sema_platform_publication(b->prog, d))
            continue;   /* the platform's: only given tables */
        d->unit = new_unit(b, main_kind(d->kind), d, d->name.tok);
        if (d->kind == DECL_SCHEMA) {
            d->unit->name = d->name.name;
            d->unit->exists = sema_platform_schema(b->prog, d->name.name);
            map_put(b->schemas, d->name.name, d->unit);
        }
        if (d->kind == DECL_ROLE)
            map_put(b->roles, d->name.name, d->unit);
    }
}

static void link_decl(Builder *b, Decl *d)
{
    for (int i = 0; d->extends && i < d->items.len; i++) {
        table_item_units(b, d, d->items.items[i]);
        part_comment_unit(b, d, d->items.items[i]);
    }
    if (d->extends)
        return;
    if (d->unit)
        d->unit->seq = b->seq++;
    if (d->kind != DECL_SCHEMA && d->kind != DECL_ROLE &&
        d->kind != DECL_EXTENSION && d->kind != DECL_PUBLICATION &&
        d->kind != DECL_ROWS)
        need(b, d->unit, schema_unit(b, d->schema, d->name.tok));
    if (d->kind == DECL_EXTENSION && d->ext_schema.name)
        need(b, d->unit, schema_unit(b, d->ext_schema.name, d->ext_schema.tok));
    need_decls(b, d->unit, &d->deps);
    for (int i = 0; i < d->items.len; i++) {
        table_item_units(b, d, d->items.items[i]);
        part_comment_unit(b, d, d->items.items[i]);
    }
    if (d->kind == DECL_ROWS && d->rowset->exact && d->rowset->tuples.len) {
        Unit *u = new_unit(b, UNIT_ROWS_EXACT, d, d->tok);
        need(b, u, d->unit);
    }
    if (d->kind == DECL_SEQUENCE && d->seq->owner) {
        Unit *u = new_unit(b, UNIT_SEQUENCE_OWNED, d, d->seq->owned_tok);
        need(b, u, d->unit);
        need(b, u, d->seq->owner->unit);
    }
}

/* Database-wide default privileges come after everything the schema
 * makes (they are for objects made later: the declared ones have their
 * own grants), in written order. */
static void default_privs_units(Builder *b)
{
    int before = b->units.len;
    for (int i = 0; i < b->prog->default_privs.len; i++) {
        Item *it = b->prog->default_privs.items[i];
        Unit *u = new_unit(b, UNIT_DEFAULT_PRIVS, NULL, it->tok);
        for (int k = 0; k < before; k++)
            need(b, u, b->units.items[k]);
        u->item = it;
        it->unit = u;
        need_roles(b, u, &it->u.grant->roles);
        need(b, u, map_get(b->roles, it->u.grant->for_role.name
                                     ? it->u.grant->for_role.name : ""));
    }
}

/* ------------------------------------------------------------- sorting */

typedef struct Heap {
    Unit **items;
    int len;
} Heap;

static void heap_push(Heap *h, Unit *u)
{
    int i = h->len++;
    h->items[i] = u;
    while (i > 0 && h->items[(i - 1) / 2]->seq > h->items[i]->seq) {
        Unit *t = h->items[i];
        h->items[i] = h->items[(i - 1) / 2];
        h->items[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
}

static Unit *heap_pop(Heap *h)
{
    Unit *top = h->items[0];
    h->items[0] = h->items[--h->len];
    for (int i = 0;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->len && h->items[l]->seq < h->items[m]->seq)
            m = l;
        if (r < h->len && h->items[r]->seq < h->items[m]->seq)
            m = r;
        if (m == i)
            break;
        Unit *t = h->items[i];
        h->items[i] = h->items[m];
        h->items[m] = t;
        i = m;
    }
    return top;
}

static const char *unit_label(Arena *a, const Unit *u)
{
    if (!u->decl)
        return u->name ? arena_printf(a, "schema \"%s\"", u->name)
                       : "default privileges";
    return arena_printf(a, "%s \"%s\"", decl_kind_name(u->decl->kind),
                        u->decl->name.name);
}

/* Walks unplaced dependencies from u until one repeats: that is a cycle. */
static void report_cycle(Builder *b, Unit *u)
{
    Buf path = {0};
    Map *seen = map_new(b->arena);
    while (!map_get(seen, arena_printf(b->arena, "%p", (void *)u))) {
        map_put(seen, arena_printf(b->arena, "%p", (void *)u), u);
        buf_printf(&path, "%s needs ", unit_label(b->arena, u));
        Unit *next = NULL;
        for (int i = 0; i < u->deps.len && !next; i++)
            if (((Unit *)u->deps.items[i])->waiting >= 0)
                next = u->deps.items[i];
        if (!next)
            break;
        u = next;
    }
    buf_printf(&path, "%s", unit_label(b->arena, u));
    diag_at(b->diag, DIAG_ERROR, u->at->src, u->at->off, u->at->len,
            "dependency cycle: %s", path.data);
    buf_free(&path);
}

static void sort_units(Builder *b)
{
    Heap h = {arena_alloc(b->arena, sizeof(Unit *) * (size_t)(b->units.len + 1)), 0};
    for (int i = 0; i < b->units.len; i++) {
        Unit *u = b->units.items[i];
        u->waiting = u->deps.len;
        for (int k = 0; k < u->deps.len; k++)
            vec_push(b->arena, &((Unit *)u->deps.items[k])->dependents, u);
    }
    for (int i = 0; i < b->units.len; i++)
        if (((Unit *)b->units.items[i])->waiting == 0)
            heap_push(&h, b->units.items[i]);
    while (h.len) {
        Unit *u = heap_pop(&h);
        u->waiting = -1;  /* placed */
        vec_push(b->arena, &b->prog->units, u);
        for (int k = 0; k < u->dependents.len; k++) {
            Unit *d = u->dependents.items[k];
            if (--d->waiting == 0)
                heap_push(&h, d);
        }
    }
    for (int i = 0; i < b->units.len; i++)
        if (((Unit *)b->units.items[i])->waiting > 0) {
            report_cycle(b, b->units.items[i]);
            return;
        }
}

/* A foreign key may rely on a unique index of its target (not only on a
 * key constraint): it waits for every unique index there. */
static void after_unique_indexes(Builder *b)
{
    for (int i = 0; i < b->units.len; i++) {
        Unit *u = b->units.items[i];
        if (u->kind != UNIT_FOREIGN_KEY || !u->con->ref_decl)
            continue;
        Vec *items = &u->con->ref_decl->items;
        for (int k = 0; k < items->len; k++) {
            Item *it = items->items[k];
            if (it->kind == ITEM_INDEX && it->u.index->unique)
                need(b, u, it->unit);
        }
    }
}

/* A replica identity using an index comes after the index. */
static void after_replica_indexes(Builder *b)
{
    for (int i = 0; i < b->units.len; i++) {
        Unit *u = b->units.items[i];
        const char *name = u->kind == UNIT_REPLICA
                         ? u->item->u.replica->index.name : NULL;
        for (int k = 0; name && k < u->decl->items.len; k++) {
            Item *it = u->decl->items.items[k];
            if (it->kind == ITEM_INDEX && it->u.index->given.name &&
                strcmp(it->u.index->given.name, name) == 0)
                need(b, u, it->unit);
        }
    }
}

void order_units(Arena *a, Program *p, Diag *d)
{
    Builder b = {a, p, d, map_new(a), map_new(a), {0}, 0};
    Vec decls = {0};
    for (int i = 0; i < p->decls.len; i++)
        if (emitted(p->decls.items[i]))
            vec_push(a, &decls, p->decls.items[i]);
    if (decls.len)
        qsort(decls.items, (size_t)decls.len, sizeof(void *), compare_decls);
    make_main_units(&b, &decls);
    for (int i = 0; i < decls.len; i++)
        link_decl(&b, decls.items[i]);
    default_privs_units(&b);
    after_unique_indexes(&b);
    after_replica_indexes(&b);
    sort_units(&b);
}
