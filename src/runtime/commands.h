/*
 * commands.h — what the command files of the runtime share (main.c,
 * commands.c, apply.c): the state of one invocation and the commands.
 * Not part of the runtime's interface (schemactl.h).
 */
#ifndef SCTL_COMMANDS_H
#define SCTL_COMMANDS_H

#include "diag_doc.h"
#include "schemactl.h"

typedef struct Ctx {
    const SctlSchema *s;
    SctlConn conn;
    bool allow_data_loss;
    bool install_shim;
    bool shim_pending;  /* the stand-in goes in apply's own transaction */
    bool online;            /* --online: concurrent builds after commit */
    int lock_timeout_ms;    /* --lock-timeout, 0: none */
    int statement_timeout_ms; /* --statement-timeout, 0: none */
    int applied;        /* objects made or repaired by apply */
    int verified;       /* objects compared by verify */
    int drifted;        /* of those, how many differ */
    bool did_apply, did_verify;
    bool committed_first;   /* apply committed new enum labels already */
    bool without_rows;      /* planning on a server that has none of the
                               rows (migration): no row checks */
    SctlPlan renames;   /* the last comparison's renames (renames.c) */
    const char *action;  /* what history records: "apply" (NULL) or
                            "rollback" */
    DocFormat format;    /* verify --format: DOC_TEXT, or one document */
    int unchanged;       /* the last comparison found the catalog as a
                            clean one left it (fastpath.c): the objects
                            that one checked; else -1 */
} Ctx;

/* The executable's name, for the start of its messages. */
extern const char *sctl_progname;
/* --timing was given. */
extern bool sctl_timing;
/* --color: findings (missing, drift, FAIL, PASS) in ANSI colors. */
extern bool sctl_color;

/* code (an ANSI color, or the reset) when colors are on, else "". */
const char *cmd_ansi(const char *code);

/* --timing: how long the phase that ends now took, on stderr. */
void cmd_phase(const char *what);
/* Prints "NAME: err" (err freed) and returns status. */
int cmd_fail(int status, char *err);
/*
 * The live catalog read and compared with the declaration.  The declared
 * state is loaded here when the catalog must be read (d->keys NULL: not
 * yet), not when it is as a clean comparison left it: then c->unchanged
 * is set, *live is d's facets if loaded, else NULL, and there is nothing
 * to do.  In a transaction (where no scratch database can be made) an
 * unloaded state returns CMD_RETRY_DECLARED instead of reading: the
 * caller ends the transaction, loads it (cmd_declared_load), and again.
 */
int cmd_compare(Ctx *c, SctlDeclared *d, SctlFacets **live,
                SctlDiffs *diffs);
enum { CMD_RETRY_DECLARED = -2 };
/* d loaded unless it is already (normal.c's cache, else scratch). */
bool cmd_declared_load(Ctx *c, SctlDeclared *d, char **err);
/* Whether planning live against d would do nothing (with no dependents:
 * nothing is dropped). */
bool cmd_nothing_to_do(Ctx *c, const SctlDeclared *d,
                       const SctlFacets *live, const SctlDiffs *diffs);
/* report -o DIR (report.c). */
int cmd_report(Ctx *c, SctlDeclared *d, const char *dir);
/* The plan from the comparison: reads what depends on what, plans. */
int cmd_make_plan(Ctx *c, const SctlDeclared *d, const SctlFacets *live,
                  const SctlDiffs *diffs, SctlPlan *plan);
/* Defaults of --lock-timeout and --statement-timeout (ms). */
#define CMD_LOCK_TIMEOUT_MS 5000
#define CMD_STATEMENT_TIMEOUT_MS 600000

/* Declared objects the declared state holds (what verify counts). */
int cmd_declared_count(SctlDeclared *d, int n);
/* Prints an `exposed:` line per privilege on schemactl's own objects
 * held by anyone but the owner (tool_grants.c); how many, or -1 and *err. */
int sctl_tool_grants_print(PGconn *conn, FILE *out, char **err);

/* renames.c: the renames the live catalog calls for, into c->renames;
 * any pending are run (in apply's transaction, else in one rolled back)
 * and *live is read again.  SCTL_OK, or the status of a failure. */
int cmd_renames(Ctx *c, SctlFacets **live);
/* Appends c->renames to plan, marked done (they ran before the
 * comparison); refusals stay refusals. */
void cmd_renames_into(const Ctx *c, SctlPlan *plan);
/* verify's lines for c->renames; returns how many. */
int cmd_renames_print(const Ctx *c, FILE *out);

/* verify_format.c: verify's differences and renames as one document in
 * c->format (JSON, SARIF, GitHub commands), each at its `.schema` line. */
void cmd_verify_document(const Ctx *c, const SctlDiffs *diffs, FILE *out);
/* --format=F or --format F into *f; false if argv[*i] is neither (*ok
 * false, message said, for a format not known). */
bool cmd_format_option(int argc, char **argv, int *i, DocFormat *f, bool *ok);
/* SCTL_USAGE, said, when a --format other than text is given with any
 * command but a lone verify. */
int cmd_format_check(const Ctx *c, const char *const *commands, int n);

/* Each command loads d, the declared state, when it needs it (and may
 * never: cmd_compare); d->keys NULL until then. */
int cmd_verify(Ctx *c, SctlDeclared *d);
/* The access tests, on a database that holds the schema: its last
 * recorded apply was of this schema (by checksum, whatever executable
 * ran it), or verify is clean (whoever made it); else SCTL_USAGE, saying
 * how many objects differ. */
int cmd_test(Ctx *c, SctlDeclared *d);
int cmd_plan(Ctx *c, SctlDeclared *d);
int cmd_status(Ctx *c, SctlDeclared *d);
int cmd_apply(Ctx *c, SctlDeclared *d);

/* apply.c, for rollback and migration: */
/* Prints each step that cannot run, or would lose data unasked; true if
 * any. */
bool cmd_refused(const Ctx *c, const SctlPlan *p);
typedef int (*CmdAttempt)(Ctx *c, SctlDeclared *d, SctlPlan *plan);
/* BEGIN, attempt, COMMIT or ROLLBACK, then the steps after the commit. */
int cmd_transaction(Ctx *c, CmdAttempt attempt, SctlDeclared *d);
/* The usual attempt: under the lock, live state read, planned, run and
 * recorded. */
int cmd_attempt_declared(Ctx *c, SctlDeclared *d, SctlPlan *plan);

/* migration.c: the migration from the schema in base_sql (canonical SQL
 * of another version) to this one, worked out on this (throwaway)
 * server, printed to stdout. */
int cmd_migration(Ctx *c, const char *base_sql);
/* rollback.c: back to the schema the apply before the last recorded. */
int cmd_rollback(Ctx *c);

#endif
