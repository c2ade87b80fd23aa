/*
 * test_fmt.c — schemac fmt's layout: each case's input and the one layout
 * it must get; every expected text must also be its own layout
 * (idempotence).
 */
#include <check.h>
#include <string.h>

#include "schemac.h"

static const struct {
    const char *in, *out;
} cases[] = {
    /* one item per line, types aligned */
    {"table t { a int; bb text; }",
     "table t {\n  a  int;\n  bb text;\n}\n"},
    /* indentation; comments stay where they were */
    {"table t {\n-- why\n      a int; -- after\n}\n",
     "table t {\n  -- why\n  a int; -- after\n}\n"},
    /* a blank line breaks the alignment run */
    {"table t {\n  a int;\n\n  long_name text;\n}\n",
     "table t {\n  a int;\n\n  long_name text;\n}\n"},
    /* at most one blank line; none after { or before } */
    {"table t {\n\n\n  a int;\n\n\n  index (a);\n\n}\n",
     "table t {\n  a int;\n\n  index (a);\n}\n"},
    /* a blank line between declarations with a block, and before the
       comments above one; one-line declarations stay together */
    {"role r;\nrole s;\n-- t\ntable t {\n  a int;\n}\ntable u {\n  b int;\n}\n",
     "role r;\nrole s;\n\n-- t\ntable t {\n  a int;\n}\n\ntable u {\n  b int;\n}\n"},
    /* continuation lines two past their item; a fragment stays as written */
    {"table t {\n  a int;\n  policy \"p\" for select\n  using (a = 1\n      or a = 2);\n}\n",
     "table t {\n  a int;\n  policy \"p\" for select\n    using (a = 1\n      or a = 2);\n}\n"},
    /* trailing spaces go, except inside a dollar-quoted body */
    {"function f() returns int {   \n  language sql;\n  as $$ select 1   \n$$;\n}",
     "function f() returns int {\n  language sql;\n  as $$ select 1   \n$$;\n}\n"},
    /* a closing parenthesis at its item's indentation */
    {"function f(\n  a int\n) returns int {\n  language sql;\n  as $$ select a $$;\n}\n",
     "function f(\n  a int\n) returns int {\n  language sql;\n  as $$ select a $$;\n}\n"},
};

static char *layout(Arena *a, const char *text, Diag *d)
{
    Source *src = source_from_text(a, "t.schema", text, strlen(text));
    Buf out = {0};
    bool ok = fmt_source(a, src, &out, d);
    char *s = ok ? arena_strndup(a, out.data ? out.data : "", out.len) : NULL;
    buf_free(&out);
    return s;
}

START_TEST(test_layout)
{
    Arena *a = arena_new();
    Diag d;
    diag_init(&d, stderr);
    char *got = layout(a, cases[_i].in, &d);
    ck_assert_int_eq(d.errors, 0);
    ck_assert_str_eq(got, cases[_i].out);
    ck_assert_str_eq(layout(a, got, &d), got);
    arena_free(a);
}
END_TEST

START_TEST(test_syntax_error_refused)
{
    Arena *a = arena_new();
    Diag d;
    FILE *sink = fopen("/dev/null", "w");
    diag_init(&d, sink);
    ck_assert_ptr_null(layout(a, "table t { a int; ", &d));
    ck_assert_int_gt(d.errors, 0);
    fclose(sink);
    arena_free(a);
}
END_TEST

Suite *make_fmt_suite(void)
{
    Suite *s = suite_create("fmt");
    TCase *tc = tcase_create("layout");
    tcase_add_loop_test(tc, test_layout, 0, sizeof cases / sizeof cases[0]);
    tcase_add_test(tc, test_syntax_error_refused);
    suite_add_tcase(s, tc);
    return s;
}
