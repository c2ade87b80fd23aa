/*
 * emit_test.c — the tests' part of an executable's ECPG source.
 *
 * Every statement a test runs is a static EXEC SQL statement, so ecpg
 * checks it at build time like the schema's own: a step's statement
 * (wrapped so that its rows are counted), the SET LOCAL ROLE and claims of
 * `as ROLE claims '...'`, and their reset.  #line directives point C and
 * ECPG errors at the step in the schema file.  The runtime (test.c) opens
 * the transactions and savepoints and judges the results.
 */
#include "schemac.h"

#include <string.h>


/* One EXEC SQL statement; ecpg sees its text made safe for it. */
static void put_exec(Buf *b, Arena *a, const char *sql)
{
    buf_printf(b, "        EXEC SQL %s;\n", emit_pgc_sql(a, sql));
}

/* The statement, wrapped so that it yields its row count into :n.  The
 * newlines keep a trailing `--` comment from swallowing the wrapper. */
static char *step_sql(Arena *a, const TestStep *st)
{
    switch (st->run) {
    case STEP_RUN_AS_IS: return arena_strdup(a, st->stmt);
    case STEP_RUN_QUERY:
        /* q::text uses every column, so none is left unevaluated (and
         * unchecked: a function the role may not execute must fail) */
        return arena_printf(a, "SELECT count(q::text) INTO :n FROM (\n%s\n) "
                            "AS q", st->stmt);
    case STEP_RUN_DML:
        return arena_printf(a, "WITH q AS (\n%s\nRETURNING 1) SELECT "
                            "count(*) INTO :n FROM q", st->stmt);
    case STEP_RUN_RETURNING:
        return arena_printf(a, "WITH q AS (\n%s\n) SELECT count(*) INTO :n "
                            "FROM q", st->stmt);
    }
    return NULL;
}

/* Calls fn(b, a, step, k) for each step, k numbering them all. */
typedef void (*StepFn)(Buf *b, Arena *a, const TestStep *st, int k);

static void each_step(Buf *b, Arena *a, const Program *p, StepFn fn)
{
    int k = 0;
    for (int i = 0; i < p->decls.len; i++) {
        const Decl *d = p->decls.items[i];
        for (int j = 0; d->kind == DECL_TEST && j < d->steps.len; j++)
            fn(b, a, d->steps.items[j], k++);
    }
}

static void put_run_case(Buf *b, Arena *a, const TestStep *st, int k)
{
    buf_printf(b, "    case %d:\n", k);
    emit_pgc_location(b, st->tok, true, false);
    put_exec(b, a, step_sql(a, st));
    buf_puts(b, "        break;\n");
}

/* Claims are set, to '' when none are given, only with a role. */
static void put_enter_case(Buf *b, Arena *a, const TestStep *st, int k)
{
    if (!st->role.name)
        return;
    buf_printf(b, "    case %d:\n", k);
    emit_pgc_location(b, st->tok, true, false);
    Buf sql = {0};
    buf_puts(&sql, "SET LOCAL ROLE ");
    quote_ident(&sql, st->role.name);
    put_exec(b, a, sql.data);
    buf_puts(b, "        if (sqlca.sqlcode < 0)\n            return false;\n");
    sql.len = 0;
    buf_puts(&sql, "SET LOCAL request.jwt.claims = ");
    quote_literal(&sql, st->claims_json ? st->claims_json : "");
    put_exec(b, a, sql.data);
    buf_puts(b, "        return sqlca.sqlcode >= 0;\n");
    buf_free(&sql);
}

static void put_functions(Buf *b, Arena *a, const Program *p)
{
    buf_puts(b, "static bool test_enter(int k)\n{\n    switch (k) {\n");
    each_step(b, a, p, put_enter_case);
    buf_puts(b, "    }\n    return true;\n}\n\n");
    buf_puts(b, "static bool test_run(int k, long *rows)\n{\n"
                "    EXEC SQL BEGIN DECLARE SECTION;\n    long n = -1;\n"
                "    EXEC SQL END DECLARE SECTION;\n    switch (k) {\n");
    each_step(b, a, p, put_run_case);
    buf_puts(b, "    }\n    *rows = n;\n    return sqlca.sqlcode >= 0;\n}\n\n"
                "static bool test_leave(void)\n{\n"
                "    EXEC SQL RESET ROLE;\n"
                "    EXEC SQL RESET request.jwt.claims;\n"
                "    return sqlca.sqlcode >= 0;\n}\n\n");
}

static const char *const step_kinds[] = {"SCTL_STEP_SETUP", "SCTL_STEP_ROWS",
                                         "SCTL_STEP_ERROR"};

static void put_step(Buf *b, Arena *a, const TestStep *st, int k)
{
    (void)a;
    (void)k;
    buf_printf(b, "    {%s, ", step_kinds[st->kind]);
    if (st->role.name)
        quote_c(b, st->role.name, strlen(st->role.name));
    else
        buf_puts(b, "NULL");
    buf_printf(b, ", %s, %ld, ", st->run != STEP_RUN_AS_IS ? "true" : "false",
               st->rows);
    if (st->state)
        quote_c(b, st->state, strlen(st->state));
    else
        buf_puts(b, "NULL");
    buf_puts(b, ", ");
    emit_pgc_location(b, st->tok, false, true);
    buf_puts(b, "},\n");
}

/* Returns the number of tests; C has no empty arrays, hence NULL. */
static int put_tests(Buf *b, const Program *p)
{
    int n = 0, first = 0;
    for (int i = 0; i < p->decls.len; i++) {
        const Decl *d = p->decls.items[i];
        if (d->kind != DECL_TEST)
            continue;
        buf_puts(b, n++ ? "    {" : "static const SctlTest tests[] = {\n    {");
        quote_c(b, d->name.name, strlen(d->name.name));
        buf_printf(b, ", %d, %d},\n", first, d->steps.len);
        first += d->steps.len;
    }
    if (n)
        buf_puts(b, "};\n\n");
    return n;
}

void emit_test_pgc(Buf *out, Arena *a, const Program *p)
{
    put_functions(out, a, p);
    int ntests = put_tests(out, p);
    if (ntests) {  /* every test has a step: sema sees to it */
        buf_puts(out, "static const SctlTestStep test_steps[] = {\n");
        each_step(out, a, p, put_step);
        buf_puts(out, "};\n\n");
    }
    buf_printf(out, "const SctlTests sctl_tests = {\n    %s, %d, %s, "
               "test_enter, test_run, test_leave,\n};\n\n",
               ntests ? "tests" : "NULL", ntests,
               ntests ? "test_steps" : "NULL");
}
