/*
 * sema_names.c — gives unnamed constraints, indexes and sequences the names
 * PostgreSQL would give them, so that what we verify matches the catalog.
 *
 * PostgreSQL names them in this order when it creates a table: serial
 * sequences, then check constraints (named after their one column), then
 * the primary key and unique/exclusion indexes, then foreign keys; later
 * CREATE INDEX statements follow.  Relation names (tables, indexes,
 * sequences) and constraint names are taken per schema.
 */
#include "sema.h"

#include <string.h>

typedef struct Names {
    NameSet *rels;
    NameSet *cons;
} Names;

static NameSet *set_of(Sema *s, Map *m, const char *schema)
{
    NameSet *set = map_get(m, schema);
    if (!set) {
        set = naming_set_new(s->arena);
        map_put(m, schema, set);
    }
    return set;
}

static Names names_of(Sema *s, const char *schema)
{
    return (Names){set_of(s, s->rel_names, schema),
                   set_of(s, s->con_names, schema)};
}

/* ChooseRelationName with isconstraint: free as relation and constraint. */
static char *choose_both(Sema *s, Names n, const char *name1,
                         const char *name2, const char *label)
{
    for (int pass = 0;; pass++) {
        const char *l = pass ? arena_printf(s->arena, "%s%d", label, pass)
                             : label;
        char *name = naming_make(s->arena, name1, name2, l);
        if (!naming_taken(n.rels, name) && !naming_taken(n.cons, name)) {
            naming_take(n.rels, name);
            naming_take(n.cons, name);
            return name;
        }
    }
}

static const char *joined(Sema *s, const Vec *idents)
{
    const char **cols = arena_alloc(s->arena, sizeof(char *) *
                                    (size_t)(idents->len + 1));
    for (int i = 0; i < idents->len; i++)
        cols[i] = ((Ident *)idents->items[i])->name;
    return naming_join_columns(s->arena, cols, idents->len);
}

/*
 * ChooseIndexColumnNames: a name repeated within one index gets a number
 * (a, a1), cut so that name and number fit 63 bytes.
 */
static const char *index_colnames(Sema *s, const Vec *elems)
{
    const char **cols = arena_alloc(s->arena, sizeof(char *) *
                                    (size_t)(elems->len + 1));
    for (int i = 0; i < elems->len; i++) {
        const char *orig = ((IndexElem *)elems->items[i])->colname;
        const char *cur = orig;
        for (int n = 1;; n++) {
            bool dup = false;
            for (int k = 0; k < i && !dup; k++)
                dup = strcmp(cols[k], cur) == 0;
            if (!dup)
                break;
            char num[16];
            snprintf(num, sizeof num, "%d", n);
            char *clip = naming_make(s->arena, orig, NULL, NULL);
            size_t room = PG_NAME_MAX - strlen(num), len = strlen(clip);
            while (len > room || (len > 0 &&
                   ((unsigned char)clip[len] & 0xC0) == 0x80))
                len--;
            cur = arena_printf(s->arena, "%.*s%s", (int)len, clip, num);
        }
        cols[i] = cur;
    }
    return naming_join_columns(s->arena, cols, elems->len);
}

static void take_given(Sema *s, Decl *d, Item *it)
{
    Names n = names_of(s, d->schema);
    if (it->kind == ITEM_INDEX && it->u.index->given.name)
        naming_take(n.rels, it->u.index->given.name);
    if (it->kind == ITEM_PARTITION) {
        QName *q = &it->u.partition->name;
        naming_take(names_of(s, q->schema ? q->schema : d->schema).rels,
                    q->name);
    }
    Vec cons = {0};
    if (it->kind == ITEM_CONSTRAINT)
        vec_push(s->arena, &cons, it->u.constraint);
    if (it->kind == ITEM_COLUMN)
        cons = it->u.column->cons;
    for (int i = 0; i < cons.len; i++) {
        Constraint *c = cons.items[i];
        if (!c->given.name)
            continue;
        c->name = c->given.name;
        naming_take(n.cons, c->name);
        if (c->kind == CON_PRIMARY_KEY || c->kind == CON_UNIQUE ||
            c->kind == CON_EXCLUDE)
            naming_take(n.rels, c->name);
    }
}

