/*
 * sema_default_privs.c — database-wide default privileges: the role they
 * are for (declared, the platform's, or the applying role when none is
 * named) and what they grant, checked like a schema's.
 */
#include "sema.h"

#include <string.h>

void sema_default_privs(Sema *s)
{
    for (int i = 0; i < s->prog->default_privs.len; i++) {
        Item *it = s->prog->default_privs.items[i];
        Grant *g = it->u.grant;
        if (g->for_role.name) {
            Vec one = {0};
            vec_push(s->arena, &one, &g->for_role);
            sema_check_roles(s, &one);
            if (strcmp(g->for_role.name, "public") == 0)
                sema_error(s, g->for_role.tok, "default privileges are for "
                           "a role that makes objects, not for public");
        }
        sema_grant(s, g, "default");
    }
}
