/*
 * test_compile.c — compile(), the front end's one entry: what it returns
 * for good, bad and unreadable input, and that its counts are its own.
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compile_helper.h"

static Arena *arena;
static FILE *out;
static Diag diag;

static void setup(void)
{
    arena = arena_new();
    out = tmpfile();
    diag_init(&diag, out);
}

static void teardown(void)
{
    fclose(out);
    arena_free(arena);
}

/* Everything printed so far on the diagnostics stream. */
static char *printed(void)
{
    fflush(out);
    long n = ftell(out);
    char *s = arena_alloc(arena, (size_t)n + 1);
    rewind(out);
    s[fread(s, 1, (size_t)n, out)] = '\0';
    return s;
}

static const Decl *decl_named(const Program *p, const char *name)
{
    for (int i = 0; i < p->decls.len; i++) {
        const Decl *d = p->decls.items[i];
        if (strcmp(d->name.name, name) == 0)
            return d;
    }
    return NULL;
}

/* A file in the temporary directory holding text; its path. */
static char *scratch_file(const char *text)
{
    const char *dir = getenv("TMPDIR");
    char *path = arena_printf(arena, "%s/schemac-compile-XXXXXX",
                              dir && *dir ? dir : P_tmpdir);
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    size_t n = strlen(text);
    ck_assert_int_eq(write(fd, text, n), (ssize_t)n);
    close(fd);
    return path;
}

START_TEST(test_good_input_returns_the_checked_program)
{
    Compilation c = compile_named(arena, "t0.schema",
                                  "table b { id int primary key; }\n"
                                  "table a { id int primary key;\n"
                                  "  b_id int references b; }\n", &diag);
    ck_assert_int_eq(c.status, COMPILE_OK);
    ck_assert_int_eq(c.errors, 0);
    ck_assert_int_eq(c.warnings, 0);
    ck_assert_ptr_nonnull(c.prog);
    ck_assert_int_eq(c.prog->sources.len, 1);
    ck_assert_str_eq(((Source *)c.prog->sources.items[0])->name, "t0.schema");
    const Decl *a = decl_named(c.prog, "a");
    ck_assert_ptr_nonnull(a);
    ck_assert_str_eq(a->schema, "public");       /* checked: names resolved */
    ck_assert_int_eq(a->columns.len, 2);
    ck_assert_int_gt(c.prog->units.len, 0);     /* and ordered */
    ck_assert_str_eq(printed(), "");
}
END_TEST

START_TEST(test_errors_return_their_count_and_no_program)
{
    Compilation c = compile_named(arena, "t0.schema",
                                  "table a { id int; grant select to x; }\n"
                                  "table b { id int; grant select to y; }\n",
                                  &diag);
    ck_assert_int_eq(c.status, COMPILE_INVALID);
    ck_assert_ptr_null(c.prog);
    ck_assert_int_eq(c.errors, 2);
    ck_assert_int_eq(diag.errors, 2);
    char *text = printed();
    ck_assert_ptr_nonnull(strstr(text, "t0.schema:1:35: error: unknown role \"x\""));
    ck_assert_ptr_nonnull(strstr(text, "t0.schema:2:35: error: unknown role \"y\""));
}
END_TEST

/* A syntax error anywhere stops before the checks: the unknown type in
 * the second file is not reported. */
START_TEST(test_syntax_errors_skip_the_checks)
{
    CompileInput in = {0};
    const char *one = "table a { id int }\n";
    const char *two = "table b { id nosuchtype; }\n";
    vec_push(arena, &in.sources, source_from_text(arena, "one.schema", one,
                                                  strlen(one)));
    vec_push(arena, &in.sources, source_from_text(arena, "two.schema", two,
                                                  strlen(two)));
    Compilation c = compile(arena, &in, &diag);
    ck_assert_int_eq(c.status, COMPILE_INVALID);
    ck_assert_ptr_null(c.prog);
    ck_assert_int_eq(c.errors, 1);
    char *text = printed();
    ck_assert_ptr_nonnull(strstr(text, "one.schema:"));
    ck_assert_ptr_null(strstr(text, "nosuchtype"));
}
END_TEST

START_TEST(test_unreadable_file_stops_the_reading)
{
    CompileInput in = {0};
    char *first = scratch_file("table a { id int }\n");   /* a syntax error */
    vec_push(arena, &in.paths, first);
    vec_push(arena, &in.paths, "no/such/dir/x.schema");
    vec_push(arena, &in.paths, "no/such/dir/y.schema");
    Compilation c = compile(arena, &in, &diag);
    unlink(first);
    ck_assert_int_eq(c.status, COMPILE_UNREADABLE);
    ck_assert_ptr_null(c.prog);
    ck_assert_int_eq(c.errors, 2);           /* the syntax error, x.schema */
    char *text = printed();
    ck_assert_ptr_nonnull(strstr(text, "error: cannot read no/such/dir/x.schema: "
                                       "No such file or directory\n"));
    ck_assert_ptr_null(strstr(text, "y.schema"));
}
END_TEST

/* Files come first, then the sources in memory: one program. */
START_TEST(test_files_then_sources_make_one_program)
{
    CompileInput in = {0};
    char *path = scratch_file("table b { id int primary key; }\n");
    const char *text = "table a { b_id int references b; }\n";
    vec_push(arena, &in.paths, path);
    vec_push(arena, &in.sources, source_from_text(arena, "mem.schema", text,
                                                  strlen(text)));
    Compilation c = compile(arena, &in, &diag);
    unlink(path);
    ck_assert_int_eq(c.status, COMPILE_OK);
    ck_assert_int_eq(c.prog->sources.len, 2);
    ck_assert_str_eq(((Source *)c.prog->sources.items[0])->name, path);
    ck_assert_str_eq(((Source *)c.prog->sources.items[1])->name, "mem.schema");
    ck_assert_int_lt(decl_named(c.prog, "b")->ordinal,
                     decl_named(c.prog, "a")->ordinal);
}
END_TEST

/* The counts are of this compilation's diagnostics, whatever the stream
 * said before: a good input after a bad one on the same Diag is good. */
START_TEST(test_counts_are_its_own)
{
    Compilation bad = compile_named(arena, "bad.schema",
                                    "table a { id nosuchtype; }\n", &diag);
    ck_assert_int_eq(bad.errors, 1);
    Compilation good = compile_named(arena, "good.schema",
                                     "schema s { grant select on all tables "
                                     "to public; }\n", &diag);
    ck_assert_int_eq(good.status, COMPILE_OK);
    ck_assert_ptr_nonnull(good.prog);
    ck_assert_int_gt(good.prog->units.len, 0);   /* checked to the end */
    ck_assert_int_eq(good.errors, 0);
    ck_assert_int_eq(good.warnings, 1);     /* the grant grants nothing */
    ck_assert_int_eq(diag.errors, 1);
    ck_assert_int_eq(diag.warnings, 1);
}
END_TEST

Suite *make_compile_suite(void)
{
    Suite *s = suite_create("compile");
    TCase *tc = tcase_create("compile");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_good_input_returns_the_checked_program);
    tcase_add_test(tc, test_errors_return_their_count_and_no_program);
    tcase_add_test(tc, test_syntax_errors_skip_the_checks);
    tcase_add_test(tc, test_unreadable_file_stops_the_reading);
    tcase_add_test(tc, test_files_then_sources_make_one_program);
    tcase_add_test(tc, test_counts_are_its_own);
    suite_add_tcase(s, tc);
    return s;
}
