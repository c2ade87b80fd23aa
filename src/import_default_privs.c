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
                                 import_get(D, i, "acl"),
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
