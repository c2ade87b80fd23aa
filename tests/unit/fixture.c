/*
 * fixture.c — an arena and captured diagnostics for each test.
 */
#define _GNU_SOURCE
#include "fixture.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

Arena *arena;
Diag diag;
FILE *out;

static char *out_buf;
static size_t out_len;

void fixture_setup(void)
{
    arena = arena_new();
    out_buf = NULL;
    out_len = 0;
    out = open_memstream(&out_buf, &out_len);
    ck_assert_ptr_nonnull(out);
    diag_init(&diag, out);
}

void fixture_teardown(void)
{
    fclose(out);
    free(out_buf);
    arena_free(arena);
    arena = NULL;
}

const char *fixture_output(void)
{
    fflush(out);
    return out_buf ? out_buf : "";
}

const char *fixture_messages(void)
{
    char *r = arena_strdup(arena, "");
    for (const char *s = fixture_output(); *s;) {
        size_t n = strcspn(s, "\n");
        if (s[0] != ' ')
            r = arena_printf(arena, "%s%s%.*s", r, *r ? "\n" : "", (int)n, s);
        s += n + (s[n] == '\n');
    }
    return r;
}
