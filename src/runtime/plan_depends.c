/*
 * plan_depends.c — making way for a change PostgreSQL refuses while
 * other objects stand on what changes.
 *
 * The changes: a column's type (ALTER COLUMN ... TYPE fails while a view,
 * policy or trigger reads the column), a column dropped, a view or
 * materialized view or function made again.  What depends on each comes
 * from the live pg_depend (depends.c), followed to the end: a view on a
 * view on the column goes too.  Each dependent is dropped before what it
 * depends on, deepest first; a declared one is marked to be made again,
 * so its canonical statements (and its grants and comment) run at its
 * place in the dependency order, after the change.  An undeclared one on
 * a declared table is dropped, as verify would have it; any other
 * undeclared dependent stops the plan: schemac never drops what it was
 * not told about to make room.
 *
 * Indexes and constraints on a column whose type changes are rebuilt by
 * PostgreSQL itself, so they stay.
 */
#include "plan.h"

#include <stdlib.h>
#include <string.h>

static int by_key(const void *a, const void *b)
{
    return strcmp(((const Declared *)a)->key, ((const Declared *)b)->key);
}

/* Sorted when first asked: a plan with nothing to make way for asks
 * nothing. */
static void index_declared(State *st)
{
    if (st->by_key)
        return;
    st->by_key = sctl_xmalloc(sizeof *st->by_key *
                              (size_t)(st->s->nobjects + 1));
    for (int i = 0; i < st->s->nobjects; i++)
        if (st->d->keys[i])
            st->by_key[st->nby_key++] = (Declared){st->d->keys[i], i};
    qsort(st->by_key, (size_t)st->nby_key, sizeof *st->by_key, by_key);
}

int plan_declared(State *st, const char *key)
{
    index_declared(st);
    Declared k = {key, -1};
    const Declared *hit = st->by_key ? bsearch(&k, st->by_key,
                                               (size_t)st->nby_key,
                                               sizeof k, by_key)
                                     : NULL;
    return hit ? hit->object : -1;
}

bool plan_gone(State *st, const char *key)
{
    for (int i = 0; i < st->ngone; i++)
        if (strcmp(st->gone[i], key) == 0)
            return true;
    if (st->ngone == st->capgone) {
        st->capgone = st->capgone ? st->capgone * 2 : 16;
        st->gone = sctl_xrealloc(st->gone,
                                 sizeof *st->gone * (size_t)st->capgone);
    }
    st->gone[st->ngone++] = sctl_xstrdup(key);
    return false;
}

/* The parts of a key: kind word, then up to three names. */
static int key_parts(const char *key, char *part[4])
{
    int n = 0;
    for (const char *p = key; n < 4;) {
        size_t len = strcspn(p, "\x1f");
        part[n++] = sctl_xstrndup(p, len);
        if (!p[len])
            break;
        p += len + 1;
    }
    return n;
}

/* "view public.v": a key as a reader of messages wants it. */
char *plan_key_words(const char *key)
{
    char *part[4] = {0};
    int n = key_parts(key, part);
    SctlBuf b = {0};
    sctl_buf_puts(&b, part[0]);
    for (int k = 1; k < n; k++)
        if (part[k][0])
            sctl_buf_printf(&b, "%s%s", k == 1 ? " " : ".", part[k]);
    for (int k = 0; k < n; k++)
        free(part[k]);
    return sctl_buf_take(&b);
}

/* The drop of a live object by its key and kind (declared object i, or
 * -1).  Views and materialized views are told apart by the live facet. */
