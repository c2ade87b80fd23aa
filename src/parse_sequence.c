/*
 * parse_sequence.c — sequence NAME [options] (";" | "{" grant/comment "}").
 * The options are PostgreSQL's, in any order, each at most once.
 */
#include "parse.h"

#include <string.h>

/* A whole number, perhaps negative: the minus and the digits. */
static bool parse_number(Parser *p, const Token **out, const char *what)
{
    const Token *t = parse_cur(p);
    if (tok_op(t, "-") && parse_peek(p, 1)->kind == TK_NUMBER &&
        parse_peek(p, 1)->off == t->off + 1) {
        *out = t;
        p->pos += 2;
        return true;
    }
    if (t->kind != TK_NUMBER) {
        parse_error_expected(p, what);
        return false;
    }
    *out = parse_next(p);
    return true;
}

static bool once(Parser *p, const Token *t, bool seen)
{
    if (seen)
        diag_at(p->diag, DIAG_ERROR, t->src, t->off, t->len,
                "'%.*s' is given twice", (int)t->len, tok_text(t));
    return !seen;
}

static bool parse_option(Parser *p, Sequence *q)
{
    const Token *t = parse_cur(p);
    if (parse_accept(p, "as"))
        return once(p, t, q->type.name) &&
               parse_ident(p, &q->type, "smallint, integer or bigint");
    if (parse_accept(p, "increment")) {
        parse_accept(p, "by");
        return once(p, t, q->increment) &&
               parse_number(p, &q->increment, "the increment");
    }
    if (parse_accept(p, "start")) {
        parse_accept(p, "with");
        return once(p, t, q->start) &&
               parse_number(p, &q->start, "the start value");
    }
    if (parse_accept(p, "minvalue"))
        return once(p, t, q->minvalue || q->no_minvalue) &&
               parse_number(p, &q->minvalue, "the minimum value");
    if (parse_accept(p, "maxvalue"))
        return once(p, t, q->maxvalue || q->no_maxvalue) &&
               parse_number(p, &q->maxvalue, "the maximum value");
    if (parse_accept(p, "cache"))
        return once(p, t, q->cache) &&
               parse_number(p, &q->cache, "the number of values cached");
    if (parse_accept(p, "cycle"))
        return (q->cycle = true);
    if (parse_accept(p, "no")) {
        if (parse_accept(p, "minvalue"))
            return once(p, t, q->minvalue) && (q->no_minvalue = true);
        if (parse_accept(p, "maxvalue"))
            return once(p, t, q->maxvalue) && (q->no_maxvalue = true);
        if (parse_accept(p, "cycle"))
            return true;
        parse_error_expected(p, "minvalue, maxvalue or cycle");
        return false;
    }
    if (parse_accept(p, "owned")) {
        q->owned_tok = t;
        if (!parse_expect(p, "by"))
            return false;
        do {
            Ident *id = arena_alloc(p->arena, sizeof *id);
            if (!parse_ident(p, id, "[schema.]table.column"))
                return false;
            vec_push(p->arena, &q->owned_by, id);
        } while (q->owned_by.len < 3 && parse_accept_punct(p, '.'));
        if (q->owned_by.len < 2) {
            parse_error_expected(p, "'.' and the column");
            return false;
        }
        return true;
    }
    parse_error_expected(p, "a sequence option (as, increment, start, "
                            "minvalue, maxvalue, cache, cycle, owned by), "
                            "'{' or ';'");
    return false;
}

bool parse_sequence_head(Parser *p, Decl *d)
{
    if (!parse_qname(p, &d->name, "a sequence name"))
        return false;
    d->seq = arena_alloc(p->arena, sizeof *d->seq);
    while (!tok_punct(parse_cur(p), ';') && !tok_punct(parse_cur(p), '{'))
        if (!parse_option(p, d->seq))
            return false;
    return true;
}

/* sequence-item = grant | revoke | comment */
bool parse_sequence_item(Parser *p, Vec *items)
{
    return parse_common_item(p, items);
}
