/*
 * test_tests.c — access tests (`test` blocks): every parse and sema error
 * pinned with its position, the steps as the checker leaves them, and what
 * the emitters make of them (nothing in the SQL; static, located EXEC SQL
 * in the ECPG source).
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "compile_helper.h"

/* Each case: a schema and the exact first line of its diagnostics. */
static const struct {
    const char *schema;
    const char *first;
} errors[] = {
    /* syntax */
    {"test 42 { }",
     "t0.schema:1:6: error: expected a test name in double quotes, found '42'"},
    {"test \"t\" { expect rows from $$ select 1 $$; }",
     "t0.schema:1:19: error: expected a row count or 'error' after 'expect', found 'rows'"},
    {"test \"t\" { expect 1 from $$ select 1 $$; }",
     "t0.schema:1:21: error: expected 'rows' after the row count, found 'from'"},
    {"test \"t\" { as expect 1 rows from $$ select 1 $$; }",
     "t0.schema:1:15: error: expected a role name after 'as', found 'expect'"},
    {"test \"t\" { expect 1 rows $$ select 1 $$; }",
     "t0.schema:1:26: error: expected 'from', found '$$ select 1 $$'"},
    {"test \"t\" { expect 1 rows from select 1; }",
     "t0.schema:1:31: error: expected an SQL statement as a string ($$...$$ or '...'), found 'select'"},
    {"test \"t\" { check $$ select 1 $$; }",
     "t0.schema:1:12: error: expected a test step ('setup', 'as' or 'expect'), found 'check'"},
    {"test \"t\" { setup $$ select 1 $$ }",
     "t0.schema:1:33: error: expected ';' after the test step, found '}'"},
    {"test \"t\" { setup $$ select 1 $$;",
     "t0.schema:1:33: error: expected '}', found end of file"},
    {"tset \"t\" { }",
     "t0.schema:1:1: error: unknown declaration 'tset'; did you mean 'test'?"},
    /* meaning */
    {"test \"t\" { }",
     "t0.schema:1:6: error: test \"t\" has no steps; add `setup $$...$$;` or `expect N rows from $$...$$;`"},
    {"test \"t\" { as ghost expect 0 rows from $$ select 1 $$; }",
     "t0.schema:1:15: error: unknown role \"ghost\"; declare it with `role ghost;` or `platform supabase;`"},
    {"test \"t\" { as anon expect error from $$ select 1 $$; }",
     "t0.schema:1:15: error: unknown role \"anon\"; declare it with `role anon;` or `platform supabase;`"},
    {"role r;\ntest \"t\" { as r claims '[1]' expect 1 rows from $$ select 1 $$; }",
     "t0.schema:2:24: error: claims must be a JSON object, like '{\"sub\": \"...\"}'"},
    {"role r;\ntest \"t\" { as r claims '{\"sub\": ' expect 1 rows from $$ select 1 $$; }",
     "t0.schema:2:24: error: claims are not valid JSON: unexpected end of input at byte 8"},
    {"test \"t\" { expect error '4250' from $$ select 1 $$; }",
     "t0.schema:1:25: error: an SQLSTATE is 5 characters of 0-9 and A-Z, like '42501'; not '4250'"},
    {"test \"t\" { expect error '4250a' from $$ select 1 $$; }",
     "t0.schema:1:25: error: an SQLSTATE is 5 characters of 0-9 and A-Z, like '42501'; not '4250a'"},
    {"test \"t\" { expect 1.5 rows from $$ select 1 $$; }",
     "t0.schema:1:19: error: the row count must be a whole number below 1000000000, not '1.5'"},
    {"test \"t\" {\n  expect 1 rows from $$\n    selec 1 $$; }",
     "t0.schema:3:5: error: syntax error at or near \"selec\" in test statement"},
    {"test \"t\" { expect 1 rows from 'select ''a'' from t where frob ('; }",
     "t0.schema:1:64: error: syntax error at end of input in test statement"},
    {"test \"t\" { expect 1 rows from 'select ''a'', nope()'; }",
     "t0.schema:1:46: error: unknown function \"nope\""},
    {"test \"t\" { expect 1 rows from $$ select 1; select 2 $$; }",
     "t0.schema:1:31: error: a test step runs exactly one SQL statement; this string holds 2"},
    {"test \"t\" { setup $$ $$; }",
     "t0.schema:1:18: error: a test step runs exactly one SQL statement; this string holds 0"},
    {"test \"t\" { expect 1 rows from $$ create table x (a int) $$; }",
     "t0.schema:1:31: error: `expect N rows` needs a query (SELECT, VALUES, WITH) or an INSERT, UPDATE or DELETE"},
    {"test \"t\" { setup $$ commit $$; }",
     "t0.schema:1:18: error: transaction control cannot run in a test step: each test is one transaction, rolled back at its end"},
    {"test \"t\" { expect error from $$ show work_mem $$; }",
     "t0.schema:1:30: error: SHOW cannot run in a test step; use a statement whose rows can be counted"},
    {"test \"t\" { setup $$ select 1 into x $$; }",
     "t0.schema:1:18: error: SELECT INTO cannot run in a test step; use CREATE TABLE AS"},
    {"table a { id int; }\ntest \"t\" { expect 0 rows from $$ delete from b $$; }",
     "t0.schema:2:46: error: unknown table or view \"b\""},
};

