/*
 * emit_pgc.c — the ECPG source of a schema's executable: what it carries,
 * as C data (model.c builds it).  No schema text is ever ECPG or C code:
 * the canonical statements are C strings holding exactly the bytes of
 * generated/NAME.sql, so no name or body can break the build or be
 * changed on its way to the server, and the runtime (src/runtime) runs
 * them as they are.  Each statement's text is split at its newlines into
 * one C string per line, so that the file reads like the SQL it carries.
 *
 * The file is written in parts (objects, statements, tests and the
 * schema), each a translation unit of its own that schemac build compiles
 * in parallel; pgc/NAME.pgc is the parts one after the other.
 */
#include "schemac.h"

#include <string.h>

/* "..." for s, or NULL. */
static void put_str(Buf *b, const char *s)
{
    if (s)
        quote_c(b, s, strlen(s));
    else
        buf_puts(b, "NULL");
}

static const char *yes(bool v)
{
    return v ? "true" : "false";
}

/* A multi-line text as one C string literal per line, each on its own
 * line indented by `indent`. */
static void put_lines(Buf *b, const char *s, const char *indent)
{
    for (bool first = true; first || *s; first = false) {
        size_t n = strcspn(s, "\n");
        if (!first)
            buf_printf(b, "\n%s", indent);
        quote_c(b, s, n);
        s += n;
        if (*s == '\n') {
            b->len--;           /* the closing quote: the newline goes in */
            buf_puts(b, "\\n\"");
            s++;
        }
    }
}

static const char *const kind_names[] = {
#define KIND_NAME(name, word, parts) "SCTL_K_" #name,
    SCTL_KIND_LIST(KIND_NAME)
#undef KIND_NAME
};

static const char *const role_names[] = {
#define ROLE_NAME(name, word) "SCTL_STMT_" #name,
    SCTL_ROLE_LIST(ROLE_NAME)
#undef ROLE_NAME
};

/* ORDER: SctlStepKind (objects.h). */
static const char *const step_kinds[] = {"SCTL_STEP_SETUP", "SCTL_STEP_ROWS",
                                         "SCTL_STEP_ERROR"};
_Static_assert(sizeof step_kinds / sizeof *step_kinds == SCTL_STEP_ERROR + 1,
               "step_kinds follows SctlStepKind");

static void put_object(Buf *b, const SctlObject *o)
{
    buf_printf(b, "    {%s, ", kind_names[o->kind]);
    put_str(b, o->schema);
    buf_puts(b, ", ");
    put_str(b, o->table);
    buf_puts(b, ", ");
    put_str(b, o->name);
    buf_puts(b, ", ");
    put_str(b, o->signature);
    buf_printf(b, ", %d, %d, %d, %d, %d, ", o->parent, o->file, o->line,
               o->col, o->make);
    put_str(b, o->definition);
    buf_puts(b, ", ");
    put_str(b, o->default_expr);
    buf_puts(b, ", ");
    put_str(b, o->type);
    buf_printf(b, ", %s, %s, %s, %s, ", yes(o->grants_declared),
               yes(o->comment_declared), yes(o->inline_in_parent),
               yes(o->concurrently));
    put_str(b, o->probe);
    buf_puts(b, ", ");
    put_str(b, o->backfill);
    buf_puts(b, ", ");
    put_str(b, o->nullable_definition);
    buf_puts(b, ", ");
    put_str(b, o->renamed_from);
    buf_puts(b, ", ");
    put_str(b, o->arguments);
    buf_puts(b, ", ");
    put_str(b, o->label_renames);
    buf_puts(b, ", ");
    put_str(b, o->sequence);
    buf_puts(b, ", ");
    put_str(b, o->sequence_renamed_from);
    buf_puts(b, "},\n");
}

static void part_objects(Buf *b, const SctlSchema *s)
{
    buf_puts(b, "/* kind, schema, table, name, signature, parent, file, "
                "line, col, make,\n   definition, default, type, grants, "
                "comment, inline, concurrently,\n   probe, backfill, nullable "
                "definition,\n   renamed from, arguments, label "
                "renames, sequence, sequence renamed from */\n"
                "const SctlObject sctl_objects[] = {\n");
    for (int i = 0; i < s->nobjects; i++)
        put_object(b, &s->objects[i]);
    buf_puts(b, "};\n");
}

static void part_statements(Buf *b, const SctlSchema *s)
{
    buf_puts(b, "/* object, role, file, line, continues, then the statement "
                "as generated/NAME.sql\n   has it, byte for byte */\n"
                "const SctlStatement sctl_statements[] = {\n");
    for (int i = 0; i < s->nstatements; i++) {
        const SctlStatement *st = &s->statements[i];
        buf_printf(b, "    {%d, %s, %d, %d, %s,\n     ", st->object,
                   role_names[st->role], st->file, st->line,
                   yes(st->continues));
        put_lines(b, st->sql, "     ");
        buf_puts(b, "},\n");
    }
    buf_puts(b, "};\n");
}

