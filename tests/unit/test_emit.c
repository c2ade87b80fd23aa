/*
 * test_emit.c — canonical SQL: exact statement texts, quoting, dependency
 * order, and determinism (same input, same bytes, whatever the file order).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "compile_helper.h"

/* Each case: a schema and one statement its SQL must contain exactly. */
static const struct {
    const char *schema;
    const char *statement;
} statements[] = {
    {"table t { id bigint primary key; n text not null default 'a''b'; }",
     "CREATE TABLE public.t (\n"
     "    id bigint,\n"
     "    n text DEFAULT 'a''b' NOT NULL,\n"
     "    CONSTRAINT t_pkey PRIMARY KEY (id)\n"
     ");\n"},
    {"table \"Odd \"\"Name\" { \"select\" int; }",
     "CREATE TABLE public.\"Odd \"\"Name\" (\n    \"select\" int\n);\n"},
    {"table t { a int; comment 'it''s \\ here'; }",
     "COMMENT ON TABLE public.t IS 'it''s \\ here';\n"},
    {"table t { a int; b int; index (a desc nulls last, b) include (a) "
     "where a > 0 concurrently; }",
     "CREATE INDEX t_a_b_a1_idx ON public.t (a desc nulls last, b) "
     "INCLUDE (a) WHERE a > 0;\n"},
    {"table t { a int; unique index ux using btree (a); }",
     "CREATE UNIQUE INDEX ux ON public.t USING btree (a);\n"},
    {"table t { a int; row level security; }",
     "ALTER TABLE public.t ENABLE ROW LEVEL SECURITY;\n"},
    {"role r; table t { a int; policy \"p\" for insert to r with check (a > 0); }",
     "CREATE POLICY p ON public.t FOR INSERT TO r WITH CHECK (a > 0);\n"},
    {"table t { a int; policy \"All rows\" using (true); }",
     "CREATE POLICY \"All rows\" ON public.t USING (true);\n"},
    {"table t { a int; grant select, insert to public; }",
     "GRANT SELECT, INSERT ON TABLE public.t TO PUBLIC;\n"},
    {"enum e ('a', 'b''c');",
     "CREATE TYPE public.e AS ENUM ('a', 'b''c');\n"},
    {"domain d text check (value <> '');",
     "CREATE DOMAIN public.d AS text check (value <> '');\n"},
    {"type pair as (a int, b text);",
     "CREATE TYPE public.pair AS (a int, b text);\n"},
    /* a platform's schema exists already; elsewhere it is made */
    {"schema auth;", "CREATE SCHEMA auth;\n"},
    {"platform supabase;\nschema auth { comment 'x'; }",
     "CREATE SCHEMA IF NOT EXISTS auth;\n"},
    {"extension pg_trgm schema extensions;",
     "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA extensions;\n"},
    {"table p { id int primary key; }\n"
     "table c { p_id int references p on delete cascade on update restrict "
     "deferrable initially deferred; }",
     "ALTER TABLE public.c ADD CONSTRAINT c_p_id_fkey FOREIGN KEY (p_id) "
     "REFERENCES public.p (id) ON UPDATE RESTRICT ON DELETE CASCADE "
     "DEFERRABLE INITIALLY DEFERRED;\n"},
    {"table m { t timestamptz not null; partition by range (t);\n"
     "  partition m_2025 for values from ('2025-01-01') to ('2026-01-01'); }",
     "CREATE TABLE public.m_2025 PARTITION OF public.m for values from "
     "('2025-01-01') to ('2026-01-01');\n"},
    {"function touch() returns trigger { language plpgsql;\n"
     "  as $$ begin new.at := now(); return new; end $$; }\n"
     "table t { at timestamptz;\n"
     "  trigger t_touch before update for each row execute function touch(); }",
     NULL},
    {"materialized view mv { as select 1 as x; unique index (x); }",
     "CREATE UNIQUE INDEX mv_x_idx ON public.mv (x);\n"},
    {"function f(a int, out b int) returns int { language sql; as $$ select a $$;"
     " comment 'c'; }",
     "COMMENT ON FUNCTION public.f(int) IS 'c';\n"},
};

START_TEST(test_statement_text)
{
    Compiled c = compile_text(statements[_i].schema);
    ck_assert_msg(c.sql != NULL, "errors: %s", c.diags);
    if (statements[_i].statement)
        ck_assert_msg(strstr(c.sql, statements[_i].statement) != NULL,
                      "missing\n%s\nin\n%s", statements[_i].statement, c.sql);
    compiled_free(&c);
}
END_TEST

/* Offsets of two statements in the output, to check their order. */
static void assert_before(const char *sql, const char *first,
                          const char *second)
{
    const char *a = strstr(sql, first), *b = strstr(sql, second);
    ck_assert_msg(a && b, "missing \"%s\" or \"%s\" in\n%s", first, second,
                  sql);
    ck_assert_msg(a < b, "\"%s\" should come before \"%s\" in\n%s", first,
                  second, sql);
}

/* A foreign-key cycle is legal: keys are added after both tables. */
START_TEST(test_foreign_key_cycle)
{
    Compiled c = compile_text(
        "table a { id int primary key; b_id int references b; }\n"
        "table b { id int primary key; a_id int references a; }\n");
    ck_assert_msg(c.sql != NULL, "%s", c.diags);
    assert_before(c.sql, "CREATE TABLE public.b", "ADD CONSTRAINT a_b_id_fkey");
    assert_before(c.sql, "CREATE TABLE public.a", "ADD CONSTRAINT b_a_id_fkey");
    compiled_free(&c);
}
END_TEST

