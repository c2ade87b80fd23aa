/*
 * emit_sequence.c — a sequence's statements.  CREATE SEQUENCE carries
 * the options as written; OWNED BY is a statement of its own, after the
 * table (whose defaults may call nextval on the sequence, made before
 * it); the repair spells every option out (sema chose the ones not
 * written as PostgreSQL does).
 */
#include "schemac.h"

static void put_token(Buf *b, const Token *t)
{
    if (tok_op(t, "-")) {
        buf_putc(b, '-');
        t++;
    }
    buf_put(b, tok_text(t), t->len);
}

void emit_sql_sequence(Buf *b, const Unit *u)
{
    const Sequence *q = u->decl->seq;
    buf_puts(b, "CREATE SEQUENCE ");
    quote_qname(b, u->decl->schema, u->decl->name.name);
    if (q->type.name)
        buf_printf(b, " AS %s", q->type_name);
    static const char *const words[] = {" INCREMENT BY ", " MINVALUE ",
                                        " MAXVALUE ", " START WITH ",
                                        " CACHE "};
    const Token *const given[] = {q->increment, q->minvalue, q->maxvalue,
                                  q->start, q->cache};
    for (int i = 0; i < 5; i++)
        if (given[i]) {
            buf_puts(b, words[i]);
            put_token(b, given[i]);
        }
    if (q->no_minvalue)
        buf_puts(b, " NO MINVALUE");
    if (q->no_maxvalue)
        buf_puts(b, " NO MAXVALUE");
    if (q->cycle)
        buf_puts(b, " CYCLE");
}

void emit_sql_sequence_owned(Buf *b, const Unit *u)
{
    const Sequence *q = u->decl->seq;
    buf_puts(b, "ALTER SEQUENCE ");
    quote_qname(b, u->decl->schema, u->decl->name.name);
    buf_puts(b, " OWNED BY ");
    quote_qname(b, q->owner->schema, q->owner->name.name);
    buf_putc(b, '.');
    quote_ident(b, q->owner_column);
}

void emit_sql_sequence_options(Buf *b, const Sequence *q)
{
    buf_printf(b, "AS %s INCREMENT BY %lld MINVALUE %lld MAXVALUE %lld "
               "START WITH %lld CACHE %lld %sCYCLE", q->type_name, q->inc,
               q->min, q->max, q->first, q->cache_n, q->cycle ? "" : "NO ");
}
