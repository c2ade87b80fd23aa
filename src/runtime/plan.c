/*
 * plan.c — from differences to the steps that remove them.
 *
 * First the drops: undeclared parts of declared tables (triggers,
 * policies, constraints, indexes; columns only with --allow-data-loss),
 * then declared parts whose definition changed and that PostgreSQL cannot
 * alter in place (they are made again below).  Then, in the canonical
 * statements' order (dependency order), what each object needs: its own
 * canonical statements when it is missing, else the repairs of what
 * differs.  A canonical statement runs as the very bytes auditors read in
 * generated/NAME.sql; a repair is one of the fixed shapes of
 * src/common/objects.h, written from names and checked text through the
 * one quoting function (the compiler parsed each one at build time).
 */
#include "plan.h"

#include <stdlib.h>
#include <string.h>

SctlStep *sctl_plan_add(SctlPlan *p, int statement, char *sql, int object)
{
    if (p->len == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 64;
        p->steps = sctl_xrealloc(p->steps, sizeof *p->steps * (size_t)p->cap);
    }
    SctlStep *step = &p->steps[p->len++];
    *step = (SctlStep){.statement = statement, .sql = sql, .object = object,
                       .shape = -1};
    return step;
}

/* The text of object i's MAKE statement after "CREATE ". */
static const char *after_create(State *st, int i)
{
    return sctl_after_create(st->s->statements[obj(st, i)->make].sql);
}

/* ----------------------------------------------------------- drops */

/* Drops of undeclared parts, in an order that never trips a dependency. */
static void drop_extra(State *st, const SctlFacet *f, int pass)
{
    static const SctlKind order[] = {SCTL_K_TRIGGER, SCTL_K_POLICY,
                                     SCTL_K_CONSTRAINT, SCTL_K_CONSTRAINT,
                                     SCTL_K_INDEX, SCTL_K_COLUMN};
    bool fkey = sctl_same(sctl_field(f, "type"), "f");
    const char *sch = f->schema, *t = f->table, *n = f->name;
    if (f->kind == SCTL_K_PUBLICATION_TABLE) {   /* first: it holds none */
        if (pass == 0 && !plan_gone(st, f->key))
            SHAPE(st, -1, SCTL_SHAPE_DROP_PUBLICATION_TABLE, n, sch, t);
        return;
    }
    if (f->kind != order[pass] || (pass == 2 && !fkey) || (pass == 3 && fkey))
        return;
    if (plan_gone(st, f->key))
        return;
    if (f->kind == SCTL_K_TRIGGER)
        SHAPE(st, -1, SCTL_SHAPE_DROP_TRIGGER, n, sch, t);
    else if (f->kind == SCTL_K_POLICY)
        SHAPE(st, -1, SCTL_SHAPE_DROP_POLICY, n, sch, t);
    else if (f->kind == SCTL_K_INDEX)
        SHAPE(st, -1, SCTL_SHAPE_DROP_INDEX, sch, n);
    else if (f->kind == SCTL_K_CONSTRAINT)
        SHAPE(st, -1, SCTL_SHAPE_DROP_CONSTRAINT, sch, t, n);
    else {
        plan_dependents_of_extra_column(st, f);
        SHAPE(st, -1, SCTL_SHAPE_DROP_COLUMN, sch, t, n)->data_loss = true;
    }
}

/* Fields that are the object's definition (not grants, not comments). */
static bool definition_differs(State *st, int i)
{
    const SctlFacet *d = decl_of(st, i);
    for (int k = 0; d && k < d->nfields; k++) {
        const char *name = d->fields[k].name;
        if (strcmp(name, "acl") != 0 && strcmp(name, "comment") != 0 &&
            differs(st, i, name))
            return true;
    }
    return false;
}