static void drop_key(State *st, int i, SctlKind kind, const char *key)
{
    char *p[4] = {0};
    int n = key_parts(key, p);
    const char *sch = n > 1 ? p[1] : NULL, *tbl = n > 2 ? p[2] : NULL;
    const char *name = n > 3 ? p[3] : tbl;
    switch (kind) {
    case SCTL_K_VIEW: {
        const SctlFacet *f = sctl_facet(st->live, key);
        SHAPE(st, i, sctl_same(sctl_field(f, "kind"), "m")
                     ? SCTL_SHAPE_DROP_MATVIEW : SCTL_SHAPE_DROP_VIEW,
              sch, name);
        break;
    }
    case SCTL_K_POLICY: SHAPE(st, i, SCTL_SHAPE_DROP_POLICY, name, sch, tbl);
        break;
    case SCTL_K_TRIGGER:
        SHAPE(st, i, SCTL_SHAPE_DROP_TRIGGER, name, sch, tbl);
        break;
    case SCTL_K_INDEX: SHAPE(st, i, SCTL_SHAPE_DROP_INDEX, sch, name); break;
    case SCTL_K_CONSTRAINT:
        SHAPE(st, i, SCTL_SHAPE_DROP_CONSTRAINT, sch, tbl, name);
        break;
    case SCTL_K_FUNCTION:
        if (i >= 0)
            SHAPE(st, i, SCTL_SHAPE_DROP_FUNCTION, obj(st, i)->signature);
        break;
    case SCTL_K_ROLE:
    case SCTL_K_SCHEMA:
    case SCTL_K_EXTENSION:
    case SCTL_K_TYPE:
    case SCTL_K_TABLE:
    case SCTL_K_COLUMN:
    case SCTL_K_BUCKET:
    case SCTL_K_PUBLICATION:
    case SCTL_K_PUBLICATION_TABLE:
    case SCTL_K_SEQUENCE:
    case SCTL_K_ROWS:
        break;
    }
    for (int k = 0; k < n; k++)
        free(p[k]);
}

/* A view or materialized view dropped takes its indexes (and triggers)
 * with it, without a pg_depend edge of the normal kind: the declared ones
 * are made again with it. */
static void parts_go_too(State *st, int i)
{
    if (i < 0 || obj(st, i)->kind != SCTL_K_VIEW)
        return;
    for (int k = 0; k < st->s->nobjects; k++)
        if (obj(st, k)->parent == i && !st->missing[k])
            st->recreate[k] = true;
}

/* Is key a part (policy, trigger, ...) of a table the schema declares?
 * Then verify calls it extra, and dropping it is what apply does anyway. */
static bool part_of_declared_table(State *st, const char *key)
{
    char *p[4] = {0};
    int n = key_parts(key, p);
    bool yes = false;
    if (n == 4) {
        SctlObject t = {.kind = SCTL_K_TABLE, .schema = p[1], .name = p[2]};
        char *tk = sctl_object_key(&t);
        yes = plan_declared(st, tk) >= 0;
        free(tk);
    }
    for (int k = 0; k < n; k++)
        free(p[k]);
    return yes;
}


/* One dependent: what depends on it goes first, then it. */
static void remove_dependent(State *st, const SctlDependent *dp,
                             const char *because, bool type_change)
{
    int i = plan_declared(st, dp->key);
    if (dp->is_generated) {
        /* PostgreSQL 15 can neither alter nor drop a generation in a way
         * that keeps the column where it is */
        char *w = plan_key_words(dp->key);
        add(st, -1, NULL, i)->why = sctl_printf(
            "generated %s reads %s, which PostgreSQL cannot change under "
            "it", w, because);
        free(w);
        return;
    }
    if (dp->is_default) {
        /* A default reads the object; the column itself stays. */
        if (i >= 0 && obj(st, i)->default_expr && !st->missing[i]) {
            const SctlObject *o = obj(st, i);
            SHAPE(st, i, SCTL_SHAPE_DROP_DEFAULT, o->schema, o->table,
                  o->name);
            st->redefault[i] = true;
        } else if (i < 0) {
            char *w = plan_key_words(dp->key);
            add(st, -1, NULL, -1)->why = sctl_printf(
                "the default of undeclared %s depends on %s", w, because);
            free(w);
        }
        return;
    }
    if (dp->kind == SCTL_K_COLUMN)
        return;     /* a column of the type: the type's change handles it */
    if (type_change && (dp->kind == SCTL_K_INDEX ||
                        dp->kind == SCTL_K_CONSTRAINT))
        return;     /* PostgreSQL rebuilds these itself */
    if (i >= 0 && st->recreate[i])
        return;
    if (plan_gone(st, dp->key))
        return;
    char *w = plan_key_words(dp->key);
    if (i < 0 && !part_of_declared_table(st, dp->key)) {
        add(st, -1, NULL, -1)->why = sctl_printf(
            "%s depends on %s and is not declared: declare it, or drop it "
            "first", w, because);
        free(w);
        return;
    }
    plan_make_way(st, dp->key, w, false);
    drop_key(st, i, dp->kind, dp->key);
    if (i >= 0)
        st->recreate[i] = true;
    parts_go_too(st, i);
    free(w);
}

