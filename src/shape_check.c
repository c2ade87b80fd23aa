/*
 * shape_check.c — nothing reaches the server that the compiler did not
 * parse.  Every canonical statement, and every repair shape instantiated
 * for every object it can apply to (with the object's own names and
 * checked text, through the same sctl_shape_write the runtime uses), is
 * parsed by PostgreSQL's parser at build time.  A failure is reported at
 * the object's .schema position and stops the build before any file is
 * written.
 */
#include "schemac.h"

#include <pg_query.h>
#include <stdlib.h>
#include <string.h>

typedef struct Check {
    Arena *a;
    const SctlSchema *s;
    const ModelTokens *at;
    Diag *d;
    long parsed;
    Buf b;
} Check;

/* Parses sql; on failure, an error at tok naming what it is. */
/* How many statements sql holds; -1 (and an error) if it does not
 * parse. */
static int parse(Check *c, const char *sql, const Token *tok,
                 const char *what)
{
    PgQuerySplitResult r = pg_query_split_with_parser(sql);
    c->parsed++;
    int n = r.error ? -1 : r.n_stmts;
    if (r.error)
        diag_at(c->d, DIAG_ERROR, tok->src, tok->off, tok->len,
                "%s does not parse: %s (the statement: %.200s)", what,
                r.error->message, sql);
    pg_query_free_split_result(r);
    return n;
}

static void shape(Check *c, int i, SctlShape sh, const char *const *args)
{
    c->b.len = 0;
    if (!sctl_shape_write(quote_out(&c->b), sh, args)) {
        const Token *t = c->at->objects[i];
        diag_at(c->d, DIAG_ERROR, t->src, t->off, t->len,
                "internal error: repair %s cannot be written for this "
                "object", sctl_shape_names[sh]);
        return;
    }
    buf_putc(&c->b, '\0');
    c->b.len--;
    parse(c, c->b.data, c->at->objects[i],
          arena_printf(c->a, "the repair %s", sctl_shape_names[sh]));
}

#define SHAPE(c, i, sh, ...) \
    shape(c, i, sh, (const char *const[]){__VA_ARGS__, NULL})

static const char *make_sql(Check *c, const SctlObject *o)
{
    return o->make >= 0 ? c->s->statements[o->make].sql : NULL;
}

/* The privilege repairs of an object whose grants are managed, with a
 * privilege of its kind, to PUBLIC and to a role named like itself. */
static void grants(Check *c, int i, const SctlObject *o)
{
    SctlShape shapes[3];
    if (!o->grants_declared || !sctl_acl_shapes(o->kind, shapes))
        return;
    const char *priv = o->kind == SCTL_K_FUNCTION ? "EXECUTE"
                     : o->kind == SCTL_K_SEQUENCE ? "USAGE, SELECT"
                     : o->kind == SCTL_K_SCHEMA ? "USAGE, CREATE"
                     : "SELECT, INSERT";
    const char *args[6];
    for (int k = 0; k < 3; k++) {
        sctl_acl_args(o, priv, k ? o->name : "PUBLIC", args);
        shape(c, i, shapes[k], args);
    }
}

/* The default privileges repairs of a schema or role that declares some. */
static void default_grants(Check *c, int i, const SctlObject *o)
{
    if (!o->grants_declared ||
        (o->kind != SCTL_K_SCHEMA && o->kind != SCTL_K_ROLE))
        return;
    bool role = o->kind == SCTL_K_ROLE;
    SHAPE(c, i, role ? SCTL_SHAPE_GRANT_DEFAULT
                     : SCTL_SHAPE_GRANT_DEFAULT_IN_SCHEMA,
          o->name, "SELECT, INSERT", "TABLES", "PUBLIC");
    SHAPE(c, i, role ? SCTL_SHAPE_GRANT_DEFAULT_OPTION
                     : SCTL_SHAPE_GRANT_DEFAULT_IN_SCHEMA_OPTION,
          o->name, "EXECUTE", "FUNCTIONS", o->name);
    SHAPE(c, i, role ? SCTL_SHAPE_REVOKE_DEFAULT
                     : SCTL_SHAPE_REVOKE_DEFAULT_IN_SCHEMA,
          o->name, "SEQUENCES", o->name);
}

