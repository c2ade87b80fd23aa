/*
 * commands.h — what the command files of the runtime share (main.c,
 * commands.c, apply.c): the state of one invocation and the commands.
 * Not part of the runtime's interface (schemactl.h).
 */
#ifndef SCTL_COMMANDS_H
#define SCTL_COMMANDS_H

#include "schemactl.h"

typedef struct Ctx {
    const SctlSchema *s;
    SctlConn conn;
    bool allow_data_loss;
    bool install_shim;
    bool online;            /* --online: concurrent builds after commit */
    int lock_timeout_ms;    /* --lock-timeout, 0: none */
    int statement_timeout_ms; /* --statement-timeout, 0: none */
    int applied;        /* objects made or repaired by apply */
    int verified;       /* objects compared by verify */
    int drifted;        /* of those, how many differ */
    bool did_apply, did_verify;
    bool committed_first;   /* apply committed new enum labels already */
} Ctx;

/* The executable's name, for the start of its messages. */
extern const char *sctl_progname;
/* --timing was given. */
extern bool sctl_timing;

/* --timing: how long the phase that ends now took, on stderr. */
void cmd_phase(const char *what);
/* Prints "NAME: err" (err freed) and returns status. */
int cmd_fail(int status, char *err);
/* The live catalog read and compared with the declaration. */
int cmd_compare(Ctx *c, const SctlDeclared *d, SctlFacets **live,
                SctlDiffs *diffs);
/* report -o DIR (report.c). */
int cmd_report(Ctx *c, const SctlDeclared *d, const char *dir);
/* The plan from the comparison: reads what depends on what, plans. */
int cmd_make_plan(Ctx *c, const SctlDeclared *d, const SctlFacets *live,
                  const SctlDiffs *diffs, SctlPlan *plan);
/* Defaults of --lock-timeout and --statement-timeout (ms). */
#define CMD_LOCK_TIMEOUT_MS 5000
#define CMD_STATEMENT_TIMEOUT_MS 600000

/* Declared objects the declared state holds (what verify counts). */
int cmd_declared_count(const SctlDeclared *d, int n);

int cmd_verify(Ctx *c, const SctlDeclared *d);
int cmd_plan(Ctx *c, const SctlDeclared *d);
int cmd_status(Ctx *c, const SctlDeclared *d);
/* *have: whether d holds the declared state (apply may make it). */
int cmd_apply(Ctx *c, SctlDeclared *d, bool *have);

#endif
