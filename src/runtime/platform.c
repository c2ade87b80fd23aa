/*
 * platform.c — the Supabase stand-in for `platform supabase;`.  Its SQL,
 * sctl_supabase_sql, is src/platform/supabase.sql turned into a C string
 * at build time by scripts/embed-text.sh, so the two never drift apart.
 */
#include <stdlib.h>
#include <string.h>

#include "schemactl.h"

/* auth.uid() is what schemas written for Supabase call first; the shim
 * creates everything else alongside it. */
bool sctl_has_platform(PGconn *conn)
{
    PGresult *r = PQexec(conn, "SELECT pg_catalog.to_regprocedure("
                               "'auth.uid()') IS NOT NULL");
    bool yes = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
               strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
    return yes;
}

/* The server's primary message (no "ERROR:  "), else libpq's; one line,
 * after the fixed text, malloc'd. */
static char *failure(PGconn *conn, const PGresult *r)
{
    const char *lead = "cannot install the supabase platform shim: ";
    const char *why = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
    if (!why)
        why = PQerrorMessage(conn);
    size_t n = strcspn(why, "\n"), len = strlen(lead);
    char *s = malloc(len + n + 1);
    if (s) {
        memcpy(s, lead, len);
        memcpy(s + len, why, n);
        s[len + n] = '\0';
    }
    return s;
}

static bool run(PGconn *conn, const char *sql, char **err)
{
    PGresult *r = PQexec(conn, sql);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK ||
              PQresultStatus(r) == PGRES_TUPLES_OK;
    if (!ok && !*err)
        *err = failure(conn, r);
    PQclear(r);
    return ok;
}

/*
 * One transaction, so that a failure leaves nothing half-installed: the
 * caller's if one is open, else one of its own, where the "already
 * exists, skipping" notices of a second install are also kept quiet.  The
 * shim is idempotent: installing it again changes nothing.
 */
bool sctl_install_platform(PGconn *conn, char **err)
{
    bool own = PQtransactionStatus(conn) == PQTRANS_IDLE;
    *err = NULL;
    if (own && !run(conn, "BEGIN; SET LOCAL client_min_messages = warning",
                    err))
        return false;
    bool ok = run(conn, sctl_supabase_sql, err);
    if (own)
        ok = run(conn, ok ? "COMMIT" : "ROLLBACK", err) && ok;
    return ok;
}