static void column(Check *c, int i, const SctlObject *o)
{
    const char *s = o->schema, *t = o->table, *n = o->name;
    if (o->definition)
        SHAPE(c, i, SCTL_SHAPE_ADD_COLUMN, s, t, o->definition);
    if (o->default_expr)
        SHAPE(c, i, SCTL_SHAPE_SET_DEFAULT, s, t, n, o->default_expr);
    if (o->type) {
        SHAPE(c, i, SCTL_SHAPE_ALTER_TYPE, s, t, n, o->type);
        SHAPE(c, i, SCTL_SHAPE_ALTER_TYPE_VIA_TEXT, s, t, n, o->type, n,
              "{\"a\"}", n, o->type);
        SHAPE(c, i, SCTL_SHAPE_COUNT_LABELS_OUTSIDE, s, t, n, "{\"a\"}");
        SHAPE(c, i, SCTL_SHAPE_COUNT_CHANGED_BY_TYPE, s, t, n, n, n,
              o->type);
    }
    SHAPE(c, i, SCTL_SHAPE_DROP_DEFAULT, s, t, n);
    SHAPE(c, i, SCTL_SHAPE_SET_NOT_NULL, s, t, n);
    SHAPE(c, i, SCTL_SHAPE_DROP_NOT_NULL, s, t, n);
    SHAPE(c, i, SCTL_SHAPE_DROP_COLUMN, s, t, n);
    SHAPE(c, i, SCTL_SHAPE_COUNT_NULLS, s, t, n);
    if (o->backfill) {
        SHAPE(c, i, SCTL_SHAPE_BACKFILL, s, t, n, o->backfill);
        SHAPE(c, i, SCTL_SHAPE_BACKFILL_NULLS, s, t, n, o->backfill, n);
    }
    if (o->nullable_definition)
        SHAPE(c, i, SCTL_SHAPE_ADD_COLUMN, s, t, o->nullable_definition);
}

static void concurrent_index(Check *c, int i, const char *make)
{
    const char *rest;
    SctlShape sh = sctl_concurrent_index(make, &rest);
    SHAPE(c, i, sh, rest);
}

/* A foreign key or check added to a table with rows: NOT VALID, then
 * validated (hazards.c). */
static void not_valid(Check *c, int i, const SctlObject *o, const char *make)
{
    const char *def = o->definition ? o->definition
                    : sctl_added_definition(make, o->schema, o->table);
    if (!sctl_validatable(def, o->name))
        return;
    SHAPE(c, i, SCTL_SHAPE_ADD_CONSTRAINT_NOT_VALID, o->schema, o->table,
          def);
    SHAPE(c, i, SCTL_SHAPE_VALIDATE_CONSTRAINT, o->schema, o->table,
          o->name);
}

static void table(Check *c, int i, const SctlObject *o)
{
    SHAPE(c, i, SCTL_SHAPE_COUNT_ROWS, o->schema, o->name);
    SHAPE(c, i, SCTL_SHAPE_ENABLE_RLS, o->schema, o->name);
    SHAPE(c, i, SCTL_SHAPE_DISABLE_RLS, o->schema, o->name);
    SHAPE(c, i, SCTL_SHAPE_FORCE_RLS, o->schema, o->name);
    SHAPE(c, i, SCTL_SHAPE_NO_FORCE_RLS, o->schema, o->name);
    SHAPE(c, i, SCTL_SHAPE_REPLICA_DEFAULT, o->schema, o->name);
    if (o->parent >= 0 && o->definition) {
        const SctlObject *p = &c->s->objects[o->parent];
        SHAPE(c, i, SCTL_SHAPE_ATTACH_PARTITION, p->schema, p->name,
              o->schema, o->name, o->definition);
    }
}

static void view(Check *c, int i, const SctlObject *o, const char *make)
{
    bool mat = make && strncmp(make, "CREATE MATERIALIZED", 19) == 0;
    SHAPE(c, i, mat ? SCTL_SHAPE_DROP_MATVIEW : SCTL_SHAPE_DROP_VIEW,
          o->schema, o->name);
    if (make && !mat)
        SHAPE(c, i, SCTL_SHAPE_REPLACE, sctl_after_create(make));
}

/* The rename of an object declared `renamed from` (renames.c writes the
 * same, from the same names); for a table's parts, under the table's new
 * name, since the table is renamed first. */