void plan_dependents_of(State *st, const char *key,
                        const SctlDependent **out, int *n)
{
    st->out->asked_depends = true;
    sctl_depends_on(st->deps, key, out, n);
}

void plan_make_way(State *st, const char *key, const char *because,
                   bool type_change)
{
    const SctlDependent *deps;
    int n;
    plan_dependents_of(st, key, &deps, &n);
    for (int k = 0; k < n; k++)
        remove_dependent(st, &deps[k], because, type_change);
}

/* The first line and the RETURNS line of pg_get_functiondef's text: what
 * CREATE OR REPLACE cannot change. */
static bool same_header(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    const char *ra = strstr(a, "\n RETURNS "), *rb = strstr(b, "\n RETURNS ");
    size_t la = ra ? (size_t)(ra - a) : strcspn(a, "\n");
    size_t lb = rb ? (size_t)(rb - b) : strcspn(b, "\n");
    if (la != lb || strncmp(a, b, la) != 0)
        return false;
    if (!ra || !rb)
        return ra == rb;
    return strcspn(ra + 1, "\n") == strcspn(rb + 1, "\n") &&
           strncmp(ra + 1, rb + 1, strcspn(ra + 1, "\n")) == 0;
}

/* A view (plain or materialized) or function made again: it and what
 * depends on it go. */
static void remake(State *st, int i)
{
    char *w = plan_key_words(st->d->keys[i]);
    plan_gone(st, st->d->keys[i]);
    plan_make_way(st, st->d->keys[i], w, false);
    drop_key(st, i, obj(st, i)->kind, st->d->keys[i]);
    st->recreate[i] = true;
    parts_go_too(st, i);
    free(w);
}

static bool definition_changed(State *st, int i)
{
    return !st->missing[i] && decl_of(st, i) && live_of(st, i) &&
           !sctl_platform_object(obj(st, i)) &&   /* never the platform's */
           !sctl_same(sctl_field(live_of(st, i), "definition"),
                      sctl_field(decl_of(st, i), "definition"));
}

void plan_dependents(State *st)
{
    for (int i = 0; i < st->s->nobjects; i++) {
        const SctlObject *o = obj(st, i);
        if (st->recreate[i] || !definition_changed(st, i)) {
            if (o->kind == SCTL_K_VIEW && !st->missing[i] && decl_of(st, i) &&
                live_of(st, i) && !st->recreate[i] &&
                differs(st, i, "kind"))
                remake(st, i);
            continue;
        }
        if (o->kind == SCTL_K_VIEW)
            remake(st, i);
        else if (o->kind == SCTL_K_FUNCTION &&
                 !same_header(sctl_field(live_of(st, i), "definition"),
                              sctl_field(decl_of(st, i), "definition")))
            remake(st, i);
    }
    for (int i = 0; i < st->s->nobjects; i++) {
        const SctlObject *o = obj(st, i);
        if (o->kind != SCTL_K_COLUMN || sctl_platform_object(o) ||
            st->missing[i] || !decl_of(st, i) ||
            !live_of(st, i) || !o->type ||
            (!differs(st, i, "type") && !differs(st, i, "collation")))
            continue;
        char *w = plan_key_words(st->d->keys[i]);
        plan_make_way(st, st->d->keys[i], w, true);
        free(w);
    }
}

/* Columns that are not declared and will be dropped: what reads them goes
 * first (a declared view that still reads one fails later, as it must). */
void plan_dependents_of_extra_column(State *st, const SctlFacet *f)
{
    char *w = plan_key_words(f->key);
    plan_make_way(st, f->key, w, false);
    free(w);
}