/* A default calling a function needs the function first; a view needs its
 * tables; a policy needs the tables its subquery reads. */
START_TEST(test_dependency_order)
{
    Compiled c = compile_text(
        "view a_view { as select * from z_table; }\n"
        "table z_table { id int default zz_next(); }\n"
        "function zz_next() returns int { language sql; as $$ select 1 $$; }\n"
        "table a_first { id int; row level security;\n"
        "  policy \"p\" using (id in (select id from z_table)); }\n");
    ck_assert_msg(c.sql != NULL, "%s", c.diags);
    assert_before(c.sql, "CREATE FUNCTION public.zz_next", "CREATE TABLE public.z_table");
    assert_before(c.sql, "CREATE TABLE public.z_table", "CREATE VIEW public.a_view");
    assert_before(c.sql, "CREATE TABLE public.z_table", "CREATE POLICY p ON public.a_first");
    compiled_free(&c);
}
END_TEST

/* The SQL without its `-- source:` lines. */
static char *without_sources(const char *sql)
{
    char *out = malloc(strlen(sql) + 1), *o = out;
    for (const char *line = sql; *line;) {
        size_t n = strcspn(line, "\n") + (line[strcspn(line, "\n")] != 0);
        if (strncmp(line, "-- source:", 10) != 0) {
            memcpy(o, line, n);
            o += n;
        }
        line += n;
    }
    *o = '\0';
    return out;
}

/* Same declarations in other files and order: same SQL but for sources. */
START_TEST(test_file_order_independent)
{
    const char *one[] = {"table b { id int primary key; }\n"
                         "table a { id int references b; }\n"};
    const char *two[] = {"table a { id int references b; }\n",
                         "table b { id int primary key; }\n"};
    Compiled c1 = compile_texts(one, 1), c2 = compile_texts(two, 2);
    ck_assert_ptr_nonnull(c1.sql);
    ck_assert_ptr_nonnull(c2.sql);
    char *s1 = without_sources(c1.sql), *s2 = without_sources(c2.sql);
    ck_assert_str_eq(s1, s2);
    free(s1);
    free(s2);
    compiled_free(&c1);
    compiled_free(&c2);
}
END_TEST

START_TEST(test_deterministic)
{
    const char *text = "platform supabase;\n"
        "table t { id uuid primary key default gen_random_uuid();\n"
        "  owner uuid references auth.users; index (owner);\n"
        "  row level security;\n"
        "  policy \"o\" to authenticated using (owner = auth.uid()); }\n";
    Compiled c1 = compile_text(text), c2 = compile_text(text);
    ck_assert_ptr_nonnull(c1.sql);
    ck_assert_str_eq(c1.sql, c2.sql);
    compiled_free(&c1);
    compiled_free(&c2);
}
END_TEST

/* Every statement is preceded by the line of the item it comes from. */
START_TEST(test_source_lines)
{
    Compiled c = compile_text("table t {\n  a int;\n  index (a);\n"
                              "  comment 'x';\n}\n");
    ck_assert_ptr_nonnull(c.sql);
    ck_assert_ptr_nonnull(strstr(c.sql, "-- source: t0.schema:1\nCREATE TABLE"));
    ck_assert_ptr_nonnull(strstr(c.sql, "-- source: t0.schema:3\nCREATE INDEX"));
    ck_assert_ptr_nonnull(strstr(c.sql, "-- source: t0.schema:4\nCOMMENT ON"));
    compiled_free(&c);
}
END_TEST

/* Roles are made only when missing: they are cluster-wide. */
START_TEST(test_role_block)
{
    Compiled c = compile_text("role \"it's\";\n");
    ck_assert_ptr_nonnull(c.sql);
    ck_assert_ptr_nonnull(strstr(c.sql,
        "WHERE rolname = 'it''s') THEN\n        CREATE ROLE \"it's\" NOLOGIN;"));
    compiled_free(&c);
}
END_TEST

/* A body holding $$ gets another dollar tag. */
START_TEST(test_body_quoting)
{
    Compiled c = compile_text("function f() returns text { language sql;\n"
                              "  as $b$ select '$$' $b$; }\n");
    ck_assert_msg(c.sql != NULL, "%s", c.diags);
    ck_assert_ptr_null(strstr(c.sql, "AS $$ select '$$' $$"));
    ck_assert_ptr_nonnull(strstr(c.sql, " select '$$' "));
    compiled_free(&c);
}
END_TEST

Suite *make_emit_sql_suite(void)
{
    Suite *s = suite_create("emit_sql");
    TCase *tc = tcase_create("statements");
    tcase_add_loop_test(tc, test_statement_text, 0,
                        (int)(sizeof statements / sizeof statements[0]));
    suite_add_tcase(s, tc);
    tc = tcase_create("order");
    tcase_add_test(tc, test_foreign_key_cycle);
    tcase_add_test(tc, test_dependency_order);
    tcase_add_test(tc, test_file_order_independent);
    tcase_add_test(tc, test_deterministic);
    tcase_add_test(tc, test_source_lines);
    tcase_add_test(tc, test_role_block);
    tcase_add_test(tc, test_body_quoting);
    suite_add_tcase(s, tc);
    return s;
}