/* The drop that makes way for object i to be made again, or false. */
static bool drop_for_remake(State *st, int i)
{
    const SctlObject *o = obj(st, i);
    const char *s = o->schema, *t = o->table, *n = o->name;
    switch (o->kind) {
    case SCTL_K_CONSTRAINT: SHAPE(st, i, SCTL_SHAPE_DROP_CONSTRAINT, s, t, n);
        return true;
    case SCTL_K_INDEX: SHAPE(st, i, SCTL_SHAPE_DROP_INDEX, s, n); return true;
    case SCTL_K_POLICY: SHAPE(st, i, SCTL_SHAPE_DROP_POLICY, n, s, t);
        return true;
    case SCTL_K_TRIGGER: SHAPE(st, i, SCTL_SHAPE_DROP_TRIGGER, n, s, t);
        return true;
    case SCTL_K_PUBLICATION_TABLE:
        SHAPE(st, i, SCTL_SHAPE_DROP_PUBLICATION_TABLE, n, s, t);
        return true;
    case SCTL_K_PUBLICATION:    /* changed in place (plan_publication) */
    case SCTL_K_SEQUENCE:       /* changed in place */
    case SCTL_K_ROWS:           /* upserted again */
    case SCTL_K_VIEW:       /* made way for with their dependents */
    case SCTL_K_ROLE:
    case SCTL_K_SCHEMA:
    case SCTL_K_EXTENSION:
    case SCTL_K_TYPE:
    case SCTL_K_TABLE:
    case SCTL_K_COLUMN:
    case SCTL_K_FUNCTION:
    case SCTL_K_BUCKET:
        break;
    }
    return false;
}

/* Parts PostgreSQL cannot alter in place are dropped and made again.  An
 * inline constraint is made again by ADD, so it needs its definition. */
static void drop_changed(State *st)
{
    for (int i = 0; i < st->s->nobjects; i++) {
        const SctlObject *o = obj(st, i);
        if (st->missing[i] || st->recreate[i] || !decl_of(st, i) ||
            !definition_differs(st, i) ||
            (o->inline_in_parent && !o->definition))
            continue;
        if (o->make < 0 && !o->inline_in_parent)
            continue;
        if (drop_for_remake(st, i))
            st->recreate[i] = true;
    }
}

/* ------------------------------------------------------ privileges */

/* Does a comma-separated list ("a:SELECT,b:INSERT*", role names) hold
 * item? */
static bool list_has(const char *list, const char *item, size_t len)
{
    for (const char *p = list; p && *p;) {
        size_t n = strcspn(p, ",");
        if (n == len && strncmp(p, item, len) == 0)
            return true;
        p += n + (p[n] == ',');
    }
    return false;
}

/* One GRANT or REVOKE of privilege priv to or from grantee. */
static void acl_step(State *st, int i, SctlShape sh, const char *priv,
                     const char *grantee)
{
    const char *args[6];
    sctl_acl_args(obj(st, i), priv, grantee, args);
    add_shape(st, i, sh, args);
}

/* A GRANT or REVOKE for each item "grantee:PRIV[*]" of `from` not in
 * `other`. */
static void acl_items(State *st, int i, const char *from, const char *other,
                      bool grant)
{
    SctlShape shapes[3];
    if (!sctl_acl_shapes(obj(st, i)->kind, shapes))
        return;
    for (const char *p = from; p && *p;) {
        size_t n = strcspn(p, ",");
        if (!list_has(other, p, n)) {
            char *item = sctl_xstrndup(p, n);
            char *colon = strrchr(item, ':');
            bool option = item[n - 1] == '*';
            if (option)
                item[n - 1] = '\0';
            if (colon) {
                *colon = '\0';
                acl_step(st, i, !grant ? shapes[2] : option ? shapes[1]
                                                           : shapes[0],
                         colon + 1, item);
            }
            free(item);
        }
        p += n + (p[n] == ',');
    }
}

static void fix_acl(State *st, int i)
{
    if (st->acl_done[i] || !obj(st, i)->grants_declared || st->missing[i] ||
        !decl_of(st, i) || !differs(st, i, "acl"))
        return;
    st->acl_done[i] = true;
    const char *live = sctl_field(live_of(st, i), "acl");
    const char *decl = sctl_field(decl_of(st, i), "acl");
    acl_items(st, i, live, decl, false);
    acl_items(st, i, decl, live, true);
}

