/*
 * apply.c — bringing the database to the declared state: one
 * transaction under the advisory lock, the planned steps run in order,
 * the run recorded in history and the normal forms cached; then the
 * indexes built concurrently, which cannot run in a transaction.
 *
 * Statements run through libpq on ECPG's own connection, as they are:
 * ECPG's EXECUTE IMMEDIATE refuses a statement that holds `$1` outside
 * single quotes (an SQL function's body, a comment), so it cannot carry
 * every statement byte for byte.
 */
#include "commands.h"

#include <stdlib.h>
#include <string.h>

bool cmd_refused(const Ctx *c, const SctlPlan *p)
{
    bool any = false;
    for (int i = 0; i < p->len; i++) {
        const SctlStep *st = &p->steps[i];
        if (!st->why && !(st->data_loss && !c->allow_data_loss))
            continue;
        const SctlObject *o = st->object >= 0 ? &c->s->objects[st->object]
                                              : NULL;
        fprintf(stderr, "%s: refusing: %s%s%s%s", sctl_progname,
                st->why ? st->why : sctl_step_sql(c->s, st),
                st->why ? "" : " (loses data; --allow-data-loss permits it)",
                st->note ? ": " : "", st->note ? st->note : "");
        if (o)
            fprintf(stderr, " -- %s:%d", sctl_file(c->s, o->file), o->line);
        else
            fputs(" -- not declared", stderr);
        fputc('\n', stderr);
        any = true;
    }
    return any;
}

/* The server's message, with its detail and hint, as indented lines. */
static void print_error(const PGresult *r, PGconn *conn)
{
    const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)
                        : NULL;
    const char *detail = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL)
                           : NULL;
    const char *hint = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_HINT)
                         : NULL;
    if (!msg)
        msg = PQerrorMessage(conn);
    fprintf(stderr, "%s: apply failed: %.*s\n", sctl_progname,
            (int)strcspn(msg, "\n"), msg);
    if (detail)
        fprintf(stderr, "  detail: %.*s\n", (int)strcspn(detail, "\n"),
                detail);
    if (hint)
        fprintf(stderr, "  hint: %.*s\n", (int)strcspn(hint, "\n"), hint);
}

static bool has_phase(const SctlPlan *p, SctlPhase ph)
{
    for (int i = 0; i < p->len; i++)
        if (sctl_step_phase(&p->steps[i]) == ph)
            return true;
    return false;
}

/* What a failed statement gets: the server's words, the statement, and
 * where its object is declared. */
static int step_failed(Ctx *c, const SctlStep *st, const char *sql,
                       PGresult *r)
{
    print_error(r, c->conn.pg);
    fprintf(stderr, "  statement: %s\n", sql);
    if (st->object >= 0) {
        const SctlObject *o = sctl_failed_object(c->s, st->object, sql, r);
        fprintf(stderr, "  declared at %s:%d:%d\n",
                sctl_file(c->s, o->file), o->line, o->col);
    }
    PQclear(r);
    return SCTL_APPLY_FAILED;
}

static int run_steps(Ctx *c, const SctlPlan *p, SctlPhase phase)
{
    for (int i = 0; i < p->len; i++) {
        const SctlStep *st = &p->steps[i];
        if (sctl_step_phase(st) != phase || st->done)
            continue;
        const char *sql = sctl_step_sql(c->s, st);
        PGresult *r = PQexec(c->conn.pg, sql);
        ExecStatusType rs = PQresultStatus(r);
        if (rs != PGRES_COMMAND_OK && rs != PGRES_TUPLES_OK)
            return step_failed(c, st, sql, r);
        PQclear(r);
    }
    return SCTL_OK;
}

/*
 * The canonical statements of a fresh apply, sent in batches without
 * waiting for each result (libpq's pipeline mode): psql waits for each,
 * and at 1,000 tables that wait was a fifth of its time.  A batch is small
 * enough that neither side's socket buffer fills while the other writes.
 * After a failure the server skips the rest of its batch (aborted), and
 * no further batch is sent.
 */
#define PIPELINE_BATCH 256

