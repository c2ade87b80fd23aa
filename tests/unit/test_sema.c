/*
 * test_sema.c — the checker: every error message pinned with its exact
 * position, and the names PostgreSQL would choose for unnamed objects.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "compile_helper.h"

/* Each case: a schema and the exact first line of its diagnostics. */
static const struct {
    const char *schema;
    const char *first;
} errors[] = {
    {"table a { id int primary key; b_id int references b; }",
     "t0.schema:1:51: error: unknown table \"b\" (unqualified names are in schema public)"},
    {"table b { id int primary key; }\ntable a { id int primary key; b_id int references b (nope); }",
     "t0.schema:2:54: error: unknown column \"nope\" in table \"b\""},
    {"table b { id int primary key; k int; }\ntable a { x int; y int; foreign key (x, y) references b (id); }",
     "t0.schema:2:25: error: number of referencing and referenced columns for foreign key disagree (2 and 1)"},
    {"table b { id int primary key; k int; }\ntable a { x int references b (k); }",
     "t0.schema:2:28: error: there is no unique constraint matching given keys for referenced table \"b\""},
    {"table a { id int primary key; x int primary key; }",
     "t0.schema:1:37: error: multiple primary keys for table \"a\" are not allowed"},
    {"table a { id int; }\ntable a { id int; }",
     "t0.schema:2:7: error: table \"a\" is declared twice"},
    {"table a { id int; id text; }",
     "t0.schema:1:19: error: column \"id\" is declared twice in table \"a\""},
    {"table a { id int; policy \"p\" using (true); policy \"p\" using (false); }",
     "t0.schema:1:51: error: policy \"p\" is declared twice on table \"a\""},
    {"table a { id int; grant select to ghost; }",
     "t0.schema:1:35: error: unknown role \"ghost\"; declare it with `role ghost;` or `platform supabase;`"},
    {"table a { id int; use nothing(); }",
     "t0.schema:1:23: error: unknown template \"nothing\""},
    {"template t(x) { index (${x}); }\ntable a { id int; use t(); }",
     "t0.schema:2:23: error: template \"t\" takes 1 argument, 0 given"},
    {"table a { id int; s mood; }",
     "t0.schema:1:21: error: unknown type \"mood\""},
    {"table a { id int default nope(); }",
     "t0.schema:1:26: error: unknown function \"nope\""},
    /* a name is cut (a warning); a label is a value, and too long */
    {"enum e ('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');",
     "t0.schema:1:9: error: enum label is 64 bytes long; PostgreSQL keeps at most 63"},
    {"table a { id int; policy \"p\" for insert using (true); }",
     "t0.schema:1:41: error: only WITH CHECK expression allowed for INSERT"},
    {"table a { id int; policy \"p\" for select with check (true); }",
     "t0.schema:1:41: error: WITH CHECK cannot be applied to SELECT or DELETE"},
    {"view v1 { as select * from v2; }\nview v2 { as select * from v1; }",
     "t0.schema:1:6: error: dependency cycle: view \"v1\" needs view \"v2\" needs view \"v1\""},
    {"table a { id int not null null; }",
     "t0.schema:1:27: error: conflicting NULL/NOT NULL declarations for column \"id\""},
    {"table a { id int default 1 default 2; }",
     "t0.schema:1:28: error: multiple default values specified for column \"id\""},
    {"table a { id int; index using bogus (id); }",
     "t0.schema:1:31: error: unknown index method \"bogus\" (known: btree, hash, gist, spgist, gin, brin)"},
    {"table a { id int; grant selct to public; }",
     "t0.schema:1:25: error: privilege \"selct\" is not valid for a table; did you mean \"select\"?"},
    {"function f() returns int { as $$ select 1 $$; }",
     "t0.schema:1:10: error: function \"f\" has no language; add `language sql;` or `language plpgsql;`"},
    {"function f() returns int { language sql; stable; immutable; as $$ select 1 $$; }",
     "t0.schema:1:50: error: IMMUTABLE conflicts with STABLE"},
    {"table a { id int check (idd > 0); }",
     "t0.schema:1:25: error: unknown column \"idd\" in table \"a\"; did you "
     "mean \"id\"?"},
    /* a near name is suggested instead of declaring the typo */
    {"platform supabase;\ntable a { id int; grant select to authenticted; }",
     "t0.schema:2:35: error: unknown role \"authenticted\"; did you mean "
     "\"authenticated\"?"},
    {"table users { id int; email text; }\ntable a { id int; check (emial <> ''); }",
     "t0.schema:2:26: error: unknown column \"emial\" in table \"a\""},
    {"table customers { id int primary key; }\n"
     "table a { c int references customer; }",
     "t0.schema:2:28: error: unknown table \"customer\"; did you mean "
     "\"customers\"?"},
    {"table a { id int; b boolean default 'o'; }",
     "t0.schema:1:37: error: invalid input syntax for type boolean: \"o\""},
    {"template timestamps() { created_at timestamptz; }\n"
     "table a { id int; use timestamp(); }",
     "t0.schema:2:23: error: unknown template \"timestamp\"; did you mean "
     "\"timestamps\"?"},
    {"table a { id int; s intger; }",
     "t0.schema:1:21: error: unknown type \"intger\"; did you mean "
     "\"integer\"?"},
    {"table a { id int; t text default lowr('X'); }",
     "t0.schema:1:34: error: unknown function \"lowr\"; did you mean "
     "\"lower\"?"},
    {"table a { id int; partition p for values in (1); }",
     "t0.schema:1:19: error: partition \"p\" of table \"a\", which has no `partition by`"},
    {"template t(x) { index (${y}); }\ntable a { id int; use t(id); }",
     "t0.schema:1:24: error: unknown template parameter \"y\""},
    {"table a { id int; index (id) where (id > ); }",
     "t0.schema:1:42: error: syntax error at or near \")\" in index predicate"},
    {"function f() returns int { language plpgsql; as $$\nbegin\n  retrun 1;\nend $$; }",
     "t0.schema:3:3: error: syntax error at or near \"retrun\" in function body"},
    {"function f(x int) returns int { language sql; as $$ select x $$; }\nfunction f(y int) returns int { language sql; as $$ select y $$; }",
     "t0.schema:2:10: error: function \"f(int)\" is declared twice"},
    {"table a { id int references a; }",
     "t0.schema:1:29: error: there is no primary key for referenced table \"a\""},
    {"table a { id int; row level security; row level security; }",
     "t0.schema:1:39: error: row level security is declared twice in this table"},
    {"platform firebase;",
     "t0.schema:1:10: error: unknown platform \"firebase\"; the known platform is \"supabase\""},
    {"table a { id int; policy \"p\" to anon using (true); }",
     "t0.schema:1:33: error: unknown role \"anon\"; declare it with `role anon;` or `platform supabase;`"},
    {"table a { id int; comment 'x'; comment 'y'; }",
     "t0.schema:1:32: error: a comment is declared twice in this table"},
};