/* Role memberships: "a,b" lists of roles the role is a member of. */
static void fix_membership(State *st, int i)
{
    if (st->acl_done[i] || st->missing[i] || !differs(st, i, "member_of"))
        return;
    st->acl_done[i] = true;
    const char *lists[2] = {sctl_field(live_of(st, i), "member_of"),
                            sctl_field(decl_of(st, i), "member_of")};
    for (int side = 0; side < 2; side++)
        for (const char *p = lists[side]; p && *p;) {
            size_t n = strcspn(p, ",");
            if (!list_has(lists[!side], p, n)) {
                char *role = sctl_xstrndup(p, n);
                SHAPE(st, i, side ? SCTL_SHAPE_GRANT_ROLE
                                  : SCTL_SHAPE_REVOKE_ROLE,
                      role, obj(st, i)->name);
                free(role);
            }
            p += n + (p[n] == ',');
        }
}

/* ------------------------------------------------ columns and types */

/* Type changes that keep every value: wider integers, floats, longer or
 * unbounded strings and numerics. */
static bool widening(const char *from, const char *to)
{
    static const char *const chains[][3] = {
        {"smallint", "integer", "bigint"},
        {"real", "double precision", ""},
    };
    for (int c = 0; c < 2; c++)
        for (int a = 0; a < 3; a++)
            for (int b = a + 1; b < 3; b++)
                if (strcmp(from, chains[c][a]) == 0 &&
                    strcmp(to, chains[c][b]) == 0)
                    return true;
    static const char *const stems[] = {"character varying", "numeric",
                                        NULL};
    for (int k = 0; stems[k]; k++) {
        size_t n = strlen(stems[k]);
        if (strncmp(from, stems[k], n) != 0 || strncmp(to, stems[k], n) != 0)
            continue;
        if (to[n] == '\0')
            return true;  /* bounded to unbounded */
        long fa = 0, fb = 0, ta = 0, tb = 0;
        if (sscanf(from + n, "(%ld,%ld)", &fa, &fb) >= 1 &&
            sscanf(to + n, "(%ld,%ld)", &ta, &tb) >= 1)
            return ta >= fa && tb == fb && (tb == 0 || ta - tb >= fa - fb);
    }
    return strncmp(from, "character varying", 17) == 0 &&
           strcmp(to, "text") == 0;
}

/* A check written by the compiler (a constraint's or unique index's). */
static void set_checked_probe(SctlStep *step, const SctlObject *o)
{
    if (o->probe) {
        step->probe = sctl_xstrdup(o->probe);
        step->probe_kind = SCTL_PROBE_BREAKS;
    }
}

/* Default, nullability and type of a column that exists. */
static void change_column(State *st, int i)
{
    const SctlObject *o = obj(st, i);
    const SctlFacet *d = decl_of(st, i);
    const char *s = o->schema, *t = o->table, *n = o->name;
    bool converted = plan_enum_column(st, i);   /* before its default */
    if (differs(st, i, "identity") || differs(st, i, "generated"))
        add(st, -1, NULL, i)->why = sctl_xstrdup(
            "identity or generation of a column cannot change in place");
    /* the type first: a default is then set in the new type */
    if (!converted && (differs(st, i, "type") || differs(st, i, "collation")) &&
        o->type) {
        const char *from = sctl_field(live_of(st, i), "type");
        const char *to = sctl_field(d, "type");
        SctlStep *step = SHAPE(st, i, SCTL_SHAPE_ALTER_TYPE, s, t, n,
                               o->type);
        step->data_loss = !sctl_same(from, to) &&
                          !(from && to && widening(from, to));
        if (step->data_loss)    /* how many values it would change */
            PROBE(step, SCTL_PROBE_LOST_VALUES,
                  SCTL_SHAPE_COUNT_CHANGED_BY_TYPE,
                  s, t, n, n, n, o->type);
    }
    if (differs(st, i, "default") || st->redefault[i]) {
        if (sctl_field(d, "default") && o->default_expr)
            SHAPE(st, i, SCTL_SHAPE_SET_DEFAULT, s, t, n, o->default_expr);
        else if (!sctl_field(d, "default"))
            SHAPE(st, i, SCTL_SHAPE_DROP_DEFAULT, s, t, n);
    }
    if (differs(st, i, "not_null") &&
        !sctl_same(sctl_field(d, "not_null"), "t"))
        SHAPE(st, i, SCTL_SHAPE_DROP_NOT_NULL, s, t, n);
    else if (differs(st, i, "not_null")) {
        /* rows holding NULL get the backfill, or stop the plan */
        if (o->backfill)
            SHAPE(st, i, SCTL_SHAPE_BACKFILL_NULLS, s, t, n, o->backfill, n);
        SctlStep *step = SHAPE(st, i, SCTL_SHAPE_SET_NOT_NULL, s, t, n);
        if (!o->backfill)
            PROBE(step, SCTL_PROBE_NULLS, SCTL_SHAPE_COUNT_NULLS, s, t, n);
    }
}

