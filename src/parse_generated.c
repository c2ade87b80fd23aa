/*
 * parse_generated.c — the table items that stand for generated code:
 * `audit;`, `transitions`, `retain` and `partitions`.  Parsing only keeps
 * what was written; sema_generate.c turns them into triggers, functions
 * and partitions.
 */
#include "parse.h"

#include <errno.h>
#include <stdlib.h>

/* audit = "audit" ";" */
static bool parse_audit(Parser *p, Vec *items)
{
    Item *it = parse_new_item(p, ITEM_AUDIT, parse_next(p));
    vec_push(p->arena, items, it);
    return parse_expect_punct(p, ';', "audit");
}

static bool parse_value(Parser *p, const Token **out)
{
    const Token *t = parse_cur(p);
    if (t->kind != TK_STRING) {
        parse_error_expected(p, "a value in single quotes");
        return false;
    }
    *out = parse_next(p);
    return true;
}

/* rule = value "->" value ("," value)* ";" */
static bool parse_rule(Parser *p, Transitions *tr)
{
    TransitionRule *r = arena_alloc(p->arena, sizeof *r);
    if (!parse_value(p, &r->from))
        return false;
    if (!tok_op(parse_cur(p), "->")) {
        parse_error_expected(p, "'->'");
        return false;
    }
    p->pos++;
    do {
        const Token *to;
        if (!parse_value(p, &to))
            return false;
        vec_push(p->arena, &r->to, (void *)to);
    } while (parse_accept_punct(p, ','));
    vec_push(p->arena, &tr->rules, r);
    return parse_expect_punct(p, ';', "the allowed values");
}

/* transitions = "transitions" ident "{" rule* "}" */
static bool parse_transitions(Parser *p, Vec *items)
{
    Transitions *tr = arena_alloc(p->arena, sizeof *tr);
    tr->tok = parse_next(p);
    if (!parse_ident(p, &tr->column, "the status column") ||
        !parse_expect_punct(p, '{', "the column"))
        return false;
    while (!tok_punct(parse_cur(p), '}')) {
        if (parse_cur(p)->kind == TK_EOF) {
            parse_error_expected(p, "'}'");
            return false;
        }
        if (!parse_rule(p, tr)) {
            /* reported; skip the rest of the block, not the next item */
            while (parse_cur(p)->kind != TK_EOF &&
                   !tok_punct(parse_cur(p), '}'))
                p->pos++;
            parse_accept_punct(p, '}');
            return true;
        }
    }
    p->pos++;
    if (tr->rules.len == 0) {
        diag_at(p->diag, DIAG_ERROR, tr->tok->src, tr->tok->off,
                tr->tok->len, "transitions of \"%s\" list no change; write "
                "at least one 'from' -> 'to';", tr->column.name);
        return false;
    }
    Item *it = parse_new_item(p, ITEM_TRANSITIONS, tr->tok);
    it->u.transitions = tr;
    vec_push(p->arena, items, it);
    parse_accept_punct(p, ';');  /* a closing brace may end it alone */
    return true;
}

/* retain = "retain" number "days" "by" ident ";" */
static bool parse_retain(Parser *p, Vec *items)
{
    Retain *r = arena_alloc(p->arena, sizeof *r);
    r->tok = parse_next(p);
    const Token *n = parse_cur(p);
    if (n->kind != TK_NUMBER) {
        parse_error_expected(p, "a number of days");
        return false;
    }
    errno = 0;
    char *end;
    r->days = strtol(tok_text(n), &end, 10);
    if (errno || end != tok_text(n) + n->len || r->days < 1 ||
        r->days > 1000000) {
        diag_at(p->diag, DIAG_ERROR, n->src, n->off, n->len,
                "retain needs a whole number of days from 1 to 1000000");
        return false;
    }
    r->count = parse_next(p);
    if (!parse_accept(p, "day") && !parse_expect(p, "days"))
        return false;
    if (!parse_expect(p, "by") ||
        !parse_ident(p, &r->column, "the column that dates each row"))
        return false;
    Item *it = parse_new_item(p, ITEM_RETAIN, r->tok);
    it->u.retain = r;
    vec_push(p->arena, items, it);
    return parse_expect_punct(p, ';', "the retention");
}

/* partitions = "partitions" ident "from" string "to" string ";" */
static bool parse_partitions(Parser *p, Vec *items)
{
    Partitions *ps = arena_alloc(p->arena, sizeof *ps);
    ps->tok = parse_next(p);
    if (!parse_ident(p, &ps->every, "monthly") ||
        !parse_expect(p, "from") || !parse_value(p, &ps->from) ||
        !parse_expect(p, "to") || !parse_value(p, &ps->to))
        return false;
    Item *it = parse_new_item(p, ITEM_PARTITIONS, ps->tok);
    it->u.partitions = ps;
    vec_push(p->arena, items, it);
    return parse_expect_punct(p, ';', "the last month");
}

bool parse_starts_generated_item(Parser *p)
{
    const Token *t = parse_cur(p), *n = parse_peek(p, 1);
    if (tok_is(t, "audit"))
        return tok_punct(n, ';');
    if (tok_is(t, "transitions"))
        return (n->kind == TK_IDENT || n->kind == TK_QIDENT) &&
               tok_punct(parse_peek(p, 2), '{');
    if (tok_is(t, "retain"))
        return n->kind == TK_NUMBER;
    if (tok_is(t, "partitions"))
        return n->kind == TK_IDENT && tok_is(parse_peek(p, 2), "from");
    return false;
}

bool parse_generated_item(Parser *p, Vec *items)
{
    const Token *t = parse_cur(p);
    if (tok_is(t, "audit"))
        return parse_audit(p, items);
    if (tok_is(t, "transitions"))
        return parse_transitions(p, items);
    if (tok_is(t, "retain"))
        return parse_retain(p, items);
    return parse_partitions(p, items);
}