/* The results of steps from..to, then the batch's sync. */
static int collect(Ctx *c, const SctlPlan *p, int from, int to)
{
    PGconn *pg = c->conn.pg;
    int status = SCTL_OK;
    for (int i = from; i < to; i++) {
        PGresult *r = PQgetResult(pg);
        ExecStatusType rs = PQresultStatus(r);
        if (status == SCTL_OK && rs != PGRES_COMMAND_OK &&
            rs != PGRES_TUPLES_OK && rs != PGRES_PIPELINE_ABORTED)
            status = step_failed(c, &p->steps[i],
                                 sctl_step_sql(c->s, &p->steps[i]), r);
        else
            PQclear(r);
        while ((r = PQgetResult(pg)) != NULL)   /* the end of step i's */
            PQclear(r);
    }
    PGresult *r = PQgetResult(pg);
    if (status == SCTL_OK && PQresultStatus(r) != PGRES_PIPELINE_SYNC)
        status = step_failed(c, &p->steps[to - 1],
                             sctl_step_sql(c->s, &p->steps[to - 1]), r);
    else
        PQclear(r);
    return status;
}

static int run_fresh_steps(Ctx *c, const SctlPlan *p)
{
    PGconn *pg = c->conn.pg;
    if (!PQenterPipelineMode(pg))
        return run_steps(c, p, SCTL_PHASE_MAIN);
    int status = SCTL_OK;
    for (int from = 0; status == SCTL_OK && from < p->len;
         from += PIPELINE_BATCH) {
        int to = from + PIPELINE_BATCH < p->len ? from + PIPELINE_BATCH
                                                : p->len;
        int sent = from;
        while (sent < to && PQsendQueryParams(pg, sctl_step_sql(c->s,
                   &p->steps[sent]), 0, NULL, NULL, NULL, NULL, 0))
            sent++;
        if (!PQpipelineSync(pg) || sent < to) {
            status = step_failed(c, &p->steps[sent < to ? sent : to - 1],
                                 sctl_step_sql(c->s, &p->steps[sent < to
                                               ? sent : to - 1]), NULL);
            break;
        }
        status = collect(c, p, from, to);
    }
    PQexitPipelineMode(pg);
    return status;
}

/* Declared objects that were missing or differed, and the undeclared ones
 * of declared tables (a column, an index) it drops: what apply changes. */
static int changed_objects(const SctlSchema *s, const SctlDeclared *d,
                           const SctlFacets *live, const SctlDiffs *diffs)
{
    char *changed = sctl_xcalloc((size_t)s->nobjects + 1, 1);
    int n = 0;
    for (int i = 0; i < diffs->len; i++)
        if (diffs->items[i].object >= 0)
            changed[diffs->items[i].object] = 1;
        else
            n++;
    for (int i = 0; i < s->nobjects; i++) {
        if (!sctl_facet(d->facets, d->keys[i]))
            continue;
        n += changed[i] || !sctl_facet(live, d->keys[i]);
    }
    free(changed);
    return n + diffs->undeclared.len;
}

/* Objects renamed (before the comparison) that differ in nothing else:
 * changed too, though the diff does not see them. */
static int renamed_only(const Ctx *c, const SctlDiffs *diffs)
{
    int n = 0;
    for (int i = 0; i < c->renames.len; i++) {
        bool differs = c->renames.steps[i].why != NULL;
        for (int k = 0; !differs && k < diffs->len; k++)
            differs = diffs->items[k].object == c->renames.steps[i].object;
        n += !differs;
    }
    return n;
}

static bool record(Ctx *c, const SctlDeclared *d, int changes, char **err)
{
    return sctl_history_record(c->conn.pg, c->s,
                               c->action ? c->action : "apply", changes,
                               err) &&
           sctl_declared_store(c->conn.pg, c->s, d, err);
}

/* The schemactl lock, waited for as long as another apply takes; then
 * the timeouts again for the application's locks. */
static bool take_lock(Ctx *c, char **err)
{
    return sctl_exec(c->conn.pg, "SET LOCAL lock_timeout = 0", "apply",
                     err) &&
           sctl_lock(c->conn.pg, err) &&
           sctl_set_timeouts(c->conn.pg, c->lock_timeout_ms,
                             c->statement_timeout_ms, err);
}

/* After the commit, concurrent builds wait for the lock as long as any
 * statement may, and may take as long as they need: they hold only SHARE
 * UPDATE EXCLUSIVE. */
