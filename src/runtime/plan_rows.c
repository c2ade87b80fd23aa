/*
 * plan_rows.c — the rows in the way, counted before anything changes.
 *
 * A NOT NULL, key, check or foreign key added to a table that holds rows
 * fails at the first row that breaks it, after everything before it in
 * the transaction has run, and PostgreSQL names neither the count nor the
 * declaration.  So every step that has a row check (plan.c gives them)
 * runs it first, as plan and apply both do, and a step with rows in the
 * way is refused with how many, where the schema declares it; a step
 * that would lose the values it counts needs --allow-data-loss.
 */
#include "schemactl.h"

#include <stdlib.h>
#include <string.h>

/* The count the check returns, or -1 when it cannot run yet (its table
 * or column is made by an earlier step of the same plan). */
static long count(PGconn *conn, const char *sql)
{
    if (!sctl_exec(conn, "SAVEPOINT sctl_rows", NULL, NULL))
        return -1;
    PGresult *r = PQexec(conn, sql);
    long n = -1;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
        !PQgetisnull(r, 0, 0))
        n = strtol(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    sctl_exec(conn, n < 0 ? "ROLLBACK TO SAVEPOINT sctl_rows; "
                            "RELEASE SAVEPOINT sctl_rows"
                          : "RELEASE SAVEPOINT sctl_rows", NULL, NULL);
    return n;
}

static char *why(const SctlObject *o, SctlProbeKind kind, long n)
{
    const char *rows = n == 1 ? "row" : "rows";
    const char *has = n == 1 ? "has" : "have";
    switch (kind) {
    case SCTL_PROBE_NULLS:
        return sctl_printf("%ld %s of %s.%s %s NULL in %s, which becomes "
                           "NOT NULL: fill them, or declare `backfill EXPR`",
                           n, rows, o->schema, o->table, has, o->name);
    case SCTL_PROBE_ROWS:
        return sctl_printf("%ld %s of %s.%s would have no value in the new "
                           "required column %s: give it a default, or "
                           "declare `backfill EXPR`", n, rows, o->schema,
                           o->table, o->name);
    case SCTL_PROBE_BREAKS:
        return sctl_printf("%ld %s of %s.%s %s %s %s", n, rows, o->schema,
                           o->table, n == 1 ? "breaks" : "break",
                           sctl_kind_words[o->kind], o->name);
    case SCTL_PROBE_LOST_LABELS:
    case SCTL_PROBE_LOST_VALUES:
    case SCTL_PROBE_NONE:
        break;
    }
    return NULL;
}

int sctl_plan_check_rows(PGconn *conn, const SctlSchema *s, SctlPlan *p)
{
    int stopped = 0;
    for (int i = 0; i < p->len; i++) {
        SctlStep *st = &p->steps[i];
        if (!st->probe || st->why || st->object < 0)
            continue;
        long n = count(conn, st->probe);
        const SctlObject *o = &s->objects[st->object];
        bool lost = st->probe_kind == SCTL_PROBE_LOST_LABELS ||
                    st->probe_kind == SCTL_PROBE_LOST_VALUES;
        if (n > 0 && lost) {
            st->data_loss = true;
            st->note = sctl_printf("%ld row%s of %s.%s hold%s %s", n,
                                   n == 1 ? "" : "s", o->schema, o->table,
                                   n == 1 ? "s" : "",
                                   st->probe_kind == SCTL_PROBE_LOST_LABELS
                                   ? "a label the type no longer has; it "
                                     "becomes NULL"
                                   : "a value the new type changes");
        } else if (n > 0) {
            st->why = why(&s->objects[st->object], st->probe_kind, n);
            stopped++;
        }
    }
    return stopped;
}