START_TEST(test_error_messages)
{
    assert_first_error(errors[_i].schema, errors[_i].first);
}
END_TEST

START_TEST(test_duplicate_name)
{
    Compiled c = compile_text("test \"same\" { setup $$ select 1 $$; }\n"
                              "test \"same\" { setup $$ select 2 $$; }\n");
    ck_assert_int_eq(c.errors, 1);
    ck_assert_ptr_nonnull(strstr(c.diags,
        "t0.schema:2:6: error: test \"same\" is declared twice\n"));
    ck_assert_ptr_nonnull(strstr(c.diags,
        "t0.schema:1:6: note: first declared here\n"));
    compiled_free(&c);
}
END_TEST

/* A name PostgreSQL could not keep is fine: a test is no object. */
START_TEST(test_long_name_and_other_files)
{
    const char *texts[] = {
        "platform supabase;\nrole app;\ntable t { a int; }\n",
        "test \"a test name far longer than the sixty-three bytes "
        "PostgreSQL keeps for names\" {\n"
        "  as app expect 0 rows from $$ select * from t $$;\n"
        "  as service_role claims '{}' expect error from $$ delete from t $$;\n"
        "}\n",
    };
    Compiled c = compile_texts(texts, 2);
    ck_assert_msg(c.errors == 0, "%s", c.diags);
    compiled_free(&c);
}
END_TEST

/* ------------------------------------------------------ the front end */

typedef struct Front {
    Arena *a;
    Program p;
    Diag d;
    FILE *out;
} Front;

static void front(Front *f, const char *text)
{
    f->a = arena_new();
    f->out = tmpfile();
    diag_init(&f->d, f->out);
    memset(&f->p, 0, sizeof f->p);
    Compilation c = compile_named(f->a, "t0.schema", text, &f->d);
    if (c.prog)
        f->p = *c.prog;
}

static void front_free(Front *f)
{
    fclose(f->out);
    arena_free(f->a);
}

static const Decl *only_test(const Front *f)
{
    for (int i = 0; i < f->p.decls.len; i++) {
        const Decl *d = f->p.decls.items[i];
        if (d->kind == DECL_TEST)
            return d;
    }
    return NULL;
}

static const TestStep *step(const Decl *t, int i)
{
    return t->steps.items[i];
}

