/*
 * parse_default_privs.c — database-wide default privileges, a top-level
 * statement: what objects a role makes later get, in any schema.
 */
#include "parse.h"

/* default-privs = "default" "privileges" ["for" "role" name]
 *                 (grant | revoke) */
bool parse_default_privs(Parser *p, Program *prog, const Token *kw)
{
    Item *it = arena_alloc(p->arena, sizeof *it);
    it->kind = ITEM_DEFAULT_PRIVS;
    it->tok = kw;
    it->u.grant = arena_alloc(p->arena, sizeof(Grant));
    if (!parse_expect(p, "privileges"))
        return false;
    if (parse_accept(p, "for") &&
        (!parse_expect(p, "role") ||
         !parse_ident(p, &it->u.grant->for_role, "a role name")))
        return false;
    if (!tok_is(parse_cur(p), "grant") && !tok_is(parse_cur(p), "revoke")) {
        parse_error_expected(p, "grant or revoke");
        return false;
    }
    if (!parse_default_grant(p, it->u.grant))
        return false;
    vec_push(p->arena, &prog->default_privs, it);
    return true;
}
