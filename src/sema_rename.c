/*
 * sema_rename.c — `renamed from OLD` checked, and the renames it implies.
 *
 * A rename names an object that exists under OLD in the database, so OLD
 * must differ from the new name, must not be declared as another object
 * of the same kind in the same scope (that one would be made, this one
 * renamed onto nothing), and must be renamed once only.
 *
 * PostgreSQL keeps the names it chose for a table's unnamed constraints
 * and indexes when the table or a column is renamed (t_pkey stays t_pkey
 * under t2), while the declaration names them after the new names
 * (t2_pkey).  So each such name that would have been different under the
 * old names gets an implied rename from what PostgreSQL chose then.
 */
#include "sema.h"

#include <string.h>

typedef struct Renames {
    Sema *s;
    Map *used;          /* scope \x1e old name -> const Token* */
    Map *indexes;       /* schema \x1f index name -> Index* */
} Renames;

/* One rename of new_name from `from` in scope; taken: OLD is declared. */
static void check(Renames *r, const char *scope, const Ident *from,
                  const char *new_name, bool taken, const char *what)
{
    if (!from->name)
        return;
    Sema *s = r->s;
    sema_check_length(s, from->tok, from->name, what);
    if (strcmp(from->name, new_name) == 0) {
        sema_error(s, from->tok, "%s \"%s\" is renamed from itself", what,
                   new_name);
        return;
    }
    if (taken) {
        sema_error(s, from->tok, "%s \"%s\" is renamed from \"%s\", which "
                   "is declared too", what, new_name, from->name);
        return;
    }
    const char *key = arena_printf(s->arena, "%s\x1e%s", scope, from->name);
    const Token *first = map_get(r->used, key);
    if (first) {
        sema_error(s, from->tok, "%s \"%s\" is renamed twice", what,
                   from->name);
        sema_note(s, first, "first renamed here");
        return;
    }
    map_put(r->used, key, (void *)from->tok);
}

static const char *scope_of(Renames *r, const char *what, const Decl *d)
{
    return arena_printf(r->s->arena, "%s\x1f%s\x1f%s", what, d->schema,
                        d->name.name);
}

/* ------------------------------------------------- names of a table */

static bool has_constraint(const Decl *t, const char *name,
                           const Constraint *but)
{
    for (int i = 0; i < t->items.len; i++) {
        const Item *it = t->items.items[i];
        const Vec *cons = it->kind == ITEM_COLUMN ? &it->u.column->cons
                                                  : NULL;
        if (it->kind == ITEM_CONSTRAINT && it->u.constraint != but &&
            it->u.constraint->name &&
            strcmp(it->u.constraint->name, name) == 0)
            return true;
        for (int k = 0; cons && k < cons->len; k++) {
            const Constraint *c = cons->items[k];
            if (c != but && c->name && strcmp(c->name, name) == 0)
                return true;
        }
    }
    return false;
}

static bool has_policy(const Decl *t, const char *name)
{
    for (int i = 0; i < t->items.len; i++) {
        const Item *it = t->items.items[i];
        if (it->kind == ITEM_POLICY &&
            strcmp(it->u.policy->name.name, name) == 0)
            return true;
    }
    return false;
}

/* The column's name before its rename. */
static const char *old_column(const Decl *t, const char *name)
{
    Column *c = sema_find_column((Decl *)t, name);
    return c && c->renamed_from.name ? c->renamed_from.name : name;
}

/* Columns (Ident*) by their old names, joined as in a chosen name. */
static const char *old_joined(Arena *a, const Decl *t, const Vec *cols,
                              bool new_names)
{
    const char **v = arena_alloc(a, sizeof(char *) *
                                 (size_t)(cols->len + 1));
    for (int i = 0; i < cols->len; i++) {
        const char *n = ((Ident *)cols->items[i])->name;
        v[i] = new_names ? n : old_column(t, n);
    }
    return naming_join_columns(a, v, cols->len);
}