/* -------------------------------------------------- tables in place */

/* Row level security on or off, forced or not, where it differs. */
static void fix_rls(State *st, int i)
{
    const SctlObject *o = obj(st, i);
    if (differs(st, i, "rls"))
        SHAPE(st, i, sctl_same(sctl_field(decl_of(st, i), "rls"), "t")
                     ? SCTL_SHAPE_ENABLE_RLS : SCTL_SHAPE_DISABLE_RLS,
              o->schema, o->name);
    if (differs(st, i, "force_rls"))
        SHAPE(st, i, sctl_same(sctl_field(decl_of(st, i), "force_rls"), "t")
                     ? SCTL_SHAPE_FORCE_RLS : SCTL_SHAPE_NO_FORCE_RLS,
              o->schema, o->name);
}

/* Does a new column need a value in rows that are there: required, and
 * nothing (default, identity, generation) to give it one? */
static bool needs_value(State *st, int c)
{
    const SctlFacet *d = decl_of(st, c);
    return sctl_same(sctl_field(d, "not_null"), "t") &&
           !sctl_field(d, "default") && !sctl_field(d, "identity") &&
           !sctl_field(d, "generated");
}

/* A column added to a table that exists.  A required one without a value
 * of its own is filled from its backfill before it becomes required, or
 * counted: rows that would have no value stop the plan. */
static void add_column(State *st, int c)
{
    const SctlObject *k = obj(st, c);
    const char *s = k->schema, *t = k->table, *n = k->name;
    if (!needs_value(st, c)) {
        SHAPE(st, c, SCTL_SHAPE_ADD_COLUMN, s, t, k->definition);
    } else if (k->backfill && k->nullable_definition) {
        SHAPE(st, c, SCTL_SHAPE_ADD_COLUMN, s, t, k->nullable_definition);
        SHAPE(st, c, SCTL_SHAPE_BACKFILL, s, t, n, k->backfill);
        SHAPE(st, c, SCTL_SHAPE_SET_NOT_NULL, s, t, n);
    } else {
        SctlStep *step = SHAPE(st, c, SCTL_SHAPE_ADD_COLUMN, s, t,
                               k->definition);
        PROBE(step, SCTL_PROBE_ROWS, SCTL_SHAPE_COUNT_ROWS, s, t);
    }
}

/* A table that exists: its columns and constraints made or changed, its
 * row level security switched; a partition attached again. */
static void change_table(State *st, int i)
{
    const SctlObject *o = obj(st, i);
    if (o->parent >= 0 && o->definition && differs(st, i, "partition_of") &&
        !sctl_field(live_of(st, i), "partition_of")) {
        const SctlObject *p = obj(st, o->parent);
        SHAPE(st, i, SCTL_SHAPE_ATTACH_PARTITION, p->schema, p->name,
              o->schema, o->name, o->definition);
    }
    for (int c = st->first_child[i]; c >= 0; c = st->next_child[c]) {
        const SctlObject *k = obj(st, c);
        bool make = (st->missing[c] || st->recreate[c]) && k->definition;
        if (make && k->kind == SCTL_K_COLUMN)
            add_column(st, c);
        else if (make)
            set_checked_probe(SHAPE(st, c, SCTL_SHAPE_ADD_CONSTRAINT,
                                    k->schema, k->table, k->definition), k);
        else if (k->kind == SCTL_K_COLUMN && !st->missing[c] && decl_of(st, c))
            change_column(st, c);
    }
    fix_rls(st, i);
    plan_replica_default(st, i);
}