START_TEST(test_error_messages)
{
    assert_first_error(errors[_i].schema, errors[_i].first);
}
END_TEST

/* Unnamed objects get PostgreSQL's names: each case lists names that the
 * SQL must contain (verified on a PostgreSQL 15 server). */
static const struct {
    const char *schema;
    const char *names[4];
} names[] = {
    {"table t { id int primary key; a int unique; b int check (b > 0); }",
     {"CONSTRAINT t_pkey PRIMARY KEY (id)", "CONSTRAINT t_a_key UNIQUE (a)",
      "CONSTRAINT t_b_check CHECK (b > 0)", NULL}},
    {"table t { a int; b int; check (a < b); check (a > 0); }",
     {"CONSTRAINT t_check CHECK (a < b)", "CONSTRAINT t_a_check CHECK (a > 0)",
      NULL}},
    {"table t { a int; b int; unique (a, b); index (b, a); index (lower(a::text)); }",
     {"CONSTRAINT t_a_b_key UNIQUE (a, b)", "CREATE INDEX t_b_a_idx ON public.t",
      "CREATE INDEX t_lower_idx ON public.t", NULL}},
    {"table t { a int; b int; unique (a); constraint t_a_key check (a > 0);\n"
     "  unique nulls not distinct (a); }",
     {"CONSTRAINT t_a_key1 UNIQUE (a)",
      "CONSTRAINT t_a_key2 UNIQUE NULLS NOT DISTINCT (a)", NULL}},
    {"table p { id int primary key; }\ntable c { p_id int references p; }",
     {"ADD CONSTRAINT c_p_id_fkey FOREIGN KEY (p_id) REFERENCES public.p (id)", NULL}},
    {"table t { a int; b text; index (a) include (b); index (a, a); }",
     {"CREATE INDEX t_a_b_idx ON public.t", "CREATE INDEX t_a_a1_idx ON public.t", NULL}},
    {"table a_table_name_that_is_quite_long_indeed_for_postgres {\n"
     "  a_column_with_a_long_name_as_well int unique; }",
     {"a_table_name_that_is_quite_lo_a_column_with_a_long_name_as__key",
      NULL}},
    {"table t { a int; b int check (a > 0); }",
     {"CONSTRAINT t_a_check CHECK (a > 0)", NULL}},
};

