/*
 * sema_expand.c — the first pass: every declaration the program stands
 * for, before any name is registered.  Templates are pasted into the
 * tables that use them; the audit log gets its columns and its function;
 * audit, transitions, retain and partitions items become the triggers,
 * functions and partitions they stand for.  Registration and every check
 * then see the whole list, generated declarations included.
 */
#include "sema.h"

/* Templates by name, the first declared of each: a second is reported
 * as a duplicate at registration. */
static void index_templates(Sema *s)
{
    for (int i = 0; i < s->prog->decls.len; i++) {
        Decl *d = s->prog->decls.items[i];
        if (d->kind == DECL_TEMPLATE && !map_get(s->templates, d->name.name))
            map_put(s->templates, d->name.name, d);
    }
}

void sema_expand(Sema *s)
{
    Vec *decls = &s->prog->decls;
    for (int i = 0; i < decls->len; i++)
        sema_decl_schema(decls->items[i]);
    index_templates(s);
    sema_generate_audit_log(s);
    for (int i = 0; i < decls->len; i++)
        if (((Decl *)decls->items[i])->kind == DECL_TABLE)
            sema_expand_templates(s, decls->items[i]);
    int ndecls = decls->len;  /* generated ones come after, complete */
    for (int i = 0; i < ndecls; i++)
        if (((Decl *)decls->items[i])->kind == DECL_TABLE)
            sema_generate_items(s, decls->items[i]);
}
