/*
 * sema_common.c — what every pass of the checker calls: the key of a
 * schema-qualified name, errors and notes at a token, PostgreSQL's name
 * length, and roles that must be known.
 */
#include "sema.h"

#include <string.h>

const char *sema_key(Sema *s, const char *schema, const char *name)
{
    return arena_printf(s->arena, "%s\x1f%s", schema, name);
}

void sema_error(Sema *s, const Token *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vat(s->diag, DIAG_ERROR, t->src, t->off, t->len, fmt, ap);
    va_end(ap);
}

void sema_note(Sema *s, const Token *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vat(s->diag, DIAG_NOTE, t->src, t->off, t->len, fmt, ap);
    va_end(ap);
}

void sema_check_length(Sema *s, const Token *t, const char *name,
                       const char *what)
{
    size_t n = strlen(name);
    if (n > PG_NAME_MAX)
        sema_error(s, t, "%s name \"%s\" is %zu bytes long; PostgreSQL "
                   "keeps at most %d", what, name, n, PG_NAME_MAX);
    else if (n == 0)
        sema_error(s, t, "%s name is empty", what);
}

bool sema_role_known(Sema *s, const char *name)
{
    return strcmp(name, "public") == 0 || strncmp(name, "pg_", 3) == 0 ||
           strcmp(name, "current_user") == 0 ||
           strcmp(name, "session_user") == 0 ||
           strcmp(name, "current_role") == 0 || map_get(s->roles, name);
}

void sema_check_roles(Sema *s, const Vec *roles)
{
    for (int i = 0; i < roles->len; i++) {
        const Ident *r = roles->items[i];
        if (sema_role_known(s, r->name))
            continue;
        const char *near = sema_hint_role(s, r->name);
        if (near[0])
            sema_error(s, r->tok, "unknown role \"%s\"%s", r->name, near);
        else
            sema_error(s, r->tok, "unknown role \"%s\"; declare it with "
                       "`role %s;`%s", r->name, r->name,
                       s->prog->supabase ? "" : " or `platform supabase;`");
    }
}
