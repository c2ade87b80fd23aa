/*
 * emit_publication.c — the statements of publications and of a table's
 * replica identity.  A publication is made empty (with what it
 * publishes), and each table is added by a statement of its own, so that
 * a table can be given to a publication that exists already (the
 * platform's) and be taken back alone.
 */
#include "schemac.h"

static void put_frag(Buf *b, const Frag *f)
{
    buf_put(b, f->src->text + f->off, f->len);
}

/* CREATE PUBLICATION name [FOR ALL TABLES] [WITH (publish = '...')] */
void emit_sql_publication(Buf *b, const Unit *u)
{
    const Decl *d = u->decl;
    buf_puts(b, "CREATE PUBLICATION ");
    quote_ident(b, d->name.name);
    if (d->all_tables)
        buf_puts(b, " FOR ALL TABLES");
    for (int i = 0; i < d->items.len; i++) {
        const Item *it = d->items.items[i];
        if (it->kind != ITEM_PUBLISH)
            continue;
        Buf list = {0};
        for (int k = 0; k < it->u.publish.len; k++)
            buf_printf(&list, "%s%s", k ? ", " : "",
                       ((Ident *)it->u.publish.items[k])->name);
        buf_puts(b, " WITH (publish = ");
        quote_literal(b, list.data ? list.data : "");
        buf_puts(b, ")");
        buf_free(&list);
    }
}

/* ALTER PUBLICATION name ADD TABLE schema.t [(cols)] [WHERE (expr)] */
void emit_sql_pub_table(Buf *b, const Unit *u)
{
    const PubTable *t = u->item->u.pub_table;
    buf_puts(b, "ALTER PUBLICATION ");
    quote_ident(b, u->decl->name.name);
    buf_puts(b, " ADD TABLE ");
    quote_qname(b, t->table->schema, t->table->name.name);
    if (t->cols.len) {
        buf_puts(b, " (");
        for (int i = 0; i < t->cols.len; i++) {
            if (i)
                buf_puts(b, ", ");
            quote_ident(b, ((Ident *)t->cols.items[i])->name);
        }
        buf_puts(b, ")");
    }
    if (t->where.len) {
        buf_puts(b, " WHERE (");
        put_frag(b, &t->where);
        buf_puts(b, ")");
    }
}

/* ALTER TABLE t REPLICA IDENTITY {DEFAULT | FULL | NOTHING | USING INDEX i} */
void emit_sql_replica(Buf *b, const Unit *u)
{
    const Replica *r = u->item->u.replica;
    buf_puts(b, "ALTER TABLE ");
    quote_qname(b, u->decl->schema, u->decl->name.name);
    buf_puts(b, " REPLICA IDENTITY ");
    if (r->index.name) {
        buf_puts(b, "USING INDEX ");
        quote_ident(b, r->index.name);
    } else {
        buf_puts(b, r->mode);
    }
}