static int after_commit(Ctx *c, const SctlPlan *p)
{
    char *err = NULL;
    bool any = false;
    for (int i = 0; i < p->len; i++)
        any = any || p->steps[i].after_commit;
    if (!any)
        return SCTL_OK;
    if (!sctl_set_timeouts(c->conn.pg, c->lock_timeout_ms, 0, &err))
        return cmd_fail(SCTL_APPLY_FAILED, err);
    int status = run_steps(c, p, SCTL_PHASE_AFTER);
    sctl_exec(c->conn.pg, "RESET lock_timeout; RESET statement_timeout",
              NULL, NULL);
    if (status != SCTL_OK)
        fprintf(stderr, "%s: the transaction was committed; what failed "
                "after it is left for the next apply (verify names it)\n",
                sctl_progname);
    return status;
}

/* The usual apply: declared state known, live state read under the lock,
 * differences planned and run. */
int cmd_attempt_declared(Ctx *c, SctlDeclared *d, SctlPlan *plan)
{
    char *err = NULL;
    SctlFacets *live;
    SctlDiffs diffs;
    if (!take_lock(c, &err) ||
        !sctl_history_ensure(c->conn.pg, &err))
        return cmd_fail(SCTL_APPLY_FAILED, err);
    int status = cmd_compare(c, d, &live, &diffs);
    if (status != SCTL_OK)
        return status == CMD_RETRY_DECLARED ? status : SCTL_APPLY_FAILED;
    if (c->unchanged >= 0) {     /* nothing to do: the run is recorded */
        c->applied = 0;
        sctl_facets_free(live);
        return record(c, d, 0, &err) ? SCTL_OK
                                     : cmd_fail(SCTL_APPLY_FAILED, err);
    }
    status = cmd_make_plan(c, d, live, &diffs, plan);
    if (status != SCTL_OK) {
        sctl_diffs_free(&diffs);
        sctl_facets_free(live);
        return SCTL_APPLY_FAILED;
    }
    c->applied = changed_objects(c->s, d, live, &diffs) +
                 renamed_only(c, &diffs);
    sctl_diffs_free(&diffs);
    sctl_facets_free(live);
    if (cmd_refused(c, plan))
        return SCTL_APPLY_FAILED;
    if (has_phase(plan, SCTL_PHASE_FIRST)) {
        /* new enum labels, committed so that the rest may use them */
        status = run_steps(c, plan, SCTL_PHASE_FIRST);
        if (status != SCTL_OK)
            return status;
        if (!sctl_exec(c->conn.pg, "COMMIT", "apply", &err) ||
            !sctl_exec(c->conn.pg, "BEGIN", "apply", &err) ||
            !take_lock(c, &err))
            return cmd_fail(SCTL_APPLY_FAILED, err);
        c->committed_first = true;
    }
    status = run_steps(c, plan, SCTL_PHASE_MAIN);
    if (status == SCTL_OK && !record(c, d, plan->len, &err))
        return cmd_fail(SCTL_APPLY_FAILED, err);
    return status;
}

/*
 * A database holding none of the declared schemas, relations, types or
 * functions (roles and extensions may exist: they are made only if
 * missing).  Then apply is the canonical statements in order, and what
 * they made is the declared state in PostgreSQL's words: read back and
 * cached, with no scratch database.
 */
static bool fresh(const SctlSchema *s, const SctlFacets *live)
{
    for (int i = 0; i < s->nobjects; i++) {
        const SctlObject *o = &s->objects[i];
        if (o->kind == SCTL_K_ROLE || o->kind == SCTL_K_EXTENSION ||
            (o->kind == SCTL_K_SCHEMA && strcmp(o->name, "public") == 0))
            continue;
        char *key = sctl_object_key(o);
        bool there = sctl_facet(live, key) != NULL;
        free(key);
        if (there)
            return false;
    }
    return !sctl_has_function_named(s, live) && !sctl_renames_any(s, live);
}

/* A declared schema other than public that is there (and not an
 * extension's: the reader would not see it) settles that the database is
 * not fresh without reading the whole catalog, which on an up-to-date
 * database of 10,000 tables took seconds. */
