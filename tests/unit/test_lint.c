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

/* ------------------------------------------------ machine formats */

/* The document a format writes for one lint warning and one error with a
 * note, as check --format would print it. */
static char *document(DiagFormat format, const char *file)
{
    Arena *a = arena_new();
    FILE *text = tmpfile(), *doc = tmpfile();
    Diag d;
    diag_init(&d, text);
    d.format = format;
    const char *body = "table t { id int; }";
    Source *src = source_from_text(a, file, body, strlen(body));
    d.rule = "no_primary_key";
    diag_at(&d, DIAG_WARNING, src, 6, 1, "100%% \"t\"\nhas none");
    d.rule = NULL;
    diag_at(&d, DIAG_ERROR, src, 10, 2, "bad");
    diag_at(&d, DIAG_NOTE, src, 0, 5, "declared here");
    diag_write_document(&d, doc);
    ck_assert_int_eq(ftell(text), 0);   /* nothing printed as text */
    long n = ftell(doc);
    char *out = calloc(1, (size_t)n + 1);
    rewind(doc);
    ck_assert_uint_eq(fread(out, 1, (size_t)n, doc), (size_t)n);
    fclose(text);
    fclose(doc);
    arena_free(a);
    ck_assert_ptr_null(d.records);   /* written, then freed */
    return out;
}

START_TEST(test_format_json)
{
    char *out = document(DIAG_JSON, "a.schema");
    ck_assert_str_eq(out,
        "{\"diagnostics\": [\n"
        "  {\"file\": \"a.schema\", \"line\": 1, \"column\": 7, "
        "\"severity\": \"warning\", \"message\": \"100% \\\"t\\\"\\nhas none\", "
        "\"rule\": \"no_primary_key\", \"notes\": []},\n"
        "  {\"file\": \"a.schema\", \"line\": 1, \"column\": 11, "
        "\"severity\": \"error\", \"message\": \"bad\", \"rule\": null, "
        "\"notes\": [{\"file\": \"a.schema\", \"line\": 1, \"column\": 1, "
        "\"severity\": \"note\", \"message\": \"declared here\", "
        "\"rule\": null}]}\n"
        "]}\n");
    free(out);
}
END_TEST

/* Workflow commands escape %, newlines, and , : in properties. */
START_TEST(test_format_github)
{
    char *out = document(DIAG_GITHUB, "a,b:c.schema");
    ck_assert_str_eq(out,
        "::warning file=a%2Cb%3Ac.schema,line=1,col=7,title=no_primary_key"
        "::100%25 \"t\"%0Ahas none [no_primary_key]\n"
        "::error file=a%2Cb%3Ac.schema,line=1,col=11::bad"
        "%0Aa,b:c.schema:1:1: declared here\n");
    free(out);
}
END_TEST

START_TEST(test_format_sarif)
{
    char *out = document(DIAG_SARIF, "a.schema");
    ck_assert_ptr_nonnull(strstr(out, "{\"version\": \"2.1.0\""));
    ck_assert_ptr_nonnull(strstr(out, "\"rules\": [{\"id\": "
                                      "\"no_primary_key\"}]"));
    ck_assert_ptr_nonnull(strstr(out, "{\"ruleId\": \"no_primary_key\", "
                                      "\"level\": \"warning\""));
    ck_assert_ptr_nonnull(strstr(out, "\"region\": {\"startLine\": 1, "
                                      "\"startColumn\": 11}"));
    ck_assert_ptr_nonnull(strstr(out, "\"relatedLocations\": [{\"id\": 0, "
                                      "\"message\": {\"text\": "
                                      "\"declared here\"}"));
    free(out);
}
END_TEST

/* The text format names the rule after the message. */
START_TEST(test_text_names_rule)
{
    Compiled c = lint_text("table t { id int; allow no_rls 'x'; }");
    ck_assert_ptr_nonnull(strstr(c.diags, "has no primary key: rows cannot "
                                          "be told apart"));
    ck_assert_ptr_nonnull(strstr(c.diags, "add one [no_primary_key]\n"));
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
    tcase_add_test(tc, test_format_json);
    tcase_add_test(tc, test_format_github);
    tcase_add_test(tc, test_format_sarif);
    tcase_add_test(tc, test_text_names_rule);
    suite_add_tcase(s, tc);
    return s;
}
