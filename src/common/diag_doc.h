/*
 * diag_doc.h — diagnostics as one document for machines: JSON, SARIF
 * 2.1.0 (code scanning) or GitHub workflow commands.  The compiler's
 * `check --format` and the executable's `verify --format` both write
 * them, so that a CI job reads one shape from either.
 */
#ifndef SCTL_DIAG_DOC_H
#define SCTL_DIAG_DOC_H

#include <stdbool.h>
#include <stdio.h>

typedef enum { DOC_TEXT, DOC_JSON, DOC_SARIF, DOC_GITHUB } DocFormat;

typedef struct DocRecord {
    const char *severity;     /* "error", "warning" or "note" */
    const char *file;         /* NULL: no position */
    int line, col;
    const char *message;
    const char *rule;         /* NULL: none */
    const struct DocRecord *notes;
    int nnotes;
} DocRecord;

/* "text", "json", "sarif" or "github"; false if name is none of them. */
bool doc_format_named(const char *name, DocFormat *out);
/* The records as one document on out; tool names the SARIF driver. */
void doc_write(FILE *out, DocFormat f, const char *tool,
               const DocRecord *r, int n);

#endif
