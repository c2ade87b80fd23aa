/*
 * diff.c — what differs between the declared state and the live catalog:
 * missing objects, fields that differ, and undeclared parts of declared
 * tables.  Both sides were read by the same reader, so the comparison is
 * exact string equality of what PostgreSQL printed.
 */
#include "commands.h"

#include <stdlib.h>
#include <string.h>

static void push(SctlDiffs *ds, SctlDiff d)
{
    if (ds->len == ds->cap) {
        ds->cap = ds->cap ? ds->cap * 2 : 64;
        ds->items = sctl_xrealloc(ds->items,
                                  sizeof *ds->items * (size_t)ds->cap);
    }
    ds->items[ds->len++] = d;
}

/* Privileges and comments are compared only where the schema manages
 * them: a platform may grant on its own, and an undeclared comment is no
 * one's business. */
static bool managed(const SctlSchema *s, int i, const char *name)
{
    const SctlObject *o = &s->objects[i];
    if (strcmp(name, "acl") == 0 || strcmp(name, "default_acl") == 0)
        return o->grants_declared;
    if (strcmp(name, "comment") == 0)
        return o->comment_declared;
    if (sctl_platform_object(o))   /* its grants and comment alone, */
        return o->kind == SCTL_K_TABLE &&   /* and a declared switch */
               (strcmp(name, "rls") == 0 || strcmp(name, "force_rls") == 0) &&
               sctl_rls_declared(s, i);
    return true;
}

static void compare(const SctlSchema *s, int i, const SctlFacet *d,
                    const SctlFacet *l, SctlDiffs *out)
{
    if (sctl_facet_shared(d, l))
        return;
    for (int k = 0; k < d->nfields; k++) {
        const SctlField *f = &d->fields[k];
        if (!managed(s, i, f->name))
            continue;
        const char *lv = sctl_field(l, f->name);
        if (!sctl_same(lv, f->value))
            push(out, (SctlDiff){i, l, d, f->name, lv, f->value});
    }
}

/* Indexes that back a constraint are covered by the constraint. */
static bool extra_counts(const SctlFacet *f)
{
    switch (f->kind) {
    case SCTL_K_COLUMN:
    case SCTL_K_CONSTRAINT:
    case SCTL_K_POLICY:
    case SCTL_K_TRIGGER:
    case SCTL_K_PUBLICATION_TABLE:
        return true;
    case SCTL_K_INDEX:
        return sctl_field(f, "constraint") == NULL;
    case SCTL_K_ROLE:
    case SCTL_K_SCHEMA:
    case SCTL_K_EXTENSION:
    case SCTL_K_TYPE:
    case SCTL_K_TABLE:
    case SCTL_K_VIEW:
    case SCTL_K_FUNCTION:
    case SCTL_K_BUCKET:
    case SCTL_K_PUBLICATION:
    case SCTL_K_SEQUENCE:
    case SCTL_K_ROWS:
        return false;
    }
    return false;
}

/* Whether the schema declares the publication named, or gives it tables
 * (the platform's supabase_realtime): the tables of one it does not
 * (Realtime switched on in the dashboard, another tool's feed) are not
 * this schema's to take out. */
static bool publication_declared(const SctlSchema *s, const char *name)
{
    for (int i = 0; i < s->nobjects; i++)
        if ((s->objects[i].kind == SCTL_K_PUBLICATION ||
             s->objects[i].kind == SCTL_K_PUBLICATION_TABLE) &&
            strcmp(s->objects[i].name, name) == 0)
            return true;
    return false;
}

static void extras(const SctlSchema *s, const SctlObject *o,
                   const SctlDeclared *d, const SctlFacets *live,
                   SctlDiffs *out)
{
    const SctlFacet **parts;
    int n;
    sctl_facets_of_table(live, o->schema, o->name, &parts, &n);
    for (int i = 0; i < n; i++)
        if (extra_counts(parts[i]) &&
            (parts[i]->kind != SCTL_K_PUBLICATION_TABLE ||
             publication_declared(s, parts[i]->name)) &&
            !sctl_facet(d->facets, parts[i]->key))
            push(out, (SctlDiff){-1, parts[i], NULL, NULL, NULL, NULL});
}

void sctl_diff(const SctlSchema *s, const SctlDeclared *d,
               const SctlFacets *live, SctlDiffs *out)
{
    bool *missing = calloc((size_t)s->nobjects + 1, 1);
    out->paired = live;
    out->live_of = sctl_xmalloc(sizeof *out->live_of *
                                (size_t)(s->nobjects + 1));
    for (int i = 0; i < s->nobjects; i++) {
        const SctlObject *o = &s->objects[i];
        const SctlFacet *df = sctl_declared_of(d, i);
        const SctlFacet *lf = out->live_of[i] = sctl_facet(live, d->keys[i]);
        if (!df) {  /* a bug between compiler and reader: say so */
            push(out, (SctlDiff){i, NULL, NULL, "unreadable", NULL, NULL});
            continue;
        }
        if (!lf) {
            missing[i] = true;
            if (o->parent < 0 || !missing[o->parent])
                push(out, (SctlDiff){i, NULL, df, NULL, NULL, NULL});
            continue;
        }
        compare(s, i, df, lf, out);
        /* a relation taken from the declared state has its parts too */
        if (((o->kind == SCTL_K_TABLE && !sctl_platform_object(o)) ||
             o->kind == SCTL_K_VIEW) && !sctl_facet_shared(df, lf))
            extras(s, o, d, live, out);
    }
    free(missing);
}

