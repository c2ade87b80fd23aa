/*
 * compile_helper.h — runs the whole front end over an in-memory schema for
 * the sema and emit_sql suites: diagnostics and SQL come back as text.
 */
#ifndef COMPILE_HELPER_H
#define COMPILE_HELPER_H

#include "schemac.h"

typedef struct Compiled {
    char *diags;   /* everything printed to the diagnostics stream */
    char *sql;     /* canonical SQL, NULL when there were errors */
    int errors;
    int warnings;
} Compiled;

/* Compiles one text as the file name (compile() with one source). */
Compilation compile_named(Arena *a, const char *name, const char *text,
                          Diag *d);
/* Compiles the given texts as files t0.schema, t1.schema, ... */
Compiled compile_texts(const char *const *texts, int n);
Compiled compile_text(const char *text);
/* Checks, then lints (schemac check): diags hold the lint output too. */
Compiled lint_text(const char *text);
/* The first line of the diagnostics ("" if none). */
char *first_line(const Compiled *c);
void compiled_free(Compiled *c);
/* Asserts (Check) that schema fails with first as its first diagnostic. */
void assert_first_error(const char *schema, const char *first);
/* Asserts that c compiled and its SQL holds text. */
void assert_sql_has(const Compiled *c, const char *text);

#endif
