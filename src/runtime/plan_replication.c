/*
 * plan_replication.c — repairs of publications and replica identities.
 *
 * A publication's tables are objects of their own (added, or dropped and
 * added again when their columns or filter changed: plan.c); here only
 * what the publication itself publishes.  A replica identity is set by
 * its table's canonical statement, run again when the table has another;
 * so is a sequence's owner.  A sequence's other options are all set
 * again, as sema spelt them out.
 */
#include "plan.h"

#include <string.h>

void plan_publication(State *st, int i)
{
    if (differs(st, i, "all_tables")) {
        add(st, -1, NULL, i)->why = sctl_xstrdup(
            "a publication for all tables cannot become one of listed "
            "tables, or back, in place");
        return;
    }
    if (differs(st, i, "publish"))
        SHAPE(st, i, SCTL_SHAPE_SET_PUBLISH, obj(st, i)->name,
              sctl_field(decl_of(st, i), "publish"));
}

static bool sets_replica(const char *sql)
{
    return strstr(sql, " REPLICA IDENTITY ") != NULL;
}

#define NOT_DECLARED "rows not declared"

bool plan_rows_differ(State *st, int i)
{
    const SctlFacet *d = decl_of(st, i);
    for (int k = 0; d && k < d->nfields; k++)
        if (strcmp(d->fields[k].name, NOT_DECLARED) != 0 &&
            differs(st, i, d->fields[k].name))
            return true;
    return false;
}

bool plan_switch_again(State *st, int k, int i)
{
    if (obj(st, i)->kind == SCTL_K_ROWS)
        return differs(st, i, NOT_DECLARED);
    if (obj(st, i)->kind == SCTL_K_SEQUENCE)
        return differs(st, i, "owned_by");
    return obj(st, i)->kind == SCTL_K_TABLE &&
           sets_replica(st->s->statements[k].sql) &&
           differs(st, i, "replica_identity");
}

/* Every option but its owner (its own statement), grants and comment. */
void plan_sequence(State *st, int i)
{
    static const char *const options[] = {"type", "increment", "minvalue",
        "maxvalue", "start", "cache", "cycle", NULL};
    const SctlObject *o = obj(st, i);
    for (int k = 0; options[k]; k++)
        if (differs(st, i, options[k]) && o->type) {
            SHAPE(st, i, SCTL_SHAPE_ALTER_SEQUENCE, o->schema, o->name,
                  o->type);
            return;
        }
}

/* Declared tables whose replica identity no statement sets. */
void plan_replica_default(State *st, int i)
{
    if (!differs(st, i, "replica_identity") ||
        !sctl_same(sctl_field(decl_of(st, i), "replica_identity"),
                   "default"))
        return;
    for (int k = 0; k < st->s->nstatements; k++)
        if (st->s->statements[k].object == i &&
            st->s->statements[k].role == SCTL_STMT_SWITCH &&
            sets_replica(st->s->statements[k].sql))
            return;  /* `replica identity default;`: its statement runs */
    SHAPE(st, i, SCTL_SHAPE_REPLICA_DEFAULT, obj(st, i)->schema,
          obj(st, i)->name);
}
