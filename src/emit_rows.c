/*
 * emit_rows.c — a table's declared rows: one upsert by the primary key
 * (run again, it repairs a row changed or deleted), the delete of the
 * rows not declared when they are `exact`, and the query that reads the
 * declared rows back for verify: one field per row, the row's declared
 * columns as a record (NULL when it is missing), and with `exact` the
 * number of rows not declared.
 */
#include "schemac.h"

static void put_frag(Buf *b, const Frag *f)
{
    buf_put(b, f->src->text + f->off, f->len);
}

static void put_table(Buf *b, const RowSet *r)
{
    quote_qname(b, r->table->schema, r->table->name.name);
}

static const Ident *col(const RowSet *r, int i)
{
    return r->cols.items[i];
}

static int key_at(const RowSet *r, int k)
{
    return *(int *)r->key.items[k];
}

/* (k1, k2) NOT IN ((v, v), ...), columns qualified by alias if given */
static void put_not_declared(Buf *b, const RowSet *r, const char *alias)
{
    buf_puts(b, "(");
    for (int k = 0; k < r->key.len; k++) {
        if (k)
            buf_puts(b, ", ");
        if (alias)
            buf_printf(b, "%s.", alias);
        quote_ident(b, col(r, key_at(r, k))->name);
    }
    buf_puts(b, ") NOT IN (");
    for (int i = 0; i < r->tuples.len; i++) {
        const Vec *values = r->tuples.items[i];
        buf_puts(b, i ? ", (" : "(");
        for (int k = 0; k < r->key.len; k++) {
            if (k)
                buf_puts(b, ", ");
            put_frag(b, values->items[key_at(r, k)]);
        }
        buf_puts(b, ")");
    }
    buf_puts(b, ")");
}

void emit_sql_rows_exact(Buf *b, const Unit *u)
{
    const RowSet *r = u->decl->rowset;
    buf_puts(b, "DELETE FROM ");
    put_table(b, r);
    if (r->tuples.len) {
        buf_puts(b, " WHERE ");
        put_not_declared(b, r, NULL);
    }
}

void emit_sql_rows(Buf *b, const Unit *u)
{
    const RowSet *r = u->decl->rowset;
    if (!r->tuples.len) {       /* exact and empty: the delete alone */
        emit_sql_rows_exact(b, u);
        return;
    }
    buf_puts(b, "INSERT INTO ");
    put_table(b, r);
    buf_puts(b, " (");
    for (int i = 0; i < r->cols.len; i++) {
        if (i)
            buf_puts(b, ", ");
        quote_ident(b, col(r, i)->name);
    }
    buf_puts(b, r->overriding ? ") OVERRIDING SYSTEM VALUE VALUES"
                              : ") VALUES");
    for (int i = 0; i < r->tuples.len; i++) {
        const Vec *values = r->tuples.items[i];
        buf_puts(b, i ? ",\n    (" : "\n    (");
        for (int c = 0; c < values->len; c++) {
            if (c)
                buf_puts(b, ", ");
            put_frag(b, values->items[c]);
        }
        buf_puts(b, ")");
    }
    buf_puts(b, "\nON CONFLICT (");
    for (int k = 0; k < r->key.len; k++) {
        if (k)
            buf_puts(b, ", ");
        quote_ident(b, col(r, key_at(r, k))->name);
    }
    bool any = false;
    for (int i = 0; i < r->cols.len; i++) {
        bool key = false;
        for (int k = 0; k < r->key.len; k++)
            key |= key_at(r, k) == i;
        if (key)
            continue;
        buf_puts(b, any ? ", " : ") DO UPDATE SET ");
        quote_ident(b, col(r, i)->name);
        buf_puts(b, " = EXCLUDED.");
        quote_ident(b, col(r, i)->name);
        any = true;
    }
    if (!any)
        buf_puts(b, ") DO NOTHING");
}

/* Under search_path = pg_catalog: the table qualified, keys compared
 * with literals as written (their type is the column's). */
void emit_sql_rows_read(Buf *b, const Decl *d)
{
    const RowSet *r = d->rowset;
    buf_puts(b, "SELECT ");
    quote_literal(b, r->table->schema);
    buf_puts(b, " AS k_schema, NULL AS k_table, ");
    quote_literal(b, r->table->name.name);
    buf_puts(b, " AS k_name");
    for (int i = 0; i < r->tuples.len; i++) {
        const Vec *values = r->tuples.items[i];
        buf_puts(b, ",\n (SELECT ROW(");
        for (int c = 0; c < r->cols.len; c++) {
            buf_puts(b, c ? ", r." : "r.");
            quote_ident(b, col(r, c)->name);
        }
        buf_puts(b, ")::text FROM ");
        put_table(b, r);
        buf_puts(b, " r WHERE ");
        for (int k = 0; k < r->key.len; k++) {
            buf_puts(b, k ? " AND r." : "r.");
            quote_ident(b, col(r, key_at(r, k))->name);
            buf_puts(b, " = ");
            put_frag(b, values->items[key_at(r, k)]);
        }
        buf_printf(b, ") AS \"row %d\"", i + 1);
    }
    if (r->exact) {
        buf_puts(b, ",\n (SELECT count(*) FROM ");
        put_table(b, r);
        buf_puts(b, " r");
        if (r->tuples.len) {
            buf_puts(b, " WHERE ");
            put_not_declared(b, r, "r");
        }
        buf_puts(b, ")::text AS \"rows not declared\"");
    }
}
