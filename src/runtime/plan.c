/*
 * plan.c — from differences to the steps that remove them.
 *
 * First the drops: undeclared parts of declared tables (triggers,
 * policies, constraints, indexes; columns only with --allow-data-loss),
 * then declared parts whose definition changed and that PostgreSQL cannot
 * alter in place (they are made again below).  Then every generated
 * statement, in dependency order, that its object needs: creation of what
 * is missing, column changes, row level security switches, replacements,
 * grants and comments.  Privileges, enum labels and role memberships are
 * repaired from the exact difference, with SQL made here.
 */
#include "schemactl.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

typedef struct Str {
    char *s;
    size_t len, cap;
} Str;

static void str_add(Str *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void str_add(Str *b, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (b->len + (size_t)n + 1 > b->cap) {
        b->cap = (b->len + (size_t)n + 1) * 2;
        b->s = realloc(b->s, b->cap);
    }
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    b->len += (size_t)n;
}

typedef struct State {
    const SctlSchema *s;
    const SctlDeclared *d;
    const SctlFacets *live;
    PGconn *conn;
    bool *missing;       /* absent from the live catalog */
    bool *recreate;      /* dropped below, to be made again */
    bool *acl_done;      /* privileges already repaired */
    int *drop;           /* each object's SCTL_DROP statement, or -1 */
    SctlPlan *out;
} State;

static SctlStep *add(State *st, int statement, char *sql, int object)
{
    SctlPlan *p = st->out;
    if (p->len == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 64;
        p->steps = realloc(p->steps, sizeof *p->steps * (size_t)p->cap);
    }
    SctlStep *step = &p->steps[p->len++];
    *step = (SctlStep){statement, sql, object, false, false, NULL};
    return step;
}

static const SctlFacet *live_of(State *st, int i)
{
    return sctl_facet(st->live, st->d->keys[i]);
}

static const SctlFacet *decl_of(State *st, int i)
{
    return sctl_facet(st->d->facets, st->d->keys[i]);
}

static bool differs(State *st, int i, const char *name)
{
    return !sctl_same(sctl_field(live_of(st, i), name), sctl_field(decl_of(st, i), name));
}

/* A quoted identifier (PostgreSQL's own quoting), appended to b. */
static void ident(State *st, Str *b, const char *name)
{
    char *q = PQescapeIdentifier(st->conn, name, strlen(name));
    str_add(b, "%s", q ? q : "\"\"");
    PQfreemem(q);
}

static void qname(State *st, Str *b, const char *schema, const char *name)
{
    ident(st, b, schema);
    str_add(b, ".");
    ident(st, b, name);
}

/* ----------------------------------------------------------- drops */

/* Drops of undeclared parts, in an order that never trips a dependency. */
static void drop_extra(State *st, const SctlFacet *f, int pass)
{
    static const SctlKind order[] = {SCTL_K_TRIGGER, SCTL_K_POLICY,
                                     SCTL_K_CONSTRAINT, SCTL_K_CONSTRAINT,
                                     SCTL_K_INDEX, SCTL_K_COLUMN};
    bool fkey = sctl_same(sctl_field(f, "type"), "f");
    if (f->kind != order[pass] || (pass == 2 && !fkey) || (pass == 3 && fkey))
        return;
    Str b = {0};
    if (f->kind == SCTL_K_TRIGGER || f->kind == SCTL_K_POLICY) {
        str_add(&b, "DROP %s ", f->kind == SCTL_K_TRIGGER ? "TRIGGER"
                                                          : "POLICY");
        ident(st, &b, f->name);
        str_add(&b, " ON ");
        qname(st, &b, f->schema, f->table);
    } else if (f->kind == SCTL_K_INDEX) {
        str_add(&b, "DROP INDEX ");
        qname(st, &b, f->schema, f->name);
    } else {
        str_add(&b, "ALTER TABLE ");
        qname(st, &b, f->schema, f->table);
        str_add(&b, " DROP %s ", f->kind == SCTL_K_COLUMN ? "COLUMN"
                                                        : "CONSTRAINT");
        ident(st, &b, f->name);
    }
    add(st, -1, b.s, -1)->data_loss = f->kind == SCTL_K_COLUMN;
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

/* Parts PostgreSQL cannot alter in place are dropped and made again. */
static void drop_changed(State *st)
{
    for (int i = 0; i < st->s->nobjects; i++) {
        SctlKind k = st->s->objects[i].kind;
        bool remade = k == SCTL_K_CONSTRAINT || k == SCTL_K_INDEX ||
                      k == SCTL_K_POLICY || k == SCTL_K_TRIGGER ||
                      (k == SCTL_K_VIEW &&
                       sctl_same(sctl_field(decl_of(st, i), "kind"), "m"));
        int drop = st->drop[i];
        if (!remade || st->missing[i] || drop < 0 || !decl_of(st, i) ||
            !definition_differs(st, i))
            continue;
        st->recreate[i] = true;
        add(st, drop, NULL, i);
    }
}

/* ------------------------------------------------------ privileges */

/* Does a comma-separated list ("a:SELECT,b:INSERT*", enum labels,
 * role names) hold item? */
static bool list_has(const char *acl, const char *item, size_t len)
{
    for (const char *p = acl; p && *p;) {
        size_t n = strcspn(p, ",");
        if (n == len && strncmp(p, item, len) == 0)
            return true;
        p += n + (p[n] == ',');
    }
    return false;
}

static void acl_target(State *st, const SctlObject *o, Str *b,
                       const char *priv)
{
    str_add(b, "%s", priv);
    if (o->kind == SCTL_K_COLUMN) {
        str_add(b, " (");
        ident(st, b, o->name);
        str_add(b, ") ON TABLE ");
        qname(st, b, o->schema, o->table);
    } else if (o->kind == SCTL_K_FUNCTION) {
        str_add(b, " ON FUNCTION %s", o->signature);
    } else if (o->kind == SCTL_K_SCHEMA) {
        str_add(b, " ON SCHEMA ");
        ident(st, b, o->name);
    } else {
        str_add(b, " ON TABLE ");
        qname(st, b, o->schema, o->name);
    }
}

/* One GRANT or REVOKE for an item "grantee:PRIV[*]" of `from` not in
 * `other`. */
static void acl_items(State *st, int i, const char *from, const char *other,
                      bool grant)
{
    const SctlObject *o = &st->s->objects[i];
    for (const char *p = from; p && *p;) {
        size_t n = strcspn(p, ",");
        if (!list_has(other, p, n)) {
            char *item = strndup(p, n);
            char *colon = strrchr(item, ':');
            bool option = item[n - 1] == '*';
            if (option)
                item[n - 1] = '\0';
            *colon = '\0';
            Str b = {0};
            str_add(&b, grant ? "GRANT " : "REVOKE ");
            acl_target(st, o, &b, colon + 1);
            str_add(&b, grant ? " TO " : " FROM ");
            if (strcmp(item, "PUBLIC") == 0)
                str_add(&b, "PUBLIC");
            else
                ident(st, &b, item);
            str_add(&b, "%s", grant && option ? " WITH GRANT OPTION" : "");
            add(st, -1, b.s, i);
            free(item);
        }
        p += n + (p[n] == ',');
    }
}

static void fix_acl(State *st, int i)
{
    if (st->acl_done[i] || !st->s->objects[i].grants_declared ||
        st->missing[i] || !differs(st, i, "acl"))
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
                char *role = strndup(p, n);
                Str b = {0};
                str_add(&b, side ? "GRANT " : "REVOKE ");
                ident(st, &b, role);
                str_add(&b, side ? " TO " : " FROM ");
                ident(st, &b, st->s->objects[i].name);
                add(st, -1, b.s, i);
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

static void column_step(State *st, int k, int i, SctlAction a)
{
    const SctlFacet *d = decl_of(st, i);
    const char *dflt = sctl_field(d, "default"), *nn = sctl_field(d, "not_null");
    bool want = false;
    switch (a) {
    case SCTL_SET_DEFAULT: want = differs(st, i, "default") && dflt; break;
    case SCTL_DROP_DEFAULT: want = differs(st, i, "default") && !dflt; break;
    case SCTL_SET_NOT_NULL:
        want = differs(st, i, "not_null") && sctl_same(nn, "t");
        break;
    case SCTL_DROP_NOT_NULL:
        want = differs(st, i, "not_null") && sctl_same(nn, "f");
        break;
    default: break;
    }
    if (want)
        add(st, k, NULL, i);
}

static void alter_type_step(State *st, int k, int i)
{
    if (differs(st, i, "identity") || differs(st, i, "generated"))
        add(st, -1, NULL, i)->why = strdup(
            "identity or generation of a column cannot change in place");
    if (!differs(st, i, "type") && !differs(st, i, "collation"))
        return;
    const char *from = sctl_field(live_of(st, i), "type");
    const char *to = sctl_field(decl_of(st, i), "type");
    add(st, k, NULL, i)->data_loss = !sctl_same(from, to) &&
                                     !(from && to && widening(from, to));
}

/* Enum labels may be added (at their place); never removed. */
static void fix_type(State *st, int i)
{
    if (!differs(st, i, "labels") && !differs(st, i, "definition"))
        return;
    const char *live = sctl_field(live_of(st, i), "labels");
    const char *decl = sctl_field(decl_of(st, i), "labels");
    if (!live || !decl || differs(st, i, "definition")) {
        add(st, -1, NULL, i)->why = strdup("the type's definition changed; "
                                           "it cannot be altered in place");
        return;
    }
    const char *prev = NULL;
    for (const char *p = decl; *p;) {
        size_t n = strcspn(p, ",");
        char *label = strndup(p, n);
        if (!list_has(live, p, n)) {
            const SctlObject *o = &st->s->objects[i];
            Str b = {0};
            str_add(&b, "ALTER TYPE ");
            qname(st, &b, o->schema, o->name);
            str_add(&b, " ADD VALUE %s", label);
            if (prev)
                str_add(&b, " AFTER %s", prev);
            add(st, -1, b.s, i);
        }
        free((char *)prev);
        prev = label;
        p += n + (p[n] == ',');
    }
    free((char *)prev);
}

/* -------------------------------------------------- the statements */

static bool rls_wanted(State *st, int i, SctlAction a)
{
    const char *name = a == SCTL_ENABLE_RLS || a == SCTL_DISABLE_RLS
                       ? "rls" : "force_rls";
    const char *want = sctl_field(decl_of(st, i), name);
    const char *have = st->missing[i] ? "f" : sctl_field(live_of(st, i), name);
    bool on = a == SCTL_ENABLE_RLS || a == SCTL_FORCE_RLS;
    return sctl_same(want, on ? "t" : "f") && !sctl_same(have, want);
}

/* Creations: what is missing, or was dropped to be made again; parts of a
 * table that CREATE TABLE makes only when the table was there. */
static void create_step(State *st, int k, bool after_commit)
{
    int i = st->s->statements[k].object;
    const SctlObject *o = &st->s->objects[i];
    bool making = st->missing[i] || st->recreate[i];
    bool parent_missing = o->parent >= 0 && st->missing[o->parent];
    if (making && !(o->inline_in_parent && parent_missing))
        add(st, k, NULL, i)->after_commit = after_commit;
    else if (!making && !after_commit && o->kind == SCTL_K_TYPE)
        fix_type(st, i);
}

/* Changes in place of what exists. */
static void change_step(State *st, int k, SctlAction a, int i)
{
    switch (a) {
    case SCTL_REPLACE:
        /* a table's only replacement is re-attaching it as a partition */
        if (st->s->objects[i].kind == SCTL_K_TABLE
                ? differs(st, i, "partition_of") &&
                  !sctl_field(live_of(st, i), "partition_of")
                : definition_differs(st, i))
            add(st, k, NULL, i);
        break;
    case SCTL_ALTER_TYPE: alter_type_step(st, k, i); break;
    case SCTL_SET_DEFAULT:
    case SCTL_DROP_DEFAULT:
    case SCTL_SET_NOT_NULL:
    case SCTL_DROP_NOT_NULL: column_step(st, k, i, a); break;
    case SCTL_CREATE:
    case SCTL_DROP:
    case SCTL_ENABLE_RLS:
    case SCTL_DISABLE_RLS:
    case SCTL_FORCE_RLS:
    case SCTL_NO_FORCE_RLS:
    case SCTL_GRANT:
    case SCTL_COMMENT:
    case SCTL_CREATE_CONCURRENTLY: break;
    }
}

static void grant_step(State *st, int k, int i, bool making)
{
    if (making)
        add(st, k, NULL, i);
    else if (st->s->objects[i].kind == SCTL_K_ROLE)
        fix_membership(st, i);
    else
        fix_acl(st, i);
}

static void statement_step(State *st, int k)
{
    const SctlStatement *stmt = &st->s->statements[k];
    int i = stmt->object;
    bool making = st->missing[i] || st->recreate[i];
    if (!decl_of(st, i) && !making && stmt->action != SCTL_GRANT)
        return;
    SctlAction a = stmt->action;
    if (a == SCTL_CREATE || a == SCTL_CREATE_CONCURRENTLY)
        create_step(st, k, a == SCTL_CREATE_CONCURRENTLY);
    else if (a == SCTL_ENABLE_RLS || a == SCTL_DISABLE_RLS ||
             a == SCTL_FORCE_RLS || a == SCTL_NO_FORCE_RLS) {
        if (rls_wanted(st, i, a))
            add(st, k, NULL, i);
    } else if (a == SCTL_GRANT)
        grant_step(st, k, i, making);
    else if (a == SCTL_COMMENT) {
        if (making || (st->s->objects[i].comment_declared &&
                       differs(st, i, "comment")))
            add(st, k, NULL, i);
    } else if (!making && !st->missing[i])
        change_step(st, k, a, i);
}

/* Privileges of columns are repaired with their table's grants. */
static void column_acls(State *st)
{
    for (int i = 0; i < st->s->nobjects; i++)
        if (st->s->objects[i].kind == SCTL_K_COLUMN)
            fix_acl(st, i);
}

void sctl_plan(const SctlSchema *s, const SctlDeclared *d,
               const SctlFacets *live, const SctlDiffs *diffs,
               PGconn *conn, SctlPlan *out)
{
    size_t n = (size_t)s->nobjects + 1;
    State st = {s, d, live, conn, calloc(n, 1), calloc(n, 1), calloc(n, 1),
                malloc(n * sizeof(int)), out};
    for (int i = 0; i < s->nobjects; i++)
        st.drop[i] = -1;
    for (int k = 0; k < s->nstatements; k++)
        if (s->statements[k].action == SCTL_DROP)
            st.drop[s->statements[k].object] = k;
    for (int i = 0; i < s->nobjects; i++)
        st.missing[i] = decl_of(&st, i) && !live_of(&st, i);
    for (int pass = 0; pass < 6; pass++)
        for (int k = 0; k < diffs->len; k++)
            if (diffs->items[k].object < 0)
                drop_extra(&st, diffs->items[k].live, pass);
    drop_changed(&st);
    for (int k = 0; k < s->nstatements; k++)
        statement_step(&st, k);
    column_acls(&st);
    free(st.missing);
    free(st.recreate);
    free(st.acl_done);
    free(st.drop);
}

void sctl_plan_free(SctlPlan *p)
{
    for (int i = 0; i < p->len; i++) {
        free(p->steps[i].sql);
        free(p->steps[i].why);
    }
    free(p->steps);
    p->steps = NULL;
    p->len = p->cap = 0;
}

const char *sctl_step_sql(const SctlSchema *s, const SctlStep *st)
{
    if (st->sql)
        return st->sql;
    if (st->statement >= 0)
        return s->statements[st->statement].sql;
    return st->why ? st->why : "";
}
