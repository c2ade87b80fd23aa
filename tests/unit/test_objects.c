/*
 * test_objects.c — publications, replica identity, sequences, procedures
 * and data rows: the errors with their positions, the statements, and
 * what the executable carries (kinds, parents, the repairs' text).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile_helper.h"

#define SUPA "platform supabase;\n"

static const struct {
    const char *schema;
    const char *first;
} errors[] = {
    {"table t { id int primary key; }\npublication p { table t; table t; }",
     "t0.schema:2:26: error: table \"public.t\" is published twice in publication \"p\""},
    {SUPA "table t { id int primary key; }\n"
     "publication supabase_realtime { table t; comment 'x'; }",
     "t0.schema:3:42: error: publication \"supabase_realtime\" is the platform's: its comment is not this schema's"},
    {"table t { id int primary key; }\npublication p { index (id); }",
     "t0.schema:2:17: error: expected a publication item (table, publish, comment), found 'index'"},
    {"table t { id int primary key; a int; unique index t_a (a); "
     "replica identity using index t_a; }",
     "t0.schema:1:89: error: index \"t_a\" cannot be the replica identity: it is on column \"a\", which may be null"},
    {"table t { id int primary key; a int not null; "
     "constraint t_a unique (a) deferrable; replica identity using index t_a; }",
     "t0.schema:1:114: error: index \"t_a\" cannot be the replica identity: it is deferrable"},
    {"sequence s increment by 1 minvalue 5 start with 2;",
     "t0.schema:1:49: error: START value (2) cannot be less than MINVALUE (5)"},
    {"sequence s cache 0;",
     "t0.schema:1:18: error: CACHE (0) must be greater than zero"},
    {"sequence s no minvalue minvalue 3;",
     "t0.schema:1:24: error: 'minvalue' is given twice"},
    {"sequence s increment by 99999999999999999999;",
     "t0.schema:1:25: error: 99999999999999999999 is not a whole number of 64 bits"},
    {"procedure p() { language sql; strict; as $$ select 1 $$; }",
     "t0.schema:1:31: error: a procedure cannot be STRICT; it takes security definer or invoker, and set"},
    {"table t { id int primary key; }\nrows t (id) { (1, 2); }",
     "t0.schema:2:15: error: this row has 2 values for 1 column"},
    {"table t { id int primary key; n int; }\nrows t (id, n) { ('1'::int, 2); }",
     "t0.schema:2:19: error: a key value must be a plain literal (no cast): it finds the row"},
    {"table t { id int primary key; on boolean; }\nrows t (id, on) { (1, 'maybe'); }",
     "t0.schema:2:23: error: invalid input syntax for type boolean: \"maybe\""},
    {"table t { id int primary key; }\nrows t (id) { (1) (2); }",
     "t0.schema:2:19: error: expected ';' or ',' after the row, found '('"},
    {"table t { id int primary key; }\nrows t (id) { }",
     "t0.schema:2:6: error: no rows: write some, or `exact` for a table that must be empty"},
};

START_TEST(test_errors)
{
    assert_first_error(errors[_i].schema, errors[_i].first);
}
END_TEST

/* Nothing is made of the platform's publication but its tables. */
START_TEST(test_platform_publication)
{
    Compiled c = compile_text(SUPA "table t { id int primary key; }\n"
                              "publication supabase_realtime { table t; }\n");
    assert_sql_has(&c, "ALTER PUBLICATION supabase_realtime ADD TABLE "
                   "public.t;");
    ck_assert_ptr_null(strstr(c.sql, "CREATE PUBLICATION"));
    compiled_free(&c);
    /* without the platform, it is a publication like any other */
    c = compile_text("table t { id int primary key; }\n"
                     "publication supabase_realtime { table t; }\n");
    assert_sql_has(&c, "CREATE PUBLICATION supabase_realtime;");
    compiled_free(&c);
}
END_TEST

/* A rows declaration's statements, and rows after the rows they need. */
START_TEST(test_rows_order)
{
    Compiled c = compile_text(
        "rows b (id, a_id) { (1, 10); }\n"
        "rows a (id) exact { (10); (11); }\n"
        "table b { id int primary key; a_id int references a (id); }\n"
        "table a { id int primary key; }\n");
    ck_assert_msg(c.sql, "%s", c.diags);
    const char *ins_a = strstr(c.sql, "INSERT INTO public.a (id) VALUES");
    const char *ins_b = strstr(c.sql, "INSERT INTO public.b (id, a_id)");
    ck_assert_ptr_nonnull(ins_a);
    ck_assert_ptr_nonnull(ins_b);
    ck_assert(ins_a < ins_b);
    assert_sql_has(&c, "ON CONFLICT (id) DO NOTHING;");
    assert_sql_has(&c, "DELETE FROM public.a WHERE (id) NOT IN ((10), (11));");
    compiled_free(&c);
}
END_TEST

