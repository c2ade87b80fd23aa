/*
 * renames.c — objects declared `renamed from OLD`, renamed before the
 * comparison.
 *
 * For each such object the live catalog decides: its new name there
 * already (an earlier apply renamed it), nothing to do; only the old
 * name there, a rename step; neither, the object is missing and made as
 * any other; both, a refusal naming both (which one holds the data is
 * not ours to guess).  Tables are renamed first, so the parts of a
 * renamed table are found under its old name and renamed under its new
 * one.
 *
 * The rename steps are then run on the connection and the catalog read
 * again: PostgreSQL itself rewrites every definition that names what was
 * renamed (index and constraint definitions, views, policies), so the
 * comparison and the planner see exactly the renamed database and plan
 * only what remains.  apply runs them in its transaction; plan, verify
 * and status run them in a transaction that is rolled back, under a lock
 * timeout, so that they never change anything nor wait long.
 */
#include "commands.h"

#include <stdlib.h>
#include <string.h>

typedef struct Finder {
    const SctlSchema *s;
    const SctlFacets *live;
    const char **live_table;  /* per object: the name its table has live */
    SctlPlan *out;
} Finder;

static void put_buf(void *to, const char *s, size_t n)
{
    sctl_buf_put(to, s, n);
}

/* The key o would have with this table and name. */
static char *key_as(const SctlObject *o, const char *table, const char *name)
{
    SctlObject k = *o;
    k.table = table;
    k.name = name;
    return sctl_object_key(&k);
}

static const SctlFacet *live_as(Finder *f, const SctlObject *o,
                                const char *table, const char *name)
{
    char *key = key_as(o, table, name);
    const SctlFacet *fc = sctl_facet(f->live, key);
    free(key);
    return fc;
}

/* "table public.t": how messages name an object. */
static char *words(const SctlObject *o, const char *table, const char *name)
{
    return table ? sctl_printf("%s %s.%s.%s", sctl_kind_words[o->kind],
                               o->schema, table, name)
                 : sctl_printf("%s %s.%s", sctl_kind_words[o->kind],
                               o->schema, name);
}

static void add_shape(Finder *f, int i, SctlShape sh, const char *const *args)
{
    SctlBuf b = {0};
    if (sctl_shape_write((SctlOut){put_buf, &b}, sh, args)) {
        sctl_plan_add(f->out, -1, sctl_buf_take(&b), i);
        return;
    }
    sctl_buf_free(&b);
    sctl_plan_add(f->out, -1, NULL, i)->why = sctl_printf(
        "cannot write the rename %s for these names", sctl_shape_names[sh]);
}

#define SHAPE(f, i, sh, ...) \
    add_shape(f, i, sh, (const char *const[]){__VA_ARGS__, NULL})

static void refuse(Finder *f, int i, const char *old, const char *now)
{
    sctl_plan_add(f->out, -1, NULL, i)->why = sctl_printf(
        "%s is declared `renamed from` %s, and both exist: drop one, or "
        "take `renamed from` out", now, old);
}

/* The statement that renames object i from old (its table renamed
 * already); was is its live facet under the old name. */
