/*
 * fuzz_compile.c — the compiler's front end on one input: lex, parse,
 * check, lint and emit SQL, in memory, diagnostics to /dev/null.  The
 * entry point is libFuzzer's; replay.c calls it on saved inputs.
 */
#include "schemac.h"

#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *sink;
    if (!sink && !(sink = fopen("/dev/null", "w")))
        return 0;
    Arena *a = arena_new();
    Diag d;
    diag_init(&d, sink);
    Program p = {0};
    Source *src = source_from_text(a, "fuzz.schema", (const char *)data,
                                   size);
    TokenList tl = lex_source(a, src, &d);
    parse_file(a, &p, &tl, &d);
    if (!d.errors)
        sema_check(a, &p, &d);
    if (!d.errors)
        lint_program(a, &p, &d, sink);
    if (!d.errors) {
        Buf b = {0};
        emit_sql(&b, a, &p);
        buf_free(&b);
    }
    arena_free(a);
    return 0;
}
