/*
 * plan_undeclared.c — the drops of objects the schema does not declare
 * (undeclared.c found them and put them in drop order).  Those nothing
 * declared depends on go first of all, so nothing the plan changes later
 * trips over them; those a declared object still depends on go last,
 * once the plan has changed that object.  Dropping a table loses its
 * rows: it needs --allow-data-loss, as dropping a column does.
 */
#include "plan.h"

static void drop(State *st, const SctlUndeclared *u)
{
    const char *s = u->schema, *n = u->name;
    switch (u->letter) {
    case 'r':
    case 'p': SHAPE(st, -1, SCTL_SHAPE_DROP_TABLE, s, n)->data_loss = true;
        break;
    case 'v': SHAPE(st, -1, SCTL_SHAPE_DROP_VIEW, s, n); break;
    case 'm': SHAPE(st, -1, SCTL_SHAPE_DROP_MATVIEW, s, n); break;
    case 'S': SHAPE(st, -1, SCTL_SHAPE_DROP_SEQUENCE, s, n); break;
    case 'f':
    case 'P': SHAPE(st, -1, SCTL_SHAPE_DROP_ROUTINE, u->signature); break;
    case 'd': SHAPE(st, -1, SCTL_SHAPE_DROP_DOMAIN, s, n); break;
    default: SHAPE(st, -1, SCTL_SHAPE_DROP_TYPE, s, n); break;
    }
}

void plan_undeclared(State *st, const SctlUndeclaredList *l, bool late)
{
    for (int i = 0; l && i < l->len; i++) {
        const SctlUndeclared *u = &l->items[i];
        if (u->late != late || (u->key && plan_gone(st, u->key)))
            continue;
        drop(st, u);
    }
}