START_TEST(test_chosen_names)
{
    Compiled c = compile_text(names[_i].schema);
    ck_assert_msg(c.sql != NULL, "errors: %s", c.diags);
    for (int k = 0; k < 4 && names[_i].names[k]; k++)
        ck_assert_msg(strstr(c.sql, names[_i].names[k]) != NULL,
                      "missing \"%s\" in\n%s", names[_i].names[k], c.sql);
    compiled_free(&c);
}
END_TEST

/* Several errors in one file are all reported, each once. */
START_TEST(test_all_errors_reported)
{
    Compiled c = compile_text("table a { x nope1; y nope2; }\n"
                              "table b { z int references zz; }\n");
    ck_assert_int_eq(c.errors, 3);
    ck_assert_ptr_nonnull(strstr(c.diags, "unknown type \"nope1\""));
    ck_assert_ptr_nonnull(strstr(c.diags, "unknown type \"nope2\""));
    ck_assert_ptr_nonnull(strstr(c.diags, "unknown table \"zz\""));
    compiled_free(&c);
}
END_TEST

/* A note points at the first declaration of a duplicate. */
START_TEST(test_duplicate_note)
{
    Compiled c = compile_text("table a { id int; }\n\ntable a { id int; }\n");
    ck_assert_ptr_nonnull(strstr(c.diags,
        "t0.schema:1:7: note: first declared here"));
    compiled_free(&c);
}
END_TEST

/* Errors inside a template's text point into the template, with a note
 * at the use. */
START_TEST(test_template_error_location)
{
    Compiled c = compile_text("template t(col) {\n"
                              "  index (${col}, missing);\n"
                              "}\n"
                              "table a { id int; use t(id); }\n");
    char *first = first_line(&c);
    ck_assert_str_eq(first, "t0.schema:2:18: error: unknown column "
                            "\"missing\" in table \"a\"");
    ck_assert_ptr_nonnull(strstr(c.diags,
        "t0.schema:4:19: note: in the template used here"));
    free(first);
    compiled_free(&c);
}
END_TEST

/* Templates substitute arguments, ${table}, and string values. */
START_TEST(test_template_expansion)
{
    Compiled c = compile_text(
        "template owned(col, what) {\n"
        "  index (${col});\n"
        "  policy \"owner reads ${what}\" for select using (${col} = 1);\n"
        "  comment 'table ${table}';\n"
        "}\n"
        "table docs { id int; owner int; use owned(owner, 'own docs'); }\n");
    ck_assert_msg(c.sql != NULL, "%s", c.diags);
    ck_assert_ptr_nonnull(strstr(c.sql, "CREATE INDEX docs_owner_idx ON public.docs (owner)"));
    ck_assert_ptr_nonnull(strstr(c.sql, "CREATE POLICY \"owner reads own docs\" ON public.docs FOR SELECT USING (owner = 1)"));
    ck_assert_ptr_nonnull(strstr(c.sql, "COMMENT ON TABLE public.docs IS 'table docs'"));
    compiled_free(&c);
}
END_TEST

