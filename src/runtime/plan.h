/*
 * plan.h — what the parts of the planner share (plan.c, plan_depends.c,
 * plan_rows.c): the state of one planning and the small helpers that add
 * steps to it.  Private to the planner; schemactl.h is the interface.
 */
#ifndef SCTL_PLAN_H
#define SCTL_PLAN_H

#include "schemactl.h"

typedef struct Declared {
    const char *key;
    int object;
} Declared;

typedef struct State {
    const SctlSchema *s;
    const SctlDeclared *d;
    const SctlFacets *live;
    const SctlDepends *deps;  /* NULL: nothing known to depend on anything */
    bool *missing;       /* absent from the live catalog */
    bool *recreate;      /* dropped below, to be made again */
    bool *redefault;     /* its default dropped below, to be set again */
    bool *rebuild;       /* an enum made again under its own name */
    int *retype;         /* a column of such an enum: the enum, else -1 */
    bool *acl_done;      /* privileges already repaired */
    bool *defacl_done;   /* default privileges already repaired */
    int *first_child;    /* a table's first part made by CREATE TABLE */
    int *next_child;     /* the next part of the same table, or -1 */
    const SctlFacet **live_f;   /* each object's live facet, or NULL */
    const SctlFacet **decl_f;   /* and its declared one: looked up once */
    Declared *by_key;    /* declared objects sorted by key */
    int nby_key;
    char **gone;         /* keys of undeclared objects dropped so far */
    int ngone, capgone;
    SctlPlan *out;
} State;

static inline SctlStep *add(State *st, int statement, char *sql, int object)
{
    return sctl_plan_add(st->out, statement, sql, object);
}

static inline void put_buf(void *to, const char *s, size_t n)
{
    sctl_buf_put(to, s, n);
}

/* A repair of fixed shape for object (or -1: an undeclared one). */
/* A shape written with its arguments (malloc'd), or NULL when they cannot
 * fill its holes. */
static inline char *shape_text(SctlShape sh, const char *const *args)
{
    SctlBuf b = {0};
    if (sctl_shape_write((SctlOut){put_buf, &b}, sh, args))
        return sctl_buf_take(&b);
    sctl_buf_free(&b);
    return NULL;
}

static inline SctlStep *add_shape(State *st, int object, SctlShape sh,
                           const char *const *args)
{
    char *sql = shape_text(sh, args);
    SctlStep *step = add(st, -1, sql, object);
    if (sql)
        step->shape = (int)sh;
    else
        step->why = sctl_printf("cannot write the repair %s for these names",
                                sctl_shape_names[sh]);
    return step;
}

#define SHAPE(st, o, sh, ...) \
    add_shape(st, o, sh, (const char *const[]){__VA_ARGS__, NULL})

static inline const SctlFacet *live_of(State *st, int i)
{
    return st->live_f[i];
}

static inline const SctlFacet *decl_of(State *st, int i)
{
    return st->decl_f[i];
}

static inline bool differs(State *st, int i, const char *name)
{
    const SctlFacet *l = live_of(st, i), *d = decl_of(st, i);
    return !sctl_facet_shared(l, d) &&
           !sctl_same(sctl_field(l, name), sctl_field(d, name));
}

static inline const SctlObject *obj(State *st, int i)
{
    return &st->s->objects[i];
}


/* The row check of a step, written from a shape. */
static inline void set_probe(SctlStep *step, SctlProbeKind kind, SctlShape sh,
                      const char *const *args)
{
    step->probe = shape_text(sh, args);
    if (step->probe)
        step->probe_kind = kind;
}

#define PROBE(step, kind, sh, ...) \
    set_probe(step, kind, sh, (const char *const[]){__VA_ARGS__, NULL})

/* ------------------------------------------------------ plan_depends.c */

/* Whether key was dropped (or found in the way) already; from now on it
 * is. */
bool plan_gone(State *st, const char *key);
/* The declared object with facet key key, or -1. */
int plan_declared(State *st, const char *key);
/* What depends on the live object key (st->deps, none when NULL); the
 * plan notes it asked (SctlPlan.asked_depends). */
void plan_dependents_of(State *st, const char *key,
                        const SctlDependent **out, int *n);
/* "view public.v": a key as a reader of messages wants it (malloc'd). */
char *plan_key_words(const char *key);
/* Drops what depends on the live object key (because: its name in
 * messages), deepest first, marking declared ones to be made again; with
 * type_change, indexes and constraints stay (PostgreSQL rebuilds them). */
void plan_make_way(State *st, const char *key, const char *because,
                   bool type_change);
/* Drops what depends on the live objects that are about to change in a
 * way PostgreSQL refuses while anything depends on them (a column's type,
 * a view or function made again, a column dropped), deepest first; the
 * declared ones are marked to be made again. */
void plan_dependents(State *st);
/* The same for an undeclared column about to be dropped. */
void plan_dependents_of_extra_column(State *st, const SctlFacet *f);

/* -------------------------------------------------- plan_replication.c */

/* A publication's settings changed in place (what it publishes), or
 * refused (for all tables, or not). */
void plan_publication(State *st, int i);
/* Whether the SWITCH statement k of object i is to run again: it sets a
 * replica identity the table does not have, or the owner a sequence
 * does not have. */
bool plan_switch_again(State *st, int k, int i);
/* Whether declared rows are missing or hold other values (the rows not
 * declared are the `exact` delete's business). */
bool plan_rows_differ(State *st, int i);
/* A sequence's options, where they differ, all set again. */
void plan_sequence(State *st, int i);
/* A replica identity the schema does not declare set back to default. */
void plan_replica_default(State *st, int i);

/* -------------------------------------------------------- plan_enums.c */

/* Labels added where the schema puts them (committed first: PostgreSQL
 * lets no one use a label in the transaction that added it). */
void plan_enum_labels(State *st, int i);
/* Enums whose labels were removed or reordered are made again: the old
 * renamed away, what depends on it dropped (plan_dependents' way), the
 * columns converted at their table, the old dropped at the end. */
void plan_enum_rebuilds(State *st);
/* The columns of rebuilt enums converted through text. */
bool plan_enum_column(State *st, int c);
void plan_enum_drop_old(State *st);

/* ---------------------------------------------------- plan_default_acl.c */

/* Schema or role i's default privileges, where they differ (once). */
void plan_default_acl_of(State *st, int i);
/* Those of every schema and role not repaired yet. */
void plan_default_acl(State *st);

/* --------------------------------------------------- plan_undeclared.c */

/* Drops of the undeclared objects: those nothing declared depends on
 * (late false, first of all), or the others (late true, last). */
void plan_undeclared(State *st, const SctlUndeclaredList *l, bool late);

#endif