static bool declared_schema_there(Ctx *c)
{
    SctlBuf names = {0};
    sctl_buf_puts(&names, "{");
    for (int i = 0; i < c->s->nobjects; i++) {
        const SctlObject *o = &c->s->objects[i];
        if (o->kind != SCTL_K_SCHEMA || strcmp(o->name, "public") == 0)
            continue;
        sctl_buf_puts(&names, names.len > 1 ? ",\"" : "\"");
        for (const char *p = o->name; *p; p++)
            sctl_buf_printf(&names, "%s%c", *p == '"' || *p == '\\' ? "\\"
                            : "", *p);
        sctl_buf_puts(&names, "\"");
    }
    sctl_buf_puts(&names, "}");
    const char *params[1] = {names.data};
    PGresult *r = PQexecParams(c->conn.pg, "SELECT EXISTS (SELECT FROM"
        " pg_catalog.pg_namespace n WHERE n.nspname = ANY ($1::text[])"
        " AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend e WHERE"
        " e.classid = 'pg_catalog.pg_namespace'::pg_catalog.regclass AND"
        " e.objid = n.oid AND e.deptype = 'e'))", 1, NULL, params, NULL,
        NULL, 0);
    bool there = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1
                 && strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
    sctl_buf_free(&names);
    return there;
}

static bool is_fresh(Ctx *c, int *status)
{
    char *err = NULL;
    if (declared_schema_there(c))
        return false;
    SctlFacets *live = sctl_read_facets(c->conn.pg, c->s->schemas,
                                        c->s->nschemas, &err);
    if (!live) {
        *status = cmd_fail(SCTL_APPLY_FAILED, err);
        return false;
    }
    bool yes = fresh(c->s, live);
    sctl_facets_free(live);
    SctlUndeclaredList extra;   /* fresh: nothing to drop either */
    if (yes && !sctl_read_undeclared(c->conn.pg, c->s, NULL, &extra, &err)) {
        *status = cmd_fail(SCTL_APPLY_FAILED, err);
        return false;
    }
    if (yes) {
        yes = extra.len == 0;
        sctl_undeclared_free(&extra);
    }
    return yes;
}

/*
 * What a fresh apply made is the declared state by definition, read back
 * under the lock: a later command finds the catalog unchanged without a
 * verify reading it first, once the same checks as verify's hold (nothing
 * undeclared; nothing to plan).
 */
static int remember_fresh(Ctx *c, const SctlDeclared *d, const char *fp)
{
    char *err = NULL;
    SctlUndeclaredList extra;
    SctlDiffs none = {0};
    if (!sctl_read_undeclared(c->conn.pg, c->s, d->facets, &extra, &err))
        return cmd_fail(SCTL_APPLY_FAILED, err);
    bool clean = extra.len == 0 &&
                 cmd_nothing_to_do(c, d, d->facets, &none);
    sctl_undeclared_free(&extra);
    if (clean)
        sctl_memo_write_here(c->conn.pg, c->s, fp, c->applied, d->facets);
    return SCTL_OK;
}

/* Returns -1 when the database is not fresh after all (someone else
 * applied meanwhile): the caller takes the usual way. */
static int attempt_fresh(Ctx *c, SctlDeclared *d, SctlPlan *plan)
{
    char *err = NULL;
    int status = SCTL_OK;
    if (!take_lock(c, &err) ||
        !sctl_history_ensure(c->conn.pg, &err))
        return cmd_fail(SCTL_APPLY_FAILED, err);
    if (!is_fresh(c, &status))
        return status == SCTL_OK ? -1 : status;
    cmd_phase("fresh database (checked)");
    for (int k = 0; k < c->s->nstatements; k++)
        sctl_plan_add(plan, k, NULL, c->s->statements[k].object);
    status = run_fresh_steps(c, plan);
    if (status != SCTL_OK)
        return status;
    cmd_phase("statements");
    /* the memo's table made first: the fingerprint is of the catalog as
     * the commit leaves it */
    char *fp = NULL;
    if (!sctl_clean_memo_ensure(c->conn.pg, &err))
        return cmd_fail(SCTL_APPLY_FAILED, err);
    fp = sctl_fingerprint_here(c->conn.pg, c->s);
    bool ok = sctl_declared_here(&c->conn, c->s, d, &err);
    cmd_phase("read back (normal forms)");
    if (!ok || !record(c, d, plan->len, &err)) {
        free(fp);
        return cmd_fail(SCTL_APPLY_FAILED, err);
    }
    cmd_phase("recorded and cached");
    c->applied = cmd_declared_count(d, c->s->nobjects);
    status = fp ? remember_fresh(c, d, fp) : SCTL_OK;
    free(fp);
    cmd_phase("memo");
    return status;
}