START_TEST(test_steps_as_checked)
{
    Front f;
    front(&f, "platform supabase;\ntable t { a int; }\n"
              "test \"steps\" {\n"
              "  setup $$ insert into t values (1) $$;\n"
              "  as authenticated claims '{\"sub\": \"x\"}'\n"
              "    expect 1 row from 'select * from t;';\n"
              "  as anon expect error '42501' from $$ update t set a = 2 $$;\n"
              "  expect 2 rows from $$ delete from t returning a $$;\n"
              "  expect error from $$ drop table t $$;\n"
              "}\n");
    ck_assert_int_eq(f.d.errors, 0);
    const Decl *t = only_test(&f);
    ck_assert_ptr_nonnull(t);
    ck_assert_str_eq(t->name.name, "steps");
    ck_assert_int_eq(t->steps.len, 5);
    ck_assert_int_eq(step(t, 0)->kind, STEP_SETUP);
    ck_assert_int_eq(step(t, 0)->run, STEP_RUN_AS_IS);
    ck_assert_ptr_null(step(t, 0)->role.name);
    ck_assert_int_eq(step(t, 1)->kind, STEP_EXPECT_ROWS);
    ck_assert_int_eq(step(t, 1)->run, STEP_RUN_QUERY);
    ck_assert_str_eq(step(t, 1)->role.name, "authenticated");
    ck_assert_str_eq(step(t, 1)->claims_json, "{\"sub\": \"x\"}");
    ck_assert_int_eq(step(t, 1)->rows, 1);
    ck_assert_str_eq(step(t, 1)->stmt, "select * from t");  /* no ';' */
    ck_assert_int_eq(step(t, 2)->kind, STEP_EXPECT_ERROR);
    ck_assert_int_eq(step(t, 2)->run, STEP_RUN_DML);
    ck_assert_str_eq(step(t, 2)->state, "42501");
    ck_assert_ptr_null(step(t, 2)->claims);
    ck_assert_int_eq(step(t, 3)->run, STEP_RUN_RETURNING);
    ck_assert_int_eq(step(t, 3)->rows, 2);
    ck_assert_int_eq(step(t, 4)->run, STEP_RUN_AS_IS);
    ck_assert_ptr_null(step(t, 4)->sqlstate);
    front_free(&f);
}
END_TEST

/* --------------------------------------------------------- emission */

static char *sql_of(const char *text)
{
    Compiled c = compile_text(text);
    ck_assert_msg(c.sql != NULL, "%s", c.diags);
    char *sql = c.sql;
    c.sql = NULL;
    compiled_free(&c);
    return sql;
}

static const char schema[] =
    "platform supabase;\ntable t { a int; }\n";
static const char with_test[] =
    "platform supabase;\ntable t { a int; }\n"
    "test \"t\" {\n"
    "  as anon claims '{\"sub\": \"it''s\"}'\n"
    "    expect 1 rows from $$ select * from t -- all\n$$;\n"
    "  expect 0 rows from $$ update t set a = 1 $$;\n"
    "  setup $$ insert into t values (1) returning a $$;\n"
    "}\n";

START_TEST(test_sql_unchanged)
{
    char *without = sql_of(schema), *with = sql_of(with_test);
    ck_assert_str_eq(with, without);
    free(without);
    free(with);
}
END_TEST

/* The model an executable would carry, with its pgc text. */
typedef struct Carried {
    Front f;
    BuildOutputs o;
    char *pgc;
} Carried;

static void carried(Carried *c, const char *text)
{
    front(&c->f, text);
    ck_assert_int_eq(c->f.d.errors, 0);
    ck_assert_int_eq(build_outputs(c->f.a, &c->f.p, "x", &c->o, &c->f.d), 0);
    Buf pgc = {0};
    emit_pgc(&pgc, c->o.model);
    c->pgc = strdup(pgc.data);
    buf_free(&pgc);
}

static void carried_free(Carried *c)
{
    free(c->pgc);
    buf_free(&c->o.sql);
    front_free(&c->f);
}

/* Each step as carried: its kind, role and claims, whether it counts,
 * rows, its place, and its statement wrapped to yield the count. */
