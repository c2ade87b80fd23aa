/*
 * import_default_privs.c — database-wide default privileges (ALTER
 * DEFAULT PRIVILEGES without IN SCHEMA) as top-level `default privileges
 * [for role R] grant|revoke ... on KIND ...;` in project.schema.  Such an
 * entry replaces PostgreSQL's built-in default for the role and kind, so
 * its items are what makes the entry from that default.  A schema's own
 * are written in the schema (import_objects.c).
 */
#include "import.h"

#include <string.h>

static const char *kind_word(char kind)
{
    switch (kind) {
    case 'r': return "tables";
    case 'S': return "sequences";
    case 'f': return "functions";
    case 'T': return "types";
    case 'n': return "schemas";
    default: return NULL;
    }
}

/* acl with the owner's entry first.  PostgreSQL may keep a grantee
 * before it (ALTER DEFAULT PRIVILEGES FOR ROLE puts the new grantee
 * first), but the grants made again make the same entry, so only the
 * owner's place is read. */
static const char *owner_first(Arena *a, const char *acl, const char *owner)
{
    ImportAcl *e;
    int n = import_acl_parse(a, acl, &e);
    int at = -1;
    for (int i = 0; i < n && at < 0; i++)
        if (strcmp(e[i].grantee, owner) == 0)
            at = i;
    if (at <= 0)
        return acl;
    /* the entries' text as they are, split at the commas between them */
    Vec items = {0};
    const char *p = acl + (*acl == '{');
    while (*p && *p != '}') {
        const char *q = p;
        bool quoted = false;
        for (; *q && (quoted || (*q != ',' && *q != '}')); q++)
            if (*q == '"')
                quoted = !quoted;
        vec_push(a, &items, arena_strndup(a, p, (size_t)(q - p)));
        p = q + (*q == ',');
    }
    if (items.len != n)
        return acl;
    Buf b = {0};
    buf_putc(&b, '{');
    buf_puts(&b, items.items[at]);
    for (int i = 0; i < n; i++)
        if (i != at)
            buf_printf(&b, ",%s", (char *)items.items[i]);
    buf_putc(&b, '}');
    char *s = arena_strdup(a, b.data);
    buf_free(&b);
    return s;
}

void import_write_default_privs(ImportOut *o)
{
    const ImportRows *D = &o->db->rows[IMP_DEFAULT_PRIVS];
    Buf items = {0};
    for (int i = 0; i < D->n && !o->error; i++) {
        const char *role = import_get(D, i, "role");
        const char *on = kind_word(import_get(D, i, "kind")[0]);
        if (!on) {
            import_fail(o, "default privileges of role %s: a kind of object "
                        "the language does not have", role);
            break;
        }
        Buf prefix = {0};
        buf_puts(&prefix, "default privileges ");
        if (strcmp(role, o->db->user) != 0) {
            buf_puts(&prefix, "for role ");
            import_role(o, &prefix, role);
            buf_putc(&prefix, ' ');
        }
        char *why = NULL;
        if (!import_acl_items_on(&items, o->arena, prefix.data,
                                 owner_first(o->arena,
                                             import_get(D, i, "acl"), role),
                                 import_get(D, i, "default_acl"), on, &why))
            import_fail(o, "database-wide default privileges of role %s on "
                        "%s: %s", role, on, why);
        buf_free(&prefix);
        ImportAcl *e;
        int n = import_acl_parse(o->arena, import_get(D, i, "acl"), &e);
        for (int k = 0; k < n; k++)
            import_note_role(o, e[k].grantee);
    }
    if (items.len && !o->error) {
        Buf *b = &import_file(o, "project")->text;
        buf_putc(b, '\n');
        buf_put(b, items.data, items.len);
    }
    buf_free(&items);
}
