/*
 * model_test.c — the tests' part of what an executable carries: a table
 * of tests and of their steps, each step with its role and claims and its
 * statement, wrapped so that it yields its row count.  The runtime
 * (test.c) opens the transactions and savepoints, takes the role, runs
 * the statement and judges the result.
 */
#include "schemac.h"

#include <string.h>

/* The statement, wrapped so that it yields its row count.  The newlines
 * keep a trailing `--` comment from swallowing the wrapper. */
static const char *step_sql(Arena *a, const TestStep *st)
{
    switch (st->run) {
    case STEP_RUN_AS_IS: return st->stmt;
    case STEP_RUN_QUERY:
        /* q::text uses every column, so none is left unevaluated (and
         * unchecked: a function the role may not execute must fail) */
        return arena_printf(a, "SELECT count(q::text) FROM (\n%s\n) AS q",
                            st->stmt);
    case STEP_RUN_DML:
        return arena_printf(a, "WITH q AS (\n%s\nRETURNING 1) SELECT "
                            "count(*) FROM q", st->stmt);
    case STEP_RUN_RETURNING:
        return arena_printf(a, "WITH q AS (\n%s\n) SELECT count(*) FROM q",
                            st->stmt);
    }
    return NULL;
}

static SctlStepKind step_kind(StepKind k)
{
    switch (k) {
    case STEP_SETUP: return SCTL_STEP_SETUP;
    case STEP_EXPECT_ROWS: return SCTL_STEP_ROWS;
    case STEP_EXPECT_ERROR: return SCTL_STEP_ERROR;
    }
    return SCTL_STEP_SETUP;
}

static void step(ModelFiles *f, const TestStep *st, SctlTestStep *out)
{
    *out = (SctlTestStep){
        .kind = step_kind(st->kind),
        .role = st->role.name,
        .claims = st->role.name ? (st->claims_json ? st->claims_json : "")
                                : NULL,
        .counted = st->run != STEP_RUN_AS_IS,
        .rows = st->rows,
        .sqlstate = st->state,
        .sql = step_sql(f->a, st),
    };
    out->file = model_file(f, st->tok, &out->line, &out->col);
}

void model_tests(ModelFiles *f, const Program *p, SctlSchema *s)
{
    int ntests = 0, nsteps = 0;
    for (int i = 0; i < p->decls.len; i++) {
        const Decl *d = p->decls.items[i];
        ntests += d->kind == DECL_TEST;
        nsteps += d->kind == DECL_TEST ? d->steps.len : 0;
    }
    SctlTest *tests = arena_alloc(f->a, sizeof *tests * (size_t)(ntests + 1));
    SctlTestStep *steps = arena_alloc(f->a,
                                      sizeof *steps * (size_t)(nsteps + 1));
    int t = 0, k = 0;
    for (int i = 0; i < p->decls.len; i++) {
        const Decl *d = p->decls.items[i];
        if (d->kind != DECL_TEST)
            continue;
        tests[t++] = (SctlTest){d->name.name, k, d->steps.len};
        for (int j = 0; j < d->steps.len; j++)
            step(f, d->steps.items[j], &steps[k++]);
    }
    s->tests = tests;
    s->ntests = ntests;
    s->steps = steps;
    s->nsteps = nsteps;
}
