/*
 * compile_helper.c — the front end end to end, in memory, for tests.
 */
#define _GNU_SOURCE
#include <check.h>

#include "compile_helper.h"

#include <stdlib.h>
#include <string.h>

static char *read_all(FILE *f)
{
    long n = ftell(f);
    char *s = malloc((size_t)n + 1);
    rewind(f);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = '\0';
    return s;
}

static Compiled run(const char *const *texts, int n, bool lint)
{
    Compiled c = {0};
    Arena *a = arena_new();
    FILE *out = tmpfile();
    Diag d;
    diag_init(&d, out);
    CompileInput in = {0};
    for (int i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof name, "t%d.schema", i);
        vec_push(a, &in.sources, source_from_text(a, arena_strdup(a, name),
                                                  texts[i], strlen(texts[i])));
    }
    Compilation comp = compile(a, &in, &d);
    if (comp.prog && lint)
        lint_program(a, comp.prog, &d, out);
    if (comp.prog && !lint && !d.errors) {
        Buf b = {0};
        emit_sql(&b, a, comp.prog);
        c.sql = strdup(b.data);
        buf_free(&b);
    }
    fflush(out);
    c.diags = read_all(out);
    fclose(out);
    c.errors = d.errors;
    c.warnings = d.warnings;
    arena_free(a);
    return c;
}

Compilation compile_named(Arena *a, const char *name, const char *text,
                          Diag *d)
{
    CompileInput in = {0};
    vec_push(a, &in.sources, source_from_text(a, name, text, strlen(text)));
    return compile(a, &in, d);
}

Compiled compile_texts(const char *const *texts, int n)
{
    return run(texts, n, false);
}

Compiled compile_text(const char *text)
{
    return compile_texts(&text, 1);
}

Compiled lint_text(const char *text)
{
    return run(&text, 1, true);
}

char *first_line(const Compiled *c)
{
    size_t n = strcspn(c->diags, "\n");
    return strndup(c->diags, n);
}

void compiled_free(Compiled *c)
{
    free(c->diags);
    free(c->sql);
}

void assert_first_error(const char *schema, const char *first)
{
    Compiled c = compile_text(schema);
    char *line = first_line(&c);
    ck_assert_int_ge(c.errors, 1);
    ck_assert_ptr_null(c.sql);
    ck_assert_str_eq(line, first);
    free(line);
    compiled_free(&c);
}

void assert_sql_has(const Compiled *c, const char *text)
{
    ck_assert_msg(c->sql != NULL, "%s", c->diags);
    ck_assert_msg(strstr(c->sql, text) != NULL, "missing: %s\nin:\n%s",
                  text, c->sql);
}