START_TEST(test_steps_carried)
{
    Carried c;
    carried(&c, with_test);
    const SctlSchema *s = c.o.model;
    ck_assert_int_eq(s->ntests, 1);
    ck_assert_str_eq(s->tests[0].name, "t");
    ck_assert_int_eq(s->tests[0].first, 0);
    ck_assert_int_eq(s->tests[0].nsteps, 3);
    ck_assert_int_eq(s->nsteps, 3);
    const SctlTestStep *st = s->steps;
    ck_assert_int_eq(st[0].kind, SCTL_STEP_ROWS);
    ck_assert_str_eq(st[0].role, "anon");
    ck_assert_str_eq(st[0].claims, "{\"sub\": \"it's\"}");
    ck_assert(st[0].counted);
    ck_assert_int_eq(st[0].rows, 1);
    ck_assert_int_eq(st[0].line, 4);
    ck_assert_int_eq(st[0].col, 3);
    ck_assert_str_eq(st[0].sql, "SELECT count(q::text) FROM (\n select * "
                                "from t -- all\n\n) AS q");
    ck_assert_ptr_null(st[1].role);
    ck_assert_ptr_null(st[1].claims);
    ck_assert_str_eq(st[1].sql, "WITH q AS (\n update t set a = 1 \n"
                                "RETURNING 1) SELECT count(*) FROM q");
    ck_assert_int_eq(st[2].kind, SCTL_STEP_SETUP);
    ck_assert_str_eq(st[2].sql, "WITH q AS (\n insert into t values (1) "
                                "returning a \n) SELECT count(*) FROM q");
    ck_assert_str_eq(s->files[st[2].file], "t0.schema");
    ck_assert_int_eq(st[2].line, 8);
    carried_free(&c);
}
END_TEST

/* A setup may hold several statements: each runs as a step of its own,
 * all at the setup's place. */
START_TEST(test_setup_statements)
{
    Carried c;
    carried(&c, "platform supabase;\ntable t { a int; }\n"
                "test \"t\" {\n"
                "  setup $$ insert into t values (1); insert into t values (2) $$;\n"
                "  expect 2 rows from $$ select * from t $$;\n}\n");
    const SctlSchema *s = c.o.model;
    ck_assert_int_eq(s->tests[0].nsteps, 3);
    ck_assert_str_eq(s->steps[0].sql, " insert into t values (1)");
    ck_assert_str_eq(s->steps[1].sql, " insert into t values (2) ");
    ck_assert_int_eq(s->steps[0].line, s->steps[1].line);
    ck_assert_ptr_nonnull(strstr(c.pgc, "{\"t\", 0, 3},"));
    carried_free(&c);
}
END_TEST

/* The pgc carries each step's statement as C strings, line by line. */
START_TEST(test_pgc_steps)
{
    Carried c;
    carried(&c, with_test);
    ck_assert_msg(strstr(c.pgc, "    {SCTL_STEP_ROWS, \"anon\", \"{\\\"sub\\\": "
                                "\\\"it's\\\"}\", true, 1, NULL, 0, 4, 3,\n"
                                "     \"SELECT count(q::text) FROM (\\n\"\n"
                                "     \" select * from t -- all\\n\"\n")
                  != NULL, "%.3000s", c.pgc);
    carried_free(&c);
}
END_TEST

/* Tests change neither the canonical SQL nor its checksum. */
START_TEST(test_pgc_without_tests)
{
    Carried plain, tested;
    carried(&plain, schema);
    carried(&tested, with_test);
    ck_assert_int_eq(plain.o.model->ntests, 0);
    ck_assert_int_eq(plain.o.model->nsteps, 0);
    ck_assert_ptr_nonnull(strstr(plain.pgc, "    tests, 0, steps, 0,\n"));
    ck_assert_str_eq(plain.o.model->checksum, tested.o.model->checksum);
    carried_free(&plain);
    carried_free(&tested);
}
END_TEST

Suite *make_tests_suite(void)
{
    Suite *s = suite_create("tests");
    TCase *tc = tcase_create("errors");
    tcase_add_loop_test(tc, test_error_messages, 0,
                        (int)(sizeof errors / sizeof errors[0]));
    tcase_add_test(tc, test_duplicate_name);
    tcase_add_test(tc, test_long_name_and_other_files);
    suite_add_tcase(s, tc);
    tc = tcase_create("steps");
    tcase_add_test(tc, test_steps_as_checked);
    suite_add_tcase(s, tc);
    tc = tcase_create("emit");
    tcase_add_test(tc, test_sql_unchanged);
    tcase_add_test(tc, test_setup_statements);
    tcase_add_test(tc, test_steps_carried);
    tcase_add_test(tc, test_pgc_steps);
    tcase_add_test(tc, test_pgc_without_tests);
    suite_add_tcase(s, tc);
    return s;
}
