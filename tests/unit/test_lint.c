/*
 * test_lint.c — the review rules of schemac check: each finding's exact
 * text and place, silencing with a reason, and the summary line.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "compile_helper.h"

#define SECURE "row level security; policy \"p\" using (owner = current_user);"

static const struct {
    const char *schema;
    const char *first;   /* the first line of the output */
} findings[] = {
    {"table t { id int primary key; owner text; }",
     "t0.schema:1:7: warning: table \"t\" has no row level security: "
     "write `row level security;` and policies [no_rls]"},
    {"table t { id int; row level security; }",
     "t0.schema:1:19: warning: row level security on \"t\" with no policy: "
     "only roles that bypass it see any row; add a policy "
     "[rls_without_policy]"},
    {"table p { id int primary key; owner text; " SECURE " }\n"
     "table c { id int primary key; p_id int references p; owner text; "
     SECURE " }",
     "t0.schema:2:40: warning: no index on \"c\" starts with the columns of "
     "foreign key \"c_p_id_fkey\": deleting from \"p\" scans the whole "
     "table; add `index (p_id);` [unindexed_foreign_key]"},
    {"table t { tenant int; owner text; row level security;\n"
     "  policy \"same\" using (tenant = tenant); }",
     "t0.schema:2:10: warning: policy \"same\" on \"t\" depends on nothing "
     "the caller controls (no auth.uid(), current_user or setting): every "
     "role it applies to gets the same rows [policy_ignores_caller]"},
    {"function f() returns int { language sql; security definer;\n"
     "  as $$ select 1 $$; }",
     "t0.schema:1:10: warning: security definer function \"f\" has no `set "
     "search_path`: a caller's objects can take the place of the ones it "
     "means; write `set search_path = '';` [definer_without_search_path]"},
    {"table t { id int; allow no_rlz 'typo'; }",
     "t0.schema:1:25: warning: unknown lint rule \"no_rlz\"; did you mean "
     "\"no_rls\"? (docs/lint.md lists the rules)"},
};

START_TEST(test_finding)
{
    Compiled c = lint_text(findings[_i].schema);
    char *first = first_line(&c);
    ck_assert_str_eq(first, findings[_i].first);
    ck_assert_int_ge(c.warnings, 1);
    ck_assert_int_eq(c.errors, 0);
    free(first);
    compiled_free(&c);
}
END_TEST

/* Nothing to say about a table that does it all. */
START_TEST(test_clean)
{
    Compiled c = lint_text(
        "table p { id int primary key; owner text; " SECURE " }\n"
        "table c { id int primary key; p_id int references p; owner text;\n"
        "  index (p_id); " SECURE " }\n"
        "function f() returns int { language sql; security definer;\n"
        "  set search_path = public; as $$ select 1 $$; }\n");
    ck_assert_int_eq(c.warnings, 0);
    ck_assert_str_eq(c.diags, "lint: 2 tables, 2 with row level security; "
                              "1 of 1 foreign keys indexed; 2 policies; "
                              "0 findings, 0 silenced\n");
    compiled_free(&c);
}
END_TEST

/* A key or unique constraint starting with the columns covers them too. */
START_TEST(test_covered_by_key)
{
    Compiled c = lint_text(
        "table p { id int primary key; owner text; " SECURE " }\n"
        "table c { p_id int references p; n int; primary key (p_id, n);\n"
        "  owner text; " SECURE " }\n");
    ck_assert_int_eq(c.warnings, 0);
    compiled_free(&c);
}
END_TEST

/* A column's own unique key indexes that column, for a one-column key
 * only. */
START_TEST(test_covered_by_column_unique)
{
    Compiled c = lint_text(
        "table p { id int primary key; k int; unique (id, k); owner text; " SECURE " }\n"
        "table c { id int primary key; p_id int unique references p;\n"
        "  owner text; " SECURE " }\n"
        "table d { id int primary key; a int unique; b int;\n"
        "  foreign key (a, b) references p (id, k); owner text; " SECURE " }\n");
    ck_assert_int_eq(c.warnings, 1);
    ck_assert_ptr_nonnull(strstr(c.diags, "1 of 2 foreign keys indexed"));
    compiled_free(&c);
}
END_TEST

/* allow RULE 'reason' silences one rule on one object, and is counted. */
START_TEST(test_silenced)
{
    Compiled c = lint_text(
        "table lookup { id int primary key;\n"
        "  allow no_rls 'public reference data'; }\n"
        "table other { id int primary key; }\n");
    ck_assert_int_eq(c.warnings, 1);
    ck_assert_ptr_nonnull(strstr(c.diags, "table \"other\" has no row"));
    ck_assert_ptr_null(strstr(c.diags, "table \"lookup\""));
    ck_assert_ptr_nonnull(strstr(c.diags, "1 finding, 1 silenced"));
    compiled_free(&c);
}
END_TEST

/* A policy using a function or current_user is not flagged. */
START_TEST(test_policy_uses_caller)
{
    Compiled c = lint_text(
        "function me() returns int { language sql; set search_path = '';\n"
        "  as $$ select 1 $$; }\n"
        "table t { owner int primary key; row level security;\n"
        "  policy \"a\" for select using (owner = me());\n"
        "  policy \"b\" for insert with check (current_user = 'x'); }\n");
    ck_assert_int_eq(c.warnings, 0);
    compiled_free(&c);
}
END_TEST

Suite *make_lint_suite(void)
{
    Suite *s = suite_create("lint");
    TCase *tc = tcase_create("rules");
    tcase_add_loop_test(tc, test_finding, 0,
                        (int)(sizeof findings / sizeof findings[0]));
    tcase_add_test(tc, test_clean);
    tcase_add_test(tc, test_covered_by_key);
    tcase_add_test(tc, test_covered_by_column_unique);
    tcase_add_test(tc, test_silenced);
    tcase_add_test(tc, test_policy_uses_caller);
    suite_add_tcase(s, tc);
    return s;
}
