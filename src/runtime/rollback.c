/*
 * rollback.c — `rollback`: back to the schema the apply before the last
 * recorded in schemactl.history (serial.h), by the same planner and the
 * same one transaction as apply, refusing data loss unless allowed; the
 * run is recorded as a rollback.
 */
#include "commands.h"
#include "serial.h"

#include <stdlib.h>

/* The run being undone, as read before the lock was taken. */
static long undoing;

/* Under the lock, the history must still say what it said: otherwise an
 * apply ran meanwhile, and this rollback would undo another one. */
static int attempt_rollback(Ctx *c, SctlDeclared *d, SctlPlan *plan)
{
    char *err = NULL;
    SctlSchema *again = NULL;
    long undone = 0;
    if (!sctl_lock(c->conn.pg, &err))
        return cmd_fail(SCTL_APPLY_FAILED, err);
    if (sctl_history_previous(c->conn.pg, c->s->project, &again, &undone,
                              &err) != SCTL_OK)
        return cmd_fail(SCTL_APPLY_FAILED, err);
    sctl_schema_free(again);
    if (undone != undoing)
        return cmd_fail(SCTL_APPLY_FAILED, sctl_printf(
            "another apply ran meanwhile (run %ld); run rollback again",
            undone));
    return cmd_attempt_declared(c, d, plan);
}

int cmd_rollback(Ctx *c)
{
    char *err = NULL;
    SctlSchema *prev = NULL;
    int status = sctl_history_previous(c->conn.pg, c->s->project, &prev,
                                       &undoing, &err);
    if (status != SCTL_OK)
        return cmd_fail(status, err);
    printf("rollback: undoing run %ld, back to %s (%.12s)\n", undoing,
           prev->project, prev->checksum);
    Ctx r = *c;
    r.s = prev;
    r.action = "rollback";
    SctlDeclared d = {0};
    if (!sctl_declared(&r.conn, prev, &d, &err))
        status = cmd_fail(SCTL_USAGE, err);
    else
        status = cmd_transaction(&r, attempt_rollback, &d);
    c->applied = r.applied;
    sctl_declared_free(&d, prev->nobjects);
    sctl_schema_free(prev);
    return status;
}