static void renamed(Check *c, int i, const SctlObject *o, const char *make)
{
    const char *s = o->schema, *t = o->table, *n = o->name, *old =
        o->renamed_from;
    switch (o->kind) {
    case SCTL_K_TABLE: SHAPE(c, i, SCTL_SHAPE_RENAME_TABLE, s, old, n); break;
    case SCTL_K_COLUMN:
        SHAPE(c, i, SCTL_SHAPE_RENAME_COLUMN, s, t, old, n);
        break;
    case SCTL_K_CONSTRAINT:
        SHAPE(c, i, SCTL_SHAPE_RENAME_CONSTRAINT, s, t, old, n);
        break;
    case SCTL_K_INDEX: SHAPE(c, i, SCTL_SHAPE_RENAME_INDEX, s, old, n); break;
    case SCTL_K_POLICY:
        SHAPE(c, i, SCTL_SHAPE_RENAME_POLICY, old, s, t, n);
        break;
    case SCTL_K_VIEW:
        SHAPE(c, i, make && strncmp(make, "CREATE MATERIALIZED", 19) == 0
                    ? SCTL_SHAPE_RENAME_MATVIEW : SCTL_SHAPE_RENAME_VIEW,
              s, old, n);
        break;
    case SCTL_K_FUNCTION:
        if (o->arguments && strlen(o->name) > strlen(o->arguments))
            SHAPE(c, i, SCTL_SHAPE_RENAME_FUNCTION, s, old, o->arguments,
                  arena_strndup(c->a, o->name,
                                strlen(o->name) - strlen(o->arguments)));
        break;
    case SCTL_K_TYPE:
    case SCTL_K_ROLE:
    case SCTL_K_SCHEMA:
    case SCTL_K_EXTENSION:
    case SCTL_K_TRIGGER:
    case SCTL_K_BUCKET:
    case SCTL_K_PUBLICATION:
    case SCTL_K_PUBLICATION_TABLE:
    case SCTL_K_SEQUENCE:
    case SCTL_K_ROWS:
        break;
    }
}

/* Each renamed label of an enum: ALTER TYPE ... RENAME VALUE. */
static void label_renames(Check *c, int i, const SctlObject *o)
{
    char *pairs[2];
    for (const char *p = o->label_renames;
         sctl_label_next(&p, &pairs[0]);) {
        if (!sctl_label_next(&p, &pairs[1])) {
            free(pairs[0]);
            break;
        }
        SHAPE(c, i, SCTL_SHAPE_RENAME_ENUM_VALUE, o->schema, o->name,
              pairs[1], pairs[0]);
        free(pairs[0]);
        free(pairs[1]);
    }
}