static void rename_step(Finder *f, int i, const SctlFacet *was)
{
    const SctlObject *o = &f->s->objects[i];
    const char *old = o->renamed_from, *n = o->name, *s = o->schema;
    switch (o->kind) {
    case SCTL_K_TABLE: SHAPE(f, i, SCTL_SHAPE_RENAME_TABLE, s, old, n);
        f->live_table[i] = old;
        break;
    case SCTL_K_COLUMN:
        SHAPE(f, i, SCTL_SHAPE_RENAME_COLUMN, s, o->table, old, n);
        break;
    case SCTL_K_CONSTRAINT:
        SHAPE(f, i, SCTL_SHAPE_RENAME_CONSTRAINT, s, o->table, old, n);
        break;
    case SCTL_K_INDEX: SHAPE(f, i, SCTL_SHAPE_RENAME_INDEX, s, old, n); break;
    case SCTL_K_POLICY:
        SHAPE(f, i, SCTL_SHAPE_RENAME_POLICY, old, s, o->table, n);
        break;
    case SCTL_K_VIEW:
        SHAPE(f, i, sctl_same(sctl_field(was, "kind"), "m")
                    ? SCTL_SHAPE_RENAME_MATVIEW : SCTL_SHAPE_RENAME_VIEW,
              s, old, n);
        break;
    case SCTL_K_FUNCTION: {
        char *bare = sctl_xstrndup(n, strlen(n) - strlen(o->arguments));
        SHAPE(f, i, SCTL_SHAPE_RENAME_FUNCTION, s, old, o->arguments, bare);
        free(bare);
        break;
    }
    case SCTL_K_ROLE:
    case SCTL_K_SCHEMA:
    case SCTL_K_EXTENSION:
    case SCTL_K_TYPE:
    case SCTL_K_TRIGGER:
    case SCTL_K_BUCKET:
    case SCTL_K_PUBLICATION:
    case SCTL_K_PUBLICATION_TABLE:
    case SCTL_K_SEQUENCE:
    case SCTL_K_ROWS:
        break;
    }
}

/* The rename of object i (not an enum's labels), when it is pending. */
static void rename_object(Finder *f, int i)
{
    const SctlObject *o = &f->s->objects[i];
    const char *t = o->parent >= 0 && o->table ? f->live_table[o->parent]
                                               : o->table;
    char *old = o->kind == SCTL_K_FUNCTION && o->arguments
              ? sctl_printf("%s%s", o->renamed_from, o->arguments)
              : sctl_xstrdup(o->renamed_from);
    const SctlFacet *was = live_as(f, o, t, old);
    bool is = live_as(f, o, t, o->name) != NULL;
    if (was && is) {
        char *a = words(o, t, old), *b = words(o, t, o->name);
        refuse(f, i, a, b);
        free(a);
        free(b);
    } else if (was) {
        rename_step(f, i, was);
    }
    free(old);
}

/* The sequence of a serial or identity column, named after the table's
 * and the column's old names: renamed with them. */
static void rename_sequence(Finder *f, int i)
{
    const SctlObject *o = &f->s->objects[i];
    if (o->parent < 0)
        return;
    const char *t = f->live_table[o->parent];
    bool table = strcmp(t, o->table) != 0;
    bool column = o->renamed_from && live_as(f, o, t, o->renamed_from) &&
                  !live_as(f, o, t, o->name);
    if (table || column)
        SHAPE(f, i, SCTL_SHAPE_RENAME_SEQUENCE, o->schema,
              o->sequence_renamed_from, o->sequence);
}

static bool has_label(const char *labels, const char *label)
{
    bool found = false;
    char *l;
    while (!found && sctl_label_next(&labels, &l)) {
        found = strcmp(l, label) == 0;
        free(l);
    }
    return found;
}

/* An enum's renamed labels: each pending one renamed, in declared order. */
static void rename_labels(Finder *f, int i)
{
    const SctlObject *o = &f->s->objects[i];
    const char *live = sctl_field(live_as(f, o, o->table, o->name), "labels");
    const char *p = o->label_renames;
    char *now, *old;
    while (live && sctl_label_next(&p, &now)) {
        if (!sctl_label_next(&p, &old)) {
            free(now);
            break;
        }
        bool was = has_label(live, old), is = has_label(live, now);
        if (was && is) {
            char *w = words(o, NULL, o->name);
            sctl_plan_add(f->out, -1, NULL, i)->why = sctl_printf(
                "enum label '%s' of %s is declared `renamed from` '%s', and "
                "both exist", now, w, old);
            free(w);
        } else if (was) {
            SHAPE(f, i, SCTL_SHAPE_RENAME_ENUM_VALUE, o->schema, o->name,
                  old, now);
        }
        free(now);
        free(old);
    }
}

