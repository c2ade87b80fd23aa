/*
 * probe.c — for each key, check and foreign key, a query counting the
 * rows that already break it.
 *
 * A constraint added to a table that holds rows fails on the first row
 * that breaks it, and PostgreSQL says which constraint but not how many
 * rows.  Before changing anything, the executable runs the probe of every
 * constraint it is about to add to an existing table and refuses with the
 * count.  The probe is written here, from the declaration, and parsed at
 * build time with everything else (shape_check.c).
 */
#include "schemac.h"

static void put_cols(Buf *b, const Vec *cols, const char *alias,
                     const char *sep)
{
    for (int i = 0; i < cols->len; i++) {
        if (i)
            buf_puts(b, sep);
        if (alias)
            buf_printf(b, "%s.", alias);
        quote_ident(b, ((const Ident *)cols->items[i])->name);
    }
}

/* "a IS NOT NULL AND b IS NOT NULL" */
static void put_not_null(Buf *b, const Vec *cols, const char *alias)
{
    for (int i = 0; i < cols->len; i++) {
        if (i)
            buf_puts(b, " AND ");
        if (alias)
            buf_printf(b, "%s.", alias);
        quote_ident(b, ((const Ident *)cols->items[i])->name);
        buf_puts(b, " IS NOT NULL");
    }
}

/* Rows sharing a key with another row: NULLs are distinct unless told. */
static void duplicates(Buf *b, const Decl *t, const Vec *cols,
                       bool nulls_distinct, const Frag *where)
{
    buf_puts(b, "SELECT coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM ");
    quote_qname(b, t->schema, t->name.name);
    if (nulls_distinct || (where && where->len))
        buf_puts(b, " WHERE ");
    if (nulls_distinct)
        put_not_null(b, cols, NULL);
    if (where && where->len) {
        buf_puts(b, nulls_distinct ? " AND (" : "(");
        buf_put(b, where->src->text + where->off, where->len);
        buf_puts(b, ")");
    }
    buf_puts(b, " GROUP BY ");
    put_cols(b, cols, NULL, ", ");
    buf_puts(b, " HAVING count(*) > 1) AS duplicates");
}

/* Rows whose key (all of it set, MATCH SIMPLE) finds no referenced row;
 * MATCH FULL also refuses a key set in part. */
static bool orphans(Buf *b, const Decl *t, const Constraint *k)
{
    const Vec *ref = &k->ref_cols;
    if (!ref->len && k->ref_decl && k->ref_decl->pkey)
        ref = &k->ref_decl->pkey->cols;
    if (!k->ref_decl || ref->len != k->cols.len || !k->cols.len)
        return false;
    buf_puts(b, "SELECT count(*) FROM ");
    quote_qname(b, t->schema, t->name.name);
    buf_puts(b, " AS c WHERE (");
    put_not_null(b, &k->cols, "c");
    buf_puts(b, " AND NOT EXISTS (SELECT FROM ");
    quote_qname(b, k->ref_decl->schema, k->ref_decl->name.name);
    buf_puts(b, " AS p WHERE ");
    for (int i = 0; i < ref->len; i++) {
        buf_puts(b, i ? " AND p." : "p.");
        quote_ident(b, ((const Ident *)ref->items[i])->name);
        buf_puts(b, " = c.");
        quote_ident(b, ((const Ident *)k->cols.items[i])->name);
    }
    buf_puts(b, "))");
    if (k->match_full && k->cols.len > 1) {
        buf_puts(b, " OR (num_nulls(");
        put_cols(b, &k->cols, "c", ", ");
        buf_printf(b, ") BETWEEN 1 AND %d)", k->cols.len - 1);
    }
    return true;
}

const char *probe_constraint(Arena *a, const Decl *t, const Constraint *k)
{
    Buf b = {0};
    bool ok = true;
    switch (k->kind) {
    case CON_CHECK:
        /* A check holds when its expression is true or NULL. */
        buf_puts(&b, "SELECT count(*) FROM ");
        quote_qname(&b, t->schema, t->name.name);
        buf_puts(&b, " WHERE NOT (");
        buf_put(&b, k->expr.src->text + k->expr.off, k->expr.len);
        buf_puts(&b, ")");
        break;
    case CON_UNIQUE:
        duplicates(&b, t, &k->cols, !k->nulls_not_distinct, NULL);
        break;
    case CON_PRIMARY_KEY:
        buf_puts(&b, "SELECT (SELECT count(*) FROM ");
        quote_qname(&b, t->schema, t->name.name);
        buf_puts(&b, " WHERE NOT (");
        put_not_null(&b, &k->cols, NULL);
        buf_puts(&b, ")) + (");
        duplicates(&b, t, &k->cols, true, NULL);
        buf_puts(&b, ")");
        break;
    case CON_FOREIGN_KEY: ok = orphans(&b, t, k); break;
    case CON_NOT_NULL:
    case CON_NULL:
    case CON_DEFAULT:
    case CON_EXCLUDE:
    case CON_GENERATED:
    case CON_IDENTITY:
    case CON_COLLATE:
    case CON_BACKFILL:
        ok = false;
        break;
    }
    const char *s = ok && b.data ? arena_strndup(a, b.data, b.len) : NULL;
    buf_free(&b);
    return s;
}

const char *probe_unique_index(Arena *a, const Decl *t, const Index *ix)
{
    if (!ix->unique || !ix->elemv.len)
        return NULL;
    Vec cols = {0};
    for (int i = 0; i < ix->elemv.len; i++) {
        const IndexElem *e = ix->elemv.items[i];
        if (!e->column)
            return NULL;        /* an expression: left to the server */
        Ident *id = arena_alloc(a, sizeof *id);
        id->name = e->column;
        vec_push(a, &cols, id);
    }
    Buf b = {0};
    duplicates(&b, t, &cols, !ix->nulls_not_distinct, &ix->where);
    const char *s = arena_strndup(a, b.data, b.len);
    buf_free(&b);
    return s;
}