/* What an object that exists needs at its place in the order. */
static void change(State *st, int k, int i)
{
    switch (obj(st, i)->kind) {
    case SCTL_K_TABLE: change_table(st, i); break;
    case SCTL_K_TYPE: plan_enum_labels(st, i); break;
    case SCTL_K_FUNCTION:
    case SCTL_K_VIEW:
        if (definition_differs(st, i))
            SHAPE(st, i, SCTL_SHAPE_REPLACE, after_create(st, i));
        break;
    case SCTL_K_BUCKET:     /* its upsert repairs the row */
        if (definition_differs(st, i))
            add(st, k, NULL, i);
        break;
    case SCTL_K_PUBLICATION: plan_publication(st, i); break;
    case SCTL_K_SEQUENCE: plan_sequence(st, i); break;
    case SCTL_K_ROWS:       /* the upsert puts rows back; `exact`: below */
        if (plan_rows_differ(st, i))
            add(st, k, NULL, i);
        break;
    case SCTL_K_PUBLICATION_TABLE:
    case SCTL_K_ROLE:
    case SCTL_K_SCHEMA:
    case SCTL_K_EXTENSION:
    case SCTL_K_COLUMN:
    case SCTL_K_CONSTRAINT:
    case SCTL_K_INDEX:
    case SCTL_K_POLICY:
    case SCTL_K_TRIGGER:
        break;
    }
}

/* An index declared `concurrently` is built after the commit. */
static void make(State *st, int k, int i)
{
    const SctlObject *o = obj(st, i);
    bool on_rows = o->parent >= 0 && !st->missing[o->parent];
    if (!o->concurrently) {
        SctlStep *step = add(st, k, NULL, i);
        if (on_rows)
            set_checked_probe(step, o);
        return;
    }
    const char *rest;
    SctlShape sh = sctl_concurrent_index(st->s->statements[k].sql, &rest);
    SctlStep *step = SHAPE(st, i, sh, rest);
    step->after_commit = true;
    if (on_rows)
        set_checked_probe(step, o);
}

static void statement_step(State *st, int k)
{
    const SctlStatement *stmt = &st->s->statements[k];
    int i = stmt->object;
    bool making = st->missing[i] || st->recreate[i];
    if (!decl_of(st, i))
        return;             /* unreadable: diff reports it */
    switch (stmt->role) {
    case SCTL_STMT_MAKE:
        if (making)
            make(st, k, i);
        else
            change(st, k, i);
        break;
    case SCTL_STMT_GRANT:
        if (making)
            add(st, k, NULL, i);
        else if (obj(st, i)->kind == SCTL_K_ROLE)
            fix_membership(st, i);
        else
            fix_acl(st, i);
        /* a schema's default privileges at its grants, before the
         * objects made in it, which get them as from the canonical SQL
         * (a role's database-wide ones are for objects made later, and
         * come last) */
        if (!making && obj(st, i)->kind == SCTL_K_SCHEMA)
            plan_default_acl_of(st, i);
        break;
    case SCTL_STMT_COMMENT:
        if (making || (obj(st, i)->comment_declared &&
                       differs(st, i, "comment")))
            add(st, k, NULL, i);
        break;
    case SCTL_STMT_SWITCH:
        if (st->missing[i] || plan_switch_again(st, k, i))
            add(st, k, NULL, i);
        else if (sctl_platform_object(obj(st, i)))
            fix_rls(st, i);   /* no MAKE of its own to repair it at */
        break;
    }
}

/* Privileges of columns are repaired with their table's grants. */
static void column_acls(State *st)
{
    for (int i = 0; i < st->s->nobjects; i++)
        if (obj(st, i)->kind == SCTL_K_COLUMN)
            fix_acl(st, i);
}