/* Templates that use themselves are stopped. */
START_TEST(test_template_recursion)
{
    Compiled c = compile_text("template t() { use t(); }\n"
                              "table a { id int; use t(); }\n");
    ck_assert_ptr_nonnull(strstr(c.diags, "uses itself"));
    ck_assert_int_ge(c.errors, 1);
    compiled_free(&c);
}
END_TEST

/* Supabase's objects are known once the platform is declared. */
START_TEST(test_platform_supabase)
{
    Compiled c = compile_text(
        "platform supabase;\n"
        "table notes { id uuid primary key; owner uuid references auth.users;\n"
        "  row level security;\n"
        "  policy \"mine\" for select to authenticated using (owner = auth.uid()); }\n");
    ck_assert_msg(c.sql != NULL, "%s", c.diags);
    ck_assert_ptr_null(strstr(c.sql, "CREATE SCHEMA auth"));
    ck_assert_ptr_null(strstr(c.sql, "CREATE TABLE auth.users"));
    ck_assert_ptr_nonnull(strstr(c.sql, "REFERENCES auth.users (id)"));
    compiled_free(&c);
}
END_TEST

/* What the value checks must let through: each compiles. */
static const char *const values_ok[] = {
    "table t { id int primary key; n integer default ' 42 '; b boolean "
    "default 'yes'; c boolean default 'Tr'; d boolean default 'of';\n"
    "  u uuid default '{A0EEBC99-9c0b4ef8-bb6d-6bb9bd380a11}'; }",
    /* the platform's tables are known in part: not checked */
    "platform supabase;\n"
    "view v { as select id, last_sign_in_at from auth.users; }",
    "enum mood ('happy', 'sad');\n"
    "table t { id int primary key; m mood default 'happy'::mood; }",
    "table t { id int primary key; qty int check (qty > '5' and qty < 10.5);"
    " s text check (s <> 'zero'); }",
    "platform supabase;\ntable t { id int primary key; owner uuid;\n"
    "  row level security;\n"
    "  policy \"p\" using (owner = (select auth.uid()) or owner::text = "
    "current_user); }",
    "table p { id bigint primary key; }\n"
    "table c { id int primary key; p_id int references p; }",
    "table a { id int primary key; x int; }\n"
    "table b { id int primary key; a_id int; }\n"
    "view v { as select a.x, b.id, a from a join b on b.a_id = a.id "
    "where x > 0 order by 1; }",
    "table a { id int primary key; x int; }\n"
    "function f(lim int) returns setof int { language sql;\n"
    "  as $$ select x from public.a where x < lim $$; }",
};

START_TEST(test_values_ok)
{
    Compiled c = compile_text(values_ok[_i]);
    ck_assert_msg(c.errors == 0, "%s", c.diags);
    compiled_free(&c);
}
END_TEST

Suite *make_sema_suite(void)
{
    Suite *s = suite_create("sema");
    TCase *tc = tcase_create("errors");
    tcase_add_loop_test(tc, test_error_messages, 0,
                        (int)(sizeof errors / sizeof errors[0]));
    tcase_add_test(tc, test_all_errors_reported);
    tcase_add_test(tc, test_duplicate_note);
    suite_add_tcase(s, tc);
    tc = tcase_create("names");
    tcase_add_loop_test(tc, test_chosen_names, 0,
                        (int)(sizeof names / sizeof names[0]));
    suite_add_tcase(s, tc);
    tc = tcase_create("templates");
    tcase_add_test(tc, test_template_error_location);
    tcase_add_test(tc, test_template_expansion);
    tcase_add_test(tc, test_template_recursion);
    tcase_add_test(tc, test_platform_supabase);
    tcase_add_loop_test(tc, test_values_ok, 0,
                        (int)(sizeof values_ok / sizeof values_ok[0]));
    suite_add_tcase(s, tc);
    return s;
}
