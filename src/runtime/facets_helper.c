/*
 * facets_helper.c — some of the reader's queries run on a background
 * connection (background.c) while the main one runs the rest, in the
 * snapshot the main one exported, so the two halves read one catalog.
 *
 * At 10,000 tables the four largest queries took 2.0-2.3 s in one session
 * and 1.3 s split over two on two cores.  The helper only collects
 * results, which the caller files in its own order.  Anything that goes
 * wrong in it (a connection refused, a snapshot that cannot be imported, a
 * query that fails) only means the caller runs those queries itself and
 * reports their errors.
 */
#include "schemactl.h"

#include <stdlib.h>
#include <string.h>

struct SctlHelper {
    SctlBackground *background;
    char *snapshot, *settings, *schemas;
    const char **sqls;        /* copies: the caller's lists may be gone */
    bool *by_schema;          /* before the thread reads them */
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

/* In the background thread, on its connection (its transaction ends with
 * the connection). */
static void read_some(PGconn *own, void *arg)
{
    SctlHelper *h = arg;
    h->ok = import_snapshot(own, h->snapshot) && run(own, h->settings);
    for (int i = 0; h->ok && i < h->n; i++) {
        const char *params[1] = {h->schemas};
        PGresult *r = PQexecParams(own, h->sqls[i], h->by_schema[i] ? 1 : 0,
                                   NULL, params, NULL, NULL, 0);
        h->ok = PQresultStatus(r) == PGRES_TUPLES_OK;
        if (h->ok)
            h->results[i] = r;
        else
            PQclear(r);
    }
}

static void helper_free(SctlHelper *h)
{
    for (int i = 0; i < h->n; i++)
        PQclear(h->results[i]);
    free(h->results);
    free(h->sqls);
    free(h->by_schema);
    free(h->snapshot);
    free(h->settings);
    free(h->schemas);
    free(h);
}

SctlHelper *sctl_helper_start(PGconn *conn, const char *settings,
                              const char *const *sqls, const bool *by_schema,
                              int n, const char *schemas)
{
    /* a standby's snapshots are not for export */
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
    h->sqls = sctl_xmalloc(sizeof *h->sqls * (size_t)(n + 1));
    h->by_schema = sctl_xmalloc(sizeof *h->by_schema * (size_t)(n + 1));
    memcpy(h->sqls, sqls, sizeof *h->sqls * (size_t)n);
    memcpy(h->by_schema, by_schema, sizeof *h->by_schema * (size_t)n);
    h->n = n;
    h->results = sctl_xcalloc((size_t)n + 1, sizeof *h->results);
    h->background = sctl_background_start(conn, "schemactl reader",
                                          read_some, h);
    if (!h->background) {
        helper_free(h);
        return NULL;
    }
    return h;
}

bool sctl_helper_finish(SctlHelper *h, PGresult **results)
{
    bool ok = sctl_background_join(h->background) && h->ok;
    for (int i = 0; i < h->n; i++) {
        results[i] = ok ? h->results[i] : NULL;
        if (ok)
            h->results[i] = NULL;
    }
    helper_free(h);
    return ok;
}
