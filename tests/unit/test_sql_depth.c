/*
 * test_sql_depth.c — the depth estimate that keeps deep SQL away from
 * libpg_query: what counts as a level, what starts the count over, and
 * where the limit is reported.
 */
#include "schemac.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

/* s = head, then `unit` n times, then tail (malloc'd). */
static char *repeat(const char *head, const char *unit, int n,
                    const char *tail)
{
    size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
    char *s = malloc(hl + ul * (size_t)n + tl + 1);
    memcpy(s, head, hl);
    for (int i = 0; i < n; i++)
        memcpy(s + hl + ul * (size_t)i, unit, ul);
    memcpy(s + hl + ul * (size_t)n, tail, tl + 1);
    return s;
}

static long depth_of(const char *s)
{
    return sql_depth_exceeded(s, strlen(s));
}

START_TEST(test_shallow_sql_passes)
{
    ck_assert_int_eq(depth_of("a = 1 and (b > 2 or c is null)"), -1);
    ck_assert_int_eq(depth_of("case when x = 1 then 'a' else 'b' end"), -1);
    ck_assert_int_eq(depth_of(""), -1);
}
END_TEST

START_TEST(test_chain_reported_where_limit_passed)
{
    char *s = repeat("x", "+1", 100000, "");
    long at = depth_of(s);
    /* a level a token: the 10001st is the 5000th "+1"'s 1 */
    ck_assert_int_eq(at, 10000);
    ck_assert_int_eq(s[at], '1');
    free(s);
}
END_TEST

START_TEST(test_parens_and_case_nest)
{
    char *p = repeat("", "(", 20000, "x");
    ck_assert_int_eq(depth_of(p), 10000);
    free(p);
    char *c = repeat("", "case when true then ", 20000, "1");
    ck_assert_int_ge(depth_of(c), 0);
    free(c);
}
END_TEST

/* Lists are flat in the tree: commas, AND/OR, CASE arms and statements
 * start the count over. */
START_TEST(test_lists_do_not_nest)
{
    char *commas = repeat("select ", "x + 1, ", 50000, "1");
    ck_assert_int_eq(depth_of(commas), -1);
    free(commas);
    char *ands = repeat("", "x = 1 and ", 50000, "true");
    ck_assert_int_eq(depth_of(ands), -1);
    free(ands);
    char *arms = repeat("case", " when x = 1 then 2", 50000, " end");
    ck_assert_int_eq(depth_of(arms), -1);
    free(arms);
    char *stmts = repeat("", "perform 1 + 1; ", 50000, "");
    ck_assert_int_eq(depth_of(stmts), -1);
    free(stmts);
}
END_TEST

/* What strings, identifiers and comments hold is no SQL. */
START_TEST(test_quoted_text_is_one_token)
{
    char *s = repeat("'", "((((", 10000, "'");
    ck_assert_int_eq(depth_of(s), -1);
    free(s);
    char *q = repeat("\"", "((((", 10000, "\"");
    ck_assert_int_eq(depth_of(q), -1);
    free(q);
    char *d = repeat("$t$", "((((", 10000, "$t$");
    ck_assert_int_eq(depth_of(d), -1);
    free(d);
    char *c = repeat("/* /* */", "((((", 10000, "*/ 1");
    ck_assert_int_eq(depth_of(c), -1);
    free(c);
    char *e = repeat("E'\\'", "((((", 10000, "'");
    ck_assert_int_eq(depth_of(e), -1);
    free(e);
}
END_TEST

/* The parser entry points refuse before libpg_query sees the text. */
START_TEST(test_parse_refuses_deep_text)
{
    Arena *a = arena_new();
    char *s = repeat("x", "+1", 100000, " > 0");
    PgParse r = pgsql_parse(a, "SELECT ", s, strlen(s), NULL);
    ck_assert_ptr_null(r.tree);
    ck_assert_str_eq(r.message, "SQL nested more than 10000 levels deep");
    ck_assert_int_eq(r.error_off, 10000);
    free(s);
    arena_free(a);
}
END_TEST

Suite *make_sql_depth_suite(void)
{
    Suite *s = suite_create("sql_depth");
    TCase *t = tcase_create("estimate");
    tcase_add_test(t, test_shallow_sql_passes);
    tcase_add_test(t, test_chain_reported_where_limit_passed);
    tcase_add_test(t, test_parens_and_case_nest);
    tcase_add_test(t, test_lists_do_not_nest);
    tcase_add_test(t, test_quoted_text_is_one_token);
    tcase_add_test(t, test_parse_refuses_deep_text);
    suite_add_tcase(s, t);
    return s;
}
