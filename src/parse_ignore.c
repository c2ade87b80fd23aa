/*
 * parse_ignore.c — `ignore table public.legacy_*;`: undeclared objects
 * that verify does not report and apply does not drop.  Syntax only;
 * sema_ignore.c checks what the patterns name.
 */
#include "parse.h"

#include <string.h>

static bool is_star(const Token *t)
{
    return t->kind == TK_OP && t->len == 1 && tok_text(t)[0] == '*';
}

/* Touching tokens: a pattern is written without spaces. */
static bool touches(const Token *a, const Token *b)
{
    return a->src == b->src && a->off + a->len == b->off;
}

/* part = (ident | "*")+, the pieces touching each other */
static const char *parse_part(Parser *p)
{
    Buf b = {0};
    const Token *prev = NULL, *t;
    while (t = parse_cur(p),
           (t->kind == TK_IDENT || t->kind == TK_QIDENT || is_star(t)) &&
           (!prev || touches(prev, t))) {
        buf_puts(&b, is_star(t) ? "*" : tok_ident(p->arena, t));
        prev = parse_next(p);
    }
    if (!prev) {
        buf_free(&b);
        parse_error_expected(p, "a name or pattern (letters and '*')");
        return NULL;
    }
    const char *out = arena_strndup(p->arena, b.data, b.len);
    buf_free(&b);
    return out;
}

/* kind = "table" | "view" | "materialized" "view" | "function" | "type"
 *      | "sequence" */
static const char *parse_kind(Parser *p)
{
    static const char *const words[] = {"table", "view", "function", "type",
                                        "sequence", NULL};
    if (parse_accept(p, "materialized")) {
        if (parse_accept(p, "view"))
            return "materialized view";
        parse_error_expected(p, "'view' after 'materialized'");
        return NULL;
    }
    for (int i = 0; words[i]; i++)
        if (parse_accept(p, words[i]))
            return words[i];
    parse_error_expected(p, "what to ignore (table, view, materialized "
                            "view, function, type or sequence)");
    return NULL;
}

/* ignore = "ignore" kind [part "."] part ";" */
bool parse_ignore(Parser *p, Program *prog, const Token *kw)
{
    Ignore *ig = arena_alloc(p->arena, sizeof *ig);
    ig->tok = kw;
    if (!(ig->word = parse_kind(p)))
        return false;
    ig->name_tok = parse_cur(p);
    const char *first = parse_part(p);
    if (!first)
        return false;
    ig->schema = "public";
    ig->name = first;
    if (parse_accept_punct(p, '.')) {
        ig->schema = first;
        if (!(ig->name = parse_part(p)))
            return false;
    }
    if (!parse_expect_punct(p, ';', NULL))
        return false;
    vec_push(p->arena, &prog->ignores, ig);
    return true;
}
