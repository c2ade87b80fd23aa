/*
 * diag_format.c — diagnostics for machines (schemac check --format):
 * kept while the compiler runs, then written as one document on standard
 * output: JSON, SARIF 2.1.0 (code scanning), or GitHub workflow commands
 * (annotations on a pull request).
 */
#include "schemac.h"

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

static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\')
            fprintf(out, "\\%c", *c);
        else if (*c == '\n')
            fputs("\\n", out);
        else if (*c < 0x20)
            fprintf(out, "\\u%04x", *c);
        else
            fputc(*c, out);
    }
    fputc('"', out);
}

/* A kept diagnostic's level: --strict made warnings errors. */
static DiagLevel level_of(const Diag *d, const DiagRecord *r)
{
    return r->level == DIAG_WARNING && d->werror ? DIAG_ERROR : r->level;
}

static void json_record(FILE *out, const Diag *d, const DiagRecord *r,
                        bool with_notes)
{
    fputs("{\"file\": ", out);
    if (r->file)
        json_string(out, r->file);
    else
        fputs("null", out);
    fprintf(out, ", \"line\": %d, \"column\": %d, \"severity\": \"%s\", "
            "\"message\": ", r->line, r->col, severity(level_of(d, r)));
    json_string(out, r->message);
    fputs(", \"rule\": ", out);
    if (r->rule)
        json_string(out, r->rule);
    else
        fputs("null", out);
    if (with_notes) {
        fputs(", \"notes\": [", out);
        for (int i = 0; i < r->nnotes; i++) {
            fputs(i ? ", " : "", out);
            json_record(out, d, &r->notes[i], false);
        }
        fputs("]", out);
    }
    fputs("}", out);
}

static void write_json(FILE *out, const Diag *d, const DiagRecords *r)
{
    fputs("{\"diagnostics\": [", out);
    for (int i = 0; i < r->len; i++) {
        fputs(i ? ",\n  " : "\n  ", out);
        json_record(out, d, &r->items[i], true);
    }
    fputs(r->len ? "\n]}\n" : "]}\n", out);
}

static void sarif_location(FILE *out, const DiagRecord *r)
{
    fputs("{\"physicalLocation\": {\"artifactLocation\": {\"uri\": ", out);
    json_string(out, r->file);
    fprintf(out, "}, \"region\": {\"startLine\": %d, \"startColumn\": %d}}}",
            r->line, r->col);
}

static void write_sarif(FILE *out, const Diag *d, const DiagRecords *r)
{
    fputs("{\"version\": \"2.1.0\", \"$schema\": "
          "\"https://json.schemastore.org/sarif-2.1.0.json\", \"runs\": [{"
          "\"tool\": {\"driver\": {\"name\": \"schemac\", \"rules\": [",
          out);
    /* each rule once, in the order first seen */
    int written = 0;
    for (int i = 0; i < r->len; i++) {
        bool seen = !r->items[i].rule;
        for (int k = 0; k < i && !seen; k++)
            seen = r->items[k].rule &&
                   strcmp(r->items[k].rule, r->items[i].rule) == 0;
        if (seen)
            continue;
        fputs(written++ ? ", {\"id\": " : "{\"id\": ", out);
        json_string(out, r->items[i].rule);
        fputs("}", out);
    }
    fputs("]}}, \"results\": [", out);
    for (int i = 0; i < r->len; i++) {
        const DiagRecord *x = &r->items[i];
        fputs(i ? ",\n  {" : "\n  {", out);
        if (x->rule) {
            fputs("\"ruleId\": ", out);
            json_string(out, x->rule);
            fputs(", ", out);
        }
        fprintf(out, "\"level\": \"%s\", \"message\": {\"text\": ",
                severity(level_of(d, x)));
        json_string(out, x->message);
        fputs("}, \"locations\": [", out);
        if (x->file)
            sarif_location(out, x);
        fputs("]", out);
        if (x->nnotes) {
            fputs(", \"relatedLocations\": [", out);
            for (int k = 0; k < x->nnotes; k++) {
                const DiagRecord *n = &x->notes[k];
                fputs(k ? ", " : "", out);
                fprintf(out, "{\"id\": %d, \"message\": {\"text\": ", k);
                json_string(out, n->message);
                fputs("}, \"physicalLocation\": {\"artifactLocation\": "
                      "{\"uri\": ", out);
                json_string(out, n->file ? n->file : "");
                fprintf(out, "}, \"region\": {\"startLine\": %d, "
                        "\"startColumn\": %d}}}", n->line > 0 ? n->line : 1,
                        n->col > 0 ? n->col : 1);
            }
            fputs("]", out);
        }
        fputs("}", out);
    }
    fputs(r->len ? "\n]}]}\n" : "]}]}\n", out);
}

/* Workflow commands escape %, CR and LF in the message, and also , and :
 * in property values. */
static void github_escaped(FILE *out, const char *s, bool property)
{
    for (; *s; s++) {
        if (*s == '%')
            fputs("%25", out);
        else if (*s == '\r')
            fputs("%0D", out);
        else if (*s == '\n')
            fputs("%0A", out);
        else if (property && *s == ':')
            fputs("%3A", out);
        else if (property && *s == ',')
            fputs("%2C", out);
        else
            fputc(*s, out);
    }
}

static void write_github(FILE *out, const Diag *d, const DiagRecords *r)
{
    for (int i = 0; i < r->len; i++) {
        const DiagRecord *x = &r->items[i];
        DiagLevel level = level_of(d, x);
        fprintf(out, "::%s", level == DIAG_ERROR ? "error"
                             : level == DIAG_WARNING ? "warning" : "notice");
        if (x->file) {
            fputs(" file=", out);
            github_escaped(out, x->file, true);
            fprintf(out, ",line=%d,col=%d", x->line, x->col);
        }
        if (x->rule) {
            fputs(x->file ? ",title=" : " title=", out);
            github_escaped(out, x->rule, true);
        }
        fputs("::", out);
        github_escaped(out, x->message, false);
        if (x->rule) {
            fputs(" [", out);
            github_escaped(out, x->rule, false);
            fputs("]", out);
        }
        for (int k = 0; k < x->nnotes; k++) {
            const DiagRecord *n = &x->notes[k];
            fputs("%0A", out);
            if (n->file)
                fprintf(out, "%s:%d:%d: ", n->file, n->line, n->col);
            github_escaped(out, n->message, false);
        }
        fputc('\n', out);
    }
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
    if (d->format == DIAG_JSON)
        write_json(out, d, r);
    else if (d->format == DIAG_SARIF)
        write_sarif(out, d, r);
    else if (d->format == DIAG_GITHUB)
        write_github(out, d, r);
    if (!d->records)
        return;
    for (int i = 0; i < d->records->len; i++)
        free_record(&d->records->items[i]);
    free(d->records->items);
    free(d->records);
    d->records = NULL;
}