static const char *elems_joined(Arena *a, const Decl *t, const Vec *elems,
                                bool new_names)
{
    const char **v = arena_alloc(a, sizeof(char *) *
                                 (size_t)(elems->len + 1));
    for (int i = 0; i < elems->len; i++) {
        const IndexElem *e = elems->items[i];
        v[i] = e->column && !new_names ? old_column(t, e->column)
                                       : e->colname;
    }
    return naming_join_columns(a, v, elems->len);
}

/*
 * The name PostgreSQL chose under the old names for a name chosen now,
 * or NULL when it is the same, or when the name was not the first choice
 * (a numbered one: which number it had then is not known).
 */
static const char *implied(Arena *a, const Decl *t, const char *now,
                           const char *cols_new, const char *cols_old,
                           const char *label)
{
    const char *old_t = t->renamed_from.name ? t->renamed_from.name
                                             : t->name.name;
    if (strcmp(naming_make(a, t->name.name, cols_new, label), now) != 0)
        return NULL;
    const char *old = naming_make(a, old_t, cols_old, label);
    return strcmp(old, now) == 0 ? NULL : old;
}

static void imply(Ident *from, const Token *at, const char *old)
{
    if (old && !from->name)
        *from = (Ident){at, old};
}

static void imply_constraint(Renames *r, const Decl *t, Constraint *c)
{
    Arena *a = r->s->arena;
    const char *old = NULL;
    if (c->given.name || c->renamed_from.name || !c->name || c->redundant)
        return;
    switch (c->kind) {
    case CON_CHECK:
        old = implied(a, t, c->name, c->only_column,
                      c->only_column ? old_column(t, c->only_column) : NULL,
                      "check");
        break;
    case CON_PRIMARY_KEY: old = implied(a, t, c->name, NULL, NULL, "pkey");
        break;
    case CON_UNIQUE:
    case CON_FOREIGN_KEY:
        old = implied(a, t, c->name, old_joined(a, t, &c->cols, true),
                      old_joined(a, t, &c->cols, false),
                      c->kind == CON_UNIQUE ? "key" : "fkey");
        break;
    case CON_NOT_NULL: case CON_NULL: case CON_DEFAULT: case CON_EXCLUDE:
    case CON_GENERATED: case CON_IDENTITY: case CON_COLLATE:
    case CON_BACKFILL:
        break;
    }
    if (old && !has_constraint(t, old, c))
        imply(&c->renamed_from, c->tok, old);
}

static void imply_index(Renames *r, const Decl *t, Index *ix)
{
    Arena *a = r->s->arena;
    if (ix->given.name || ix->renamed_from.name)
        return;
    const char *old = implied(a, t, ix->name,
                              elems_joined(a, t, &ix->elemv, true),
                              elems_joined(a, t, &ix->elemv, false), "idx");
    if (old && !map_get(r->indexes, sema_key(r->s, t->schema, old)))
        imply(&ix->renamed_from, ix->tok, old);
}

/* --------------------------------------------------------- checks */

static void check_constraints(Renames *r, const Decl *t, Constraint *c,
                              bool renamed)
{
    if (c->name && c->renamed_from.name)
        check(r, scope_of(r, "constraint", t), &c->renamed_from, c->name,
              has_constraint(t, c->renamed_from.name, c), "constraint");
    if (renamed)
        imply_constraint(r, t, c);
}