/* Names written in the schema are taken before any is chosen. */
void sema_take_given_names(Sema *s)
{
    for (int i = 0; i < s->prog->decls.len; i++) {
        Decl *d = s->prog->decls.items[i];
        if (d->kind == DECL_TABLE || d->kind == DECL_VIEW ||
            d->kind == DECL_MATVIEW || d->kind == DECL_TYPE)
            naming_take(names_of(s, d->schema).rels, d->name.name);
        if (d->kind == DECL_TABLE || d->kind == DECL_MATVIEW)
            for (int k = 0; k < d->items.len; k++)
                take_given(s, d, d->items.items[k]);
    }
}

/* Every constraint of the table, column ones in place, in written order. */
static void all_constraints(Sema *s, Decl *t, Vec *out)
{
    for (int i = 0; i < t->items.len; i++) {
        Item *it = t->items.items[i];
        if (it->kind == ITEM_CONSTRAINT)
            vec_push(s->arena, out, it->u.constraint);
        if (it->kind == ITEM_COLUMN)
            for (int k = 0; k < it->u.column->cons.len; k++)
                vec_push(s->arena, out, it->u.column->cons.items[k]);
    }
}

static void name_sequences(Sema *s, Decl *t, Names n)
{
    for (int i = 0; i < t->columns.len; i++) {
        Column *c = t->columns.items[i];
        bool identity = false;
        for (int k = 0; k < c->cons.len; k++)
            identity |= ((Constraint *)c->cons.items[k])->kind == CON_IDENTITY;
        if (c->serial || identity)
            c->sequence = naming_choose(s->arena, n.rels, t->name.name,
                                        c->name.name, "seq");
    }
}

static void name_constraints(Sema *s, Decl *t, Names n, Vec *cons)
{
    for (int i = 0; i < cons->len; i++) {
        Constraint *c = cons->items[i];
        if (c->kind == CON_CHECK && !c->name)
            c->name = naming_choose(s->arena, n.cons, t->name.name,
                                    c->only_column, "check");
    }
    if (t->pkey && !t->pkey->name)
        t->pkey->name = choose_both(s, n, t->name.name, NULL, "pkey");
    for (int i = 0; i < cons->len; i++) {
        Constraint *c = cons->items[i];
        if (c->name || c->redundant)
            continue;
        if (c->kind == CON_UNIQUE)
            c->name = choose_both(s, n, t->name.name, joined(s, &c->cols),
                                  "key");
        if (c->kind == CON_EXCLUDE)
            c->name = choose_both(s, n, t->name.name,
                                  index_colnames(s, &c->elems), "excl");
    }
    for (int i = 0; i < cons->len; i++) {
        Constraint *c = cons->items[i];
        if (c->kind == CON_FOREIGN_KEY && !c->name)
            c->name = naming_choose(s->arena, n.cons, t->name.name,
                                    joined(s, &c->cols), "fkey");
    }
}

void sema_table_names(Sema *s, Decl *t)
{
    Names n = names_of(s, t->schema);
    Vec cons = {0};
    if (t->kind == DECL_TABLE) {
        all_constraints(s, t, &cons);
        name_sequences(s, t, n);
        name_constraints(s, t, n, &cons);
    }
    for (int i = 0; i < t->items.len; i++) {
        Item *it = t->items.items[i];
        if (it->kind != ITEM_INDEX)
            continue;
        Index *ix = it->u.index;
        ix->name = ix->given.name ? ix->given.name
                 : naming_choose(s->arena, n.rels, t->name.name,
                                 index_colnames(s, &ix->elemv), "idx");
    }
}
