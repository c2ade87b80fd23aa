/*
 * parse_renamed.c — `renamed from OLD`, written after the new name of a
 * table, column, index, constraint, policy, view or function, and after
 * an enum label.  It says that the object already exists under OLD; the
 * executable renames it instead of making it (docs/language.md).
 */
#include "parse.h"

bool parse_renamed(Parser *p, Ident *out, bool string_ok)
{
    if (!tok_is(parse_cur(p), "renamed") ||
        !tok_is(parse_peek(p, 1), "from"))
        return true;
    p->pos += 2;
    const Token *t = parse_cur(p);
    if (string_ok && t->kind == TK_STRING) {
        out->tok = parse_next(p);
        out->name = tok_string(p->arena, t);
        return true;
    }
    if (!parse_ident(p, out, string_ok ? "the old name" :
                     "the old name (unqualified)"))
        return false;
    if (tok_punct(parse_cur(p), '.')) {
        parse_error_expected(p, "the old name without a schema (a "
                                "rename stays in its schema)");
        return false;
    }
    return true;
}
