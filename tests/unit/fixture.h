/*
 * fixture.h — what the lexer, parser and diagnostics suites share: an
 * arena, and a Diag whose output is captured in memory.
 */
#ifndef FIXTURE_H
#define FIXTURE_H

#include "schemac.h"

extern Arena *arena;
extern Diag diag;
extern FILE *out;     /* diag's stream */

void fixture_setup(void);
void fixture_teardown(void);
/* Everything printed to out so far. */
const char *fixture_output(void);
/* Only the message lines of it (source and caret lines start with a
 * space), joined by newlines. */
const char *fixture_messages(void);

#endif