static const SctlSchema *model_of(Arena *a, const char *text)
{
    Diag d;
    FILE *out = tmpfile();
    diag_init(&d, out);
    Compilation c = compile_named(a, "m.schema", text, &d);
    ck_assert_int_eq(c.errors, 0);
    ck_assert_ptr_nonnull(c.prog);
    BuildOutputs o;
    ck_assert_int_eq(build_outputs(a, c.prog, "m", &o, &d), 0);
    buf_free(&o.sql);
    fclose(out);
    return o.model;
}

static const SctlObject *find(const SctlSchema *s, SctlKind k,
                              const char *name)
{
    for (int i = 0; i < s->nobjects; i++)
        if (s->objects[i].kind == k && strcmp(s->objects[i].name, name) == 0)
            return &s->objects[i];
    ck_abort_msg("no object %s", name);
    return NULL;
}

/* PostgreSQL's defaults spelt out: a descending sequence runs from -1
 * down to the type's least value. */
START_TEST(test_sequence_options)
{
    Arena *a = arena_new();
    const SctlSchema *s = model_of(a, "sequence up as smallint;\n"
                                   "sequence down as integer increment -2 cache 3 cycle;\n");
    ck_assert_str_eq(find(s, SCTL_K_SEQUENCE, "up")->type,
                     "AS smallint INCREMENT BY 1 MINVALUE 1 MAXVALUE 32767 "
                     "START WITH 1 CACHE 1 NO CYCLE");
    ck_assert_str_eq(find(s, SCTL_K_SEQUENCE, "down")->type,
                     "AS integer INCREMENT BY -2 MINVALUE -2147483648 "
                     "MAXVALUE -1 START WITH -1 CACHE 3 CYCLE");
    arena_free(a);
}
END_TEST

/* A published table and the rows are parts of their table; the rows are
 * read back by a query of their own. */
START_TEST(test_model_parts)
{
    Arena *a = arena_new();
    const SctlSchema *s = model_of(a,
        "table t { id int primary key; v text; replica identity full; }\n"
        "publication p { table t (id, v) where (id > 0); }\n"
        "rows t (id, v) exact { (1, 'x'); }\n");
    const SctlObject *t = find(s, SCTL_K_TABLE, "t");
    const SctlObject *pt = find(s, SCTL_K_PUBLICATION_TABLE, "p");
    const SctlObject *rows = find(s, SCTL_K_ROWS, "t");
    ck_assert_str_eq(pt->table, "t");
    ck_assert_ptr_eq(&s->objects[pt->parent], t);
    ck_assert_ptr_eq(&s->objects[rows->parent], t);
    ck_assert_ptr_nonnull(strstr(rows->definition,
        "(SELECT ROW(r.id, r.v)::text FROM public.t r WHERE r.id = 1) AS \"row 1\""));
    ck_assert_ptr_nonnull(strstr(rows->definition, "AS \"rows not declared\""));
    int switches = 0;
    for (int k = 0; k < s->nstatements; k++)
        switches += s->statements[k].role == SCTL_STMT_SWITCH;
    ck_assert_int_eq(switches, 2);  /* replica identity, exact's delete */
    find(s, SCTL_K_PUBLICATION, "p");
    arena_free(a);
}
END_TEST

START_TEST(test_procedure)
{
    Compiled c = compile_text(
        "procedure p(a int, inout b int) { language plpgsql;\n"
        "  as $$ begin b := a; end $$; grant execute to public; }\n");
    assert_sql_has(&c, "CREATE PROCEDURE public.p(a int, inout b int)\n"
                   "    LANGUAGE plpgsql\n");
    assert_sql_has(&c, "GRANT EXECUTE ON PROCEDURE public.p(int, int) TO "
                   "PUBLIC;");
    compiled_free(&c);
}
END_TEST

Suite *make_objects_suite(void)
{
    Suite *s = suite_create("objects");
    TCase *tc = tcase_create("errors");
    tcase_add_loop_test(tc, test_errors, 0,
                        (int)(sizeof errors / sizeof errors[0]));
    suite_add_tcase(s, tc);
    tc = tcase_create("output");
    tcase_add_test(tc, test_platform_publication);
    tcase_add_test(tc, test_rows_order);
    tcase_add_test(tc, test_sequence_options);
    tcase_add_test(tc, test_model_parts);
    tcase_add_test(tc, test_procedure);
    suite_add_tcase(s, tc);
    return s;
}