/* Each table's parts that its CREATE TABLE makes, in declared order. */
static void link_children(State *st)
{
    int n = st->s->nobjects;
    int *last = sctl_xmalloc(sizeof *last * (size_t)(n + 1));
    for (int i = 0; i < n; i++)
        st->first_child[i] = st->next_child[i] = last[i] = -1;
    for (int i = 0; i < n; i++) {
        int p = obj(st, i)->parent;
        if (p < 0 || !obj(st, i)->inline_in_parent)
            continue;
        if (last[p] < 0)
            st->first_child[p] = i;
        else
            st->next_child[last[p]] = i;
        last[p] = i;
    }
    free(last);
}

/* Undeclared parts of declared tables, pass by pass (see drop_extra). */
static void drop_extras(State *st, const SctlDiffs *diffs, int from, int to)
{
    for (int pass = from; pass < to; pass++)
        for (int k = 0; k < diffs->len; k++)
            if (diffs->items[k].object < 0)
                drop_extra(st, diffs->items[k].live, pass);
}

void sctl_plan(const SctlSchema *s, const SctlDeclared *d,
               const SctlFacets *live, const SctlDepends *deps,
               const SctlDiffs *diffs, SctlPlan *out)
{
    size_t n = (size_t)s->nobjects + 1;
    State st = {.s = s, .d = d, .live = live, .deps = deps,
                .missing = sctl_xcalloc(n, 1), .recreate = sctl_xcalloc(n, 1),
                .redefault = sctl_xcalloc(n, 1),
                .rebuild = sctl_xcalloc(n, 1),
                .retype = sctl_xmalloc(n * sizeof(int)),
                .acl_done = sctl_xcalloc(n, 1),
                .defacl_done = sctl_xcalloc(n, 1),
                .first_child = sctl_xmalloc(n * sizeof(int)),
                .next_child = sctl_xmalloc(n * sizeof(int)),
                .live_f = sctl_xmalloc(n * sizeof *st.live_f),
                .decl_f = sctl_xmalloc(n * sizeof *st.decl_f), .out = out};
    bool paired = diffs->live_of && diffs->paired == live;
    for (int i = 0; i < s->nobjects; i++) {
        st.live_f[i] = paired ? diffs->live_of[i]
                              : sctl_facet(live, d->keys[i]);
        st.decl_f[i] = sctl_declared_of(d, i);
    }
    link_children(&st);
    for (int i = 0; i < s->nobjects; i++) {
        st.missing[i] = decl_of(&st, i) && !live_of(&st, i);
        st.retype[i] = -1;
    }
    plan_undeclared(&st, &diffs->undeclared, false);
    drop_extras(&st, diffs, 0, 5);
    plan_dependents(&st);
    plan_enum_rebuilds(&st);
    drop_extras(&st, diffs, 5, 6);
    drop_changed(&st);
    for (int k = 0; k < s->nstatements; k++)
        statement_step(&st, k);
    column_acls(&st);
    plan_default_acl(&st);
    plan_enum_drop_old(&st);
    plan_undeclared(&st, &diffs->undeclared, true);
    for (int i = 0; i < st.ngone; i++)
        free(st.gone[i]);
    free(st.gone);
    free(st.by_key);
    free(st.missing);
    free(st.recreate);
    free(st.redefault);
    free(st.rebuild);
    free(st.retype);
    free(st.acl_done);
    free(st.defacl_done);
    free(st.first_child);
    free(st.next_child);
    free(st.live_f);
    free(st.decl_f);
}

void sctl_plan_free(SctlPlan *p)
{
    for (int i = 0; i < p->len; i++) {
        free(p->steps[i].sql);
        free(p->steps[i].why);
        free(p->steps[i].probe);
        free(p->steps[i].note);
    }
    free(p->steps);
    p->steps = NULL;
    p->len = p->cap = 0;
    p->asked_depends = false;
}

SctlPhase sctl_step_phase(const SctlStep *st)
{
    return st->first ? SCTL_PHASE_FIRST : st->after_commit ? SCTL_PHASE_AFTER
                                                          : SCTL_PHASE_MAIN;
}

const char *sctl_step_sql(const SctlSchema *s, const SctlStep *st)
{
    if (st->sql)
        return st->sql;
    if (st->statement >= 0)
        return s->statements[st->statement].sql;
    return st->why ? st->why : "";
}