static void object(Check *c, int i)
{
    const SctlObject *o = &c->s->objects[i];
    const char *make = make_sql(c, o);
    switch (o->kind) {
    case SCTL_K_COLUMN: column(c, i, o); break;
    case SCTL_K_CONSTRAINT:
        if (o->definition)
            SHAPE(c, i, SCTL_SHAPE_ADD_CONSTRAINT, o->schema, o->table,
                  o->definition);
        SHAPE(c, i, SCTL_SHAPE_DROP_CONSTRAINT, o->schema, o->table,
              o->name);
        not_valid(c, i, o, make);
        break;
    case SCTL_K_INDEX:
        SHAPE(c, i, SCTL_SHAPE_DROP_INDEX, o->schema, o->name);
        if (make && (strncmp(make, "CREATE INDEX ", 13) == 0 ||
                     strncmp(make, "CREATE UNIQUE INDEX ", 20) == 0))
            concurrent_index(c, i, make);   /* declared so, or --online */
        break;
    case SCTL_K_POLICY:
        SHAPE(c, i, SCTL_SHAPE_DROP_POLICY, o->name, o->schema, o->table);
        break;
    case SCTL_K_TRIGGER:
        SHAPE(c, i, SCTL_SHAPE_DROP_TRIGGER, o->name, o->schema, o->table);
        break;
    case SCTL_K_TABLE: table(c, i, o); break;
    case SCTL_K_VIEW: view(c, i, o, make); break;
    case SCTL_K_FUNCTION:
        if (make)
            SHAPE(c, i, SCTL_SHAPE_REPLACE, sctl_after_create(make));
        if (o->signature)
            SHAPE(c, i, SCTL_SHAPE_DROP_FUNCTION, o->signature);
        break;
    case SCTL_K_TYPE:
        SHAPE(c, i, SCTL_SHAPE_ADD_ENUM_VALUE_AFTER, o->schema, o->name,
              "new label", "it's");
        SHAPE(c, i, SCTL_SHAPE_ADD_ENUM_VALUE_BEFORE, o->schema, o->name,
              "new label", "it's");
        SHAPE(c, i, SCTL_SHAPE_RENAME_TYPE, o->schema, o->name,
              arena_printf(c->a, "%.40s_schemac_old", o->name));
        SHAPE(c, i, SCTL_SHAPE_DROP_TYPE, o->schema, o->name);
        break;
    case SCTL_K_ROLE:
        SHAPE(c, i, SCTL_SHAPE_GRANT_ROLE, o->name, o->name);
        SHAPE(c, i, SCTL_SHAPE_REVOKE_ROLE, o->name, o->name);
        break;
    case SCTL_K_SCHEMA:
    case SCTL_K_EXTENSION:
    case SCTL_K_BUCKET: break;      /* made again by their own statement */
    case SCTL_K_PUBLICATION:
        SHAPE(c, i, SCTL_SHAPE_SET_PUBLISH, o->name, "insert, update");
        break;
    case SCTL_K_PUBLICATION_TABLE:
        SHAPE(c, i, SCTL_SHAPE_DROP_PUBLICATION_TABLE, o->name, o->schema,
              o->table);
        break;
    case SCTL_K_ROWS:
        if (o->definition)
            parse(c, o->definition, c->at->objects[i], "the rows' reading");
        break;
    case SCTL_K_SEQUENCE:
        if (o->type)
            SHAPE(c, i, SCTL_SHAPE_ALTER_SEQUENCE, o->schema, o->name,
                  o->type);
        break;
    }
    if (o->renamed_from)
        renamed(c, i, o, make);
    if (o->label_renames)
        label_renames(c, i, o);
    if (o->sequence_renamed_from)
        SHAPE(c, i, SCTL_SHAPE_RENAME_SEQUENCE, o->schema,
              o->sequence_renamed_from, o->sequence);
    grants(c, i, o);
    default_grants(c, i, o);
    if (o->probe)
        parse(c, o->probe, c->at->objects[i], "the row check");
}

/* The drops of undeclared objects take names from the catalog: parsed
 * once, with names that need quoting, at the first object. */
static void undeclared_drops(Check *c)
{
    static const SctlShape drops[] = {
        SCTL_SHAPE_DROP_TABLE, SCTL_SHAPE_DROP_VIEW, SCTL_SHAPE_DROP_MATVIEW,
        SCTL_SHAPE_DROP_SEQUENCE, SCTL_SHAPE_DROP_TYPE,
        SCTL_SHAPE_DROP_DOMAIN};
    if (c->s->nobjects == 0)
        return;
    for (size_t k = 0; k < sizeof drops / sizeof drops[0]; k++)
        SHAPE(c, 0, drops[k], "Old Schema", "it's");
    SHAPE(c, 0, SCTL_SHAPE_DROP_ROUTINE, "\"Old\".fn(integer, text[])");
}

long shape_check(Arena *a, const SctlSchema *s, const ModelTokens *at,
                 Diag *d)
{
    Check c = {a, s, at, d, 0, {0}};
    undeclared_drops(&c);
    /* one each: a fresh apply sends them in a pipeline, in the extended
     * protocol, which takes one statement a message */
    for (int k = 0; k < s->nstatements; k++) {
        int n = parse(&c, s->statements[k].sql, at->statements[k],
                      "the canonical statement");
        if (n > 1)
            diag_at(d, DIAG_ERROR, at->statements[k]->src,
                    at->statements[k]->off, at->statements[k]->len,
                    "internal error: a canonical statement holds %d "
                    "statements (%.200s)", n, s->statements[k].sql);
    }
    for (int i = 0; i < s->nobjects; i++)
        object(&c, i);
    for (int k = 0; k < s->nsteps; k++) {
        /* steps are located by file:line only; sema parsed them already,
         * so a failure here is the wrapper's */
        PgQuerySplitResult r = pg_query_split_with_parser(s->steps[k].sql);
        c.parsed++;
        if (r.error)
            diag_plain(d, DIAG_ERROR, "%s:%d:%d: internal error: a test "
                       "step's wrapped statement does not parse: %s",
                       s->files[s->steps[k].file], s->steps[k].line,
                       s->steps[k].col, r.error->message);
        pg_query_free_split_result(r);
    }
    buf_free(&c.b);
    return c.parsed;
}