bool sctl_rls_declared(const SctlSchema *s, int object)
{
    for (int k = 0; k < s->nstatements; k++)
        if (s->statements[k].object == object &&
            s->statements[k].role == SCTL_STMT_SWITCH)
            return true;
    return false;
}

void sctl_diffs_free(SctlDiffs *ds)
{
    sctl_undeclared_free(&ds->undeclared);
    free(ds->items);
    free(ds->live_of);
    ds->items = NULL;
    ds->live_of = NULL;
    ds->paired = NULL;
    ds->len = ds->cap = 0;
}

/* Where an undeclared part's table was declared. */
static const SctlObject *table_of(const SctlSchema *s, const SctlFacet *f)
{
    for (int i = 0; f && f->table && i < s->nobjects; i++) {
        const SctlObject *o = &s->objects[i];
        if ((o->kind == SCTL_K_TABLE || o->kind == SCTL_K_VIEW) &&
            strcmp(o->schema, f->schema) == 0 &&
            strcmp(o->name, f->table) == 0)
            return o;
    }
    return NULL;
}

static void put_name(const SctlFacet *f, const SctlObject *o, FILE *out)
{
    SctlKind kind = o ? o->kind : f->kind;
    const char *schema = o ? o->schema : f->schema;
    const char *table = o ? o->table : f->table;
    const char *name = o ? o->name : f->name;
    if (o && f && kind == SCTL_K_ROLE && strcmp(name, SCTL_APPLYING_ROLE) == 0)
        name = f->name;     /* the applying role, by its name */
    fprintf(out, "%s ", sctl_kind_words[kind]);
    if (table)
        fprintf(out, "\"%s\" on %s.%s", name, schema, table);
    else if (schema && kind != SCTL_K_SCHEMA)
        fprintf(out, "%s.%s", schema, name);
    else
        fprintf(out, "%s", name);
}

/* Values may be long (view definitions): one line each, shortened. */
static void put_value(const char *v, FILE *out)
{
    if (!v) {
        fputs("(none)", out);
        return;
    }
    size_t n = strlen(v);
    for (size_t i = 0; i < n && i < 200; i++)
        fputc(v[i] == '\n' ? ' ' : v[i], out);
    if (n > 200)
        fputs("...", out);
}

const SctlObject *sctl_diff_where(const SctlSchema *s, const SctlDiff *d)
{
    if (d->object >= 0)
        return &s->objects[d->object];
    return table_of(s, d->live);
}

void sctl_diff_text(const SctlSchema *s, const SctlDiff *d, FILE *out)
{
    const SctlObject *o = d->object >= 0 ? &s->objects[d->object] : NULL;
    if (!d->live && !d->declared) {
        fputs("internal error: an object the catalog reader cannot find "
              "even where it was made", out);
        return;
    }
    fprintf(out, "%s ", !d->live ? "missing:" : !o ? "unexpected:"
                                 : "drift:");
    put_name(d->live ? d->live : d->declared, o, out);
    if (!o)
        fputs(" (not declared)", out);
    if (d->field) {
        fprintf(out, "; %s: live ", d->field);
        put_value(d->live_value, out);
        fputs(", declared ", out);
        put_value(d->declared_value, out);
    }
}

void sctl_diffs_print(const SctlSchema *s, const SctlDiffs *ds, FILE *out)
{
    for (int i = 0; i < ds->len; i++) {
        const SctlDiff *d = &ds->items[i];
        const SctlObject *o = d->object >= 0 ? &s->objects[d->object] : NULL;
        if (!d->live && !d->declared) {
            fprintf(out, "internal error: %s:%d declares an object the "
                    "catalog reader cannot find even where it was made\n",
                    sctl_file(s, o->file), o->line);
            continue;
        }
        fprintf(out, "%s%s%s ", cmd_ansi(o ? "\033[1;31m" : "\033[1;33m"),
                !d->live ? "missing:" : !o ? "unexpected:" : "drift:",
                cmd_ansi("\033[0m"));
        put_name(d->live ? d->live : d->declared, o, out);
        const SctlObject *t = o ? NULL : table_of(s, d->live);
        if (o)
            fprintf(out, " (%s:%d)", sctl_file(s, o->file), o->line);
        else if (t)
            fprintf(out, " (not declared; table at %s:%d)",
                    sctl_file(s, t->file), t->line);
        else
            fputs(" (not declared)", out);
        fputc('\n', out);
        if (d->field) {
            fprintf(out, "    %s: live ", d->field);
            put_value(d->live_value, out);
            fputs(", declared ", out);
            put_value(d->declared_value, out);
            fputc('\n', out);
        }
    }
    sctl_undeclared_print(&ds->undeclared, out);
}