static void put_step(Buf *b, const SctlTestStep *st)
{
    buf_printf(b, "    {%s, ", step_kinds[st->kind]);
    put_str(b, st->role);
    buf_puts(b, ", ");
    put_str(b, st->claims);
    buf_printf(b, ", %s, %ld, ", yes(st->counted), st->rows);
    put_str(b, st->sqlstate);
    buf_printf(b, ", %d, %d, %d,\n     ", st->file, st->line, st->col);
    put_lines(b, st->sql, "     ");
    buf_puts(b, "},\n");
}

static void put_names(Buf *b, const char *what, const char *const *v, int n)
{
    buf_printf(b, "static const char *const %s[] = {\n", what);
    for (int i = 0; i < n; i++) {
        buf_puts(b, "    ");
        put_str(b, v[i]);
        buf_puts(b, ",\n");
    }
    buf_puts(b, "    NULL\n};\n\n");
}

/* The tests and the schema that ties every table together; C has no
 * empty arrays, so each has a last entry that is never read. */
static void part_schema(Buf *b, const SctlSchema *s)
{
    buf_puts(b, "static const SctlTest tests[] = {\n");
    for (int i = 0; i < s->ntests; i++) {
        buf_puts(b, "    {");
        put_str(b, s->tests[i].name);
        buf_printf(b, ", %d, %d},\n", s->tests[i].first, s->tests[i].nsteps);
    }
    buf_puts(b, "    {NULL, 0, 0}\n};\n\n/* kind, role, claims, counted, "
                "rows, sqlstate, file, line, col, statement */\n"
                "static const SctlTestStep steps[] = {\n");
    for (int i = 0; i < s->nsteps; i++)
        put_step(b, &s->steps[i]);
    buf_puts(b, "    {SCTL_STEP_SETUP, NULL, NULL, false, 0, NULL, 0, 0, 0, "
                "NULL}\n};\n\n");
    put_names(b, "files", s->files, s->nfiles);
    put_names(b, "schemas", s->schemas, s->nschemas);
    put_names(b, "findings", s->findings, s->nfindings);
    buf_puts(b, "/* role, object, kind, command, access, file, line */\n"
                "static const SctlAccessCell cells[] = {\n");
    for (int i = 0; i < s->ncells; i++) {
        const SctlAccessCell *c = &s->cells[i];
        const char *v[5] = {c->role, c->object, c->kind, c->command,
                            c->access};
        buf_puts(b, "    {");
        for (int k = 0; k < 5; k++) {
            put_str(b, v[k]);
            buf_puts(b, ", ");
        }
        buf_printf(b, "%d, %d},\n", c->file, c->line);
    }
    buf_puts(b, "    {NULL, NULL, NULL, NULL, NULL, 0, 0}\n};\n\n");
    buf_puts(b, "const SctlSchema sctl_schema = {\n    ");
    put_str(b, s->project);
    buf_printf(b, ", \"%s\", %s,\n    files, %d, schemas, %d,\n"
               "    sctl_objects, %d, sctl_statements, %d,\n"
               "    tests, %d, steps, %d,\n    cells, %d, findings, %d,\n};\n",
               s->checksum, yes(s->supabase), s->nfiles, s->nschemas,
               s->nobjects, s->nstatements, s->ntests, s->nsteps, s->ncells,
               s->nfindings);
}

static void part_head(Buf *b, int k, int n)
{
    buf_printf(b, "%s/* part %d of %d */\n#include \"schemactl.h\"\n\n",
               k ? "\n" : "/* generated by schemac; do not edit */\n", k + 1,
               n);
    if (k)
        buf_puts(b, "extern const SctlObject sctl_objects[];\n"
                    "extern const SctlStatement sctl_statements[];\n\n");
}

void emit_pgc_parts(Buf parts[EMIT_PGC_PARTS], const SctlSchema *s)
{
    void (*const write[EMIT_PGC_PARTS])(Buf *, const SctlSchema *) = {
        part_objects, part_statements, part_schema};
    for (int k = 0; k < EMIT_PGC_PARTS; k++) {
        parts[k] = (Buf){0};
        part_head(&parts[k], k, EMIT_PGC_PARTS);
        write[k](&parts[k], s);
    }
}

void emit_pgc(Buf *out, const SctlSchema *s)
{
    Buf parts[EMIT_PGC_PARTS];
    emit_pgc_parts(parts, s);
    for (int k = 0; k < EMIT_PGC_PARTS; k++) {
        buf_put(out, parts[k].data, parts[k].len);
        buf_free(&parts[k]);
    }
}