/* The stand-in, in apply's transaction and under its lock (taken again by
 * the attempt: it is the session's), unless an apply that held the lock
 * before us installed it. */
static bool install_shim(Ctx *c, char **err)
{
    return sctl_lock(c->conn.pg, err) &&
           (sctl_has_platform(c->conn.pg) ||
            sctl_install_platform(c->conn.pg, err));
}

/* One apply: BEGIN, the attempt under the lock, COMMIT or ROLLBACK; then
 * the indexes built concurrently, which cannot run in a transaction. */
int cmd_transaction(Ctx *c, CmdAttempt attempt, SctlDeclared *d)
{
    const char *action = c->action ? c->action : "apply";
    SctlPlan plan = {0};
    char *err = NULL;
    if (!sctl_exec(c->conn.pg, "BEGIN", action, &err))
        return cmd_fail(SCTL_APPLY_FAILED, err);
    int status = SCTL_OK;
    if (c->shim_pending && !install_shim(c, &err))
        status = cmd_fail(SCTL_APPLY_FAILED, err);  /* rolled back below */
    else
        status = attempt(c, d, &plan);
    if (status == SCTL_OK && !sctl_exec(c->conn.pg, "COMMIT", action, &err))
        status = cmd_fail(SCTL_APPLY_FAILED, err);
    if (status == SCTL_OK)
        cmd_phase("commit");
    if (status != SCTL_OK) {
        sctl_exec(c->conn.pg, "ROLLBACK", NULL, NULL);
        if (status > 0 && c->committed_first)
            fprintf(stderr, "%s: %s rolled back, except the %senum "
                    "labels it added first (they are declared)\n",
                    sctl_progname, action, plan.len && plan.steps[0].done
                                           ? "renames and the " : "");
        else if (status > 0)
            fprintf(stderr, "%s: %s rolled back; the database is as it "
                    "was\n", sctl_progname, action);
    } else {
        c->shim_pending = false;
        status = after_commit(c, &plan);
        c->did_apply = true;
        printf("%s: %d statement%s run, %d object%s changed\n", action,
               plan.len,
               plan.len == 1 ? "" : "s", c->applied,
               c->applied == 1 ? "" : "s");
    }
    sctl_plan_free(&plan);
    return status;
}

/* Indexes built concurrently come after the commit, so the state read
 * back inside a fresh apply's transaction would lack them. */
static bool builds_concurrently(const SctlSchema *s)
{
    for (int i = 0; i < s->nobjects; i++)
        if (s->objects[i].concurrently)
            return true;
    return false;
}

/* The declared state is loaded only when the catalog must be read: on a
 * fresh database what apply makes is read back instead, and an unchanged
 * one needs nothing.  It cannot be loaded inside apply's transaction (a
 * scratch database needs a connection outside one), so an attempt that
 * needs it ends and runs again with it. */
static int apply(Ctx *c, SctlDeclared *d)
{
    char *err = NULL;
    /* the cheap test first; the whole one under the lock (attempt_fresh),
     * not before it too: each reads the catalog */
    if (!d->keys && !builds_concurrently(c->s) && !declared_schema_there(c)) {
        int status = cmd_transaction(c, attempt_fresh, d);
        if (status != -1) {
            if (status != SCTL_OK)
                sctl_declared_free(d, c->s->nobjects);
            return status;
        }
        sctl_declared_free(d, c->s->nobjects);  /* not fresh after all */
    }
    int status = cmd_transaction(c, cmd_attempt_declared, d);
    if (status != CMD_RETRY_DECLARED)
        return status;
    if (!cmd_declared_load(c, d, &err))
        return cmd_fail(SCTL_USAGE, err);
    return cmd_transaction(c, cmd_attempt_declared, d);
}

/* The timeouts hold for the whole apply: reading the catalog waits for
 * the locks of tables being changed elsewhere too. */
int cmd_apply(Ctx *c, SctlDeclared *d)
{
    char *err = NULL;
    if (!sctl_set_timeouts(c->conn.pg, c->lock_timeout_ms,
                           c->statement_timeout_ms, &err))
        return cmd_fail(SCTL_APPLY_FAILED, err);
    int status = apply(c, d);
    sctl_exec(c->conn.pg, "RESET lock_timeout; RESET statement_timeout",
              NULL, NULL);
    return status;
}
