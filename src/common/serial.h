/*
 * serial.h — an SctlSchema (what an executable carries, objects.h) as
 * text and back.  apply records the text of the schema it applied in
 * schemactl.history, so that rollback can plan back to it with the same
 * planner long after the executable that applied it is gone.
 */
#ifndef SCTL_SERIAL_H
#define SCTL_SERIAL_H

#include "objects.h"

/*
 * The text: a first line "schemac-schema 1", then one line per record
 * (schema, file, managed, object, statement, test, step), each a word and
 * its fields: "-" for NULL, a number, or LEN:BYTES (so no byte of a
 * statement is ever escaped).  Deterministic.  malloc'd; NULL only when
 * out of memory.
 */
char *sctl_schema_dump(const SctlSchema *s);
/*
 * The schema written by sctl_schema_dump, in memory of its own (freed by
 * sctl_schema_free).  NULL and *err (static text) when the text is not
 * such a dump or out of memory.
 */
SctlSchema *sctl_schema_load(const char *text, const char **err);
void sctl_schema_free(SctlSchema *s);

#endif