void sctl_renames_find(const SctlSchema *s, const SctlFacets *live,
                       SctlPlan *out)
{
    Finder f = {s, live, sctl_xcalloc((size_t)s->nobjects + 1,
                                      sizeof(char *)), out};
    for (int i = 0; i < s->nobjects; i++)
        f.live_table[i] = s->objects[i].name;
    for (int pass = 0; pass < 2; pass++)    /* tables, then the rest */
        for (int i = 0; i < s->nobjects; i++) {
            const SctlObject *o = &s->objects[i];
            if ((o->kind == SCTL_K_TABLE) != (pass == 0))
                continue;
            if (o->renamed_from)
                rename_object(&f, i);
            if (o->label_renames)
                rename_labels(&f, i);
            if (o->sequence_renamed_from)
                rename_sequence(&f, i);
        }
    free(f.live_table);
}

bool sctl_renames_any(const SctlSchema *s, const SctlFacets *live)
{
    SctlPlan p = {0};
    sctl_renames_find(s, live, &p);
    bool any = p.len > 0;
    sctl_plan_free(&p);
    return any;
}

/* ------------------------------------------------- run and read again */

static int pending(const SctlPlan *p)
{
    int n = 0;
    for (int i = 0; i < p->len; i++)
        n += !p->steps[i].why;
    return n;
}

/* Where the renames run: apply's own transaction, else one of their own
 * that the caller (plan) or this file (verify, status) rolls back. */
static bool open_transaction(PGconn *pg, bool *mine, char **err)
{
    *mine = PQtransactionStatus(pg) == PQTRANS_IDLE;
    bool rehearse = *mine || sctl_query_bool(pg,
        "SELECT current_setting('transaction_read_only')::boolean");
    if (!*mine && rehearse &&
        !sctl_exec(pg, "ROLLBACK", "renames", err))
        return false;
    if (rehearse && !(sctl_exec(pg, "BEGIN", "renames", err) &&
                      sctl_exec(pg, "SET LOCAL lock_timeout = '5s'",
                                "renames", err)))
        return false;
    return true;
}

static bool run_renames(Ctx *c, char **err)
{
    for (int i = 0; i < c->renames.len; i++) {
        const SctlStep *st = &c->renames.steps[i];
        if (!st->why && !sctl_exec(c->conn.pg, st->sql, "rename", err))
            return false;
    }
    return true;
}

int cmd_renames(Ctx *c, SctlFacets **live)
{
    char *err = NULL;
    bool mine = false;
    sctl_plan_free(&c->renames);
    sctl_renames_find(c->s, *live, &c->renames);
    if (!pending(&c->renames))
        return SCTL_OK;
    bool ok = open_transaction(c->conn.pg, &mine, &err) &&
              run_renames(c, &err);
    SctlFacets *again = ok ? sctl_read_schema_facets(c->conn.pg, c->s, NULL,
                                                     &err)
                           : NULL;
    if (mine || !again)
        sctl_exec(c->conn.pg, "ROLLBACK", NULL, NULL);
    if (!again)
        return cmd_fail(SCTL_USAGE, err);
    sctl_facets_free(*live);
    *live = again;
    cmd_phase("rename (then read again)");
    return SCTL_OK;
}

void cmd_renames_into(const Ctx *c, SctlPlan *plan)
{
    for (int i = 0; i < c->renames.len; i++) {
        const SctlStep *st = &c->renames.steps[i];
        SctlStep *step = sctl_plan_add(plan, -1, st->sql ?
                                       sctl_xstrdup(st->sql) : NULL,
                                       st->object);
        step->why = st->why ? sctl_xstrdup(st->why) : NULL;
        step->done = !st->why;
    }
}

int cmd_renames_print(const Ctx *c, FILE *out)
{
    for (int i = 0; i < c->renames.len; i++) {
        const SctlStep *st = &c->renames.steps[i];
        const SctlObject *o = &c->s->objects[st->object];
        if (st->why)
            fprintf(out, "cannot: %s", st->why);
        else
            fprintf(out, "rename pending: %s", st->sql);
        fprintf(out, " (%s:%d)\n", sctl_file(c->s, o->file), o->line);
    }
    return c->renames.len;
}
