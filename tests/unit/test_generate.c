/*
 * test_generate.c — audit, transitions, retain and partitions: the errors
 * with their positions, and the objects each generates.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "compile_helper.h"

#define ORDERS                                                          \
    "enum st ('new', 'paid', 'shipped');\n"                            \
    "table orders { id int primary key; s st; note text;\n"

/* Each case: a schema and the exact first line of its diagnostics. */
static const struct {
    const char *schema;
    const char *first;
} errors[] = {
    {ORDERS "audit; }",
     "t0.schema:3:1: error: audit needs the project's audit log; declare it once with `audit into SCHEMA.TABLE;`"},
    {"audit into a;\naudit into b;",
     "t0.schema:2:1: error: the audit log is declared twice; a project has one"},
    {"audit into a { audit; }",
     "t0.schema:1:16: error: the audit log cannot audit itself"},
    {ORDERS "transitions s { 'new' -> 'payd'; } }",
     "t0.schema:3:26: error: 'payd' is not a value of enum public.st"},
    {ORDERS "transitions s { 'new' -> 'paid', 'paid'; } }",
     "t0.schema:3:34: error: the change 'new' -> 'paid' is listed twice"},
    {ORDERS "transitions x { 'new' -> 'paid'; } }",
     "t0.schema:3:13: error: unknown column \"x\" in table \"orders\""},
    {ORDERS "transitions s { 'new' 'paid'; } }",
     "t0.schema:3:23: error: expected '->', found ''paid''"},
    {ORDERS "transitions s { } }",
     "t0.schema:3:1: error: transitions of \"s\" list no change; write at least one 'from' -> 'to';"},
    {ORDERS "retain 0 days by note; }",
     "t0.schema:3:8: error: retain needs a whole number of days from 1 to 1000000"},
    {ORDERS "retain 30 days by note; }",
     "t0.schema:3:19: error: retain needs a date or timestamp column; \"note\" is text"},
    {ORDERS "retain 30 days by nope; }",
     "t0.schema:3:19: error: unknown column \"nope\" in table \"orders\""},
    {ORDERS "partitions monthly from '2025-01-01' to '2025-03-01'; }",
     "t0.schema:3:1: error: partitions need `partition by range (COLUMN);` in this table"},
    {"table r { at date; partition by range (at);\n"
     "  partitions weekly from '2025-01-01' to '2025-03-01'; }",
     "t0.schema:2:14: error: partitions can be monthly; \"weekly\" is not supported"},
    {"table r { at date; partition by range (at);\n"
     "  partitions monthly from '2025-01-02' to '2025-03-01'; }",
     "t0.schema:2:27: error: expected the first day of a month as 'YYYY-MM-01'"},
    {"table r { at date; partition by range (at);\n"
     "  partitions monthly from '2025-03-01' to '2025-03-01'; }",
     "t0.schema:2:43: error: the end (exclusive) must come after the start"},
    {"table r { at date; partition by range (at);\n"
     "  partitions monthly from '1900-01-01' to '2025-03-01'; }",
     "t0.schema:2:43: error: 1502 monthly partitions; at most 1200 from one item"},
};

START_TEST(test_errors)
{
    assert_first_error(errors[_i].schema, errors[_i].first);
}
END_TEST

START_TEST(test_audit)
{
    Compiled c = compile_text(
        "audit into logs.changes { policy \"r\" for select using (true); }\n"
        "table t { id int primary key; audit; }\n");
    assert_sql_has(&c, "CREATE TABLE logs.changes (\n"
                   "    id bigint GENERATED ALWAYS AS IDENTITY,");
    assert_sql_has(&c, "ALTER TABLE logs.changes ENABLE ROW LEVEL SECURITY;");
    assert_sql_has(&c, "CREATE POLICY r ON logs.changes FOR SELECT USING (true);");
    assert_sql_has(&c, "CREATE FUNCTION logs.changes_record() RETURNS trigger\n"
                   "    LANGUAGE plpgsql SECURITY DEFINER SET search_path = "
                   "pg_catalog, pg_temp");
    assert_sql_has(&c, "REVOKE EXECUTE ON FUNCTION logs.changes_record() "
                   "FROM PUBLIC;");
    assert_sql_has(&c, "null::uuid,");  /* no platform: no JWT subject */
    assert_sql_has(&c, "CREATE TRIGGER audit AFTER insert or update or delete "
                   "ON public.t FOR EACH ROW EXECUTE FUNCTION "
                   "logs.changes_record();");
    compiled_free(&c);
}
END_TEST

