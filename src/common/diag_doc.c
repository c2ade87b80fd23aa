/*
 * diag_doc.c — diagnostics as one document (diag_doc.h).
 */
#include "diag_doc.h"

#include <string.h>

bool doc_format_named(const char *name, DocFormat *out)
{
    static const struct { const char *name; DocFormat f; } names[] = {
        {"text", DOC_TEXT}, {"json", DOC_JSON}, {"sarif", DOC_SARIF},
        {"github", DOC_GITHUB},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i].name) == 0) {
            *out = names[i].f;
            return true;
        }
    return false;
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

static void json_or_null(FILE *out, const char *s)
{
    if (s)
        json_string(out, s);
    else
        fputs("null", out);
}

static void json_record(FILE *out, const DocRecord *r, bool with_notes)
{
    fputs("{\"file\": ", out);
    json_or_null(out, r->file);
    fprintf(out, ", \"line\": %d, \"column\": %d, \"severity\": \"%s\", "
            "\"message\": ", r->line, r->col, r->severity);
    json_string(out, r->message);
    fputs(", \"rule\": ", out);
    json_or_null(out, r->rule);
    if (with_notes) {
        fputs(", \"notes\": [", out);
        for (int i = 0; i < r->nnotes; i++) {
            fputs(i ? ", " : "", out);
            json_record(out, &r->notes[i], false);
        }
        fputs("]", out);
    }
    fputs("}", out);
}

static void write_json(FILE *out, const DocRecord *r, int n)
{
    fputs("{\"diagnostics\": [", out);
    for (int i = 0; i < n; i++) {
        fputs(i ? ",\n  " : "\n  ", out);
        json_record(out, &r[i], true);
    }
    fputs(n ? "\n]}\n" : "]}\n", out);
}

static void sarif_location(FILE *out, const DocRecord *r)
{
    fputs("{\"physicalLocation\": {\"artifactLocation\": {\"uri\": ", out);
    json_string(out, r->file);
    fprintf(out, "}, \"region\": {\"startLine\": %d, \"startColumn\": %d}}}",
            r->line > 0 ? r->line : 1, r->col > 0 ? r->col : 1);
}

static void sarif_rules(FILE *out, const DocRecord *r, int n)
{
    /* each rule once, in the order first seen */
    int written = 0;
    for (int i = 0; i < n; i++) {
        bool seen = !r[i].rule;
        for (int k = 0; k < i && !seen; k++)
            seen = r[k].rule && strcmp(r[k].rule, r[i].rule) == 0;
        if (seen)
            continue;
        fputs(written++ ? ", {\"id\": " : "{\"id\": ", out);
        json_string(out, r[i].rule);
        fputs("}", out);
    }
}

static void sarif_related(FILE *out, const DocRecord *x)
{
    fputs(", \"relatedLocations\": [", out);
    for (int k = 0; k < x->nnotes; k++) {
        const DocRecord *n = &x->notes[k];
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

static void write_sarif(FILE *out, const char *tool, const DocRecord *r,
                        int n)
{
    fputs("{\"version\": \"2.1.0\", \"$schema\": "
          "\"https://json.schemastore.org/sarif-2.1.0.json\", \"runs\": [{"
          "\"tool\": {\"driver\": {\"name\": ", out);
    json_string(out, tool);
    fputs(", \"rules\": [", out);
    sarif_rules(out, r, n);
    fputs("]}}, \"results\": [", out);
    for (int i = 0; i < n; i++) {
        const DocRecord *x = &r[i];
        fputs(i ? ",\n  {" : "\n  {", out);
        if (x->rule) {
            fputs("\"ruleId\": ", out);
            json_string(out, x->rule);
            fputs(", ", out);
        }
        /* SARIF's levels include error, warning and note */
        fprintf(out, "\"level\": \"%s\", \"message\": {\"text\": ",
                x->severity);
        json_string(out, x->message);
        fputs("}, \"locations\": [", out);
        if (x->file)
            sarif_location(out, x);
        fputs("]", out);
        if (x->nnotes)
            sarif_related(out, x);
        fputs("}", out);
    }
    fputs(n ? "\n]}]}\n" : "]}]}\n", out);
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

static void write_github(FILE *out, const DocRecord *r, int n)
{
    for (int i = 0; i < n; i++) {
        const DocRecord *x = &r[i];
        fprintf(out, "::%s", strcmp(x->severity, "note") == 0 ? "notice"
                             : x->severity);
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
            const DocRecord *note = &x->notes[k];
            fputs("%0A", out);
            if (note->file)
                fprintf(out, "%s:%d:%d: ", note->file, note->line,
                        note->col);
            github_escaped(out, note->message, false);
        }
        fputc('\n', out);
    }
}

void doc_write(FILE *out, DocFormat f, const char *tool, const DocRecord *r,
               int n)
{
    if (f == DOC_JSON)
        write_json(out, r, n);
    else if (f == DOC_SARIF)
        write_sarif(out, tool, r, n);
    else if (f == DOC_GITHUB)
        write_github(out, r, n);
}
