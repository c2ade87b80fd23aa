/*
 * test.c — the `test` command: runs the schema's access tests.
 *
 * Each test is one transaction, always rolled back, so that a test leaves
 * nothing behind and sees nothing another test did.  Each step runs under
 * a savepoint: an expected error rolls back to it and the test goes on.
 * A step's role and claims are taken with set_config(..., true), which is
 * SET LOCAL with its values as parameters; its statement is the one the
 * executable carries (sctl_schema.steps), run as it is.
 */
#include "schemactl.h"

#include <stdlib.h>
#include <string.h>

/* What one step did. */
typedef struct Outcome {
    bool entered;       /* its role and claims were taken */
    bool ok;            /* its statement succeeded */
    long rows;
    char state[6];
    char message[512];  /* the server's message, one line */
} Outcome;

static void capture(PGconn *conn, const PGresult *r, Outcome *o)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    snprintf(o->state, sizeof o->state, "%s", state ? state : "");
    char *why = sctl_failure(conn, r, "%s", "");
    snprintf(o->message, sizeof o->message, "%s", why);
    free(why);
}

/* Takes the step's role and claims for the rest of the savepoint. */
static bool enter(PGconn *conn, const SctlTestStep *st, Outcome *o)
{
    const char *params[2] = {st->role, st->claims ? st->claims : ""};
    PGresult *r = PQexecParams(conn, "SELECT pg_catalog.set_config('role', "
                               "$1, true), pg_catalog.set_config("
                               "'request.jwt.claims', $2, true)", 2, NULL,
                               params, NULL, NULL, 0);
    bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
    if (!ok)
        capture(conn, r, o);
    PQclear(r);
    return ok;
}

static bool run(PGconn *conn, const SctlTestStep *st, Outcome *o)
{
    PGresult *r = PQexec(conn, st->sql);
    ExecStatusType rs = PQresultStatus(r);
    bool ok = rs == PGRES_COMMAND_OK || rs == PGRES_TUPLES_OK;
    if (!ok)
        capture(conn, r, o);
    else if (st->counted && rs == PGRES_TUPLES_OK && PQntuples(r) == 1)
        o->rows = strtol(PQgetvalue(r, 0, 0), NULL, 10);
    else
        o->rows = -1;
    PQclear(r);
    return ok;
}

static Outcome run_step(PGconn *conn, const SctlTestStep *st)
{
    Outcome o = {0};
    sctl_exec(conn, "SAVEPOINT sctl_step", NULL, NULL);
    o.entered = !st->role || enter(conn, st, &o);
    o.ok = o.entered && run(conn, st, &o);
    if (!o.ok)
        sctl_exec(conn, "ROLLBACK TO SAVEPOINT sctl_step", NULL, NULL);
    sctl_exec(conn, "RELEASE SAVEPOINT sctl_step", NULL, NULL);
    if (o.ok && st->role)   /* a released savepoint keeps SET LOCAL */
        sctl_exec(conn, "RESET ROLE; RESET request.jwt.claims", NULL, NULL);
    return o;
}

/* NULL when the step did what it expects; else why not (static). */
static const char *judge(const SctlTestStep *st, const Outcome *o)
{
    static char why[768];
    if (!o->entered) {
        snprintf(why, sizeof why, "cannot act as \"%s\": %s", st->role,
                 o->message);
        return why;
    }
    switch (st->kind) {
    case SCTL_STEP_SETUP:
        if (o->ok)
            return NULL;
        snprintf(why, sizeof why, "setup failed: %s", o->message);
        return why;
    case SCTL_STEP_ROWS:
        if (o->ok && o->rows == st->rows)
            return NULL;
        if (o->ok)
            snprintf(why, sizeof why, "expected %ld rows, got %ld", st->rows,
                     o->rows);
        else
            snprintf(why, sizeof why, "expected %ld rows, got error %s: %s",
                     st->rows, o->state, o->message);
        return why;
    case SCTL_STEP_ERROR:
        if (!o->ok && (!st->sqlstate || strcmp(st->sqlstate, o->state) == 0))
            return NULL;
        if (!o->ok)
            snprintf(why, sizeof why, "expected error %s, got %s: %s",
                     st->sqlstate, o->state, o->message);
        else if (st->counted)
            snprintf(why, sizeof why, "expected %s%s, got %ld rows",
                     st->sqlstate ? "error " : "an error",
                     st->sqlstate ? st->sqlstate : "", o->rows);
        else
            snprintf(why, sizeof why, "expected %s%s, got none",
                     st->sqlstate ? "error " : "an error",
                     st->sqlstate ? st->sqlstate : "");
        return why;
    }
    return "unknown step";
}

/* Runs one test's steps; a failed setup ends the test. */
static bool run_test(PGconn *conn, const SctlSchema *s, const SctlTest *test,
                     FILE *out)
{
    bool passed = true;
    for (int k = test->first; k < test->first + test->nsteps; k++) {
        const SctlTestStep *st = &s->steps[k];
        Outcome o = run_step(conn, st);
        const char *why = judge(st, &o);
        if (!why)
            continue;
        fprintf(out, "FAIL %s:%d:%d: test \"%s\": %s\n", sctl_file(s, st->file),
                st->line, st->col, test->name, why);
        passed = false;
        if (st->kind == SCTL_STEP_SETUP)
            break;
    }
    if (passed)
        fprintf(out, "PASS test \"%s\"\n", test->name);
    return passed;
}

int sctl_run_tests(PGconn *conn, const SctlSchema *s, FILE *out)
{
    int passed = 0;
    for (int i = 0; i < s->ntests; i++) {
        char *err = NULL;
        if (!sctl_exec(conn, "BEGIN", "test", &err)) {
            fprintf(stderr, "schemactl: %s\n", err);
            free(err);
            return SCTL_USAGE;
        }
        passed += run_test(conn, s, &s->tests[i], out);
        sctl_exec(conn, "ROLLBACK", NULL, NULL);
    }
    fprintf(out, "%d test%s, %d passed, %d failed\n", s->ntests,
            s->ntests == 1 ? "" : "s", passed, s->ntests - passed);
    return passed == s->ntests ? SCTL_OK : SCTL_DRIFT;
}
