/*
 * facets_helper.c — a second connection that runs some of the reader's
 * queries while the first runs the rest, in the snapshot the first
 * exported, so the two halves read one catalog.
 *
 * The reading is the server's work, one backend each: at 10,000 tables
 * the four largest queries took 2.0-2.3 s in one session and 1.3 s split
 * over two on two cores.  The helper is a thread with its own PGconn
 * (libpq is safe so); it only collects results, which the caller files in
 * its own order.  Anything that goes wrong in it (a connection refused, a
 * snapshot that cannot be imported, a query that fails) only means the
 * caller runs those queries itself and reports their errors.
 */
#include "schemactl.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

struct SctlHelper {
    pthread_t thread;
    PGconn *conn;             /* opened and closed in the thread */
    char **keywords, **values;  /* the first connection's parameters */
    char *snapshot, *settings, *schemas;
    const char *const *sqls;
    const bool *by_schema;
    int n;
    PGresult **results;       /* n, NULL where not run */
    bool ok;
};

static bool run(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    return ok;
}

static bool import_snapshot(PGconn *c, const char *snapshot)
{
    if (!run(c, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
        return false;
    /* SET TRANSACTION SNAPSHOT takes no parameter: quoted here */
    char *q = PQescapeLiteral(c, snapshot, strlen(snapshot));
    if (!q)
        return false;
    char *sql = sctl_printf("SET TRANSACTION SNAPSHOT %s", q);
    PQfreemem(q);
    bool ok = run(c, sql);
    free(sql);
    return ok;
}

static void *helper_main(void *arg)
{
    SctlHelper *h = arg;
    h->conn = PQconnectdbParams((const char *const *)h->keywords,
                                (const char *const *)h->values, 0);
    h->ok = PQstatus(h->conn) == CONNECTION_OK &&
            import_snapshot(h->conn, h->snapshot) && run(h->conn, h->settings);
    for (int i = 0; h->ok && i < h->n; i++) {
        const char *params[1] = {h->schemas};
        PGresult *r = PQexecParams(h->conn, h->sqls[i],
                                   h->by_schema[i] ? 1 : 0, NULL, params,
                                   NULL, NULL, 0);
        h->ok = PQresultStatus(r) == PGRES_TUPLES_OK;
        if (h->ok)
            h->results[i] = r;
        else
            PQclear(r);
    }
    PQfinish(h->conn);   /* ends its transaction */
    h->conn = NULL;
    return NULL;
}

/* conn's own connection parameters (password included), for another. */
static void copy_params(PGconn *conn, SctlHelper *h)
{
    PQconninfoOption *opts = PQconninfo(conn);
    int n = 0;
    for (PQconninfoOption *o = opts; o && o->keyword; o++)
        n++;
    h->keywords = sctl_xcalloc((size_t)n + 2, sizeof *h->keywords);
    h->values = sctl_xcalloc((size_t)n + 2, sizeof *h->values);
    int k = 0;
    for (PQconninfoOption *o = opts; o && o->keyword; o++)
        if (o->val && strcmp(o->keyword, "application_name") != 0) {
            h->keywords[k] = sctl_xstrdup(o->keyword);
            h->values[k++] = sctl_xstrdup(o->val);
        }
    h->keywords[k] = sctl_xstrdup("application_name");
    h->values[k] = sctl_xstrdup("schemactl reader");
    PQconninfoFree(opts);
}

static void helper_free(SctlHelper *h)
{
    for (int i = 0; h->keywords && h->keywords[i]; i++) {
        free(h->keywords[i]);
        free(h->values[i]);
    }
    free(h->keywords);
    free(h->values);
    for (int i = 0; i < h->n; i++)
        PQclear(h->results[i]);
    free(h->results);
    free(h->snapshot);
    free(h->settings);
    free(h->schemas);
    free(h);
}

SctlHelper *sctl_helper_start(PGconn *conn, const char *settings,
                              const char *const *sqls, const bool *by_schema,
                              int n, const char *schemas)
{
    /* a standby's snapshots are not for export, nor a busy connection's */
    if (sctl_query_bool(conn, "SELECT pg_catalog.pg_is_in_recovery()"))
        return NULL;
    PGresult *r = PQexec(conn, "SELECT pg_catalog.pg_export_snapshot()");
    bool exported = PQresultStatus(r) == PGRES_TUPLES_OK &&
                    PQntuples(r) == 1;
    SctlHelper *h = NULL;
    if (exported) {
        h = sctl_xcalloc(1, sizeof *h);
        h->snapshot = sctl_xstrdup(PQgetvalue(r, 0, 0));
    }
    PQclear(r);
    if (!h)
        return NULL;
    h->settings = sctl_xstrdup(settings);
    h->schemas = sctl_xstrdup(schemas);
    h->sqls = sqls;
    h->by_schema = by_schema;
    h->n = n;
    h->results = sctl_xcalloc((size_t)n + 1, sizeof *h->results);
    copy_params(conn, h);
    /* signals are the main thread's: its handlers end the process */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    bool started = pthread_create(&h->thread, NULL, helper_main, h) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!started) {
        helper_free(h);
        return NULL;
    }
    return h;
}

bool sctl_helper_finish(SctlHelper *h, PGresult **results)
{
    pthread_join(h->thread, NULL);
    bool ok = h->ok;
    for (int i = 0; i < h->n; i++) {
        results[i] = ok ? h->results[i] : NULL;
        if (ok)
            h->results[i] = NULL;
    }
    helper_free(h);
    return ok;
}
