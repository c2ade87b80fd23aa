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
    CompileInput in = {0};
    vec_push(a, &in.sources, source_from_text(a, "fuzz.schema",
                                              (const char *)data, size));
    Compilation c = compile(a, &in, &d);
    Program *p = c.prog;
    if (p)
        lint_program(a, p, &d, sink);
    if (p && !d.errors) {
        Buf b = {0};
        emit_sql(&b, a, p);
        buf_free(&b);
    }
    arena_free(a);
    return 0;
}