START_TEST(test_transitions)
{
    Compiled c = compile_text(ORDERS
        "transitions s { 'new' -> 'paid', 'shipped'; 'paid' -> 'shipped'; } }");
    assert_sql_has(&c, "CREATE FUNCTION public.orders_s_transition() RETURNS "
                   "trigger\n    LANGUAGE plpgsql SET search_path = "
                   "pg_catalog, pg_temp");
    assert_sql_has(&c, "REVOKE EXECUTE ON FUNCTION "
                   "public.orders_s_transition() FROM PUBLIC;");
    assert_sql_has(&c, "(old.s::text, new.s::text) in (('new', 'paid'), "
                   "('new', 'shipped'), ('paid', 'shipped'))");
    assert_sql_has(&c, "hint = 'allowed changes: new -> paid, shipped; "
                   "paid -> shipped'");
    assert_sql_has(&c, "CREATE TRIGGER s_transitions BEFORE update of s ON "
                   "public.orders FOR EACH ROW WHEN (old.s is distinct from "
                   "new.s) EXECUTE FUNCTION public.orders_s_transition();");
    compiled_free(&c);
}
END_TEST

START_TEST(test_retain)
{
    Compiled c = compile_text(
        "table logs.events { at timestamptz not null; retain 90 days by at; }");
    assert_sql_has(&c, "CREATE FUNCTION logs.events_retention() RETURNS bigint");
    assert_sql_has(&c, "delete from logs.events where at < now() - "
                   "interval '90 days'");
    assert_sql_has(&c, "REVOKE EXECUTE ON FUNCTION logs.events_retention() "
                   "FROM PUBLIC;");
    compiled_free(&c);
}
END_TEST

/* December rolls over into the next year; the end is exclusive. */
START_TEST(test_partitions)
{
    Compiled c = compile_text(
        "table r { at date not null; partition by range (at);\n"
        "  partitions monthly from '2025-11-01' to '2026-02-01'; }");
    assert_sql_has(&c, "CREATE TABLE public.r_p2025_11 PARTITION OF public.r for "
                   "values from ('2025-11-01') to ('2025-12-01');");
    assert_sql_has(&c, "CREATE TABLE public.r_p2025_12 PARTITION OF public.r for "
                   "values from ('2025-12-01') to ('2026-01-01');");
    assert_sql_has(&c, "CREATE TABLE public.r_p2026_01 PARTITION OF public.r for "
                   "values from ('2026-01-01') to ('2026-02-01');");
    ck_assert_ptr_null(strstr(c.sql, "r_p2026_02"));
    compiled_free(&c);
}
END_TEST

/* An error in generated text points at the item, with a note. */
START_TEST(test_generated_error_location)
{
    Compiled c = compile_text(
        "audit into a;\n"
        "function a_record() returns int { language sql; as $$ select 1 $$; }\n");
    ck_assert_int_ge(c.errors, 1);
    ck_assert_msg(strstr(c.diags, "note: in the audit log declared here")
                  != NULL, "%s", c.diags);
    compiled_free(&c);
}
END_TEST

/* Expansion runs before registration, over the declarations as written:
 * an enum declared after the table, or in another schema, is found. */
START_TEST(test_expansion_finds_later_declarations)
{
    assert_first_error(
        "table orders { id int primary key; s st; transitions s { 'new' -> 'payd'; } }\n"
        "enum st ('new', 'paid');\n",
        "t0.schema:1:67: error: 'payd' is not a value of enum public.st");
    assert_first_error(
        "table orders { id int primary key; s shop.st; transitions s { 'new' -> 'payd'; } }\n"
        "enum shop.st ('new', 'paid');\n",
        "t0.schema:1:72: error: 'payd' is not a value of enum shop.st");
    Compiled c = compile_text(
        "table orders { id int primary key; s st; transitions s { 'new' -> 'paid'; } }\n"
        "enum st ('new', 'paid');\n");
    ck_assert_int_eq(c.errors, 0);
    assert_sql_has(&c, "CREATE TRIGGER");
    compiled_free(&c);
}
END_TEST

/* Templates are indexed before registration: a use expands the first
 * declared, and the second is one error, not two. */
START_TEST(test_template_declared_twice)
{
    Compiled c = compile_text("template t() { b int; }\n"
                              "template t() { nosuch; }\n"
                              "table a { id int; use t(); }\n");
    ck_assert_int_eq(c.errors, 1);
    char *line = first_line(&c);
    ck_assert_str_eq(line, "t0.schema:2:10: error: template \"t\" is declared twice");
    free(line);
    compiled_free(&c);
}
END_TEST

Suite *make_generate_suite(void)
{
    Suite *s = suite_create("generate");
    TCase *tc = tcase_create("errors");
    tcase_add_loop_test(tc, test_errors, 0,
                        (int)(sizeof errors / sizeof errors[0]));
    tcase_add_test(tc, test_generated_error_location);
    tcase_add_test(tc, test_expansion_finds_later_declarations);
    tcase_add_test(tc, test_template_declared_twice);
    suite_add_tcase(s, tc);
    tc = tcase_create("output");
    tcase_add_test(tc, test_audit);
    tcase_add_test(tc, test_transitions);
    tcase_add_test(tc, test_retain);
    tcase_add_test(tc, test_partitions);
    suite_add_tcase(s, tc);
    return s;
}
