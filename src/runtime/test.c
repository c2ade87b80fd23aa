/*
 * test.c — the `test` command: runs the schema's access tests.
 *
 * Each test is one transaction, always rolled back, so that a test leaves
 * nothing behind and sees nothing another test did.  Each step runs under
 * a savepoint: an expected error rolls back to it and the test goes on.
 * The statements themselves are the generated static EXEC SQL (sctl_tests);
 * only the transaction control is here.
 */
#include "schemactl.h"

#include <ecpgerrno.h>
#include <ecpglib.h>
#include <sqlca.h>
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

static bool exec(PGconn *conn, const char *sql)
{
    PGresult *r = PQexec(conn, sql);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    return ok;
}

/* The server's own message (without "ERROR:  "), else ecpg's. */
static void capture(PGconn *conn, Outcome *o)
{
    memcpy(o->state, sqlca.sqlstate, 5);
    o->state[5] = '\0';
    const char *why = sqlca.sqlerrm.sqlerrmc;
    if (sqlca.sqlcode == ECPG_PGSQL && *PQerrorMessage(conn))
        why = PQerrorMessage(conn);
    if (strncmp(why, "ERROR:  ", 8) == 0)
        why += 8;
    snprintf(o->message, sizeof o->message, "%.*s",
             (int)strcspn(why, "\n"), why);
}

static Outcome run_step(PGconn *conn, const SctlTests *t, int k)
{
    Outcome o = {0};
    const SctlTestStep *st = &t->steps[k];
    exec(conn, "SAVEPOINT sctl_step");
    o.entered = !st->role || t->enter(k);
    o.ok = o.entered && t->run(k, &o.rows);
    if (!o.ok) {
        capture(conn, &o);
        exec(conn, "ROLLBACK TO SAVEPOINT sctl_step");
    }
    exec(conn, "RELEASE SAVEPOINT sctl_step");
    if (o.ok && st->role)
        t->leave();  /* a released savepoint keeps SET LOCAL */
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
static bool run_test(PGconn *conn, const SctlTests *t, const SctlTest *test,
                     FILE *out)
{
    bool passed = true;
    for (int k = test->first; k < test->first + test->nsteps; k++) {
        const SctlTestStep *st = &t->steps[k];
        Outcome o = run_step(conn, t, k);
        const char *why = judge(st, &o);
        if (!why)
            continue;
        fprintf(out, "FAIL %s:%d:%d: test \"%s\": %s\n", st->file, st->line,
                st->col, test->name, why);
        passed = false;
        if (st->kind == SCTL_STEP_SETUP)
            break;
    }
    if (passed)
        fprintf(out, "PASS test \"%s\"\n", test->name);
    return passed;
}

/* The last apply of this project recorded here was of this schema. */
static bool applied(PGconn *conn, const SctlSchema *s, char **last)
{
    *last = NULL;
    PGresult *r = PQexec(conn, "SELECT pg_catalog.to_regclass("
                               "'schemactl.history') IS NOT NULL");
    bool there = PQresultStatus(r) == PGRES_TUPLES_OK &&
                 strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
    if (!there)
        return false;
    const char *params[] = {s->project};
    r = PQexecParams(conn, "SELECT checksum FROM schemactl.history WHERE "
                     "project = $1 ORDER BY id DESC LIMIT 1", 1, NULL,
                     params, NULL, NULL, 0);
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
        *last = strdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    return *last && strcmp(*last, s->checksum) == 0;
}

static bool schema_here(PGconn *conn, const SctlSchema *s)
{
    char *last;
    if (applied(conn, s, &last)) {
        free(last);
        return true;
    }
    fprintf(stderr, "schemactl: test: the database does not hold this "
            "version of \"%s\" (%s%.12s); run apply first, as in `apply "
            "test`\n", s->project, last ? "last applied: " : "never applied",
            last ? last : "");
    free(last);
    return false;
}

int sctl_run_tests(PGconn *conn, const SctlSchema *s, const SctlTests *t,
                   FILE *out)
{
    if (t->ntests > 0 && !schema_here(conn, s))
        return SCTL_USAGE;
    int passed = 0;
    for (int i = 0; i < t->ntests; i++) {
        if (!exec(conn, "BEGIN")) {
            fprintf(stderr, "schemactl: test: %s", PQerrorMessage(conn));
            return SCTL_USAGE;
        }
        passed += run_test(conn, t, &t->tests[i], out);
        exec(conn, "ROLLBACK");
    }
    fprintf(out, "%d test%s, %d passed, %d failed\n", t->ntests,
            t->ntests == 1 ? "" : "s", passed, t->ntests - passed);
    return passed == t->ntests ? SCTL_OK : SCTL_DRIFT;
}
