/*
 * parse_rows.c — rows of data a table must hold:
 *
 *   rows plans (id, name, price) [exact] {
 *     (1, 'free', 0);
 *     (2, 'pro', 10);
 *   }
 *
 * Each row is a parenthesised list of SQL values, ended by ';' or ','.
 */
#include "parse.h"

static bool parse_tuple(Parser *p, RowSet *r)
{
    const Token *open = parse_cur(p);
    int from = p->pos + 1;
    Frag all;
    if (!parse_parens(p, &all, "'(' and the row's values"))
        return false;
    Vec *values = arena_alloc(p->arena, sizeof *values);
    if (p->pos - 1 > from)
        parse_split_commas(p, from, p->pos - 1, values);
    vec_push(p->arena, &r->tuples, values);
    vec_push(p->arena, &r->tuple_toks, (void *)open);
    if (parse_accept_punct(p, ';') || parse_accept_punct(p, ','))
        return true;
    if (tok_punct(parse_cur(p), '}'))
        return true;
    parse_error_expected(p, "';' or ',' after the row");
    return false;
}

bool parse_rows_decl(Parser *p, Decl *d)
{
    if (!parse_qname(p, &d->name, "a table name"))
        return false;
    RowSet *r = arena_alloc(p->arena, sizeof *r);
    d->rowset = r;
    if (!parse_expect_punct(p, '(', "the table name") ||
        !parse_ident_list(p, &r->cols, "a column name") ||
        !parse_expect_punct(p, ')', "the column names"))
        return false;
    r->exact = parse_accept(p, "exact");
    if (!parse_expect_punct(p, '{', NULL))
        return false;
    while (!tok_punct(parse_cur(p), '}')) {
        if (parse_cur(p)->kind == TK_EOF) {
            parse_error_expected(p, "'}'");
            return false;
        }
        if (!parse_tuple(p, r))
            return false;
    }
    d->end = parse_next(p);
    return true;
}