static void check_item(Renames *r, Decl *t, Item *it, bool renamed)
{
    if (it->kind == ITEM_COLUMN) {
        Column *c = it->u.column;
        if (renamed && c->sequence)
            c->sequence_renamed_from = implied(r->s->arena, t, c->sequence,
                                               c->name.name,
                                               old_column(t, c->name.name),
                                               "seq");
        check(r, scope_of(r, "column", t), &c->renamed_from, c->name.name,
              c->renamed_from.name &&
                  sema_find_column(t, c->renamed_from.name) != NULL,
              "column");
        for (int k = 0; k < c->cons.len; k++)
            check_constraints(r, t, c->cons.items[k], renamed);
    } else if (it->kind == ITEM_CONSTRAINT) {
        check_constraints(r, t, it->u.constraint, renamed);
    } else if (it->kind == ITEM_INDEX) {
        Index *ix = it->u.index;
        check(r, arena_printf(r->s->arena, "index\x1f%s", t->schema),
              &ix->renamed_from, ix->name, ix->renamed_from.name &&
                  map_get(r->indexes, sema_key(r->s, t->schema,
                                               ix->renamed_from.name)),
              "index");
        if (renamed)
            imply_index(r, t, ix);
    } else if (it->kind == ITEM_POLICY) {
        Policy *p = it->u.policy;
        check(r, scope_of(r, "policy", t), &p->renamed_from, p->name.name,
              p->renamed_from.name && has_policy(t, p->renamed_from.name),
              "policy");
    }
}

/* Does the table or one of its columns say it was renamed? */
static bool table_renamed(const Decl *t)
{
    if (t->renamed_from.name)
        return true;
    for (int i = 0; i < t->columns.len; i++)
        if (((Column *)t->columns.items[i])->renamed_from.name)
            return true;
    return false;
}

static bool function_declared(Sema *s, const Decl *fn, const char *name)
{
    Vec *v = map_get(s->functions, sema_key(s, fn->schema, name));
    for (int i = 0; v && i < v->len; i++) {
        const Decl *g = v->items[i];
        if (g != fn && g->argtypes && strcmp(g->argtypes, fn->argtypes) == 0)
            return true;
    }
    return false;
}

static void check_labels(Renames *r, const Decl *e)
{
    for (int i = 0; i < e->enum_renamed.len; i++) {
        const Ident *from = e->enum_renamed.items[i];
        const Ident *label = e->enum_labels.items[i];
        bool taken = false;
        for (int k = 0; from->name && k < e->enum_labels.len; k++)
            taken |= k != i && strcmp(((Ident *)e->enum_labels.items[k])
                                          ->name, from->name) == 0;
        check(r, scope_of(r, "label", e), from, label->name, taken,
              "enum label");
    }
}

static void check_decl(Renames *r, Decl *d)
{
    Sema *s = r->s;
    const char *rel = arena_printf(s->arena, "relation\x1f%s", d->schema);
    if (d->kind == DECL_TABLE) {
        check(r, rel, &d->renamed_from, d->name.name, d->renamed_from.name &&
              sema_find_relation(s, d->schema, d->renamed_from.name), "table");
        bool renamed = table_renamed(d);
        for (int i = 0; i < d->items.len; i++)
            check_item(r, d, d->items.items[i], renamed);
    } else if (d->kind == DECL_VIEW || d->kind == DECL_MATVIEW) {
        check(r, rel, &d->renamed_from, d->name.name, d->renamed_from.name &&
              sema_find_relation(s, d->schema, d->renamed_from.name), "view");
    } else if (d->kind == DECL_FUNCTION) {
        check(r, arena_printf(s->arena, "function\x1f%s\x1f%s", d->schema,
                              d->argtypes ? d->argtypes : ""),
              &d->renamed_from, d->name.name, d->renamed_from.name &&
              function_declared(s, d, d->renamed_from.name), "function");
    } else if (d->kind == DECL_ENUM) {
        check_labels(r, d);
    }
}

void sema_renames(Sema *s)
{
    Renames r = {s, map_new(s->arena), map_new(s->arena)};
    for (int i = 0; i < s->prog->decls.len; i++) {
        Decl *d = s->prog->decls.items[i];
        for (int k = 0; d->kind == DECL_TABLE && k < d->items.len; k++) {
            Item *it = d->items.items[k];
            if (it->kind == ITEM_INDEX)
                map_put(r.indexes, sema_key(s, d->schema, it->u.index->name),
                        it->u.index);
        }
    }
    for (int i = 0; i < s->prog->decls.len; i++)
        check_decl(&r, s->prog->decls.items[i]);
}
