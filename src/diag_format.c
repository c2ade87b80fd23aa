/*
 * diag_format.c — diagnostics for machines (schemac check --format):
 * kept while the compiler runs, then written as one document on standard
 * output: JSON, SARIF 2.1.0 (code scanning), or GitHub workflow commands
 * (annotations on a pull request).
 */
#include "schemac.h"
#include "diag_doc.h"

#include <stdlib.h>
#include <string.h>

typedef struct DiagRecord {
    DiagLevel level;
    char *file;            /* NULL: no position */
    int line, col;
    char *message;
    char *rule;            /* lint rule, NULL for others */
    struct DiagRecord *notes; /* notes of this one, in order */
    int nnotes, notes_cap;
} DiagRecord;

typedef struct DiagRecords {
    DiagRecord *items;
    int len, cap;
} DiagRecords;

bool diag_format_named(const char *name, DiagFormat *out)
{
    static const struct { const char *name; DiagFormat f; } names[] = {
        {"text", DIAG_TEXT}, {"json", DIAG_JSON}, {"sarif", DIAG_SARIF},
        {"github", DIAG_GITHUB},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i].name) == 0) {
            *out = names[i].f;
            return true;
        }
    return false;
}

static char *copy(const char *s)
{
    if (!s)
        return NULL;
    char *c = strdup(s);
    if (!c) {
        fputs("schemac: out of memory\n", stderr);
        abort();
    }
    return c;
}

static void *grow(void *items, int *cap, size_t size)
{
    *cap = *cap ? *cap * 2 : 16;
    void *p = realloc(items, (size_t)*cap * size);
    if (!p) {
        fputs("schemac: out of memory\n", stderr);
        abort();
    }
    return p;
}

void diag_record(Diag *d, DiagLevel level, const char *file, int line,
                 int col, const char *message)
{
    if (!d->records) {
        d->records = calloc(1, sizeof *d->records);
        if (!d->records)
            abort();
    }
    DiagRecords *r = d->records;
    DiagRecord rec = {level, copy(file), line, col, copy(message),
                      level == DIAG_NOTE ? NULL : copy(d->rule), NULL, 0, 0};
    if (level == DIAG_NOTE && r->len > 0) {
        DiagRecord *last = &r->items[r->len - 1];
        if (last->nnotes == last->notes_cap)
            last->notes = grow(last->notes, &last->notes_cap, sizeof rec);
        last->notes[last->nnotes++] = rec;
        return;
    }
    if (r->len == r->cap)
        r->items = grow(r->items, &r->cap, sizeof rec);
    r->items[r->len++] = rec;
}

static const char *severity(DiagLevel level)
{
    return level == DIAG_ERROR ? "error"
         : level == DIAG_WARNING ? "warning" : "note";
}

/* A kept diagnostic's level: --strict made warnings errors. */
static DiagLevel level_of(const Diag *d, const DiagRecord *r)
{
    return r->level == DIAG_WARNING && d->werror ? DIAG_ERROR : r->level;
}

static DocRecord doc_of(const Diag *d, const DiagRecord *r, DocRecord *notes)
{
    return (DocRecord){severity(level_of(d, r)), r->file, r->line, r->col,
                       r->message, r->rule, notes, notes ? r->nnotes : 0};
}

/* The kept records in the shared writer's shape (diag_doc.c). */
static void write_records(FILE *out, const Diag *d, const DiagRecords *r)
{
    static const DocFormat formats[] = {
        [DIAG_TEXT] = DOC_TEXT, [DIAG_JSON] = DOC_JSON,
        [DIAG_SARIF] = DOC_SARIF, [DIAG_GITHUB] = DOC_GITHUB,
    };
    DocRecord *docs = calloc((size_t)r->len + 1, sizeof *docs);
    if (!docs)
        abort();
    for (int i = 0; i < r->len; i++) {
        const DiagRecord *x = &r->items[i];
        DocRecord *notes = NULL;
        if (x->nnotes) {
            notes = calloc((size_t)x->nnotes, sizeof *notes);
            if (!notes)
                abort();
            for (int k = 0; k < x->nnotes; k++)
                notes[k] = doc_of(d, &x->notes[k], NULL);
        }
        docs[i] = doc_of(d, x, notes);
    }
    doc_write(out, formats[d->format], "schemac", docs, r->len);
    for (int i = 0; i < r->len; i++)
        free((void *)docs[i].notes);
    free(docs);
}

static void free_record(DiagRecord *r)
{
    free(r->file);
    free(r->message);
    free(r->rule);
    for (int i = 0; i < r->nnotes; i++)
        free_record(&r->notes[i]);
    free(r->notes);
}

void diag_write_document(Diag *d, FILE *out)
{
    static const DiagRecords none = {0};
    const DiagRecords *r = d->records ? d->records : &none;
    write_records(out, d, r);
    if (!d->records)
        return;
    for (int i = 0; i < d->records->len; i++)
        free_record(&d->records->items[i]);
    free(d->records->items);
    free(d->records);
    d->records = NULL;
}
